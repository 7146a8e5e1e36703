/**
 * An in-memory `RepoFs` for scan tests: a tree from a `{path: content}` map (a trailing `/` makes
 * an empty directory, `{symlink: target}` a link). Counts calls so tests can assert bounds.
 */
import type {DirEntry, EntryKind, RepoFs} from '../../../src/lib/repo-fs.js'

type Node = {kind: EntryKind; content?: string}

export type MemFs = RepoFs & {calls: {readdir: number; readFile: number}}

function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), {code})
}

export function memFs(root: string, tree: Record<string, string | {symlink: string}>): MemFs {
  const nodes = new Map<string, Node>([[root, {kind: 'directory'}]])
  const addDirs = (path: string): void => {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) nodes.set(`${root}/${parts.slice(0, i).join('/')}`, {kind: 'directory'})
  }

  for (const [path, value] of Object.entries(tree)) {
    const clean = path.replace(/\/$/, '')
    addDirs(clean)
    if (path.endsWith('/')) nodes.set(`${root}/${clean}`, {kind: 'directory'})
    else if (typeof value === 'string') nodes.set(`${root}/${clean}`, {kind: 'file', content: value})
    else nodes.set(`${root}/${clean}`, {kind: 'symlink'})
  }

  const calls = {readdir: 0, readFile: 0}
  return {
    calls,
    async readFile(path) {
      calls.readFile++
      const node = nodes.get(path)
      if (node?.kind !== 'file') throw errno(node ? 'EISDIR' : 'ENOENT', path)
      return node.content ?? ''
    },
    async readdir(path) {
      calls.readdir++
      if (nodes.get(path)?.kind !== 'directory') throw errno('ENOENT', path)
      const entries: DirEntry[] = []
      for (const [candidate, node] of nodes) {
        if (candidate.startsWith(`${path}/`) && !candidate.slice(path.length + 1).includes('/')) {
          entries.push({name: candidate.slice(path.length + 1), kind: node.kind})
        }
      }

      return entries
    },
    async stat(path) {
      const node = nodes.get(path)
      if (!node) throw errno('ENOENT', path)
      return {kind: node.kind, size: node.content?.length ?? 0}
    },
  }
}
