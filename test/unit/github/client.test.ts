/**
 * The GitHub client and the packages functions against nock: what is sent, how pages are
 * fetched (and not fetched), rate limits, and every error a user can act on.
 */
import nock from 'nock'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {GitHubApiError, NetworkError, TimeoutError} from '../../../src/lib/errors.js'
import {createGitHubClient, type GitHubClientOptions} from '../../../src/lib/github/client.js'
import {listPackages, listPackageVersions, newestTags, resolveOwnerType, addNewestTags} from '../../../src/lib/github/packages.js'
import type {ResolvedGitHubToken} from '../../../src/lib/github/types.js'
import {errorBody, fixtures, linkHeader, makePackages, makeVersions, pageCount, pageOf, rateLimitHeaders} from '../../fixtures/github/factory.js'

const API = 'https://api.github.com'
const TOKEN: ResolvedGitHubToken = {token: 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6abcd', source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd'}
const FINE: ResolvedGitHubToken = {token: 'github_pat_11ABCDEFG0_' + 'x'.repeat(60) + 'wxyz', source: 'GH_TOKEN', kind: 'fine-grained', redacted: 'github_pat_…wxyz'}
const ACTIONS: ResolvedGitHubToken = {token: 'ghs_' + 'Q'.repeat(36), source: 'GITHUB_TOKEN', kind: 'installation', redacted: 'ghs_…QQQQ'}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Seen = {path: string; page: number; perPage: number; headers: Record<string, string | string[] | undefined>}

function client(options: Partial<GitHubClientOptions> = {}) {
  return createGitHubClient({apiUrl: API, token: TOKEN, retries: 1, retryUnitMs: 1, ...options})
}

/** Serves `items` on `path` with GitHub's page-number pagination; records each request. */
function servePaged(path: string, items: unknown[], seen: Seen[], extraHeaders: Record<string, string> = {}): void {
  nock(API)
    .get(path)
    .query(true)
    .times(1000)
    .reply(function (uri) {
      const url = new URL(uri, API)
      const page = Number(url.searchParams.get('page') ?? '1')
      const perPage = Number(url.searchParams.get('per_page') ?? '30')
      seen.push({path: url.pathname, page, perPage, headers: this.req.headers})
      const last = pageCount(items.length, perPage)
      const link = linkHeader(url, page, last)
      return [200, pageOf(items, page, perPage), {...rateLimitHeaders(4000 - seen.length), ...(link ? {link} : {}), ...extraHeaders}]
    })
}

