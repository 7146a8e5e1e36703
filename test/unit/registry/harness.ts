/**
 * Test servers for the registry client: a scriptable node:http(s) server on loopback, port 0,
 * recording every request, and a self-signed certificate made with openssl.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach} from 'vitest'

import type {CredentialLookup, ResolvedCredential} from '../../../src/lib/credentials/types.js'

export type Recorded = {method: string; url: string; headers: IncomingHttpHeaders; body: string}

export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>

export type TestServer = {
  /** `host:port`, the registry name. */
  host: string
  port: number
  origin: string
  requests: Recorded[]
  /** TCP connections accepted (keep-alive reuse shows as fewer connections than requests). */
  connections: number
  handler: Handler
  close(): Promise<void>
}

export async function startServer(handler: Handler, options: {tls?: {key: string; cert: string}; address?: string} = {}): Promise<TestServer> {
  const address = options.address ?? '127.0.0.1'
  const state: TestServer = {
    host: '',
    port: 0,
    origin: '',
    requests: [],
    connections: 0,
    handler,
    close: async () => {},
  }
  const listener = (raw: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    raw.on('data', (c: Buffer) => chunks.push(c))
    raw.on('end', () => {
      const rec: Recorded = {method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString('utf8')}
      state.requests.push(rec)
      Promise.resolve(state.handler(rec, res, raw)).catch((error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      })
    })
  }

  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener)
  server.on('connection', () => state.connections++)
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('no port')
  state.port = addr.port
  state.host = `${address}:${addr.port}`
  state.origin = `${options.tls ? 'https' : 'http'}://${state.host}`
  state.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  return state
}

