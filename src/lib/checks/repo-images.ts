/**
 * The repository half of `regctl audit`: walks a directory tree (bounded, through injected file
 * system functions), finds Dockerfiles and Compose files, lists the images they use with file and
 * line, and runs the build-context checks. {@link scanRepository} is the one entry point the
 * command calls.
 */
import {BadPatternError, newPatternMatcher, type PatternMatcher} from '../dockerignore.js'
import {COMPOSE_FILE_NAMES, COMPOSE_OVERRIDE_NAMES, parseComposeImages} from '../compose.js'
import {isDeployCandidate, scanDeployFile} from './deploy-images.js'
import {MAX_DOCKERFILE_LINES, parseDockerfile, resolveFroms, type ParsedDockerfile} from '../dockerfile.js'
import {ExpansionDepthError} from '../shell-words.js'
import {UsageError} from '../errors.js'
import {checkBuildContexts} from './build-context.js'
import {joinPath, type DirEntry, type RepoFs} from '../repo-fs.js'
import type {Finding, FindingLocation} from './finding.js'

/** Directories never walked: dependencies and git internals (`.git` is still recorded). */
const SKIPPED_DIRS = new Set(['node_modules', '.git'])

export const DEFAULT_MAX_DEPTH = 16
export const DEFAULT_MAX_ENTRIES = 50_000
/** Dockerfiles and Compose files larger than this are not read. */
export const MAX_MANIFEST_BYTES = 1024 * 1024

export type WalkOptions = {
  /** Directory depth below the root that is still listed (default {@link DEFAULT_MAX_DEPTH}). */
  maxDepth?: number
  /** Directory entries seen before the walk stops (default {@link DEFAULT_MAX_ENTRIES}). */
  maxEntries?: number
  /**
   * Paths to leave out, in `.dockerignore` syntax relative to the root, e.g.
   * `['test/fixtures/repos']` to skip regctl's own deliberately leaky test fixtures.
   */
  exclude?: readonly string[]
}

/** What a walk found, `/`-separated paths relative to the root, sorted. */
export type RepoListing = {
  files: string[]
  dirs: string[]
  /** `.git` directories (recorded, not descended). */
  gitDirs: string[]
  /** Set when a bound stopped the walk: which bound and the first path it cut. */
  truncated?: {bound: 'depth' | 'entries'; path: string}
}

function compileExclude(patterns: readonly string[] | undefined): PatternMatcher | undefined {
  if (!patterns || patterns.length === 0) return undefined
  try {
    return newPatternMatcher(patterns)
  } catch (error) {
    if (error instanceof BadPatternError) throw new UsageError(`invalid exclude pattern: ${error.message}`)
    throw error
  }
}

/**
 * Walks `root` depth-first in name order, without following symlinks, skipping `node_modules`
 * and `.git` contents and the `exclude` patterns, within the depth and entry bounds. An unreadable
 * directory is skipped. Throws {@link UsageError} when the root itself cannot be listed or an
 * exclude pattern is invalid.
 */
export async function walkRepository(root: string, fs: RepoFs, options: WalkOptions = {}): Promise<RepoListing> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
  const exclude = compileExclude(options.exclude)
  const listing: RepoListing = {files: [], dirs: [], gitDirs: []}
  let seen = 0

  // Depth-first with an explicit stack (no recursion depth issues); bounded by maxEntries.
  const stack: Array<{dir: string; depth: number}> = [{dir: '', depth: 0}]
  while (stack.length > 0) {
    const {dir, depth} = stack.pop() as {dir: string; depth: number}
    let entries: DirEntry[]
    try {
      entries = await fs.readdir(joinPath(root, dir))
    } catch (error) {
      if (dir !== '') continue
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable'
      throw new UsageError(`cannot read directory ${root}: ${code}`)
    }

    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirs: string[] = []
    for (const entry of entries) {
      if (++seen > maxEntries) {
        listing.truncated ??= {bound: 'entries', path: dir === '' ? entry.name : `${dir}/${entry.name}`}
        break
      }

      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      if (exclude?.matchesOrParentMatches(path)) continue
      if (entry.kind === 'file') {
        listing.files.push(path)
      } else if (entry.kind === 'directory') {
        if (entry.name === '.git') {
          listing.gitDirs.push(path)
          continue
        }

        if (SKIPPED_DIRS.has(entry.name)) continue
        listing.dirs.push(path)
        if (depth + 1 > maxDepth) {
          listing.truncated ??= {bound: 'depth', path}
          continue
        }

        subdirs.push(path)
      }
    }

    if (listing.truncated?.bound === 'entries') break
    // Push in reverse so the stack pops them in name order.
    for (const sub of subdirs.reverse()) stack.push({dir: sub, depth: depth + 1})
  }

  listing.files.sort()
  listing.dirs.sort()
  listing.gitDirs.sort()
  return listing
}

