/**
 * What a run does before the command starts, checked from outside the process (issue 13):
 * - a `--jq` expression that does not compile is exit 2 with jq's message before any request or
 *   credential helper: a registry that counts its connections sees none, a helper that leaves a
 *   mark when started leaves none;
 * - jq-wasm is read only when `--jq` is given (strace: no file of the package is opened without it);
 * - `regctl -v COMMAND` finds the command's bundle with one probe, as `regctl COMMAND -v` does.
 * Each run is bounded (runCli's time limit); the servers are local and closed after the file.
 */
import {chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from './cli.js'

const dir = mkdtempSync(join(tmpdir(), 'regctl-it-before-'))
let connections = 0
let server: Server
let registry = ''

beforeAll(async () => {
  // Any TCP connection counts: a request that got as far as connecting is a request.
  server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  registry = `127.0.0.1:${address.port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** A credential helper `docker-credential-mark` on its own PATH directory that creates `mark` when run. */
function markingHelper(): {path: string; mark: string} {
  const bin = mkdtempSync(join(dir, 'bin-'))
  const mark = join(bin, 'mark')
  writeFileSync(join(bin, 'docker-credential-mark'), `#!/bin/sh\ntouch '${mark}'\necho '{"ServerURL":"x","Username":"u","Secret":"s"}'\n`)
  chmodSync(join(bin, 'docker-credential-mark'), 0o755)
  return {path: `${bin}:/usr/bin:/bin`, mark}
}

describe('--jq is compiled before the command runs', () => {
  it.each([
    ['pull-check', (reg: string) => ['pull-check', `${reg}/app:1.0`]],
    ['auth status', (reg: string) => ['auth', 'status', '--registry', reg]],
  ])('%s: a bad expression is exit 2 with jq\'s message; no connection, no helper started', async (_name, args) => {
    const helper = markingHelper()
    const before = connections
    const result = await runCli([...args(registry), '--insecure-registry', registry, '--jq', '.images[] |||'], {
      dockerConfig: {credHelpers: {[registry]: 'mark'}},
      env: {PATH: helper.path, REGCTL_NO_KEYRING: '1'},
    })
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^regctl: --jq: syntax error, unexpected .*compile error\n$/)
    expect(connections - before).toBe(0)
    expect(existsSync(helper.mark)).toBe(false)

    // The same run with a good expression does connect and start the helper: the counters can fail.
    const good = await runCli([...args(registry), '--insecure-registry', registry, '--timeout', '5', '--jq', '.exitCode'], {
      dockerConfig: {credHelpers: {[registry]: 'mark'}},
      env: {PATH: helper.path, REGCTL_NO_KEYRING: '1'},
    })
    expect(good.stdout, good.stderr).toMatch(/^\d\n$/)
    expect(connections - before).toBeGreaterThan(0)
    expect(existsSync(helper.mark)).toBe(true)
  })

  it('an expression that would never end compiles fine: it runs only on the document', async () => {
    const result = await runCli(['auth', 'status', '--offline', '--fail-on', 'never', '--jq', 'first(.exitCode, repeat(.))'], {dockerConfig: {auths: {}}, env: {PATH: '/nonexistent', REGCTL_NO_KEYRING: '1'}})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe('0\n')
  })
})

/** The paths of the `syscalls` lines in an strace(1) output file. */
function tracedPaths(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\d+\s+\w+\((?:AT_FDCWD, )?"([^"]*)"/gm)].map((match) => match[1]!)
}

describe('files a run opens (strace)', () => {
  it('jq-wasm is opened only with --jq', async () => {
    const run = async (extra: string[]): Promise<string[]> => {
      const file = join(dir, `trace-jq-${extra.length}`)
      const result = await runCli(['auth', 'status', '--offline', '--fail-on', 'never', ...extra], {dockerConfig: {auths: {}}, env: {PATH: '/usr/bin:/bin', REGCTL_NO_KEYRING: '1'}, strace: {file, syscalls: 'openat,open'}})
      expect(result.exitCode, result.stderr).toBe(0)
      return tracedPaths(file).filter((path) => path.includes('jq-wasm'))
    }

    expect(await run([])).toEqual([])
    expect((await run(['--jq', '.exitCode'])).some((path) => path.endsWith('.wasm') || path.endsWith('.cjs'))).toBe(true)
  })

  it.each([
    [['-v', 'auth', 'status', '--offline', '--fail-on', 'never']],
    [['auth', 'status', '-v', '--offline', '--fail-on', 'never']],
  ])('`%s` looks its bundle up once', async (args) => {
    const file = join(dir, `trace-bundle-${args[0]}`)
    const result = await runCli(args, {dockerConfig: {auths: {}}, env: {PATH: '/usr/bin:/bin', REGCTL_NO_KEYRING: '1'}, strace: {file, syscalls: 'access,faccessat,faccessat2,stat,newfstatat,statx'}})
    expect(result.exitCode, result.stderr).toBe(0)
    const probes = tracedPaths(file).filter((path) => /\/dist\/bundle\/auth\/status\.c?js$/.test(path))
    expect(probes).toHaveLength(1)
  })
})
