/**
 * Text from outside (registries, helpers, GitHub, file names) made safe to print: no escape
 * sequences that could move the cursor, recolour or retitle the terminal, and no tab or newline
 * inside one table cell or one line. Shared by every renderer. Pure; linear in the text length.
 */

// C0 controls except tab/newline/CR (handled by oneLine), DEL, and the C1 controls (U+0080–U+009F,
// which some terminals treat as ESC [ …). Built from code points so the source holds no raw controls.
const CONTROL = new RegExp(`[${String.fromCodePoint(0)}-${String.fromCodePoint(8)}${String.fromCodePoint(0x0b)}${String.fromCodePoint(0x0c)}${String.fromCodePoint(0x0e)}-${String.fromCodePoint(0x1f)}${String.fromCodePoint(0x7f)}-${String.fromCodePoint(0x9f)}]`, 'g')
const LINE_BREAK = /[\t\n\r]+/g

/** Replaces terminal control characters with U+FFFD, keeping tabs and line breaks. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD')
}

/** {@link printable}, and tabs and line breaks become one space: for a table cell or a single line. */
export function oneLine(text: string): string {
  return printable(text).replace(LINE_BREAK, ' ')
}
