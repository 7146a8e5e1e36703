/**
 * Reference lists (`--file images.txt`): one image reference per line, for batch commands.
 */

/** One reference as written in the list, with its 1-based line number for error messages. */
export type ReferenceListEntry = {line: number; input: string}

/**
 * Splits a reference list into entries, without parsing the references themselves (the caller
 * runs `parseReference` and reports `file:line` on failure).
 *
 * - LF, CRLF and lone CR line endings; a leading UTF-8 BOM is ignored;
 * - surrounding whitespace is trimmed; blank lines are skipped;
 * - `#` starts a comment at the start of a line or after whitespace (`alpine:3  # pinned`).
 *   A `#` glued to text (`alpine#x`) is kept: references cannot contain `#`, so parsing reports it
 *   instead of silently dropping part of the line;
 * - duplicates are kept, in order: deduplication is the caller's decision.
 */
export function parseReferenceList(text: string): ReferenceListEntry[] {
  const entries: ReferenceListEntry[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  for (const [index, raw] of lines.entries()) {
    const comment = /(?:^|\s)#/.exec(raw)
    const input = (comment ? raw.slice(0, comment.index) : raw).trim()
    if (input !== '') entries.push({line: index + 1, input})
  }

  return entries
}
