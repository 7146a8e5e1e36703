/**
 * Progress on stderr for `auth status`, `audit` and `ghcr ls` (issue 13), in a real pseudo-terminal
 * (script(1), test/integration/terminal.ts) against a registry that stalls: a loopback TCP server
 * that accepts and never answers, so every request waits out `--timeout 2` (bounded: the server
 * drops each connection after 20 s, and runs have runCli's/runInTerminal's time limit).
 * The progress line appears for the wait (over a second) on a terminal, with NO_COLOR too and then
 * without colour; never in a pipe, under --json, --jq, -q, CI or TERM=dumb; and it is erased before
 * the report: the final screen is exactly the report's, with no residue of the progress line.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {HELPERLESS_PATH, runCli} from './cli.js'
import {runInTerminal, screen} from './terminal.js'

const ERASE = '\r\u001B[2K'
// eslint-disable-next-line no-control-regex -- an SGR (colour) escape is what this looks for
const COLOUR = /\u001B\[[0-9;]*m/
const dir = mkdtempSync(join(tmpdir(), 'regctl-it-progress-'))
const sockets = new Set<Socket>()
let server: Server
let registry = ''
let project = ''

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket)
    socket.setTimeout(20_000, () => socket.destroy())
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  registry = `127.0.0.1:${address.port}`
  project = join(dir, 'project')
  mkdirSync(project)
  writeFileSync(join(project, 'Dockerfile'), `FROM ${registry}/app:1.0\n`)
  writeFileSync(join(project, '.dockerignore'), '.git\n')
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const dockerConfig = (): unknown => ({auths: {[registry]: {auth: Buffer.from('user:password').toString('base64')}}})
// No credential helper on PATH: this machine's docker-credential-secretservice has no D-Bus, and
// docker's implicit store would make the image credential-error (cli.ts HELPERLESS_PATH).
const quiet = {PATH: HELPERLESS_PATH, REGCTL_NO_KEYRING: '1'}

/**
 * The checks every terminal run with progress passes: the line was drawn (`shown`), the final screen
 * is the report's alone (what follows the last erase), and no carriage return is left but the erases'.
 */
function expectErasedProgress(output: string, shown: RegExp, action: string): void {
  expect(output).toMatch(shown)
  const report = output.slice(output.lastIndexOf(ERASE) + ERASE.length)
  expect(report).not.toContain(action)
  expect(screen(output)).toEqual(screen(report))
  expect(screen(output).join('\n')).not.toContain(action)
  expect(output.replaceAll(ERASE, '')).not.toContain('\r')
}

describe('auth status progress', () => {
  const args = (): string[] => ['auth', 'status', '--registry', registry, '--timeout', '2', '--fail-on', 'never']

  it('on a terminal: "Checking logins… 0/1 registries" while the registry stalls, erased before the report', async () => {
    const result = await runInTerminal(args(), {dockerConfig: dockerConfig(), env: {...quiet, COLUMNS: '120'}})
    // Unreachable: the login is not verified, undetermined (exit 3) whatever --fail-on says.
    expect(result.exitCode, result.stdout).toBe(3)
    expectErasedProgress(result.stdout, /Checking logins… 0\/1 registries/, 'Checking logins')
    expect(screen(result.stdout)[0]).toMatch(new RegExp(`^Registry logins|${registry.replaceAll('.', '\\.')}`))
    // Colour is on here (TERM=xterm-256color, no NO_COLOR): the NO_COLOR run below can tell.
    expect(result.stdout).toMatch(COLOUR)
  })

  it('NO_COLOR: the same progress, and no colour anywhere', async () => {
    const result = await runInTerminal(args(), {dockerConfig: dockerConfig(), env: {...quiet, NO_COLOR: '1'}})
    expectErasedProgress(result.stdout, /Checking logins… 0\/1 registries/, 'Checking logins')
    expect(result.stdout).not.toMatch(COLOUR)
  })

  it('never in a pipe, under --json or --jq, with CI=true or TERM=dumb', async () => {
    const piped = await runCli(args(), {dockerConfig: dockerConfig(), env: {...quiet, NO_COLOR: undefined, TERM: 'xterm-256color'}})
    expect(piped.stderr).not.toContain('Checking logins')
    expect(piped.stderr).not.toContain('\u001B')
    const runs = await Promise.all([
      runInTerminal([...args(), '--json'], {dockerConfig: dockerConfig(), env: quiet}),
      runInTerminal([...args(), '--jq', '.exitCode'], {dockerConfig: dockerConfig(), env: quiet}),
      runInTerminal(args(), {dockerConfig: dockerConfig(), env: {...quiet, CI: 'true'}}),
      runInTerminal(args(), {dockerConfig: dockerConfig(), env: {...quiet, TERM: 'dumb'}}),
    ])
    for (const [index, run] of runs.entries()) {
      const name = ['--json', '--jq', 'CI=true', 'TERM=dumb'][index]
      expect(run.exitCode, `${name}\n${run.stdout}`).toBe(3)
      expect(run.stdout, name).toContain(name === '--jq' ? '3' : registry)
      expect(run.stdout, name).not.toContain('Checking logins')
      expect(run.stdout, name).not.toContain(ERASE)
    }
  })
})