/**
 * True for the file names Docker and Podman build from: `Dockerfile`, `Containerfile`,
 * `*.Dockerfile`, `Dockerfile.*` (not `Dockerfile.dockerignore`), case-insensitive.
 */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase()
  if (lower.endsWith('.dockerignore') || lower.endsWith('.containerignore')) return false
  return /^(dockerfile|containerfile)(\..+)?$/.test(lower) || /.\.(dockerfile|containerfile)$/.test(lower)
}

/** True for the Compose file names and their default overrides (`compose.override.yaml`…). */
export function isComposeFileName(name: string): boolean {
  return (COMPOSE_FILE_NAMES as readonly string[]).includes(name) || (COMPOSE_OVERRIDE_NAMES as readonly string[]).includes(name)
}

/** An image a repository uses, where it is written. */
export type RepoImage = {
  image: string
  location: FindingLocation
  /** The platform this image is deployed for (a Compose service's `platform:`), when set. */
  platform?: string
}

export type ScanOptions = WalkOptions & {
  /** The build context of a Dockerfile (relative to root, `''` = root); default: its directory. */
  contextFor?: (dockerfile: string) => string | undefined
  /** `--build-arg` values overriding global `ARG` defaults when resolving `FROM`. */
  buildArgs?: Readonly<Record<string, string>>
  /** Variables for Compose interpolation (none by default: the audit does not read the env). */
  composeEnv?: Readonly<Record<string, string>>
}

/** File system access for {@link scanRepository}. */
export type ScanDeps = RepoFs

export type ScanResult = {findings: Finding[]; images: RepoImage[]}

/** A finding for a file over one of regctl's bounds (issue 12: bounds are fine, silence is not). */
/**
 * Deepest `[ ]` / `{ }` nesting a YAML file may have. Compose, workflow and Kubernetes files nest a
 * handful of levels; the yaml parser's recursion ran out of stack (and past 200 MiB) on a fuzzer's
 * 70 KB file of `[[[…` (issue 12), so such a file is a bound finding and is not parsed at all.
 */
export const MAX_YAML_FLOW_DEPTH = 256

/**
 * True when `text` opens flow collections more than `max` deep. One linear pass, no recursion;
 * brackets inside quoted scalars and comments do not count (yaml does not nest on them either).
 */
export function flowNestingOver(text: string, max: number): boolean {
  let depth = 0
  let quote = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quote !== '') {
      if (quote === '#' ? char === '\n' : char === quote) quote = ''
      continue
    }

    // A quoted scalar or a comment starts only at a token boundary (`it's` is a plain scalar).
    const boundary = i === 0 || ' \t\n[{,:'.includes(text[i - 1] ?? '')
    if (boundary && (char === '"' || char === "'" || char === '#')) quote = char
    else if (char === '[' || char === '{') {
      if (++depth > max) return true
    } else if ((char === ']' || char === '}') && depth > 0) depth--
  }

  return false
}

function boundFinding(file: string, what: string): Finding {
  return {
    ruleId: 'repo/input-bound',
    severity: 'warning',
    message: `${file}: ${what}; what lies beyond the bound was not checked`,
    location: {file},
    fix: 'Split or simplify the file; a generated file this large is worth reviewing by hand.',
  }
}

