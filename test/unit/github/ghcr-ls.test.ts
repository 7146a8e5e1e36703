/**
 * `ghcrLs` end to end below the command: which endpoint is used, the registry fallback and its
 * limits, and argument combinations that are usage errors.
 */
import nock from 'nock'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {GitHubApiError, RegistryHttpError, UndeterminedError, UsageError} from '../../../src/lib/errors.js'
import {MediaType, type Manifest} from '../../../src/lib/registry/types.js'
import {createGitHubClient} from '../../../src/lib/github/client.js'
import {ghcrLs, type GhcrLsDeps, type GhcrLsRequest} from '../../../src/lib/github/ghcr-ls.js'
import {redactSecrets} from '../../../src/lib/secrets/redact.js'
import type {ResolvedGitHubToken, TagLister} from '../../../src/lib/github/types.js'
import {digestOf, errorBody, fixtures, makePackages, makeVersionOf, makeVersions, rateLimitHeaders} from '../../fixtures/github/factory.js'

const API = 'https://api.github.com'
const TOKEN: ResolvedGitHubToken = {token: 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6abcd', source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd'}

function fakeLister(tags: string[]): TagLister & {calls: Array<[string, string, {limit?: number}]>} {
  const calls: Array<[string, string, {limit?: number}]> = []
  const lister = async function* (registry: string, repository: string, opts: {limit?: number}) {
    calls.push([registry, repository, opts])
    yield* tags.slice(0, opts.limit ?? tags.length)
  }

  return Object.assign(lister, {calls})
}

function deps(overrides: Partial<GhcrLsDeps> = {}): GhcrLsDeps {
  const token = 'token' in overrides ? overrides.token : TOKEN
  return {
    token,
    createClient: () => createGitHubClient({apiUrl: API, token, retries: 0, retryUnitMs: 1}),
    ...overrides,
  }
}

const app: GhcrLsRequest = {target: {owner: 'acme', package: 'App'}}

