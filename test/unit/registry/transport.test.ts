import {spawn, spawnSync} from 'node:child_process'
import {connect as netConnect} from 'node:net'
import {createServer as createHttpServer} from 'node:http'

import {MockAgent, request} from 'undici'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {InsecureTransportError, NetworkError, ProtocolError, TimeoutError} from '../../../src/lib/errors.js'
import {isListedHost, isLoopbackHost, apiHost} from '../../../src/lib/registry/hosts.js'
import {BodyLimit, Transport, createDispatcher} from '../../../src/lib/registry/transport.js'
import {type Cert, type TestServer, makeCert, send, startServer} from './harness.js'

let cert: Cert
let servers: TestServer[] = []
let transports: Transport[] = []

beforeAll(() => {
  cert = makeCert()
})
afterAll(() => cert.cleanup())
afterEach(async () => {
  await Promise.all(transports.map((t) => t.close()))
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  transports = []
})

async function server(handler: Parameters<typeof startServer>[0], options: Parameters<typeof startServer>[1] = {}): Promise<TestServer> {
  const s = await startServer(handler, options)
  servers.push(s)
  return s
}

function transport(options: ConstructorParameters<typeof Transport>[0] = {}): Transport {
  const t = new Transport(options)
  transports.push(t)
  return t
}

const get = (url: string, extra: {authorization?: string; maxBodyBytes?: number} = {}) =>
  ({method: 'GET', url: new URL(url), maxBodyBytes: BodyLimit.manifest, ...extra}) as const

