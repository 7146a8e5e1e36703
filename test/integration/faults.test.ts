/**
 * Fault injection (issue 12): the built CLI against a small fault server on loopback, one case per
 * failure mode, each with its expected exit code, a kill bound on wall time (not a speed
 * assertion), no planted secret in stdout or stderr, and peak RSS ≤ 200 MiB (GNU time's
 * "Maximum resident set size").
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {HELPERLESS_PATH} from './cli.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const TOKEN = `ghp_${'F4ulT'.repeat(7)}x`
const PASSWORD = 'planted-Password-77'
const ISSUED = 'issued-bearer-token-PLANTED-0042'

type Handler = (req: IncomingMessage, res: ServerResponse, origin: string) => void
let server: Server
let origin = ''
let handler: Handler = (_req, res) => res.end()
const seen: Array<{url: string; authorization: string | undefined}> = []
let home: string

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({url: req.url ?? '', authorization: req.headers.authorization})
    handler(req, res, origin)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  home = mkdtempSync(join(tmpdir(), 'regctl-faults-'))
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  rmSync(home, {recursive: true, force: true})
})

/**
 * Runs the CLI under GNU time, asynchronously (the fault server lives in this process); the kill
 * bound is `killAfterS`.
 */
function cli(args: string[], env: Record<string, string>, killAfterS = 40): Promise<{code: number | null; out: string; stderr: string; rssKiB: number}> {
  return new Promise((resolve, reject) => {
    // timeout(1) by its path: the CLI's PATH has no directory unless a test gives one (cli.ts HELPERLESS_PATH).
    const child = spawn('/usr/bin/time', ['-v', '/usr/bin/timeout', '-s', 'KILL', String(killAfterS), process.execPath, BIN, ...args], {
      env: {PATH: HELPERLESS_PATH, HOME: home, DOCKER_CONFIG: join(home, 'docker'), REGCTL_NO_KEYRING: '1', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      // GNU time reports the child's status as its own and appends its report to stderr.
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)
      // GNU time's own "Command exited with non-zero status N" line is not the CLI's.
      const own = (stderr.split('\tCommand being timed')[0] ?? '').replace(/^Command exited with non-zero status \d+\n/m, '')
      resolve({code, out: `${stdout}\n${own}`, stderr: own, rssKiB: Number(rss?.[1] ?? 0)})
    })
  })
}

function expectClean(run: {out: string; rssKiB: number}): void {
  for (const secret of [TOKEN, PASSWORD, ISSUED, Buffer.from(`bob:${PASSWORD}`).toString('base64')]) expect(run.out).not.toContain(secret)
  expect(run.rssKiB).toBeGreaterThan(0)
  expect(run.rssKiB).toBeLessThanOrEqual(200 * 1024)
}

const github = (extra: Record<string, string> = {}) => ({GITHUB_API_URL: origin, GH_TOKEN: TOKEN, ...extra})

