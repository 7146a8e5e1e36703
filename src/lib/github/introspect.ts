/**
 * What GitHub says about a token: who it belongs to, its scopes and its expiry, from the response
 * headers of `GET /user` (https://docs.github.com/en/rest/users/users#get-the-authenticated-user):
 *
 * - `X-OAuth-Scopes`: the scopes of a classic PAT or OAuth token. Fine-grained PATs and GitHub App
 *   tokens have permissions instead of scopes and do not send it: their scopes are "not reported"
 *   (`null`), which is not the same as "no scopes" (`[]`, an empty header).
 * - `X-Accepted-OAuth-Scopes`: the scopes the endpoint checks for.
 * - `GitHub-Authentication-Token-Expiration`: when the token expires, e.g. `2026-12-31 23:59:59 UTC`.
 *   A classic PAT, an OAuth token or a fine-grained PAT without the header has no expiry.
 * - `x-ratelimit-*`: the primary quota.
 *
 * HTTP 401 means GitHub does not accept the token (unknown, revoked or expired). An installation
 * token (`ghs_`, which is also what Actions' `GITHUB_TOKEN` is) gets HTTP 403 "Resource not
 * accessible by integration" on `/user`: that is normal. It is then checked with
 * `GET /installation/repositories` (https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation),
 * the endpoint GitHub documents for installation tokens, and finally with `GET /rate_limit`
 * (https://docs.github.com/en/rest/rate-limit/rate-limit), which any valid token may call and which
 * does not count against the quota. The login stays unknown for those tokens.
 *
 * The requests go through the one GitHub client (./client.ts), asked not to retry, not to follow
 * redirects and to read at most 1 MiB per body. The library never prints and never reads the
 * environment: the caller passes the API base URL, the token, the clock and (in tests) the fetch.
 */
import {ProtocolError, redactText, redactUrl} from '../errors.js'
import {expiryStatus, type ExpiryStatus} from '../expiry.js'
import type {RunDeadline} from '../deadline.js'
import {createGitHubClient, type FetchLike, type GitHubResponse} from './client.js'
import {isRateLimited, parseRateLimit} from './rate-limit.js'
import {parseScopes} from './scopes.js'
import {classifyToken, redactGitHubToken} from './token.js'
import type {GitHubRateLimit, GitHubTokenKind} from './types.js'

/**
 * `valid`: GitHub accepted the token; `rejected`: HTTP 401 (unknown, revoked or expired token);
 * `unknown`: GitHub did not say (rate limit, 5xx, an unexpected status such as a 404 from a wrong
 * API URL).
 */
export type TokenStatus = 'valid' | 'rejected' | 'unknown'

/** The result of {@link introspectToken}. Holds no secret: the token appears only as `redacted`. */
export type TokenIntrospection = {
  /** The API base URL asked. */
  apiUrl: string
  /** The token's kind from its prefix. */
  tokenKind: GitHubTokenKind
  /** `ghp_…a1b2`. */
  redacted: string
  status: TokenStatus
  /** The request that decided `status`. */
  checkedVia: {method: 'GET'; path: string; httpStatus: number}
  /** The login the token belongs to; `null` when GitHub did not tell (installation tokens, refusals). */
  login: string | null
  /** The account type from `/user` (`User`, `Bot`…); `null` when unknown. */
  accountType: string | null
  /**
   * `X-OAuth-Scopes` as a list: `[]` when the header is present but empty (a classic token with
   * no scope), `null` when GitHub did not report scopes (fine-grained PAT, GitHub App tokens).
   */
  scopes: string[] | null
  /** `X-Accepted-OAuth-Scopes` of `/user`; `null` when absent. */
  acceptedScopes: string[] | null
  /** ISO 8601 expiry from `GitHub-Authentication-Token-Expiration`; `null` when none or unknown (see `expiry`). */
  expiresAt: string | null
  expiry: ExpiryStatus
  /** The primary quota after the last response, when it carried `x-ratelimit-*`. */
  rateLimit: GitHubRateLimit | null
  /** `total_count` of `GET /installation/repositories`, for installation tokens that reached it. */
  installationRepositories: number | null
  /** GitHub's `message` on a refusal (`Bad credentials`), redacted; `null` on success. */
  message: string | null
  /** Things worth saying that are not a verdict (an unparseable expiry header, a rate limit). */
  notes: string[]
}

/** Inputs of {@link introspectToken}. */
export type IntrospectDeps = {
  /** REST base URL without trailing slash: `https://api.github.com`, `https://ghe.example/api/v3`. */
  apiUrl: string
  /** The token to introspect (a secret: it goes only into the `Authorization` header). */
  token: string
  /** The clock, for the expiry verdict. */
  now: Date
  /** Default: the global fetch. */
  fetch?: FetchLike
  /** Per-request timeout (connect, headers and body). Default 30 s. */
  timeoutMs?: number
  userAgent?: string
  /** The run's total deadline (`--deadline`). */
  deadline?: RunDeadline
}