describe('audit progress', () => {
  const args = (): string[] => ['audit', project, '--no-credentials', '--timeout', '2']

  it('on a terminal: entries scanned and "0/1 image checked" while the image check stalls, erased before the report', async () => {
    const result = await runInTerminal(args(), {env: {...quiet, COLUMNS: '120'}})
    expect(result.stdout).toContain('! unreachable')
    expectErasedProgress(result.stdout, /Auditing… 2 entries scanned, 0\/1 image checked/, 'Auditing')
    expect(screen(result.stdout)[0]).toBe(`regctl audit ${project}`)
  })

  it('NO_COLOR: the same progress, and no colour anywhere', async () => {
    const result = await runInTerminal(args(), {env: {...quiet, NO_COLOR: '1'}})
    expectErasedProgress(result.stdout, /Auditing… 2 entries scanned/, 'Auditing')
    expect(result.stdout).not.toMatch(COLOUR)
  })

  it('never in a pipe, under --json, --jq or -q, with CI=true or TERM=dumb', async () => {
    const piped = await runCli(args(), {env: {...quiet, NO_COLOR: undefined, TERM: 'xterm-256color'}})
    expect(piped.stdout).toContain('unreachable')
    expect(piped.stderr).not.toContain('Auditing')
    expect(piped.stderr).not.toContain('\u001B')
    const variants: Array<[string, string[], Record<string, string>]> = [
      ['--json', ['--json'], {}],
      ['--jq', ['--jq', '.exitCode'], {}],
      ['-q', ['-q'], {}],
      ['CI=true', [], {CI: 'true'}],
      ['TERM=dumb', [], {TERM: 'dumb'}],
    ]
    const runs = await Promise.all(variants.map(([, extra, env]) => runInTerminal([...args(), ...extra], {env: {...quiet, ...env}})))
    for (const [index, run] of runs.entries()) {
      const name = variants[index]![0]
      // Progress changes nothing else: the verdict is the pipe's.
      expect(run.exitCode, `${name}\n${run.stdout}`).toBe(piped.exitCode)
      expect(run.stdout, name).not.toContain('Auditing')
      expect(run.stdout, name).not.toContain(ERASE)
    }
  })
})

describe('ghcr ls progress', () => {
  // The stalling server as the GitHub API (plain HTTP is allowed to loopback only): every request
  // waits out --timeout 1, and the one retry of a transport failure too.
  const args = (): string[] => ['ghcr', 'ls', 'acme', '--timeout', '1']
  const github = (): Record<string, string> => ({...quiet, GITHUB_API_URL: `http://${registry}`, GH_TOKEN: `ghp_${'P'.repeat(36)}`})

  it('on a terminal: "Listing… page 1" while GitHub stalls, erased before the error', async () => {
    const result = await runInTerminal(args(), {env: {...github(), COLUMNS: '120'}})
    expect(result.exitCode, result.stdout).toBe(3)
    expect(result.stdout).toMatch(/Listing… page 1/)
    // The token line came before the progress; the final screen is it and the error, no residue.
    expect(screen(result.stdout)).toEqual(['regctl: using the classic token from GH_TOKEN (ghp_…PPPP)', expect.stringMatching(/^regctl: timed out after 1000 ms: http:\/\/127\.0\.0\.1:\d+\/users\/acme$/), ''])
    expect(result.stdout.replaceAll(ERASE, '')).not.toContain('\r')
  })

  it('never in a pipe, under --json or -q, with CI=true or TERM=dumb', async () => {
    const piped = await runCli(args(), {env: {...github(), TERM: 'xterm-256color'}})
    expect(piped.exitCode, piped.stderr).toBe(3)
    expect(piped.stderr).not.toContain('Listing')
    const variants: Array<[string, string[], Record<string, string>]> = [
      ['--json', ['--json'], {}],
      ['-q', ['-q'], {}],
      ['CI=true', [], {CI: 'true'}],
      ['TERM=dumb', [], {TERM: 'dumb'}],
    ]
    const runs = await Promise.all(variants.map(([, extra, env]) => runInTerminal([...args(), ...extra], {env: {...github(), ...env}})))
    for (const [index, run] of runs.entries()) {
      const name = variants[index]![0]
      expect(run.exitCode, `${name}\n${run.stdout}`).toBe(3)
      expect(run.stdout, name).not.toContain('Listing')
      expect(run.stdout, name).not.toContain(ERASE)
    }
  })
})
