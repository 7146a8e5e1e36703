import {describe, expect, it} from 'vitest'

import type {ResolvedCredential} from '../../../src/lib/credentials/types.js'
import {AuthError, ConfigError, InsecureTransportError, ProtocolError} from '../../../src/lib/errors.js'
import {parseTokenResponse, repositoryScope} from '../../../src/lib/registry/auth.js'
import {createRegistryClient} from '../../../src/lib/registry/client.js'
import {MediaType} from '../../../src/lib/registry/types.js'
import {type FakeRegistryOptions, basicOf, closeAfterEach, fakeRegistry, startServer, staticCredentials, userPass} from './harness.js'

const IMAGE = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2},
  layers: [],
})
const MANIFESTS = {
  'team/app': {latest: {body: IMAGE, mediaType: MediaType.ociManifest}},
  'team/secret': {latest: {body: IMAGE, mediaType: MediaType.ociManifest}},
}

const track = closeAfterEach()

async function setup(opts: Omit<FakeRegistryOptions, 'manifests'>, creds: Record<string, ResolvedCredential | Error> = {}, now?: () => number) {
  const fake = fakeRegistry({manifests: MANIFESTS, ...opts})
  const server = await startServer(fake.handler)
  fake.origin.value = server.origin
  track.server(server)
  const lookup = staticCredentials(Object.fromEntries(Object.entries(creds).map(([k, v]) => [k === 'REG' ? server.host : k, v])))
  const client = createRegistryClient({credentials: lookup, timeoutMs: 5000, userAgent: 'regctl/test', ...(now ? {now} : {})})
  track.client(client)
  const paths = (): string[] => server.requests.map((r) => `${r.method} ${new URL(r.url, server.origin).pathname}`)
  return {server, client, lookup, fake, paths}
}

