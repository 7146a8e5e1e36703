/**
 * The start-up path of bin/run.js (issue 10): what a command loads before its first request, and
 * the code cache. pull-check runs from its one-file bundle with a V8
 * code cache made after a run (bin/code-cache.js), kept in Node's compile-cache directory. Times
 * are in `npm run bench`; this file checks the files and the behaviour: the cache is written once
 * per bundle content, used (not rewritten) by later runs, never written after a usage error or
 * with the compile cache turned off, and a damaged cache changes nothing but speed. A cache is code
 * to V8, so one another user could have written (writable by others, or a symbolic link) is never
 * used, and the default directory is the user's own (0700, in TMPDIR), never Node's shared one.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {describe, expect, inject, it} from 'vitest'

import {startFakeGitHub, TOKENS} from '../fixtures/github/server.js'
import {connectEnvironment} from '../harness/client.js'
import {authsConfig, runCli} from './cli.js'

const env = connectEnvironment(inject('env'))
const image = `${env.registries.token.host}/public/single:1.0`
const dockerConfig = authsConfig({})

/** Every regctl code-cache file under a compile-cache root (Node adds a per-version directory). */
function cacheFiles(root: string): string[] {
  return readdirSync(root, {recursive: true, encoding: 'utf8'}).filter((f) => /(^|\/)regctl-pull-check-[0-9a-f]+-\d+\.v8cache$/.test(f)).map((f) => join(root, f))
}

const pullCheck = (cacheRoot: string, extra: Record<string, string> = {}) =>
  runCli(['pull-check', image], {dockerConfig, caFile: env.caFile, env: {NODE_COMPILE_CACHE: cacheRoot, ...extra}})