beforeEach(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('requests', () => {
  it('sends the token, the API version and a user agent', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages', makePackages('acme', 3), seen)
    const github = await client({userAgent: 'regctl/9.9.9'})
    await listPackages(github, {owner: 'acme', ownerType: 'user'})
    expect(seen[0]?.headers['authorization']).toBe(`token ${TOKEN.token}`)
    expect(seen[0]?.headers['x-github-api-version']).toBe('2022-11-28')
    expect(String(seen[0]?.headers['user-agent'])).toMatch(/^regctl\/9\.9\.9 /)
  })

  it('sends no Authorization without a token', async () => {
    let auth: unknown = 'unset'
    nock(API)
      .get('/users/octocat')
      .reply(function () {
        auth = this.req.headers['authorization']
        return [200, fixtures.user]
      })
    expect(await resolveOwnerType(await client({token: undefined}), 'octocat')).toBe('user')
    expect(auth).toBeUndefined()
  })

  it.each([
    ['Organization', fixtures.organization, 'organization'],
    ['User', fixtures.user, 'user'],
  ])('tells a %s from GET /users/{owner}', async (_name, body, expected) => {
    nock(API).get('/users/acme').reply(200, body)
    expect(await resolveOwnerType(await client(), 'acme')).toBe(expected)
  })

  it.each([
    ['user', '/users/acme/packages'],
    ['organization', '/orgs/acme/packages'],
    ['authenticated-user', '/user/packages'],
  ] as const)('lists the packages of a %s on %s with package_type=container and the visibility', async (ownerType, path) => {
    let query: URLSearchParams | undefined
    nock(API)
      .get(path)
      .query(true)
      .reply((uri) => {
        query = new URL(uri, API).searchParams
        return [200, makePackages('acme', 2)]
      })
    const github = await client()
    const {items} = await listPackages(github, {owner: ownerType === 'authenticated-user' ? null : 'acme', ownerType, visibility: 'private'})
    expect(items.map((pkg) => pkg.name)).toEqual(['pkg-000', 'pkg-001'])
    expect(Object.fromEntries(query ?? [])).toEqual({package_type: 'container', visibility: 'private', per_page: '100'})
  })

  it('sends a package name with "/" as %2F (GitHub answers 404 otherwise)', async () => {
    const seen: Seen[] = []
    servePaged('/orgs/acme/packages/container/tools%2Fcli/versions', makeVersions('acme', 'tools/cli', 5), seen)
    const {items} = await listPackageVersions(await client(), {owner: 'acme', ownerType: 'organization', packageName: 'tools/cli'})
    expect(items).toHaveLength(5)
    expect(seen.map((s) => s.path)).toEqual(['/orgs/acme/packages/container/tools%2Fcli/versions'])
  })

  it('parses versions: digest from name, tags from metadata.container.tags', async () => {
    nock(API).get('/users/octocat/packages/container/hello_docker/versions').query(true).reply(200, [fixtures.versionTagged, fixtures.versionUntagged])
    const {items} = await listPackageVersions(await client(), {owner: 'octocat', ownerType: 'user', packageName: 'hello_docker'})
    expect(items).toEqual([
      {
        id: 45763,
        digest: 'sha256:08a44bab0bddaddd8837a8b381aebc2e4b933768b981685a9e088360af0d3dd9',
        tags: ['latest'],
        createdAt: '2020-09-11T21:56:40Z',
        updatedAt: '2021-02-05T21:32:32Z',
        htmlUrl: 'https://github.com/users/octocat/packages/container/hello_docker/45763',
      },
      expect.objectContaining({id: 45762, tags: []}),
    ])
  })

  it('parses packages: linked repository full_name, or null', async () => {
    nock(API).get('/orgs/acme/packages').query(true).reply(200, [fixtures.packageLinked, fixtures.packageUnlinked])
    const {items} = await listPackages(await client(), {owner: 'acme', ownerType: 'organization'})
    expect(items).toEqual([
      {
        name: 'app',
        visibility: 'public',
        repository: 'acme/app',
        versionCount: 250,
        createdAt: '2023-03-01T10:00:00Z',
        updatedAt: '2024-06-12T08:30:00Z',
        htmlUrl: 'https://github.com/orgs/acme/packages/container/package/app',
      },
      expect.objectContaining({name: 'hello_docker', repository: null, visibility: 'private'}),
    ])
  })

  it('refuses a response that is not the API shape (ProtocolError)', async () => {
    nock(API).get('/orgs/acme/packages').query(true).reply(200, {message: 'not a list'})
    await expect(listPackages(await client(), {owner: 'acme', ownerType: 'organization'})).rejects.toMatchObject({code: 'PROTOCOL'})
    nock(API).get('/orgs/acme/packages').query(true).reply(200, [{name: 'x'}])
    await expect(listPackages(await client(), {owner: 'acme', ownerType: 'organization'})).rejects.toThrow('package.visibility is not a string')
  })
})

