/**
 * `.dockerignore` with Docker's exact semantics: a TypeScript port of moby/patternmatcher
 * (`patternmatcher.go`, `ignorefile/ignorefile.go`), the matcher BuildKit's file sender (fsutil)
 * uses for the build context today.
 *
 * Semantics, as upstream:
 * - every pattern is trimmed and `filepath.Clean`ed; a leading `/` is dropped, so patterns are
 *   anchored at the context root (`/foo`, `./foo` and `foo` are the same pattern);
 * - syntax is Go's `filepath.Match` (`*`, `?`, `[...]`, `\` escapes) plus `**` for any number of
 *   directories; the pattern is compiled to a regular expression exactly as upstream does;
 * - `!pattern` re-includes; the last matching pattern wins;
 * - a path is excluded when it **or any of its parent directories** matches
 *   (`MatchesOrParentMatches`). The npm `@balena/dockerignore` ports Docker 19.03's matcher, which
 *   checked a single parent; it fails upstream's current test table (e.g. `**∕dir2/*` must exclude
 *   `dir/dir2/file/`), so it is not used.
 *
 * Pure: no file system access.
 */

/**
 * Thrown when a pattern is not valid: Go's `filepath.ErrBadPattern` ("syntax error in pattern"),
 * raised by upstream either when the matcher is built (`filepath.Match` syntax) or when the pattern
 * is first used (its regular expression does not compile). BuildKit then fails the build.
 */
export class BadPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`syntax error in pattern ${JSON.stringify(pattern)}: ${reason}`)
    this.name = 'BadPatternError'
  }
}

/** `path.Clean` of Go: the shortest equivalent slash path (`a//b/../c/` → `a/c`, `` → `.`). */
export function cleanPath(path: string): string {
  if (path === '') return '.'
  const rooted = path.startsWith('/')
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
      continue
    }

    out.push(segment)
  }

  const joined = out.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}

/** `path.Dir` of Go: everything before the last `/`, cleaned (`a/b/` → `a/b`, `a` → `.`). */
export function dirPath(path: string): string {
  const slash = path.lastIndexOf('/')
  return cleanPath(slash === -1 ? '' : path.slice(0, slash + 1))
}

/**
 * Validates `pattern` with the grammar of Go's `filepath.Match` (non-Windows), which upstream's
 * `New` runs as `filepath.Match(p, ".")`: since Go 1.16 that reports `ErrBadPattern` for any
 * malformed part of the pattern. Returns the reason, or undefined when the syntax is valid.
 */
export function goMatchSyntaxError(pattern: string): string | undefined {
  const chars = [...pattern]
  let i = 0
  // getEsc of path/filepath/match.go: one (possibly escaped) class character, which must not be
  // `-` or `]` and must be followed by more of the class.
  const getEsc = (): string | undefined => {
    const c = chars[i]
    if (c === undefined || c === '-' || c === ']') return 'bad character in class'
    if (c === '\\') {
      i++
      if (chars[i] === undefined) return 'unterminated escape in class'
    }

    i++
    return chars[i] === undefined ? 'unterminated character class' : undefined
  }

  while (i < chars.length) {
    const c = chars[i]
    if (c === '\\') {
      if (chars[i + 1] === undefined) return 'trailing backslash'
      i += 2
      continue
    }

    if (c !== '[') {
      i++
      continue
    }

    i++
    if (chars[i] === '^') i++
    let ranges = 0
    for (;;) {
      if (chars[i] === ']' && ranges > 0) {
        i++
        break
      }

      const lo = getEsc()
      if (lo) return lo
      if (chars[i] === '-') {
        i++
        const hi = getEsc()
        if (hi) return hi
      }

      ranges++
    }
  }

  return undefined
}

/** Characters upstream escapes when building the regexp: regexp syntax with no glob meaning. */
const SHOULD_ESCAPE = new Set([...'.+()|{}$'])

/** How a compiled pattern is matched (upstream `matchType`). */
export type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp'

/**
 * `Pattern.compile("/")` of upstream: the match kind and, for `regexp`, the regular expression in
 * Go RE2 syntax, character for character as upstream builds it (so upstream's `TestCompile` table
 * applies verbatim).
 */
export function compilePattern(cleaned: string): {kind: MatchKind; goRegexp?: string} {
  let reg = '^'
  let kind: MatchKind = 'exact'
  const chars = [...cleaned]
  let pos = 0
  for (let i = 0; pos < chars.length; i++) {
    const ch = chars[pos++]
    if (ch === '*') {
      if (chars[pos] === '*') {
        pos++
        // Treat `**/` as `**`: eat the slash.
        if (chars[pos] === '/') pos++
        if (pos >= chars.length) {
          // `**` at the end: accept everything, as .gitignore does.
          if (kind === 'exact') {
            kind = 'prefix'
          } else {
            reg += '.*'
            kind = 'regexp'
          }
        } else {
          // Any number of directories, including none.
          reg += '(.*/)?'
          kind = 'regexp'
        }

        if (i === 0) kind = 'suffix'
      } else {
        reg += '[^/]*'
        kind = 'regexp'
      }
    } else if (ch === '?') {
      reg += '[^/]'
      kind = 'regexp'
    } else if (ch !== undefined && SHOULD_ESCAPE.has(ch)) {
      reg += `\\${ch}`
    } else if (ch === '\\') {
      if (pos < chars.length) {
        reg += `\\${chars[pos++]}`
        kind = 'regexp'
      } else {
        reg += '\\'
      }
    } else if (ch === '[' || ch === ']') {
      reg += ch
      kind = 'regexp'
    } else {
      reg += ch
    }
  }

  if (kind !== 'regexp') return {kind}
  return {kind, goRegexp: `${reg}$`}
}

