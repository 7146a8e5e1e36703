/**
 * RFC 8288 `Link` header parsing, as much as GitHub's REST pagination needs
 * (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */

/** Parses `<url>; rel="next", <url>; rel="last"` into a map rel → URL. Unparseable parts are skipped. */
export function parseLinkHeader(header: string | undefined): Map<string, string> {
  const links = new Map<string, string>()
  if (!header) return links
  // Split on commas that start a new `<…>` link; URLs may not contain unescaped `<>`.
  for (const part of header.split(/,\s*(?=<)/)) {
    const match = /^\s*<([^<>]*)>\s*((?:;\s*[^;]*)*)$/.exec(part)
    if (!match) continue
    const [, url = '', params = ''] = match
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(params)
    const relValue = rel?.[1] ?? rel?.[2]
    if (!relValue) continue
    // A rel may list several space-separated relation types (RFC 8288 §3.3).
    for (const type of relValue.toLowerCase().split(/\s+/)) {
      if (type && !links.has(type)) links.set(type, url)
    }
  }

  return links
}

/**
 * The page number of the `rel="last"` link (GitHub's page-number pagination), or `undefined` when
 * the header names no last page or its URL has no usable `page` parameter.
 */
export function lastPageOf(header: string | undefined): number | undefined {
  const last = parseLinkHeader(header).get('last')
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
