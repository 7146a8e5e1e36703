/**
 * A Dockerfile reader good enough to audit: instructions with their line numbers, the way
 * BuildKit's parser (moby/buildkit `frontend/dockerfile/parser/parser.go`) splits them, with the
 * variable expansion of its shell lexer (`shell-words.ts`) for `FROM`.
 *
 * Handled: parser directives at the top (`# escape=`` ` ``, `# syntax=`, `# check=`), the escape
 * character, line continuations (comment and blank lines inside a continued instruction are
 * skipped, as BuildKit does), comments, heredocs (`RUN <<EOF` … `EOF`, whose body is not parsed as
 * instructions), `FROM [--platform=…] image [AS name]`, `ARG`/`ENV` key=value pairs with quotes,
 * and the global-`ARG` expansion of `FROM` images. Pure: text in, data out.
 *
 * Kept over `dockerfile-ast` (the Docker language server's parser), compared side by side on the
 * instruction keyword and start line of 60 real-world Dockerfiles found on the build machine
 * (google-cloud-sdk runtimes, pyenv…) plus the edge cases of issue #9 (heredocs, `# escape=`,
 * continuation lines with comments, ARG before FROM, `--platform`, JSON form): both agree on all
 * but one; dockerfile-ast reads the body of `RUN 3<<-EOT …` (fd-prefixed, tab-chomping heredoc)
 * as instructions, this reader does not (68/69 identical, test/unit/lib/dockerfile.test.ts).
 */

import {expandWord, splitWords, unquoteWord, type VariableLookup} from './shell-words.js'

/** One instruction, its arguments joined across continuation lines. */
export type Instruction = {
  /** Upper-case keyword: `FROM`, `COPY`, `ARG`… */
  keyword: string
  /** Everything after the keyword, continuation characters removed, trimmed. */
  args: string
  /** 1-based line of the keyword. */
  line: number
  /** Bodies of the heredocs that follow the instruction (`RUN <<EOF`). */
  heredocs?: string[]
}

