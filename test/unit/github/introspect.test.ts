/**
 * Token introspection against nock answers shaped like api.github.com's (bodies validated against
 * GitHub's OpenAPI schemas), and the pure scope / expiry rules.
 */
import {readFileSync} from 'node:fs'

import nock from 'nock'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {NetworkError, ProtocolError, TimeoutError} from '../../../src/lib/errors.js'
import {expiryStatus, type ExpiryStatus} from '../../../src/lib/expiry.js'
import {introspectToken, parseTokenExpiration, type IntrospectDeps} from '../../../src/lib/github/introspect.js'
import {parseRateLimit} from '../../../src/lib/github/rate-limit.js'
import {excessiveScopes, expandScopes, missingScopes, parseScopes, scopeSatisfies} from '../../../src/lib/github/scopes.js'
import {githubSchema} from './openapi.js'

const API = 'https://api.github.com'
const NOW = new Date('2026-06-01T12:00:00Z')
const CLASSIC = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6a1b2'
const FINE = 'github_pat_11ABCDEFG0_' + 'k'.repeat(59) + 'f1n3'
const INSTALLATION = 'ghs_' + 'Q'.repeat(32) + 'inst'
const APP_USER = 'ghu_' + 'U'.repeat(32) + 'user'
const OAUTH = 'gho_' + 'O'.repeat(32) + 'oaut'

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>
const PRIVATE_USER = fixture('user-private')
const PUBLIC_USER = fixture('user-public')
const BOT_USER = fixture('user-bot')

const rate = (remaining = 4999, reset = 1_780_000_000): Record<string, string> => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
  'x-ratelimit-used': String(5000 - remaining),
  'x-ratelimit-resource': 'core',
})

