/**
 * The one summary line format of every command (issue 13): what was done to how many things, then
 * the counts by outcome, then anything else after a semicolon:
 *
 *   7 images checked for linux/arm64: 4 pullable, 2 unauthorized, 1 not-found
 *   3 registries checked: 2 accepted, 1 rejected; 1 error, 1 warning, 0 notes
 *   4 findings reported: 1 error, 3 warnings, 0 notes; fails: findings at or above error (exit 1)
 *   3 container packages listed for octocat; API quota 4811/5000, resets 12:00
 *
 * The first outcome is always shown; the others only when not zero. Pure.
 */
import {plural} from '../lib/grammar.js'

/**
 * One summary line; `outcomes` are `[label, count]` (or `detail`, already written, instead), `rest`
 * goes after semicolons.
 */
export function summaryLine(fields: {
  count: number
  noun: string
  nouns?: string
  done: string
  scope?: string | undefined
  outcomes?: Array<[string, number]>
  detail?: string
  rest?: string[]
}): string {
  const [first, ...others] = fields.outcomes ?? []
  const outcomes = fields.detail === undefined ? (first ? [first, ...others.filter(([, count]) => count > 0)].map(([label, count]) => `${count} ${label}`) : []) : [fields.detail]
  const head = `${plural(fields.count, fields.noun, fields.nouns)} ${fields.done}${fields.scope ? ` ${fields.scope}` : ''}`
  return [outcomes.length > 0 ? `${head}: ${outcomes.join(', ')}` : head, ...(fields.rest ?? []).filter(Boolean)].join('; ')
}

/** `1 error, 2 warnings, 0 notes`: the finding counts, always all three. */
export function findingCounts(counts: {error: number; warning: number; note: number}): string {
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`
}
