/**
 * The GitHub client's fetch on undici's dispatchers (src/runtime/github-fetch.ts), against
 * loopback servers: what fetch does that the client relies on (status, headers, final URL, a body
 * read chunk by chunk, redirects as the Fetch standard follows them) and regctl's rules on top
 * (the token leaves neither its origin nor HTTPS, TLS verified on loopback too, a bounded hop count).
 */
import {afterEach, describe, expect, it} from 'vitest'

import {InsecureTransportError, ProtocolError} from '../../../src/lib/errors.js'
import {createGitHubClient} from '../../../src/lib/github/client.js'
import type {FetchResponse} from '../../../src/lib/github/fetch-response.js'
import {createGitHubFetch, MAX_REDIRECTS, type GitHubFetch} from '../../../src/runtime/github-fetch.js'
import {makeCert, send, startServer, type TestServer} from '../registry/harness.js'

const TOKEN = 'ghp_' + 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6wxyz'

const open: Array<TestServer | GitHubFetch> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (item) => item.close()))
})

async function server(handler: Parameters<typeof startServer>[0], options?: Parameters<typeof startServer>[1]): Promise<TestServer> {
  const s = await startServer(handler, options)
  open.push(s)
  return s
}

function githubFetch(): GitHubFetch['fetch'] {
  const http = createGitHubFetch({connectTimeoutMs: 5000})
  open.push(http)
  return http.fetch
}

async function text(response: FetchResponse): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  for (let step = await reader.read(); !step.done; step = await reader.read()) chunks.push(step.value)
  return Buffer.concat(chunks).toString('utf8')
}

describe('answers', () => {
  it('status, lower-cased headers (repeated ones joined), the URL and the body in chunks', async () => {
    const s = await server((_req, res) => {
      res.setHeader('X-RateLimit-Remaining', '4999')
      res.setHeader('Vary', ['Accept', 'Authorization'])
      res.writeHead(200, {'content-type': 'application/json'})
      res.write('[{"id":1},')
      setTimeout(() => res.end('{"id":2}]'), 5)
    })
    const response = await githubFetch()(`${s.origin}/users/acme/packages?per_page=100`, {headers: {authorization: `token ${TOKEN}`, accept: 'application/vnd.github+json'}})
    expect(response.status).toBe(200)
    expect(response.url).toBe(`${s.origin}/users/acme/packages?per_page=100`)
    expect(response.headers.get('X-RATELIMIT-REMAINING')).toBe('4999')
    expect(response.headers.get('vary')).toBe('Accept, Authorization')
    expect(await text(response)).toBe('[{"id":1},{"id":2}]')
    expect(s.requests).toHaveLength(1)
    expect(s.requests[0]?.headers['authorization']).toBe(`token ${TOKEN}`)
    expect(s.requests[0]?.headers['accept']).toBe('application/vnd.github+json')
  })

  it('keeps the connection: three requests, one TCP connection', async () => {
    const s = await server((_req, res) => send(res, 200, {'content-type': 'application/json'}, '{}'))
    const fetch = githubFetch()
    for (let i = 0; i < 3; i++) await text(await fetch(`${s.origin}/rate_limit`, {}))
    expect(s.requests).toHaveLength(3)
    expect(s.connections).toBe(1)
  })

  it('a cancelled body ends that answer; the next request still gets its own', async () => {
    const s = await server((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200)
        res.write('x'.repeat(1024))
        return // never ends
      }

      send(res, 200, {}, 'small')
    })
    const fetch = githubFetch()
    const big = await fetch(`${s.origin}/big`, {})
    const reader = big.body?.getReader()
    expect((await reader?.read())?.done).toBe(false)
    await reader?.cancel()
    expect(await text(await fetch(`${s.origin}/small`, {}))).toBe('small')
  })

  it('an aborted signal ends a request the server never answers', async () => {
    const s = await server(() => undefined)
    const controller = new AbortController()
    const pending = githubFetch()(`${s.origin}/user`, {signal: controller.signal})
    setTimeout(() => controller.abort(new Error('deadline')), 50)
    await expect(pending).rejects.toThrow()
  })
})

