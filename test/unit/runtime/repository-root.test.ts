import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {repositoryRoot} from '../../../src/runtime/audit.js'

const tmp = mkdtempSync(join(tmpdir(), 'regctl-reporoot-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('repositoryRoot: what SARIF and annotation paths are relative to (issue #9)', () => {
  const repo = join(tmp, 'repo')
  const api = join(repo, 'services', 'api')
  mkdirSync(join(repo, '.git'), {recursive: true})
  mkdirSync(api, {recursive: true})
  const worktree = join(tmp, 'worktree')
  mkdirSync(join(worktree, 'sub'), {recursive: true})
  // A git worktree or submodule has a .git file, not a directory.
  writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n')
  const plain = join(tmp, 'plain', 'dir')
  mkdirSync(plain, {recursive: true})

  it('GITHUB_WORKSPACE when the audited folder lies inside it', async () => {
    expect(await repositoryRoot(api, repo)).toBe(repo)
  })

  it('not GITHUB_WORKSPACE when the audited folder lies outside it: the git top level instead', async () => {
    expect(await repositoryRoot(api, plain)).toBe(repo)
  })

  it('the git top level (a .git directory or file) above the audited folder', async () => {
    expect(await repositoryRoot(api, undefined)).toBe(repo)
    expect(await repositoryRoot(join(worktree, 'sub'), undefined)).toBe(worktree)
  })

  it('else the audited folder itself', async () => {
    // tmpdir() is not inside a git repository (the walk up would find it first).
    expect(await repositoryRoot(plain, undefined)).toBe(plain)
  })
})