describe('redirects', () => {
  it('drops Authorization on a redirect to another host, keeps it on the same host', async () => {
    const other = await server((_req, res) => send(res, 200, {'content-length': '3'}, 'abc'), {address: '127.0.0.2'})
    const origin = await server((req, res) => {
      if (req.url === '/same') return send(res, 307, {location: '/final'})
      if (req.url === '/final') return send(res, 200, {}, 'ok')
      return send(res, 302, {location: `${other.origin}/blob?X-Amz-Signature=s3cr3t`})
    })
    const t = transport()
    const cross = await t.send(get(`${origin.origin}/cross`, {authorization: 'Bearer tok'}))
    expect(cross.status).toBe(200)
    expect(cross.authorized).toBe(false)
    expect(cross.url.host).toBe(other.host)
    expect(origin.requests[0]?.headers.authorization).toBe('Bearer tok')
    expect(other.requests[0]?.headers.authorization).toBeUndefined()

    const same = await t.send(get(`${origin.origin}/same`, {authorization: 'Bearer tok'}))
    expect(same.authorized).toBe(true)
    expect(origin.requests.at(-1)?.url).toBe('/final')
    expect(origin.requests.at(-1)?.headers.authorization).toBe('Bearer tok')
  })

  it('stops after 5 redirects', async () => {
    const loop = await server((req, res) => send(res, 302, {location: `/r${Number(req.url.slice(2) || 0) + 1}`}))
    const error = await transport().send(get(`${loop.origin}/r0`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(loop.requests.length).toBe(6)
  })

  it('does not follow when asked not to, nor for POST', async () => {
    const s = await server((_req, res) => send(res, 302, {location: '/elsewhere'}))
    const t = transport()
    expect((await t.send({...get(`${s.origin}/a`), followRedirects: false})).status).toBe(302)
    expect((await t.send({method: 'POST', url: new URL(`${s.origin}/a`), body: 'x', maxBodyBytes: 10})).status).toBe(302)
    expect(s.requests.length).toBe(2)
  })
})

describe('plain HTTP and credentials', () => {
  it('refuses credentials over plain HTTP to a non-loopback host before dispatching', async () => {
    const mock = new MockAgent()
    mock.disableNetConnect()
    const t = transport({dispatcher: mock})
    const error = await t.send(get('http://registry.example.com/v2/', {authorization: 'Basic c2VjcmV0'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsecureTransportError)
    expect((error as Error).message).not.toContain('c2VjcmV0')
    expect(mock.getCallHistory()?.calls().length ?? 0).toBe(0)
    await mock.close()
  })

  it('allows them to a host named in insecureRegistries, and to loopback', async () => {
    const mock = new MockAgent({enableCallHistory: true})
    mock.disableNetConnect()
    mock.get('http://registry.example.com').intercept({path: '/v2/'}).reply(200, '{}')
    const t = transport({dispatcher: mock, insecureRegistries: ['registry.example.com']})
    const res = await t.send(get('http://registry.example.com/v2/', {authorization: 'Basic c2VjcmV0'}))
    expect(res.status).toBe(200)
    expect(mock.getCallHistory()?.lastCall()?.headers).toMatchObject({authorization: 'Basic c2VjcmV0'})
    await mock.close()

    const local = await server((_req, res) => send(res, 200, {}, 'ok'))
    const ok = await transport().send(get(`${local.origin}/`, {authorization: 'Basic c2VjcmV0'}))
    expect(ok.status).toBe(200)
  })

  it('an anonymous request over plain HTTP elsewhere is not refused', async () => {
    const mock = new MockAgent()
    mock.disableNetConnect()
    mock.get('http://mirror.example.com').intercept({path: '/x'}).reply(200, 'ok')
    const res = await transport({dispatcher: mock}).send(get('http://mirror.example.com/x'))
    expect(res.status).toBe(200)
    await mock.close()
  })
})

describe('scheme fallback', () => {
  it('loopback: HTTPS first, then plain HTTP on a TLS failure, remembered', async () => {
    const s = await server((_req, res) => send(res, 200, {}, '{}'))
    const t = transport()
    await t.sendToRegistry(s.host, '/v2/', {method: 'GET', maxBodyBytes: 100})
    expect(t.baseUrl(s.host)).toBe(`http://${s.host}`)
    const before = t.requests
    await t.sendToRegistry(s.host, '/v2/', {method: 'GET', maxBodyBytes: 100})
    expect(t.requests - before).toBe(1)
  })

  it('loopback HTTPS with a self-signed certificate is used as is (docker treats loopback as insecure)', async () => {
    const s = await server((_req, res) => send(res, 200, {}, '{}'), {tls: {key: cert.key, cert: cert.cert}})
    const t = transport()
    const res = await t.sendToRegistry(s.host, '/v2/', {method: 'GET', maxBodyBytes: 100})
    expect(res.status).toBe(200)
    expect(t.baseUrl(s.host)).toBe(`https://${s.host}`)
    expect(t.requests).toBe(1)
  })

  it('a non-insecure host never falls back to HTTP', async () => {
    const mock = new MockAgent()
    mock.disableNetConnect()
    mock.get('https://registry.example.com').intercept({path: '/v2/'}).replyWithError(new Error('ECONNREFUSED'))
    const t = transport({dispatcher: mock})
    await expect(t.sendToRegistry('registry.example.com', '/v2/', {method: 'GET', maxBodyBytes: 100})).rejects.toBeInstanceOf(NetworkError)
    expect(t.requests).toBe(1)
    await mock.close()
  })

  it('maps docker.io to registry-1.docker.io', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io')
    expect(apiHost('ghcr.io')).toBe('ghcr.io')
  })
})

describe('TLS trust', () => {
  it('an extra CA passed as `ca` verifies a self-signed server; without it the handshake fails', async () => {
    const s = await server((_req, res) => send(res, 200, {}, 'ok'), {tls: {key: cert.key, cert: cert.cert}})
    const withCa = createDispatcher({insecureTls: false, ca: [cert.cert]})
    const without = createDispatcher({insecureTls: false})
    try {
      const res = await request(`${s.origin}/`, {dispatcher: withCa})
      expect(await res.body.text()).toBe('ok')
      await expect(request(`${s.origin}/`, {dispatcher: without})).rejects.toMatchObject({code: 'DEPTH_ZERO_SELF_SIGNED_CERT'})
    } finally {
      await Promise.all([withCa.close(), without.close()])
    }
  })

  it('undici honours NODE_EXTRA_CA_CERTS through the default agent (child process)', {timeout: 40_000}, async () => {
    const script = `
      import {Agent, request} from 'undici'
      const d = new Agent()
      try { const r = await request(process.argv[1], {dispatcher: d}); console.log('status', r.statusCode, await r.body.text()) }
      catch (e) { console.log('error', e.code) }
      await d.close()`
    // spawnSync blocks this process's event loop, so a server here could not answer: serve from
    // a second process instead.
    const helper = spawnHttpsServer(cert)
    try {
      const url = `https://127.0.0.1:${helper.port}/`
      const withEnv = spawnSync(process.execPath, ['--input-type=module', '-e', script, url], {
        cwd: process.cwd(),
        env: {PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: cert.certPath},
        encoding: 'utf8',
        timeout: 20_000,
      })
      expect(withEnv.stdout.trim()).toBe('status 200 ok')
      const withoutEnv = spawnSync(process.execPath, ['--input-type=module', '-e', script, url], {
        cwd: process.cwd(),
        env: {PATH: process.env['PATH'] ?? ''},
        encoding: 'utf8',
        timeout: 20_000,
      })
      expect(withoutEnv.stdout.trim()).toBe('error DEPTH_ZERO_SELF_SIGNED_CERT')
    } finally {
      helper.kill()
    }
  })
})

/** An HTTPS server in a child process (so that spawnSync in this process can reach it). */
function spawnHttpsServer(c: Cert): {port: number; kill(): void} {
  const script = `
    import https from 'node:https'
    import fs from 'node:fs'
    const s = https.createServer({key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2])}, (q, r) => r.end('ok'))
    s.listen(0, '127.0.0.1', () => { fs.writeFileSync(process.argv[3], String(s.address().port)) })
    setTimeout(() => process.exit(0), 30000)`
  const portFile = `${c.dir}/port`
  const keyPath = `${c.dir}/key.pem`
  // Detached child; the port is read by polling the file (bounded).
  const child = spawnDetached(process.execPath, ['--input-type=module', '-e', script, keyPath, c.certPath, portFile])
  const deadline = Date.now() + 10_000
  let port = 0
  while (Date.now() < deadline && port === 0) {
    const r = spawnSync('cat', [portFile], {encoding: 'utf8'})
    port = Number(r.stdout.trim()) || 0
    if (port === 0) spawnSync('sleep', ['0.05'])
  }

  if (port === 0) {
    child.kill()
    throw new Error('helper server did not start')
  }

  return {port, kill: () => child.kill()}
}

function spawnDetached(cmd: string, args: string[]): {kill(): void} {
  const child = spawn(cmd, args, {stdio: 'ignore'})
  return {kill: () => child.kill()}
}

describe('errors: timeouts, network, bounds', () => {
  it('a server that never answers → TimeoutError', async () => {
    const s = await server(() => {
      /* never answers */
    })
    // A hang fails on the test timeout; the error must name the deadline that fired.
    const error = await transport({timeoutMs: 300}).send(get(`${s.origin}/`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeoutMs).toBe(300)
  })

  it('a body that stalls after the headers → TimeoutError', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, {'content-length': '100'})
      res.write('partial')
    })
    await expect(transport({timeoutMs: 300}).send(get(`${s.origin}/`))).rejects.toBeInstanceOf(TimeoutError)
  })

  it('connection refused → NetworkError with the cause, not an HTTP error', async () => {
    const s = await server(() => {})
    const origin = s.origin
    await s.close()
    servers = servers.filter((x) => x !== s)
    const error = await transport().send(get(`${origin}/v2/`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).cause).toBeDefined()
    // Words, not the errno code (lib/errno.ts); the code stays in `cause`.
    expect((error as NetworkError).message).toMatch(/: connection refused$/)
  })

  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('a body over its bound → ProtocolError (%s)', async (_name, withLength) => {
    const big = Buffer.alloc(BodyLimit.token + 1, 'a')
    const s = await server((_req, res) => {
      res.writeHead(200, withLength ? {'content-length': String(big.byteLength)} : {})
      res.end(big)
    })
    const error = await transport().send(get(`${s.origin}/`, {maxBodyBytes: BodyLimit.token})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as Error).message).toMatch(/limit/)
  })

  it('an error body is cut at 64 KiB, keeping the status', async () => {
    const s = await server((_req, res) => send(res, 500, {}, Buffer.alloc(200_000, 'x')))
    const res = await transport().send(get(`${s.origin}/`))
    expect(res.status).toBe(500)
    expect(res.body.byteLength).toBe(BodyLimit.error)
  })

  it('redacts secrets from URLs in errors', async () => {
    const s = await server(() => {})
    const origin = s.origin
    await s.close()
    servers = servers.filter((x) => x !== s)
    const error = await transport().send(get(`${origin}/blob?X-Amz-Signature=topsecret&access_token=abc`)).catch((e: unknown) => e)
    expect((error as Error).message).not.toMatch(/topsecret|abc/)
  })
})

