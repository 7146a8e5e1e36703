/**
 * `regctl auth login github` / `auth logout github` end to end: the built CLI (`node bin/run.js`,
 * so `npm run build` first, as scripts/test.sh does) with the token on stdin, a real unlocked
 * gnome-keyring on a private D-Bus session bus (test/harness/keyring.ts), and a local HTTPS server
 * answering `/user` like api.github.com (openssl-made certificate trusted via NODE_EXTRA_CA_CERTS,
 * reached through GITHUB_API_URL). The keyring is read back with the real `secret-tool`, and
 * `ghcr ls` must then find the token in the keyring. Self-contained: it does not use the
 * registries of the integration globalSetup.
 */
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuthLoginResult} from '../../src/commands/auth/login.js'
import type {AuthLogoutResult} from '../../src/commands/auth/logout.js'
import {lookPath} from '../../src/runtime/credential-helper-process.js'
import {makeCertificates} from '../harness/certs.js'
import {startPrivateSecretService, type PrivateSecretService} from '../harness/keyring.js'
import {run} from '../harness/processes.js'
import {BIN, runCli, type CliResult} from './cli.js'

// `script` (util-linux) gives the CLI a real terminal for the hidden-prompt case.
const REQUIRED = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool', 'openssl', 'script'] as const
const found = await Promise.all(REQUIRED.map((program) => lookPath(program, process.env['PATH'])))
const missing = REQUIRED.filter((_program, index) => found[index] === undefined)
const BUILT = BIN.replace(/bin\/run\.js$/, 'dist/commands/auth/login.js')

// Secrets shaped like GitHub's; the fake API knows them. None is a live credential.
const GOOD = 'ghp_' + 'Rg7KqT2vXw9ZbN4mLp6Hs3Jd8Fc1Va5E' + 'g00d'
const OTHER = 'ghp_' + 'Yt5Wq8Ze3Rn6Ux1Io4Pa7Sd0Fg2Hj9Kl' + '0th3'
const REVOKED = 'ghp_' + 'Mn2Bv5Cx8Zl1Kj4Hg7Fd0Sa3Qw6Er9Ty' + 'r3vk'
const INSTALLATION = 'ghs_' + 'Ui8Op1As4Df7Gh0Jk3Lz6Xc9Vb2Nm5Qw' + '1nst'
const ALL_SECRETS = [GOOD, OTHER, REVOKED, INSTALLATION]

const USER = JSON.parse(readFileSync(new URL('../fixtures/github/user-private.json', import.meta.url), 'utf8')) as Record<string, unknown>

type Seen = {method: string; path: string; token: string | undefined}

