/**
 * Keeps the compile caches bounded (bin/run.js, bin/code-cache.js). Every build of a bundle is a new
 * file (new inode and ctime), so its V8 code cache is a new ~1 MB file; every Node version or V8
 * flag set is a new directory of Node's own compile cache; every new install path adds Node's entries
 * for its modules. Nothing removed them: after a day of builds and tests, /tmp/regctl-compile-cache-0
 * held 18 directories, 249 MB.
 *
 * Run only after a run wrote a new code cache (so once per build and bundle, after the command's
 * work: never before the first request, never on a run that found its cache), it keeps:
 * - per bundle, the {@link CACHE_LIMITS}.versionsPerBundle newest code caches (two installs used
 *   in turn, a global one and a checkout, keep theirs); files of the name without the bundle
 *   (before session 5) are never read again and go;
 * - in regctl's own directory only (not a NODE_COMPILE_CACHE the user chose, which other programs
 *   share): Node's entries of the current directory down to the newest `nodeEntries`, and the
 *   `otherVersions` most recently changed directories of other Node versions or flags, each bounded
 *   the same way; older version directories go.
 *
 * Trust (/tmp is shared): it removes only what this user owns, reached without a symbolic link: the
 * root must be a directory of this user that no one else can write (what bin/run.js checks before
 * it uses it), a version directory a real directory of this user, an entry a regular file of this
 * user. A symbolic link is never followed and never removed; anything else is left alone.
 *
 * Hand-written: Node removes nothing from its compile cache (its documentation, module.md "Module
 * compile cache": "To clean up the generated compile cache on disk, simply remove the cache
 * directory"), and no library prunes it.
 */
import {lstatSync, readdirSync, rmSync, unlinkSync, type Stats} from 'node:fs'
import {basename, dirname, join} from 'node:path'

/** How much of each kind {@link pruneCompileCache} keeps. */
export const CACHE_LIMITS = {
  /** Code caches per bundle (pull-check, audit, …): the current build's and one more install's. */
  versionsPerBundle: 2,
  /** Node's own entries in the current version directory: one install makes about 190. */
  nodeEntries: 1000,
  /** Version directories besides the current one (other Node versions, other V8 flags). */
  otherVersions: 3,
  /** A temporary file of a write that never finished, once it is this old. */
  staleTemporaryMs: 10 * 60 * 1000,
} as const

/** `regctl-NAME-VERSION.v8cache` (bin/code-cache.js); NAME absent in the files of before. */
const CODE_CACHE = /^regctl-(?:(.+)-)?([\da-f]+)-(\d+)\.v8cache$/
const TEMPORARY = /^regctl-.*\.v8cache\.\d+\.tmp$/
/** Node's version directory: `v24.22.3-x64-0769a4f2-0` (src/compile_cache.cc, `GetCacheVersionTag`). */
const VERSION_DIRECTORY = /^v\d+\.\d+\.\d+.*-\d+$/

export type PruneOptions = {
  /** The version directory of this run (module.getCompileCacheDir()). */
  current: string
  /** regctl's own root (bin/run.js: `regctl-compile-cache-UID`) when the run used it; else undefined. */
  ownRoot?: string | undefined
  /** The code cache this run wrote: always kept. */
  written: string
  /** This process's user. */
  uid: number
  now: number
}

/** What a prune removed (for tests and `-v`). */
export type PruneResult = {removed: number}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/** A directory (not a symbolic link) of `uid` that no one else can write. */
function ownDirectory(path: string, uid: number): boolean {
  const stat = lstatOrUndefined(path)
  return stat !== undefined && stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0
}

function remove(path: string, uid: number): boolean {
  const stat = lstatOrUndefined(path)
  if (stat === undefined || !stat.isFile() || stat.uid !== uid) return false
  try {
    unlinkSync(path)
    return true
  } catch {
    return false
  }
}

