/**
 * The compile-cache prune (src/runtime/compile-cache-prune.ts) on real directories: after any
 * number of builds, installs and Node versions the cache holds a bounded number of files, and
 * nothing that is not this user's own, reached without a symbolic link, is ever removed (/tmp is
 * shared). Files count, not time: a run that writes a cache prunes once.
 */
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {CACHE_LIMITS, pruneCompileCache} from '../../../src/runtime/compile-cache-prune.js'

const uid = process.getuid?.() ?? 0
const NOW = Date.parse('2026-12-01T12:00:00Z')

/** regctl's own root (0700) with the version directory `tag` in it. */
function ownRoot(tag = 'v24.22.3-x64-0769a4f2-0'): {root: string; current: string} {
  const root = join(mkdtempSync(join(tmpdir(), 'regctl-prune-')), `regctl-compile-cache-${uid}`)
  mkdirSync(root, {mode: 0o700})
  const current = join(root, tag)
  mkdirSync(current, {mode: 0o755})
  return {root, current}
}

/** A file written `ageS` seconds before NOW. */
function file(path: string, ageS: number, content = 'x'): string {
  writeFileSync(path, content, {mode: 0o600})
  const when = (NOW - ageS * 1000) / 1000
  utimesSync(path, when, when)
  return path
}

const ls = (dir: string): string[] => readdirSync(dir).sort()

describe('pruneCompileCache: bounded', () => {
  it('30 builds of two bundles, one prune per new cache: never more than 2 caches per bundle, the one just written kept', () => {
    const {root, current} = ownRoot()
    for (let build = 0; build < 30; build++) {
      for (const bundle of ['pull-check', 'auth.status']) {
        const written = file(join(current, `regctl-${bundle}-${(0xa000 + build).toString(16)}-1000.v8cache`), 100 - build)
        pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})
        expect(ls(current)).toContain(`regctl-${bundle}-${(0xa000 + build).toString(16)}-1000.v8cache`)
      }

      expect(ls(current).length).toBeLessThanOrEqual(2 * CACHE_LIMITS.versionsPerBundle)
    }

    // The newest two of each bundle.
    expect(ls(current)).toEqual(['regctl-auth.status-a01c-1000.v8cache', 'regctl-auth.status-a01d-1000.v8cache', 'regctl-pull-check-a01c-1000.v8cache', 'regctl-pull-check-a01d-1000.v8cache'])
  })

  it('caches named before the bundle name (session 4) go; a stale temporary file goes, a fresh one (a write under way) stays', () => {
    const {root, current} = ownRoot()
    file(join(current, 'regctl-83beed81-1051251.v8cache'), 50)
    file(join(current, 'regctl-pull-check-1-5.v8cache.123.tmp'), 3600)
    file(join(current, 'regctl-pull-check-2-5.v8cache.124.tmp'), 5)
    const written = file(join(current, 'regctl-pull-check-3-5.v8cache'), 0)
    expect(pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})).toEqual({removed: 2})
    expect(ls(current)).toEqual(['regctl-pull-check-2-5.v8cache.124.tmp', 'regctl-pull-check-3-5.v8cache'])
  })

  it('Node\'s own entries beyond the cap: the oldest go', () => {
    const {root, current} = ownRoot()
    const count = CACHE_LIMITS.nodeEntries + 50
    for (let i = 0; i < count; i++) file(join(current, i.toString(16).padStart(8, '0')), count - i)
    const written = file(join(current, 'regctl-pull-check-1-5.v8cache'), 0)
    pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})
    const left = ls(current)
    expect(left).toHaveLength(CACHE_LIMITS.nodeEntries + 1)
    // The 50 oldest (the lowest numbers) are the ones gone.
    expect(left).not.toContain('00000031')
    expect(left).toContain('00000032')
  })

  it('10 Node versions: the current one and the 3 most recently changed others stay, each bounded too', () => {
    const {root, current} = ownRoot()
    for (let v = 0; v < 10; v++) {
      const dir = join(root, `v24.${v}.0-x64-0000000${v}-${uid}`)
      mkdirSync(dir)
      for (let b = 0; b < 5; b++) file(join(dir, `regctl-pull-check-${b}-9.v8cache`), 10 + b)
      const when = (NOW - (100 - v) * 1000) / 1000
      utimesSync(dir, when, when)
    }

    const written = file(join(current, 'regctl-pull-check-1-5.v8cache'), 0)
    pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})
    expect(ls(root)).toEqual([`v24.22.3-x64-0769a4f2-0`, `v24.7.0-x64-00000007-${uid}`, `v24.8.0-x64-00000008-${uid}`, `v24.9.0-x64-00000009-${uid}`])
    expect(ls(join(root, `v24.9.0-x64-00000009-${uid}`))).toHaveLength(CACHE_LIMITS.versionsPerBundle)
  })
})

