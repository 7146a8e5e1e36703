/**
 * `regctl ghcr ls` end to end: the built CLI (`node bin/run.js`, so run `npm run build` first, as
 * scripts/test.sh does) against a fake GitHub API on loopback HTTPS, with a self-signed
 * certificate made by openssl and trusted through NODE_EXTRA_CA_CERTS, reached via GITHUB_API_URL.
 * Self-contained: it does not use the registries of the integration globalSetup.
 */
import {execFile, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {createServer as createHttpServer, type IncomingMessage} from 'node:http'
import {connect, type AddressInfo, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {startFakeGitHub, TOKENS, type FakeGitHub} from '../fixtures/github/server.js'

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname)
const RUN = path.join(ROOT, 'bin', 'run.js')

type Result = {stdout: string; stderr: string; exitCode: number | null; ms: number}

let dir: string
let server: FakeGitHub
let caFile: string

/** Spawns the CLI (asynchronously: the fake server lives in this process) with a clean environment. */
function regctl(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Result> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        NODE_EXTRA_CA_CERTS: caFile,
        GITHUB_API_URL: server.url,
        REGCTL_GHCR_REGISTRY: server.host,
        REGCTL_NO_KEYRING: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({stdout, stderr, exitCode, ms: Date.now() - started})
    })
  })
}

function json<T = Record<string, unknown>>(result: Result): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.exitCode}):\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  }
}

beforeAll(async () => {
  const manifest = path.join(ROOT, 'oclif.manifest.json')
  if (!existsSync(path.join(ROOT, 'dist', 'commands', 'ghcr', 'ls.js')) || !readFileSync(manifest, 'utf8').includes('"ghcr:ls"')) {
    throw new Error('the built CLI has no ghcr ls: run `npm run build` first (scripts/test.sh does)')
  }

  dir = await mkdtemp(path.join(tmpdir(), 'regctl-ghcr-it-'))
  const key = path.join(dir, 'key.pem')
  caFile = path.join(dir, 'cert.pem')
  // A self-signed certificate for 127.0.0.1 (it is its own CA), valid for a day.
  await promisify(execFile)(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    {timeout: 30_000},
  )
  server = await startFakeGitHub({key: await readFile(key, 'utf8'), cert: await readFile(caFile, 'utf8')})
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (dir) await rm(dir, {recursive: true, force: true})
})

beforeEach(() => {
  server.reset()
})

describe('-v/--verbose', () => {
  it('one stderr line per GitHub request and response, with the rate-limit headers; the token never', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme', '--org', '-v', '--json'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('regctl: > ') || line.startsWith('regctl: < '))
    expect(lines.filter((line) => line.startsWith('regctl: > GET https://127.0.0.1:'))).toHaveLength(2)
    const responses = lines.filter((line) => line.startsWith('regctl: < 200 GET '))
    expect(responses).toHaveLength(2)
    for (const line of responses) {
      expect(line).toMatch(/\/orgs\/acme\/packages.* \(\d+ ms\); .*x-ratelimit-remaining: \d+/)
    }

    expect(result.stderr).not.toContain(TOKENS.good)
    expect(result.stdout).not.toContain('regctl: >')
    JSON.parse(result.stdout)
  })
})

