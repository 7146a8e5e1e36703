/**
 * `Link` header parsing (RFC 8288 §3) for the two kinds of pagination regctl follows: registry
 * tag lists (distribution-spec "Listing Tags": `Link: <url>; rel="next"`) and GitHub's REST API
 * (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api:
 * `rel="next"`, `rel="last"` with a `page` parameter).
 *
 * Grammar (RFC 8288 §3, list syntax of RFC 9110 §5.6.1):
 * `Link = #link-value`, `link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )`,
 * `link-param = token BWS [ "=" BWS ( token / quoted-string ) ]`.
 */

/** One link: its target (as written, possibly relative) and its parameters, names lowercased. */
export type Link = {target: string; params: Record<string, string>}

/** RFC 9110 §5.6.3 OWS is SP / HTAB; any whitespace is accepted, as both former parsers did. */
const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char)

/** Ends a token (link-param name or unquoted value). */
const isDelimiter = (char: string | undefined): boolean => char === undefined || char === ';' || char === ',' || isSpace(char)

function skipSpace(line: string, at: number): number {
  let index = at
  while (isSpace(line[index])) index++
  return index
}

/** Reads a quoted-string (RFC 9110 §5.6.4) opening at `at`; undefined when it is not closed. */
function readQuoted(line: string, at: number): {value: string; end: number} | undefined {
  let value = ''
  for (let index = at + 1; index < line.length; index++) {
    const char = line[index]
    if (char === '"') return {value, end: index + 1}
    if (char === '\\' && index + 1 < line.length) index++
    value += line[index] ?? ''
  }

  return undefined
}

/** Reads characters up to the next delimiter (or `also`: `=` ends a parameter name). */
function readToken(line: string, at: number, also?: string): {value: string; end: number} {
  let end = at
  while (!isDelimiter(line[end]) && line[end] !== also) end++
  return {value: line.slice(at, end), end}
}

/**
 * Parses one link-value starting at `at` (leading whitespace allowed). Returns the link and the
 * index after its separating comma (or the end of the line), or undefined when it is malformed.
 * One pass, no backtracking: a hostile header with many parameters costs linear time.
 */
function readLinkValue(line: string, at: number): {link: Link; end: number} | undefined {
  let index = skipSpace(line, at)
  if (line[index] !== '<') return undefined
  const close = line.indexOf('>', index + 1)
  const target = close === -1 ? '' : line.slice(index + 1, close)
  // A URI-Reference never holds `<` (RFC 3986 §2): `<a, <b>` is a broken link followed by `<b>`.
  if (close === -1 || target.includes('<')) return undefined
  const params: Record<string, string> = {}
  index = close + 1
  // Bounded: every turn consumes a `;` and a non-empty name, or returns.
  for (;;) {
    index = skipSpace(line, index)
    if (index >= line.length) return {link: {target, params}, end: index}
    if (line[index] === ',') return {link: {target, params}, end: index + 1}
    if (line[index] !== ';') return undefined
    const name = readToken(line, skipSpace(line, index + 1), '=')
    if (name.value === '') return undefined
    index = skipSpace(line, name.end)
    let value = ''
    if (line[index] === '=') {
      index = skipSpace(line, index + 1)
      const quoted = line[index] === '"' ? readQuoted(line, index) : undefined
      // An unclosed quote is kept verbatim as a token, as the registry parser did.
      const read = quoted ?? readToken(line, index)
      value = read.value
      index = read.end
    }

    const key = name.value.toLowerCase()
    // RFC 8288 §3.3: occurrences after the first of a parameter (notably `rel`) are ignored.
    if (key !== '__proto__' && !Object.hasOwn(params, key)) params[key] = value
  }
}

/**
 * Where parsing resumes after a malformed element: after the next comma that is followed (after
 * optional whitespace) by `<`, i.e. at the next link-value, or at the end of the line. Always
 * past `at`, since the comma is consumed.
 */
function resumeAfter(line: string, at: number): number {
  const next = /,\s*(?=<)/g
  next.lastIndex = at
  const found = next.exec(line)
  return found ? found.index + found[0].length : line.length
}

/**
 * Parses a `Link` header (one value or several lines). Tolerant: a malformed element is skipped
 * and parsing resumes at the next link-value. Commas inside `<…>` or quoted parameter values do
 * not split elements.
 */
export function parseLinkHeader(header: string | readonly string[] | undefined): Link[] {
  if (header === undefined) return []
  const lines = typeof header === 'string' ? [header] : header
  const out: Link[] = []
  for (const line of lines) {
    // Bounded by the line length: every turn moves `index` forward by at least one character.
    let index = 0
    while (index < line.length) {
      if (skipSpace(line, index) >= line.length) break
      const read = readLinkValue(line, index)
      if (read) {
        out.push(read.link)
        index = read.end
      } else {
        index = resumeAfter(line, index)
      }
    }
  }

  return out
}

/**
 * Relation type → target of the first link that has it. `rel` may hold several space-separated
 * relation types, compared case-insensitively (RFC 8288 §3.3); a link without `rel` is ignored.
 */
export function linksByRelation(header: string | readonly string[] | undefined): Map<string, string> {
  const links = new Map<string, string>()
  for (const link of parseLinkHeader(header)) {
    for (const type of (link.params['rel'] ?? '').toLowerCase().split(/\s+/)) {
      if (type && !links.has(type)) links.set(type, link.target)
    }
  }

  return links
}

/** The `rel="next"` target of a `Link` header resolved against `base`, or undefined. */
export function nextLink(header: string | readonly string[] | undefined, base: URL): URL | undefined {
  const target = linksByRelation(header).get('next')
  if (target === undefined) return undefined
  try {
    return new URL(target, base)
  } catch {
    return undefined
  }
}

/**
 * The page number of the `rel="last"` link (GitHub's page-number pagination), or `undefined` when
 * the header names no last page or its URL has no usable `page` parameter.
 */
export function lastPageOf(header: string | readonly string[] | undefined): number | undefined {
  const last = linksByRelation(header).get('last')
  if (!last) return undefined
  let page: string | null
  try {
    page = new URL(last, 'https://api.github.invalid/').searchParams.get('page')
  } catch {
    return undefined
  }

  if (page === null || !/^\d{1,9}$/.test(page)) return undefined
  const n = Number(page)
  return n >= 1 ? n : undefined
}
