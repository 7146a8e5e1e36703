/**
 * The `ghcr ls` command: flags and environment wired into the library, exact human output,
 * the `--json` document (validated against docs/json/ghcr-ls.schema.json) and exit codes.
 */
import {readFileSync} from 'node:fs'

import {ux} from '@oclif/core/ux'
import {Ajv} from 'ajv'
import nock from 'nock'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import GhcrLs from '../../../src/commands/ghcr/ls.js'
import {errorBody, fixtures, makePackages, makeVersions, rateLimitHeaders} from '../../fixtures/github/factory.js'
import {runCommand, type CommandOutput} from './run-command.js'

// The command sends GitHub requests with a fetch on undici's dispatchers (src/runtime/github-fetch.ts),
// which nock cannot see; here the same requests go through the global fetch, which nock intercepts.
// That fetch is tested on its own against a loopback server (test/unit/runtime/github-fetch.test.ts)
// and the built CLI against the fake GitHub API (test/integration/ghcr-ls.test.ts).
vi.mock('../../../src/runtime/github-fetch.js', () => ({
  createGitHubFetch: () => ({fetch: async (url: string, init: RequestInit) => globalThis.fetch(url, init), close: async () => undefined}),
}))

const API = 'https://api.github.com'
const TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6abcd'

const schema = JSON.parse(readFileSync(new URL('../../../docs/json/ghcr-ls.schema.json', import.meta.url), 'utf8')) as object
const errorSchema = JSON.parse(readFileSync(new URL('../../../docs/json/error.schema.json', import.meta.url), 'utf8')) as object
const ajv = new Ajv({allErrors: true})
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/)
ajv.addFormat('uri', {validate: (value: string) => URL.canParse(value)})
const validateResult = ajv.compile(schema)
const validateError = ajv.compile(errorSchema)

/** `regctl ghcr ls` with no GitHub token or host from the developer's environment and no keyring. */
const run = (argv: string[], env: Record<string, string | undefined> = {}): Promise<CommandOutput> =>
  runCommand(GhcrLs, argv, {GH_TOKEN: undefined, GITHUB_TOKEN: undefined, GITHUB_API_URL: undefined, GH_HOST: undefined, REGCTL_NO_KEYRING: '1', ...env})

