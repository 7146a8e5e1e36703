/**
 * How human output is laid out for where it goes: a terminal gets aligned, width-fitted tables and
 * colour; a pipe gets plain tab-separated rows, full values and no colour (gh's convention, so
 * `cut -f1`, `awk` and `while read` work). The runtime decides (src/runtime/terminal.ts); the
 * renderers only read this value. Pure.
 */

import type {OutputStyle} from '../lib/output-style.js'

export type {OutputStyle} from '../lib/output-style.js'

/** A pipe or a file: what the renderers assume when no style is given (tests, `--output`). */
export const PLAIN: OutputStyle = {tty: false, color: false}

/** An 80-column terminal without colour (for the stable README captures and tests). */
export const TERMINAL: OutputStyle = {tty: true, color: false}

/** The three marks regctl prints, and their colours (SGR 32 green, 31 red, 33 yellow). */
export type Mark = 'ok' | 'bad' | 'warn'

const MARK_TEXT: Record<Mark, string> = {ok: '✓', bad: '✗', warn: '!'}
const MARK_SGR: Record<Mark, number> = {ok: 32, bad: 31, warn: 33}

/** `text` in the colour of `mark` when colour is on (SGR 39 resets only the foreground). */
export function paint(style: OutputStyle, mark: Mark, text: string): string {
  return style.color ? `\u001B[${MARK_SGR[mark]}m${text}\u001B[39m` : text
}

/** ✓, ✗ or !, coloured when colour is on. */
export function mark(style: OutputStyle, kind: Mark): string {
  return paint(style, kind, MARK_TEXT[kind])
}

/** Output split by stream: the body goes to stdout; the footer to stdout on a TTY, to stderr when piped. */
export type RenderedOutput = {body: string; footer: string}