// Never skip silently: without these programs the suite fails and names them.
describe('auth login/logout github with a real Secret Service', () => {
  beforeAll(() => {
    if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: apt-get install dbus gnome-keyring libsecret-tools`)
  })

  let dir: string
  let keyring: PrivateSecretService
  let server: Server
  let apiUrl: string
  let apiHost: string
  let caFile: string
  const seen: Seen[] = []
  const tokenHosts: Array<{token: string; host: string | undefined}> = []
  const outputs: string[] = []

  /** Runs the CLI against the private keyring and the fake API; remembers every output. */
  const cli = async (args: string[], options: {stdin?: string; env?: Record<string, string | undefined>} = {}): Promise<CliResult> => {
    const result = await runCli(args, {
      caFile,
      timeoutMs: 30_000,
      ...(options.stdin === undefined ? {} : {stdin: options.stdin}),
      env: {...keyring.env, HOME: dir, GITHUB_API_URL: apiUrl, ...options.env},
    })
    outputs.push(result.stdout, result.stderr)
    return result
  }

  /**
   * The secret the keyring holds for service regctl / `account`, read with the real secret-tool.
   * @napi-rs/keyring (keyring-rs) stores the account in the Secret Service attribute `username`.
   */
  const lookup = async (account: string): Promise<string | undefined> => {
    const result = await run('secret-tool', ['lookup', 'service', 'regctl', 'username', account], {env: keyring.env, timeoutMs: 10_000, allowFailure: true})
    return result.code === 0 ? result.stdout.toString('utf8') : undefined
  }

  /**
   * Runs the CLI on a pseudo-terminal (`script -qfec`), types `keys` once the prompt shows, and
   * resolves with the exit code and everything the terminal displayed (echo included, if any).
   */
  const cliOnTerminal = (args: string[], keys: string): Promise<{exitCode: number | null; screen: string}> =>
    new Promise((resolve, reject) => {
      const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ')
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: {...keyring.env, HOME: dir, GITHUB_API_URL: apiUrl, NODE_EXTRA_CA_CERTS: caFile, NO_COLOR: '1'},
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let screen = ''
      let typed = false
      const onOutput = (chunk: Buffer): void => {
        screen += chunk.toString('utf8')
        if (!typed && screen.includes('Paste a GitHub token')) {
          typed = true
          child.stdin.write(keys)
        }
      }

      child.stdout.on('data', onOutput)
      child.stderr.on('data', onOutput)
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      child.on('error', reject)
      child.on('close', (exitCode) => {
        clearTimeout(timer)
        outputs.push(screen)
        resolve({exitCode, screen})
      })
    })

  beforeAll(async () => {
    // A missing build is a failure, not a skip: scripts/test.sh builds before the integration tests.
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`)
    dir = await mkdtemp(join(tmpdir(), 'regctl-auth-login-'))
    const [certs, secretService] = await Promise.all([makeCertificates(join(dir, 'pki')), startPrivateSecretService(dir, {timeoutMs: 20_000})])
    keyring = secretService
    caFile = certs.caFile

    server = createServer({cert: certs.serverCertPem, key: certs.serverKeyPem}, (request, response) => {
      const url = new URL(request.url ?? '/', 'https://127.0.0.1')
      const token = /^token (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
      seen.push({method: request.method ?? '', path: url.pathname, token})
      // Which GitHub host each token reached (the Host header: 127.0.0.1:PORT or localhost:PORT).
      if (token !== undefined) tokenHosts.push({token, host: request.headers.host})
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4990',
          'x-ratelimit-reset': '1900000000',
          ...headers,
        })
        response.end(JSON.stringify(body))
      }

      if (token === REVOKED || (token !== undefined && !ALL_SECRETS.includes(token))) {
        send(401, {message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401'})
      } else if (url.pathname === '/user') {
        if (token === INSTALLATION) {
          send(403, {message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403'})
        } else if (token === GOOD || token === OTHER) {
          send(200, {...USER, login: token === GOOD ? 'octocat' : 'hubot'}, {
            'x-oauth-scopes': token === GOOD ? 'read:packages' : 'repo, workflow',
            'x-accepted-oauth-scopes': '',
            ...(token === GOOD ? {'github-authentication-token-expiration': '2099-12-31 23:59:59 UTC'} : {}),
          })
        } else {
          send(401, {message: 'Requires authentication', status: '401'})
        }
      } else if (url.pathname === '/installation/repositories' && token === INSTALLATION) {
        send(200, {total_count: 2, repository_selection: 'selected', repositories: []})
      } else if (url.pathname === '/user/packages' && token !== undefined) {
        send(200, [], {'x-oauth-scopes': 'read:packages'})
      } else {
        send(404, {message: 'Not Found', status: '404'})
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    apiUrl = `https://127.0.0.1:${port}`
    // GITHUB_API_URL names the GitHub host too (src/lib/github/api-url.ts): the keyring account.
    apiHost = `127.0.0.1:${port}`
  }, 90_000)

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
    await keyring?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  }, 30_000)

  it('verifies the token with GET /user, stores it in the keyring and says who it is', async () => {
    seen.length = 0
    const result = await cli(['auth', 'login', 'github'], {stdin: `${GOOD}\n`})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      [
        `✓ Logged in to ${apiHost} as octocat (classic PAT ghp_…g00d, scopes: read:packages)`,
        '  Token expires 2099-12-31T23:59:59.000Z',
        `  Stored in the OS keyring (service regctl, account ${apiHost})`,
        '',
      ].join('\n'),
    )
    expect(seen).toEqual([{method: 'GET', path: '/user', token: GOOD}])
    expect(await lookup(apiHost)).toBe(GOOD)
  })

  it('token resolution then picks the keyring entry: ghcr ls authenticates with it (source keyring)', async () => {
    seen.length = 0
    const result = await cli(['ghcr', 'ls', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const listing = JSON.parse(result.stdout) as {auth: {source: string; tokenKind: string; redacted: string}; packages: unknown[]}
    expect(listing.auth).toEqual({source: 'keyring', tokenKind: 'classic', redacted: 'ghp_…g00d'})
    expect(listing.packages).toEqual([])
    expect(seen.filter((request) => request.path === '/user/packages').map((request) => request.token)).toEqual([GOOD])
  })

  // issue 8: a keyring entry is tied to the host it was stored for (gh's rule). The same server,
  // reached as localhost:PORT (in its certificate too), is another GitHub host: the entry stored for
  // 127.0.0.1:PORT must not be sent there, and the error names the variable to set instead.
  it.each([
    ['GITHUB_API_URL names host B', (host: string) => ({args: [], env: {GITHUB_API_URL: `https://${host}`}})],
    ['--hostname names host B', (host: string) => ({args: ['--hostname', host], env: {GITHUB_API_URL: undefined}})],
  ] as const)('a keyring token stored for host A is never sent to host B (%s)', async (_name, hostB) => {
    expect(await lookup(apiHost)).toBe(GOOD)
    const otherHost = apiHost.replace(/^127\.0\.0\.1:/, 'localhost:')
    expect(await lookup(otherHost)).toBeUndefined()
    tokenHosts.length = 0
    const {args, env} = hostB(otherHost)
    const result = await cli(['ghcr', 'ls', 'octocat', '--json', ...args], {env})
    expect(result.exitCode).not.toBe(0)
    // One line saying no token was found (which variable it names is the GitHub half's, issue 8).
    expect((JSON.parse(result.stdout) as {error: {message: string}}).error.message).toMatch(/^the GitHub Packages API needs a classic token .* none was found/)
    expect(tokenHosts).toEqual([])
    expect(result.stdout + result.stderr).not.toContain(GOOD)

    // The control: host A still gets its own token, from the keyring.
    const own = await cli(['ghcr', 'ls', '--json'])
    expect(own.exitCode, own.stderr).toBe(0)
    expect(tokenHosts).toEqual([{token: GOOD, host: apiHost}])
  })

  it('logging in again replaces the entry; --json returns the typed result', async () => {
    const result = await cli(['auth', 'login', 'github', '--json'], {stdin: OTHER})
    expect(result.exitCode, result.stderr).toBe(0)
    // Under --json stderr stays quiet and stdout holds only the document.
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout) as AuthLoginResult).toEqual({
      provider: 'github',
      host: apiHost,
      apiUrl,
      storage: 'keyring',
      keyring: {service: 'regctl', account: apiHost},
      token: {kind: 'classic', secretKind: 'github-classic-pat', label: 'GitHub classic personal access token', redacted: 'ghp_…0th3'},
      verified: true,
      login: 'hubot',
      scopes: ['repo', 'workflow'],
      expiresAt: null,
      expiry: 'no-expiry',
      warnings: ['the token lacks read:packages, which ghcr ls needs (gh auth refresh -s read:packages, or a new classic token)'],
      exitCode: 0,
    } satisfies AuthLoginResult & {exitCode: number})
    expect(await lookup(apiHost)).toBe(OTHER)
  })

  it('an installation token is accepted through /installation/repositories, login unknown', async () => {
    seen.length = 0
    const result = await cli(['auth', 'login', 'github'], {stdin: INSTALLATION})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`✓ Logged in to ${apiHost} as an unknown login (installation token ghs_…1nst, scopes: not reported)`)
    expect(result.stderr).toContain('! installation tokens (GITHUB_TOKEN) expire within an hour')
    expect(seen.map((request) => request.path)).toEqual(['/user', '/installation/repositories'])
    expect(await lookup(apiHost)).toBe(INSTALLATION)
  })

  it('a token GitHub rejects is not stored and the previous entry stays', async () => {
    const result = await cli(['auth', 'login', 'github'], {stdin: REVOKED})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('regctl: GitHub rejected the token ghp_…r3vk (HTTP 401: Bad credentials): it is unknown, revoked or expired. Nothing was stored\n')
    expect(await lookup(apiHost)).toBe(INSTALLATION)
  })

  it('logout removes the entry, and says so when there is nothing to remove', async () => {
    const first = await cli(['auth', 'logout', 'github'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toBe(`✓ Logged out of ${apiHost}: removed the token from the OS keyring (service regctl, account ${apiHost})\n`)
    expect(await lookup(apiHost)).toBeUndefined()

    const again = await cli(['auth', 'logout', 'github', '--json'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout) as AuthLogoutResult).toEqual({
      provider: 'github',
      host: apiHost,
      keyring: {service: 'regctl', account: apiHost},
      removed: false,
      warnings: [],
      exitCode: 0,
    } satisfies AuthLogoutResult & {exitCode: number})
    const human = await cli(['auth', 'logout', 'github'])
    expect(human.stderr).toBe(`No token for ${apiHost} in the OS keyring (service regctl, account ${apiHost}): nothing to remove\n`)

    // ghcr ls no longer finds a token anywhere.
    const listing = await cli(['ghcr', 'ls', '--json'])
    expect(listing.exitCode).toBe(1)
    expect(listing.stdout).toContain('"GITHUB_API"')
  })

  it('without GITHUB_API_URL the account is github.com; --no-verify stores without any request', async () => {
    seen.length = 0
    const stored = await cli(['auth', 'login', 'github', '--no-verify'], {stdin: GOOD, env: {GITHUB_API_URL: undefined}})
    expect(stored.exitCode, stored.stderr).toBe(0)
    expect(stored.stderr.split('\n')[0]).toBe('✓ Stored a token for github.com without verifying it (classic PAT ghp_…g00d)')
    expect(seen).toEqual([])
    expect(await lookup('github.com')).toBe(GOOD)
    expect(await lookup(apiHost)).toBeUndefined()

    const hostFlag = await cli(['auth', 'login', 'github', '--no-verify', '--hostname', 'GHE.example.com'], {stdin: OTHER, env: {GITHUB_API_URL: undefined}})
    expect(hostFlag.exitCode, hostFlag.stderr).toBe(0)
    expect(await lookup('ghe.example.com')).toBe(OTHER)

    const removed = await cli(['auth', 'logout', 'github'], {env: {GITHUB_API_URL: undefined}})
    expect(removed.exitCode, removed.stderr).toBe(0)
    expect(await lookup('github.com')).toBeUndefined()
    expect(await lookup('ghe.example.com')).toBe(OTHER)
    expect((await cli(['auth', 'logout', 'github', '--hostname', 'ghe.example.com'], {env: {GITHUB_API_URL: undefined}})).exitCode).toBe(0)
    expect(await lookup('ghe.example.com')).toBeUndefined()
  })

  it('warns when GH_TOKEN shadows the keyring entry', async () => {
    const result = await cli(['auth', 'login', 'github'], {stdin: GOOD, env: {GH_TOKEN: OTHER}})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('! GH_TOKEN is set and takes precedence over the keyring entry')
    expect((await cli(['auth', 'logout', 'github'], {env: {GH_TOKEN: OTHER}})).stderr).toContain('! GH_TOKEN is still set: regctl keeps using it')
  })

  it.each([
    ['no D-Bus session at all', {DBUS_SESSION_BUS_ADDRESS: undefined}],
    ['a bus address that leads nowhere', {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/regctl-test-bus'}],
  ])('without a Secret Service (%s) login stops before asking GitHub, in one line offering GH_TOKEN and --insecure-storage', async (_name, env) => {
    seen.length = 0
    const login = await cli(['auth', 'login', 'github'], {stdin: GOOD, env})
    expect(login.exitCode).toBe(1)
    expect(login.stdout).toBe('')
    expect(login.stderr).toBe(
      'regctl: OS keyring unavailable: no Secret Service is running (a headless machine?). Nothing was read or stored; set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage\n',
    )
    // Checked first: no GitHub call was spent on a token that could not be kept.
    expect(seen).toEqual([])

    const json = await cli(['auth', 'login', 'github', '--json'], {stdin: GOOD, env})
    expect(json.exitCode).toBe(1)
    expect((JSON.parse(json.stdout) as {error: {code: string}}).error.code).toBe('KEYRING_UNAVAILABLE')

    const logout = await cli(['auth', 'logout', 'github'], {env})
    expect(logout.exitCode).toBe(1)
    expect(logout.stderr).toBe('regctl: OS keyring unavailable: no Secret Service is running (a headless machine?). Nothing was removed\n')
  })

  it('headless: auth status says once, in one short line, that the keyring was needed and is missing; no --token advice', async () => {
    const env = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/regctl-test-bus'}
    const status = await cli(['auth', 'status', '--offline'], {env})
    const all = status.stdout + status.stderr
    expect(all.match(/OS keyring unavailable/g)).toHaveLength(1)
    expect(all).toContain('  - OS keyring unavailable: no Secret Service is running (a headless machine?)\n')
    expect(all).toContain('GitHub API token (ghcr ls): none found (set GH_TOKEN or run: regctl auth login github --insecure-storage)')
    expect(all).not.toContain('--token')
    expect(all).not.toMatch(/D-Bus|DBus|socket/)

    // A token from GH_TOKEN: the keyring was not needed, so nothing is said about it.
    const withToken = await cli(['auth', 'status', '--offline'], {env: {...env, GH_TOKEN: GOOD}})
    expect(withToken.stdout + withToken.stderr).not.toContain('keyring')
  })

  it('headless: --insecure-storage verifies, writes a 0600 file in a 0700 directory, and ghcr ls, auth status and logout use it', async () => {
    const env = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/regctl-test-bus'}
    const folder = join(dir, 'config', 'regctl')
    const file = join(folder, `github-token-${apiHost.replace(':', '_')}`)
    seen.length = 0
    const login = await cli(['auth', 'login', 'github', '--insecure-storage'], {stdin: GOOD, env})
    expect(login.exitCode, login.stderr).toBe(0)
    expect(login.stderr).toBe(
      [
        `✓ Logged in to ${apiHost} as octocat (classic PAT ghp_…g00d, scopes: read:packages)`,
        '  Token expires 2099-12-31T23:59:59.000Z',
        `  Stored in plain text at ${file} (mode 0600, --insecure-storage)`,
        `! the token is stored in plain text at ${file}: anyone who can read that file can use it`,
        '',
      ].join('\n'),
    )
    expect(seen).toEqual([{method: 'GET', path: '/user', token: GOOD}])
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(`${GOOD}\n`)

    seen.length = 0
    const listing = await cli(['ghcr', 'ls', '--json'], {env})
    expect(listing.exitCode, listing.stderr).toBe(0)
    expect((JSON.parse(listing.stdout) as {auth: unknown}).auth).toEqual({source: 'insecure-file', tokenKind: 'classic', redacted: 'ghp_…g00d'})
    expect(seen.filter((request) => request.path === '/user/packages').map((request) => request.token)).toEqual([GOOD])

    const status = await cli(['auth', 'status', '--offline', '--json'], {env})
    const report = JSON.parse(status.stdout) as {githubApi: {source: string; path?: string; keyringUnavailable?: boolean}; findings: Array<{ruleId: string; severity: string; message: string}>}
    expect(report.githubApi).toMatchObject({source: 'insecure-file', path: file})
    expect(report.githubApi.keyringUnavailable).toBeUndefined()
    expect(report.findings.filter((finding) => finding.ruleId === 'credentials/plaintext-github-token')).toEqual([
      expect.objectContaining({severity: 'warning', message: `GitHub API token stored in plain text at ${file} (auth login github --insecure-storage)`}),
    ])

    const logout = await cli(['auth', 'logout', 'github'], {env})
    expect(logout.exitCode, logout.stderr).toBe(0)
    expect(logout.stderr).toBe(
      [
        `✓ Logged out of ${apiHost}: removed the token from the plain-text file ${file}`,
        '! OS keyring unavailable: no Secret Service is running (a headless machine?). Only the plain-text file was removed',
        '',
      ].join('\n'),
    )
    expect(existsSync(file)).toBe(false)
  })

  it('with a keyring, --insecure-storage still writes only the file; a keyring login then removes the file', async () => {
    const file = join(dir, 'config', 'regctl', `github-token-${apiHost.replace(':', '_')}`)
    const stored = await cli(['auth', 'login', 'github', '--insecure-storage', '--no-verify'], {stdin: OTHER})
    expect(stored.exitCode, stored.stderr).toBe(0)
    expect(await lookup(apiHost)).toBeUndefined()
    expect(readFileSync(file, 'utf8')).toBe(`${OTHER}\n`)

    const keyringLogin = await cli(['auth', 'login', 'github', '--no-verify'], {stdin: GOOD})
    expect(keyringLogin.exitCode, keyringLogin.stderr).toBe(0)
    expect(keyringLogin.stderr).toContain(`! removed the plain-text token file ${file}: the keyring holds the token now`)
    expect(existsSync(file)).toBe(false)
    expect(await lookup(apiHost)).toBe(GOOD)
    expect((await cli(['auth', 'logout', 'github'])).exitCode).toBe(0)
  })

  it('never takes the token from an argument, and does not echo one', async () => {
    const extra = await cli(['auth', 'login', 'github', GOOD], {stdin: ''})
    expect(extra.exitCode).toBe(2)
    expect(extra.stderr).toContain('regctl never takes a token from an argument')
    const instead = await cli(['auth', 'login', OTHER], {stdin: ''})
    expect(instead.exitCode).toBe(2)
    expect(instead.stderr).toContain('that argument looks like a token')
    expect(await lookup(apiHost)).toBeUndefined()
  })

  it.each([
    ['empty stdin', '', 'regctl: no token on stdin: pipe one in, e.g. `gh auth token | regctl auth login github`\n'],
    ['two tokens', `${GOOD}\n${OTHER}\n`, 'regctl: expected exactly one token (printable characters, no spaces or line breaks) on stdin\n'],
  ])('refuses %s (exit 2)', async (_name, stdin, message) => {
    const result = await cli(['auth', 'login', 'github'], {stdin})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(message)
  })

  it('on a terminal it asks at a hidden prompt: nothing typed is echoed, Backspace works', async () => {
    // A wrong character, erased with Backspace (DEL), then the token and Enter.
    const result = await cliOnTerminal(['auth', 'login', 'github'], `x\u007f${GOOD}\r`)
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).toMatch(new RegExp(`^Paste a GitHub token for ${apiHost.replace(/\./g, '\\.')}: \r\n✓ Logged in to ${apiHost.replace(/\./g, '\\.')} as octocat `))
    expect(await lookup(apiHost)).toBe(GOOD)

    const loggedOut = await cliOnTerminal(['auth', 'logout', 'github'], '')
    expect(loggedOut.exitCode, loggedOut.screen).toBe(0)
    const interrupted = await cliOnTerminal(['auth', 'login', 'github'], `${OTHER.slice(0, 10)}\u0003`)
    expect(interrupted.exitCode).toBe(2)
    expect(interrupted.screen).toContain('regctl: cancelled: nothing was stored')
    expect(await lookup(apiHost)).toBeUndefined()
  })

  // The bundled commands run as a vm.Script (bin/code-cache.js). An import() there of the keyring
  // binding made Node print an ExperimentalWarning on every run that touched the keyring.
  it('no run printed a Node warning', () => {
    expect(outputs.length).toBeGreaterThan(20)
    for (const output of outputs) expect(output).not.toMatch(/\(node:\d+\)|Warning:/)
  })

  it('no run printed a token', () => {
    expect(outputs.length).toBeGreaterThan(20)
    for (const output of outputs) {
      for (const secret of ALL_SECRETS) {
        expect(output).not.toContain(secret)
        // Not even the part after the prefix.
        expect(output).not.toContain(secret.slice(4, -4))
      }
    }
  })
})
