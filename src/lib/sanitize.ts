/**
 * Text that came from a server, a credential helper or an input file is data, not terminal or CI
 * commands (issue 12). Before it is printed it is made one bounded, inert line: ANSI escape
 * sequences and control characters removed, line breaks folded to spaces, a leading `::` escaped
 * (GitHub Actions runs a line starting with `::` as a workflow command; only regctl's own
 * annotation lines may), and the length cut with an ellipsis.
 *
 * Hand-written: a few lines of linear-time string handling; no library does exactly this.
 */

/** Characters of foreign text echoed in a message, at most (then `…`). */
export const MAX_ECHO_CHARS = 200

// ESC-introduced sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ESC \`), and two-character ones.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])/g
// C0 and C1 controls and DEL, line and paragraph separators, bidi overrides.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const BREAKS = /[\t\n\r\u2028\u2029]+/g

/** Cuts `text` to `max` characters (code points), with an ellipsis when something was cut. */
export function cutText(text: string, max: number = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text
  // A code point is at most two UTF-16 units: this prefix holds max + 1 of them when they exist.
  const points = [...text.slice(0, 2 * (max + 1))]
  return points.length > max ? `${points.slice(0, max).join('')}…` : text
}

/**
 * One inert line of at most `max` characters from foreign text. Does not redact: redact first
 * (`redactText`, `redactSecrets`), then sanitise.
 */
export function sanitizeText(text: string, max: number = MAX_ECHO_CHARS): string {
  // Bound the work before the regular expressions run on it.
  const bounded = text.length > max * 8 ? text.slice(0, max * 8) : text
  const line = bounded.replace(ANSI, '').replace(BREAKS, ' ').replace(CONTROL, '').trim()
  const inert = line.startsWith('::') ? `\\${line}` : line
  return cutText(inert, max)
}

/**
 * {@link sanitizeText} without the cut: one inert line of any length. Applied to every string of a
 * result before a human renderer sees it ({@link inertDeep}), since any field (a tag, a package
 * name, a finding quoting a Dockerfile line, a registry's message) may hold foreign text.
 */
export function inertLine(text: string): string {
  // Fast path: most strings hold nothing to remove.
  if (!NEEDS_WORK.test(text)) return text
  const line = text.replace(ANSI, '').replace(BREAKS, ' ').replace(CONTROL, '')
  return line.startsWith('::') ? `\\${line}` : line
}

// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /^::|[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/

/** How deep {@link inertDeep} walks (results are a few levels deep; a cycle or a bomb stops here). */
const MAX_DEPTH = 32

/**
 * A copy of `value` whose every string (values, not keys) went through {@link inertLine}: the one
 * render boundary for text from servers, helpers and input files (issue 12). `--json` output
 * does not need it (JSON escapes control characters and newlines) and gets the data untouched.
 */
export function inertDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return inertLine(value) as T
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value
  if (Array.isArray(value)) return value.map((item: unknown) => inertDeep(item, depth + 1)) as T
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = inertDeep(item, depth + 1)
  return out as T
}
