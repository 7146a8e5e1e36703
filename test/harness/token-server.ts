/**
 * A Docker token server for the integration registries.
 *
 * Implements distribution's token auth spec (docs/spec/auth/token.md: `GET /token?service=&scope=`
 * with optional Basic credentials, response `{token, access_token, expires_in, issued_at}`), the
 * OAuth2 variant (docs/spec/auth/oauth.md: `POST /token`, form-encoded, `grant_type=password` or
 * `refresh_token`, `access_type=offline` to get a `refresh_token`) and the JWT format of
 * docs/spec/auth/jwt.md (RS256, `x5c` header, claims iss/sub/aud/exp/nbf/iat/jti/access).
 *
 * Like real token servers it grants the *intersection* of the requested and permitted actions and
 * never answers 403 for a scope: the registry then refuses the request with the weaker token.
 * Only bad credentials are refused (401).
 */
import {createSign, randomBytes, randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'

/** The `service` (JWT audience) every registry of the harness uses. */
export const TOKEN_SERVICE = 'regctl-test'
/** The JWT issuer the token registry is configured to accept. */
export const TOKEN_ISSUER = 'regctl-test-issuer'
/** Lifetime of issued access tokens, in seconds. */
export const TOKEN_LIFETIME_SECONDS = 300

/** One granted resource, as in the JWT `access` claim (jwt.md). */
export type AccessEntry = {type: string; name: string; actions: string[]}

/** A user of the token server and what it may do. */
export type TokenUser = {
  username: string
  password: string
  /** Rules evaluated in order; every matching rule adds its actions. */
  rules: AccessRule[]
}

/** `pattern` is a repository name or a prefix ending with `/*`; `registry:catalog` uses type registry. */
export type AccessRule = {type: 'repository' | 'registry'; pattern: string; actions: string[]}

/** One request to `/token`, as recorded for tests. */
export type TokenRequestRecord = {
  method: 'GET' | 'POST'
  /** `password`, `refresh_token`, or `basic`/`anonymous` for GET. */
  grantType: string
  /** The authenticated user, or `null` for anonymous and refused requests. */
  user: string | null
  service: string
  scopes: string[]
  granted: AccessEntry[]
  status: number
  offline: boolean
  clientId: string | null
}

/** Counters exposed to tests. */
export type TokenStats = {
  total: number
  /** `"<user|anonymous> <scope>"` → number of requests (a request without scope counts as `"<user> "`). */
  byUserScope: Record<string, number>
  requests: TokenRequestRecord[]
  /** Connections that carried `/token` requests (keep-alive reuse shows as fewer than `total`). */
  connections: number
}

/** A running token server. */
export type TokenServer = {
  url: string
  realm: string
  stats(): TokenStats
  reset(): void
  /** Mint a token directly (for harness-side pushes), bypassing the HTTP endpoint and counters. */
  mint(user: string | null, scopes: string[]): string
  stop(): Promise<void>
}

/** Options of {@link startTokenServer}. */
export type TokenServerOptions = {
  certPem: string
  keyPem: string
  signingKeyPem: string
  signingCertDerBase64: string
  users: TokenUser[]
  /** Rules that apply to everybody, including anonymous requests. */
  anonymousRules: AccessRule[]
  /** Refresh tokens that are valid from the start (identity tokens), token → username. */
  identityTokens: Record<string, string>
  /** Logins whose token has expired: answered HTTP 403 with `message`, as ECR does. */
  expiredLogins?: Array<{username: string; password: string; message: string}>
  /** Extra routes (the harness control endpoint); return true when handled. */
  extraRoutes?: (request: IncomingMessage, response: ServerResponse, body: Buffer) => Promise<boolean>
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url')
}

/** Parse `type[(class)]:name:actions` (token.md "Requesting a Token"); the name may hold colons. */
export function parseScope(scope: string): {type: string; name: string; actions: string[]} | null {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last === first) return null
  const type = scope.slice(0, first).replace(/\(.*\)$/, '')
  return {type, name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter((a) => a !== '')}
}

function ruleMatches(rule: AccessRule, type: string, name: string): boolean {
  if (rule.type !== type) return false
  if (rule.pattern === '*') return true
  if (rule.pattern.endsWith('/*')) return name.startsWith(rule.pattern.slice(0, -1))
  return rule.pattern === name
}

