/**
 * `regctl auth status` end to end: the built CLI (bin/run.js) against the real registries of the
 * integration environment (token auth with pusher/puller/outsider, htpasswd with alice/bob), a
 * closed port, a local GitHub API (responses from GitHub's OpenAPI-validated fixtures), config
 * files of every shape (broken ones included), the real docker-credential-secretservice on a
 * private Secret Service — and the two promises: no secret printed, no config file changed.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type Server} from 'node:http'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import type {AuthStatusResult, RegistryStatus} from '../../src/lib/checks/auth-status-types.js'
import {lookPath, runHelperProcess} from '../../src/runtime/credential-helper-process.js'
import {fixtures} from '../fixtures/github/factory.js'
import {connectEnvironment} from '../harness/client.js'
import {FINE_GRAINED_LOGINS} from '../harness/environment.js'
import {SYSTEM_PATH, runCli, type CliResult} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const basic = env.registries.basic.host
const {pusher, puller, outsider, alice, bob} = env.users
const GH_TOKEN_GOOD = `ghp_${'I'.repeat(32)}good`
const GH_TOKEN_REVOKED = `ghp_${'R'.repeat(32)}gone`
const WRONG = 'wrong-password-0000'
const SECRETS = [FINE_GRAINED_LOGINS.pusher.password, FINE_GRAINED_LOGINS.puller.password, pusher.password, puller.password, outsider.password, alice.password, bob.password, env.identityToken, GH_TOKEN_GOOD, GH_TOKEN_REVOKED, WRONG]

const schema = JSON.parse(readFileSync(new URL('../../docs/json/auth-status.schema.json', import.meta.url), 'utf8')) as object
const ajv = new Ajv({allErrors: true})
const validate = ajv.compile(schema)

const b64 = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64')

/** A fresh HOME with config.json and (optionally) a podman auth.json; paths returned. */
function makeDirs(config: unknown, podman?: unknown): {home: string; dockerDir: string; xdgConfig: string} {
  const home = mkdtempSync(join(tmpdir(), 'regctl-it-auth-'))
  const dockerDir = join(home, '.docker')
  const xdgConfig = join(home, '.config')
  mkdirSync(dockerDir)
  writeFileSync(join(dockerDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2), {mode: 0o600})
  if (podman !== undefined) {
    mkdirSync(join(xdgConfig, 'containers'), {recursive: true})
    writeFileSync(join(xdgConfig, 'containers', 'auth.json'), JSON.stringify(podman), {mode: 0o600})
  }

  return {home, dockerDir, xdgConfig}
}

let github: Server
let githubUrl = ''
const githubRequests: string[] = []

async function status(args: string[], dirs: {home: string; dockerDir: string; xdgConfig: string}, extraEnv: Record<string, string | undefined> = {}): Promise<CliResult & {result?: AuthStatusResult}> {
  const run = await runCli(['auth', 'status', ...args], {
    caFile: env.caFile,
    env: {
      HOME: dirs.home,
      DOCKER_CONFIG: dirs.dockerDir,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_RUNTIME_DIR: join(dirs.home, 'run'),
      GITHUB_API_URL: githubUrl,
      REGCTL_NO_KEYRING: '1',
      ...extraEnv,
    },
  })
  for (const secret of SECRETS) {
    expect(run.stdout, `secret leaked on stdout for ${args.join(' ')}`).not.toContain(secret)
    expect(run.stderr, `secret leaked on stderr for ${args.join(' ')}`).not.toContain(secret)
  }

  if (!args.includes('--json')) return run
  const result = JSON.parse(run.stdout) as AuthStatusResult
  if ('registries' in result && !validate(result)) throw new Error(`schema: ${ajv.errorsText(validate.errors)}\n${run.stdout}`)
  return {...run, result}
}

const reg = (result: AuthStatusResult | undefined, host: string): RegistryStatus => {
  const found = result?.registries.find((r) => r.registry === host)
  if (!found) throw new Error(`no ${host} in ${JSON.stringify(result)}`)
  return found
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
    })
  })
}