describe('pull-check code cache (bin/code-cache.js)', () => {
  it('is written by the first run, then read and left alone by the next', async () => {
    const root = mkdtempSync(join(tmpdir(), 'regctl-cc-'))
    const first = await pullCheck(root)
    expect(first.exitCode).toBe(0)
    const files = cacheFiles(root)
    expect(files).toHaveLength(1)
    const [file] = files as [string]
    const written = statSync(file)
    // Owner-only, as Node's own compile-cache files.
    expect(written.mode & 0o077).toBe(0)
    expect(written.size).toBeGreaterThan(0)

    const second = await pullCheck(root)
    expect(second.exitCode).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    expect(cacheFiles(root)).toEqual([file])
    expect(statSync(file).mtimeMs).toBe(written.mtimeMs)
  })

  it('is not written after a usage error (exit 2), nor with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'regctl-cc-'))
    const usage = await runCli(['pull-check', '--concurrency', '0', image], {dockerConfig, env: {NODE_COMPILE_CACHE: root}})
    expect(usage.exitCode).toBe(2)
    expect(cacheFiles(root)).toEqual([])

    const disabled = await pullCheck(root, {NODE_DISABLE_COMPILE_CACHE: '1'})
    expect(disabled.exitCode).toBe(0)
    expect(cacheFiles(root)).toEqual([])
  })

  it('a damaged cache file is rejected by V8 and replaced; the check answers the same', async () => {
    const root = mkdtempSync(join(tmpdir(), 'regctl-cc-'))
    const first = await pullCheck(root)
    const [file] = cacheFiles(root) as [string]
    const bytes = readFileSync(file)
    bytes.fill(0x5a, 16, 4096)
    writeFileSync(file, bytes)

    const damaged = await pullCheck(root)
    expect(damaged.exitCode).toBe(0)
    expect(damaged.stdout).toBe(first.stdout)
    expect(readFileSync(file).equals(bytes)).toBe(false)
  })

  // Without the ownership check, V8 would accept these (they hold a valid cache), saveCache would
  // leave them as they are, and the assertions on the file below would fail.
  it('a cache file writable by others is not used: it is replaced by an owner-only one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'regctl-cc-'))
    const first = await pullCheck(root)
    const [file] = cacheFiles(root) as [string]
    chmodSync(file, 0o666)
    const planted = statSync(file)

    const next = await pullCheck(root)
    expect(next.exitCode).toBe(0)
    expect(next.stdout).toBe(first.stdout)
    const after = statSync(file)
    expect(after.mode & 0o077).toBe(0)
    expect(after.ino).not.toBe(planted.ino)
  })

  it('a symbolic link in place of the cache file is not followed: a regular file replaces it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'regctl-cc-'))
    const first = await pullCheck(root)
    const [file] = cacheFiles(root) as [string]
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'regctl-cc-target-')), 'cache')
    copyFileSync(file, elsewhere)
    rmSync(file)
    symlinkSync(elsewhere, file)

    const next = await pullCheck(root)
    expect(next.exitCode).toBe(0)
    expect(next.stdout).toBe(first.stdout)
    expect(lstatSync(file).isFile()).toBe(true)
  })

  it('without NODE_COMPILE_CACHE: a 0700 directory of this user in TMPDIR, nothing under HOME', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'regctl-tmpdir-'))
    const result = await runCli(['pull-check', image], {dockerConfig, caFile: env.caFile, env: {NODE_COMPILE_CACHE: undefined, TMPDIR: temporary}})
    expect(result.exitCode).toBe(0)
    const dir = join(temporary, `regctl-compile-cache-${process.getuid?.() ?? ''}`)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(cacheFiles(dir)).toHaveLength(1)
  })

  // A build is a new bundle file (new inode and ctime): a new cache each time. Before the prune,
  // every build and Node version left its files in TMPDIR for good (249 MB here after a day).
  it('stays bounded over builds and Node versions: 5 builds, 6 old version directories, a cache of before → 2 caches, 4 directories', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'regctl-pkg-'))
    // What a bundled command runs from: bin/, package.json, its bundle and the prune module.
    for (const part of ['bin/run.js', 'bin/code-cache.js', 'package.json', 'dist/bundle/pull-check.cjs', 'dist/runtime/compile-cache-prune.js']) {
      mkdirSync(dirname(join(pkg, part)), {recursive: true})
      copyFileSync(resolve(import.meta.dirname, '../..', part), join(pkg, part))
    }

    const temporary = mkdtempSync(join(tmpdir(), 'regctl-tmpdir-'))
    const root = join(temporary, `regctl-compile-cache-${process.getuid?.() ?? ''}`)
    // Synchronous: nothing else of this test runs meanwhile, and it needs no server.
    const run = (): number => {
      const home = mkdtempSync(join(tmpdir(), 'regctl-it-home-'))
      const child = spawnSync(process.execPath, [join(pkg, 'bin/run.js'), 'pull-check', '127.0.0.1:1/team/app:1'], {env: {PATH: '/nonexistent', HOME: home, TMPDIR: temporary}, timeout: 45_000})
      return child.status ?? -1
    }

    expect(run()).toBe(3)
    const [current] = readdirSync(root) as [string]
    const old = 1_000_000_000
    for (let v = 0; v < 6; v++) {
      const dir = join(root, `v20.${v}.0-x64-0000000${v}-${process.getuid?.() ?? 0}`)
      mkdirSync(dir)
      writeFileSync(join(dir, `regctl-pull-check-${v}-1.v8cache`), 'x')
      utimesSync(dir, old + v, old + v)
    }

    writeFileSync(join(root, current, 'regctl-83beed81-1051251.v8cache'), 'x', {mode: 0o600})
    for (let build = 0; build < 5; build++) {
      const bundle = join(pkg, 'dist/bundle/pull-check.cjs')
      copyFileSync(bundle, `${bundle}.new`)
      renameSync(`${bundle}.new`, bundle)
      expect(run()).toBe(3)
      expect(cacheFiles(join(root, current)).length).toBeLessThanOrEqual(2)
    }

    expect(readdirSync(root)).toHaveLength(4)
    expect(readdirSync(join(root, current)).filter((name) => name.startsWith('regctl-'))).toHaveLength(2)
  })

  it('a cache directory of ours that others can write (planted, say) turns the cache off', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'regctl-tmpdir-'))
    const dir = join(temporary, `regctl-compile-cache-${process.getuid?.() ?? ''}`)
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    const result = await runCli(['pull-check', image], {dockerConfig, caFile: env.caFile, env: {NODE_COMPILE_CACHE: undefined, TMPDIR: temporary}})
    expect(result.exitCode).toBe(0)
    expect(readdirSync(dir)).toEqual([])
  })
})