const BAD_CREDENTIALS = {message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401'}
const NOT_ACCESSIBLE = {
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  status: '403',
}

const deps = (token: string, extra: Partial<IntrospectDeps> = {}): IntrospectDeps => ({apiUrl: API, token, now: NOW, timeoutMs: 5_000, ...extra})

beforeEach(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('fixtures', () => {
  it.each([
    ['user-private', 'private-user'],
    ['user-public', 'public-user'],
    ['user-bot', 'public-user'],
  ])('%s follows the %s schema of GitHub\'s OpenAPI description', (name, schema) => {
    const validate = githubSchema(schema)
    expect(validate(fixture(name)), JSON.stringify(validate.errors)).toBe(true)
  })
})

describe('introspectToken', () => {
  it('reads login, scopes, expiry and rate limit of a classic PAT from GET /user', async () => {
    let seen: Record<string, string | string[] | undefined> = {}
    const scope = nock(API)
      .get('/user')
      .reply(function () {
        seen = this.req.headers
        return [
          200,
          PRIVATE_USER,
          {
            'x-oauth-scopes': 'read:packages, repo, admin:org',
            'x-accepted-oauth-scopes': '',
            'github-authentication-token-expiration': '2026-12-31 23:59:59 UTC',
            ...rate(4321, 1_780_000_000),
          },
        ]
      })

    const result = await introspectToken(deps(CLASSIC))
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({
      apiUrl: API,
      tokenKind: 'classic',
      redacted: 'ghp_…a1b2',
      status: 'valid',
      checkedVia: {method: 'GET', path: '/user', httpStatus: 200},
      login: 'octocat',
      accountType: 'User',
      scopes: ['read:packages', 'repo', 'admin:org'],
      acceptedScopes: [],
      expiresAt: '2026-12-31T23:59:59.000Z',
      expiry: 'ok',
      rateLimit: {limit: 5000, remaining: 4321, reset: new Date(1_780_000_000 * 1000).toISOString()},
      installationRepositories: null,
      message: null,
      notes: [],
    })
    expect(seen['authorization']).toBe(`token ${CLASSIC}`)
    expect(seen['accept']).toBe('application/vnd.github+json')
    expect(seen['x-github-api-version']).toBe('2022-11-28')
    expect(JSON.stringify(result)).not.toContain(CLASSIC.slice(4))
  })

  it('a classic PAT without the expiration header never expires; an empty scope header is "no scopes"', async () => {
    nock(API).get('/user').reply(200, PUBLIC_USER, {'x-oauth-scopes': '', ...rate()})
    const result = await introspectToken(deps(CLASSIC))
    expect(result).toMatchObject({status: 'valid', login: 'monalisa', scopes: [], expiresAt: null, expiry: 'no-expiry'})
  })

  it('a fine-grained PAT reports no scopes (null, not "none") and its expiry', async () => {
    nock(API)
      .get('/user')
      .reply(200, PRIVATE_USER, {'github-authentication-token-expiration': '2026-06-05 08:00:00 UTC', ...rate()})
    const result = await introspectToken(deps(FINE))
    expect(result).toMatchObject({tokenKind: 'fine-grained', redacted: 'github_pat_…f1n3', scopes: null, expiry: 'expiring-soon', expiresAt: '2026-06-05T08:00:00.000Z'})
  })

  it('an OAuth token (what gh stores) without expiry header never expires', async () => {
    nock(API).get('/user').reply(200, PRIVATE_USER, {'x-oauth-scopes': 'gist, read:org, repo, workflow'})
    expect(await introspectToken(deps(OAUTH))).toMatchObject({tokenKind: 'oauth', expiry: 'no-expiry', scopes: ['gist', 'read:org', 'repo', 'workflow'], rateLimit: null})
  })

  it('a GitHub App user token reads /user (a bot account); its expiry is unknown without the header', async () => {
    nock(API).get('/user').reply(200, BOT_USER, rate())
    expect(await introspectToken(deps(APP_USER))).toMatchObject({tokenKind: 'user-to-server', login: 'regctl-bot[bot]', accountType: 'Bot', expiry: 'unknown', scopes: null})
  })

  it('a past expiration date is "expired"', async () => {
    nock(API).get('/user').reply(200, PRIVATE_USER, {'github-authentication-token-expiration': '2026-05-31 23:59:59 UTC', 'x-oauth-scopes': 'read:packages'})
    expect(await introspectToken(deps(CLASSIC))).toMatchObject({expiry: 'expired', expiresAt: '2026-05-31T23:59:59.000Z'})
  })

  it('an unreadable expiration header is "unknown", with a note', async () => {
    nock(API).get('/user').reply(200, PRIVATE_USER, {'github-authentication-token-expiration': 'next tuesday', 'x-oauth-scopes': 'read:packages'})
    const result = await introspectToken(deps(CLASSIC))
    expect(result.expiry).toBe('unknown')
    expect(result.notes).toEqual(['unreadable GitHub-Authentication-Token-Expiration header "next tuesday": expiry unknown'])
  })

  it('401 is a rejected token (expired or revoked): no fallback requests, no scopes', async () => {
    const scope = nock(API).get('/user').reply(401, BAD_CREDENTIALS, rate(59))
    const result = await introspectToken(deps(CLASSIC))
    expect(scope.isDone()).toBe(true)
    expect(result).toMatchObject({status: 'rejected', login: null, scopes: null, expiry: 'unknown', message: 'Bad credentials', checkedVia: {path: '/user', httpStatus: 401}})
  })

  it('an installation token gets 403 on /user and is confirmed through /installation/repositories', async () => {
    const scope = nock(API)
      .get('/user')
      .reply(403, NOT_ACCESSIBLE, rate(999))
      .get('/installation/repositories')
      .query({per_page: '1'})
      .reply(200, {total_count: 3, repository_selection: 'selected', repositories: []}, rate(998))
    const result = await introspectToken(deps(INSTALLATION))
    expect(scope.isDone()).toBe(true)
    expect(result).toMatchObject({
      tokenKind: 'installation',
      status: 'valid',
      login: null,
      scopes: null,
      expiry: 'unknown',
      installationRepositories: 3,
      checkedVia: {path: '/installation/repositories?per_page=1', httpStatus: 200},
      message: null,
      rateLimit: {remaining: 998},
    })
    expect(result.notes).toEqual(['installation tokens cannot read /user: the login is unknown'])
  })

  it('falls back to /rate_limit when /installation/repositories is refused too', async () => {
    const scope = nock(API)
      .get('/user')
      .reply(403, NOT_ACCESSIBLE)
      .get('/installation/repositories')
      .query(true)
      .reply(403, NOT_ACCESSIBLE)
      .get('/rate_limit')
      .reply(200, {resources: {}, rate: {limit: 1000, used: 1, remaining: 999, reset: 1_780_000_000}}, rate(999))
    const result = await introspectToken(deps(INSTALLATION))
    expect(scope.isDone()).toBe(true)
    expect(result).toMatchObject({status: 'valid', checkedVia: {path: '/rate_limit', httpStatus: 200}, installationRepositories: null})
  })

  it('a revoked installation token is rejected by the fallback', async () => {
    nock(API).get('/user').reply(403, NOT_ACCESSIBLE).get('/installation/repositories').query(true).reply(401, BAD_CREDENTIALS)
    expect(await introspectToken(deps(INSTALLATION))).toMatchObject({status: 'rejected', message: 'Bad credentials'})
  })

  it('a 403 "not accessible by integration" for a token of unknown format also takes the installation path', async () => {
    const scope = nock(API).get('/user').reply(403, NOT_ACCESSIBLE).get('/installation/repositories').query(true).reply(200, {total_count: 0, repositories: []})
    const result = await introspectToken(deps('v1.' + 'a'.repeat(40)))
    expect(scope.isDone()).toBe(true)
    expect(result).toMatchObject({tokenKind: 'unknown', status: 'valid', installationRepositories: 0})
  })

  it('a rate-limited /user is "unknown" and asks nothing else', async () => {
    const scope = nock(API)
      .get('/user')
      .reply(403, {message: 'API rate limit exceeded for user ID 1.'}, {...rate(0, 1_780_000_000)})
    const result = await introspectToken(deps(INSTALLATION))
    expect(scope.isDone()).toBe(true)
    expect(result.status).toBe('unknown')
    expect(result.notes).toEqual([`GET /user answered HTTP 403: rate limited until ${new Date(1_780_000_000 * 1000).toISOString()}; could not verify the token`])
  })

  it.each([
    [500, {message: 'Server Error'}, 'GET /user answered HTTP 500: GitHub had a problem; could not verify the token'],
    [404, {message: 'Not Found'}, 'GET /user answered HTTP 404: is the API URL right (GitHub Enterprise Server serves it under /api/v3)?'],
    [418, {message: 'teapot'}, 'GET /user answered HTTP 418 (teapot): could not verify the token'],
  ])('HTTP %i is "unknown"', async (status, body, note) => {
    nock(API).get('/user').reply(status, body)
    const result = await introspectToken(deps(CLASSIC))
    expect(result).toMatchObject({status: 'unknown', login: null, expiry: 'unknown', checkedVia: {httpStatus: status}})
    expect(result.notes).toEqual([note])
  })

  it('does not follow a redirect with the token', async () => {
    const scope = nock(API).get('/user').reply(301, '', {location: 'https://elsewhere.example/user'})
    const result = await introspectToken(deps(CLASSIC))
    expect(scope.isDone()).toBe(true)
    expect(result.status).toBe('unknown')
    expect(result.notes[0]).toContain('(a redirect): is the API URL right?')
  })

  it('uses the GHES base path', async () => {
    const scope = nock('https://ghe.example.com').get('/api/v3/user').reply(200, PRIVATE_USER, {'x-oauth-scopes': 'read:packages'})
    const result = await introspectToken(deps(CLASSIC, {apiUrl: 'https://ghe.example.com/api/v3/'}))
    expect(scope.isDone()).toBe(true)
    expect(result).toMatchObject({apiUrl: 'https://ghe.example.com/api/v3', status: 'valid', login: 'octocat'})
  })

  it('a 200 that is not a GitHub user is a protocol error (a wrong GITHUB_API_URL must not "validate" a token)', async () => {
    nock(API).get('/user').reply(200, '<html>hello</html>', {'content-type': 'text/html'})
    const error = await introspectToken(deps(CLASSIC)).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as Error).message).toBe('https://api.github.com/user: the answer is not a GitHub user (is the API URL right?)')
  })

  it('a transport failure is a NetworkError that does not hold the token', async () => {
    nock(API).get('/user').replyWithError({code: 'ECONNRESET', message: `socket hang up ${CLASSIC}`})
    const error = await introspectToken(deps(CLASSIC)).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(/^could not reach https:\/\/api\.github\.com\/user: /)
    expect((error as Error).message).not.toContain(CLASSIC)
  })

  it('a slow answer is a TimeoutError', async () => {
    nock(API).get('/user').delay(2_000).reply(200, PRIVATE_USER)
    const error = await introspectToken(deps(CLASSIC, {timeoutMs: 100})).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeoutMs).toBe(100)
  })

  it('refuses a body over 1 MiB', async () => {
    nock(API).get('/user').reply(200, 'x'.repeat(1024 * 1024 + 10))
    await expect(introspectToken(deps(CLASSIC))).rejects.toBeInstanceOf(ProtocolError)
  })

  it('uses an injected fetch', async () => {
    const calls: string[] = []
    const fetch = async (input: string): Promise<Response> => {
      calls.push(input)
      return new Response(JSON.stringify(PRIVATE_USER), {status: 200, headers: {'x-oauth-scopes': 'write:packages'}})
    }

    const result = await introspectToken(deps(CLASSIC, {fetch, apiUrl: 'https://api.test'}))
    expect(calls).toEqual(['https://api.test/user'])
    expect(result).toMatchObject({status: 'valid', scopes: ['write:packages']})
  })
})

