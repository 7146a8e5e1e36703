/**
 * Build-context checks of `regctl audit`: secrets that a `docker build` would send to the builder
 * (and `COPY` into an image) because no ignore file excludes them, whole-context copies with no
 * `.dockerignore`, and tokens written into `ENV`/`ARG`.
 *
 * The ignore file in force follows BuildKit: `<Dockerfile>.dockerignore` next to the Dockerfile
 * wins over `.dockerignore` at the context root; patterns are evaluated with moby/patternmatcher
 * semantics (see `../dockerignore.ts`). Secrets are recognised with the one catalogue
 * (`../secrets/`); findings show file names and redactions, never a secret.
 */
import {containsPrivateKey} from '../secrets/detect.js'
import {findSecretsInInstructions} from './dockerfile-secrets.js'
import {BadPatternError, newPatternMatcher, parseIgnoreEntries, PatternBoundError, type PatternMatcher} from '../dockerignore.js'
import {findContextCopies, type ContextCopy, type ParsedDockerfile} from '../dockerfile.js'
import type {Finding, Severity} from './finding.js'
import {joinPath, type RepoFs} from '../repo-fs.js'
import {plural} from '../grammar.js'

/** Files larger than this are not read for content checks (`.npmrc`, `*.pem`…). */
export const MAX_CONTENT_BYTES = 256 * 1024
/** Entries walked inside one `.git/` directory to decide whether all of it is ignored. */
export const MAX_GIT_ENTRIES = 5000

const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template'])
const SECRET_DIRS = new Set(['secrets', '.secrets'])

/** Why a file looks like a secret, or undefined. May read the file (bounded). */
type Classifier = (path: string) => Promise<string | undefined>

/** The file-name (and, where names are ambiguous, content) rules for secret-looking files. */
function secretClassifier(root: string, fs: RepoFs): Classifier {
  const readSmall = async (path: string, limit = MAX_CONTENT_BYTES): Promise<string | undefined> => {
    try {
      const stat = await fs.stat(joinPath(root, path))
      if (stat.kind !== 'file' || stat.size > limit) return undefined
      return await fs.readFile(joinPath(root, path))
    } catch {
      // Unreadable: we cannot tell, so we do not claim a secret.
      return undefined
    }
  }

  return async (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1)
    const lower = name.toLowerCase()
    if (lower.startsWith('.env') && !ENV_TEMPLATES.has(lower)) return 'environment file'
    if (/^id_(rsa|dsa|ecdsa|ed25519)/.test(lower) && !lower.endsWith('.pub')) return 'SSH private key'
    if (lower.endsWith('.key')) return 'private key'
    if (lower.endsWith('.p12') || lower.endsWith('.pfx')) return 'PKCS#12 key store'
    if (/^credentials.*\.json$/.test(lower)) return 'credentials file'
    if (lower === '.npmrc') {
      const text = await readSmall(path)
      return text !== undefined && npmrcHasToken(text) ? 'npm credentials' : undefined
    }

    if (lower === '.pypirc') {
      const text = await readSmall(path)
      return text !== undefined && /^[ \t]*password[ \t]*[=:][ \t]*\S/im.test(text) ? 'PyPI credentials' : undefined
    }

    if (lower === 'config.json' && path.split('/').at(-2) === '.docker') {
      const text = await readSmall(path)
      return text !== undefined && /"(auth|identitytoken|registrytoken|password)"\s*:\s*"[^"]+"/.test(text)
        ? 'Docker credentials'
        : undefined
    }

    // Private keys by content, whatever the file is called (`deploy/deploy_key`, `server.key.bak`,
    // a `.pem` that is not just a certificate): an armour line at the start of a line of a small file.
    if (mayHoldKey(lower)) {
      const text = await readSmall(path, MAX_KEY_FILE_BYTES)
      if (text !== undefined && hasKeyArmourLine(text)) return 'private key'
    }

    return undefined
  }
}