beforeAll(async () => {
  // GET /user as api.github.com answers it: the OpenAPI-validated user fixture, X-OAuth-Scopes,
  // GitHub-Authentication-Token-Expiration; 401 with GitHub's error body for a revoked token.
  github = createHttpServer((req, res) => {
    githubRequests.push(`${req.method} ${req.url}`)
    const authz = req.headers.authorization ?? ''
    if (req.url === '/user' && authz === `token ${GH_TOKEN_GOOD}`) {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'x-oauth-scopes': 'repo, write:packages, delete_repo',
        'x-accepted-oauth-scopes': '',
        'github-authentication-token-expiration': '2099-01-01 00:00:00 UTC',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': '4102444800',
      })
      res.end(JSON.stringify(fixtures.user))
      return
    }

    // A fine-grained PAT: 200 with no X-OAuth-Scopes (GitHub sends the header only for OAuth and
    // classic tokens: https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#insufficient-permission-errors).
    if (req.url === '/user' && Object.values(FINE_GRAINED_LOGINS).some((login) => authz === `token ${login.password}`)) {
      res.writeHead(200, {'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '4102444800'})
      res.end(JSON.stringify(fixtures.user))
      return
    }

    res.writeHead(401, {'content-type': 'application/json; charset=utf-8'})
    res.end(JSON.stringify({message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401'}))
  })
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve))
  const address = github.address()
  githubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => github.close(() => resolve()))
})

describe('auth status: live verification against the real registries', () => {
  it('accepted for pusher and puller; push right from the JWT for pusher only', async () => {
    // puller may pull private/* but not push anywhere: the token for push,pull on private/app
    // grants only pull (token servers grant the intersection of asked and allowed).
    const asPusher = await status(['--json'], makeDirs({auths: {[token]: {auth: b64(pusher.username, pusher.password)}}}))
    const p = reg(asPusher.result, token)
    expect(p).toMatchObject({status: 'ok', credential: {username: 'pusher', secretKind: 'password'}, live: {result: 'accepted', scheme: 'bearer', push: {repository: 'regctl-auth-probe', granted: true, via: 'jwt-access-claim'}}})

    const asPuller = await status(['--json', '--repository', 'private/app'], makeDirs({auths: {[token]: {auth: b64(puller.username, puller.password)}}}))
    expect(reg(asPuller.result, token).live).toEqual({result: 'accepted', scheme: 'bearer', push: {repository: 'private/app', granted: false, via: 'jwt-access-claim'}})
    // Only the plaintext warning: exit 0 with the default --fail-on error.
    expect([asPusher.exitCode, asPuller.exitCode]).toEqual([0, 0])
  })

  it('Basic auth on the htpasswd registry: accepted for alice, rejected for a wrong password (exit 1)', async () => {
    const ok = await status(['--json'], makeDirs({auths: {[basic]: {auth: b64(alice.username, alice.password)}}}))
    expect(reg(ok.result, basic).live).toMatchObject({result: 'accepted', scheme: 'basic'})
    const bad = await status(['--json'], makeDirs({auths: {[basic]: {auth: b64(bob.username, WRONG)}}}))
    expect(reg(bad.result, basic)).toMatchObject({status: 'rejected', live: {result: 'rejected'}, loginCommand: `docker login ${basic}`})
    expect(bad.exitCode).toBe(1)
    expect(bad.result?.exitCode).toBe(1)
  })

  it('rejected on the token registry for a wrong password, with the login command in the human output', async () => {
    const dirs = makeDirs({auths: {[token]: {auth: b64(pusher.username, WRONG)}}})
    const json = await status(['--json'], dirs)
    expect(reg(json.result, token)).toMatchObject({status: 'rejected', live: {result: 'rejected'}})
    expect(json.exitCode).toBe(1)
    const human = await status([], dirs)
    expect(human.stdout).toContain('✗ Credentials rejected by the registry')
    expect(human.stdout).toContain(`To log in: docker login ${token}`)
    expect(human.exitCode).toBe(1)
  })

  it('an identity token (OAuth2 refresh token) is verified through the token server', async () => {
    const run = await status(['--json'], makeDirs({auths: {[token]: {identitytoken: env.identityToken}}}))
    expect(reg(run.result, token)).toMatchObject({credential: {secretKind: 'identity-token'}, live: {result: 'accepted', push: {granted: true}}})
  })

  it('unreachable for a closed port: a warning, not a rejection', async () => {
    const host = `127.0.0.1:${await closedPort()}`
    const run = await status(['--json'], makeDirs({auths: {[host]: {auth: b64('u', WRONG)}}}))
    expect(reg(run.result, host)).toMatchObject({status: 'unreachable', live: {result: 'unreachable'}})
    expect(reg(run.result, host).findings.map((f) => f.ruleId)).toContain('credentials/unreachable')
    // Undetermined, not fine: exit 3, as pull-check for the same thing (the exit-code contract).
    expect(run.exitCode).toBe(3)
  })

  it('checks registries concurrently and --registry narrows to one', async () => {
    const dirs = makeDirs({
      auths: {
        [token]: {auth: b64(pusher.username, pusher.password)},
        [basic]: {auth: b64(alice.username, alice.password)},
      },
    })
    await env.resetRequestCounts()
    const started = Date.now()
    const both = await status(['--json'], dirs)
    const elapsed = Date.now() - started
    expect(both.result?.summary).toMatchObject({registries: 2, accepted: 2, rejected: 0})
    // Request budget: one anonymous ping per registry, one token exchange (bearer) or one Basic
    // GET /v2/; nothing touches repository content.
    const tokens = await env.tokenServer.stats()
    expect(tokens.byUserScope).toEqual({'pusher repository:regctl-auth-probe:push,pull': 1})
    expect((await env.requestCounts('token')).total).toBe(1)
    expect((await env.requestCounts('basic')).total).toBe(2)
    const one = await status(['--json', '--registry', basic], dirs)
    expect(one.result?.registries.map((r) => r.registry)).toEqual([basic])
    console.log(`[auth-status] two registries verified in ${elapsed} ms (CLI start included)`)
  })
})