/** Largest body we read from the API (a `/user` document is about 1.5 KB). */
const MAX_BODY_BYTES = 1024 * 1024

/** One answer and the path that was asked (`checkedVia`). */
type ApiAnswer = {path: string; status: number; headers: Record<string, string>; body: unknown}

/**
 * Asks GitHub about `token` (see the module comment for the endpoints). At most three requests:
 * `/user`, then for tokens that cannot call it `/installation/repositories` and `/rate_limit`.
 * Resolves with a verdict for every HTTP answer; rejects only with a {@link NetworkError} or
 * {@link TimeoutError} (GitHub could not be reached) or a {@link ProtocolError} (a 200 that is not
 * a GitHub user document, e.g. a wrong `GITHUB_API_URL`).
 */
export async function introspectToken(deps: IntrospectDeps): Promise<TokenIntrospection> {
  const token = deps.token.trim()
  const tokenKind = classifyToken(token)
  const apiUrl = deps.apiUrl.replace(/\/+$/, '')
  const notes: string[] = []
  const client = await createGitHubClient({
    apiUrl,
    token: {token, kind: tokenKind, redacted: redactGitHubToken(token)},
    timeoutMs: deps.timeoutMs ?? 30_000,
    ...(deps.userAgent === undefined ? {} : {userAgent: deps.userAgent}),
    ...(deps.fetch === undefined ? {} : {fetch: deps.fetch}),
    ...(deps.deadline === undefined ? {} : {deadline: deps.deadline}),
    // One question per endpoint: a verdict, not a retry loop (at most three requests in all).
    retries: 0,
    retrySecondaryRateLimit: false,
    // Never follow a redirect with the token: a 3xx is reported, not chased.
    followRedirects: false,
    maxBodyBytes: MAX_BODY_BYTES,
  })
  const get = async (path: string, route: string, params: Record<string, unknown> = {}): Promise<ApiAnswer> =>
    toAnswer(path, await client.answer(route, params))

  const user = await get('/user', 'GET /user')
  let decisive = user
  let status = verdictOf(user)
  let login: string | null = null
  let accountType: string | null = null
  let installationRepositories: number | null = null

  if (user.status === 200) {
    const parsed = parseUser(user.body)
    if (!parsed) throw new ProtocolError(redactUrl(`${apiUrl}/user`), 'the answer is not a GitHub user (is the API URL right?)')
    login = parsed.login
    accountType = parsed.type
  } else if (user.status === 403 && !rateLimited(user)) {
    // Installation tokens cannot call /user; other 403s (a policy, SSO) still prove nothing about
    // the token itself. Ask endpoints any valid token of that kind may call.
    const integration = tokenKind === 'installation' || /not accessible by integration/i.test(messageOf(user.body) ?? '')
    if (integration) {
      const repos = await get('/installation/repositories?per_page=1', 'GET /installation/repositories', {per_page: 1})
      decisive = repos
      status = verdictOf(repos)
      if (repos.status === 200) installationRepositories = totalCount(repos.body)
    }

    if (decisive.status === 403 && !rateLimited(decisive)) {
      decisive = await get('/rate_limit', 'GET /rate_limit')
      status = verdictOf(decisive)
    }

    if (status === 'valid') {
      notes.push(
        integration
          ? 'installation tokens cannot read /user: the login is unknown'
          : `GitHub accepted the token but GET /user answered HTTP ${user.status}: the login is unknown`,
      )
    }
  }

  if (status === 'unknown') notes.push(describeUndecided(decisive))

  const expirationHeader = decisive.headers['github-authentication-token-expiration'] ?? user.headers['github-authentication-token-expiration'] ?? null
  const {expiresAt, expiry} = expiryOf(status, tokenKind, expirationHeader, deps.now, notes)
  const scopesHeader = user.headers['x-oauth-scopes'] ?? decisive.headers['x-oauth-scopes']

  return {
    apiUrl,
    tokenKind,
    redacted: redactGitHubToken(token),
    status,
    checkedVia: {method: 'GET', path: decisive.path, httpStatus: decisive.status},
    login,
    accountType,
    scopes: status === 'rejected' ? null : parseScopes(scopesHeader),
    acceptedScopes: parseScopes(user.headers['x-accepted-oauth-scopes']),
    expiresAt,
    expiry,
    rateLimit: parseRateLimit(decisive.headers),
    installationRepositories,
    message: status === 'valid' ? null : (messageOf(decisive.body) ?? null),
    notes,
  }
}

function verdictOf(answer: ApiAnswer): TokenStatus {
  if (answer.status >= 200 && answer.status < 300) return 'valid'
  if (answer.status === 401) return 'rejected'
  return 'unknown'
}