beforeEach(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('ghcr ls (human output)', () => {
  it('OWNER, piped: tab-separated rows on stdout; the token source and the summary on stderr', async () => {
    nock(API)
      .get('/users/acme')
      .reply(200, fixtures.organization)
      .get('/orgs/acme/packages')
      .query(true)
      .reply(200, makePackages('acme', 2), rateLimitHeaders(4990))
    const {stdout, stderr, exitCode} = await run(['acme'], {GH_TOKEN: TOKEN})
    expect(exitCode).toBe(0)
    expect(stdout).toBe(['pkg-000\tpublic\tacme/app\t2024-06-30 00:00Z', 'pkg-001\tpublic\t\t2024-06-29 00:00Z', ''].join('\n'))
    expect(stderr).toBe(
      ['regctl: using the classic token from GH_TOKEN (ghp_…abcd)', '2 container packages listed for acme; API quota 4990/5000, resets 2030-03-17 17:46Z', ''].join('\n'),
    )
    expect(stderr + stdout).not.toContain(TOKEN)
  })

  it('GITHUB_API_URL wins and --token beats GH_TOKEN', async () => {
    let auth: unknown
    nock('https://ghe.example.com')
      .get('/api/v3/users/acme/packages')
      .query(true)
      .reply(function () {
        auth = this.req.headers['authorization']
        return [200, []]
      })
    const other = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4wxyz'
    const {stdout, stderr, exitCode} = await run(['acme', '--user', '--token', other], {GH_TOKEN: TOKEN, GITHUB_API_URL: 'https://ghe.example.com/api/v3'})
    expect(exitCode).toBe(0)
    expect(auth).toBe(`token ${other}`)
    expect(stdout).toBe('')
    expect(stderr).toContain('from --token (ghp_…wxyz)')
    expect(stderr).toContain('0 container packages listed for acme\n')
  })

  it('--hostname maps to the GHES API, with the enterprise token (GH_TOKEN is github.com\'s, as in gh)', async () => {
    nock('https://ghe.example.com').get('/api/v3/user/packages').query(true).reply(200, [])
    const {exitCode} = await run(['--hostname', 'ghe.example.com'], {GH_ENTERPRISE_TOKEN: TOKEN})
    expect(exitCode).toBe(0)
    const github = await run(['--hostname', 'ghe.example.com'], {GH_TOKEN: TOKEN})
    expect(github.exitCode).toBe(1)
    expect(github.stderr).toContain('GH_ENTERPRISE_TOKEN')
  })

  it('OWNER/PACKAGE with --tagged --limit', async () => {
    nock(API).get('/users/acme/packages/container/tools%2Fcli/versions').query(true).reply(200, makeVersions('acme', 'tools/cli', 10))
    const {stdout, stderr, exitCode} = await run(['acme/tools/cli', '--user', '--tagged', '--limit', '2'], {GH_TOKEN: TOKEN})
    expect(exitCode).toBe(0)
    expect(stderr.split('\n').at(-2)).toBe('2 versions listed for acme/tools/cli; more exist (raise --limit)')
    expect(stdout.split('\n')).toHaveLength(3)
    expect(stdout).toContain('\t1.0.1000, latest\t')

    nock(API).get('/users/acme/packages/container/tools%2Fcli/versions').query(true).reply(200, makeVersions('acme', 'tools/cli', 10))
    const quiet = await run(['acme/tools/cli', '--user', '--tagged', '--limit', '2', '-q'], {GH_TOKEN: TOKEN})
    expect(quiet.stdout).toMatch(/^sha256:[0-9a-f]{64}\nsha256:[0-9a-f]{64}\n$/)
  })
})

describe('ghcr ls --json', () => {
  it('packages: the typed result, valid against docs/json/ghcr-ls.schema.json', async () => {
    nock(API)
      .get('/orgs/acme/packages')
      .query(true)
      .reply(200, makePackages('acme', 3), rateLimitHeaders(4990))
      .get(/\/orgs\/acme\/packages\/container\/pkg-00\d\/versions/)
      .query(true)
      .times(3)
      .reply(200, makeVersions('acme', 'x', 4), rateLimitHeaders(4980))
    const {stdout, stderr, exitCode} = await run(['acme', '--org', '--with-tags', '--json'], {GH_TOKEN: TOKEN})
    expect(exitCode).toBe(0)
    expect(stderr).toBe('')
    const doc = JSON.parse(stdout) as Record<string, unknown>
    expect(validateResult(doc), JSON.stringify(validateResult.errors)).toBe(true)
    expect(doc).toMatchObject({
      kind: 'packages',
      source: 'api',
      owner: 'acme',
      ownerType: 'organization',
      apiUrl: API,
      auth: {source: 'GH_TOKEN', tokenKind: 'classic', redacted: 'ghp_…abcd'},
      rateLimit: {limit: 5000, remaining: 4980, reset: '2030-03-17T17:46:40.000Z'},
      truncated: false,
      warnings: [],
    })
    expect((doc['packages'] as Array<{newestTags: string[]}>)[0]?.newestTags).toEqual(['1.0.1000', 'latest', '1.0.999'])
    // Byte for byte what oclif's logJson prints without a theme (BaseCommand.printJson skips its token pass).
    expect(stdout).toBe(`${ux.colorizeJson(doc, {pretty: true})}\n`)
  })

  it('versions: valid against the schema', async () => {
    nock(API).get('/users/acme/packages/container/app/versions').query(true).reply(200, makeVersions('acme', 'app', 5), rateLimitHeaders(1))
    const {stdout, exitCode} = await run(['acme/app', '--user', '--tagged', '--json'], {GITHUB_TOKEN: TOKEN})
    expect(exitCode).toBe(0)
    const doc = JSON.parse(stdout) as {versions: Array<{tags: string[]}>; auth: unknown}
    expect(validateResult(doc), JSON.stringify(validateResult.errors)).toBe(true)
    expect(doc.versions).toHaveLength(4)
    expect(doc.auth).toEqual({source: 'GITHUB_TOKEN', tokenKind: 'classic', redacted: 'ghp_…abcd'})
  })

  it('the schema rejects a document that breaks the contract', () => {
    expect(validateResult({kind: 'packages', source: 'api', auth: {source: 'none'}, truncated: false, warnings: [], owner: 'acme', ownerType: 'user', apiUrl: API})).toBe(false)
    expect(validateResult({kind: 'tags', source: 'api', auth: {source: 'none'}, truncated: false, warnings: [], owner: 'acme', package: 'a', repository: 'r', tags: []})).toBe(false)
    expect(validateResult({kind: 'tags', source: 'registry', auth: {source: 'GH_TOKEN', tokenKind: 'classic', redacted: TOKEN}, truncated: false, warnings: [], owner: 'acme', package: 'a', repository: 'r', tags: []})).toBe(false)
  })
})

describe('exit codes', () => {
  const versions = '/users/acme/packages/container/app/versions'
  it.each<[string, () => void, Record<string, string>, string[], number, string]>([
    ['401', () => nock(API).get(versions).query(true).reply(401, errorBody('bad-credentials')), {GH_TOKEN: TOKEN}, [], 1, 'bad credentials'],
    ['403 scope', () => nock(API).get(versions).query(true).reply(403, errorBody('missing-scope'), {'x-oauth-scopes': 'repo'}), {GH_TOKEN: TOKEN}, [], 1, 'gh auth refresh -s read:packages'],
    ['404', () => nock(API).get(versions).query(true).reply(404, errorBody('not-found')), {GH_TOKEN: TOKEN}, [], 1, 'not found, or not visible'],
    ['no token', () => undefined, {}, [], 1, 'set GH_TOKEN'],
    ['rate limit exhausted', () => nock(API).get(versions).query(true).reply(403, errorBody('rate-limit'), rateLimitHeaders(0)), {GH_TOKEN: TOKEN}, [], 3, 'rate limit exhausted'],
    ['unreachable', () => nock(API).get(versions).query(true).times(3).replyWithError({code: 'ECONNREFUSED', message: 'refused'}), {GH_TOKEN: TOKEN}, ['--timeout', '1'], 3, 'could not reach'],
    ['bad target', () => undefined, {GH_TOKEN: TOKEN}, ['--tagged'], 2, 'without a tag or digest'],
    ['conflicting flags', () => undefined, {GH_TOKEN: TOKEN}, ['--tagged', '--untagged'], 2, '--untagged'],
  ])('%s', async (name, mount, env, extra, exitCode, message) => {
    mount()
    const target = name === 'bad target' ? 'acme/app:1.0' : 'acme/app'
    const human = await run([target, '--user', ...extra], env)
    expect(human.exitCode).toBe(exitCode)
    expect(human.stderr).toContain(message)
    expect(human.stderr + human.stdout).not.toContain(TOKEN)
  }, 20_000)

  it('under --json an error keeps its exit code and prints nothing else on stdout', async () => {
    nock(API).get(versions).query(true).reply(401, errorBody('bad-credentials'))
    const {stdout, exitCode} = await run(['acme/app', '--user', '--json'], {GH_TOKEN: TOKEN})
    expect(exitCode).toBe(1)
    expect(stdout).not.toContain(TOKEN)
    // BaseCommand prints the error document itself: {"error": {code, message}} and nothing else.
    const doc = JSON.parse(stdout) as unknown
    expect(validateError(doc), JSON.stringify(validateError.errors)).toBe(true)
    expect(doc).toMatchObject({error: {code: 'GITHUB_API'}})
  })
})
