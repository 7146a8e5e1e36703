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
import {RE2JS} from 're2js'

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

/**
 * Bounds on an ignore file (issue 12). Docker sets none, but a real `.dockerignore` has tens of
 * lines; these are generous and keep the audit's work bounded against a hostile pull request:
 * patterns × files × path depth literal comparisons, and a linear RE2 match per surviving pair.
 */
export const IGNORE_BOUNDS = {
  /** Patterns per ignore file (or per COPY instruction). */
  patterns: 10_000,
  /** Characters per pattern. */
  patternLength: 4096,
} as const

/** Thrown when an ignore file exceeds {@link IGNORE_BOUNDS}: regctl cannot evaluate it faithfully. */
export class PatternBoundError extends Error {
  constructor(readonly detail: string) {
    super(detail)
    this.name = 'PatternBoundError'
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

/**
 * Compiles the RE2 expression {@link compilePattern} builds with `re2js`, a pure JavaScript port of
 * RE2 — the engine of Go's `regexp`, which upstream uses. Same syntax, same semantics, and linear
 * time in the length of the path: a hostile `.dockerignore` (`.env*a*a*a*a*…b`, `**∕**∕**∕…`) cannot
 * make matching backtrack (issue 12). Throws {@link BadPatternError} when RE2 rejects it.
 */
export function compileGoRegexp(source: string, pattern: string): RE2JS {
  try {
    return RE2JS.compile(source)
  } catch (error) {
    // E.g. a reversed range `[z-a]` (RE2: "invalid character class range").
    throw new BadPatternError(pattern, error instanceof Error ? error.message : 'invalid regular expression')
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

/** A {@link Pattern} with the literal text every path it matches starts with. */
type IndexedPattern = Pattern & {readonly literal: string}

function newPattern(source: string, cleaned: string, exclusion: boolean): IndexedPattern {
  const {kind, goRegexp} = compilePattern(cleaned)
  // Compiled now, but a compile error is reported on every use, as upstream (which compiles
  // lazily): a matcher with such a pattern still builds (like `New`) but fails when consulted.
  let regexp: RE2JS | BadPatternError | undefined
  if (kind === 'regexp') {
    try {
      regexp = compileGoRegexp(goRegexp ?? '^$', source)
    } catch (error) {
      regexp = error instanceof BadPatternError ? error : new BadPatternError(source, String(error))
    }
  }

  // The regexp is anchored and its characters up to the first glob metacharacter are literals: a
  // path that does not start with them cannot match. The matcher indexes patterns by it.
  const literal = /^[^*?[\]\\^]*/.exec(cleaned)?.[0] ?? ''
  return {
    cleaned,
    exclusion,
    kind,
    literal,
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
          if (regexp instanceof BadPatternError) throw regexp
          return path.startsWith(literal) && (regexp as RE2JS).test(path)
      }
    },
  }
}

/**
 * Which patterns can match a path or one of its parents, in pattern order. A pattern whose
 * literal start holds a `/` can only match paths whose first segment is the literal's; one with a
 * literal start only paths beginning with its first character; the rest (`**∕x`, `*.env`) any
 * path. Only a necessary condition, so answers are unchanged; thousands of patterns over
 * thousands of files then cost what the patterns that could apply cost.
 */
function indexPatterns(patterns: readonly IndexedPattern[]): (file: string) => IndexedPattern[] {
  const any: number[] = []
  const bySegment = new Map<string, number[]>()
  const byChar = new Map<string, number[]>()
  const add = (map: Map<string, number[]>, key: string, index: number): void => {
    const list = map.get(key)
    if (list) list.push(index)
    else map.set(key, [index])
  }

  patterns.forEach((pattern, index) => {
    const slash = pattern.literal.indexOf('/')
    if (slash > 0) add(bySegment, pattern.literal.slice(0, slash), index)
    else if (pattern.literal !== '' && slash === -1) add(byChar, pattern.literal.charAt(0), index)
    else any.push(index)
  })
  return (file) => {
    const slash = file.indexOf('/')
    const lists = [any, bySegment.get(slash === -1 ? file : file.slice(0, slash)) ?? [], byChar.get(file.charAt(0)) ?? []]
    const merged = lists.flat().sort((a, b) => a - b)
    return merged.map((index) => patterns[index] as IndexedPattern)
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
 * `!`, and checks `filepath.Match` syntax. Throws {@link PatternBoundError} past
 * {@link IGNORE_BOUNDS}, {@link BadPatternError} for `!` alone or a
 * malformed pattern.
 */
export function newPatternMatcher(patterns: readonly string[]): PatternMatcher {
  if (patterns.length > IGNORE_BOUNDS.patterns) {
    throw new PatternBoundError(`${patterns.length} patterns, over the bound of ${IGNORE_BOUNDS.patterns}`)
  }

  const compiled: IndexedPattern[] = []
  let exclusions = false
  for (const raw of patterns) {
    let p = raw.trim()
    if (p === '') continue
    if (p.length > IGNORE_BOUNDS.patternLength) {
      throw new PatternBoundError(`a pattern of ${p.length} characters, over the bound of ${IGNORE_BOUNDS.patternLength}`)
    }

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

  const candidates = indexPatterns(compiled)
  const evaluate = (file: string, withParents: boolean): boolean => {
    let matched = false
    const parent = dirPath(file)
    // The parent paths (`a`, `a/b`, …), built once per file rather than once per pattern.
    const parentPaths: string[] = []
    if (withParents && parent !== '.') {
      const parentDirs = parent.split('/')
      for (let i = 0; i < parentDirs.length; i++) parentPaths.push(parentDirs.slice(0, i + 1).join('/'))
    }

    for (const pattern of candidates(file)) {
      // Skip an inclusion when already matched and an exception when not matched yet.
      if (pattern.exclusion !== matched) continue
      let match = pattern.match(file)
      for (let i = 0; i < parentPaths.length && !match; i++) match = pattern.match(parentPaths[i] as string)

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
