import {createHash} from 'node:crypto'

import {describe, expect, it, onTestFinished} from 'vitest'

import {InvalidReferenceError, NetworkError, ProtocolError, RegistryHttpError, TimeoutError} from '../../../src/lib/errors.js'
import {createRegistryClient, MAX_TAG_PAGES, rateLimitOfError} from '../../../src/lib/registry/client.js'
import {MediaType} from '../../../src/lib/registry/types.js'
import {type Handler, closeAfterEach, json, makeCert, send, startServer, staticCredentials} from './harness.js'

const sha256 = (s: string | Buffer): string => `sha256:${createHash('sha256').update(s).digest('hex')}`

const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaType.ociIndex,
  manifests: [
    {mediaType: MediaType.ociManifest, digest: `sha256:${'1'.repeat(64)}`, size: 500, platform: {os: 'linux', architecture: 'amd64'}},
    {mediaType: MediaType.ociManifest, digest: `sha256:${'2'.repeat(64)}`, size: 500, platform: {os: 'linux', architecture: 'arm64', variant: 'v8'}},
  ],
})

const track = closeAfterEach()

/** An open registry (no auth) whose non-/v2/ requests go to `handler`. */
async function open(handler: Handler, now?: () => number, timeoutMs = 5000) {
  const server = await startServer((req, res, raw) => (req.url === '/v2/' ? json(res, 200, {}) : handler(req, res, raw)))
  track.server(server)
  const client = createRegistryClient({credentials: staticCredentials({}), timeoutMs, ...(now ? {now} : {})})
  track.client(client)
  return {server, client}
}

