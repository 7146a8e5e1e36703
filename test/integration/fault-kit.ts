/**
 * The fault suite's shared kit (issue 12): a small fault server on loopback whose answer each
 * case sets, and a runner for the built CLI under GNU time (`/usr/bin/time -v`) and a kill bound
 * (`timeout -s KILL`), so every case gets its exit code, its output and the child's peak RSS
 * ("Maximum resident set size", which GNU time takes from wait4's rusage: the largest process
 * of the tree it waited for, here node).
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'vitest'

import {HELPERLESS_PATH} from './cli.js'
import {SCRIPT} from './terminal.js'

/** The built CLI. */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
/** Secrets planted in configs, environments and server answers; none may be printed. */
export const TOKEN = `ghp_${'F4ulT'.repeat(7)}x`
export const PASSWORD = 'planted-Password-77'
export const ISSUED = 'issued-bearer-token-PLANTED-0042'
/** Peak RSS bound of every fault case (issue 12, "Done when"). */
export const MAX_RSS_KIB = 200 * 1024

/** One request as the fault server saw it. */
export type Seen = {method: string; url: string; authorization: string | undefined}
/** How the fault server answers; `origin` is its own `http://127.0.0.1:PORT`. */
export type Handler = (req: IncomingMessage, res: ServerResponse, origin: string) => void
/** One CLI run: exit code (null when killed), stdout + the CLI's stderr, the CLI's stderr, peak RSS. */
export type FaultRun = {code: number | null; signal: NodeJS.Signals | null; out: string; stderr: string; rssKiB: number}

/** A fault server plus a scratch HOME; `handle` sets the answer of the next requests. */
export type FaultServer = {
  origin: string
  /** `127.0.0.1:PORT`, the registry host of the fault server. */
  host: string
  home: string
  seen: Seen[]
  server: Server
  handle: (handler: Handler) => void
  close: () => Promise<void>
}

/** Starts the fault server on an ephemeral loopback port and makes a scratch HOME. */
export async function startFaultServer(): Promise<FaultServer> {
  let handler: Handler = (_req, res) => res.end()
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    seen.push({method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization})
    handler(req, res, origin)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const home = mkdtempSync(join(tmpdir(), 'regctl-faults-'))
  return {
    origin,
    host: origin.slice('http://'.length),
    home,
    seen,
    server,
    handle: (next) => void (handler = next),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      rmSync(home, {recursive: true, force: true})
    },
  }
}

/**
 * Runs `bin/run.js ARGS` (or, with `terminal`, `script(1)` around it: a pseudo-terminal, stdout
 * and stderr merged) under GNU time and a kill bound of `killAfterS` seconds: a bound on a hang,
 * not a speed assertion. The environment is only PATH (no directory unless `env` names one), the
 * scratch HOME, an empty DOCKER_CONFIG and `env`; stdin is `stdin` when given, else nothing.
 */
export function runCli(home: string, args: string[], env: Record<string, string> = {}, options: {killAfterS?: number; terminal?: boolean; stdin?: string} = {}): Promise<FaultRun> {
  const killAfterS = options.killAfterS ?? 40
  const command = [process.execPath, BIN, ...args]
  const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`
  const inner = options.terminal ? [SCRIPT, '--quiet', '--return', '--command', command.map((arg) => quote(arg)).join(' '), '/dev/null'] : command
  return new Promise((resolve, reject) => {
    // timeout(1) and script(1) by their paths: the CLI's PATH has no directory unless a test gives
    // one, so no docker credential helper and no docker implicit store (cli.ts HELPERLESS_PATH).
    const child = spawn('/usr/bin/time', ['-v', '/usr/bin/timeout', '-s', 'KILL', String(killAfterS), ...inner], {
      env: {PATH: HELPERLESS_PATH, HOME: home, DOCKER_CONFIG: join(home, 'docker'), REGCTL_NO_KEYRING: '1', ...env},
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const err = Buffer.concat(stderr).toString()
      // GNU time reports the child's status as its own and appends its report to stderr.
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)
      const killed = /Command terminated by signal (\d+)/.exec(err)
      // GNU time's own "Command exited with non-zero status N" line is not the CLI's.
      const own = (err.split('\tCommand being timed')[0] ?? '').replace(/^Command (exited with non-zero status|terminated by signal) \d+\n/m, '')
      const out = Buffer.concat(stdout).toString().replaceAll('\r\n', '\n')
      resolve({code: killed ? null : code, signal: killed ? 'SIGKILL' : null, out: `${out}\n${own}`, stderr: own, rssKiB: Number(rss?.[1] ?? 0)})
    })
  })
}

/** No planted secret (nor the base64 `auth` pair) printed; peak RSS measured and ≤ 200 MiB. */
export function expectClean(run: FaultRun, extraSecrets: string[] = []): void {
  for (const secret of [TOKEN, PASSWORD, ISSUED, Buffer.from(`bob:${PASSWORD}`).toString('base64'), ...extraSecrets]) expect(run.out).not.toContain(secret)
  expect(run.rssKiB, 'peak RSS was not measured').toBeGreaterThan(0)
  expect(run.rssKiB, `peak RSS ${run.rssKiB} KiB`).toBeLessThanOrEqual(MAX_RSS_KIB)
}

/** A GitHub user lookup (`GET /users/{username}`, OpenAPI users/get-by-username) answered for `acme`. */
export function answerUser(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.url?.startsWith('/users/')) return false
  res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
  return true
}
