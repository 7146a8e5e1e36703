/**
 * Word wrap for report lines on a terminal (`auth status`): a line wider than the terminal breaks
 * at spaces, and its continuation lines are indented four more than the line itself, so a wrapped
 * finding still reads as part of its block. Words longer than a line (URLs, paths) are never
 * broken. Never used for pipes or JSON. Pure; linear in the line length. Each word is measured once
 * (display-width.ts: ASCII words by length, others once per distinct word), not the whole line and
 * then its words: the 10,000 coloured ping notes of a 10,000-image pull-check each went through
 * Intl.Segmenter whole and word by word, +60 MiB peak RSS at COLUMNS=100 (issue 12).
 */
import {displayWidth} from './display-width.js'

const HANGING = 4

/** `line` wrapped to `columns` display cells (ANSI colour is not counted). */
export function wrapIndented(line: string, columns: number): string {
  const indent = line.length - line.trimStart().length
  const words = line.slice(indent).split(' ')
  const wordWidths = words.map((word) => displayWidth(word))
  if (indent + wordWidths.reduce((sum, w) => sum + w, 0) + words.length - 1 <= columns) return line
  const hanging = ' '.repeat(Math.min(indent + HANGING, Math.floor(columns / 2)))
  const out: string[] = []
  let current = line.slice(0, indent)
  let width = indent
  let placed = 0
  for (const [k, word] of words.entries()) {
    const w = wordWidths[k] ?? 0
    if (placed > 0 && width + 1 + w > columns) {
      out.push(current)
      current = hanging + word
      width = hanging.length + w
      placed = 1
      continue
    }

    current += placed > 0 ? ` ${word}` : word
    width += (placed > 0 ? 1 : 0) + w
    placed++
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
