/**
 * The repository config file of `regctl audit` (issue #9): `.regctl.yaml` (or `.regctl.yml`) at the
 * audited root, checked in next to the code, so a team records *why* a path is skipped or a rule
 * is tuned. Every entry needs a `reason`:
 *
 * ```yaml
 * exclude:
 *   - pattern: test/fixtures
 *     reason: deliberately leaky fixtures for the scanner's own tests
 * rules:
 *   context/no-dockerignore:
 *     severity: note        # error | warning | note | off
 *     reason: the build copies only dist/, checked in review
 * ```
 *
 * Command-line flags win: `--exclude` patterns are added to the file's, `--fail-on` is never changed
 * by it, `--no-config` ignores the file. Bounded: a file over {@link MAX_CONFIG_BYTES} is refused.
 * Pure: text in, data out; malformed input is a {@link ConfigError} (exit 2) with the line.
 */
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Node} from 'yaml'

import {ConfigError} from '../errors.js'
import type {Severity} from './finding.js'

/** File names looked for at the audited root, in order. */
export const AUDIT_CONFIG_NAMES = ['.regctl.yaml', '.regctl.yml'] as const
/** Larger config files are refused: a config is a few dozen lines. */
export const MAX_CONFIG_BYTES = 64 * 1024
/** Entries per list, another bound. */
export const MAX_CONFIG_ENTRIES = 1000

/** A rule's severity in the config: a severity, or `off` to drop its findings. */
export type RuleSetting = Severity | 'off'

/** The parsed config. */
export type AuditConfig = {
  /** `.dockerignore`-syntax patterns relative to the audited root. */
  exclude: string[]
  /** Rule id → severity override. */
  rules: Map<string, RuleSetting>
}

const SETTINGS = new Set<RuleSetting>(['error', 'warning', 'note', 'off'])

/**
 * Parses the config file. `knownRules` are the rule ids an audit can report: an unknown id is an
 * error (a typo would otherwise silently tune nothing).
 */
export function parseAuditConfig(text: string, path: string, knownRules: ReadonlySet<string>): AuditConfig {
  if (text.length > MAX_CONFIG_BYTES) throw new ConfigError(path, `config file is larger than ${MAX_CONFIG_BYTES} bytes`)
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter, prettyErrors: false, uniqueKeys: true})
  const firstError = doc.errors[0]
  if (firstError) {
    const pos = counter.linePos(firstError.pos[0])
    throw new ConfigError(path, `not valid YAML: ${firstError.message.split('\n')[0]}`, {line: pos.line, column: pos.col})
  }

  const fail = (node: Node | null | undefined, detail: string): never => {
    const start = node?.range?.[0]
    const pos = start === undefined ? undefined : counter.linePos(start)
    throw new ConfigError(path, detail, pos ? {line: pos.line, column: pos.col} : undefined)
  }

  const config: AuditConfig = {exclude: [], rules: new Map()}
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return config
  if (!isMap(root)) return fail(root, 'expected a mapping with "exclude" and/or "rules"')

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    const value = pair.value as Node | null
    if (key === 'version') continue
    if (key === 'exclude') {
      if (!isSeq(value)) return fail(value, 'exclude: expected a list of {pattern, reason}')
      if (value.items.length > MAX_CONFIG_ENTRIES) return fail(value, `exclude: more than ${MAX_CONFIG_ENTRIES} entries`)
      for (const item of value.items as Node[]) {
        if (!isMap(item)) return fail(item, 'exclude: each entry is {pattern: PATTERN, reason: WHY}')
        const pattern = item.get('pattern')
        const reason = item.get('reason')
        if (typeof pattern !== 'string' || pattern.trim() === '') return fail(item, 'exclude: "pattern" must be a non-empty string')
        if (typeof reason !== 'string' || reason.trim() === '') return fail(item, `exclude ${JSON.stringify(pattern)}: a "reason" is required`)
        config.exclude.push(pattern)
      }
    } else if (key === 'rules') {
      if (!isMap(value)) return fail(value, 'rules: expected a mapping of rule id → {severity, reason}')
      if (value.items.length > MAX_CONFIG_ENTRIES) return fail(value, `rules: more than ${MAX_CONFIG_ENTRIES} entries`)
      for (const rulePair of value.items) {
        const id = isScalar(rulePair.key) ? String(rulePair.key.value) : ''
        const setting = rulePair.value as Node | null
        if (!knownRules.has(id)) return fail(rulePair.key as Node, `rules: unknown rule id ${JSON.stringify(id)}`)
        if (!isMap(setting)) return fail(setting, `rules.${id}: expected {severity, reason}`)
        const severity = setting.get('severity')
        const reason = setting.get('reason')
        if (typeof severity !== 'string' || !SETTINGS.has(severity as RuleSetting)) return fail(setting, `rules.${id}.severity: expected error, warning, note or off`)
        if (typeof reason !== 'string' || reason.trim() === '') return fail(setting, `rules.${id}: a "reason" is required`)
        config.rules.set(id, severity as RuleSetting)
      }
    } else {
      return fail(pair.key as Node, `unknown key ${JSON.stringify(key)} (expected "exclude" or "rules")`)
    }
  }

  return config
}
