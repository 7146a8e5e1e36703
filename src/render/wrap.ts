/**
 * Word wrap for report lines on a terminal (`auth status`): a line wider than the terminal breaks
 * at spaces, and its continuation lines are indented four more than the line itself, so a wrapped
 * finding still reads as part of its block. Words longer than a line (URLs, paths) are never
 * broken. Never used for pipes or JSON. Pure; linear in the line length.
 */
import stringWidth from 'string-width'

const HANGING = 4

/** `line` wrapped to `columns` display cells (ANSI colour is not counted). */
export function wrapIndented(line: string, columns: number): string {
  if (stringWidth(line) <= columns) return line
  const indent = line.length - line.trimStart().length
  const hanging = ' '.repeat(Math.min(indent + HANGING, Math.floor(columns / 2)))
  const out: string[] = []
  let current = line.slice(0, indent)
  let width = indent
  let words = 0
  for (const word of line.slice(indent).split(' ')) {
    const w = stringWidth(word)
    if (words > 0 && width + 1 + w > columns) {
      out.push(current)
      current = hanging + word
      width = hanging.length + w
      words = 1
      continue
    }

    current += words > 0 ? ` ${word}` : word
    width += (words > 0 ? 1 : 0) + w
    words++
  }

  out.push(current)
  return out.join('\n')
}

/** Every line of `text` wrapped with {@link wrapIndented}; unchanged when `columns` is undefined. */
export function wrapText(text: string, columns: number | undefined): string {
  if (columns === undefined) return text
  return text
    .split('\n')
    .map((line) => wrapIndented(line, columns))
    .join('\n')
}
