/**
 * `Link` header parsing (RFC 8288 §3) for tag-list pagination (distribution-spec "Listing Tags":
 * `Link: <url>; rel="next"`).
 */

/** One link: its target (as written, possibly relative) and its parameters, names lowercased. */
export type Link = {target: string; params: Record<string, string>}

/**
 * Parses a `Link` header (one value or several lines). Tolerant: a malformed entry is skipped.
 * Commas inside `<…>` or quoted parameter values do not split entries.
 */
export function parseLinkHeader(header: string | readonly string[] | undefined): Link[] {
  if (header === undefined) return []
  const lines = typeof header === 'string' ? [header] : header
  const out: Link[] = []
  for (const line of lines) {
    const re = /\s*<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)\s*(?:,|$)/gy
    let m: RegExpExecArray | null
    while (re.lastIndex < line.length && (m = re.exec(line)) !== null) {
      const params: Record<string, string> = {}
      const paramRe = /;\s*([^;,=\s]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*)))?/g
      for (const p of (m[2] ?? '').matchAll(paramRe)) {
        const key = (p[1] ?? '').toLowerCase()
        const value = p[2] === undefined ? (p[3] ?? '') : p[2].replace(/\\(.)/g, '$1')
        if (key !== '__proto__' && !Object.hasOwn(params, key)) params[key] = value
      }

      out.push({target: m[1] ?? '', params})
      if (m[0] === '') break
    }
  }

  return out
}

/**
 * The `rel="next"` target of a `Link` header resolved against `base`, or undefined. `rel` may
 * hold several space-separated relation types (RFC 8288 §3.3).
 */
export function nextLink(header: string | readonly string[] | undefined, base: URL): URL | undefined {
  for (const link of parseLinkHeader(header)) {
    const rels = (link.params['rel'] ?? '').toLowerCase().split(/\s+/)
    if (!rels.includes('next')) continue
    try {
      return new URL(link.target, base)
    } catch {
      return undefined
    }
  }

  return undefined
}