/** The actions of `scopes` that `rules` permit; entries with no action left are dropped. */
export function grant(rules: readonly AccessRule[], scopes: readonly string[]): AccessEntry[] {
  const granted: AccessEntry[] = []
  for (const scope of scopes) {
    const parsed = parseScope(scope)
    if (parsed === null) continue
    const allowed = new Set<string>()
    for (const rule of rules) {
      if (ruleMatches(rule, parsed.type, parsed.name)) for (const action of rule.actions) allowed.add(action)
    }
    const actions = parsed.actions.filter((action) => allowed.has(action) || (allowed.has('*') && action !== ''))
    if (actions.length === 0) continue
    const existing = granted.find((g) => g.type === parsed.type && g.name === parsed.name)
    if (existing === undefined) granted.push({type: parsed.type, name: parsed.name, actions})
    else for (const a of actions) if (!existing.actions.includes(a)) existing.actions.push(a)
  }
  return granted
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      // A token request is tiny; refuse to buffer anything large.
      if (size > 1_000_000) request.destroy(new Error('request body too large'))
      else chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers})
  response.end(text)
}

/** Split every `scope` value on spaces (oauth.md uses one space-delimited field; GET may repeat it). */
function scopesOf(values: string[]): string[] {
  return values.flatMap((v) => v.split(' ')).filter((s) => s !== '')
}

