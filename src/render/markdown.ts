/**
 * Findings as GitHub-flavoured markdown for `$GITHUB_STEP_SUMMARY`: a heading, counts by
 * severity, a table of findings, and each rule's help collapsed in `<details>`. Text from findings
 * is escaped (markdown, HTML, table pipes); code spans in messages are kept. Pure.
 */
import type {Finding, FindingLocation, Rule, Severity} from '../lib/checks/finding.js'
import {redactText} from '../lib/errors.js'
import {plural} from '../lib/grammar.js'

export type MarkdownReport = {
  findings: readonly Finding[]
  /** Catalogue for the help sections (rules without findings are not shown). */
  rules: readonly Rule[]
  /** Heading text (default `regctl audit`). */
  title?: string
  /** Images found in the repository, listed in a collapsed section when given. */
  images?: ReadonlyArray<{image: string; location: FindingLocation}>
}

const ORDER: readonly Severity[] = ['error', 'warning', 'note']
const LABEL: Record<Severity, string> = {error: '❌ error', warning: '⚠️ warning', note: 'ℹ️ note'}

/**
 * Escapes plain text for a table cell or heading: HTML, the table pipe, and the inline markdown
 * constructs (emphasis, code, links, strikethrough, escapes). Block constructs (`#`, `-`, `1.`)
 * cannot start inside a cell, so they stay as written. Newlines become `<br>`.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/\r?\n/g, '<br>')
}

/** A code span safe in a table cell (no backticks inside, `|` escaped, one line). */
function codeSpan(text: string): string {
  const content = text.replace(/\r?\n/g, ' ').replaceAll('|', '\\|')
  const fence = content.includes('`') ? '``' : '`'
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

/** Message text with its `code spans` kept and everything else escaped. */
function inline(text: string): string {
  const parts = text.split('`')
  // Unbalanced backticks: escape everything.
  if (parts.length % 2 === 0) return escapeMarkdown(text)
  return parts.map((part, i) => (i % 2 === 1 ? codeSpan(part) : escapeMarkdown(part))).join('')
}

function locationCell(finding: Finding): string {
  if (!finding.location) return finding.subject ? codeSpan(finding.subject) : ''
  const {file, line} = finding.location
  return codeSpan(line === undefined ? file : `${file}:${line}`)
}


/** Renders the report (newline-terminated). */
export function renderMarkdown(report: MarkdownReport): string {
  const findings = [...report.findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity))
  const lines = [`## ${escapeMarkdown(report.title ?? 'regctl audit')}`, '']
  const counts = ORDER.map((severity) => findings.filter((f) => f.severity === severity).length)
  lines.push(`**${plural(counts[0] ?? 0, 'error')}** · **${plural(counts[1] ?? 0, 'warning')}** · **${plural(counts[2] ?? 0, 'note')}**`, '')

  if (findings.length === 0) {
    lines.push('No findings.', '')
  } else {
    lines.push('| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |')
    for (const finding of findings) {
      const message = inline(redactText(finding.message))
      const fix = finding.fix ? `<br>**Fix:** ${inline(redactText(finding.fix))}` : ''
      lines.push(`| ${LABEL[finding.severity]} | ${codeSpan(finding.ruleId)} | ${locationCell(finding)} | ${message}${fix} |`)
    }

    lines.push('')
    const used = new Set(findings.map((f) => f.ruleId))
    for (const rule of report.rules) {
      if (!used.has(rule.id)) continue
      lines.push(
        `<details><summary><code>${escapeHtml(rule.id)}</code>: ${escapeHtml(rule.shortDescription.replace(/`/g, ''))}</summary>`,
        '',
        rule.help,
        '',
        '</details>',
        '',
      )
    }
  }

  if (report.images && report.images.length > 0) {
    lines.push(`<details><summary>${plural(report.images.length, 'image')} found in the repository</summary>`, '')
    lines.push('| Image | Where |', '| --- | --- |')
    for (const {image, location} of report.images) {
      lines.push(`| ${codeSpan(image)} | ${codeSpan(location.line === undefined ? location.file : `${location.file}:${location.line}`)} |`)
    }

    lines.push('', '</details>', '')
  }

  return `${lines.join('\n').trimEnd()}\n`
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}