describe('pagination', () => {
  it('fetches 137 packages in exactly 2 pages of 100', async () => {
    const seen: Seen[] = []
    servePaged('/orgs/acme/packages', makePackages('acme', 137), seen)
    const github = await client()
    const {items, truncated} = await listPackages(github, {owner: 'acme', ownerType: 'organization'})
    expect(items).toHaveLength(137)
    expect(items[136]?.name).toBe('pkg-136')
    expect(truncated).toBe(false)
    expect(seen.map((s) => [s.page, s.perPage])).toEqual([[1, 100], [2, 100]])
    expect(github.stats.requests).toBe(2)
  })

  it('fetches the pages after the first concurrently (bounded) once Link names the last page', async () => {
    const ROUND_TRIP_MS = 120
    let active = 0
    let peak = 0
    const items = makeVersions('acme', 'app', 950)
    nock(API)
      .get('/orgs/acme/packages/container/app/versions')
      .query(true)
      .times(20)
      .reply(async (uri) => {
        active++
        peak = Math.max(peak, active)
        await sleep(ROUND_TRIP_MS)
        active--
        const url = new URL(uri, API)
        const page = Number(url.searchParams.get('page') ?? '1')
        return [200, pageOf(items, page, 100), {link: linkHeader(url, page, 10) ?? ''}]
      })
    const github = await client()
    const {items: versions} = await listPackageVersions(github, {owner: 'acme', ownerType: 'organization', packageName: 'app', concurrency: 3})
    expect(versions.map((v) => v.id)).toEqual(items.map((v) => v['id']))
    expect(github.stats.requests).toBe(10)
    // 1 page alone, then 9 pages three at a time: counted in flight, not timed (the wall clock
    // of a loaded CI machine proves nothing).
    expect(peak).toBe(3)
  })

  it('--limit stops early: 250 versions, limit 150 → 2 pages, truncated', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages/container/app/versions', makeVersions('acme', 'app', 250), seen)
    const {items, truncated} = await listPackageVersions(await client(), {owner: 'acme', ownerType: 'user', packageName: 'app', limit: 150})
    expect(items).toHaveLength(150)
    expect(truncated).toBe(true)
    expect(seen.map((s) => s.page)).toEqual([1, 2])
  })

  it('--limit within the first page → 1 request', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages/container/app/versions', makeVersions('acme', 'app', 250), seen)
    const {items, truncated} = await listPackageVersions(await client(), {owner: 'acme', ownerType: 'user', packageName: 'app', limit: 7})
    expect(items.map((v) => v.tags[0])).toEqual(['1.0.1000', '1.0.999', undefined, '1.0.997', '1.0.996', undefined, '1.0.994'])
    expect(truncated).toBe(true)
    expect(seen).toHaveLength(1)
  })

  it('a --limit equal to the total is not "truncated"', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages', makePackages('acme', 100), seen)
    const {items, truncated} = await listPackages(await client(), {owner: 'acme', ownerType: 'user', limit: 100})
    expect(items).toHaveLength(100)
    expect(truncated).toBe(false)
    expect(seen).toHaveLength(1)
  })

  it('--tagged with --limit follows pages one by one and stops as soon as it has enough', async () => {
    const seen: Seen[] = []
    // 250 versions, 2 of every 3 tagged: 120 tagged ones need 2 pages (67 + 66 tagged per page…).
    servePaged('/users/acme/packages/container/app/versions', makeVersions('acme', 'app', 250), seen)
    const {items, truncated} = await listPackageVersions(await client(), {
      owner: 'acme',
      ownerType: 'user',
      packageName: 'app',
      filter: 'tagged',
      limit: 120,
    })
    expect(items).toHaveLength(120)
    expect(items.every((v) => v.tags.length > 0)).toBe(true)
    expect(truncated).toBe(true)
    expect(seen.map((s) => s.page)).toEqual([1, 2])
  })

  it('--untagged without a limit reads every page and keeps only untagged versions', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages/container/app/versions', makeVersions('acme', 'app', 250), seen)
    const {items} = await listPackageVersions(await client(), {owner: 'acme', ownerType: 'user', packageName: 'app', filter: 'untagged'})
    expect(items).toHaveLength(83)
    expect(items.every((v) => v.tags.length === 0)).toBe(true)
    expect(seen).toHaveLength(3)
  })

  it('without a last link it follows rel="next" one page at a time', async () => {
    const items = makePackages('acme', 5)
    let requests = 0
    nock(API)
      .get('/user/packages')
      .query(true)
      .times(10)
      .reply((uri) => {
        requests++
        const url = new URL(uri, API)
        const page = Number(url.searchParams.get('page') ?? '1')
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        return [200, pageOf(items, page, 2), page < 3 ? {link: `<${next.toString()}>; rel="next"`} : {}]
      })
    const {items: found} = await listPackages(await client(), {owner: null, ownerType: 'authenticated-user'})
    expect(found).toHaveLength(5)
    expect(requests).toBe(3)
  })

  it('reports progress per page with the total when known', async () => {
    const seen: Seen[] = []
    servePaged('/users/acme/packages', makePackages('acme', 250), seen)
    const progress: Array<[number, number | undefined]> = []
    await listPackages(await client(), {owner: 'acme', ownerType: 'user', onProgress: (n, total) => progress.push([n, total])})
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]])
  })
})