describe('auth status: GitHub tokens', () => {
  it('asks the GitHub API: login, scopes, expiry; excessive scopes and a login mismatch are findings', async () => {
    githubRequests.length = 0
    const run = await status(['--json', '--registry', token], makeDirs({auths: {[token]: {auth: b64('hubot', GH_TOKEN_GOOD)}}}))
    const r = reg(run.result, token)
    expect(r.credential).toMatchObject({secretKind: 'github-classic-pat', secret: 'ghp_…good'})
    expect(r.github).toMatchObject({status: 'valid', login: 'octocat', loginMatchesUsername: false, scopes: ['repo', 'write:packages', 'delete_repo'], excessiveScopes: ['repo', 'delete_repo'], expiresAt: '2099-01-01T00:00:00.000Z'})
    expect(r.expiry).toEqual({expiresAt: '2099-01-01T00:00:00.000Z', source: 'github', status: 'valid'})
    expect(r.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['credentials/excessive-scopes', 'credentials/login-mismatch']))
    expect(githubRequests).toEqual(['GET /user'])
  })

  it('--require-scope: write: implies read:, a missing scope fails with exit 1', async () => {
    const dirs = makeDirs({auths: {[token]: {auth: b64('octocat', GH_TOKEN_GOOD)}}})
    const ok = await status(['--json', '--require-scope', 'read:packages', '--fail-on', 'never'], dirs)
    expect(reg(ok.result, token).github?.missingScopes).toEqual([])
    const missing = await status(['--json', '--require-scope', 'admin:org', '--fail-on', 'never'], dirs)
    expect(reg(missing.result, token).github?.missingScopes).toEqual(['admin:org'])
    expect(missing.exitCode).toBe(1)
  })

  it('--require-scope with a fine-grained token: the push probe decides write:packages, the accepted login read:packages; nothing else passes (issue 8)', async () => {
    const fg = FINE_GRAINED_LOGINS
    const asPusher = makeDirs({auths: {[token]: {auth: b64(fg.pusher.username, fg.pusher.password)}}})
    const write = await status(['--json', '--require-scope', 'write:packages', '--fail-on', 'never'], asPusher)
    expect(reg(write.result, token).github).toMatchObject({status: 'valid', scopes: null, missingScopes: [], unverifiableScopes: [], provenScopes: [{scope: 'write:packages', by: 'push-probe'}]})
    expect(write.exitCode).toBe(0)

    const asPuller = makeDirs({auths: {[token]: {auth: b64(fg.puller.username, fg.puller.password)}}})
    const read = await status(['--json', '--require-scope', 'read:packages', '--fail-on', 'never'], asPuller)
    expect(reg(read.result, token).github?.provenScopes).toEqual([{scope: 'read:packages', by: 'token-exchange'}])
    expect(read.exitCode).toBe(0)
    // The same output that says "pull only" can no longer pass write:packages.
    const noPush = await status(['--require-scope', 'write:packages', '--fail-on', 'never'], asPuller)
    expect(noPush.stdout).toContain('the token lacks write:packages: the registry refused push on regctl-auth-probe')
    expect(noPush.exitCode).toBe(1)

    const other = await status(['--json', '--require-scope', 'delete:packages', '--fail-on', 'never'], asPusher)
    expect(reg(other.result, token).findings.find((f) => f.ruleId === 'credentials/missing-scope')?.message).toContain('delete:packages cannot be verified for a fine-grained token (github_pat_…push)')
    expect(other.exitCode).toBe(1)

    const offline = await status(['--offline', '--require-scope', 'read:packages', '--fail-on', 'never'], asPusher)
    expect(offline.stdout).toContain('read:packages cannot be verified with --offline')
    expect(offline.exitCode).toBe(1)
  })

  it('the GitHub API token (GH_TOKEN) is verified live: a revoked one is a rejected finding, exit 1; --offline asks nothing (issue 8)', async () => {
    const dirs = makeDirs({auths: {}})
    githubRequests.length = 0
    // --fail-on never: the exit code comes from the verdict alone (the machine's failing default store is a finding too).
    const revoked = await status(['--json', '--fail-on', 'never'], dirs, {GH_TOKEN: GH_TOKEN_REVOKED})
    expect(revoked.result?.githubApi).toMatchObject({source: 'GH_TOKEN', redacted: 'ghp_…gone', github: {status: 'rejected'}})
    expect(revoked.result?.findings.find((f) => f.subject === 'GitHub API token')).toMatchObject({ruleId: 'credentials/rejected', fix: expect.stringContaining('gh auth refresh -s read:packages')})
    expect(revoked.exitCode).toBe(1)
    expect(githubRequests).toEqual(['GET /user'])
    const human = await status(['--fail-on', 'never'], dirs, {GH_TOKEN: GH_TOKEN_REVOKED})
    expect(human.stdout).toContain('  ✗ GitHub rejects it (invalid, expired or revoked)')
    expect(human.exitCode).toBe(1)

    const good = await status([], dirs, {GH_TOKEN: GH_TOKEN_GOOD})
    expect(good.stdout).toContain('  ✓ GitHub accepts it (octocat); scopes: repo, write:packages, delete_repo')

    githubRequests.length = 0
    const offline = await status(['--offline', '--json', '--fail-on', 'never'], dirs, {GH_TOKEN: GH_TOKEN_REVOKED})
    expect(offline.result?.githubApi?.github).toBeUndefined()
    expect(offline.exitCode).toBe(0)
    expect(githubRequests).toEqual([])
  })

  it('a token GitHub rejects is reported as rejected', async () => {
    const run = await status(['--json'], makeDirs({auths: {[token]: {auth: b64('octocat', GH_TOKEN_REVOKED)}}}))
    const r = reg(run.result, token)
    expect(r.github?.status).toBe('rejected')
    expect(r.status).toBe('rejected')
    expect(run.exitCode).toBe(1)
  })

  it('shows which token ghcr ls would use: GH_TOKEN before the ghcr.io login', async () => {
    const dirs = makeDirs({auths: {'ghcr.io': {auth: b64('octocat', GH_TOKEN_GOOD)}}})
    // The ghcr.io login is a github.com token: it is only a source for the github.com API.
    const fromDocker = await status(['--json', '--offline'], dirs, {GITHUB_API_URL: undefined})
    expect(fromDocker.result?.githubApi).toMatchObject({source: 'docker-config', kind: 'classic', redacted: 'ghp_…good'})
    const notForOtherHosts = await status(['--json', '--offline'], dirs)
    expect(notForOtherHosts.result?.githubApi).toEqual({source: 'none', notes: []})
    const fromEnv = await status(['--json', '--offline'], dirs, {GH_TOKEN: GH_TOKEN_REVOKED})
    expect(fromEnv.result?.githubApi).toMatchObject({source: 'GH_TOKEN', redacted: 'ghp_…gone'})
  })
})

