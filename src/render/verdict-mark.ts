/**
 * One mark per verdict class, in every command: `✓` ok (exit 0), `✗` a definitive failure (exit 1:
 * not-found, unauthorized, denied, platform-missing, invalid-reference), `!` could not tell (exit 3:
 * unreachable, registry-error, rate-limited, credential-error). auth status already marked a login it
 * could not verify (registry unreachable) `!` and a rejected one `✗`; pull-check and audit marked
 * every verdict but pullable `✗`, so "the registry is down" read like "the image is gone". Pure.
 */
import {INDETERMINATE_VERDICTS, type Verdict} from '../lib/checks/pull-check.js'
import {mark, paint, PLAIN, type Mark, type OutputStyle} from './output-style.js'

/** The mark of `verdict`'s class (see the module comment). */
export function verdictMark(verdict: Verdict): Mark {
  if (verdict === 'pullable') return 'ok'
  return INDETERMINATE_VERDICTS.has(verdict) ? 'warn' : 'bad'
}

/** A VERDICT cell: `✓ pullable`, `✗ not-found`, `! unreachable` (uncoloured: the table paints it). */
export function verdictCell(verdict: Verdict): string {
  return `${mark(PLAIN, verdictMark(verdict))} ${verdict}`
}

const MARK_OF_CELL: Record<string, Mark> = {[mark(PLAIN, 'ok')]: 'ok', [mark(PLAIN, 'bad')]: 'bad', [mark(PLAIN, 'warn')]: 'warn'}

/** A cell made by {@link verdictCell}, in its mark's colour; any other text as it is. */
export function paintVerdictCell(style: OutputStyle, cell: string): string {
  const kind = MARK_OF_CELL[cell.slice(0, 1)]
  return kind === undefined ? cell : paint(style, kind, cell)
}