describe('parseTokenExpiration', () => {
  it.each<[string | null | undefined, string | undefined]>([
    ['2026-12-31 23:59:59 UTC', '2026-12-31T23:59:59.000Z'],
    ['  2026-12-31 23:59:59 UTC  ', '2026-12-31T23:59:59.000Z'],
    ['2026-12-31 23:59:59 utc', '2026-12-31T23:59:59.000Z'],
    ['2027-03-31 00:00:00 +0900', '2027-03-30T15:00:00.000Z'],
    ['2027-03-31 00:00:00 -05:00', '2027-03-31T05:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00.250Z', '2026-01-01T00:00:00.250Z'],
    ['2026-01-01 00:00:00 GMT', '2026-01-01T00:00:00.000Z'],
    ['2026-12-31 23:59:59', undefined],
    ['2026-02-30 00:00:00 UTC', undefined],
    ['2026-13-01 00:00:00 UTC', undefined],
    ['2026-12-31 24:00:00 UTC', undefined],
    ['2026-12-31 23:59:59 +1500', undefined],
    ['2026-12-31', undefined],
    ['Thu, 31 Dec 2026 23:59:59 GMT', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %s', (header, expected) => {
    expect(parseTokenExpiration(header)?.toISOString()).toBe(expected)
  })
})

describe('expiryStatus', () => {
  const day = 24 * 60 * 60 * 1000
  it.each<[string, Date | null | undefined, ExpiryStatus]>([
    ['no expiry', null, 'no-expiry'],
    ['unknown', undefined, 'unknown'],
    ['invalid date', new Date('nope'), 'unknown'],
    ['a second ago', new Date(NOW.getTime() - 1000), 'expired'],
    ['exactly now', new Date(NOW.getTime()), 'expired'],
    ['in one hour', new Date(NOW.getTime() + 3600 * 1000), 'expiring-soon'],
    ['in exactly 7 days', new Date(NOW.getTime() + 7 * day), 'expiring-soon'],
    ['in 7 days and a second', new Date(NOW.getTime() + 7 * day + 1000), 'ok'],
    ['in a year', new Date(NOW.getTime() + 365 * day), 'ok'],
  ])('%s', (_name, expiresAt, expected) => {
    expect(expiryStatus(expiresAt, NOW)).toBe(expected)
  })

  it('takes another window', () => {
    expect(expiryStatus(new Date(NOW.getTime() + 20 * day), NOW, 30)).toBe('expiring-soon')
  })
})

describe('scopes', () => {
  it.each<[string[], string, boolean]>([
    [['read:packages'], 'read:packages', true],
    [['write:packages'], 'read:packages', true],
    [['write:packages'], 'write:packages', true],
    [['read:packages'], 'write:packages', false],
    [['delete:packages'], 'write:packages', false],
    [['delete:packages'], 'read:packages', false],
    [['repo'], 'read:packages', false],
    [['repo'], 'repo:status', true],
    [['repo'], 'public_repo', true],
    [['public_repo'], 'repo', false],
    [['admin:org'], 'write:org', true],
    [['admin:org'], 'read:org', true],
    [['write:org'], 'admin:org', false],
    [['read:org'], 'write:org', false],
    [['user'], 'user:email', true],
    [['admin:repo_hook'], 'read:repo_hook', true],
    [['admin:enterprise'], 'manage_runners:enterprise', true],
    [[' write:packages '], 'read:packages', true],
    [[], 'read:packages', false],
    [[], '', true],
  ])('%j satisfies %s: %s', (granted, required, expected) => {
    expect(scopeSatisfies(granted, required)).toBe(expected)
  })

  it('expands implied scopes transitively, granted first', () => {
    expect(expandScopes(['admin:org', 'write:packages'])).toEqual(['admin:org', 'write:packages', 'write:org', 'manage_runners:org', 'read:packages', 'read:org'])
  })

  it('lists the missing required scopes', () => {
    expect(missingScopes(['write:packages'], ['read:packages', 'delete:packages', 'delete:packages', ''])).toEqual(['delete:packages'])
  })

  it.each<[string[], string[], string[]]>([
    [['read:packages'], [], []],
    [['write:packages', 'read:packages'], [], []],
    [['read:org', 'read:user', 'user:email'], [], []],
    [['repo', 'read:packages', 'workflow', 'delete_repo', 'admin:org', 'delete:packages', 'write:org', 'site_admin'], [], ['repo', 'workflow', 'delete_repo', 'admin:org', 'delete:packages', 'write:org', 'site_admin']],
    [['delete:packages', 'write:packages'], ['delete:packages'], []],
    [['gist', 'gist', 'admin:public_key', 'public_repo', 'user', 'codespace'], [], ['gist', 'admin:public_key', 'public_repo', 'user', 'codespace']],
  ])('excessive scopes of %j (needed %j): %j', (granted, needed, expected) => {
    expect(excessiveScopes(granted, needed)).toEqual(expected)
  })

  it.each<[string | null | undefined, string[] | null]>([
    [null, null],
    [undefined, null],
    ['', []],
    ['  ', []],
    ['repo, read:packages', ['repo', 'read:packages']],
    ['repo,repo , ,gist', ['repo', 'gist']],
  ])('parseScopes(%j)', (header, expected) => {
    expect(parseScopes(header)).toEqual(expected)
  })

  it('parses the rate limit only when all three headers are integers', () => {
    expect(parseRateLimit(rate(10, 1_780_000_000))).toEqual({limit: 5000, remaining: 10, reset: new Date(1_780_000_000_000).toISOString()})
    expect(parseRateLimit({'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': 'x', 'x-ratelimit-reset': '1'})).toBeNull()
    expect(parseRateLimit({})).toBeNull()
  })
})
