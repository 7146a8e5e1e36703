/**
 * The real file system for `scanRepository` (`RepoFs`), on `node:fs/promises`. Symlinks are
 * reported as such and never followed, so a link cannot lead the walk out of the repository or
 * into a cycle. Nothing runs at import time.
 */
import {lstat, readdir, readFile} from 'node:fs/promises'

import type {DirEntry, EntryKind, RepoFs} from '../lib/repo-fs.js'

function kindOf(entry: {isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean}): EntryKind {
  if (entry.isSymbolicLink()) return 'symlink'
  if (entry.isDirectory()) return 'directory'
  if (entry.isFile()) return 'file'
  return 'other'
}

/** `RepoFs` over `node:fs/promises`: UTF-8 reads, `lstat`, typed directory entries. */
export const nodeRepoFs: RepoFs = {
  readFile: (path) => readFile(path, 'utf8'),
  async readdir(path): Promise<DirEntry[]> {
    const entries = await readdir(path, {withFileTypes: true})
    return entries.map((entry) => ({name: entry.name, kind: kindOf(entry)}))
  },
  async stat(path) {
    const stats = await lstat(path)
    return {kind: kindOf(stats), size: stats.size}
  },
}