describe('pruneCompileCache: only this user\'s own files, never through a link', () => {
  /** A full cache to prune: 5 old pull-check caches, a legacy one, an old version directory. */
  function planted(): {root: string; current: string; written: string; before: () => string[]} {
    const {root, current} = ownRoot()
    for (let b = 0; b < 5; b++) file(join(current, `regctl-pull-check-${b}-9.v8cache`), 10 + b)
    file(join(current, 'regctl-1-9.v8cache'), 10)
    for (let v = 0; v < 5; v++) mkdirSync(join(root, `v20.${v}.0-x64-0000000${v}-${uid}`))
    const written = join(current, 'regctl-pull-check-0-9.v8cache')
    const snapshot = (): string[] => readdirSync(root, {recursive: true, encoding: 'utf8'}).sort()
    return {root, current, written, before: snapshot}
  }

  it('files of another user (a root that is not ours): nothing removed', () => {
    const {root, current, written, before} = planted()
    const was = before()
    expect(pruneCompileCache({current, ownRoot: root, written, uid: uid + 4242, now: NOW})).toEqual({removed: 0})
    expect(before()).toEqual(was)
  })

  it('a root others can write (planted, say): nothing removed', () => {
    const {root, current, written, before} = planted()
    chmodSync(root, 0o777)
    const was = before()
    expect(pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})).toEqual({removed: 0})
    expect(before()).toEqual(was)
  })

  it('a root that is a symbolic link to a directory of ours: nothing removed there', () => {
    const {root, before} = planted()
    const link = join(mkdtempSync(join(tmpdir(), 'regctl-prune-link-')), `regctl-compile-cache-${uid}`)
    symlinkSync(root, link)
    const was = before()
    const current = join(link, 'v24.22.3-x64-0769a4f2-0')
    expect(pruneCompileCache({current, ownRoot: link, written: join(current, 'regctl-pull-check-0-9.v8cache'), uid, now: NOW})).toEqual({removed: 0})
    expect(before()).toEqual(was)
  })

  it('links in place of a cache file or a version directory: the links stay, their targets untouched', () => {
    const {root, current} = ownRoot()
    const outside = mkdtempSync(join(tmpdir(), 'regctl-prune-outside-'))
    const target = file(join(outside, 'precious'), 1000, 'keep me')
    mkdirSync(join(outside, 'dir'))
    file(join(outside, 'dir', 'inside'), 1000, 'keep me too')
    for (let b = 0; b < 4; b++) symlinkSync(target, join(current, `regctl-pull-check-${b}-1.v8cache`))
    symlinkSync(target, join(current, 'regctl-7-1.v8cache'))
    for (let v = 0; v < 6; v++) symlinkSync(join(outside, 'dir'), join(root, `v20.${v}.0-x64-0000000${v}-${uid}`))
    const written = file(join(current, 'regctl-pull-check-9-1.v8cache'), 0)
    pruneCompileCache({current, ownRoot: root, written, uid, now: NOW})
    expect(ls(current)).toHaveLength(6)
    expect(ls(root)).toHaveLength(7)
    expect(readFileSync(target, 'utf8')).toBe('keep me')
    expect(readFileSync(join(outside, 'dir', 'inside'), 'utf8')).toBe('keep me too')
  })

  it('a NODE_COMPILE_CACHE the user chose: only regctl\'s own caches are pruned, not Node\'s entries or other versions', () => {
    const chosen = mkdtempSync(join(tmpdir(), 'regctl-prune-chosen-'))
    const current = join(chosen, 'v24.22.3-x64-0769a4f2-0')
    mkdirSync(current)
    for (let i = 0; i < CACHE_LIMITS.nodeEntries + 5; i++) file(join(current, `n${i}`), 5)
    for (let b = 0; b < 4; b++) file(join(current, `regctl-pull-check-${b}-9.v8cache`), 10 + b)
    for (let v = 0; v < 6; v++) mkdirSync(join(chosen, `v20.${v}.0-x64-0000000${v}-${uid}`))
    pruneCompileCache({current, ownRoot: undefined, written: join(current, 'regctl-pull-check-0-9.v8cache'), uid, now: NOW})
    expect(ls(current).filter((name) => name.startsWith('regctl-'))).toEqual(['regctl-pull-check-0-9.v8cache', 'regctl-pull-check-1-9.v8cache'])
    expect(ls(current)).toHaveLength(CACHE_LIMITS.nodeEntries + 5 + 2)
    expect(ls(chosen)).toHaveLength(7)
  })
})