/** The Node built-in modules loaded when `args` created its first HTTP request (test/fixtures/first-request-modules.mjs). */
async function builtinsAtFirstRequest(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<string[]> {
  const out = join(mkdtempSync(join(tmpdir(), 'regctl-first-request-')), 'modules.txt')
  const preload = resolve(import.meta.dirname, '../fixtures/first-request-modules.mjs')
  // A login for the registry: without one, the check asks the helper docker would use by default
  // (a spawn before the first request, as it must be).
  const loggedIn = authsConfig({[env.registries.token.host]: env.users.pusher})
  const result = await runCli(args, {dockerConfig: loggedIn, caFile: env.caFile, ...options, env: {NODE_OPTIONS: `--import=${preload}`, REGCTL_FIRST_REQUEST_MODULES: out, REGCTL_NO_KEYRING: '1', ...options.env}})
  expect(result.exitCode, result.stderr).toBeLessThanOrEqual(1)
  return readFileSync(out, 'utf8').trim().split('\n')
}

// node:http, node:http2 (undici loads them at start for a default and for HTTP/2, which regctl
// never speaks: scripts/bundle/lazy-load-patches.mjs) and node:child_process (no helper in these
// config needs one) cost 10–25 ms of CPU before the first request when loaded (npm run bench). Node's
// own fetch (internal/deps/undici) is another copy of undici. Without the patches, or with an
// eager import back, these lists hold them and the test fails.
describe('what a command loads before its first request', () => {
  const unwanted = ['http', 'http2', '_http_client', 'child_process']
  /** Node's own copy of undici, which `globalThis.fetch` loads on first use. */
  const NODE_FETCH = 'internal/deps/undici/undici'

  it('pull-check: TLS, but not node:http, node:http2 or node:child_process', async () => {
    const loaded = await builtinsAtFirstRequest(['pull-check', image])
    expect(loaded).toContain('tls')
    expect(loaded.filter((m) => unwanted.includes(m))).toEqual([])
  })

  it('ghcr ls: neither, nor Node\'s own fetch (its GitHub requests go through the bundle\'s undici)', async () => {
    // The fake GitHub API over plain HTTP on loopback (the GitHub fetch allows that for loopback only).
    const github = await startFakeGitHub()
    try {
      const loaded = await builtinsAtFirstRequest(['ghcr', 'ls', 'acme', '--json'], {env: {GITHUB_API_URL: github.url, GH_TOKEN: TOKENS.good}})
      expect(github.requests.length).toBeGreaterThan(0)
      expect(loaded.filter((m) => [...unwanted, NODE_FETCH].includes(m))).toEqual([])
    } finally {
      await github.close()
    }
  })

  it('auth status and audit: neither', async () => {
    expect((await builtinsAtFirstRequest(['auth', 'status', '--registry', env.registries.token.host, '--fail-on', 'never'])).filter((m) => unwanted.includes(m))).toEqual([])
    const repo = mkdtempSync(join(tmpdir(), 'regctl-first-request-repo-'))
    writeFileSync(join(repo, 'Dockerfile'), `FROM ${image}\n`)
    expect((await builtinsAtFirstRequest(['audit', repo, '--format', 'json'])).filter((m) => unwanted.includes(m))).toEqual([])
  })
})

// Bottleneck (octokit's throttling and retry plugins) waited on 12 timers of 0 ms per GitHub
// request, each at least 1 ms (scripts/bundle/lazy-load-patches.mjs). Without the patch, or with a
// new version it does not fit (then the build fails), these runs count them again.
describe('GitHub requests wait on no 0 ms timer', () => {
  it('ghcr ls (three requests) and auth status (its token check)', async () => {
    const github = await startFakeGitHub()
    try {
      for (const args of [['ghcr', 'ls', 'acme', '--json'], ['auth', 'status', '--json', '--fail-on', 'never']]) {
        const out = join(mkdtempSync(join(tmpdir(), 'regctl-zero-timers-')), 'timers.txt')
        const preload = resolve(import.meta.dirname, '../fixtures/zero-delay-timers.mjs')
        const before = github.requests.length
        const result = await runCli(args, {dockerConfig, env: {NODE_OPTIONS: `--import=${preload}`, REGCTL_ZERO_TIMERS: out, REGCTL_NO_KEYRING: '1', GITHUB_API_URL: github.url, GH_TOKEN: TOKENS.good}})
        expect(result.exitCode, result.stderr).toBe(0)
        expect(github.requests.length).toBeGreaterThan(before)
        expect(readFileSync(out, 'utf8'), args.join(' ')).toBe('')
      }
    } finally {
      await github.close()
    }
  })
})