/** Start the token server on 127.0.0.1, on a port chosen by the kernel. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const users = new Map(options.users.map((u) => [u.username, u]))
  const refreshTokens = new Map<string, string>(Object.entries(options.identityTokens))
  let records: TokenRequestRecord[] = []

  const rulesFor = (user: string | null): AccessRule[] => [
    ...options.anonymousRules,
    ...(user === null ? [] : users.get(user)?.rules ?? []),
  ]

  const mint = (user: string | null, service: string, access: AccessEntry[]): string => {
    const now = Math.floor(Date.now() / 1000)
    const header = {typ: 'JWT', alg: 'RS256', x5c: [options.signingCertDerBase64]}
    const claims = {
      iss: TOKEN_ISSUER,
      sub: user ?? '',
      aud: service,
      exp: now + TOKEN_LIFETIME_SECONDS,
      // nbf a little in the past: distribution allows 60 s of skew, but be safe with slow clocks.
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    }
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
    const signature = createSign('RSA-SHA256').update(signingInput).sign(options.signingKeyPem)
    return `${signingInput}.${base64url(signature)}`
  }

  const record = (entry: TokenRequestRecord): void => {
    records.push(entry)
  }

  const unauthorized = (response: ServerResponse, message: string): void => {
    sendJson(response, 401, {errors: [{code: 'UNAUTHORIZED', message}], details: message}, {
      'www-authenticate': 'Basic realm="regctl-test-token"',
    })
  }

  // ECR answers an expired token with HTTP 403 and an OCI error body saying so.
  const expiredMessage = (username: string, password: string): string | undefined =>
    options.expiredLogins?.find((l) => l.username === username && l.password === password)?.message
  const expired = (response: ServerResponse, message: string): void => {
    sendJson(response, 403, {errors: [{code: 'DENIED', message}]})
  }

  const checkPassword = (username: string, password: string): boolean => {
    const user = users.get(username)
    return user !== undefined && user.password === password
  }

  const handleGet = (request: IncomingMessage, response: ServerResponse, url: URL): void => {
    const service = url.searchParams.get('service') ?? TOKEN_SERVICE
    const scopes = scopesOf(url.searchParams.getAll('scope'))
    const offline = url.searchParams.get('offline_token') === 'true'
    const clientId = url.searchParams.get('client_id')
    const authorization = request.headers.authorization
    let user: string | null = null
    let grantType = 'anonymous'
    if (authorization !== undefined) {
      const match = /^basic\s+(\S+)$/i.exec(authorization)
      const decoded = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const username = colon < 0 ? decoded : decoded.slice(0, colon)
      const password = colon < 0 ? '' : decoded.slice(colon + 1)
      grantType = 'basic'
      const expiredAnswer = match === null ? undefined : expiredMessage(username, password)
      if (expiredAnswer !== undefined) {
        record({method: 'GET', grantType, user: null, service, scopes, granted: [], status: 403, offline, clientId})
        expired(response, expiredAnswer)
        return
      }
      if (match === null || !checkPassword(username, password)) {
        record({method: 'GET', grantType, user: null, service, scopes, granted: [], status: 401, offline, clientId})
        unauthorized(response, 'incorrect username or password')
        return
      }
      user = username
    }
    const granted = grant(rulesFor(user), scopes)
    const token = mint(user, service, granted)
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: TOKEN_LIFETIME_SECONDS,
      issued_at: new Date().toISOString(),
    }
    if (offline && user !== null) {
      const refresh = randomBytes(24).toString('base64url')
      refreshTokens.set(refresh, user)
      body['refresh_token'] = refresh
    }
    record({method: 'GET', grantType, user, service, scopes, granted, status: 200, offline, clientId})
    sendJson(response, 200, body)
  }

  const handlePost = (response: ServerResponse, form: URLSearchParams): void => {
    const grantType = form.get('grant_type') ?? ''
    const service = form.get('service') ?? TOKEN_SERVICE
    const scopes = scopesOf(form.getAll('scope'))
    const offline = form.get('access_type') === 'offline'
    const clientId = form.get('client_id')
    const base = {method: 'POST' as const, grantType, service, scopes, offline, clientId}
    // oauth.md: client_id is REQUIRED on every POST.
    if (clientId === null || clientId === '') {
      record({...base, user: null, granted: [], status: 400})
      sendJson(response, 400, {error: 'invalid_request', error_description: 'client_id is required'})
      return
    }
    let user: string | null = null
    if (grantType === 'password') {
      const username = form.get('username') ?? ''
      const expiredAnswer = expiredMessage(username, form.get('password') ?? '')
      if (expiredAnswer !== undefined) {
        record({...base, user: null, granted: [], status: 403})
        expired(response, expiredAnswer)
        return
      }
      if (!checkPassword(username, form.get('password') ?? '')) {
        record({...base, user: null, granted: [], status: 401})
        unauthorized(response, 'incorrect username or password')
        return
      }
      user = username
    } else if (grantType === 'refresh_token') {
      const owner = refreshTokens.get(form.get('refresh_token') ?? '')
      if (owner === undefined) {
        record({...base, user: null, granted: [], status: 401})
        unauthorized(response, 'invalid refresh token')
        return
      }
      user = owner
    } else {
      record({...base, user: null, granted: [], status: 400})
      sendJson(response, 400, {error: 'unsupported_grant_type'})
      return
    }
    const granted = grant(rulesFor(user), scopes)
    const token = mint(user, service, granted)
    const body: Record<string, unknown> = {
      access_token: token,
      scope: scopes.join(' '),
      expires_in: TOKEN_LIFETIME_SECONDS,
      issued_at: new Date().toISOString(),
    }
    if (offline && grantType === 'password') {
      const refresh = randomBytes(24).toString('base64url')
      refreshTokens.set(refresh, user)
      body['refresh_token'] = refresh
    } else if (grantType === 'refresh_token') {
      body['refresh_token'] = form.get('refresh_token')
    }
    record({...base, user, granted, status: 200})
    sendJson(response, 200, body)
  }

  // Sockets that carried a /token request since the last reset.
  let tokenSockets = new WeakSet<object>()
  let tokenConnections = 0
  const server = https.createServer({cert: options.certPem, key: options.keyPem}, (request, response) => {
    void (async () => {
      const body = await readBody(request)
      const url = new URL(request.url ?? '/', 'https://127.0.0.1')
      if (options.extraRoutes !== undefined && (await options.extraRoutes(request, response, body))) return
      if (url.pathname === '/token' && !tokenSockets.has(request.socket)) {
        tokenSockets.add(request.socket)
        tokenConnections++
      }

      if (url.pathname !== '/token') {
        sendJson(response, 404, {error: 'not found'})
      } else if (request.method === 'GET') {
        handleGet(request, response, url)
      } else if (request.method === 'POST') {
        handlePost(response, new URLSearchParams(body.toString('utf8')))
      } else {
        sendJson(response, 405, {error: 'method not allowed'})
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, {error: String(error)})
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  const url = `https://127.0.0.1:${port}`

  return {
    url,
    realm: `${url}/token`,
    stats() {
      const byUserScope: Record<string, number> = {}
      for (const r of records) {
        const who = r.user ?? 'anonymous'
        const keys = r.scopes.length === 0 ? [`${who} `] : r.scopes.map((s) => `${who} ${s}`)
        for (const key of keys) byUserScope[key] = (byUserScope[key] ?? 0) + 1
      }
      return {total: records.length, byUserScope, requests: records.map((r) => structuredClone(r)), connections: tokenConnections}
    },
    reset() {
      records = []
      tokenSockets = new WeakSet<object>()
      tokenConnections = 0
    },
    mint(user, scopes) {
      return mint(user, TOKEN_SERVICE, grant(rulesFor(user), scopes))
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
