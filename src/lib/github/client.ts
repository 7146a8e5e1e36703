/**
 * A small GitHub REST client over octokit (`@octokit/rest` with the retry and throttling
 * plugins). Octokit is imported dynamically in {@link createGitHubClient}, so importing this module
 * costs nothing until a command actually talks to GitHub (`regctl --help` stays fast).
 *
 * Rate limits (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * the primary quota is read from `x-ratelimit-*` on every response and reported; when it is
 * exhausted we do not sleep until the reset (up to an hour) but fail with exit 3. A secondary
 * limit (403/429 "secondary rate limit", `retry-after`) is retried once after the advised wait,
 * and the retry is reported as a warning.
 */
import {NetworkError, redactText, redactUrl, TimeoutError} from '../errors.js'
import {toGitHubError, type RequestContext} from './api-errors.js'
import type {GitHubRateLimit, ResolvedGitHubToken} from './types.js'

/** One API response: `headers` are lower-cased, `data` is unparsed JSON. */
export type GitHubResponse = {status: number; url: string; headers: Record<string, string>; data: unknown}

/** Options of {@link createGitHubClient}. */
export type GitHubClientOptions = {
  /** REST base URL (`https://api.github.com`, `https://HOST/api/v3`). */
  apiUrl: string
  token?: ResolvedGitHubToken | undefined
  /** Per-request timeout (connect, headers and body). Default 30 s. */
  timeoutMs?: number
  userAgent?: string
  /** Injected fetch (tests). Default: the global fetch. */
  fetch?: typeof fetch
  /** Retries of 5xx answers and transport failures (after 1, then 4 units). Default 1. */
  retries?: number
  /** Unit of every back-off and `retry-after` wait, in ms. Default 1000 (tests lower it). */
  retryUnitMs?: number
  /** Longest `retry-after` of a secondary rate limit we are willing to wait once, in s. Default 60. */
  maxSecondaryWaitSeconds?: number
}

/** Counters for tests and benchmarks. */
export type GitHubClientStats = {requests: number}

/** The client the packages functions are written against (a fake is easy to build in tests). */
export type GitHubClient = {
  readonly apiUrl: string
  readonly token: ResolvedGitHubToken | undefined
  /** One request (`GET /users/{username}`-style route and parameters). */
  request(route: string, params: Record<string, unknown>, context: RequestContext): Promise<GitHubResponse>
  /** The pages of a list endpoint, following `Link: rel="next"` (`octokit.paginate.iterator`). */
  pages(route: string, params: Record<string, unknown>, context: RequestContext): AsyncIterator<GitHubResponse>
  /** The primary quota after the latest response seen, if any carried `x-ratelimit-*`. */
  rateLimit(): GitHubRateLimit | undefined
  /** Non-fatal events (a secondary rate limit retried). */
  readonly warnings: string[]
  readonly stats: GitHubClientStats
}

/** REST API version pinned in `X-GitHub-Api-Version`. */
export const GITHUB_API_VERSION = '2022-11-28'