describe('auth status: config files of every shape', () => {
  it('docker and podman disagree: the conflict is a finding, podman entries are listed with their file', async () => {
    const dirs = makeDirs({auths: {[token]: {auth: b64(pusher.username, pusher.password)}}}, {auths: {[token]: {auth: b64(puller.username, puller.password)}}})
    const run = await status(['--json', '--offline'], dirs)
    const r = reg(run.result, token)
    expect(r.sources.map((s) => [s.kind, s.username, s.usedBy, s.agreement ?? null])).toEqual([
      ['config-auths', 'pusher', ['docker'], null],
      ['podman-auths', 'puller', ['podman'], 'different-user'],
    ])
    expect(r.findings.map((f) => f.ruleId)).toContain('credentials/conflicting-users')
  })

  it('a config file readable by others is a finding', async () => {
    const dirs = makeDirs({auths: {[token]: {auth: b64(pusher.username, pusher.password)}}})
    const path = join(dirs.dockerDir, 'config.json')
    const {chmodSync} = await import('node:fs')
    chmodSync(path, 0o644)
    const run = await status(['--json', '--offline', '--fail-on', 'warning'], dirs)
    expect(run.result?.findings).toEqual([expect.objectContaining({ruleId: 'credentials/file-permissions', fix: `chmod 600 ${path}`})])
    expect(run.exitCode).toBe(1)
  })

  it('a credential helper not on PATH is an error (it breaks anonymous pulls too)', async () => {
    const run = await status(['--json', '--offline'], makeDirs({credHelpers: {[token]: 'nonexistent-helper'}}))
    expect(reg(run.result, token)).toMatchObject({status: 'helper-error', findings: [expect.objectContaining({ruleId: 'credentials/helper-missing', severity: 'error'})]})
    expect(run.exitCode).toBe(1)
  })

  it.each([
    ['truncated JSON', '{"auths": {'],
    ['auth that is not base64', JSON.stringify({auths: {[token]: {auth: '!!!'}}})],
    ['auths as an array', JSON.stringify({auths: []})],
    ['a top-level array', '[]'],
  ])('a malformed config.json (%s) exits 2 with the error document', async (_name, text) => {
    const run = await status(['--json', '--offline'], makeDirs(text))
    expect(JSON.parse(run.stdout)).toMatchObject({error: {code: 'CONFIG_MALFORMED'}})
    expect(run.exitCode).toBe(2)
  })

  it('a malformed podman auth.json exits 2 too', async () => {
    const dirs = makeDirs({auths: {}})
    mkdirSync(join(dirs.xdgConfig, 'containers'), {recursive: true})
    writeFileSync(join(dirs.xdgConfig, 'containers', 'auth.json'), '{"auths": {"quay.io": {"auth": 5}}}')
    const run = await status(['--offline'], dirs)
    expect(run.stderr).toContain(join(dirs.xdgConfig, 'containers', 'auth.json'))
    expect(run.exitCode).toBe(2)
  })

  it('DOCKER_AUTH_CONFIG shadows config.json: reported as docker\'s source, the file entry as another', async () => {
    const dirs = makeDirs({auths: {[token]: {auth: b64(puller.username, puller.password)}}})
    const run = await status(['--json'], dirs, {DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[token]: {auth: b64(pusher.username, pusher.password)}}})})
    const r = reg(run.result, token)
    expect(r.credential).toMatchObject({kind: 'docker-auth-config', username: 'pusher'})
    expect(r.live.push?.granted).toBe(true)
  })
})