/** Private-key files are small: a PEM bundle with a chain stays far below this. */
export const MAX_KEY_FILE_BYTES = 64 * 1024

/** Extensions that are never key files (sources, docs, media): their content is not read. */
const NOT_KEY_EXTENSIONS = /\.(?:js|mjs|cjs|ts|tsx|jsx|go|py|rb|java|kt|rs|c|h|cc|cpp|cs|php|swift|md|markdown|rst|html|css|scss|svg|png|jpe?g|gif|webp|ico|pdf|zip|gz|tgz|jar|wasm|lock|map|snap|csv|sql|ya?ml|toml|xml|json|sh|mod|sum)$/

function mayHoldKey(lowerName: string): boolean {
  return !NOT_KEY_EXTENSIONS.test(lowerName)
}

/** A PEM private key armour line at the start of a line (not quoted inside source code). */
function hasKeyArmourLine(text: string): boolean {
  if (!containsPrivateKey(text)) return false
  return text.split('\n').some((line) => line.startsWith('-----BEGIN ') && containsPrivateKey(line))
}

/**
 * True when an `.npmrc` holds a credential: `_authToken`, `_auth`, `_password` or `password` with
 * a literal value. `${NPM_TOKEN}` (npm expands environment variables) is the recommended way and
 * holds no secret.
 */