/** The newest `keep` of `files` by modification time stay (`always` first); the rest are removed. Returns the count removed. */
function keepNewest(directory: string, files: string[], keep: number, uid: number, always?: string): number {
  const dated = files
    .map((name) => ({name, stat: lstatOrUndefined(join(directory, name))}))
    .filter((entry): entry is {name: string; stat: Stats} => entry.stat !== undefined)
    .sort((a, b) => Number(b.name === always) - Number(a.name === always) || b.stat.mtimeMs - a.stat.mtimeMs)
  let removed = 0
  for (const {name} of dated.slice(keep)) if (remove(join(directory, name), uid)) removed++
  return removed
}

function entries(directory: string): string[] {
  try {
    return readdirSync(directory)
  } catch {
    return []
  }
}

/** Node's own entries of the version directory `directory` beyond {@link CACHE_LIMITS}.nodeEntries, the oldest first. */
function pruneNodeEntries(directory: string, uid: number): number {
  const nodeEntries = entries(directory).filter((name) => !name.startsWith('regctl-'))
  return nodeEntries.length > CACHE_LIMITS.nodeEntries ? keepNewest(directory, nodeEntries, CACHE_LIMITS.nodeEntries, uid) : 0
}

/** The code caches and stale temporary files of `current` beyond the limits; `written` is kept. */
function pruneCodeCaches(current: string, written: string | undefined, uid: number, now: number): number {
  const byBundle = new Map<string, string[]>()
  let removed = 0
  for (const name of entries(current)) {
    const match = CODE_CACHE.exec(name)
    if (match === null) {
      if (TEMPORARY.test(name) && now - (lstatOrUndefined(join(current, name))?.mtimeMs ?? now) > CACHE_LIMITS.staleTemporaryMs && remove(join(current, name), uid)) removed++
      continue
    }

    const bundle = match[1]
    if (bundle === undefined) {
      if (remove(join(current, name), uid)) removed++
      continue
    }

    const names = byBundle.get(bundle)
    if (names === undefined) byBundle.set(bundle, [name])
    else names.push(name)
  }

  for (const names of byBundle.values()) {
    if (names.length > CACHE_LIMITS.versionsPerBundle) removed += keepNewest(current, names, CACHE_LIMITS.versionsPerBundle, uid, written === undefined ? undefined : basename(written))
  }

  return removed
}

/**
 * Prunes the compile caches after a run wrote `written` (see the module comment). Never throws: a
 * cache is an optimisation, and a file it cannot remove stays.
 */
export function pruneCompileCache(options: PruneOptions): PruneResult {
  const {current, ownRoot, written, uid, now} = options
  // regctl's own root, as bin/run.js checked it: this user's, 0700 (no one else can add to it), no link.
  const root = ownRoot === undefined ? undefined : lstatOrUndefined(ownRoot)
  if (ownRoot !== undefined && (root === undefined || !root.isDirectory() || root.uid !== uid || (root.mode & 0o077) !== 0)) return {removed: 0}
  if (!ownDirectory(current, uid)) return {removed: 0}
  let removed = pruneCodeCaches(current, written, uid, now)
  if (ownRoot === undefined || dirname(current) !== ownRoot) return {removed}
  removed += pruneNodeEntries(current, uid)
  const others = entries(ownRoot)
    .filter((name) => name !== basename(current) && VERSION_DIRECTORY.test(name))
    .map((name) => ({name, stat: lstatOrUndefined(join(ownRoot, name))}))
    .filter((entry): entry is {name: string; stat: Stats} => entry.stat !== undefined && entry.stat.isDirectory() && entry.stat.uid === uid)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs)
  for (const {name} of others.slice(0, CACHE_LIMITS.otherVersions)) {
    // Kept, and bounded as the current one: each was written by some run, perhaps one from before.
    const other = join(ownRoot, name)
    if (!ownDirectory(other, uid)) continue
    removed += pruneCodeCaches(other, undefined, uid, now) + pruneNodeEntries(other, uid)
  }

  for (const {name} of others.slice(CACHE_LIMITS.otherVersions)) {
    try {
      // rmSync removes a symbolic link inside as a link: it never follows one.
      rmSync(join(ownRoot, name), {recursive: true, force: true})
      removed++
    } catch {
      // Left for the next prune.
    }
  }

  return {removed}
}
