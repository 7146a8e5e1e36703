/**
 * The shell-word lexer shared by the Dockerfile reader and the Compose interpolation: splitting
 * arguments into words at unquoted whitespace, and expanding `$VAR` / `${VAR…}` forms the way
 * BuildKit's shell lexer (moby/buildkit `frontend/dockerfile/shell/lex.go`) does, or with the
 * compose spec's interpolation rules (`$$` is a literal `$`, quotes are kept). Handled: `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}`, `$VAR`.
 * Pure: text in, data out.
 */

/**
 * Splits arguments into words at unquoted whitespace, keeping quotes and escapes in each word
 * (they are removed by {@link expandWord}).
 */
export function splitWords(args: string, escape: '\\' | '`' = '\\'): string[] {
  const words: string[] = []
  let current = ''
  let quote: '"' | "'" | undefined
  let inWord = false
  for (let i = 0; i < args.length; i++) {
    const c = args[i] as string
    if (quote) {
      current += c
      if (c === escape && quote === '"' && i + 1 < args.length) current += args[++i]
      else if (c === quote) quote = undefined
      continue
    }

    if (/\s/.test(c)) {
      if (inWord) words.push(current)
      current = ''
      inWord = false
      continue
    }

    inWord = true
    current += c
    if (c === escape && i + 1 < args.length) current += args[++i]
    else if (c === '"' || c === "'") quote = c
  }

  if (inWord) words.push(current)
  return words
}

/** The result of expanding a word: its value and the variables that had no value. */
export type Expansion = {value: string; unresolved: string[]}

/** Variables visible to an expansion; `undefined` means unset. */
export type VariableLookup = (name: string) => string | undefined

type ExpandOptions = {
  /** Dockerfile: the escape character, and quotes are removed. */
  escape?: '\\' | '`'
  /** Compose: `$$` is a literal `$`, quotes are literal. */
  composeDollar?: boolean
  /** False: remove quotes and escapes only; `$` stays literal. */
  expand?: boolean
}

/**
 * Nesting of `${…${…}…}` the expander follows at most. Real files nest two or three deep; a
 * 3,000-deep `${A:-${A:-…}}` overflowed the stack and lost the whole audit (issue 12).
 */
export const MAX_EXPANSION_DEPTH = 64

/** Thrown by {@link expandWord} past {@link MAX_EXPANSION_DEPTH}; callers report it as a bound hit. */
export class ExpansionDepthError extends Error {
  constructor() {
    super(`variable expansions nested more than ${MAX_EXPANSION_DEPTH} deep`)
    this.name = 'ExpansionDepthError'
  }
}

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

/**
 * Expands `$VAR` and `${VAR…}` forms in `word`. Dockerfile mode (default) follows BuildKit's shell
 * lexer: single quotes are literal, double quotes allow expansion, the escape character escapes
 * the next character, and quotes are removed. Compose mode (`composeDollar`) follows the compose
 * spec's interpolation: `$$` is a literal `$` and quotes are kept. A variable with no value and no
 * default expands to empty and is listed in `unresolved`; so is `${VAR:?msg}` when unset.
 * Throws {@link ExpansionDepthError} past {@link MAX_EXPANSION_DEPTH} nested `${…}`.
 */
export function expandWord(word: string, lookup: VariableLookup, options: ExpandOptions = {}): Expansion {
  const escape = options.escape ?? '\\'
  const compose = options.composeDollar === true
  const expand = options.expand !== false
  const unresolved: string[] = []
  let pos = 0
  let depth = 0

  // Reads `${…}` after the `${`; `pos` ends after the closing brace.
  const readBraced = (): string => {
    if (++depth > MAX_EXPANSION_DEPTH) throw new ExpansionDepthError()
    try {
      return readBracedBody()
    } finally {
      depth--
    }
  }

  const readBracedBody = (): string => {
    const nameStart = pos
    while (pos < word.length && NAME_CHAR.test(word[pos] as string)) pos++
    const name = word.slice(nameStart, pos)
    const operatorMatch = /^(:?[-+?])/.exec(word.slice(pos))
    const operator = operatorMatch?.[1]
    if (operator) pos += operator.length
    // The operand runs to the matching brace; it may hold nested expansions.
    const operand = operator ? readUntilBrace() : ''
    if (word[pos] === '}') pos++
    else if (!operator) {
      // `${name` followed by anything else (`${A#x}`, `${A/x/y}`…): unsupported, skip to the brace.
      readUntilBrace()
      if (word[pos] === '}') pos++
      unresolved.push(name || '?')
      return ''
    }

    const value = name ? lookup(name) : undefined
    const isSet = value !== undefined
    const nonEmpty = isSet && value !== ''
    switch (operator) {
      case undefined:
        if (!isSet) unresolved.push(name)
        return value ?? ''
      case ':-':
        return nonEmpty ? value : operand
      case '-':
        return isSet ? value : operand
      case ':+':
        return nonEmpty ? operand : ''
      case '+':
        return isSet ? operand : ''
      default:
        // `:?` / `?`: an error when unset (or empty for `:?`); we cannot tell the value.
        if (operator === ':?' ? !nonEmpty : !isSet) {
          unresolved.push(name)
          return ''
        }

        return value ?? ''
    }
  }

  const readUntilBrace = (): string => {
    let out = ''
    while (pos < word.length && word[pos] !== '}') out += readOne()
    return out
  }

  let quote: '"' | "'" | undefined
  // Reads one unit (a character, an escape, a quote, an expansion) and returns its value.
  const readOne = (): string => {
    const c = word[pos] as string
    if (compose) {
      if (c === '$') return readDollar()
      pos++
      return c
    }

    if (quote === "'") {
      pos++
      if (c === "'") {
        quote = undefined
        return ''
      }

      return c
    }

    if (c === escape && pos + 1 < word.length) {
      const next = word[pos + 1] as string
      // In double quotes the escape character only escapes `$`, `"`, itself (and a newline).
      if (quote === '"' && next !== '$' && next !== '"' && next !== escape) {
        pos++
        return c
      }

      pos += 2
      return next
    }

    if (c === '"' || (c === "'" && quote === undefined)) {
      pos++
      if (quote === c) quote = undefined
      else if (quote === undefined) quote = c
      else return c
      return ''
    }

    if (c === '$' && expand) return readDollar()
    pos++
    return c
  }

  const readDollar = (): string => {
    pos++
    const next = word[pos]
    if (compose && next === '$') {
      pos++
      return '$'
    }

    if (next === '{') {
      pos++
      return readBraced()
    }

    if (next !== undefined && NAME_START.test(next)) {
      const start = pos
      while (pos < word.length && NAME_CHAR.test(word[pos] as string)) pos++
      const name = word.slice(start, pos)
      const value = lookup(name)
      if (value === undefined) unresolved.push(name)
      return value ?? ''
    }

    return '$'
  }

  let value = ''
  // Bounded by the word length: every readOne call advances `pos`.
  while (pos < word.length) value += readOne()
  return {value, unresolved}
}

/** Removes quotes and escapes from a word without expanding variables (for ENV/ARG values). */
export function unquoteWord(word: string, escape: '\\' | '`' = '\\'): string {
  return expandWord(word, () => undefined, {escape, expand: false}).value
}