describe('--with-tags', () => {
  it("adds each package's newest tags with one small request per package, bounded", async () => {
    const packages = makePackages('acme', 5)
    let active = 0
    let peak = 0
    const perPackage: string[] = []
    nock(API)
      .get(/^\/orgs\/acme\/packages\/container\/[^/]+\/versions/)
      .query(true)
      .times(5)
      .reply(async (uri) => {
        active++
        peak = Math.max(peak, active)
        await sleep(20)
        active--
        const url = new URL(uri, API)
        const name = decodeURIComponent(url.pathname.split('/')[5] ?? '')
        perPackage.push(`${name}?per_page=${url.searchParams.get('per_page')}`)
        return [200, makeVersions('acme', name, 30)]
      })
    const github = await client()
    const summaries = packages.map((p) => ({
      name: String(p['name']),
      visibility: 'public',
      repository: null,
      versionCount: 1,
      createdAt: '',
      updatedAt: '',
      htmlUrl: '',
    }))
    const withTags = await addNewestTags(github, summaries, {owner: 'acme', ownerType: 'organization', concurrency: 2})
    expect(withTags.map((p) => p.newestTags)).toEqual(Array.from({length: 5}, () => ['1.0.1000', 'latest', '1.0.999']))
    expect(perPackage.sort()).toEqual(['pkg-000', 'pkg-001', 'pkg-002', 'pkg-003', 'pkg-004'].map((n) => `${n}?per_page=30`))
    expect(peak).toBe(2)
  })

  it('newestTags skips untagged versions and de-duplicates', async () => {
    nock(API)
      .get('/user/packages/container/app/versions')
      .query(true)
      .reply(200, [fixtures.versionUntagged, fixtures.versionTagged, {...fixtures.versionTagged, id: 1, metadata: {package_type: 'container', container: {tags: ['latest', 'v2', 'v1']}}}])
    expect(await newestTags(await client(), {owner: null, ownerType: 'authenticated-user', packageName: 'app'})).toEqual(['latest', 'v2', 'v1'])
  })
})

