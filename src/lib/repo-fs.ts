/**
 * The repository file system the audit reads through (`RepoFs`), injected so the scan is testable;
 * `src/runtime/repository-fs.ts` has the real one.
 */

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other'

/** One directory entry (`fs.readdir(…, {withFileTypes: true})`); symlinks are not followed. */
export type DirEntry = {name: string; kind: EntryKind}

/**
 * The file system access the scan needs, injected so tests can use an in-memory tree
 * (`src/runtime/repository-fs.ts` has the real one). Paths are the root joined with `/`-separated relative
 * paths. Each function rejects with the errno error (`ENOENT`, `EACCES`…).
 */
export type RepoFs = {
  readFile(path: string): Promise<string>
  readdir(path: string): Promise<DirEntry[]>
  stat(path: string): Promise<{kind: EntryKind; size: number}>
}

/** Joins a root and a `/`-separated relative path (`''` is the root). */
export function joinPath(root: string, rel: string): string {
  if (rel === '') return root
  return root.endsWith('/') ? `${root}${rel}` : `${root}/${rel}`
}
