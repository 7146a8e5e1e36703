/**
 * Command help is written in the source as wrapped paragraphs; oclif re-wraps help to the
 * terminal width but keeps every newline, which leaves ragged half-lines. This joins the lines of
 * each paragraph (paragraphs are separated by a blank line) so oclif's wrapping is the only one.
 */
export function helpText(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()).join(' '))
    .join('\n\n')
}
