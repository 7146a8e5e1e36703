/**
 * A tolerant parser for `WWW-Authenticate` headers (RFC 7235 §2.1 and §4.1, restated in
 * RFC 9110 §11.2 and §11.6.1):
 *
 * ```
 * WWW-Authenticate = #challenge
 * challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 * auth-param       = token BWS "=" BWS ( token / quoted-string )
 * token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * ```
 *
 * The grammar is ambiguous on purpose: the comma separates both challenges and the parameters of
 * one challenge. A token followed by `=` is a parameter; a token followed by anything else starts
 * a new challenge. Registries are not always strict (unquoted URLs as values, missing commas), so
 * the parser never throws: it keeps what parses and skips the rest up to the next comma.
 */

/** One challenge. `scheme` and parameter names are lowercased (both are case-insensitive). */
export type Challenge = {
  scheme: string
  params: Record<string, string>
  /** The token68 form (`Negotiate abc==`), when the challenge used it instead of parameters. */
  token68?: string
}

// RFC 9110 §5.6.2: tchar.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/

class Cursor {
  pos = 0
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length
  }

  peek(): string {
    return this.text[this.pos] ?? ''
  }

  /** OWS / BWS: spaces and tabs. */
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++
  }

  /** Skips whitespace and any run of list separators (empty list elements are allowed, §5.6.1). */
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++
  }

  token(): string {
    const start = this.pos
    while (!this.done && TCHAR.test(this.peek())) this.pos++
    return this.text.slice(start, this.pos)
  }

  /** A quoted-string with quoted-pairs (RFC 9110 §5.6.4). An unterminated string runs to the end. */
  quoted(): string {
    this.pos++ // opening quote
    let out = ''
    while (!this.done) {
      const ch = this.peek()
      this.pos++
      if (ch === '"') return out
      if (ch === '\\' && !this.done) {
        out += this.peek()
        this.pos++
      } else {
        out += ch
      }
    }

    return out
  }

  /** A lenient unquoted value: up to the next comma or whitespace (registries send bare URLs). */
  bare(): string {
    const start = this.pos
    while (!this.done && !/[,\s]/.test(this.peek())) this.pos++
    return this.text.slice(start, this.pos)
  }

  /** Garbage recovery: skip to the next comma. */
  skipToComma(): void {
    while (!this.done && this.peek() !== ',') this.pos++
  }
}

/**
 * Parses one or several `WWW-Authenticate` header values (several header lines are concatenated
 * as a list, RFC 9110 §5.3). Never throws; unparseable parts are dropped.
 */
export function parseChallenges(header: string | readonly string[]): Challenge[] {
  const lines = typeof header === 'string' ? [header] : header
  return lines.flatMap((line) => parseLine(line))
}

function parseLine(line: string): Challenge[] {
  const out: Challenge[] = []
  const c = new Cursor(line)
  let current: Challenge | undefined
  // Each iteration consumes at least one character or ends, so the loop is bounded by the length.
  while (!c.done) {
    c.skipSeparators()
    if (c.done) break
    const start = c.pos
    const name = c.token()
    if (name === '') {
      // Not a token (stray quote, bracket…): drop up to the next comma.
      c.skipToComma()
      if (c.pos === start) c.pos++
      continue
    }

    c.skipSpace()
    if (current && c.peek() === '=') {
      c.pos++
      c.skipSpace()
      const value = c.peek() === '"' ? c.quoted() : c.bare()
      const key = name.toLowerCase()
      // RFC 7235 §2.2: a parameter name occurs once per challenge; keep the first. `__proto__`
      // would replace the object's prototype instead of adding a key.
      if (key !== '__proto__' && !Object.hasOwn(current.params, key)) current.params[key] = value
      continue
    }

    if (c.peek() === '=') {
      // `key=value` with no scheme before it: garbage.
      c.skipToComma()
      continue
    }

    current = {scheme: name.toLowerCase(), params: {}}
    out.push(current)
    // token68 is only possible right after the scheme, and only as the whole list element:
    // `realm=` in `Basic realm="x"` also matches the token68 characters, but is followed by a value.
    const t68 = TOKEN68.exec(line.slice(c.pos))?.[0]
    if (t68 !== undefined) {
      const after = line.slice(c.pos + t68.length).replace(/^[ \t]*/, '')
      if (after === '' || after.startsWith(',')) {
        current.token68 = t68
        c.pos += t68.length
      }
    }
  }

  return out
}