const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/'])

/** POSIX classes RE2 accepts inside brackets (`[[:alpha:]]`), as JS class contents. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

/** One RE2 escape (`\c`) as JS `u`-mode source, or a BadPatternError reason. */
function translateEscape(c: string, inClass: boolean): string | {error: string} {
  if ((c.codePointAt(0) ?? 0x80) < 0x80 && !/^[0-9A-Za-z]$/.test(c)) {
    // RE2: an escaped ASCII non-word character is always itself.
    if (JS_SYNTAX.has(c)) return `\\${c}`
    if (c === '-') return inClass ? '\\-' : '-'
    return c
  }

  switch (c) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
      return `\\${c}`
    case 'a':
      return '\\x07'
    case 's':
      // RE2's \s is [\t\n\f\r ], narrower than JavaScript's.
      return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]'
    case 'b':
    case 'B':
      return inClass ? {error: `\\${c} is not allowed in a class`} : `\\${c}`
    case 'A':
      return inClass ? {error: '\\A is not allowed in a class'} : '^'
    case 'z':
      return inClass ? {error: '\\z is not allowed in a class'} : '$'
    default:
      return {error: `escape \\${c} is not supported`}
  }
}

/**
 * Translates the RE2 expression {@link compilePattern} builds into an equivalent JS `u` regexp.
 * Differences handled: RE2 takes a lone `]` and a leading `]` in a class as literals, `[` inside a
 * class as a literal (or a POSIX class), and `.` excludes only `\n`.
 */
export function goRegexpToJs(source: string, pattern: string): RegExp {
  const chars = [...source]
  let out = ''
  let inClass = false
  const fail = (reason: string): never => {
    throw new BadPatternError(pattern, reason)
  }

  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string
    if (c === '\\') {
      const next = chars[++i]
      if (next === undefined) fail('trailing backslash')
      const translated = translateEscape(next as string, inClass)
      if (typeof translated !== 'string') fail(translated.error)
      out += translated as string
      continue
    }

    if (inClass) {
      if (c === ']') {
        inClass = false
        out += ']'
      } else if (c === '[' && chars[i + 1] === ':' && chars.slice(i + 2).join('').includes(':]')) {
        // RE2 parseNamedClass: `[:name:]`; an unknown name is an error, no `:]` means a literal.
        let end = i + 2
        while (!(chars[end] === ':' && chars[end + 1] === ']')) end++
        const posix = POSIX_CLASSES[chars.slice(i + 2, end).join('')]
        if (posix === undefined) fail('invalid character class range')
        out += posix as string
        i = end + 1
      } else if (c === '[') {
        out += '\\['
      } else {
        out += c
      }

      continue
    }

    if (c === '[') {
      inClass = true
      out += '['
      if (chars[i + 1] === '^') {
        out += '^'
        i++
      }

      // RE2 (like POSIX) takes a `]` right after `[` or `[^` as a literal; JS would close the class.
      if (chars[i + 1] === ']') {
        out += '\\]'
        i++
      }
    } else if (c === ']') {
      out += '\\]'
    } else if (c === '.') {
      out += '[^\\n]'
    } else if (c === '(' && chars[i + 1] !== '?') {
      out += '(?:'
    } else {
      out += c
    }
  }

  if (inClass) fail('missing closing ]')
  try {
    return new RegExp(out, 'u')
  } catch (error) {
    // E.g. a reversed range `[z-a]` (RE2: "invalid character class range").
    return fail(error instanceof Error ? error.message : 'invalid regular expression')
  }
}

/** One compiled `.dockerignore` pattern (upstream `Pattern`). */
export type Pattern = {
  /** The cleaned pattern, without its `!`. */
  readonly cleaned: string
  /** True for `!pattern`: it re-includes what earlier patterns excluded. */
  readonly exclusion: boolean
  readonly kind: MatchKind
  /** Matches one slash path exactly (no parent logic). Throws {@link BadPatternError}. */
  match(path: string): boolean
}