describe('rate limits', () => {
  it('reports the lowest remaining quota of the current window', async () => {
    const seen: Seen[] = []
    servePaged('/orgs/acme/packages', makePackages('acme', 250), seen)
    const github = await client()
    expect(github.rateLimit()).toBeUndefined()
    await listPackages(github, {owner: 'acme', ownerType: 'organization'})
    expect(github.rateLimit()).toEqual({limit: 5000, remaining: 3997, reset: new Date(1_900_000_000_000).toISOString()})
  })

  it('retries a secondary rate limit once after retry-after, and says so', async () => {
    nock(API)
      .get('/users/acme')
      .reply(403, errorBody('secondary-rate-limit'), {'retry-after': '1', ...rateLimitHeaders(4990)})
      .get('/users/acme')
      .reply(200, fixtures.organization, rateLimitHeaders(4989))
    const github = await client()
    expect(await resolveOwnerType(github, 'acme')).toBe('organization')
    expect(github.stats.requests).toBe(2)
    expect(github.warnings).toEqual(['GitHub secondary rate limit on GET /users/{username}; retried once after 1 s'])
  })

  it('gives up after one retry of a secondary rate limit (exit 3)', async () => {
    nock(API).get('/users/acme').times(2).reply(403, errorBody('secondary-rate-limit'), {'retry-after': '1'})
    const github = await client()
    const error = await resolveOwnerType(github, 'acme').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(GitHubApiError)
    expect(error).toMatchObject({exitCode: 3, details: {reason: 'rate-limited', status: 403}})
    expect(github.stats.requests).toBe(2)
  })

  it('does not wait an hour for an exhausted primary quota: fails at once with the reset time (exit 3)', async () => {
    nock(API).get('/users/acme').reply(403, errorBody('rate-limit'), rateLimitHeaders(0, 1_900_000_000))
    const github = await client()
    const error = await resolveOwnerType(github, 'acme').catch((error_: unknown) => error_)
    expect(error).toMatchObject({
      code: 'GITHUB_API',
      exitCode: 3,
      message: 'GitHub API rate limit exhausted (5000 requests per hour); it resets at 2030-03-17T17:46:40.000Z',
      details: {reason: 'rate-limited', resetAt: '2030-03-17T17:46:40.000Z'},
    })
    expect(github.stats.requests).toBe(1)
    expect(github.rateLimit()).toMatchObject({remaining: 0})
  })

  it('maps a 429 without quota headers to rate-limited', async () => {
    nock(API).get('/users/acme').times(2).reply(429, {message: 'Too Many Requests'}, {'retry-after': '1'})
    await expect(resolveOwnerType(await client(), 'acme')).rejects.toMatchObject({exitCode: 3, details: {reason: 'rate-limited', status: 429}})
  })
})

