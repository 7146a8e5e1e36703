/**
 * Registry authentication: the `/v2/` ping, Basic, and Docker's token protocol
 * (distribution `docs/spec/auth/token.md` for `GET realm?service=&scope=`, `oauth.md` for the
 * OAuth2 `POST realm` with `grant_type=refresh_token`).
 *
 * Request budget, per process: one anonymous ping per registry (its challenges are remembered, so
 * later requests go straight to the token), one credential lookup per registry, one token exchange
 * per realm + service + scope + identity while the token lives (concurrent requests share the
 * exchange in flight), and at most one exchange per request: a second 401 is final.
 */
import type {CredentialLookup, CredentialSource, ResolvedCredential} from '../credentials/types.js'
import {AuthError, type AuthFailureReason, ProtocolError, RegistryHttpError, redactUrl} from '../errors.js'
import {type Challenge, parseChallenges} from '../www-authenticate.js'
import {parseOciErrors, saysTokenExpired} from './oci-errors.js'
import {secretExpiry} from '../jwt.js'
import {BodyLimit, type Transport, type TransportRequest, type TransportResponse, flattenHeaders} from './transport.js'
import type {AuthUsed, IdentityUsed} from './types.js'

/** The OAuth2 `client_id` regctl identifies itself with (docker sends `docker`). */
export const CLIENT_ID = 'regctl'

/** Token lifetime when the server does not say (token.md: "defaults to 60 seconds"). */
const DEFAULT_EXPIRES_IN_S = 60

const ANONYMOUS: CredentialSource = {kind: 'anonymous', label: 'anonymous'}

/** The pull scope of a repository (token-scope.md: `repository:NAME:ACTIONS`). */
export function repositoryScope(repository: string, actions: readonly string[] = ['pull']): string {
  return `repository:${repository}:${actions.join(',')}`
}

/** A validated token response. */
export type TokenResponse = {token: string; expiresInSeconds: number; issuedAt?: number}

/**
 * Validates a token server's JSON (from `unknown`): `token` or `access_token` (token.md: "for
 * compatibility with OAuth 2.0, we will also accept token under the name access_token"),
 * optional `expires_in` (seconds) and `issued_at` (RFC 3339).
 */
export function parseTokenResponse(data: unknown, url: string): TokenResponse {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProtocolError(url, 'token response is not a JSON object')
  }

  const record = data as Record<string, unknown>
  const token = [record['token'], record['access_token']].find((v): v is string => typeof v === 'string' && v !== '')
  if (token === undefined) throw new ProtocolError(url, 'token response has no token')
  const expires = record['expires_in']
  const expiresInSeconds = typeof expires === 'number' && Number.isFinite(expires) && expires > 0 ? expires : DEFAULT_EXPIRES_IN_S
  const issued = typeof record['issued_at'] === 'string' ? Date.parse(record['issued_at']) : Number.NaN
  return Number.isNaN(issued) ? {token, expiresInSeconds} : {token, expiresInSeconds, issuedAt: issued}
}

type TokenEntry = {token: string; expiresAt: number; refused?: boolean}

/** How a request was authorized. */
type Plan = {
  authorization?: string
  kind: 'none' | 'basic' | 'registry-token' | 'bearer'
  /** True when credentials (not just an anonymous token) stood behind the authorization. */
  withCredentials: boolean
  /** True when a token was obtained fresh for this request (a further 401 is final). */
  fresh: boolean
  realm?: string
  /** Cache key of the bearer token used. */
  tokenKey?: string
  used: AuthUsed
}

/** What {@link RegistryAuth.verifyCredentials} found. */
export type CredentialCheck = {
  /** `none`: the API is open (no challenge); `bearer`: token auth; `basic`; `registry-token`. */
  scheme: 'none' | 'basic' | 'bearer' | 'registry-token'
  /** True when a credential was sent and accepted; false when there was none to send. */
  withCredentials: boolean
  /** Bearer only: the issued token (a secret — decode it, never print it). */
  token?: string
  /** Bearer only: when the issued token expires, ms since the epoch. */
  expiresAt?: number
  /** Bearer only: the token realm, redacted. */
  realm?: string
}

/** A registry response together with the identity it was obtained with. */
export type AuthedResponse = TransportResponse & {auth: AuthUsed}