describe('redirects (Fetch standard, HTTP-redirect fetch)', () => {
  it('follows a same-origin redirect with the token, and reports the final URL', async () => {
    const s = await server((req, res) => (req.url === '/repos/old/app' ? send(res, 301, {location: '/repos/new/app'}) : send(res, 200, {}, 'moved here')))
    const response = await githubFetch()(`${s.origin}/repos/old/app`, {headers: {authorization: `token ${TOKEN}`}})
    expect(response.status).toBe(200)
    expect(response.url).toBe(`${s.origin}/repos/new/app`)
    expect(await text(response)).toBe('moved here')
    expect(s.requests.map((r) => r.headers['authorization'])).toEqual([`token ${TOKEN}`, `token ${TOKEN}`])
  })

  it('drops Authorization and Cookie when the redirect leaves the origin (another port is another origin)', async () => {
    const other = await server((_req, res) => send(res, 200, {}, 'elsewhere'))
    const s = await server((_req, res) => send(res, 302, {location: `${other.origin}/download`}))
    const response = await githubFetch()(`${s.origin}/x`, {headers: {authorization: `token ${TOKEN}`, cookie: 'session=1', accept: 'application/json'}})
    expect(await text(response)).toBe('elsewhere')
    expect(s.requests[0]?.headers['authorization']).toBe(`token ${TOKEN}`)
    expect(other.requests).toHaveLength(1)
    expect(other.requests[0]?.headers['authorization']).toBeUndefined()
    expect(other.requests[0]?.headers['cookie']).toBeUndefined()
    expect(other.requests[0]?.headers['accept']).toBe('application/json')
  })

  it("redirect: 'manual' returns the 3xx itself and sends nothing more", async () => {
    const s = await server((_req, res) => send(res, 307, {location: '/elsewhere'}, 'see there'))
    const response = await githubFetch()(`${s.origin}/user`, {redirect: 'manual', headers: {authorization: `token ${TOKEN}`}})
    expect(response.status).toBe(307)
    expect(response.headers.get('location')).toBe('/elsewhere')
    expect(await text(response)).toBe('see there')
    expect(s.requests).toHaveLength(1)
  })

  it("redirect: 'error' rejects at the first 3xx", async () => {
    const s = await server((_req, res) => send(res, 301, {location: '/b'}))
    await expect(githubFetch()(`${s.origin}/a`, {redirect: 'error'})).rejects.toThrow(TypeError)
    expect(s.requests).toHaveLength(1)
  })

  it(`a redirect loop stops after ${MAX_REDIRECTS} hops`, async () => {
    const s = await server((req, res) => send(res, 302, {location: `/hop${Number(req.url.slice(4) || 0) + 1}`}))
    const error = await githubFetch()(`${s.origin}/hop0`, {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(String(error)).toContain(`more than ${MAX_REDIRECTS} redirects`)
    expect(s.requests).toHaveLength(MAX_REDIRECTS + 1)
  })

  it('a 303 after a POST becomes a GET without the body', async () => {
    const s = await server((req, res) => (req.method === 'POST' ? send(res, 303, {location: '/result'}) : send(res, 200, {}, req.method)))
    const response = await githubFetch()(`${s.origin}/submit`, {method: 'POST', body: '{"a":1}', headers: {'content-type': 'application/json'}})
    expect(await text(response)).toBe('GET')
    expect(s.requests[1]?.body).toBe('')
    expect(s.requests[1]?.headers['content-type']).toBeUndefined()
  })
})

describe('transport rules', () => {
  it('refuses plain HTTP to a host that is not loopback, before connecting, token or not', async () => {
    const fetch = githubFetch()
    const withToken = await fetch('http://github.example.invalid/api/v3/user', {headers: {authorization: `token ${TOKEN}`}}).catch((e: unknown) => e)
    expect(withToken).toBeInstanceOf(InsecureTransportError)
    expect(String(withToken)).toContain('refusing to send the GitHub token over plain HTTP')
    expect(String(withToken)).not.toContain(TOKEN)
    await expect(fetch('http://github.example.invalid/api/v3/meta', {})).rejects.toBeInstanceOf(InsecureTransportError)
  })

  it('refuses a redirect from loopback down to plain HTTP elsewhere', async () => {
    const s = await server((_req, res) => send(res, 302, {location: 'http://github.example.invalid/steal'}))
    await expect(githubFetch()(`${s.origin}/user`, {headers: {authorization: `token ${TOKEN}`}})).rejects.toBeInstanceOf(InsecureTransportError)
    expect(s.requests).toHaveLength(1)
  })

  it('refuses a redirect to another URL scheme', async () => {
    const s = await server((_req, res) => send(res, 302, {location: 'file:///etc/passwd'}))
    await expect(githubFetch()(`${s.origin}/user`, {})).rejects.toThrow('unsupported URL scheme file:')
  })

  it('verifies TLS on loopback too: a self-signed certificate is refused, and the token never sent', async () => {
    const cert = makeCert()
    try {
      const s = await server((_req, res) => send(res, 200, {}, 'ok'), {tls: {key: cert.key, cert: cert.cert}})
      const error = await githubFetch()(`${s.origin}/user`, {headers: {authorization: `token ${TOKEN}`}}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as {code?: string}).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
      expect(s.requests).toHaveLength(0)
    } finally {
      cert.cleanup()
    }
  })
})

describe('under the GitHub client', () => {
  it('pages through a listing with it: one connection, the token on every page', async () => {
    const s = await server((req, res) => {
      const page = new URL(req.url, 'http://x').searchParams.get('page') ?? '1'
      const headers: Record<string, string> = {'content-type': 'application/json; charset=utf-8'}
      if (page === '1') headers['link'] = `<${s.origin}/users/acme/packages?package_type=container&page=2>; rel="next"`
      send(res, 200, headers, JSON.stringify([{id: Number(page), name: `pkg-${page}`}]))
    })
    const client = await createGitHubClient({apiUrl: s.origin, token: {token: TOKEN, kind: 'classic', redacted: 'ghp_…wxyz'}, fetch: githubFetch()})
    const pages = client.pages('GET /users/{username}/packages', {username: 'acme', package_type: 'container'}, {resource: 'packages'})
    const names: unknown[] = []
    for (let step = await pages.next(); !step.done; step = await pages.next()) names.push(...(step.value.data as Array<{name: string}>).map((p) => p.name))
    expect(names).toEqual(['pkg-1', 'pkg-2'])
    expect(s.requests.map((r) => r.headers['authorization'])).toEqual([`token ${TOKEN}`, `token ${TOKEN}`])
    expect(s.connections).toBe(1)
  })
})
