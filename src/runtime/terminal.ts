/**
 * The terminal regctl prints to: whether stdout is a TTY, whether colour is wanted, and its width.
 * Colour follows https://no-color.org and the usual rules: off for `NO_COLOR` (any non-empty
 * value), `--no-color`, `TERM=dumb`, or a stdout that is not a terminal. Width is `COLUMNS` when
 * set (as shells export it and `COLUMNS=80 regctl …` overrides), else the terminal's own.
 */
import type {OutputStyle} from '../lib/output-style.js'

/** A non-empty environment variable (read here rather than through environment.ts: every command loads this). */
function envValue(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** Widths outside this range are ignored (a stray `COLUMNS=0` or `COLUMNS=99999`). */
const MIN_COLUMNS = 20
const MAX_COLUMNS = 1000

/** The style of human output on stdout; `color: false` is `--no-color`. */
export function outputStyle(flags: {color: boolean}): OutputStyle {
  const tty = Boolean(process.stdout.isTTY)
  if (!tty) return {tty: false, color: false}
  const color = flags.color && envValue('NO_COLOR') === undefined && envValue('TERM') !== 'dumb'
  return {tty: true, color, columns: terminalColumns()}
}

function terminalColumns(): number | undefined {
  const fromEnv = Number.parseInt(envValue('COLUMNS') ?? '', 10)
  const columns = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : process.stdout.columns
  // A pseudo-terminal without a size (script(1) with a piped stdin) reports 0: do not fit then.
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return undefined
  return Math.min(Math.max(columns, MIN_COLUMNS), MAX_COLUMNS)
}