beforeEach(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('through the API', () => {
  it('looks the owner type up, then lists its packages', async () => {
    nock(API)
      .get('/users/acme')
      .reply(200, fixtures.organization, rateLimitHeaders(4999))
      .get('/orgs/acme/packages')
      .query({package_type: 'container', per_page: '100'})
      .reply(200, makePackages('acme', 2), rateLimitHeaders(4998))
    const result = await ghcrLs({target: {owner: 'acme'}}, deps())
    expect(result).toMatchObject({
      kind: 'packages',
      source: 'api',
      owner: 'acme',
      ownerType: 'organization',
      apiUrl: API,
      auth: {source: 'GH_TOKEN', tokenKind: 'classic', redacted: 'ghp_…abcd'},
      rateLimit: {limit: 5000, remaining: 4998},
      truncated: false,
      warnings: [],
    })
    expect(result.kind === 'packages' && result.packages.map((p) => p.name)).toEqual(['pkg-000', 'pkg-001'])
  })

  it('--org / --user skip the lookup', async () => {
    nock(API).get('/users/acme/packages').query(true).reply(200, [])
    const result = await ghcrLs({target: {owner: 'acme'}, ownerType: 'user'}, deps())
    expect(result).toMatchObject({kind: 'packages', ownerType: 'user', packages: []})
  })

  it('no OWNER → the authenticated user (GET /user/packages)', async () => {
    nock(API).get('/user/packages').query(true).reply(200, makePackages('me', 1))
    expect(await ghcrLs({}, deps())).toMatchObject({kind: 'packages', owner: null, ownerType: 'authenticated-user'})
  })

  it('OWNER/PACKAGE → versions, with carried token notes as warnings', async () => {
    nock(API).get('/users/acme').reply(200, fixtures.user).get('/users/acme/packages/container/App/versions').query(true).reply(200, makeVersions('acme', 'App', 3))
    const result = await ghcrLs(app, deps({tokenNotes: ['OS keyring unavailable (x); set GH_TOKEN or pass --token instead']}))
    expect(result).toMatchObject({kind: 'versions', owner: 'acme', package: 'App', ownerType: 'user'})
    expect(result.warnings).toEqual(['OS keyring unavailable (x); set GH_TOKEN or pass --token instead'])
    expect(result.kind === 'versions' && result.versions).toHaveLength(3)
  })

  it('--with-tags adds newest tags', async () => {
    nock(API)
      .get('/orgs/acme/packages')
      .query(true)
      .reply(200, makePackages('acme', 2))
      .get(/\/orgs\/acme\/packages\/container\/pkg-00[01]\/versions/)
      .query(true)
      .times(2)
      .reply(200, makeVersions('acme', 'x', 5))
    const result = await ghcrLs({target: {owner: 'acme'}, ownerType: 'organization', withTags: true}, deps())
    expect(result.kind === 'packages' && result.packages.map((p) => p.newestTags)).toEqual([
      ['1.0.1000', 'latest', '1.0.999'],
      ['1.0.1000', 'latest', '1.0.999'],
    ])
  })
})

describe('--source registry', () => {
  it('lists tags through the registry, lower-casing the repository, without calling the API', async () => {
    const lister = fakeLister(['1.0', '1.1', 'latest'])
    const createClient = vi.fn()
    const result = await ghcrLs({...app, source: 'registry'}, deps({tagLister: lister, createClient}))
    expect(result).toEqual({
      kind: 'tags',
      exitCode: 0,
      source: 'registry',
      owner: 'acme',
      package: 'App',
      repository: 'ghcr.io/acme/app',
      tags: ['1.0', '1.1', 'latest'],
      truncated: false,
      auth: {source: 'GH_TOKEN', tokenKind: 'classic', redacted: 'ghp_…abcd'},
      warnings: [],
    })
    expect(lister.calls).toEqual([['ghcr.io', 'acme/app', {onTruncated: expect.any(Function)}]])
    expect(createClient).not.toHaveBeenCalled()
  })

  it('--limit asks the registry for one more to tell whether it truncated', async () => {
    const lister = fakeLister(['a', 'b', 'c', 'd'])
    expect(await ghcrLs({...app, source: 'registry', limit: 3}, deps({tagLister: lister}))).toMatchObject({tags: ['a', 'b', 'c'], truncated: true})
    expect(lister.calls[0]?.[2]).toEqual({limit: 4, onTruncated: expect.any(Function)})
    expect(await ghcrLs({...app, source: 'registry', limit: 4}, deps({tagLister: lister}))).toMatchObject({tags: ['a', 'b', 'c', 'd'], truncated: false})
  })
})

describe('--source registry, truncated by a bound', () => {
  it('marks the listing truncated and says why when the lister stops at its bound', async () => {
    const lister: TagLister = async function* (_registry, _repository, opts) {
      yield 'a'
      opts.onTruncated?.('the tag list has more than 1000 pages; stopped there, more exist')
    }

    const result = await ghcrLs({...app, source: 'registry'}, deps({tagLister: lister}))
    expect(result).toMatchObject({tags: ['a'], truncated: true, warnings: ['the tag list has more than 1000 pages; stopped there, more exist']})
  })
})

describe('fallback to the registry', () => {
  it('with no token at all', async () => {
    const onFallback = vi.fn()
    const result = await ghcrLs(app, deps({token: undefined, tagLister: fakeLister(['v1']), onFallback}))
    expect(result).toMatchObject({kind: 'tags', source: 'registry', tags: ['v1'], fallbackReason: 'no GitHub token found', auth: {source: 'none'}})
    expect(onFallback).toHaveBeenCalledWith('no GitHub token found')
  })

  it.each<[string, () => void, string]>([
    ['401 on the owner lookup', () => nock(API).get('/users/acme').reply(401, errorBody('bad-credentials'), rateLimitHeaders(4321)), 'bad credentials'],
    [
      '403 without read:packages on the versions',
      () =>
        nock(API)
          .get('/users/acme')
          .reply(200, fixtures.user)
          .get('/users/acme/packages/container/App/versions')
          .query(true)
          .reply(403, errorBody('missing-scope'), {'x-oauth-scopes': 'repo', ...rateLimitHeaders(4321)}),
      'lacks the read:packages scope',
    ],
  ])('when GitHub rejects the token (%s), with the API rate limit still reported', async (_name, mount, reason) => {
    mount()
    const result = await ghcrLs(app, deps({tagLister: fakeLister(['v1'])}))
    expect(result).toMatchObject({kind: 'tags', source: 'registry', rateLimit: {remaining: 4321}, apiUrl: API})
    expect(result.fallbackReason).toContain(reason)
  })

  it('not on 404: the package is missing, the registry would not know better', async () => {
    nock(API).get('/users/acme').reply(200, fixtures.user).get('/users/acme/packages/container/App/versions').query(true).reply(404, errorBody('not-found'))
    const lister = fakeLister(['v1'])
    await expect(ghcrLs(app, deps({tagLister: lister}))).rejects.toMatchObject({details: {reason: 'not-found'}})
    expect(lister.calls).toEqual([])
  })

  it('not with --source api', async () => {
    nock(API).get('/users/acme').reply(401, errorBody('bad-credentials'))
    await expect(ghcrLs({...app, source: 'api'}, deps({tagLister: fakeLister(['v1'])}))).rejects.toMatchObject({details: {reason: 'bad-credentials'}})
  })

  it('not for --untagged (the registry lists only tags)', async () => {
    const readManifest = async (): Promise<Manifest> => ({kind: 'index', mediaType: MediaType.ociIndex, manifests: []})
    await expect(ghcrLs({...app, filter: 'untagged'}, deps({token: undefined, tagLister: fakeLister(['v1']), readManifest}))).rejects.toMatchObject({
      details: {reason: 'no-token'},
    })
  })

  it('not for an owner listing (ghcr.io has no catalog): a no-token error that points at GH_TOKEN', async () => {
    const error = await ghcrLs({target: {owner: 'acme'}}, deps({token: undefined, tagLister: fakeLister([]), tokenNotes: ['OS keyring unavailable (AccessDenied); set GH_TOKEN or pass --token instead']})).catch(
      (error_: unknown) => error_,
    )
    expect(error).toBeInstanceOf(GitHubApiError)
    expect(error).toMatchObject({exitCode: 1, details: {reason: 'no-token'}})
    expect((error as Error).message).toBe(
      'the GitHub Packages API needs a classic token with read:packages and none was found: set GH_TOKEN to the output of `gh auth token` (after `gh auth refresh -s read:packages`) or pass --token (OS keyring unavailable (AccessDenied))',
    )
  })

  it('a GitHub Enterprise Server host: the no-token error names the variable that host reads, and survives redaction whole', async () => {
    const error = (await ghcrLs({target: {owner: 'acme'}}, {...deps({token: undefined}), tokenVariable: 'GH_ENTERPRISE_TOKEN'}).catch((error_: unknown) => error_)) as Error
    expect(error.message).toMatch(/none was found: set GH_ENTERPRISE_TOKEN to the output of `gh auth token`/)
    expect(error.message).not.toMatch(/\bGH_TOKEN\b/)
    // Printed text goes through the output boundary's redaction: advice must come out as written.
    expect(redactSecrets(error.message)).toBe(error.message)
  })

  it('not without a wired registry client', async () => {
    await expect(ghcrLs(app, deps({token: undefined}))).rejects.toMatchObject({details: {reason: 'no-token'}})
  })

  it('when the registry fails too, the API error stays (with the registry detail)', async () => {
    // eslint-disable-next-line require-yield
    const failing: TagLister = async function* () {
      throw new RegistryHttpError(401, 'GET', 'https://ghcr.io/v2/acme/app/tags/list')
    }

    const error = await ghcrLs(app, deps({token: undefined, tagLister: failing})).catch((error_: unknown) => error_)
    expect(error).toMatchObject({code: 'GITHUB_API', details: {reason: 'no-token'}})
    expect((error as Error).message).toContain('(listing tags through ghcr.io failed too: GET https://ghcr.io/v2/acme/app/tags/list: HTTP 401)')
  })
})

describe('--untagged: the untagged versions no tag uses (issue 8)', () => {
  const indexOf = (...children: string[]): Manifest => ({
    kind: 'index',
    mediaType: MediaType.ociIndex,
    manifests: children.map((digest) => ({mediaType: MediaType.ociManifest, digest, size: 1})),
  })
  const versions = [
    makeVersionOf('acme', 'App', 0, digestOf('index'), ['latest']),
    makeVersionOf('acme', 'App', 1, digestOf('amd64'), []),
    makeVersionOf('acme', 'App', 2, digestOf('orphan-1'), []),
    makeVersionOf('acme', 'App', 3, digestOf('arm64'), []),
    makeVersionOf('acme', 'App', 4, digestOf('orphan-2'), []),
  ]

  it('reads every page and the tagged indexes, leaves their children out and names them in inUseByTags; --limit applies after', async () => {
    nock(API).get('/users/acme').reply(200, fixtures.user).get('/users/acme/packages/container/App/versions').query(true).reply(200, versions)
    const reads: Array<[string, string, string]> = []
    const readManifest = async (registry: string, repository: string, digest: string): Promise<Manifest> => {
      reads.push([registry, repository, digest])
      return indexOf(digestOf('amd64'), digestOf('arm64'))
    }

    const result = await ghcrLs({...app, filter: 'untagged', limit: 1}, deps({readManifest}))
    expect(result).toMatchObject({kind: 'versions', truncated: true, inUseByTags: [{digest: digestOf('amd64'), usedBy: ['latest']}, {digest: digestOf('arm64'), usedBy: ['latest']}]})
    expect(result.kind === 'versions' && result.versions.map((v) => v.digest)).toEqual([digestOf('orphan-1')])
    expect(reads).toEqual([['ghcr.io', 'acme/app', digestOf('index')]])
  })

  // Why --limit cannot stop the paging early: whether an untagged version is unused depends on
  // every tagged index, and GitHub documents no order that puts an index before its children
  // (docs.github.com/en/rest/packages/packages: "List package versions…" has no sort). Stopping at
  // the first N untagged versions could list a platform manifest whose tag is on a later page,
  // and `--untagged -q | xargs delete` would break that tag.
  it('--limit reads every page: a tagged index on page 2 uses an untagged version of page 1', async () => {
    const pages = [
      [makeVersionOf('acme', 'App', 1, digestOf('amd64'), [])],
      [makeVersionOf('acme', 'App', 0, digestOf('index'), ['latest']), makeVersionOf('acme', 'App', 2, digestOf('orphan-1'), [])],
    ]
    const asked: number[] = []
    nock(API)
      .get('/users/acme')
      .reply(200, fixtures.user)
      .get('/users/acme/packages/container/App/versions')
      .query(true)
      .times(2)
      .reply((uri) => {
        const url = new URL(uri, API)
        const page = Number(url.searchParams.get('page') ?? '1')
        asked.push(page)
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        return [200, pages[page - 1] ?? [], page < pages.length ? {link: `<${next.toString()}>; rel="next"`} : {}]
      })
    const readManifest = async (): Promise<Manifest> => indexOf(digestOf('amd64'))
    const result = await ghcrLs({...app, filter: 'untagged', limit: 1}, deps({readManifest}))
    expect(asked).toEqual([1, 2])
    expect(result.kind === 'versions' && result.versions.map((v) => v.digest)).toEqual([digestOf('orphan-1')])
    expect(result).toMatchObject({inUseByTags: [{digest: digestOf('amd64'), usedBy: ['latest']}]})
  })

  it('an unreadable index is undetermined (exit 3): no list', async () => {
    nock(API).get('/users/acme').reply(200, fixtures.user).get('/users/acme/packages/container/App/versions').query(true).reply(200, versions)
    const readManifest = async (): Promise<Manifest> => {
      throw new RegistryHttpError(401, 'GET', 'https://ghcr.io/v2/acme/app/manifests/x')
    }

    const error = await ghcrLs({...app, filter: 'untagged'}, deps({readManifest})).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(UndeterminedError)
    expect(error).toMatchObject({exitCode: 3})
    expect((error as Error).message).toContain('HTTP 401')
  })

  it('without a manifest reader it is undetermined, before any request', async () => {
    await expect(ghcrLs({...app, filter: 'untagged'}, deps())).rejects.toBeInstanceOf(UndeterminedError)
  })
})

describe('usage errors', () => {
  it.each<[string, GhcrLsRequest, string]>([
    ['--with-tags with a package', {...app, withTags: true}, '--with-tags lists packages'],
    ['--visibility with a package', {...app, visibility: 'public'}, '--visibility filters packages'],
    ['--tagged without a package', {target: {owner: 'acme'}, filter: 'tagged'}, '--tagged filters the versions'],
    ['--org without an owner', {ownerType: 'organization'}, '--user/--org need an OWNER'],
    ['--limit 0', {...app, limit: 0}, '--limit must be a positive integer'],
    ['--source registry without a package', {target: {owner: 'acme'}, source: 'registry'}, 'give OWNER/PACKAGE'],
    ['--source registry --untagged', {...app, source: 'registry', filter: 'untagged'}, '--untagged needs the API'],
  ])('%s', async (_name, request, message) => {
    const error = await ghcrLs(request, deps({tagLister: fakeLister([])})).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(message)
  })

  it('--source registry without a registry client', async () => {
    await expect(ghcrLs({...app, source: 'registry'}, deps())).rejects.toThrow('no registry client is wired')
  })
})
