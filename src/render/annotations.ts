/**
 * Findings as GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which
 * the runner turns into annotations on the run and the pull request. Escaping follows
 * `@actions/core` (`command.ts`): data escapes `%`, `\r`, `\n`; property values additionally `:`
 * and `,`, so a message cannot end the command or inject another. Pure: data in, string out.
 */
import type {Finding, Severity} from '../lib/checks/finding.js'
import {redactText} from '../lib/errors.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', note: 'notice'}

/** Escapes a command's data (the text after `::`). */
export function escapeData(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
}

/** Escapes a command property value (`file=`, `title=`). */
export function escapeProperty(value: string): string {
  return escapeData(value).replaceAll(':', '%3A').replaceAll(',', '%2C')
}

/** Options of {@link renderAnnotations}. */
export type AnnotationOptions = {
  /** The audited root relative to the repository root (`api`): GitHub resolves `file=` from the root. */
  pathPrefix?: string
}

/**
 * One workflow command per finding (`note` → `::notice`), newline-terminated; empty for none.
 * Baselined findings (`audit --baseline`) are not annotated: they are not new.
 */
export function renderAnnotations(findings: readonly Finding[], options: AnnotationOptions = {}): string {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '')
  const lines = findings.filter((finding) => finding.baselineState !== 'unchanged').map((finding) => {
    const properties: string[] = []
    if (finding.location) {
      const file = prefix === '' ? finding.location.file : `${prefix}/${finding.location.file}`
      properties.push(`file=${escapeProperty(file)}`)
      if (finding.location.line !== undefined && finding.location.line >= 1) properties.push(`line=${finding.location.line}`)
      if (finding.location.column !== undefined && finding.location.column >= 1) properties.push(`col=${finding.location.column}`)
    }

    properties.push(`title=${escapeProperty(finding.ruleId)}`)
    const text = redactText(finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message)
    return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(text)}`
  })
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
