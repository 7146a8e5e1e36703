/**
 * Findings as SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
 * Follows GitHub's "SARIF support for code scanning": one run, `tool.driver` with `rules[]`
 * (`id`, `name`, `shortDescription`, `fullDescription`, `help.text`/`help.markdown`,
 * `defaultConfiguration.level`, `properties.security-severity` for the severity label), results
 * with `ruleId`, `ruleIndex`, `level`, `message.text` and `physicalLocation` relative to
 * `%SRCROOT%` (the repository root), `region.startLine` ≥ 1, `partialFingerprints` so alerts
 * survive line moves, and `baselineState` under `audit --baseline`. Every result has a location:
 * findings without a file go to `defaultLocation` (the workflow file in GitHub Actions) or are left
 * out with a note in `invocations[0].toolExecutionNotifications` (GitHub rejects results without
 * `locations`: multitool rule GH1015).
 * Pure: data in, string out.
 */
import {FINGERPRINT_KEY, findingFingerprint} from '../lib/checks/fingerprint.js'
import type {Finding, FindingLocation, Rule, Severity} from '../lib/checks/finding.js'
import {redactText} from '../lib/errors.js'

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'

export type SarifOptions = {
  /** regctl's version (`tool.driver.version`). */
  toolVersion: string
  /**
   * Absolute path of the repository root (GITHUB_WORKSPACE, else the git top level, else the
   * audited root), declared as `originalUriBaseIds['%SRCROOT%']`.
   */
  srcRoot?: string
  /**
   * The audited root relative to {@link srcRoot} (`api` for `regctl audit api`), prefixed to every
   * finding's file so code scanning pins it on the right file. Default: none.
   */
  pathPrefix?: string
  /** `tool.driver.informationUri`: where users learn about regctl (omitted when not given). */
  informationUri?: string
  /**
   * Where findings without a file are attached. GitHub displays only results with a location; a
   * finding about a registry login has none, so the command can attach it to, say, the workflow
   * file. Without this, such results are left out of `results` (GitHub's ingestion rejects a
   * result without `locations`, multitool rule GH1015) and counted in a note of the run's
   * invocation, which points at the JSON or table report where they are listed.
   */
  defaultLocation?: FindingLocation
}

/** GitHub's `security-severity` (≥ 7 high, ≥ 4 medium, > 0 low) per regctl severity. */
const SECURITY_SEVERITY: Record<Severity, string> = {error: '7.5', warning: '5.0', note: '2.0'}

/** Markdown to plain text for `*.text` fields: code spans lose their backticks. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1')
}

/** An absolute path as a `file://` URI ending in `/` (SARIF §3.14.14 requires the slash). */
export function fileUriOfDirectory(path: string): string {
  const slashed = path.replaceAll('\\', '/')
  const withRoot = slashed.startsWith('/') ? slashed : `/${slashed}`
  const encoded = withRoot
    .split('/')
    .map((segment, index) => (index === 1 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/')
  return `file://${encoded.endsWith('/') ? encoded : `${encoded}/`}`
}

/** A relative `/`-separated path as a relative URI reference (each segment percent-encoded). */
function relativeUri(file: string): string {
  return file
    .replaceAll('\\', '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

function sarifLocation(location: FindingLocation): Record<string, unknown> {
  const region: {startLine?: number; startColumn?: number} = {}
  if (location.line !== undefined && Number.isInteger(location.line) && location.line >= 1) {
    region.startLine = location.line
    if (location.column !== undefined && Number.isInteger(location.column) && location.column >= 1) region.startColumn = location.column
  }

  return {
    physicalLocation: {
      artifactLocation: {uri: relativeUri(location.file), uriBaseId: '%SRCROOT%'},
      ...(Object.keys(region).length > 0 ? {region} : {}),
    },
  }
}

function ruleDescriptor(rule: Rule): Record<string, unknown> {
  const firstParagraph = rule.help.split(/\n\s*\n/)[0] ?? rule.help
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: {text: plain(rule.shortDescription)},
    fullDescription: {text: plain(firstParagraph)},
    help: {text: plain(rule.help), markdown: rule.help},
    defaultConfiguration: {level: rule.defaultSeverity},
    properties: {tags: ['security'], precision: 'high', 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity]},
  }
}

/**
 * Renders `findings` as a SARIF 2.1.0 log (JSON text, newline-terminated). `rules` becomes
 * `tool.driver.rules`; a finding whose rule is not in `rules` gets a minimal descriptor so every
 * `ruleIndex` is valid. Messages and fixes are passed through `redactText` once more.
 */
export function renderSarif(findings: readonly Finding[], rules: readonly Rule[], options: SarifOptions): string {
  const catalogue: Rule[] = [...rules]
  const index = new Map(catalogue.map((rule, i) => [rule.id, i]))
  for (const finding of findings) {
    if (index.has(finding.ruleId)) continue
    index.set(finding.ruleId, catalogue.length)
    catalogue.push({id: finding.ruleId, name: finding.ruleId, defaultSeverity: finding.severity, shortDescription: finding.ruleId, help: finding.ruleId})
  }

  const prefix = (options.pathPrefix ?? '').replace(/^\.?\/?$/, '').replace(/\/+$/, '')
  const placed = (location: FindingLocation): FindingLocation => (prefix === '' ? location : {...location, file: `${prefix}/${location.file.replace(/^\.\//, '')}`})
  const unplaced: Finding[] = []
  const results = findings.flatMap((finding) => {
    const location = finding.location ? placed(finding.location) : options.defaultLocation
    if (!location) {
      unplaced.push(finding)
      return []
    }

    const text = redactText(finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message)
    return [
      {
        ruleId: finding.ruleId,
        ruleIndex: index.get(finding.ruleId) as number,
        level: finding.severity,
        message: {text},
        locations: [sarifLocation(location)],
        partialFingerprints: {[FINGERPRINT_KEY]: finding.fingerprint ?? findingFingerprint(finding)},
        ...(finding.baselineState ? {baselineState: finding.baselineState} : {}),
        ...(finding.subject ? {properties: {subject: redactText(finding.subject)}} : {}),
      },
    ]
  })

  const notes =
    unplaced.length === 0
      ? []
      : [
          {
            level: 'note',
            message: {
              text: `${unplaced.length} finding${unplaced.length === 1 ? '' : 's'} without a file (${[...new Set(unplaced.map((f) => f.ruleId))].sort().join(', ')}) ${unplaced.length === 1 ? 'is' : 'are'} not in this SARIF log: GitHub code scanning accepts only results with a location. They are listed in the table and JSON reports (regctl audit --format json).`,
            },
          },
        ]

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'regctl',
            version: options.toolVersion,
            ...(/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(options.toolVersion) ? {semanticVersion: options.toolVersion} : {}),
            ...(options.informationUri ? {informationUri: options.informationUri} : {}),
            rules: catalogue.map(ruleDescriptor),
          },
        },
        invocations: [{executionSuccessful: true, ...(notes.length > 0 ? {toolExecutionNotifications: notes} : {})}],
        ...(options.srcRoot ? {originalUriBaseIds: {'%SRCROOT%': {uri: fileUriOfDirectory(options.srcRoot)}}} : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