/** Builds a {@link GitHubClient}. Loads octokit lazily. */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const [{Octokit}, {retry}, {throttling}] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ])
  const warnings: string[] = []
  const stats: GitHubClientStats = {requests: 0}
  const tracker = createRateLimitTracker()
  const timeoutMs = options.timeoutMs ?? 30_000
  const baseFetch = options.fetch ?? globalThis.fetch
  const unit = options.retryUnitMs ?? 1000
  const maxSecondaryWait = options.maxSecondaryWaitSeconds ?? 60

  // Every HTTP request goes through here: count it, bound it in time, read its rate-limit headers,
  // and turn transport failures into the error model (octokit then wraps them; toGitHubError unwraps).
  const fetchWithTimeout = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    stats.requests++
    const url = redactUrl(typeof input === 'string' || input instanceof URL ? String(input) : input.url)
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    let response: Response
    try {
      response = await baseFetch(input, {...init, signal})
    } catch (error) {
      if (timeout.aborted) throw new TimeoutError(url, timeoutMs)
      throw new NetworkError(url, describeTransportError(error), {cause: error})
    }

    tracker.record(response.headers)
    return response
  }

  const GitHub = Octokit.plugin(retry, throttling)
  const octokit = new GitHub({
    baseUrl: options.apiUrl,
    userAgent: options.userAgent ?? 'regctl',
    ...(options.token ? {auth: options.token.token} : {}),
    request: {fetch: fetchWithTimeout},
    // The library never prints: octokit's own log lines become warnings (deprecations) or vanish.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => warnings.push(redactText(String(message))),
      error: () => undefined,
    },
    retry: {
      retries: options.retries ?? 1,
      retryAfterBaseValue: unit,
      // 429 and 403 belong to the throttling plugin; never retry definitive answers.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter: number, requestOptions: {method?: string; url?: string}, _octokit: unknown, retryCount: number) => {
        if (retryCount >= 1 || retryAfter > maxSecondaryWait) return false
        // The URL is a route template or an absolute page URL: show its path only.
        const path = (requestOptions.url ?? '').split('?')[0]?.replace(options.apiUrl, '') ?? ''
        warnings.push(`GitHub secondary rate limit on ${requestOptions.method ?? 'GET'} ${redactText(path)}; retried once after ${retryAfter} s`)
        return true
      },
    },
  })
  octokit.hook.before('request', (requestOptions) => {
    requestOptions.headers['x-github-api-version'] = GITHUB_API_VERSION
  })

  const normalise = (response: {status: number; url: string; headers: Record<string, unknown>; data: unknown}): GitHubResponse => {
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(response.headers)) {
      if (typeof value === 'string' || typeof value === 'number') headers[key.toLowerCase()] = String(value)
    }

    return {status: response.status, url: response.url, headers, data: response.data}
  }

  return {
    apiUrl: options.apiUrl,
    token: options.token,
    warnings,
    stats,
    rateLimit: () => tracker.current(),
    async request(route, params, context) {
      try {
        return normalise(await octokit.request(route, params))
      } catch (error) {
        throw toGitHubError(error, context, options.token)
      }
    },
    pages(route, params, context) {
      const iterator = octokit.paginate.iterator(route, params)[Symbol.asyncIterator]()
      return {
        async next() {
          try {
            const step = await iterator.next()
            return step.done ? {done: true, value: undefined} : {done: false, value: normalise(step.value)}
          } catch (error) {
            throw toGitHubError(error, context, options.token)
          }
        },
      }
    },
  }
}

/**
 * Keeps the most telling `x-ratelimit-*` reading: concurrent responses can arrive out of order,
 * so within one window (same reset) the lowest `remaining` is the latest.
 */
function createRateLimitTracker(): {record(headers: Headers): void; current(): GitHubRateLimit | undefined} {
  let best: {limit: number; remaining: number; resetEpoch: number} | undefined
  return {
    record(headers) {
      const limit = toInt(headers.get('x-ratelimit-limit'))
      const remaining = toInt(headers.get('x-ratelimit-remaining'))
      const resetEpoch = toInt(headers.get('x-ratelimit-reset'))
      if (limit === undefined || remaining === undefined || resetEpoch === undefined) return
      if (!best || resetEpoch > best.resetEpoch || (resetEpoch === best.resetEpoch && remaining < best.remaining)) {
        best = {limit, remaining, resetEpoch}
      }
    },
    current() {
      return best && {limit: best.limit, remaining: best.remaining, reset: new Date(best.resetEpoch * 1000).toISOString()}
    },
  }
}

function toInt(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value.trim())) return undefined
  return Number(value.trim())
}

function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // undici puts the useful part (ECONNREFUSED, certificate errors) in `cause`.
  const cause = error.cause
  if (cause instanceof Error) {
    const code = (cause as {code?: unknown}).code
    return redactText(`${typeof code === 'string' ? `${code}: ` : ''}${cause.message}`)
  }

  return redactText(error.message)
}