function manifestHandler(body: string, mediaType: string, headers: Record<string, string> = {}): Handler {
  return (req, res) => {
    res.writeHead(200, {'content-type': mediaType, 'content-length': String(Buffer.byteLength(body)), 'docker-content-digest': sha256(body), ...headers})
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

describe('manifests', () => {
  it('HEAD: digest, media type, size from the headers; Accept lists every type', async () => {
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex))
    const head = await client.headManifest(server.host, 'library/alpine', 'latest')
    expect(head).toMatchObject({digest: sha256(INDEX), mediaType: MediaType.ociIndex, size: Buffer.byteLength(INDEX)})
    const accept = String(server.requests.at(-1)?.headers.accept)
    for (const type of Object.values(MediaType)) expect(accept).toContain(type)
    expect(client.stats().manifestRequests).toBe(1)
  })

  it('HEAD without Docker-Content-Digest falls back to one GET and hashes the body', async () => {
    const {server, client} = await open((req, res) => {
      res.writeHead(200, {'content-type': MediaType.ociIndex, 'content-length': String(Buffer.byteLength(INDEX))})
      res.end(req.method === 'HEAD' ? undefined : INDEX)
    })
    const head = await client.headManifest(server.host, 'a/b', 'v1')
    expect(head.digest).toBe(sha256(INDEX))
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'HEAD', 'GET'])
    expect(client.stats().manifestRequests).toBe(2)
  })

  it('GET parses and verifies the manifest against the header digest', async () => {
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex))
    const got = await client.getManifest(server.host, 'a/b', 'latest')
    expect(got.manifest.kind).toBe('index')
    expect(got.manifest.kind === 'index' && got.manifest.manifests[1]?.platform).toEqual({os: 'linux', architecture: 'arm64', variant: 'v8'})
    expect(got.digest).toBe(sha256(INDEX))
  })

  it('GET by digest: a body that does not hash to the digest → ProtocolError', async () => {
    const wanted = `sha256:${'f'.repeat(64)}`
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex, {'docker-content-digest': wanted}))
    const error = await client.getManifest(server.host, 'a/b', wanted).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as Error).message).toMatch(/digest mismatch/)
  })

  it('GET by tag: a lying Docker-Content-Digest → ProtocolError', async () => {
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex, {'docker-content-digest': `sha256:${'0'.repeat(64)}`}))
    await expect(client.getManifest(server.host, 'a/b', 'latest')).rejects.toBeInstanceOf(ProtocolError)
  })

  it('HEAD by digest answered with another digest → ProtocolError', async () => {
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex))
    await expect(client.headManifest(server.host, 'a/b', `sha256:${'e'.repeat(64)}`)).rejects.toBeInstanceOf(ProtocolError)
  })

  it('a manifest over 4 MiB → ProtocolError', async () => {
    const {server, client} = await open((_req, res) => {
      res.writeHead(200, {'content-type': MediaType.ociManifest})
      res.end(Buffer.alloc(4 * 1024 * 1024 + 1, ' '))
    })
    await expect(client.getManifest(server.host, 'a/b', 'latest')).rejects.toBeInstanceOf(ProtocolError)
  })

  it('garbage instead of a manifest → ProtocolError', async () => {
    const {server, client} = await open((_req, res) => send(res, 200, {'content-type': MediaType.ociManifest}, '<html>'))
    await expect(client.getManifest(server.host, 'a/b', 'latest')).rejects.toBeInstanceOf(ProtocolError)
  })

  it.each([
    [404, {errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]}, ['MANIFEST_UNKNOWN']],
    [404, {errors: [{code: 'NAME_UNKNOWN', message: 'repository name not known to registry'}]}, ['NAME_UNKNOWN']],
    [500, 'upstream exploded', []],
    [503, {errors: []}, []],
  ])('HTTP %i → RegistryHttpError with OCI codes %j', async (status, body, codes) => {
    const {server, client} = await open((_req, res) => (typeof body === 'string' ? send(res, status, {}, body) : json(res, status, body)))
    const error = await client.getManifest(server.host, 'a/b', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryHttpError)
    expect((error as RegistryHttpError).status).toBe(status)
    expect((error as RegistryHttpError).errors.map((e) => e.code)).toEqual(codes)
    expect((error as RegistryHttpError).exitCode).toBe(status >= 500 ? 3 : 1)
  })

  it('rejects names that would escape the API path', async () => {
    const {server, client} = await open(manifestHandler(INDEX, MediaType.ociIndex))
    await expect(client.headManifest(server.host, '../../etc', 'latest')).rejects.toBeInstanceOf(InvalidReferenceError)
    await expect(client.headManifest(server.host, 'a/b', 'latest?x=1')).rejects.toBeInstanceOf(InvalidReferenceError)
    expect(server.requests.length).toBe(0)
  })
})