/** What {@link RegistryAuth} needs: the transport, the credential lookup and the clock. */
export type RegistryAuthOptions = {
  transport: Transport
  credentials: CredentialLookup
  now: () => number
}

/** Authentication state of one client: pings, challenges, credentials and tokens, per registry. */
export class RegistryAuth {
  tokenRequests = 0
  readonly #transport: Transport
  readonly #lookup: CredentialLookup
  readonly #now: () => number
  readonly #credentials = new Map<string, Promise<ResolvedCredential | undefined>>()
  readonly #pings = new Map<string, Promise<Challenge[]>>()
  readonly #challenges = new Map<string, Challenge[]>()
  readonly #tokens = new Map<string, TokenEntry>()
  readonly #inflight = new Map<string, Promise<TokenEntry>>()
  /** Per registry: the identity its last answered request carried (pull-check's credential label). */
  readonly #used = new Map<string, IdentityUsed>()
  /** Registries whose first request (the anonymous `GET /v2/`) got an HTTP answer. */
  readonly #answered = new Set<string>()

  constructor(options: RegistryAuthOptions) {
    this.#transport = options.transport
    this.#lookup = options.credentials
    this.#now = options.now
  }

  /**
   * The credential for a registry, looked up once (the promise is kept, so a rejection — a broken
   * config or helper — is reported for every request to that registry, never turned anonymous).
   */
  credentialFor(registry: string): Promise<ResolvedCredential | undefined> {
    let pending = this.#credentials.get(registry)
    if (!pending) {
      pending = this.#lookup(registry)
      this.#credentials.set(registry, pending)
    }

    return pending
  }

  /**
   * The identity the last answered request to `registry` went out with — anonymous when no
   * `Authorization` carried a credential — and whether the registry challenged at all; `undefined`
   * before any request got an answer. Every request to one registry plans from the same
   * challenges and credential, so this is the identity of each of them.
   */
  identityUsed(registry: string): IdentityUsed | undefined {
    return this.#used.get(registry)
  }

  /** True once `registry` answered a request at all; false when it was never reached (pull-check's `none`). */
  answered(registry: string): boolean {
    return this.#answered.has(registry)
  }

  /**
   * `GET /v2/` without `Authorization` (distribution-spec "Determining support"), once per
   * registry: resolves the challenges (`[]` when the API is open) and, through the transport,
   * the scheme. Failures are kept too: an unreachable registry is reported once, not per image.
   */
  ping(registry: string): Promise<Challenge[]> {
    let pending = this.#pings.get(registry)
    if (!pending) {
      pending = this.#doPing(registry)
      this.#pings.set(registry, pending)
    }

    return pending
  }

  async #doPing(registry: string): Promise<Challenge[]> {
    const res = await this.#transport.sendToRegistry(registry, '/v2/', {method: 'GET', maxBodyBytes: BodyLimit.error})
    this.#answered.add(registry)
    if (res.status >= 200 && res.status < 300) {
      this.#challenges.set(registry, [])
      return []
    }

    if (res.status === 401) {
      const challenges = parseChallenges(res.headers['www-authenticate'] ?? [])
      this.#challenges.set(registry, challenges)
      return challenges
    }

