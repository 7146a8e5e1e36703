/**
 * `regctl audit --write-baseline FILE` / `--baseline FILE` (issue #9): adopt the audit in a
 * repository that already has findings. The baseline records today's findings by their stable
 * fingerprint (./fingerprint.ts) with rule, file and message for humans; a later run marks a
 * finding whose fingerprint is recorded as `baselineState: "unchanged"` (still reported in JSON
 * and SARIF, left out of the exit code) and every other one as `"new"`. Pure: text in, data out.
 */
import {ConfigError} from '../errors.js'
import {findingFingerprint} from './fingerprint.js'
import type {Finding} from './finding.js'

/** The baseline file format, version 1 (JSON). */
export type BaselineFile = {
  version: 1
  tool: 'regctl'
  findings: Array<{fingerprint: string; ruleId: string; file?: string; message: string}>
}

/** A baseline file larger than this is refused (a bound, not a format limit: ~20,000 findings). */
export const MAX_BASELINE_BYTES = 8 * 1024 * 1024

/** The baseline of `findings`, as the text of the file (sorted: stable diffs in version control). */
export function renderBaseline(findings: readonly Finding[]): string {
  const entries = findings
    .map((finding) => ({
      fingerprint: finding.fingerprint ?? findingFingerprint(finding),
      ruleId: finding.ruleId,
      ...(finding.location?.file === undefined ? {} : {file: finding.location.file}),
      message: finding.message,
    }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0))
  const unique = entries.filter((entry, i) => i === 0 || entries[i - 1]?.fingerprint !== entry.fingerprint)
  const file: BaselineFile = {version: 1, tool: 'regctl', findings: unique}
  return `${JSON.stringify(file, null, 2)}\n`
}

/**
 * The fingerprints of a baseline file. Throws {@link ConfigError} (exit 2) naming the file when it
 * is too large, not JSON, or not a regctl baseline.
 */
export function parseBaseline(text: string, path: string): Set<string> {
  if (text.length > MAX_BASELINE_BYTES) throw new ConfigError(path, `baseline file is larger than ${MAX_BASELINE_BYTES} bytes`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(path, `baseline file is not valid JSON (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})`)
  }

  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  const findings = record?.['findings']
  if (!record || record['version'] !== 1 || !Array.isArray(findings)) {
    throw new ConfigError(path, 'not a regctl baseline (expected {"version": 1, "findings": [...]}; write one with --write-baseline)')
  }

  const fingerprints = new Set<string>()
  for (const [index, entry] of findings.entries()) {
    const fingerprint = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['fingerprint'] : undefined
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint)) throw new ConfigError(path, `findings[${index}].fingerprint is not a sha256 hex string`)
    fingerprints.add(fingerprint)
  }

  return fingerprints
}

/** Each finding with its fingerprint and, when a baseline is given, its `baselineState`. */
export function applyBaseline(findings: readonly Finding[], baseline: ReadonlySet<string> | undefined): Finding[] {
  return findings.map((finding) => {
    const fingerprint = finding.fingerprint ?? findingFingerprint(finding)
    if (!baseline) return {...finding, fingerprint}
    return {...finding, fingerprint, baselineState: baseline.has(fingerprint) ? 'unchanged' : 'new'}
  })
}
