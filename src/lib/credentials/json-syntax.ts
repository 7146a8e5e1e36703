/**
 * Locates the first JSON syntax error in a text, for error messages that name a line and column.
 *
 * V8's `JSON.parse` messages are not usable as they are: only some carry `at position N`, and the
 * others quote the input ("Unexpected token '}', "{"auths": {"x": {"auth": "…"}}" is not valid
 * JSON"), which would copy a secret into the message. So when `JSON.parse` fails we re-scan the
 * text with this small RFC 8259 validator, which reports an offset and a reason that never quotes
 * the input.
 */

/** Where and why a text stops being JSON. */
export type JsonSyntaxError = {offset: number; line: number; column: number; reason: string}

const PUNCTUATION = new Set(['{', '}', '[', ']', ',', ':', '"'])

/** Converts a UTF-16 offset to a 1-based line and column (a column counts UTF-16 units). */
export function offsetToPosition(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let index = 0; index < end; index++) {
    if (text.charCodeAt(index) === 10) {
      line++
      lineStart = index + 1
    }
  }

  return {line, column: end - lineStart + 1}
}

class Failure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/**
 * Returns the first syntax error of `text`, or `undefined` when it is one valid JSON value
 * (surrounded by optional whitespace). Nesting is bounded (512 levels) so hostile input cannot
 * overflow the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let pos = 0

  const describe = (at: number): string => {
    if (at >= text.length) return 'unexpected end of input'
    const char = text.charAt(at)
    // Name punctuation only: any other character could belong to a secret.
    return PUNCTUATION.has(char) ? `unexpected '${char}'` : 'unexpected character'
  }

  const fail = (reason?: string, at = pos): never => {
    throw new Failure(at, reason ?? describe(at))
  }

  const skipWhitespace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text.charAt(pos))) pos++
  }

  const literal = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length
    else fail()
  }

  const string = (): void => {
    pos++ // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string')
      const code = text.charCodeAt(pos)
      if (code === 0x22) {
        pos++
        return
      }

      if (code < 0x20) fail('control character in string')
      if (code === 0x5c) {
        const escape = text.charAt(pos + 1)
        if ('"\\/bfnrt'.includes(escape) && escape !== '') pos += 2
        else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(pos + 2, pos + 6))) pos += 6
        else fail('invalid escape in string')
      } else pos++
    }
  }

  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400))
    if (!match) fail()
    pos += match?.[0].length ?? 0
  }

  const value = (depth: number): void => {
    if (depth > 512) fail('nesting too deep')
    skipWhitespace()
    const char = text.charAt(pos)
    if (char === '{') object(depth)
    else if (char === '[') array(depth)
    else if (char === '"') string()
    else if (char === 't') literal('true')
    else if (char === 'f') literal('false')
    else if (char === 'n') literal('null')
    else if (char === '-' || (char >= '0' && char <= '9')) number()
    else fail()
  }

  const object = (depth: number): void => {
    pos++
    skipWhitespace()
    if (text.charAt(pos) === '}') {
      pos++
      return
    }

    for (;;) {
      skipWhitespace()
      if (text.charAt(pos) !== '"') fail(pos >= text.length ? undefined : `expected a property name, ${describe(pos)}`)
      string()
      skipWhitespace()
      if (text.charAt(pos) !== ':') fail(pos >= text.length ? undefined : `expected ':', ${describe(pos)}`)
      pos++
      value(depth + 1)
      skipWhitespace()
      const next = text.charAt(pos)
      pos++
      if (next === '}') return
      if (next !== ',') fail(next === '' ? undefined : `expected ',' or '}', ${describe(pos - 1)}`, pos - 1)
    }
  }

  const array = (depth: number): void => {
    pos++
    skipWhitespace()
    if (text.charAt(pos) === ']') {
      pos++
      return
    }

    for (;;) {
      value(depth + 1)
      skipWhitespace()
      const next = text.charAt(pos)
      pos++
      if (next === ']') return
      if (next !== ',') fail(next === '' ? undefined : `expected ',' or ']', ${describe(pos - 1)}`, pos - 1)
    }
  }

  try {
    value(0)
    skipWhitespace()
    if (pos < text.length) fail('unexpected data after the JSON value')
    return undefined
  } catch (error) {
    if (!(error instanceof Failure)) throw error
    return {offset: error.offset, ...offsetToPosition(text, error.offset), reason: error.reason}
  }
}