describe('auth status: read-only and secret-free in every mode', () => {
  it('runs every mode with known secrets: none is printed and no config file changes', async () => {
    const dirs = makeDirs(
      {
        auths: {
          [token]: {auth: b64(pusher.username, pusher.password)},
          [basic]: {auth: b64(bob.username, WRONG)},
          'ghcr.io': {auth: b64('octocat', GH_TOKEN_GOOD)},
          'quay.io': {identitytoken: env.identityToken},
        },
      },
      {auths: {[token]: {auth: b64(outsider.username, outsider.password)}, [basic]: {auth: b64(alice.username, alice.password)}}},
    )
    const hashes = (): Record<string, string> => {
      const out: Record<string, string> = {}
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name)
          const info = statSync(path)
          if (info.isDirectory()) walk(path)
          else out[path] = `${info.mode.toString(8)} ${info.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
        }
      }

      walk(dirs.home)
      return out
    }

    const before = hashes()
    const modes: string[][] = [
      [],
      ['--json'],
      ['--offline'],
      ['--offline', '--json'],
      ['--registry', token],
      ['--registry', basic, '--json'],
      ['--require-scope', 'write:packages', '--json'],
      ['--fail-on', 'warning'],
      ['--config', join(dirs.dockerDir, 'config.json'), '--json'],
    ]
    // GH_TOKEN set too: the GitHub API token line must show it redacted only.
    for (const args of modes) await status(args, dirs, {GH_TOKEN: GH_TOKEN_REVOKED})
    expect(hashes()).toEqual(before)
  })
})

const SS_REQUIRED = ['dbus-daemon', 'gnome-keyring-daemon', 'docker-credential-secretservice'] as const
const ssFound = await Promise.all(SS_REQUIRED.map((program) => lookPath(program, process.env['PATH'])))
const ssMissing = SS_REQUIRED.filter((_p, i) => ssFound[i] === undefined)

// Never skip silently: without these programs the suite fails and names them.
describe('auth status with credsStore: secretservice (real gnome-keyring)', () => {
  beforeAll(() => {
    if (ssMissing.length > 0) throw new Error(`missing ${ssMissing.join(', ')}: apt-get install dbus gnome-keyring golang-docker-credential-helpers`)
  })

  let dir: string
  let dbus: ChildProcess | undefined
  let keyring: ChildProcess | undefined
  let sessionEnv: Record<string, string>

  const stop = (child: ChildProcess | undefined): Promise<void> =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve()
      }, 5000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regctl-it-auth-ss-'))
    const runtime = join(dir, 'run')
    mkdirSync(runtime, {mode: 0o700})
    const base = {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache'), LANG: 'C.UTF-8'}
    // As in secretservice.test.ts: a private session bus without service activation.
    const busConfig = join(dir, 'session.conf')
    writeFileSync(
      busConfig,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${runtime}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
`,
    )
    dbus = spawn('dbus-daemon', [`--config-file=${busConfig}`, '--nofork', '--nopidfile', '--print-address=1'], {env: base, stdio: ['ignore', 'pipe', 'ignore']})
    const address = await new Promise<string>((resolve, reject) => {
      let buffered = ''
      const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), 10_000)
      dbus?.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8')
        if (buffered.includes('\n')) {
          clearTimeout(timer)
          resolve(buffered.split('\n')[0]?.trim() ?? '')
        }
      })
    })
    sessionEnv = {...base, DBUS_SESSION_BUS_ADDRESS: address}
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {env: sessionEnv, stdio: ['pipe', 'ignore', 'ignore']})
    keyring.stdin?.end('regctl-test-password')
    let ready = false
    for (let attempt = 0; attempt < 100 && !ready; attempt++) {
      ready = (await runHelperProcess('docker-credential-secretservice', ['list'], 'unused', {timeoutMs: 5000, env: sessionEnv})).exitCode === 0
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
    }

    expect(ready).toBe(true)
    const stored = await runHelperProcess('docker-credential-secretservice', ['store'], JSON.stringify({ServerURL: token, Username: pusher.username, Secret: pusher.password}), {timeoutMs: 10_000, env: sessionEnv})
    expect(stored.exitCode).toBe(0)
  }, 60_000)

  afterAll(async () => {
    await stop(keyring)
    await stop(dbus)
  }, 30_000)

  it('enumerates the store with list + get, verifies the login live, reports no plaintext', async () => {
    const dockerDir = join(dir, '.docker')
    mkdirSync(dockerDir, {recursive: true})
    writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({credsStore: 'secretservice', auths: {[token]: {}}}), {mode: 0o600})
    const run = await status(['--json'], {home: dir, dockerDir, xdgConfig: join(dir, 'config')}, {
      PATH: SYSTEM_PATH,
      DBUS_SESSION_BUS_ADDRESS: sessionEnv['DBUS_SESSION_BUS_ADDRESS'],
      XDG_RUNTIME_DIR: sessionEnv['XDG_RUNTIME_DIR'],
      XDG_DATA_HOME: sessionEnv['XDG_DATA_HOME'],
    })
    expect(run.result?.credsStore).toBe('secretservice')
    const r = reg(run.result, token)
    expect(r).toMatchObject({
      status: 'ok',
      credential: {kind: 'credsStore', helper: 'secretservice', username: 'pusher', usedBy: ['docker']},
      live: {result: 'accepted', push: {granted: true}},
    })
    expect(r.findings.filter((f) => f.ruleId === 'credentials/plaintext')).toEqual([])
    expect(run.exitCode).toBe(0)
  })
})