export type ParsedDockerfile = {
  instructions: Instruction[]
  /** The escape character (`\` unless `# escape=`` ` `` says otherwise). */
  escape: '\\' | '`'
  /** Parser directives, keys lower-case (`syntax`, `escape`, `check`). */
  directives: Record<string, string>
  /** True when the text had more than {@link MAX_DOCKERFILE_LINES} lines: the rest was not parsed. */
  truncated?: boolean
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check'])
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD'])
/** At most this many lines are read: a bound, not a Dockerfile limit. */
export const MAX_DOCKERFILE_LINES = 100_000

const isComment = (line: string): boolean => /^[ \t]*#/.test(line)
const isBlank = (line: string): boolean => /^[ \t]*$/.test(line)

/** Parses Dockerfile text into instructions (never throws; unknown keywords are kept as-is). */
export function parseDockerfile(text: string): ParsedDockerfile {
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/, MAX_DOCKERFILE_LINES + 1)
  const truncated = all.length > MAX_DOCKERFILE_LINES
  const lines = truncated ? all.slice(0, MAX_DOCKERFILE_LINES) : all
  const directives: Record<string, string> = {}
  let escape: '\\' | '`' = '\\'
  let index = 0

  // Parser directives: only at the very top; the first line that is not a known directive ends
  // them (docs: "Once a comment, empty line or builder instruction has been processed…").
  for (; index < lines.length; index++) {
    const match = DIRECTIVE.exec(lines[index] ?? '')
    const key = match?.[1]?.toLowerCase()
    if (!match || !key || !KNOWN_DIRECTIVES.has(key) || key in directives) break
    directives[key] = match[2] ?? ''
    if (key === 'escape' && (match[2] === '`' || match[2] === '\\')) escape = match[2]
  }

  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`)
  const trimContinuation = (line: string): {text: string; end: boolean} => {
    const match = continuation.exec(line)
    return match ? {text: line.slice(0, match.index), end: false} : {text: line, end: true}
  }

  const instructions: Instruction[] = []
  while (index < lines.length) {
    const startLine = index + 1
    const first = lines[index++] ?? ''
    if (isComment(first) || isBlank(first)) continue
    let {text: joined, end} = trimContinuation(first.replace(/^[ \t]+/, ''))
    while (!end && index < lines.length) {
      const next = lines[index++] ?? ''
      // BuildKit drops comment lines and empty lines inside a continued instruction.
      if (isComment(next) || isBlank(next)) continue
      const trimmed = trimContinuation(next)
      joined += trimmed.text
      end = trimmed.end
    }

    const match = /^(\S+)\s*([\s\S]*)$/.exec(joined.trim())
    if (!match) continue
    const keyword = (match[1] ?? '').toUpperCase()
    const args = (match[2] ?? '').trim()
    const instruction: Instruction = {keyword, args, line: startLine}

    if (HEREDOC_KEYWORDS.has(keyword)) {
      const heredocs: string[] = []
      // BuildKit splits the line into words first and treats only a word that *starts* with `<<`
      // (optionally after a file-descriptor digit) as a heredoc (moby/buildkit
      // frontend/dockerfile/parser/parser.go, reHeredoc `^(\d*)<<(-?)([^<]*)$`): `$((1<<4))` and
      // `"x<<EOF"` are not heredocs and must not swallow the rest of the file.
      const starts = splitWords(args, escape).flatMap((word) => {
        const found = /^[0-9]*<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(word)
        return found ? [found] : []
      })
      for (const doc of starts) {
        const chomp = doc[1] === '-'
        const word = doc[3] ?? ''
        const body: string[] = []
        while (index < lines.length) {
          const raw = lines[index++] ?? ''
          if ((chomp ? raw.replace(/^\t+/, '') : raw) === word) break
          body.push(raw)
        }

        heredocs.push(body.join('\n'))
      }

      if (heredocs.length > 0) instruction.heredocs = heredocs
    }

    instructions.push(instruction)
  }

  return {instructions, escape, directives, ...(truncated ? {truncated} : {})}
}

/** `KEY=value` pairs of an `ARG` or `ENV` instruction (`ENV KEY value` legacy form included). */
export type KeyValue = {key: string; value?: string; raw?: string}

/** Parses the arguments of `ARG` / `ENV` into pairs; values keep their raw (unexpanded) text. */
export function parseKeyValues(keyword: 'ARG' | 'ENV', args: string, escape: '\\' | '`' = '\\'): KeyValue[] {
  const words = splitWords(args, escape)
  const first = words[0]
  if (keyword === 'ENV' && first !== undefined && !first.includes('=')) {
    // Legacy `ENV KEY value with spaces`: the rest of the line is the value.
    const rest = args.slice(args.indexOf(first) + first.length).trim()
    return [{key: first, value: unquoteWord(rest, escape), raw: rest}]
  }

  return words.map((word) => {
    const eq = word.indexOf('=')
    if (eq === -1) return {key: word}
    const raw = word.slice(eq + 1)
    return {key: word.slice(0, eq), value: unquoteWord(raw, escape), raw}
  })
}

/** One `FROM` instruction, resolved. */
export type FromInstruction = {
  line: number
  /** The image as written (`${BASE}:1`). */
  raw: string
  /** The image after expansion with the global ARGs (`node:20`); empty when unresolvable. */
  image: string
  /** Variables that had no value (the image is then not trustworthy). */
  unresolved: string[]
  /** `AS name`, lower-case (stage names are case-insensitive). */
  stage?: string
  platform?: string
  /** True when `image` names `scratch` or an earlier stage: nothing to pull. */
  internal: boolean
}

/**
 * The `FROM` lines of a Dockerfile with their images resolved as BuildKit does: only the `ARG`s
 * declared before the first `FROM` (the global scope) are visible, `buildArgs` override their
 * defaults, and an image equal to `scratch` or to an earlier stage name (case-insensitive) is
 * internal.
 */