describe('connections', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const s = await server((_req, res) => send(res, 200, {}, 'ok'))
    const t = transport()
    for (let i = 0; i < 20; i++) await t.send(get(`${s.origin}/${i}`))
    expect(s.requests.length).toBe(20)
    // One socket: the transport lets undici free the connection before it answers (issue 10).
    expect(s.connections).toBe(1)
  })

  it('keeps the connection after a HEAD (undici closes it by default): one socket for 20 manifest HEADs', async () => {
    const s = await server((_req, res) => send(res, 200, {'docker-content-digest': 'sha256:' + '0'.repeat(64)}, ''))
    const t = transport()
    for (let i = 0; i < 20; i++) await t.send({...get(`${s.origin}/v2/x/manifests/${i}`), method: 'HEAD'})
    expect(s.requests.length).toBe(20)
    expect(s.connections).toBe(1)
  })

  it('sends requests through an HTTP proxy (CONNECT) when proxy URLs are given', async () => {
    const target = await server((_req, res) => send(res, 200, {}, 'via proxy'))
    const tunnels: string[] = []
    const sockets: Array<{destroy(): void}> = []
    const proxy = createHttpServer()
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '')
      sockets.push(socket)
      const [host = '', port = ''] = (req.url ?? '').split(':')
      const upstream = netConnect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      sockets.push(upstream)
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const address = proxy.address()
    const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    try {
      const t = transport({proxy: {httpProxy: proxyUrl, httpsProxy: proxyUrl}})
      const res = await t.send(get(`${target.origin}/x`))
      expect(new TextDecoder().decode(res.body)).toBe('via proxy')
      expect(tunnels).toEqual([target.host])

      const bypass = transport({proxy: {httpProxy: proxyUrl, noProxy: '127.0.0.1'}})
      await bypass.send(get(`${target.origin}/y`))
      expect(tunnels.length).toBe(1)
    } finally {
      for (const socket of sockets) socket.destroy()
      proxy.closeAllConnections()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })
})

