/**
 * The `regctl audit` report in each `--format`, and the one-line notes around it. Pure: data in,
 * string out.
 */
import type {AuditReport} from '../lib/checks/audit.js'
import type {FindingLocation, Rule} from '../lib/checks/finding.js'
import {renderAuditTable} from './audit.js'
import {PLAIN, type OutputStyle} from './output-style.js'
import {renderMarkdown} from './markdown.js'
import {renderSarif} from './sarif.js'
import {plural} from '../lib/grammar.js'

/** The values of `audit --format`. */
export const AUDIT_FORMATS = ['table', 'json', 'sarif', 'markdown'] as const
export type AuditFormat = (typeof AUDIT_FORMATS)[number]

/** What the SARIF and markdown formats need besides the report. */
export type AuditRenderContext = {
  /** Every rule the report can name (`auditRules(AUTH_RULES)`). */
  rules: readonly Rule[]
  toolVersion: string
  /** The repository root: SARIF's `%SRCROOT%`. */
  srcRoot: string
  /** The audited root relative to {@link srcRoot}, prefixed to SARIF URIs. */
  pathPrefix?: string
  /** Where SARIF results without a file go (the workflow file in GitHub Actions). */
  defaultLocation?: FindingLocation | undefined
  /** Colour and width of the table format on a terminal (default: plain). */
  style?: OutputStyle | undefined
}


/** The report as a document in `format`, ending with a newline. */
export function renderAuditReport(report: AuditReport, format: AuditFormat, context: AuditRenderContext): string {
  switch (format) {
    case 'json': {
      return `${JSON.stringify(report, null, 2)}\n`
    }

    case 'sarif': {
      const {defaultLocation} = context
      return renderSarif(report.findings, context.rules, {
        toolVersion: context.toolVersion,
        srcRoot: context.srcRoot,
        ...(context.pathPrefix ? {pathPrefix: context.pathPrefix} : {}),
        ...(defaultLocation ? {defaultLocation} : {}),
      })
    }

    case 'markdown': {
      return renderMarkdown({
        findings: report.findings,
        rules: context.rules,
        images: report.images.flatMap((i) => (i.location ? [{image: i.image, location: i.location}] : [])),
      })
    }

    case 'table': {
      return `${renderAuditTable(report, context.style ?? PLAIN)}\n`
    }
  }
}

/** The stderr line after `--output FILE`: the counts, and where the report went. */
export function renderAuditWritten(report: AuditReport, format: AuditFormat, output: string): string {
  const {error, warning, note} = report.summary.findings
  return `regctl audit: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(note, 'note')}; ${format} report written to ${output}`
}

/**
 * Whether workflow-command annotations may go to stdout. They are harmless after a table, but
 * inside a JSON or SARIF document on stdout they would corrupt it, so they appear only when stdout
 * holds a table or nothing (`--output`), and never under `--json`.
 */
export function annotationsFitStdout(options: {json: boolean; format: AuditFormat; toFile: boolean}): boolean {
  return !options.json && (options.format === 'table' || options.toFile)
}