function newPattern(source: string, cleaned: string, exclusion: boolean): Pattern {
  const {kind, goRegexp} = compilePattern(cleaned)
  // Upstream compiles lazily and reports a regexp error on every use: do the same, so a matcher
  // with such a pattern still builds (like `New`) but fails when consulted (like the build).
  let regexp: RegExp | BadPatternError | undefined
  const compiled = (): RegExp => {
    if (regexp === undefined) {
      try {
        regexp = goRegexpToJs(goRegexp ?? '^$', source)
      } catch (error) {
        regexp = error instanceof BadPatternError ? error : new BadPatternError(source, String(error))
      }
    }

    if (regexp instanceof BadPatternError) throw regexp
    return regexp
  }

  return {
    cleaned,
    exclusion,
    kind,
    match(path: string): boolean {
      switch (kind) {
        case 'exact':
          return path === cleaned
        case 'prefix':
          // Strip the trailing `**`.
          return path.startsWith(cleaned.slice(0, -2))
        case 'suffix': {
          // Strip the leading `**`; `**/foo` also matches `foo`.
          const suffix = cleaned.slice(2)
          return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1))
        }
        case 'regexp':
          return compiled().test(path)
      }
    },
  }
}

/** A set of `.dockerignore` patterns (upstream `PatternMatcher`). */
export type PatternMatcher = {
  readonly patterns: readonly Pattern[]
  /** True when some pattern is an exception (`!pattern`). */
  readonly exclusions: boolean
  /** True when `file` itself matches (no parent logic). Throws {@link BadPatternError}. */
  matchesExact(file: string): boolean
  /**
   * True when `file` (a slash path relative to the context) or one of its parent directories
   * matches, and no later exception re-includes it: "is this path left out of the context".
   * Throws {@link BadPatternError} when a pattern's regexp does not compile.
   */
  matchesOrParentMatches(file: string): boolean
  /** Compiles every pattern now; throws the first {@link BadPatternError}. */
  validate(): void
}

/**
 * Builds a matcher (upstream `New`): trims each pattern, skips empty ones, cleans it, splits off
 * `!`, and checks `filepath.Match` syntax. Throws {@link BadPatternError} for `!` alone or a
 * malformed pattern.
 */
export function newPatternMatcher(patterns: readonly string[]): PatternMatcher {
  const compiled: Pattern[] = []
  let exclusions = false
  for (const raw of patterns) {
    let p = raw.trim()
    if (p === '') continue
    p = cleanPath(p)
    let exclusion = false
    if (p.startsWith('!')) {
      if (p.length === 1) throw new BadPatternError(raw, 'illegal exclusion pattern: "!"')
      exclusion = true
      exclusions = true
      p = p.slice(1)
    }

    const syntax = goMatchSyntaxError(p)
    if (syntax) throw new BadPatternError(raw, syntax)
    compiled.push(newPattern(raw, p, exclusion))
  }

  const evaluate = (file: string, withParents: boolean): boolean => {
    let matched = false
    const parent = dirPath(file)
    const parentDirs = parent.split('/')
    for (const pattern of compiled) {
      // Skip an inclusion when already matched and an exception when not matched yet.
      if (pattern.exclusion !== matched) continue
      let match = pattern.match(file)
      if (!match && withParents && parent !== '.') {
        for (let i = 0; i < parentDirs.length && !match; i++) {
          match = pattern.match(parentDirs.slice(0, i + 1).join('/'))
        }
      }

      if (match) matched = !pattern.exclusion
    }

    return matched
  }

  return {
    patterns: compiled,
    exclusions,
    matchesExact: (file) => evaluate(file, false),
    matchesOrParentMatches: (file) => evaluate(file, true),
    validate() {
      for (const pattern of compiled) if (pattern.kind === 'regexp') pattern.match('')
    },
  }
}

/**
 * Upstream's package-level `MatchesOrParentMatches(file, patterns)`: cleans `file` first and never
 * excludes the context root itself (`.`).
 */
export function matchesOrParentMatches(file: string, patterns: readonly string[]): boolean {
  const matcher = newPatternMatcher(patterns)
  const cleaned = cleanPath(file)
  if (cleaned === '.') return false
  return matcher.matchesOrParentMatches(cleaned)
}

/** One pattern line of an ignore file, with its 1-based line number (for findings). */
export type IgnoreEntry = {pattern: string; line: number}

/**
 * Reads an ignore file (upstream `ignorefile.ReadAll`) keeping line numbers: strips a UTF-8 BOM on
 * the first line, skips lines starting with `#` (before trimming, as upstream) and blank lines,
 * trims, and cleans each pattern keeping its `!`, dropping one leading `/`.
 */
export function parseIgnoreEntries(text: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = []
  // bufio.Scanner's ScanLines: split on \n and drop one trailing \r.
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  lines.forEach((rawLine, index) => {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1)
    if (line.startsWith('#')) return
    let pattern = line.trim()
    if (pattern === '') return
    const invert = pattern.startsWith('!')
    if (invert) pattern = pattern.slice(1).trim()
    if (pattern.length > 0) {
      pattern = cleanPath(pattern)
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1)
    }

    entries.push({pattern: invert ? `!${pattern}` : pattern, line: index + 1})
  })
  return entries
}

/** The patterns of an ignore file, as upstream `ignorefile.ReadAll` returns them. */
export function parseDockerignore(text: string): string[] {
  return parseIgnoreEntries(text).map((entry) => entry.pattern)
}