export function resolveFroms(parsed: ParsedDockerfile, buildArgs: Readonly<Record<string, string>> = {}): FromInstruction[] {
  const globals = new Map<string, string | undefined>()
  const stages = new Set<string>()
  const froms: FromInstruction[] = []
  let seenFrom = false
  const lookup: VariableLookup = (name) => globals.get(name)

  for (const instruction of parsed.instructions) {
    if (instruction.keyword === 'ARG' && !seenFrom) {
      for (const {key, raw} of parseKeyValues('ARG', instruction.args, parsed.escape)) {
        const override = Object.hasOwn(buildArgs, key) ? buildArgs[key] : undefined
        // A default may use earlier global ARGs (`ARG TAG=${VERSION}-alpine`).
        const value = override ?? (raw === undefined ? undefined : expandWord(raw, lookup, {escape: parsed.escape}).value)
        globals.set(key, value)
      }

      continue
    }

    if (instruction.keyword !== 'FROM') continue
    seenFrom = true
    const words = splitWords(instruction.args, parsed.escape)
    let platform: string | undefined
    while (words[0]?.startsWith('--')) {
      const flag = words.shift() as string
      if (flag.toLowerCase().startsWith('--platform=')) platform = flag.slice('--platform='.length)
    }

    const raw = words[0] ?? ''
    const {value, unresolved} = expandWord(raw, lookup, {escape: parsed.escape})
    const stage = words[1]?.toLowerCase() === 'as' && words[2] ? words[2].toLowerCase() : undefined
    const internal = value.toLowerCase() === 'scratch' || stages.has(value.toLowerCase())
    froms.push({
      line: instruction.line,
      raw,
      image: value,
      unresolved,
      ...(stage ? {stage} : {}),
      ...(platform ? {platform} : {}),
      internal,
    })
    if (stage) stages.add(stage)
  }

  return froms
}

/** A `COPY`/`ADD` that reads from the build context (not `--from=` a stage or an image). */
export type ContextCopy = {
  line: number
  keyword: 'COPY' | 'ADD'
  /** The instruction on one line, for messages. */
  text: string
  /** Source paths, unquoted and cleaned (`.` for the context root). */
  sources: string[]
  /** True when a source is the whole context: `.`, `./`, `/`, `*`. */
  wholeContext: boolean
}

const WHOLE_CONTEXT_SOURCES = new Set(['.', '*'])

/** Cleans a COPY source as the context is addressed: `./`, `/` and `.` are all the root. */
function cleanSource(source: string): string {
  const segments = source.split('/').filter((s) => s !== '' && s !== '.')
  return segments.length === 0 ? '.' : segments.join('/')
}

/**
 * The `COPY`/`ADD` instructions that read from the build context, with their sources. `--from=`
 * copies from a stage or an image, not the context, and is skipped; so are heredoc sources
 * (`COPY <<EOF`) and URLs.
 */
export function findContextCopies(parsed: ParsedDockerfile): ContextCopy[] {
  const copies: ContextCopy[] = []
  for (const instruction of parsed.instructions) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue
    const words = splitWords(instruction.args, parsed.escape)
    const flags: string[] = []
    while (words[0]?.startsWith('--')) flags.push((words.shift() as string).toLowerCase())
    if (flags.some((flag) => flag.startsWith('--from='))) continue
    let sources: string[]
    const rest = words.join(' ')
    if (rest.startsWith('[')) {
      // JSON (exec) form: ["src", …, "dest"].
      let json: unknown
      try {
        json = JSON.parse(rest)
      } catch {
        json = undefined
      }

      if (!Array.isArray(json) || !json.every((item) => typeof item === 'string')) continue
      sources = (json as string[]).slice(0, -1)
    } else {
      sources = words.slice(0, -1).map((word) => unquoteWord(word, parsed.escape))
    }

    sources = sources.filter((source) => !source.startsWith('<<') && !/^([a-z][a-z0-9+.-]*:\/\/|git@)/i.test(source)).map(cleanSource)
    if (sources.length === 0) continue
    copies.push({
      line: instruction.line,
      keyword: instruction.keyword,
      text: `${instruction.keyword} ${instruction.args}`.replace(/\s+/g, ' '),
      sources,
      wholeContext: sources.some((source) => WHOLE_CONTEXT_SOURCES.has(source)),
    })
  }

  return copies
}
