/**
 * A D-Bus session bus that accepts a connection and never answers (a stale
 * DBUS_SESSION_BUS_ADDRESS after an SSH or tmux reattach) must not hang any command that consults
 * the OS keyring: `auth status`, `ghcr ls` without a token, `audit`'s auth part, `auth login github`,
 * `auth logout github`.
 * Before src/runtime/keyring-process.ts, @napi-rs/keyring's entry constructor blocked the main
 * thread in native code and each of these runs was killed by runCli's timeout (session 4's note).
 *
 * The bus is a unix socket server that accepts and never writes. It counts connections (each run
 * must have consulted the keyring, or the test proves nothing) and sees them close: every keyring
 * process is gone when the command has exited. Each run is bounded by runCli's kill timer, so a
 * hang fails the test instead of hanging it.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, type CliResult} from './cli.js'

// A token-shaped value that must never be printed.
const TOKEN = 'ghp_KeyringHangTestToken0123456789abcdef'
// Kill bound of each run: far above the bounds under test (2 s, 5 s), far below a hang.
const KILL_MS = 25_000

describe('a D-Bus session bus that never answers', () => {
  let dir: string
  let server: Server
  let address: string
  const sockets = new Set<Socket>()
  let accepted = 0

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regctl-mute-bus-'))
    const path = join(dir, 'bus')
    server = createServer((socket) => {
      accepted += 1
      sockets.add(socket)
      // Read and drop whatever the client says (the SASL AUTH line); never write.
      socket.on('data', () => {})
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(path, resolve))
    address = `unix:path=${path}`
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, {recursive: true, force: true})
  })

  /** Runs the CLI against the silent bus; returns its result and how many connections it made. */
  const run = async (args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult & {connections: number}> => {
    const before = accepted
    const result = await runCli(args, {env: {DBUS_SESSION_BUS_ADDRESS: address, GITHUB_API_URL: 'http://127.0.0.1:9', ...env}, timeoutMs: KILL_MS, ...(stdin === undefined ? {} : {stdin})})
    // The keyring processes were SIGKILLed: the kernel closes their end at once. Bounded by steps, not time.
    for (let step = 0; step < 100 && sockets.size > 0; step++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sockets.size, 'a keyring process outlived the command').toBe(0)
    expect(result.stdout + result.stderr).not.toContain(TOKEN)
    return {...result, connections: accepted - before}
  }

  /** The same command with no D-Bus at all: what "the keyring is unavailable" gave before. */
  const headless = async (args: string[]): Promise<CliResult> =>
    runCli(args, {env: {DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'absent')}`, GITHUB_API_URL: 'http://127.0.0.1:9'}, timeoutMs: KILL_MS})

  it('auth status answers everything else, notes the keyring in one line, and exits as without D-Bus', async () => {
    const status = await run(['auth', 'status', '--offline'])
    expect(status.connections).toBeGreaterThanOrEqual(1)
    expect(status.stdout).toContain(`  - OS keyring unavailable: the keyring did not answer within 5 s (D-Bus session bus at ${address})\n`)
    expect(status.stdout).toContain('GitHub API token (ghcr ls): none found (set GH_TOKEN or run: regctl auth login github --insecure-storage)')
    expect(status.stdout).toContain('Credential files:')
    expect(status.exitCode).toBe((await headless(['auth', 'status', '--offline'])).exitCode)

    // --json: the same note, in the result.
    const json = await run(['auth', 'status', '--offline', '--json', '--timeout', '2'])
    expect(json.exitCode).toBe(status.exitCode)
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('OS keyring unavailable: the keyring did not answer within 2 s')
  })

  it('--timeout caps the keyring bound', async () => {
    const status = await run(['auth', 'status', '--offline', '--timeout', '2'])
    expect(status.connections).toBeGreaterThanOrEqual(1)
    expect(status.stdout).toContain('OS keyring unavailable: the keyring did not answer within 2 s')
  })

  it('ghcr ls without a token fails as without D-Bus, naming the keyring that did not answer', async () => {
    const ls = await run(['ghcr', 'ls', 'octocat', '--timeout', '2'])
    expect(ls.connections).toBe(1)
    expect(ls.stderr).toContain(`OS keyring unavailable: the keyring did not answer within 2 s (D-Bus session bus at ${address})`)
    expect(ls.stderr.trim().split('\n')).toHaveLength(1)
    expect(ls.exitCode).toBe((await headless(['ghcr', 'ls', 'octocat'])).exitCode)
  })

  it('ghcr ls --deadline ends at the deadline (exit 3) while the keyring is still silent', async () => {
    const ls = await run(['ghcr', 'ls', 'octocat', '--deadline', '1'])
    expect(ls.connections).toBe(1)
    expect(ls.exitCode).toBe(3)
    expect(ls.stderr).toContain('deadline of 1 s reached')
  })

  it('audit (its auth part asks the keyring) finishes with the same report and exit code as without D-Bus', async () => {
    const repo = join(dir, 'repo')
    mkdirSync(repo, {recursive: true})
    writeFileSync(join(repo, 'Dockerfile'), 'FROM alpine:3.20\n')
    const args = ['audit', repo, '--offline', '--timeout', '1', '--json']
    const audit = await run(args)
    expect(audit.connections).toBe(1)
    const without = await headless(args)
    expect(audit.exitCode).toBe(without.exitCode)
    expect(JSON.parse(audit.stdout).findings).toEqual(JSON.parse(without.stdout).findings)
  })

  it('auth login stops before reading the token: nothing read or stored (exit 1)', async () => {
    const login = await run(['auth', 'login', 'github', '--no-verify', '--timeout', '2'], {}, `${TOKEN}\n`)
    expect(login.connections).toBe(1)
    expect(login.exitCode).toBe(1)
    expect(login.stderr).toBe(
      `regctl: OS keyring unavailable: the keyring did not answer within 2 s (D-Bus session bus at ${address}). Nothing was read or stored; set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage\n`,
    )
  })

  it('auth login --deadline and auth logout --deadline end at the deadline (exit 3); the keyring process does not outlive them', async () => {
    const login = await run(['auth', 'login', 'github', '--no-verify', '--deadline', '1'], {}, `${TOKEN}\n`)
    expect(login.connections).toBe(1)
    expect(login.exitCode).toBe(3)
    expect(login.stderr).toContain('deadline of 1 s reached before auth login finished')

    const logout = await run(['auth', 'logout', 'github', '--deadline', '1'])
    expect(logout.connections).toBe(1)
    expect(logout.exitCode).toBe(3)
    expect(logout.stderr).toContain('deadline of 1 s reached before auth logout finished')
  })
})