    throw new RegistryHttpError(res.status, 'GET', redactUrl(res.url), parseOciErrors(res.body), flattenHeaders(res.headers), 'ping')
  }

  /**
   * Checks the registry's credential without touching any repository content (for `auth status`):
   * pings `/v2/`, then, per the challenge, exchanges the credential for a token asking for
   * `scopes` (token.md; never cached, so the answer is today's), or sends `GET /v2/` with Basic
   * or the registry token. Resolves how the registry authenticates and, for bearer, the token the
   * server issued: a JWT's `access` claim says what was granted (jwt.md), so push rights can be
   * read without pushing. The token is a secret: callers must not print it.
   *
   * @throws AuthError (`credentials-rejected`) when the token server or registry refuses the
   *   credential; NetworkError / TimeoutError when unreachable; RegistryHttpError for other answers.
   */
  async verifyCredentials(registry: string, scopes: readonly string[]): Promise<CredentialCheck> {
    const challenges = await this.ping(registry)
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    const basic = challenges.find((c) => c.scheme === 'basic')
    if (!bearer && !basic) return {scheme: 'none', withCredentials: false}
    const resolved = await this.credentialFor(registry)
    const cred = resolved?.credential
    if (bearer && !cred?.registryToken) {
      const realm = bearer.params['realm']
      if (!realm) throw new ProtocolError(registry, 'Bearer challenge without a realm')
      const withCredentials = Boolean(cred?.identityToken || (cred?.username && cred.password))
      const entry = await this.#exchange(registry, realm, bearer.params['service'] ?? '', scopes, withCredentials ? resolved : undefined)
      return {scheme: 'bearer', withCredentials, token: entry.token, expiresAt: entry.expiresAt, realm: redactUrl(realm)}
    }

    const authorization = cred?.registryToken
      ? `Bearer ${cred.registryToken}`
      : cred?.username && cred.password
        ? basicAuth(cred.username, cred.password)
        : undefined
    const scheme = cred?.registryToken ? 'registry-token' : 'basic'
    if (authorization === undefined) return {scheme, withCredentials: false}
    const res = await this.#transport.sendToRegistry(registry, '/v2/', {method: 'GET', authorization, maxBodyBytes: BodyLimit.error})
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(`${registry}: credentials rejected (HTTP ${res.status} from ${redactUrl(res.url)})`, {
        reason: 'credentials-rejected',
        registry,
        status: res.status,
        ...(saysTokenExpired(res.body) ? expiredDetails(cred?.registryToken ?? cred?.password) : {}),
      })
    }

    if (res.status < 200 || res.status >= 300) {
      throw new RegistryHttpError(res.status, 'GET', redactUrl(res.url), parseOciErrors(res.body), flattenHeaders(res.headers), 'ping')
    }

    return {scheme, withCredentials: true}
  }

  /**
   * Sends a request to a registry with the right authorization, and handles one 401 → token →
   * retry round. Throws {@link AuthError} when the registry still refuses (401/403).
   */
  async send(
    registry: string,
    path: string,
    req: Omit<TransportRequest, 'url' | 'authorization'>,
    scopes: readonly string[],
    onAttempt?: () => void,
  ): Promise<AuthedResponse> {
    await this.ping(registry)
    let plan = await this.#plan(registry, this.#challenges.get(registry) ?? [], scopes, false)
    for (let attempt = 0; attempt < 2; attempt++) {
      onAttempt?.()
      const res = await this.#transport.sendToRegistry(registry, path, {
        ...req,
        ...(plan.authorization === undefined ? {} : {authorization: plan.authorization}),
      })
      const challenged = (this.#challenges.get(registry) ?? []).some((c) => c.scheme === 'bearer' || c.scheme === 'basic')
      this.#used.set(registry, {...plan.used, challenged})
      if (res.status !== 401 && res.status !== 403) {
        return {...res, auth: plan.used}
      }

      if (attempt === 0 && res.status === 401) {
        const retry = await this.#retryPlan(registry, plan, res, scopes)
        if (retry) {
          plan = retry
          continue
        }
      }

      // A token the registry refused after a fresh exchange is not worth another exchange while it
      // lives: the answer would be the same (and it would cost a token request per image).
      const entry = plan.tokenKey === undefined ? undefined : this.#tokens.get(plan.tokenKey)
      if (entry) entry.refused = true
      throw this.#authError(registry, plan, res)
    }

    /* c8 ignore next */
    throw new ProtocolError(registry, 'unreachable')
  }

  /**
   * Decides whether a first 401 deserves one more try: the anonymous request hit a challenge we
   * did not know (the `/v2/` ping was open), or a cached token was refused (expired early or
   * revoked). A token obtained fresh for this request is never exchanged again.
   */
  async #retryPlan(registry: string, plan: Plan, res: TransportResponse, scopes: readonly string[]): Promise<Plan | undefined> {
    if (plan.fresh) return undefined
    if (plan.kind === 'bearer') {
      if (plan.tokenKey !== undefined && this.#tokens.get(plan.tokenKey)?.refused) return undefined
      return this.#plan(registry, this.#challenges.get(registry) ?? [], scopes, true)
    }

    if (plan.kind !== 'none') return undefined
    const fresh = parseChallenges(res.headers['www-authenticate'] ?? [])
    if (!fresh.some((c) => c.scheme === 'bearer' || c.scheme === 'basic')) return undefined
    // Remember it: later requests to this registry go straight to the token.
    this.#challenges.set(registry, fresh)
    const next = await this.#plan(registry, fresh, scopes, false)
    return next.kind === 'none' ? undefined : {...next, fresh: true}
  }

  async #plan(registry: string, challenges: readonly Challenge[], scopes: readonly string[], forceFresh: boolean): Promise<Plan> {
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    const basic = challenges.find((c) => c.scheme === 'basic')
    if (!bearer && !basic) return {kind: 'none', withCredentials: false, fresh: false, used: {source: ANONYMOUS}}
    const resolved = await this.credentialFor(registry)
    const cred = resolved?.credential
    const used: AuthUsed = resolved
      ? {source: resolved.source, ...(cred?.username === undefined ? {} : {username: cred.username})}
      : {source: ANONYMOUS}
    const anonymous: Plan = {kind: 'none', withCredentials: false, fresh: false, used: {source: ANONYMOUS}}

    if (bearer) {
      const realm = bearer.params['realm']
      // A registry token (`registrytoken`) is the bearer token itself.
      if (cred?.registryToken) {
        return {kind: 'registry-token', authorization: `Bearer ${cred.registryToken}`, withCredentials: true, fresh: false, used, ...(realm ? {realm} : {})}
      }

      if (!realm) throw new ProtocolError(registry, 'Bearer challenge without a realm')
      const withCredentials = Boolean(cred?.identityToken || (cred?.username && cred.password))
      const challengeScopes = (bearer.params['scope'] ?? '').split(' ').filter((s) => s !== '')
      const allScopes = [...new Set([...scopes, ...challengeScopes])]
      const {entry, fresh, key} = await this.#token(registry, bearer, allScopes, withCredentials ? resolved : undefined, forceFresh)
      return {
        kind: 'bearer',
        authorization: `Bearer ${entry.token}`,
        withCredentials,
        fresh,
        realm,
        tokenKey: key,
        used: withCredentials ? used : {source: ANONYMOUS},
      }
    }

    if (cred?.username && cred.password) {
      const realm = basic?.params['realm']
      return {kind: 'basic', authorization: basicAuth(cred.username, cred.password), withCredentials: true, fresh: false, used, ...(realm ? {realm} : {})}
    }

    return anonymous
  }

  async #token(
    registry: string,
    challenge: Challenge,
    scopes: readonly string[],
    resolved: ResolvedCredential | undefined,
    forceFresh: boolean,
  ): Promise<{entry: TokenEntry; fresh: boolean; key: string}> {
    const realm = challenge.params['realm'] ?? ''
    const service = challenge.params['service'] ?? ''
    const identity = resolved ? `${resolved.source.label}\0${resolved.credential.username ?? ''}` : 'anonymous'
    const key = [realm, service, [...scopes].sort().join(' '), identity].join('\n')
    const inflight = this.#inflight.get(key)
    if (inflight) return {entry: await inflight, fresh: true, key}
    const cached = this.#tokens.get(key)
    if (!forceFresh && cached && this.#now() < cached.expiresAt) return {entry: cached, fresh: false, key}
    const pending = this.#exchange(registry, realm, service, scopes, resolved)
    this.#inflight.set(key, pending)
    try {
      const entry = await pending
      this.#tokens.set(key, entry)
      return {entry, fresh: true, key}
    } finally {
      this.#inflight.delete(key)
    }
  }

  async #exchange(
    registry: string,
    realm: string,
    service: string,
    scopes: readonly string[],
    resolved: ResolvedCredential | undefined,
  ): Promise<TokenEntry> {
    let realmUrl: URL
    try {
      realmUrl = new URL(realm)
    } catch {
      throw new ProtocolError(registry, `invalid token realm ${JSON.stringify(redactUrl(realm))}`)
    }

    const cred = resolved?.credential
    const startedAt = this.#now()
    let res: TransportResponse | undefined
    let sentCredentials = false
    let method: 'GET' | 'POST' = 'POST'
    if (cred?.identityToken) {
      // oauth.md: refresh-token grant. Registries without the POST endpoint answer 404 (GCR,
      // as containerd notes), and then the GET form below is used.
      const form = new URLSearchParams({grant_type: 'refresh_token', service, client_id: CLIENT_ID, refresh_token: cred.identityToken})
      if (scopes.length > 0) form.set('scope', scopes.join(' '))
      this.tokenRequests++
      res = await this.#transport.send({
        method: 'POST',
        url: realmUrl,
        headers: {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json'},
        body: form.toString(),
        maxBodyBytes: BodyLimit.token,
      })
      sentCredentials = true
      if (res.status === 404) res = undefined
    }

    if (!res) {
      const url = new URL(realmUrl)
      if (service) url.searchParams.append('service', service)
      for (const scope of scopes) url.searchParams.append('scope', scope)
      let authorization: string | undefined
      if (cred?.username && cred.password) {
        url.searchParams.set('account', cred.username)
        authorization = basicAuth(cred.username, cred.password)
      } else if (cred?.identityToken) {
        // The GET fallback for an identity token: Basic with it as the secret (containerd does so).
        authorization = basicAuth(cred.username ?? '', cred.identityToken)
      }

      this.tokenRequests++
      method = 'GET'
      res = await this.#transport.send({
        method: 'GET',
        url,
        headers: {accept: 'application/json'},
        ...(authorization === undefined ? {} : {authorization}),
        maxBodyBytes: BodyLimit.token,
      })
      sentCredentials = authorization !== undefined
    }

    const safeUrl = redactUrl(realmUrl)
    if (res.status === 401 || res.status === 403) {
      const errorCodes = parseOciErrors(res.body).map((e) => e.code)
      throw new AuthError(
        sentCredentials
          ? `${registry}: the token server refused the credentials (HTTP ${res.status})`
          : `${registry}: the token server refused anonymous access (HTTP ${res.status})`,
        {
          reason: sentCredentials ? 'credentials-rejected' : 'no-credentials',
          registry,
          status: res.status,
          realm: safeUrl,
          ...(errorCodes.length > 0 ? {errorCodes} : {}),
          ...(sentCredentials && saysTokenExpired(res.body) ? expiredDetails(cred?.identityToken ?? cred?.password) : {}),
        },
      )
    }

    if (res.status < 200 || res.status >= 300) {
      throw new RegistryHttpError(res.status, method, redactUrl(res.url), parseOciErrors(res.body), flattenHeaders(res.headers), 'token')
    }

    let data: unknown
    try {
      data = JSON.parse(new TextDecoder().decode(res.body))
    } catch {
      throw new ProtocolError(safeUrl, 'token response is not JSON')
    }

    const parsed = parseTokenResponse(data, safeUrl)
    // Trust the server's issued_at only when our clocks roughly agree; otherwise a skewed clock
    // would make every token look expired and cost a token request per image.
    const base =
      parsed.issuedAt !== undefined && Math.abs(parsed.issuedAt - startedAt) < 5 * 60_000 ? Math.min(parsed.issuedAt, startedAt) : startedAt
    return {token: parsed.token, expiresAt: base + parsed.expiresInSeconds * 1000}
  }

  #authError(registry: string, plan: Plan, res: TransportResponse): AuthError {
    const errorCodes = parseOciErrors(res.body).map((e) => e.code)
    let reason: AuthFailureReason
    if (plan.kind === 'none' || !plan.withCredentials) reason = 'no-credentials'
    else if (plan.kind === 'bearer') reason = 'insufficient-scope'
    else reason = res.status === 403 ? 'insufficient-scope' : 'credentials-rejected'
    const what: Record<AuthFailureReason, string> = {
      'no-credentials': 'anonymous access refused',
      'credentials-rejected': 'credentials rejected',
      'insufficient-scope': 'access denied for this identity (insufficient scope)',
    }
    return new AuthError(`${registry}: ${what[reason]} (HTTP ${res.status} from ${redactUrl(res.url)})`, {
      reason,
      registry,
      status: res.status,
      ...(plan.realm === undefined ? {} : {realm: redactUrl(plan.realm)}),
      ...(errorCodes.length > 0 ? {errorCodes} : {}),
      ...(plan.withCredentials && saysTokenExpired(res.body) ? {expired: true} : {}),
    })
  }
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

/** `expired`, and the date the secret itself names when it carries one (JWT `exp`, ECR `expiration`). */
function expiredDetails(secret: string | undefined): {expired: true; expiresAt?: string} {
  const expiresAt = secretExpiry(secret)
  return expiresAt === undefined ? {expired: true} : {expired: true, expiresAt}
}