describe('pagination against the fake API', () => {
  it('an owner with 137 packages: one owner lookup and exactly 2 pages of 100', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme', '--json'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{packages: Array<{name: string}>; ownerType: string; rateLimit: {remaining: number; limit: number; reset: string}; auth: unknown}>(result)
    expect(doc.packages).toHaveLength(137)
    expect(doc.packages.at(-1)?.name).toBe('tools/cli')
    expect(doc.ownerType).toBe('organization')
    expect(doc.auth).toEqual({source: 'GH_TOKEN', tokenKind: 'classic', redacted: 'ghp_…good'})
    expect(server.count('/users/acme')).toBe(1)
    expect(server.count('/orgs/acme/packages')).toBe(2)
    expect(server.requests.filter((r) => r.path === '/orgs/acme/packages').map((r) => [r.query['page'] ?? '1', r.query['per_page']])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ])
    expect(server.requests).toHaveLength(3)
    expect(doc.rateLimit).toEqual({limit: 5000, remaining: 4997, reset: '2030-03-17T17:46:40.000Z'})
    expect(result.stdout + result.stderr).not.toContain(TOKENS.good)
  })

  it('a package with 250 versions: exactly 3 pages', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--org', '--json'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{versions: Array<{digest: string; tags: string[]}>; truncated: boolean}>(result)
    expect(doc.versions).toHaveLength(250)
    expect(new Set(doc.versions.map((v) => v.digest)).size).toBe(250)
    expect(doc.versions[0]?.tags).toEqual(['1.0.1000', 'latest'])
    expect(doc.truncated).toBe(false)
    expect(server.count('/orgs/acme/packages/container/app/versions')).toBe(3)
    expect(server.requests).toHaveLength(3)
  })

  it('--limit 150 stops after 2 of the 3 pages', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--org', '--limit', '150', '--json'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{versions: unknown[]; truncated: boolean}>(result)
    expect(doc.versions).toHaveLength(150)
    expect(doc.truncated).toBe(true)
    expect(server.requests).toHaveLength(2)
  })

  it('a package name with "/" is sent as %2F', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/tools/cli', '--json'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(json<{versions: unknown[]; package: string}>(result)).toMatchObject({package: 'tools/cli', versions: expect.any(Array)})
    expect(server.requests.map((r) => r.path)).toEqual(['/users/acme', '/orgs/acme/packages/container/tools%2Fcli/versions'])
  })

  it('human output in a pipe: 45 tab-separated rows; the summary line and quota on stderr', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme', '--org', '--visibility', 'private'], {GH_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(45)
    for (const line of lines) expect(line.split('\t')).toHaveLength(4)
    expect(server.requests.map((r) => r.query['visibility'])).toEqual(['private'])
    expect(result.stderr).toBe('regctl: using the classic token from GH_TOKEN (ghp_…good)\n45 container packages listed for acme; API quota 4999/5000, resets 2030-03-17 17:46Z\n')
  })

  it('--with-tags: one extra request per package', async () => {
    const result = await regctl(['ghcr', 'ls', '--json', '--with-tags'], {GITHUB_TOKEN: TOKENS.good})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{ownerType: string; packages: Array<{newestTags?: string[]}>}>(result)
    expect(doc.ownerType).toBe('authenticated-user')
    expect(doc.packages).toHaveLength(3)
    expect(doc.packages[0]?.newestTags).toEqual(['1.0.1000', 'latest', '1.0.999'])
    expect(server.count('/user/packages')).toBe(1)
    expect(server.requests).toHaveLength(4)
  })
})