describe('rate limits', () => {
  it('parses Docker Hub headers on a successful HEAD', async () => {
    const {server, client} = await open(
      manifestHandler(INDEX, MediaType.ociIndex, {'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '203.0.113.7'}),
    )
    const head = await client.headManifest(server.host, 'library/alpine', 'latest')
    expect(head.rateLimit).toEqual({limit: 100, remaining: 76, windowSeconds: 21_600, source: '203.0.113.7'})
  })

  it('a 429 is a RegistryHttpError that keeps the headers for the reset time', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    const {server, client} = await open(
      (_req, res) =>
        json(res, 429, {errors: [{code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.'}]}, {
          'retry-after': '3600',
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '0;w=21600',
        }),
      () => now,
    )
    const error = await client.headManifest(server.host, 'library/alpine', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryHttpError)
    const e = error as RegistryHttpError
    expect(e.status).toBe(429)
    expect(e.exitCode).toBe(3)
    expect(rateLimitOfError(e, now)).toEqual({limit: 100, remaining: 0, windowSeconds: 21_600, resetAt: '2025-01-01T01:00:00.000Z'})
  })
})

describe('blobs', () => {
  it('follows the redirect to a blob store without Authorization', async () => {
    const store = await startServer((_req, res) => send(res, 200, {'content-length': '1234'}), {address: '127.0.0.2'})
    track.server(store)
    const registry = await startServer((req, res) => {
      if (req.url === '/v2/') return send(res, 401, {'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="x"`})
      if (req.url.startsWith('/token')) return json(res, 200, {token: 'blob-token'})
      if (req.headers.authorization !== 'Bearer blob-token') return send(res, 401)
      return send(res, 307, {location: `${store.origin}/data?X-Amz-Signature=sig`})
    })
    track.server(registry)
    const client = createRegistryClient({credentials: staticCredentials({})})
    track.client(client)
    const digest = `sha256:${'c'.repeat(64)}`
    expect(await client.headBlob(registry.host, 'a/b', digest)).toEqual({size: 1234})
    expect(registry.requests.at(-1)?.headers.authorization).toBe('Bearer blob-token')
    expect(store.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('a missing blob → RegistryHttpError 404', async () => {
    const {server, client} = await open((_req, res) => send(res, 404))
    await expect(client.headBlob(server.host, 'a/b', `sha256:${'c'.repeat(64)}`)).rejects.toMatchObject({status: 404})
  })

  it('getBlob returns a small blob verified against its digest, and refuses one that does not match', async () => {
    const config = Buffer.from('{"os":"linux","architecture":"arm64"}')
    const good = `sha256:${createHash('sha256').update(config).digest('hex')}`
    const {server, client} = await open((_req, res) => send(res, 200, {'content-type': 'application/octet-stream'}, config))
    expect(Buffer.from(await client.getBlob(server.host, 'a/b', good)).toString()).toBe(config.toString())
    await expect(client.getBlob(server.host, 'a/b', `sha256:${'d'.repeat(64)}`)).rejects.toBeInstanceOf(ProtocolError)
  })

  it('getBlob stops reading past its size bound', async () => {
    const big = Buffer.alloc(2048, 'x')
    const digest = `sha256:${createHash('sha256').update(big).digest('hex')}`
    const {server, client} = await open((_req, res) => send(res, 200, {}, big))
    await expect(client.getBlob(server.host, 'a/b', digest, 1024)).rejects.toBeInstanceOf(ProtocolError)
  })
})

describe('tags', () => {
  const pages: Record<string, {tags: string[]; next?: string}> = {
    '': {tags: ['a', 'b'], next: '/v2/x/y/tags/list?n=2&last=b'},
    b: {tags: ['c', 'd'], next: '/v2/x/y/tags/list?n=2&last=d'},
    d: {tags: ['e']},
  }
  const tagHandler: Handler = (req, res) => {
    const url = new URL(req.url, 'http://x')
    const page = pages[url.searchParams.get('last') ?? '']
    if (!page) return send(res, 404)
    json(res, 200, {name: 'x/y', tags: page.tags}, page.next ? {link: `<${page.next}>; rel="next"`} : {})
  }

  it('follows Link rel="next" until there is none', async () => {
    const {server, client} = await open(tagHandler)
    const tags: string[] = []
    for await (const tag of client.listTags(server.host, 'x/y', {pageSize: 2})) tags.push(tag)
    expect(tags).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(server.requests.slice(1).map((r) => r.url)).toEqual(['/v2/x/y/tags/list?n=2', '/v2/x/y/tags/list?n=2&last=b', '/v2/x/y/tags/list?n=2&last=d'])
  })

  it('stops early: a limit (or a break) fetches no further page', async () => {
    const {server, client} = await open(tagHandler)
    const tags: string[] = []
    for await (const tag of client.listTags(server.host, 'x/y', {pageSize: 2, limit: 3})) tags.push(tag)
    expect(tags).toEqual(['a', 'b', 'c'])
    expect(server.requests.length).toBe(3)
    for await (const tag of client.listTags(server.host, 'x/y')) {
      expect(tag).toBe('a')
      break
    }

    expect(server.requests.length).toBe(4)
  })

  it('stops on a Link that points back to a page already read', async () => {
    const {server, client} = await open((_req, res) => json(res, 200, {tags: ['t']}, {link: '</v2/x/y/tags/list?n=1>; rel="next"'}))
    const tags: string[] = []
    const reasons: string[] = []
    for await (const tag of client.listTags(server.host, 'x/y', {pageSize: 1, onTruncated: (reason) => reasons.push(reason)})) tags.push(tag)
    expect(tags).toEqual(['t'])
    expect(reasons).toEqual([expect.stringContaining('points back to a page already read')])
  })

  it('stops an endless page+1 chain at MAX_TAG_PAGES and reports the listing as truncated', {timeout: 60_000}, async () => {
    const {server, client} = await open((req, res) => {
      const page = Number(new URL(req.url, 'http://x').searchParams.get('last') ?? '0')
      json(res, 200, {tags: [`t${page}`]}, {link: `</v2/x/y/tags/list?n=1&last=${page + 1}>; rel="next"`})
    })
    const reasons: string[] = []
    let count = 0
    for await (const tag of client.listTags(server.host, 'x/y', {pageSize: 1, onTruncated: (reason) => reasons.push(reason)})) count += tag.startsWith("t") ? 1 : 0
    expect(count).toBe(MAX_TAG_PAGES)
    expect(reasons).toEqual([`the tag list has more than ${MAX_TAG_PAGES} pages; stopped there, more exist`])
  })

  it('`"tags": null` is an empty list', async () => {
    const {server, client} = await open((_req, res) => json(res, 200, {name: 'x/y', tags: null}))
    const tags: string[] = []
    for await (const tag of client.listTags(server.host, 'x/y')) tags.push(tag)
    expect(tags).toEqual([])
  })
})

describe('reachability', () => {
  it('connection refused → NetworkError (never a RegistryHttpError), reported once per registry', async () => {
    const server = await startServer(() => {})
    const host = server.host
    await server.close()
    const client = createRegistryClient({credentials: staticCredentials({})})
    track.client(client)
    const error = await client.headManifest(host, 'a/b', 'latest').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).not.toBeInstanceOf(RegistryHttpError)
    const before = client.stats().requests
    await expect(client.headManifest(host, 'a/c', 'latest')).rejects.toBeInstanceOf(NetworkError)
    expect(client.stats().requests).toBe(before)
  })

  it('a registry that hangs → TimeoutError', async () => {
    const {server, client} = await open(() => {}, undefined, 300)
    await expect(client.headManifest(server.host, 'a/b', 'latest')).rejects.toBeInstanceOf(TimeoutError)
  })
})

describe('connections (issue 10)', () => {
  it('a token realm on the registry host reuses the kept-alive connection: ping, token and manifests over one socket', async () => {
    // GHCR and Docker Hub's own registries answer `/token` on the registry host; the harness's
    // integration registry has its realm on another port, so this is pinned here.
    const cert = makeCert()
    const registry = await startServer((req, res) => {
      if (req.url === '/v2/') return send(res, 401, {'www-authenticate': `Bearer realm="https://${req.headers.host ?? ''}/token",service="x"`}, '{"errors":[]}')
      if (req.url.startsWith('/token')) return json(res, 200, {token: 'same-host-token'})
      if (req.headers.authorization !== 'Bearer same-host-token') return send(res, 401)
      return manifestHandler(INDEX, MediaType.ociIndex)(req, res, undefined as never)
    }, {tls: cert})
    track.server(registry)
    onTestFinished(() => cert.cleanup())
    const client = createRegistryClient({credentials: staticCredentials({})})
    track.client(client)
    for (let i = 0; i < 5; i++) await client.headManifest(registry.host, `team/app${i}`, 'latest')
    // 1 ping + 5 token exchanges (one scope per repository) + 5 HEADs.
    expect(registry.requests).toHaveLength(11)
    expect(registry.connections).toBe(1)
  })
})