describe('errors a user can act on', () => {
  const versions = '/users/acme/packages/container/app/versions'
  const list = async (token: ResolvedGitHubToken | undefined = TOKEN) =>
    listPackageVersions(await client({token}), {owner: 'acme', ownerType: 'user', packageName: 'app'}).catch((error: unknown) => error)

  it('401 → bad or expired token, naming where it came from (redacted)', async () => {
    nock(API).get(versions).query(true).reply(401, errorBody('bad-credentials'))
    const error = await list()
    expect(error).toMatchObject({code: 'GITHUB_API', exitCode: 1, details: {reason: 'bad-credentials', status: 401}})
    expect((error as Error).message).toContain('GitHub rejected the classic token from GH_TOKEN (ghp_…abcd): bad credentials or an expired/revoked token (HTTP 401)')
    expect((error as Error).message).not.toContain(TOKEN.token)
  })

  it('403 without read:packages in X-OAuth-Scopes → names the scope and gh auth refresh', async () => {
    nock(API).get(versions).query(true).reply(403, errorBody('missing-scope'), {'x-oauth-scopes': 'repo, gist'})
    const error = await list()
    expect(error).toMatchObject({exitCode: 1, details: {reason: 'missing-scope', missingScopes: ['read:packages']}})
    expect((error as Error).message).toBe(
      'The classic token from GH_TOKEN (ghp_…abcd) lacks the read:packages scope (it has: repo, gist). ' +
        'Run `gh auth refresh -s read:packages` or create a classic token with read:packages',
    )
  })

  it('403 with write:packages is not a scope problem', async () => {
    nock(API).get(versions).query(true).reply(403, {message: 'Must have admin rights'}, {'x-oauth-scopes': 'write:packages'})
    expect(await list()).toMatchObject({details: {reason: 'forbidden'}})
  })

  it('400 "Invalid argument." (a token that is not a classic PAT, cli/cli#9606) → one line: classic PAT, gh auth token, --source registry', async () => {
    nock(API).get(versions).query(true).reply(400, {message: 'Invalid argument.', documentation_url: 'https://docs.github.com/rest'})
    const error = await list(FINE)
    expect(error).toMatchObject({exitCode: 1, details: {reason: 'fine-grained-token'}})
    const message = (error as Error).message
    expect(message.split('\n')).toHaveLength(1)
    expect(message).toContain('(HTTP 400 "Invalid argument."): this endpoint needs a classic personal access token with read:packages (`gh auth token` gives one)')
    expect(message).toContain('--source registry')
  })

  it('403 for a fine-grained token → the Packages API takes classic PATs', async () => {
    nock(API).get(versions).query(true).reply(403, errorBody('fine-grained'))
    const error = await list(FINE)
    expect(error).toMatchObject({exitCode: 1, details: {reason: 'fine-grained-token'}})
    expect((error as Error).message).toContain('the Packages API accepts only classic personal access tokens (ghp_)')
    expect((error as Error).message).toContain("GITHUB_TOKEN for packages linked to the workflow's repository")
    expect((error as Error).message).toContain('github_pat_…wxyz')
  })

  it("403 for Actions' GITHUB_TOKEN → hint about linking the package to the repository", async () => {
    nock(API).get(versions).query(true).reply(403, {message: 'Permission denied'})
    const error = await list(ACTIONS)
    expect(error).toMatchObject({details: {reason: 'forbidden'}})
    expect((error as Error).message).toContain("can read only packages linked to the workflow's repository")
  })

  it('404 → not found or not visible to this token', async () => {
    nock(API).get(versions).query(true).reply(404, errorBody('not-found'), {'x-oauth-scopes': 'read:packages'})
    const error = await list()
    expect(error).toMatchObject({exitCode: 1, details: {reason: 'not-found', status: 404}})
    expect((error as Error).message).toBe('package "acme/app" not found, or not visible to the classic token from GH_TOKEN (ghp_…abcd) (HTTP 404)')
  })

  it('404 with a fine-grained token says why it may be invisible', async () => {
    nock(API).get(versions).query(true).reply(404, errorBody('not-found'))
    expect((await list(FINE)) as Error).toHaveProperty('message', expect.stringContaining('fine-grained tokens (github_pat_) are not accepted'))
  })

  it('5xx is retried, then indeterminate (exit 3)', async () => {
    nock(API).get(versions).query(true).times(2).reply(502, errorBody('server-error'))
    const github = await client({retries: 1})
    const error = await listPackageVersions(github, {owner: 'acme', ownerType: 'user', packageName: 'app'}).catch((e: unknown) => e)
    expect(error).toMatchObject({exitCode: 3, details: {reason: 'server-error', status: 502}})
    expect(github.stats.requests).toBe(2)
  })

  it('a 5xx that recovers on retry is invisible', async () => {
    nock(API).get(versions).query(true).reply(503, 'unavailable').get(versions).query(true).reply(200, makeVersions('acme', 'app', 2))
    const github = await client({retries: 2})
    const {items} = await listPackageVersions(github, {owner: 'acme', ownerType: 'user', packageName: 'app'})
    expect(items).toHaveLength(2)
    expect(github.stats.requests).toBe(2)
  })

  it('unreachable → NetworkError (exit 3), not an HTTP 500', async () => {
    nock(API).get(versions).query(true).times(2).replyWithError({code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:443'})
    const error = await list()
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({code: 'NETWORK', exitCode: 3})
  })

  it('a request over its time bound → TimeoutError', async () => {
    nock(API).get(versions).query(true).times(2).delay(500).reply(200, [])
    const github = await client({timeoutMs: 50, retries: 0})
    const error = await listPackageVersions(github, {owner: 'acme', ownerType: 'user', packageName: 'app'}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({exitCode: 3, timeoutMs: 50})
  })

  it('an unexpected 4xx keeps the status', async () => {
    nock(API).get(versions).query(true).reply(422, {message: 'Validation Failed'})
    expect(await list()).toMatchObject({exitCode: 1, details: {reason: 'unexpected-status', status: 422}})
  })
})