describe('errors and exit codes', () => {
  it.each<[string, string[], Record<string, string>, number, string]>([
    ['401: bad or expired token', ['acme'], {GH_TOKEN: TOKENS.expired}, 1, 'GitHub rejected the classic token from GH_TOKEN (ghp_…expd): bad credentials'],
    ['403: the read:packages scope is missing', ['acme', '--org'], {GH_TOKEN: TOKENS.noScope}, 1, 'lacks the read:packages scope (it has: repo, gist). Run `gh auth refresh -s read:packages`'],
    ['403: a fine-grained token', ['acme', '--org'], {GH_TOKEN: TOKENS.fineGrained}, 1, 'the Packages API accepts only classic personal access tokens'],
    ['404: an unknown owner', ['nobody'], {GH_TOKEN: TOKENS.good}, 1, 'owner "nobody" not found, or not visible to the classic token from GH_TOKEN (ghp_…good) (HTTP 404)'],
    ['404: an unknown package', ['acme/nothing', '--org'], {GH_TOKEN: TOKENS.good}, 1, 'package "acme/nothing" not found'],
    ['primary rate limit exhausted', ['acme'], {GH_TOKEN: TOKENS.rateLimited}, 3, 'GitHub API rate limit exhausted (5000 requests per hour); it resets at 2030-03-17T17:46:40.000Z'],
    ['5xx after one retry', ['acme'], {GH_TOKEN: TOKENS.broken}, 3, 'GitHub API server error for owner "acme" (HTTP 502'],
    // The fake API is a GitHub Enterprise Server host to gh's rule (tokenVariablesFor): its variable is named.
    ['no token for an owner listing', ['acme'], {}, 1, 'none was found: set GH_ENTERPRISE_TOKEN to the output of `gh auth token`'],
    ['usage', ['acme/app:latest'], {GH_TOKEN: TOKENS.good}, 2, 'without a tag or digest'],
  ])('%s', async (_name, args, env, exitCode, message) => {
    const result = await regctl(['ghcr', 'ls', ...args], env)
    expect(result.exitCode, result.stderr).toBe(exitCode)
    expect(result.stderr).toContain(message)
    expect(result.stdout).toBe('')
    for (const token of Object.values(TOKENS)) expect(result.stderr).not.toContain(token)
  })

  it('a 5xx is retried exactly once', async () => {
    await regctl(['ghcr', 'ls', 'acme', '--org'], {GH_TOKEN: TOKENS.broken})
    expect(server.count('/orgs/acme/packages')).toBe(2)
  })

  it('a secondary rate limit is retried once after retry-after and reported', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme', '--org', '--json'], {GH_TOKEN: TOKENS.secondary})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{packages: unknown[]; warnings: string[]}>(result)
    expect(doc.packages).toHaveLength(137)
    expect(doc.warnings).toEqual(['GitHub secondary rate limit on GET /orgs/acme/packages; retried once after 1 s'])
    expect(result.stderr).toContain('warning: GitHub secondary rate limit')
    // page 1 twice (limited, then retried), page 2 once.
    expect(server.count('/orgs/acme/packages')).toBe(3)
    expect(result.ms).toBeGreaterThanOrEqual(1000)
  })

  it('an unreachable API is exit 3, NETWORK', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme', '--org'], {GH_TOKEN: TOKENS.good, GITHUB_API_URL: 'https://127.0.0.1:9'})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('could not reach https://127.0.0.1:9/orgs/acme/packages')
  })
})

describe('the registry path', () => {
  it('--source registry lists tags through /v2/…/tags/list without the API', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--source', 'registry', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = json<{kind: string; tags: string[]; repository: string; source: string}>(result)
    expect(doc).toMatchObject({kind: 'tags', source: 'registry', repository: `${server.host}/acme/app`})
    expect(doc.tags).toHaveLength(168)
    expect(server.requests.every((r) => r.path.startsWith('/v2/'))).toBe(true)
  })

  it('--source registry --limit 5 stops early', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--source', 'registry', '--limit', '5', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(json<{tags: string[]; truncated: boolean}>(result)).toMatchObject({tags: ['1.0.1000', '1.0.751', '1.0.753', '1.0.754', '1.0.756'], truncated: true})
  })

  it('without a token, OWNER/PACKAGE falls back to the registry and says so', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(json(result)).toMatchObject({kind: 'tags', source: 'registry', fallbackReason: 'no GitHub token found', auth: {source: 'none'}})
    expect(result.stderr).toContain('the GitHub API cannot be used (no GitHub token found); listing tags through the registry instead')
  })

  it('with a token GitHub rejects (401), it falls back too', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app'], {GH_TOKEN: TOKENS.expired})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(168)
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`168 tags listed for ${server.host}/acme/app (from the registry); API quota 4999/5000, resets 2030-03-17 17:46Z`)
    expect(result.stderr).toContain('bad credentials or an expired/revoked token (HTTP 401)')
    expect(server.count('/users/acme')).toBe(1)
  })
})