function toAnswer(path: string, response: GitHubResponse): ApiAnswer {
  return {path, status: response.status, headers: response.headers, body: jsonOf(response.data)}
}

/**
 * The JSON document of a body. octokit parses JSON only under `application/json` and hands other
 * bodies over as text or bytes; the text is parsed here whatever its declared type, and anything
 * that is not JSON (an HTML error page) is no document, as is an empty body.
 */
function jsonOf(data: unknown): unknown {
  if (typeof data !== 'string') return typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer) ? data : undefined
  if (data.trim() === '') return undefined
  try {
    return JSON.parse(data) as unknown
  } catch {
    return undefined
  }
}

function rateLimited(answer: ApiAnswer): boolean {
  return isRateLimited(answer.status, answer.headers, messageOf(answer.body))
}

function describeUndecided(answer: ApiAnswer): string {
  const where = `GET ${answer.path.replace(/\?.*$/, '')} answered HTTP ${answer.status}`
  if (rateLimited(answer)) {
    const reset = parseRateLimit(answer.headers)?.reset
    return `${where}: rate limited${reset ? ` until ${reset}` : ''}; could not verify the token`
  }

  if (answer.status >= 300 && answer.status < 400) return `${where} (a redirect): is the API URL right?`
  if (answer.status === 404) return `${where}: is the API URL right (GitHub Enterprise Server serves it under /api/v3)?`
  if (answer.status >= 500) return `${where}: GitHub had a problem; could not verify the token`
  const message = messageOf(answer.body)
  return `${where}${message ? ` (${message})` : ''}: could not verify the token`
}

function expiryOf(
  status: TokenStatus,
  kind: GitHubTokenKind,
  header: string | null,
  now: Date,
  notes: string[],
): {expiresAt: string | null; expiry: ExpiryStatus} {
  if (header !== null) {
    const date = parseTokenExpiration(header)
    if (date) return {expiresAt: date.toISOString(), expiry: expiryStatus(date, now)}
    notes.push(`unreadable GitHub-Authentication-Token-Expiration header ${JSON.stringify(header.slice(0, 60))}: expiry unknown`)
    return {expiresAt: null, expiry: 'unknown'}
  }

  // Without the header only an accepted token of a kind that may live forever has no expiry.
  // Installation tokens last an hour and app user tokens usually eight, but GitHub does not say
  // when this one was issued.
  if (status === 'valid' && (kind === 'classic' || kind === 'oauth' || kind === 'fine-grained')) {
    return {expiresAt: null, expiry: 'no-expiry'}
  }

  return {expiresAt: null, expiry: 'unknown'}
}

function parseUser(body: unknown): {login: string; type: string | null} | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const record = body as Record<string, unknown>
  const login = record['login']
  if (typeof login !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) return undefined
  const type = record['type']
  return {login, type: typeof type === 'string' ? type : null}
}

function totalCount(body: unknown): number | null {
  if (typeof body !== 'object' || body === null) return null
  const count = (body as Record<string, unknown>)['total_count']
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : null
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const message = (body as Record<string, unknown>)['message']
  return typeof message === 'string' && message !== '' ? redactText(message).slice(0, 200) : undefined
}

const inRange = (year: number, month: number, day: number, hour: number, minute: number, second: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60 && year >= 2000 && year <= 9999

/**
 * Parses `GitHub-Authentication-Token-Expiration`. GitHub sends `2026-12-31 23:59:59 UTC`; an
 * offset (`+0900`, `-05:00`, `Z`) and ISO 8601 with `T` and fractional seconds are accepted too.
 * A value without a zone, or an impossible date (`2026-02-30`), gives `undefined`: a guessed
 * zone could turn "expired" into "ok".
 */
export function parseTokenExpiration(header: string | null | undefined): Date | undefined {
  if (!header) return undefined
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})$/i.exec(header.trim())
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (!inRange(year, month, day, hour, minute, second)) return undefined
  const fraction = match[7] ? Number(`0.${match[7]}`) * 1000 : 0
  const zone = (match[8] ?? '').toUpperCase()
  let offsetMinutes = 0
  if (zone !== 'UTC' && zone !== 'GMT' && zone !== 'Z') {
    const digits = zone.replace(':', '')
    const sign = digits.startsWith('-') ? -1 : 1
    const hours = Number(digits.slice(1, 3))
    const minutes = Number(digits.slice(3, 5))
    if (hours > 14 || minutes > 59) return undefined
    offsetMinutes = sign * (hours * 60 + minutes)
  }

  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59))
  // Date.UTC rolls 2026-02-30 over to March: refuse instead.
  const check = new Date(utc)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined
  return new Date(utc + Math.round(fraction) - offsetMinutes * 60_000)
}