/** The text of a regular file within {@link MAX_MANIFEST_BYTES}; a bigger one is reported in `findings`. */
async function readBounded(root: string, fs: RepoFs, path: string, findings?: Finding[]): Promise<string | undefined> {
  try {
    const stat = await fs.stat(joinPath(root, path))
    if (stat.kind !== 'file') return undefined
    if (stat.size > MAX_MANIFEST_BYTES) {
      findings?.push(boundFinding(path, `${stat.size} bytes, over the bound of ${MAX_MANIFEST_BYTES} bytes per file`))
      return undefined
    }

    return await fs.readFile(joinPath(root, path))
  } catch {
    return undefined
  }
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

function unresolvedFinding(file: string, line: number, raw: string, names: string[]): Finding {
  const vars = [...new Set(names)].map((name) => `\${${name}}`).join(', ')
  return {
    ruleId: 'repo/unresolved-image',
    severity: 'note',
    message: `${file} line ${line}: image ${JSON.stringify(raw)} uses ${vars} with no default, so it was not checked`,
    location: {file, line},
    fix: 'Give the variable a default (ARG NAME=value, ${NAME:-value}) or audit the image explicitly.',
  }
}

/**
 * Scans a repository: every Dockerfile's `FROM` images (global `ARG` defaults resolved; `scratch`
 * and stage names skipped), every Compose file's (and override's) `image:` values with their
 * service's `platform:`, the images of GitHub Actions workflows and Kubernetes manifests and the
 * GHCR push rule (./deploy-images.ts), each with file and line; plus
 * the build-context and Dockerfile findings of {@link checkBuildContexts}, and notes for images
 * that could not be resolved, files that could not be parsed and a walk cut short by its bounds.
 * Throws {@link UsageError} when `root` cannot be read.
 */
export async function scanRepository(root: string, deps: ScanDeps, options: ScanOptions = {}): Promise<ScanResult> {
  const listing = await walkRepository(root, deps, options)
  const findings: Finding[] = []
  const images: RepoImage[] = []
  const dockerfiles: Array<{path: string; parsed: ParsedDockerfile}> = []
  const composeEnv = options.composeEnv ?? {}

  for (const path of listing.files) {
    const name = baseName(path)
    // One file's pathological content (nesting past the expander's bound, a YAML document that
    // overflows the parser's stack) is a finding on that file, never the loss of the audit.
    try {
    if (isDockerfileName(name)) {
      const text = await readBounded(root, deps, path, findings)
      if (text === undefined) continue
      const parsed = parseDockerfile(text)
      if (parsed.truncated) findings.push(boundFinding(path, `more than ${MAX_DOCKERFILE_LINES} lines, the bound per Dockerfile`))
      const froms = resolveFroms(parsed, options.buildArgs)
      // A file named like a Dockerfile with no FROM (Dockerfile.md…) is not one.
      if (froms.length === 0) continue
      dockerfiles.push({path, parsed})
      for (const from of froms) {
        if (from.internal || from.raw === '') continue
        if (from.unresolved.length > 0 || from.image === '') {
          findings.push(unresolvedFinding(path, from.line, from.raw, from.unresolved))
          continue
        }

        images.push({image: from.image, location: {file: path, line: from.line}})
      }
    } else if (isComposeFileName(name)) {
      const text = await readBounded(root, deps, path, findings)
      if (text === undefined) continue
      if (flowNestingOver(text, MAX_YAML_FLOW_DEPTH)) {
        findings.push(boundFinding(path, `flow collections ([ ] { }) nested more than ${MAX_YAML_FLOW_DEPTH} deep, the bound per YAML file`))
        continue
      }

      const result = parseComposeImages(text, (variable) => (Object.hasOwn(composeEnv, variable) ? composeEnv[variable] : undefined))
      if (!result.ok && /call stack/i.test(result.message)) {
        // The yaml parser reports its own stack overflow as a document error (a fuzzer's 70 KB
        // Compose file of `[[[…` or `{a: {a: …`, issue 12): valid YAML too deep to read is a bound.
        findings.push(boundFinding(path, 'nested too deeply to parse (the YAML parser ran out of stack)'))
        continue
      }

      if (!result.ok) {
        findings.push({
          ruleId: 'repo/parse-error',
          severity: 'note',
          message: `${path}${result.line ? ` line ${result.line}` : ''}: not valid YAML (${result.message}); its images were not checked`,
          location: {file: path, ...(result.line ? {line: result.line} : {})},
          fix: 'Fix the YAML syntax (docker compose config shows the same error).',
        })
        continue
      }

      for (const image of result.images) {
        if (image.unresolved.length > 0 || image.image === '') {
          findings.push(unresolvedFinding(path, image.line, image.raw, image.unresolved))
          continue
        }

        images.push({image: image.image, location: {file: path, line: image.line}, ...(image.platform ? {platform: image.platform} : {})})
      }
    } else if (isDeployCandidate(path)) {
      // GitHub Actions workflows and Kubernetes manifests (./deploy-images.ts).
      const text = await readBounded(root, deps, path)
      if (text === undefined) continue
      if (flowNestingOver(text, MAX_YAML_FLOW_DEPTH)) {
        findings.push(boundFinding(path, `flow collections ([ ] { }) nested more than ${MAX_YAML_FLOW_DEPTH} deep, the bound per YAML file`))
        continue
      }

      const scan = scanDeployFile(path, text)
      if (!scan) continue
      images.push(...scan.images)
      findings.push(...scan.findings)
    }
    } catch (error) {
      if (error instanceof ExpansionDepthError) findings.push(boundFinding(path, error.message))
      else if (error instanceof RangeError && /call stack/i.test(error.message)) findings.push(boundFinding(path, 'nested too deeply to parse (the parser ran out of stack)'))
      else throw error
    }
  }

  findings.push(
    ...(await checkBuildContexts({
      root,
      fs: deps,
      files: listing.files,
      dirs: listing.dirs,
      gitDirs: listing.gitDirs,
      dockerfiles,
      ...(options.contextFor ? {contextFor: options.contextFor} : {}),
    })),
  )

  if (listing.truncated) {
    const bound = listing.truncated.bound === 'depth' ? `depth ${options.maxDepth ?? DEFAULT_MAX_DEPTH}` : `${options.maxEntries ?? DEFAULT_MAX_ENTRIES} entries`
    findings.push({
      ruleId: 'repo/scan-truncated',
      severity: 'note',
      message: `the repository walk stopped at its bound (${bound}) at ${listing.truncated.path}; files beyond it were not checked`,
      fix: 'Audit a subdirectory, exclude generated directories, or raise the bound.',
    })
  }

  return {findings, images}
}
