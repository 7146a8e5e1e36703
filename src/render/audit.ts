/**
 * The human report of `regctl audit` (`--format table`): what each part did, the images and their
 * verdicts as a table, then one block per finding (severity, rule, location, message, fix) and a
 * summary line saying whether the run fails. Findings are blocks rather than table rows because
 * their messages are sentences; a table would wrap them into unreadable columns. Pure.
 */
import type {AuditPart, AuditReport, PartReport} from '../lib/checks/audit.js'
import type {Finding, Severity} from '../lib/checks/finding.js'
import {redactText} from '../lib/errors.js'
import {paint, type Mark, type OutputStyle} from './output-style.js'
import {renderTable} from './table.js'
import {paintVerdictCell, verdictCell} from './verdict-mark.js'
import {oneLine} from '../lib/terminal-text.js'
import {findingCounts, summaryLine} from './summary.js'
import {plural} from '../lib/grammar.js'

const PART_LABEL: Record<AuditPart, string> = {credentials: 'Credentials', images: 'Images', context: 'Build context'}
const SEVERITY_LABEL: Record<Severity, string> = {error: '✗ error', warning: '! warning', note: 'i note'}
const SEVERITY_MARK: Record<Severity, Mark | undefined> = {error: 'bad', warning: 'warn', note: undefined}


function partLine(part: AuditPart, status: PartReport, report: AuditReport): string {
  const label = PART_LABEL[part].padEnd(14)
  if (status.status === 'skipped') {
    const why = {disabled: 'disabled', offline: 'offline, not contacted', unavailable: 'not available in this build'}[status.reason]
    return `${label}skipped (${why})`
  }

  const seconds = `${(status.durationMs / 1000).toFixed(1)} s`
  if (part === 'images') {
    const {total, pullable, failed, indeterminate} = report.summary.images
    const details = [`${pullable} pullable`, ...(failed ? [`${failed} not pullable`] : []), ...(indeterminate ? [`${indeterminate} undetermined`] : [])]
    return `${label}${plural(total, 'image')}${total > 0 ? `: ${details.join(', ')}` : ''}${report.platform ? ` for ${report.platform}` : ''} (${seconds})`
  }

  return `${label}${plural(status.findings, 'finding')} (${seconds})`
}

function where(finding: Finding): string {
  if (!finding.location) return finding.subject ?? ''
  const {file, line} = finding.location
  return line === undefined ? file : `${file}:${line}`
}

/** `-q`: one finding per line, `RULE<TAB>LOCATION` (the location may be empty). */
export function renderAuditQuiet(report: AuditReport): string {
  return report.findings.map((finding) => `${finding.ruleId}\t${oneLine(where(finding))}`).join('\n')
}

/**
 * Renders the report (no trailing newline: the command prints it with `log`). A report, not a
 * listing: its image table stays aligned in a pipe and a CI log too; `style` adds colour and the
 * terminal width.
 */
export function renderAuditTable(report: AuditReport, style: OutputStyle): string {
  const lines = [`regctl audit ${report.root}`, '']
  for (const part of ['credentials', 'images', 'context'] as const) lines.push(partLine(part, report.parts[part], report))

  if (report.images.length > 0) {
    const rows = report.images.map((image) => {
      const verdict = image.verdict === undefined ? '-' : verdictCell(image.verdict)
      const at = image.location ? (image.location.line === undefined ? image.location.file : `${image.location.file}:${image.location.line}`) : ''
      return [image.reference ?? image.image, verdict, at]
    })
    const verdictPaint = (text: string): string => paintVerdictCell(style, text)
    lines.push('', renderTable([{header: 'IMAGE'}, {header: 'VERDICT', paint: verdictPaint, keep: true}, {header: 'WHERE'}], rows, {...style, tty: true}))
  }

  lines.push('')
  if (report.findings.length === 0) {
    lines.push('No findings.')
  } else {
    for (const finding of report.findings) {
      const label = SEVERITY_LABEL[finding.severity]
      const severityMark = SEVERITY_MARK[finding.severity]
      const painted = severityMark ? paint(style, severityMark, label) : label
      const baselined = finding.baselineState === 'unchanged' ? '  (baselined)' : ''
      lines.push(`${painted}${' '.repeat(10 - label.length)}${finding.ruleId}${where(finding) ? `  ${oneLine(where(finding))}` : ''}${baselined}`)
      lines.push(`          ${redactText(finding.message)}`)
      if (finding.fix) lines.push(`          Fix: ${redactText(finding.fix)}`)
      lines.push('')
    }

    lines.pop()
  }

  const {error, warning, note} = report.summary.findings
  const {indeterminate} = report.summary.images
  const verdict =
    report.exitCode === 3
      ? `undetermined: ${indeterminate > 0 ? `${plural(indeterminate, 'image')} could not be checked` : 'the run was cut short'} (exit 3)`
      : report.failOn === 'never'
        ? 'not failing (--fail-on never)'
        : report.exitCode === 1
          ? `fails: findings at or above ${report.failOn} (exit 1)`
          : `passes --fail-on ${report.failOn}`
  const baselined = report.summary.baselined === undefined ? '' : ` (${report.summary.baselined} baselined not counted)`
  lines.push('', summaryLine({count: error + warning + note, noun: 'finding', done: 'reported', detail: `${findingCounts({error, warning, note})}${baselined}`, rest: [verdict]}))
  return lines.join('\n')
}