describe('bearer token dance', () => {
  it('pings anonymously once, then goes straight to the token and the manifest', async () => {
    const {server, client, paths} = await setup({auth: 'bearer'})
    const head = await client.headManifest(server.host, 'team/app', 'latest')
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(head.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    expect(paths()).toEqual(['GET /v2/', 'GET /token', 'HEAD /v2/team/app/manifests/latest', 'HEAD /v2/team/app/manifests/latest'])
    const [ping, token, manifest] = server.requests
    expect(ping?.headers.authorization).toBeUndefined()
    // Anonymous: no Basic to the token server.
    expect(token?.headers.authorization).toBeUndefined()
    const tokenUrl = new URL(token?.url ?? '', server.origin)
    expect(tokenUrl.searchParams.getAll('scope')).toEqual(['repository:team/app:pull'])
    expect(tokenUrl.searchParams.get('service')).toBe('fake-registry')
    expect(manifest?.headers.authorization).toMatch(/^Bearer tok\.anon\./)
    expect(manifest?.headers['user-agent']).toBe('regctl/test')
    expect(manifest?.headers.accept).toContain(MediaType.ociIndex)
    // 5 = the HTTPS attempt that failed on this plain-HTTP loopback server + the 4 above.
    expect(client.stats()).toEqual({requests: 5, tokenRequests: 1, manifestRequests: 2})
  })

  it('sends Basic credentials (and account) to the token server only', async () => {
    const {server, client} = await setup({auth: 'bearer', users: {alice: 's3cret'}}, {REG: userPass('alice', 's3cret')})
    const head = await client.headManifest(server.host, 'team/app', 'latest')
    const [ping, token, manifest] = server.requests
    expect(ping?.headers.authorization).toBeUndefined()
    expect(token?.headers.authorization).toBe(basicOf('alice', 's3cret'))
    expect(new URL(token?.url ?? '', server.origin).searchParams.get('account')).toBe('alice')
    expect(manifest?.headers.authorization).toMatch(/^Bearer tok\.alice\./)
    expect(head.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
  })

  it('a second 401 is final: insufficient-scope after one exchange', async () => {
    const {server, client} = await setup({auth: 'bearer', users: {alice: 'pw'}, canPull: (id, repo) => repo !== 'team/secret' || id === 'root'}, {
      REG: userPass('alice', 'pw'),
    })
    const error = await client.headManifest(server.host, 'team/secret', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).details).toMatchObject({reason: 'insufficient-scope', status: 401})
    // HTTPS probe, ping, token, manifest: no second exchange, no second manifest request.
    expect(client.stats()).toEqual({requests: 4, tokenRequests: 1, manifestRequests: 1})
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'HEAD'])
    // Asking again for the same repository does not exchange again (the token is known refused).
    await expect(client.headManifest(server.host, 'team/secret', 'latest')).rejects.toBeInstanceOf(AuthError)
    expect(client.stats().tokenRequests).toBe(1)
  })

  it('anonymous refused by the registry → no-credentials', async () => {
    const {server, client} = await setup({auth: 'bearer', canPull: (id) => id !== ''})
    const error = await client.headManifest(server.host, 'team/app', 'latest').catch((e: unknown) => e)
    expect((error as AuthError).details.reason).toBe('no-credentials')
  })

  it('token server refuses the password → credentials-rejected, no anonymous fall-back', async () => {
    const {server, client} = await setup({auth: 'bearer', users: {alice: 'right'}}, {REG: userPass('alice', 'wrong')})
    const error = await client.headManifest(server.host, 'team/app', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).details).toMatchObject({reason: 'credentials-rejected', status: 401})
    expect((error as AuthError).message).not.toContain('wrong')
    expect(server.requests.filter((r) => r.url.startsWith('/v2/team')).length).toBe(0)
  })

  it('concurrent requests for one repository share one ping and one token exchange', async () => {
    const {server, client, lookup} = await setup({auth: 'bearer', users: {alice: 'pw'}}, {REG: userPass('alice', 'pw')})
    await Promise.all(Array.from({length: 10}, () => client.headManifest(server.host, 'team/app', 'latest')))
    expect(server.requests.filter((r) => r.url === '/v2/').length).toBe(1)
    expect(client.stats()).toMatchObject({tokenRequests: 1, manifestRequests: 10})
    expect(lookup.calls).toEqual([server.host])
  })

  it('budget: 10 repositories × 5 references concurrently → 1 ping, 10 tokens, 50 manifest requests', async () => {
    const repos = Array.from({length: 10}, (_, i) => `team/r${i}`)
    const manifests = Object.fromEntries(repos.map((r) => [r, Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((t) => [t, {body: IMAGE, mediaType: MediaType.ociManifest}]))]))
    const fake = fakeRegistry({auth: 'bearer', users: {alice: 'pw'}, manifests})
    const server = await startServer(fake.handler)
    fake.origin.value = server.origin
    track.server(server)
    const client = createRegistryClient({credentials: staticCredentials({[server.host]: userPass('alice', 'pw')})})
    track.client(client)
    await Promise.all(repos.flatMap((r) => ['a', 'b', 'c', 'd', 'e'].map((t) => client.headManifest(server.host, r, t))))
    expect(server.requests.filter((r) => r.url === '/v2/').length).toBe(1)
    expect(client.stats()).toMatchObject({tokenRequests: 10, manifestRequests: 50})
  })

  it('caches tokens until they expire by the injected clock', async () => {
    let now = 1_000_000
    const {server, client} = await setup({auth: 'bearer', expiresIn: 300}, {}, () => now)
    await client.headManifest(server.host, 'team/app', 'latest')
    now += 299_000
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(client.stats().tokenRequests).toBe(1)
    now += 2000
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(client.stats().tokenRequests).toBe(2)
  })

  it('one token per repository (scope)', async () => {
    const {server, client} = await setup({auth: 'bearer'})
    await client.headManifest(server.host, 'team/app', 'latest')
    await client.headManifest(server.host, 'team/secret', 'latest')
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(client.stats()).toMatchObject({tokenRequests: 2, manifestRequests: 3})
  })

  it('a cached token the registry no longer accepts is exchanged once more, then the request succeeds', async () => {
    const {server, client, fake} = await setup({auth: 'bearer'})
    await client.headManifest(server.host, 'team/app', 'latest')
    fake.revoke()
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(client.stats()).toMatchObject({tokenRequests: 2, manifestRequests: 3})
  })

  it('uses the OAuth2 refresh_token grant (POST) for an identity token', async () => {
    const {server, client} = await setup(
      {auth: 'bearer', refreshTokens: {'refresh-abc': 'bob'}},
      {REG: {credential: {identityToken: 'refresh-abc'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: 'x'}}},
    )
    await client.headManifest(server.host, 'team/app', 'latest')
    const post = server.requests.find((r) => r.method === 'POST')
    expect(post).toBeDefined()
    const form = new URLSearchParams(post?.body)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      service: 'fake-registry',
      client_id: 'regctl',
      refresh_token: 'refresh-abc',
      scope: 'repository:team/app:pull',
    })
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(post?.headers.authorization).toBeUndefined()
    expect(server.requests.at(-1)?.headers.authorization).toMatch(/^Bearer tok\.bob\./)
    expect(client.stats().tokenRequests).toBe(1)
  })

  it('falls back to GET when the token server has no OAuth2 POST (404)', async () => {
    const {server, client, paths} = await setup(
      {auth: 'bearer', refreshTokens: {'refresh-abc': 'bob'}, noOAuthPost: true},
      {REG: {credential: {identityToken: 'refresh-abc'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: 'x'}}},
    )
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(paths()).toEqual(['GET /v2/', 'POST /token', 'GET /token', 'HEAD /v2/team/app/manifests/latest'])
    expect(server.requests[2]?.headers.authorization).toBe(basicOf('', 'refresh-abc'))
    expect(client.stats().tokenRequests).toBe(2)
  })

  it('a refused refresh token → credentials-rejected', async () => {
    const {server, client} = await setup(
      {auth: 'bearer', refreshTokens: {}},
      {REG: {credential: {identityToken: 'stale'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: 'x'}}},
    )
    await expect(client.headManifest(server.host, 'team/app', 'latest')).rejects.toMatchObject({details: {reason: 'credentials-rejected'}})
  })

  it('sends a registry token as Bearer directly, without a token request', async () => {
    const {server, client} = await setup(
      {auth: 'bearer'},
      {REG: {credential: {registryToken: 'static-registry-token'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: 'x'}}},
    )
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(client.stats().tokenRequests).toBe(0)
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer static-registry-token')
  })

  it('a registry that is open at /v2/ but challenges on the repository: one exchange, then remembered', async () => {
    // /v2/ answers 200 to anyone: emulate by a handler that wraps the fake registry.
    const fake = fakeRegistry({auth: 'bearer', manifests: MANIFESTS})
    const server = await startServer((req, res, raw) => (req.url === '/v2/' ? void res.end('{}') : fake.handler(req, res, raw)))
    fake.origin.value = server.origin
    track.server(server)
    const client = createRegistryClient({credentials: staticCredentials({})})
    track.client(client)
    await client.headManifest(server.host, 'team/app', 'latest')
    await client.headManifest(server.host, 'team/app', 'latest')
    await client.headManifest(server.host, 'team/secret', 'latest')
    // 1 anonymous 401 for the first manifest, then straight to tokens.
    expect(client.stats()).toMatchObject({tokenRequests: 2, manifestRequests: 4})
  })
})

