/**
 * Display width of terminal text, shared by the table renderer and the word wrap. string-width
 * segments graphemes with Intl.Segmenter, which costs ~100 µs and a burst of garbage per string;
 * printable ASCII (most cells and words) is its length, and other text is measured once per
 * distinct string. 10,000 rows of `✗ registry-error` measured one by one allocated ~30 MiB of
 * segmenter garbage and pushed pull-check of 10,000 references past 200 MiB peak RSS on a
 * terminal (issue 12). Pure.
 */
import stringWidth from 'string-width'

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/

/** Widths of the non-ASCII strings measured so far (verdicts such as `✗ registry-error` repeat on every row). */
const wideWidths = new Map<string, number>()
/** Distinct non-ASCII strings remembered: the cache is bounded, the widths past it are measured each time. */
const MAX_WIDE_WIDTHS = 4096

/** Display width of `text` in terminal cells: wide characters count 2, ANSI colour counts 0. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length
  let width = wideWidths.get(text)
  if (width === undefined) {
    width = stringWidth(text)
    if (wideWidths.size < MAX_WIDE_WIDTHS) wideWidths.set(text, width)
  }

  return width
}