export type Cert = {dir: string; key: string; cert: string; certPath: string; cleanup(): void}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl in a temp dir. */
export function makeCert(): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-cert-'))
  const keyPath = join(dir, 'key.pem')
  const certPath = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    {stdio: 'ignore', timeout: 30_000},
  )
  return {
    dir,
    key: readFileSync(keyPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8'),
    certPath,
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** A credential lookup from a fixed table, counting calls per registry. */
export function staticCredentials(table: Record<string, ResolvedCredential | Error>): CredentialLookup & {calls: string[]} {
  const calls: string[] = []
  const lookup = async (registry: string): Promise<ResolvedCredential | undefined> => {
    calls.push(registry)
    const entry = table[registry]
    if (entry instanceof Error) throw entry
    return entry
  }

  return Object.assign(lookup, {calls})
}

export function userPass(username: string, password: string): ResolvedCredential {
  return {credential: {username, password}, source: {kind: 'config-auths', label: 'config.json auths', path: '/tmp/config.json', key: 'x'}}
}

export function basicOf(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

export function send(res: ServerResponse, status: number, headers: Record<string, string | string[]> = {}, body: string | Buffer = ''): void {
  res.writeHead(status, headers)
  res.end(body)
}

export function json(res: ServerResponse, status: number, data: unknown, headers: Record<string, string | string[]> = {}): void {
  send(res, status, {'content-type': 'application/json', ...headers}, JSON.stringify(data))
}

export type FakeRegistryOptions = {
  /** Challenge of `/v2/`: Bearer (token server on the same origin, `/token`), Basic, or none. */
  auth: 'bearer' | 'basic' | 'none'
  /** username → password accepted (token server for bearer, registry for basic). */
  users?: Record<string, string>
  /** identity token → username (OAuth2 refresh_token grant). */
  refreshTokens?: Record<string, string>
  /** Answer 404 to `POST /token` (registries without OAuth2 POST, like GCR). */
  noOAuthPost?: boolean
  /** May an identity ('' = anonymous) pull a repository? Default: everyone everything. */
  canPull?: (identity: string, repository: string) => boolean
  /** Repository → tag or digest → manifest (body, media type). */
  manifests?: Record<string, Record<string, {body: string; mediaType: string}>>
  /** Omit `Docker-Content-Digest` on HEAD. */
  noDigestOnHead?: boolean
  /** Token lifetime in seconds (omitted when undefined). */
  expiresIn?: number
  /** Override the realm in challenges. */
  realm?: string
}

/**
 * A small distribution-like registry with Docker's token auth, good enough to script the
 * 401 → token → retry dance. Tokens are `tok.<identity>.<n>`; `revoke()` invalidates them all.
 */
export function fakeRegistry(opts: FakeRegistryOptions): {handler: Handler; revoke(): void; origin: {value: string}} {
  const origin = {value: ''}
  const issued = new Map<string, string>() // token → identity
  let counter = 0
  const canPull = opts.canPull ?? (() => true)
  const challenge = (scope?: string, error?: string): string => {
    if (opts.auth === 'basic') return 'Basic realm="fake"'
    const realm = opts.realm ?? `${origin.value}/token`
    return `Bearer realm="${realm}",service="fake-registry"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`
  }

  const issue = (identity: string, res: ServerResponse): void => {
    const token = `tok.${identity || 'anon'}.${++counter}`
    issued.set(token, identity)
    json(res, 200, {token, ...(opts.expiresIn === undefined ? {} : {expires_in: opts.expiresIn})})
  }

  const handler: Handler = (req, res) => {
    const url = new URL(req.url, origin.value)
    const authz = req.headers.authorization
    if (url.pathname === '/token') {
      if (req.method === 'POST') {
        if (opts.noOAuthPost) return send(res, 404)
        const form = new URLSearchParams(req.body)
        const user = opts.refreshTokens?.[form.get('refresh_token') ?? '']
        if (form.get('grant_type') !== 'refresh_token' || user === undefined) return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'bad refresh token'}]})
        return issue(user, res)
      }

      if (authz === undefined) return issue('', res)
      const decoded = Buffer.from(authz.replace(/^Basic /, ''), 'base64').toString('utf8')
      const [user = '', pass = ''] = decoded.split(':')
      const refreshUser = opts.refreshTokens?.[pass]
      if (refreshUser !== undefined) return issue(refreshUser, res)
      if (opts.users?.[user] !== pass) return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'incorrect username or password'}]})
      return issue(user, res)
    }

    // Identity of the request.
    let identity: string | undefined
    if (opts.auth === 'none') identity = ''
    else if (opts.auth === 'basic' && authz?.startsWith('Basic ')) {
      const [user = '', pass = ''] = Buffer.from(authz.slice(6), 'base64').toString('utf8').split(':')
      identity = opts.users?.[user] === pass ? user : undefined
    } else if (opts.auth === 'bearer' && authz?.startsWith('Bearer ')) {
      identity = issued.get(authz.slice(7))
      if (identity === undefined && authz.slice(7) === 'static-registry-token') identity = 'static'
    }

    if (url.pathname === '/v2/') {
      if (identity === undefined) return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}, {'www-authenticate': challenge()})
      return json(res, 200, {})
    }

    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname)
    if (!m) return send(res, 404)
    const [, repo = '', kind, ref = ''] = m
    const scope = `repository:${repo}:pull`
    if (identity === undefined) {
      return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}, {'www-authenticate': challenge(scope)})
    }

    if (!canPull(identity, repo)) {
      return json(
        res,
        401,
        {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]},
        {'www-authenticate': challenge(scope, 'insufficient_scope')},
      )
    }

    if (kind === 'manifests') {
      const manifest = opts.manifests?.[repo]?.[ref]
      if (!manifest) return json(res, 404, {errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]})
      const body = Buffer.from(manifest.body)
      const digest = `sha256:${createHashHex(body)}`
      const headers: Record<string, string> = {'content-type': manifest.mediaType, 'content-length': String(body.byteLength)}
      if (!(req.method === 'HEAD' && opts.noDigestOnHead)) headers['docker-content-digest'] = digest
      res.writeHead(200, headers)
      return void res.end(req.method === 'HEAD' ? undefined : body)
    }

    return send(res, 404)
  }

  return {handler, revoke: () => issued.clear(), origin}
}

function createHashHex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

/** What a test opens and must close: a server, a transport, a registry client. */
type Closable = {close(): Promise<void>}

/**
 * Closes what each test of the file opens, after it: the clients and transports first, then the
 * servers they talk to (a server waits for its open connections). Call once at the top level of a
 * test file; `track.server(x)` and `track.client(x)` register `x` and return it.
 */
export function closeAfterEach(): {server<T extends Closable>(server: T): T; client<T extends Closable>(client: T): T} {
  let clients: Closable[] = []
  let servers: Closable[] = []
  afterEach(async () => {
    const [openClients, openServers] = [clients, servers]
    clients = []
    servers = []
    await Promise.all(openClients.map(async (client) => client.close()))
    await Promise.all(openServers.map(async (server) => server.close()))
  })
  return {
    server: (server) => (servers.push(server), server),
    client: (client) => (clients.push(client), client),
  }
}