describe('hosts', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.255.0.9', true],
    ['[::1]:5000', true],
    ['128.0.0.1', false],
    ['127.0.0.256', false],
    ['ghcr.io', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })

  it.each([
    ['reg.local:5000', ['reg.local:5000'], true],
    ['reg.local:5000', ['reg.local'], true],
    ['reg.local:5001', ['reg.local:5000'], false],
    ['reg.local', ['http://reg.local/'], true],
    ['other', ['reg.local'], false],
  ])('isListedHost(%s, %j) = %s', (host, list, expected) => {
    expect(isListedHost(host, list)).toBe(expected)
  })
})

describe('credentials echoed by a server (issue 12)', () => {
  it('removes the credentials a request carried from its error body, Basic password and Bearer token alike', async () => {
    const s = await server((req, res) => send(res, 404, {'content-type': 'application/json'}, JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `you sent ${req.headers['authorization'] ?? ''} and ${Buffer.from(String(req.headers['authorization']).split(' ')[1] ?? '', 'base64').toString()}`}]})))
    const t = transport()
    const bearer = await t.send({method: 'GET', url: new URL(`http://${s.host}/v2/x`), authorization: 'Bearer issued.token-value.abc', maxBodyBytes: 1024})
    expect(new TextDecoder().decode(bearer.body)).not.toContain('issued.token-value.abc')
    const basic = await t.send({method: 'GET', url: new URL(`http://${s.host}/v2/x`), authorization: `Basic ${Buffer.from('bob:hunter22secret').toString('base64')}`, maxBodyBytes: 1024})
    const text = new TextDecoder().decode(basic.body)
    expect(text).not.toContain('hunter22secret')
    expect(text).not.toContain(Buffer.from('bob:hunter22secret').toString('base64'))
    expect(text).toContain('REDACTED')
  })
})
