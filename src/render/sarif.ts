/**
 * Findings as SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
 * Follows GitHub's "SARIF support for code scanning": one run, `tool.driver` with `rules[]`
 * (`id`, `name`, `shortDescription`, `fullDescription`, `help.text`/`help.markdown`,
 * `defaultConfiguration.level`, `properties.security-severity` for the severity label), results
 * with `ruleId`, `ruleIndex`, `level`, `message.text` and `physicalLocation` relative to
 * `%SRCROOT%`, `region.startLine` ≥ 1, and `partialFingerprints` so alerts survive line moves.
 * Pure: data in, string out.
 */
import {createHash} from 'node:crypto'

import type {Finding, FindingLocation, Rule, Severity} from '../lib/checks/finding.js'
import {redactText} from '../lib/errors.js'

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'

export type SarifOptions = {
  /** regctl's version (`tool.driver.version`). */
  toolVersion: string
  /** Absolute path of the audited root, declared as `originalUriBaseIds['%SRCROOT%']`. */
  srcRoot?: string
  /** `tool.driver.informationUri`: where users learn about regctl (omitted when not given). */
  informationUri?: string
  /**
   * Where findings without a file are attached. GitHub displays only results with a location; a
   * finding about a registry login has none, so the command can attach it to, say, the workflow
   * file. Without this, such results carry no `locations` (valid SARIF, stored but not shown).
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

/** A stable id for an alert: rule, file, subject and message without line numbers. */
function fingerprint(finding: Finding): string {
  const message = finding.message.replace(/\bline \d+\b/g, 'line')
  return createHash('sha256')
    .update([finding.ruleId, finding.location?.file ?? '', finding.subject ?? '', message].join('\u0000'))
    .digest('hex')
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

  const results = findings.map((finding) => {
    const location = finding.location ?? options.defaultLocation
    const text = redactText(finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message)
    return {
      ruleId: finding.ruleId,
      ruleIndex: index.get(finding.ruleId) as number,
      level: finding.severity,
      message: {text},
      ...(location ? {locations: [sarifLocation(location)]} : {}),
      partialFingerprints: {'regctlFinding/v1': fingerprint(finding)},
      ...(finding.subject ? {properties: {subject: redactText(finding.subject)}} : {}),
    }
  })

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
        ...(options.srcRoot ? {originalUriBaseIds: {'%SRCROOT%': {uri: fileUriOfDirectory(options.srcRoot)}}} : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