describe('basic challenge (ECR, htpasswd)', () => {
  it('sends Basic credentials to the registry', async () => {
    const {server, client} = await setup({auth: 'basic', users: {alice: 'pw'}}, {REG: userPass('alice', 'pw')})
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
    expect(server.requests[1]?.headers.authorization).toBe(basicOf('alice', 'pw'))
    expect(client.stats().tokenRequests).toBe(0)
  })

  it.each([
    ['wrong password', {REG: userPass('alice', 'nope')}, 'credentials-rejected'],
    ['no credentials', {}, 'no-credentials'],
  ] as const)('%s → %s', async (_name, creds, reason) => {
    const {server, client} = await setup({auth: 'basic', users: {alice: 'pw'}}, creds)
    await expect(client.headManifest(server.host, 'team/app', 'latest')).rejects.toMatchObject({details: {reason, status: 401}})
    expect(client.stats().manifestRequests).toBe(1)
  })
})

describe('credential lookup', () => {
  it('a rejected lookup propagates as is, for that registry only', async () => {
    const broken = new ConfigError('/home/u/.docker/config.json', 'not JSON')
    const {server, client} = await setup({auth: 'bearer'}, {REG: broken})
    await expect(client.headManifest(server.host, 'team/app', 'latest')).rejects.toBe(broken)
    await expect(client.headManifest(server.host, 'team/app', 'latest')).rejects.toBe(broken)
  })

  it('is not consulted for an open registry', async () => {
    const {server, client, lookup} = await setup({auth: 'none'})
    await client.headManifest(server.host, 'team/app', 'latest')
    expect(lookup.calls).toEqual([])
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([undefined, undefined])
  })
})

describe('never credentials over plain HTTP to a non-loopback host', () => {
  it('refuses a realm on plain HTTP elsewhere before connecting to it', async () => {
    const {server, client} = await setup({auth: 'bearer', realm: 'http://auth.example.invalid/token', users: {alice: 'pw'}}, {REG: userPass('alice', 'pw')})
    const error = await client.headManifest(server.host, 'team/app', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsecureTransportError)
    expect(String((error as Error).message)).not.toContain('pw')
  })
})

describe('token responses', () => {
  it.each<[string, unknown, ReturnType<typeof parseTokenResponse> | 'error']>([
    ['token', {token: 'abc'}, {token: 'abc', expiresInSeconds: 60}],
    ['access_token', {access_token: 'abc', expires_in: 300}, {token: 'abc', expiresInSeconds: 300}],
    ['issued_at', {token: 'a', issued_at: '2024-01-01T00:00:00Z'}, {token: 'a', expiresInSeconds: 60, issuedAt: Date.parse('2024-01-01T00:00:00Z')}],
    ['bad expires_in → default', {token: 'a', expires_in: 'soon'}, {token: 'a', expiresInSeconds: 60}],
    ['empty token', {token: ''}, 'error'],
    ['no token', {expires_in: 5}, 'error'],
    ['not an object', ['token'], 'error'],
  ])('%s', (_name, data, expected) => {
    if (expected === 'error') expect(() => parseTokenResponse(data, 'https://x/token')).toThrow(ProtocolError)
    else expect(parseTokenResponse(data, 'https://x/token')).toEqual(expected)
  })

  it('builds repository scopes', () => {
    expect(repositoryScope('library/alpine')).toBe('repository:library/alpine:pull')
    expect(repositoryScope('a/b', ['pull', 'push'])).toBe('repository:a/b:pull,push')
  })

  it('a token response that is not JSON is a ProtocolError', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/v2/') {
        res.writeHead(401, {'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="s"`})
        return void res.end()
      }

      res.writeHead(200, {'content-type': 'text/html'})
      res.end('<html>login</html>')
    })
    track.server(server)
    const client = createRegistryClient({credentials: staticCredentials({})})
    track.client(client)
    await expect(client.headManifest(server.host, 'a/b', 'latest')).rejects.toBeInstanceOf(ProtocolError)
  })
})