export function npmrcHasToken(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*[^#;=\s]*?(_authToken|_auth|_password|password)\s*=\s*(.*?)\s*$/i.exec(line)
    const value = match?.[2]?.replace(/^["']|["']$/g, '')
    if (value && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) return true
  }

  return false
}


const joinRel = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)
const display = (path: string): string => (path === '' ? '.' : path)

/** One Dockerfile to check, parsed. */
export type DockerfileInput = {path: string; parsed: ParsedDockerfile}

/** What {@link checkBuildContexts} needs: the walked repository and the Dockerfiles in it. */
export type BuildContextInput = {
  root: string
  fs: RepoFs
  /** Files (not directories) found by the walk, `/`-separated, relative to `root`. */
  files: readonly string[]
  /** Directories found by the walk (`node_modules` and `.git` contents are not walked). */
  dirs: readonly string[]
  /** `.git` directories found by the walk (their contents were not walked). */
  gitDirs: readonly string[]
  dockerfiles: readonly DockerfileInput[]
  /** The build context of a Dockerfile, relative to root (`''` = root); default: its directory. */
  contextFor?: (dockerfile: string) => string | undefined
}

type IgnoreState =
  | {kind: 'none'}
  | {kind: 'invalid'}
  | {kind: 'file'; path: string; matcher: PatternMatcher}

/** Reads and compiles the ignore file in force for a Dockerfile, reporting invalid patterns. */
async function loadIgnore(input: BuildContextInput, dockerfile: string, context: string, files: ReadonlySet<string>, findings: Finding[]): Promise<IgnoreState> {
  const specific = `${dockerfile}.dockerignore`
  const contextIgnore = joinRel(context, '.dockerignore')
  const path = files.has(specific) ? specific : files.has(contextIgnore) ? contextIgnore : undefined
  if (path === undefined) return {kind: 'none'}
  let text: string
  try {
    text = await input.fs.readFile(joinPath(input.root, path))
  } catch {
    return {kind: 'none'}
  }

  const entries = parseIgnoreEntries(text)
  try {
    const matcher = newPatternMatcher(entries.map((entry) => entry.pattern))
    matcher.validate()
    return {kind: 'file', path, matcher}
  } catch (error) {
    if (error instanceof PatternBoundError) {
      findings.push({
        ruleId: 'repo/input-bound',
        severity: 'warning',
        message: `${path}: ${error.detail}; regctl cannot tell what it excludes, so the build context of ${dockerfile} was not checked`,
        location: {file: path},
        fix: `Shorten ${path}: a few broad patterns (**/.env*, *.pem) do the work of thousands of literal ones.`,
      })
      return {kind: 'invalid'}
    }

    if (!(error instanceof BadPatternError)) throw error
    const entry = entries.find((candidate) => candidate.pattern === error.pattern || candidate.pattern.trim() === error.pattern.trim())
    findings.push({
      ruleId: 'context/dockerignore-invalid',
      severity: 'warning',
      message: `${path}: pattern ${JSON.stringify(error.pattern)} is invalid (${error.reason}); docker build fails with "syntax error in pattern", so the build context of ${dockerfile} was not checked`,
      location: {file: path, ...(entry ? {line: entry.line} : {})},
      fix: `Correct the pattern on line ${entry?.line ?? '?'} of ${path} (escape a literal "[" as "\\[").`,
    })
    return {kind: 'invalid'}
  }
}

/** One matcher per COPY source glob, compiled once per audit (a pattern is compiled with RE2). */
const sourceMatchers = new Map<string, PatternMatcher | undefined>()

function sourceMatcher(source: string): PatternMatcher | undefined {
  if (!sourceMatchers.has(source)) {
    let matcher: PatternMatcher | undefined
    try {
      matcher = newPatternMatcher([source])
      matcher.validate()
    } catch {
      // An invalid or over-long glob copies nothing we can tell (docker fails the build).
      matcher = undefined
    }

    // Bounded: a cache of the globs of the Dockerfiles in one run.
    if (sourceMatchers.size > 10_000) sourceMatchers.clear()
    sourceMatchers.set(source, matcher)
  }

  return sourceMatchers.get(source)
}

/** The COPY/ADD that copies `contextPath` into the image, if any. */
function copiedBy(copies: readonly ContextCopy[], contextPath: string): ContextCopy | undefined {
  return copies.find((copy) =>
    copy.sources.some((source) => {
      if (source === '.' || source === '*') return true
      if (/[*?[\\]/.test(source)) return sourceMatcher(source)?.matchesOrParentMatches(contextPath) ?? false
      return contextPath === source || contextPath.startsWith(`${source}/`)
    }),
  )
}

/** Lists the files of a directory (bounded), for `.git/` whose contents the walk skips. */
async function listFilesBounded(root: string, fs: RepoFs, dir: string, limit: number): Promise<{files: string[]; complete: boolean}> {
  const files: string[] = []
  const queue = [dir]
  let seen = 0
  while (queue.length > 0) {
    const current = queue.shift() as string
    let entries
    try {
      entries = await fs.readdir(joinPath(root, current))
    } catch {
      continue
    }

    for (const entry of entries) {
      if (++seen > limit) return {files, complete: false}
      const path = joinRel(current, entry.name)
      if (entry.kind === 'directory') queue.push(path)
      else if (entry.kind === 'file') files.push(path)
    }
  }

  return {files, complete: true}
}

/**
 * Checks the build context of every Dockerfile. One finding per (Dockerfile, leaked path); a
 * secret copied into the image by a `COPY`/`ADD` is an error, one only sent to the builder a
 * warning.
 */
export async function checkBuildContexts(input: BuildContextInput): Promise<Finding[]> {
  const findings: Finding[] = []
  const fileSet = new Set(input.files)
  const classify = secretClassifier(input.root, input.fs)
  const kinds = new Map<string, string | undefined>()
  const kindOf = async (path: string): Promise<string | undefined> => {
    if (!kinds.has(path)) kinds.set(path, await classify(path))
    return kinds.get(path)
  }

  const secretDirs = input.dirs.filter((dir) => SECRET_DIRS.has(dir.slice(dir.lastIndexOf('/') + 1).toLowerCase()))
  const inSecretDir = (path: string): boolean => secretDirs.some((dir) => path.startsWith(`${dir}/`))

  for (const {path: dockerfile, parsed} of input.dockerfiles) {
    const dockerfileDir = dockerfile.includes('/') ? dockerfile.slice(0, dockerfile.lastIndexOf('/')) : ''
    const requested = input.contextFor?.(dockerfile)
    const context = normaliseContext(requested ?? dockerfileDir)
    if (context === undefined) continue
    const within = (path: string): string | undefined => {
      if (context === '') return path
      return path.startsWith(`${context}/`) ? path.slice(context.length + 1) : undefined
    }

    const copies = findContextCopies(parsed)
    const wholeCopy = copies.find((copy) => copy.wholeContext)
    const ignore = await loadIgnore(input, dockerfile, context, fileSet, findings)
    if (ignore.kind === 'invalid') continue

    if (ignore.kind === 'none' && wholeCopy) {
      findings.push({
        ruleId: 'context/no-dockerignore',
        severity: 'warning',
        message: `${dockerfile} line ${wholeCopy.line}: \`${wholeCopy.text}\` copies the whole build context (${display(context)}) into the image and there is no .dockerignore`,
        location: {file: dockerfile, line: wholeCopy.line},
        fix: `Create ${joinRel(context, '.dockerignore')} excluding at least .git, **/.env*, **/*.pem, **/*.key and node_modules, or copy only the files the image needs.`,
      })
    }

    const excluded = (contextPath: string): boolean => (ignore.kind === 'file' ? ignore.matcher.matchesOrParentMatches(contextPath) : false)
    const ignoreName = ignore.kind === 'file' ? ignore.path : joinRel(context, '.dockerignore')
    const report = (path: string, contextPath: string, what: string, pattern: string, cap: Severity = 'error'): void => {
      const copy = copiedBy(copies, contextPath)
      const severity: Severity = copy ? cap : 'warning'
      const notExcluded = ignore.kind === 'file' ? `${ignore.path} does not exclude it` : 'there is no .dockerignore'
      const consequence = copy ? `; \`${copy.text}\` (line ${copy.line}) copies it into the image` : '; it is sent to the builder'
      findings.push({
        ruleId: 'context/secret-not-ignored',
        severity,
        message: `${display(path)} (${what}) is in the build context of ${dockerfile} and ${notExcluded}${consequence}`,
        location: {file: path},
        fix: `Add "${pattern}" to ${ignoreName}${ignore.kind === 'file' ? '' : ' (create it)'}; if this secret was ever built into a pushed image, rotate it.`,
      })
    }

    for (const path of input.files) {
      const contextPath = within(path)
      if (contextPath === undefined || inSecretDir(path)) continue
      const kind = await kindOf(path)
      if (kind === undefined || excluded(contextPath)) continue
      report(path, contextPath, kind, contextPath)
    }

    for (const dir of secretDirs) {
      const contextDir = within(dir)
      if (contextDir === undefined) continue
      const leaked = input.files.filter((file) => file.startsWith(`${dir}/`) && !excluded(within(file) ?? file))
      if (leaked.length > 0) report(dir, contextDir, `secrets directory, ${plural(leaked.length, 'file')} not excluded`, contextDir)
    }

    for (const dir of input.gitDirs) {
      const contextDir = within(dir)
      if (contextDir === undefined) continue
      // Without exceptions, an excluded directory excludes everything in it.
      if (ignore.kind === 'file' && !ignore.matcher.exclusions && excluded(contextDir)) continue
      const {files} = await listFilesBounded(input.root, input.fs, dir, MAX_GIT_ENTRIES)
      const leaks = files.some((file) => !excluded(within(file) ?? file))
      // History is not itself a secret but can hold removed ones: a warning at most.
      if (leaks) report(dir, contextDir, 'git repository: history, remotes and maybe credentials', contextDir, 'warning')
    }

    for (const finding of findSecretsInInstructions(dockerfile, parsed)) findings.push(finding)
  }

  return findings
}

/** A context path inside the root (`''` = root), or undefined when it escapes it. */
function normaliseContext(context: string): string | undefined {
  const segments: string[] = []
  for (const segment of context.replaceAll('\\', '/').split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (segments.length === 0) return undefined
      segments.pop()
      continue
    }

    segments.push(segment)
  }

  return segments.join('/')
}