describe('GitHub\'s 400 "Invalid argument." for a token that is not a classic PAT (cli/cli#9606; issue 8)', () => {
  it('OWNER/PACKAGE falls back to the registry tag list by itself, and says so in one stderr line and fallbackReason', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme/app', '--json'], {GH_TOKEN: TOKENS.invalidArgument})
    expect(result.exitCode, result.stderr).toBe(0)
    const reason = 'GitHub refused this kind of token for the Packages API (HTTP 400 "Invalid argument."); it takes classic personal access tokens with read:packages'
    expect(json(result)).toMatchObject({kind: 'tags', source: 'registry', fallbackReason: reason, auth: {source: 'GH_TOKEN', tokenKind: 'user-to-server'}})
    expect(json<{tags: string[]}>(result).tags).toHaveLength(168)
    expect(result.stderr).toBe(`regctl: the GitHub API cannot be used (${reason}); listing tags through the registry instead\n`)
    expect(server.count('/users/acme/packages/container/app/versions') + server.count('/orgs/acme/packages/container/app/versions')).toBe(1)
    expect(server.requests.filter((r) => r.path.startsWith('/v2/') && r.token !== 'none')).toEqual([])
  })

  it('an OWNER listing (no registry equivalent) is one line: a classic PAT is needed, gh auth token, --source registry', async () => {
    const result = await regctl(['ghcr', 'ls', 'acme'], {GH_TOKEN: TOKENS.invalidArgument})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(/^regctl: GitHub refused the token from GH_TOKEN \(ghu_…invl\) for owner "acme" \(HTTP 400 "Invalid argument."\): this endpoint needs a classic personal access token with read:packages \(`gh auth token` gives one\); for OWNER\/PACKAGE, --source registry works with any token$/)
    expect(result.stderr).not.toContain(TOKENS.invalidArgument)
  })
})

describe('proxies', () => {
  it('GitHub API calls and the registry fallback go through HTTPS_PROXY (a CONNECT tunnel), NO_PROXY bypasses it', async () => {
    const tunnels: string[] = []
    const sockets = new Set<Socket>()
    const proxy = createHttpServer()
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '')
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('error', () => s.destroy())
      }
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const {port} = proxy.address() as AddressInfo
    try {
      const viaProxy = await regctl(['ghcr', 'ls', 'acme', '--json'], {GH_TOKEN: TOKENS.good, HTTPS_PROXY: `http://127.0.0.1:${port}`})
      expect(viaProxy.exitCode, viaProxy.stderr).toBe(0)
      expect(tunnels.length).toBeGreaterThan(0)
      expect(new Set(tunnels)).toEqual(new Set([server.host]))

      tunnels.length = 0
      const fallback = await regctl(['ghcr', 'ls', 'acme/app', '--source', 'registry', '--json'], {HTTPS_PROXY: `http://127.0.0.1:${port}`})
      expect(fallback.exitCode, fallback.stderr).toBe(0)
      expect(tunnels.length).toBeGreaterThan(0)

      tunnels.length = 0
      const bypass = await regctl(['ghcr', 'ls', 'acme', '--json'], {GH_TOKEN: TOKENS.good, HTTPS_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: '127.0.0.1'})
      expect(bypass.exitCode, bypass.stderr).toBe(0)
      expect(tunnels).toEqual([])
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })
})

describe('GitHub tokens per host, as gh (issue 8)', () => {
  // GH_HOST names a GitHub Enterprise Server host: GH_TOKEN is for github.com and is not sent there.
  it('GH_HOST with only GH_TOKEN: no request carries the token, and the error names GH_ENTERPRISE_TOKEN', async () => {
    server.reset()
    const result = await regctl(['ghcr', 'ls', 'acme'], {GITHUB_API_URL: '', GH_HOST: server.host, GH_TOKEN: TOKENS.good})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe(
      `regctl: no GitHub token for this host: GH_TOKEN is not sent to ${server.host} (it is for github.com): set GH_ENTERPRISE_TOKEN for ${server.host}, or pass --token\n`,
    )
    expect(server.requests.filter((r) => r.token !== 'none')).toEqual([])
  })

  it('GH_HOST with GH_ENTERPRISE_TOKEN: that token is the one sent', async () => {
    server.reset()
    // The fake serves the api.github.com layout, not GHES's /api/v3: what matters is the token each request carried.
    const result = await regctl(['ghcr', 'ls', 'acme'], {GITHUB_API_URL: '', GH_HOST: server.host, GH_TOKEN: TOKENS.rateLimited, GH_ENTERPRISE_TOKEN: TOKENS.good})
    expect(result.stderr).not.toMatch(/no GitHub token/)
    expect(server.requests.length).toBeGreaterThan(0)
    expect(new Set(server.requests.map((r) => r.token))).toEqual(new Set(['good']))
  })
})