describe('fault injection against the built CLI', () => {
  it('a GitHub body that trickles past --timeout is unreachable (exit 3), never an empty listing', {timeout: 60_000}, async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/users/')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
      res.writeHead(200, {'content-type': 'application/json'})
      res.write('[')
      const timer = setInterval(() => res.write(' '), 200)
      res.on('close', () => clearInterval(timer))
    }
    const run = await cli(['ghcr', 'ls', 'acme', '--timeout', '1'], github())
    expect(run.code).toBe(3)
    expect(run.out).not.toMatch(/0 container packages/)
    expectClean(run)
  })

  it('a pagination Link to another origin is an error and the token never goes there', {timeout: 60_000}, async () => {
    seen.length = 0
    handler = (req, res) => {
      if (req.url?.startsWith('/users/')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
      res.writeHead(200, {'content-type': 'application/json', link: `<${origin.replace('127.0.0.1', 'localhost')}/orgs/acme/packages?page=2>; rel="next"`}).end('[]')
    }
    const run = await cli(['ghcr', 'ls', 'acme'], github())
    expect(run.code).toBe(3)
    expect(run.out).toContain('another origin')
    expect(seen.every((request) => !request.url.includes('page=2'))).toBe(true)
    expectClean(run)
  })

  it('a GitHub API that loops its Link on one page stops after one request per URL', {timeout: 60_000}, async () => {
    seen.length = 0
    handler = (req, res) => {
      if (req.url?.startsWith('/users/')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
      res.writeHead(200, {'content-type': 'application/json', link: `<${origin}${req.url}>; rel="next"`}).end('[]')
    }
    const run = await cli(['ghcr', 'ls', 'acme', '--json'], github())
    expect(run.code).toBe(0)
    expect(seen.filter((request) => request.url.includes('/packages'))).toHaveLength(1)
    expectClean(run)
  })

  it('garbage JSON from GitHub is a protocol error (exit 3), not an internal error', {timeout: 60_000}, async () => {
    handler = (_req, res) => void res.writeHead(404, {'content-type': 'application/json'}).end('5')
    const run = await cli(['ghcr', 'ls', 'acme'], github())
    expect(run.code).toBe(3)
    expect(run.out).not.toContain('internal error')
    expectClean(run)
  })

  it('a token endpoint that answers 404 NAME_UNKNOWN echoing the password is registry-error (exit 3), redacted', {timeout: 60_000}, async () => {
    handler = (req, res, base) => {
      if (req.url === '/v2/') return void res.writeHead(401, {'www-authenticate': `Bearer realm="${base}/token",service="faults"`}).end()
      if (req.url?.startsWith('/token')) {
        const basic = Buffer.from((req.headers.authorization ?? '').split(' ')[1] ?? '', 'base64').toString()
        return void res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `unknown ${basic}\n::error title=injected::x \u001B[31m`}]}))
      }

      res.writeHead(500).end()
    }
    const dir = join(home, 'docker')
    spawnSync('mkdir', ['-p', dir])
    writeFileSync(join(dir, 'config.json'), JSON.stringify({auths: {[origin.slice(7)]: {auth: Buffer.from(`bob:${PASSWORD}`).toString('base64')}}}))
    const run = await cli(['pull-check', `${origin.slice(7)}/team/app:1`], {})
    expect(run.code).toBe(3)
    expect(run.out).toContain('registry-error')
    expect(run.out).toContain(`token request to ${origin.slice(7)}`)
    expect(run.out).not.toMatch(/\n::error/)
    expect(run.out).not.toContain('\u001B[31m')
    expectClean(run)
    rmSync(join(dir, 'config.json'))
  })

  it('a registry that echoes the issued bearer token in a 404 does not get it printed', {timeout: 60_000}, async () => {
    handler = (req, res, base) => {
      if (req.url === '/v2/') return void res.writeHead(401, {'www-authenticate': `Bearer realm="${base}/token",service="faults"`}).end()
      if (req.url?.startsWith('/token')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({token: ISSUED}))
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `no repo for ${req.headers.authorization ?? ''}`}]}))
    }
    for (const json of [[], ['--json']]) {
      const run = await cli(['pull-check', `${origin.slice(7)}/team/app:1`, ...json], {})
      expect(run.code).toBe(1)
      expectClean(run)
    }
  })

  it('a FIFO as config.json is a config error (exit 2), not a hang', {timeout: 60_000}, async () => {
    const dir = mkdtempSync(join(home, 'fifo-'))
    spawnSync('mkfifo', [join(dir, 'config.json')])
    const run = await cli(['pull-check', `${origin.slice(7)}/team/app:1`], {DOCKER_CONFIG: dir}, 20)
    expect(run.code).toBe(2)
    expect(run.out).toContain('a FIFO, not a regular file')
    expectClean(run)
  })

  // Issue 12: "GitHub API closes every connection → exit 13 with nothing printed". Every failure
  // path settles: unreachable (exit 3) with one error line on stderr (besides the note naming the
  // token's source). `auth status` does not call the GitHub API, so only `ghcr ls` is exercised.
  it('a GitHub API that destroys every connection: ghcr ls OWNER is unreachable (exit 3), one error line', {timeout: 60_000}, async () => {
    handler = (req) => void req.socket.destroy()
    const run = await cli(['ghcr', 'ls', 'acme', '--timeout', '3'], github(), 40)
    expect(run.code).toBe(3)
    const errors = run.stderr.trim().split('\n').filter((line) => !line.startsWith('regctl: using the classic token'))
    expect(errors, run.stderr).toHaveLength(1)
    expect(errors[0]).toContain('/users/acme')
    expect(run.stderr).not.toContain('internal error')
    expectClean(run)
  })

  /** A credHelpers entry for the fault server whose helper prints its Secret (stdout JSON and stderr) and exits 1. */
  const leakyHelper = (): Record<string, string> => {
    const bin = mkdtempSync(join(home, 'helper-'))
    writeFileSync(join(bin, 'docker-credential-leaky'), `#!/bin/sh\necho '{"ServerURL":"x","Username":"bob","Secret":"${PASSWORD}"}'\necho "${PASSWORD}" >&2\nexit 1\n`, {mode: 0o755})
    const config = mkdtempSync(join(home, 'helper-config-'))
    writeFileSync(join(config, 'config.json'), JSON.stringify({credHelpers: {[origin.slice(7)]: 'leaky'}}))
    handler = (req, res, base) => {
      if (req.url === '/v2/') return void res.writeHead(401, {'www-authenticate': `Bearer realm="${base}/token",service="faults"`}).end()
      res.writeHead(401).end()
    }
    return {DOCKER_CONFIG: config, PATH: bin}
  }

  it('a credential helper that prints its JSON with Secret on stdout and exits 1 is not quoted with the secret by pull-check', {timeout: 60_000}, async () => {
    const env = leakyHelper()
    for (const json of [[], ['--json']]) {
      const run = await cli(['pull-check', `${origin.slice(7)}/team/app:1`, ...json], env)
      // credential-error, undetermined: docker 29+ stops the pull at the helper's error (docker/cli ad776d1e10).
      expect(run.code).toBe(3)
      expect(run.out).not.toContain('internal error')
      expectClean(run)
    }
  })

  it('the same helper is not quoted with the secret by auth status --registry', {timeout: 60_000}, async () => {
    const env = leakyHelper()
    for (const json of [[], ['--json']]) {
      const run = await cli(['auth', 'status', '--registry', origin.slice(7), ...json], env)
      // No usable login for the registry asked about.
      expect(run.code).toBe(1)
      expect(run.out).not.toContain('internal error')
      expectClean(run)
    }
  })

  it('pull-check https://user:password@host/x never echoes the password', {timeout: 60_000}, async () => {
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'MANIFEST_UNKNOWN', message: 'no such manifest'}]}))
    }
    for (const json of [[], ['--json']]) {
      const run = await cli(['pull-check', `https://bob:${PASSWORD}@${origin.slice(7)}/team/app:1`, ...json], {})
      // A URL is not an image reference: invalid-reference, a usage error (2), with the userinfo redacted.
      expect(run.code).toBe(2)
      expect(run.out).toContain('bob:REDACTED@')
      expect(run.out).not.toContain('internal error')
      expectClean(run)
    }
  })

  it('under GITHUB_ACTIONS=true, a registry message with "\\n::error" and ESC cannot start an annotation line', {timeout: 90_000}, async () => {
    const injected = `nope\n::error title=injected::x \u001B[31mred\u001B]0;title\u0007`
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: injected}]}))
    }
    const repo = mkdtempSync(join(home, 'actions-'))
    writeFileSync(join(repo, 'Dockerfile'), `FROM ${origin.slice(7)}/team/app:1\n`)
    writeFileSync(join(repo, '.dockerignore'), '.git\n')
    const env = {GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repo}
    for (const args of [['audit', repo, '--no-credentials'], ['pull-check', `${origin.slice(7)}/team/app:1`]]) {
      const run = await cli(args, env)
      expect(run.code, args[0]).toBe(1)
      expect(run.out.split('\n').filter((line) => line.startsWith('::error title=injected'))).toEqual([])
      expect(run.out).not.toContain('\u001B')
      expect(run.out).not.toContain('\u0007')
      expectClean(run)
    }
  })

  // Issue 12, "Timeouts multiply": --timeout is per request; --deadline bounds the whole run.
  it('--deadline: a registry that never answers ends pull-check at the deadline, unreachable (exit 3), one line saying how far it got', {timeout: 60_000}, async () => {
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
      // Manifests: never answered.
    }
    // The kill bound (20 s) is far below the 60 s request timeout: only the deadline can end it in time.
    const run = await cli(['pull-check', `${origin.slice(7)}/team/a:1`, `${origin.slice(7)}/team/b:1`, '--timeout', '60', '--deadline', '2'], {}, 20)
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('deadline of 2 s reached after 0 of 2 images; the rest is undetermined (--deadline)')
    expect(run.out).toMatch(/team\/a:1\s+! unreachable/)
    expectClean(run)
  })

  it('--deadline (REGCTL_DEADLINE): a GitHub API that stalls ends ghcr ls at the deadline, exit 3, never a listing', {timeout: 60_000}, async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/users/')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
      // The packages page: never answered.
    }
    for (const json of [[], ['--json']]) {
      const run = await cli(['ghcr', 'ls', 'acme', '--timeout', '60', ...json], github({REGCTL_DEADLINE: '2'}), 20)
      expect(run.code).toBe(3)
      expect(run.out).toContain('deadline of 2 s reached after 2 GitHub API requests sent')
      expect(run.out).not.toMatch(/container packages/)
      expectClean(run)
    }
  })

  it('--deadline: audit whose image check stalls is undetermined (exit 3), not a clean run', {timeout: 60_000}, async () => {
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
    }
    const repo = mkdtempSync(join(home, 'deadline-'))
    writeFileSync(join(repo, 'Dockerfile'), `FROM ${origin.slice(7)}/team/app:1\n`)
    writeFileSync(join(repo, '.dockerignore'), '.git\n')
    const run = await cli(['audit', repo, '--no-credentials', '--deadline', '2', '--timeout', '60'], {}, 20)
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('deadline of 2 s reached after 0 of 1 images')
    expectClean(run)
  })

  // Issue 12, "Text from servers is data": strings a server chose (tag names, package names) and
  // lines of an input file reach the terminal as one inert line each: no ESC, no line of ours
  // that GitHub Actions would run as a workflow command.
  const INJECTED = `x\n::error title=injected::pwned \u001B[31mred\u001B]0;title\u0007`
  const inert = (run: {out: string}): void => {
    expect(run.out.split('\n').filter((line) => line.startsWith('::error title=injected'))).toEqual([])
    expect(run.out).not.toContain('\u001B')
    expect(run.out).not.toContain('\u0007')
  }

  it('tag names with ESC and "\\n::error" from a registry (ghcr ls --source registry) are printed inert', {timeout: 60_000}, async () => {
    // docker-registry cannot store such tags; the fault server lists them (distribution spec, tags/list).
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
      if (req.url?.startsWith('/v2/acme/app/tags/list')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({name: 'acme/app', tags: ['1.0', INJECTED, '::warning::pwned2']}))
      res.writeHead(404).end()
    }
    for (const args of [[], ['-q']]) {
      const run = await cli(['ghcr', 'ls', 'acme/app', '--source', 'registry', ...args], {REGCTL_GHCR_REGISTRY: origin.slice(7), GITHUB_ACTIONS: 'true'})
      expect(run.code).toBe(0)
      expect(run.out).toContain('1.0')
      // Folded onto one line; a tag that starts with `::` is escaped.
      expect(run.out).toContain('x ::error title=injected::pwned red')
      expect(run.out).toMatch(/^\\::warning::pwned2/m)
      expect(run.out).not.toMatch(/^::warning::pwned2/m)
      inert(run)
      expectClean(run)
    }
  })

  it('a package name with ESC and "\\n::error" from the GitHub API is printed inert', {timeout: 60_000}, async () => {
    // A package object as GitHub's OpenAPI describes it (GET /orgs/{org}/packages), name chosen by the server.
    handler = (req, res) => {
      if (req.url?.startsWith('/users/')) return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({login: 'acme', type: 'Organization'}))
      res.writeHead(200, {'content-type': 'application/json'}).end(
        JSON.stringify([{id: 1, name: INJECTED, package_type: 'container', visibility: 'public', url: `${origin}/orgs/acme/packages/container/x`, html_url: 'https://github.com/orgs/acme/packages/container/package/x', created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-02T00:00:00Z', owner: {login: 'acme', id: 2, type: 'Organization'}, version_count: 1}]),
      )
    }
    for (const args of [[], ['-q']]) {
      const run = await cli(['ghcr', 'ls', 'acme', ...args], github({GITHUB_ACTIONS: 'true'}))
      expect(run.code).toBe(0)
      expect(run.out).toContain('pwned')
      inert(run)
      expectClean(run)
    }
  })

  it('a Dockerfile line with ESC and a workflow command is reported inert (table, markdown, annotations)', {timeout: 60_000}, async () => {
    const repo = mkdtempSync(join(home, 'esc-'))
    // The FROM line's image is quoted in the image table; the ENV line is a finding (an annotation).
    writeFileSync(join(repo, 'Dockerfile'), `FROM alpine:3.20\nFROM busybox\u001B[31m\n::error title=injected::pwned\u001B]0;t\u0007:1 AS x\nENV GITHUB_TOKEN=${TOKEN} \u001B]0;title\u0007\u001B[31m\nCOPY . .\n`)
    for (const format of ['table', 'markdown']) {
      const run = await cli(['audit', repo, '--offline', '--no-credentials', '--format', format, '--no-color'], {GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repo})
      expect(run.code, format).toBe(1)
      expect(run.out).toContain('busybox')
      // Our own annotations stay (after a table report).
      if (format === 'table') expect(run.out).toMatch(/^::error file=Dockerfile,line=\d+,title=dockerfile\/secret-in-env::/m)
      inert(run)
      expectClean(run)
    }
  })

  // Issue 12, "Secrets printed": a credential is redacted wherever it shows up, not only in the
  // answer to the request that carried it.
  it('a bearer token issued for repository A, echoed in the error for repository B, is not printed', {timeout: 60_000}, async () => {
    let lastIssued = ''
    handler = (req, res, base) => {
      if (req.url === '/v2/') return void res.writeHead(401, {'www-authenticate': `Bearer realm="${base}/token",service="faults"`}).end()
      if (req.url?.startsWith('/token')) {
        const scope = new URL(req.url, base).searchParams.get('scope') ?? ''
        lastIssued = `${ISSUED}-${scope.includes('team/a') ? 'AAAA' : 'BBBB'}`
        return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({token: lastIssued}))
      }

      if (!req.headers.authorization) return void res.writeHead(401, {'www-authenticate': `Bearer realm="${base}/token",service="faults",scope="repository:${req.url?.split('/manifests')[0]?.slice(4)}:pull"`}).end()
      if (req.url?.startsWith('/v2/team/a/')) return void res.writeHead(200, {'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'a'.repeat(64)}`, 'content-length': '2'}).end()
      // B's error quotes the token issued for A (a shared cache gone wrong, a logging proxy).
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `seen ${ISSUED}-AAAA and ${ISSUED}-BBBB`}]}))
    }
    for (const json of [[], ['--json']]) {
      const run = await cli(['pull-check', `${origin.slice(7)}/team/a:1`, `${origin.slice(7)}/team/b:1`, '--concurrency', '1', ...json], {})
      expect(run.code).toBe(1)
      expect(run.out).toContain('NAME_UNKNOWN')
      expect(run.out).not.toContain('AAAA')
      expect(run.out).not.toContain('BBBB')
      expectClean(run)
    }
  })

  it('a password from config.json for one host, echoed by another host\'s error, is not printed', {timeout: 60_000}, async () => {
    // Two hosts on one server: 127.0.0.1:PORT holds the login, localhost:PORT is the image's registry.
    const config = mkdtempSync(join(home, 'other-host-'))
    writeFileSync(join(config, 'config.json'), JSON.stringify({auths: {[origin.slice(7)]: {auth: Buffer.from(`bob:${PASSWORD}`).toString('base64')}}}))
    handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end()
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `not here; try bob / ${PASSWORD}`}]}))
    }
    const other = origin.slice(7).replace('127.0.0.1', 'localhost')
    for (const json of [[], ['--json']]) {
      const run = await cli(['pull-check', `${other}/team/app:1`, ...json], {DOCKER_CONFIG: config})
      expect(run.code).toBe(1)
      expect(run.out).toContain('NAME_UNKNOWN')
      expect(run.out).toContain('REDACTED')
      expectClean(run)
    }
  })

  // Issue 12, "Stack overflows": a 70 KB Compose file a fuzzer found overflowed the yaml parser's
  // stack and lost the whole audit. Reproduced with deep flow nesting, unclosed and closed.
  it('a 70 KB Compose file nested past the YAML parser\'s stack is a finding on that file; the audit goes on', {timeout: 60_000}, async () => {
    const repo = mkdtempSync(join(home, 'compose-'))
    writeFileSync(join(repo, 'compose.yaml'), `services:\n  app:\n    image: ${'['.repeat(70_000)}\n`)
    writeFileSync(join(repo, 'docker-compose.yml'), `services:\n  db:\n    image: ${'{a: '.repeat(9000)}1${'}'.repeat(9000)}\n`)
    writeFileSync(join(repo, 'compose.override.yaml'), `services:\n  web:\n    image: nginx:1.27\n    x: ${'['.repeat(9000)}${']'.repeat(9000)}\n`)
    writeFileSync(join(repo, 'Dockerfile'), 'FROM alpine:3.20\n')
    const run = await cli(['audit', repo, '--offline', '--no-credentials', '--json'], {}, 40)
    expect(run.code).toBe(0)
    const report = JSON.parse(run.out.slice(0, run.out.lastIndexOf('}') + 1)) as {findings: Array<{ruleId: string; location?: {file: string}; message: string}>; images: Array<{image: string}>}
    const bound = report.findings.filter((finding) => finding.ruleId === 'repo/input-bound')
    expect(bound.map((finding) => finding.location?.file).sort()).toEqual(['compose.override.yaml', 'compose.yaml', 'docker-compose.yml'])
    for (const finding of bound) expect(finding.message).toContain('nested more than 256 deep')
    // The rest of the repository was still audited.
    expect(report.images.map((image) => image.image)).toContain('alpine:3.20')
    expectClean(run)
  })

  it('--timeout 99999999 is a usage error (exit 2), never an immediate false timeout', {timeout: 60_000}, async () => {
    seen.length = 0
    const run = await cli(['pull-check', `${origin.slice(7)}/team/app:1`, '--timeout', '99999999'], {})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--timeout')
    expect(run.out).not.toMatch(/timed out/)
    expect(seen).toEqual([])
    expectClean(run)
  })
})
