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
 *
 * This is the one GitHub HTTP stack: `ghcr ls` reads packages through {@link GitHubClient.request}
 * and {@link GitHubClient.pages}; token introspection (`auth status`, `auth login`) reads raw
 * answers through {@link GitHubClient.answer}. Every response body is read here, bounded in size
 * and time, before octokit parses it.
 */
import {type RunDeadline, requestBudgetMs} from '../deadline.js'
import {DeadlineError, NetworkError, ProtocolError, RegctlError, redactText, redactUrl, TimeoutError} from '../errors.js'
import {nextLink} from '../link-header.js'
import {toGitHubError, type RequestContext} from './api-errors.js'
import {BufferedResponse, type FetchResponse} from './fetch-response.js'
import {createRateLimitTracker} from './rate-limit.js'
import type {GitHubClientToken, GitHubRateLimit} from './types.js'

/** One API response: `headers` are lower-cased, `data` is unparsed JSON. */
export type GitHubResponse = {status: number; url: string; headers: Record<string, string>; data: unknown}

/**
 * The subset of `fetch` the client calls. The commands pass a fetch on the bundle's undici
 * (src/runtime/github-fetch.ts), which does not load Node's own copy (./fetch-response.ts); the
 * global fetch satisfies it too (the default; nock intercepts it in unit tests).
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<FetchResponse>

/** Options of {@link createGitHubClient}. */
export type GitHubClientOptions = {
  /** REST base URL (`https://api.github.com`, `https://HOST/api/v3`). */
  apiUrl: string
  token?: GitHubClientToken | undefined
  /** Per-request timeout (connect, headers and body). Default 30 s. */
  timeoutMs?: number
  userAgent?: string
  /** The fetch to send requests with (the commands': src/runtime/github-fetch.ts). Default: the global fetch. */
  fetch?: FetchLike
  /** Retries of 5xx answers and transport failures (after 1, then 4 units). Default 1. */
  retries?: number
  /** Unit of every back-off and `retry-after` wait, in ms. Default 1000 (tests lower it). */
  retryUnitMs?: number
  /** Longest `retry-after` of a secondary rate limit we are willing to wait once, in s. Default 60. */
  maxSecondaryWaitSeconds?: number
  /** False: a secondary rate limit is never retried (token introspection asks once). Default true. */
  retrySecondaryRateLimit?: boolean
  /** False: a 3xx is an answer, never followed with the token. Default true (fetch's default). */
  followRedirects?: boolean
  /** Largest response body read, in bytes; a larger one is a ProtocolError. Default 16 MiB. */
  maxBodyBytes?: number
  /** The run's total deadline (`--deadline`): past it, requests in flight abort and none starts (retries included). */
  deadline?: RunDeadline
}

/** Counters for tests and benchmarks. */
export type GitHubClientStats = {requests: number}

/** The client the packages functions are written against (a fake is easy to build in tests). */
export type GitHubClient = {
  readonly apiUrl: string
  readonly token: GitHubClientToken | undefined
  /** One request (`GET /users/{username}`-style route and parameters). */
  request(route: string, params: Record<string, unknown>, context: RequestContext): Promise<GitHubResponse>
  /**
   * One request whose every HTTP answer resolves, whatever its status (token introspection judges
   * 401, 403 and 404 itself). Rejects only when GitHub could not be reached or answered garbage:
   * NetworkError, TimeoutError, ProtocolError.
   */
  answer(route: string, params: Record<string, unknown>): Promise<GitHubResponse>
  /**
   * The pages of a list endpoint, following `Link: rel="next"` only on the API's own origin (a
   * link elsewhere is a {@link ProtocolError}: the token must not go there) and never to a URL
   * already requested (a loop ends the listing).
   */
  pages(route: string, params: Record<string, unknown>, context: RequestContext): AsyncIterator<GitHubResponse>
  /** The primary quota after the latest response seen, if any carried `x-ratelimit-*`. */
  rateLimit(): GitHubRateLimit | undefined
  /** Non-fatal events (a secondary rate limit retried). */
  readonly warnings: string[]
  readonly stats: GitHubClientStats
}

/** REST API version pinned in `X-GitHub-Api-Version`. */
export const GITHUB_API_VERSION = '2022-11-28'

/**
 * Default bound on one response body (a page of 100 package versions is about 100 KB). Issue 12:
 * a 300 MB array took 4.6 GB RSS, an endless body 2.6 GB.
 */
export const MAX_GITHUB_BODY_BYTES = 16 * 1024 * 1024

/**
 * Items one listing may span: GitHub's REST API serves at most the first 10,000 items of a list
 * (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api), i.e.
 * 100 pages of 100. A server that links further is cut there, and the listing says it was cut.
 */
export const MAX_GITHUB_ITEMS = 10_000

/**
 * The body of a success answer, decoded as octokit's `getResponseData` decodes it (JSON when the
 * media type is application/json or application/scim+json and the text parses, text for text/*
 * or a UTF-8 charset, else an ArrayBuffer), but with `JSON.parse`. Octokit 10 parses JSON with a
 * reviver that asks V8 for the source text of every value (to keep integers past 2^53 as
 * BigInt): on a 40 KB page of packages that took 30–90 ms of CPU, after the last response and
 * before any output (issue 10, exit lag). GitHub's integers (ids, counts) are within 2^53, and
 * the parsers downstream take numbers only.
 */
function successData(bytes: Uint8Array, contentType: string | null): unknown {
  const text = (): string => new TextDecoder().decode(bytes)
  if (!contentType) return text()
  const [type = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase())
  if (type === 'application/json' || type === 'application/scim+json') {
    const body = text()
    try {
      return JSON.parse(body) as unknown
    } catch {
      return body
    }
  }

  const utf8 = parameters.some((parameter) => /^charset="?utf-8"?$/.test(parameter))
  if (type.startsWith('text/') || (utf8 && type !== 'application/octet-stream')) return text()
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
}

/** Statuses whose Response must have a null body (fetch spec, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/** Builds a {@link GitHubClient}. Loads octokit lazily. */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const [{Octokit}, {retry}, {throttling}] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ])
  const warnings: string[] = []
  const stats: GitHubClientStats = {requests: 0}
  // Success bodies fetchBounded read, by the body object octokit hands back as `data` (octokit
  // does not parse success bodies: parseSuccessResponseBody is false; normalise decodes them).
  const successBodies = new WeakMap<object, {bytes: Uint8Array; contentType: string | null}>()
  const tracker = createRateLimitTracker()
  const timeoutMs = options.timeoutMs ?? 30_000
  const baseFetch: FetchLike = options.fetch ?? globalThis.fetch
  const maxBodyBytes = options.maxBodyBytes ?? MAX_GITHUB_BODY_BYTES
  const unit = options.retryUnitMs ?? 1000
  const maxSecondaryWait = options.maxSecondaryWaitSeconds ?? 60

  // Every HTTP request goes through here: count it, bound it in time and size, read its rate-limit
  // headers, and turn transport failures into the error model (octokit then wraps them;
  // toGitHubError unwraps). The body is read here, not by octokit: octokit turns a body that fails
  // half-way into an empty string, which would hide a timeout behind "not JSON".
  const fetchBounded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    stats.requests++
    // octokit passes the URL as a string.
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const url = redactUrl(target)
    const deadline = options.deadline
    // Past the run's deadline nothing is sent, retries included.
    if (deadline?.signal.aborted) throw new DeadlineError(url, deadline.seconds)
    const timeout = AbortSignal.timeout(requestBudgetMs(timeoutMs, deadline))
    const signal = AbortSignal.any([timeout, ...(init?.signal ? [init.signal] : []), ...(deadline ? [deadline.signal] : [])])
    const redirect: RequestInit['redirect'] = options.followRedirects === false ? 'manual' : init?.redirect
    let response: FetchResponse
    let body: Uint8Array | null
    try {
      response = await baseFetch(target, {...init, signal, ...(redirect === undefined ? {} : {redirect})})
      tracker.record(Object.fromEntries(response.headers))
      body = NULL_BODY_STATUSES.has(response.status) ? null : await readBody(response, maxBodyBytes, url, signal)
    } catch (error) {
      if (deadline?.signal.aborted) throw new DeadlineError(url, deadline.seconds)
      if (timeout.aborted) throw new TimeoutError(url, timeoutMs)
      // The fetch's own verdicts (a redirect loop, a token refused over plain HTTP) stay as they are.
      if (error instanceof RegctlError) throw error
      throw new NetworkError(url, describeTransportError(error), {cause: error})
    }

    checkErrorBody(response, body, url)
    if (response.status < 200 || response.status > 599) throw new ProtocolError(url, `HTTP status ${response.status} is not a final answer`)
    // The page URL matters to pagination and messages.
    const copy = new BufferedResponse(body, response.status, response.statusText, response.headers, response.url || target)
    if (copy.body !== null && body !== null && response.status < 300) successBodies.set(copy.body, {bytes: body, contentType: response.headers.get('content-type')})
    // Octokit reads the status, headers, text() and arrayBuffer() of what fetch returns.
    return copy as unknown as Response
  }

  const GitHub = Octokit.plugin(retry, throttling)
  const octokit = new GitHub({
    baseUrl: options.apiUrl,
    userAgent: options.userAgent ?? 'regctl',
    ...(options.token ? {auth: options.token.token} : {}),
    request: {fetch: fetchBounded, parseSuccessResponseBody: false},
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
        if (options.retrySecondaryRateLimit === false || retryCount >= 1 || retryAfter > maxSecondaryWait) return false
        // The URL is a route template or an absolute page URL: show its path only.
        const path = (requestOptions.url ?? '').split('?')[0]?.replace(options.apiUrl, '') ?? ''
        warnings.push(`GitHub secondary rate limit on ${requestOptions.method ?? 'GET'} ${redactText(path)}; retried once after ${retryAfter} s`)
        return true
      },
    },
  })
  octokit.hook.before('request', (requestOptions) => {
    // The media type and version GitHub's REST docs ask for on every request.
    requestOptions.headers['accept'] = 'application/vnd.github+json'
    requestOptions.headers['x-github-api-version'] = GITHUB_API_VERSION
  })

  const normalise = (response: {status: number; url: string; headers: Record<string, unknown>; data: unknown}): GitHubResponse => {
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(response.headers)) {
      if (typeof value === 'string' || typeof value === 'number') headers[key.toLowerCase()] = String(value)
    }

    const success = typeof response.data === 'object' && response.data !== null ? successBodies.get(response.data) : undefined
    return {status: response.status, url: response.url, headers, data: success === undefined ? response.data : successData(success.bytes, success.contentType)}
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
    async answer(route, params) {
      try {
        return normalise(await octokit.request(route, params))
      } catch (error) {
        const answered = httpAnswerOf(error)
        if (answered) return normalise(answered)
        throw toGitHubError(error, {resource: route}, options.token)
      }
    },
    pages(route, params, context) {
      // Like `octokit.paginate.iterator` (plugin-paginate-rest `iterator.ts`), plus the checks it
      // lacks (issue 12): same origin as the API, no URL twice.
      const origin = new URL(options.apiUrl).origin
      const seen = new Set<string>()
      let next: string | undefined
      let started = false
      return {
        async next() {
          if (started && next === undefined) return {done: true, value: undefined}
          let response: GitHubResponse
          try {
            // As the iterator does: the first URL is the route expanded, so hooks and messages see it.
            const {method, url, headers} = octokit.request.endpoint(route, params)
            response = normalise(await octokit.request({method, url: started ? (next as string) : url, headers}))
          } catch (error) {
            throw toGitHubError(error, context, options.token)
          }

          started = true
          const base = new URL(response.url || options.apiUrl)
          seen.add(base.href)
          const link = nextLink(response.headers['link'], base)
          next = undefined
          if (link) {
            if (link.origin !== origin) {
              throw new ProtocolError(
                redactUrl(response.url),
                `pagination link leads to another origin (${link.origin}); not followed, the token is only sent to ${origin}`,
              )
            }

            if (!seen.has(link.href)) next = link.href
          }

          return {done: false, value: response}
        },
      }
    },
  }
}

/** The HTTP response inside an octokit `RequestError` (any status GitHub answered), if there is one. */
function httpAnswerOf(error: unknown): {status: number; url: string; headers: Record<string, unknown>; data: unknown} | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const response = (error as {response?: unknown}).response
  if (typeof response !== 'object' || response === null) return undefined
  const {status, url, headers, data} = response as Record<string, unknown>
  if (typeof status !== 'number' || typeof headers !== 'object' || headers === null) return undefined
  return {status, url: typeof url === 'string' ? url : '', headers: headers as Record<string, unknown>, data}
}

/**
 * An error answer whose JSON body is not a JSON object is a protocol error: octokit would throw a
 * foreign TypeError on it (`'message' in 5`, issue 12). A success body that is not JSON reaches
 * the parsers as text, and they reject it as a ProtocolError.
 */
function checkErrorBody(response: FetchResponse, body: Uint8Array | null, url: string): void {
  const type = response.headers.get('content-type') ?? ''
  if (response.status < 400 || body === null || !/^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i.test(type)) return
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new ProtocolError(url, `HTTP ${response.status} with a body that is not valid JSON`)
  }

  if (typeof value !== 'object' || value === null) throw new ProtocolError(url, `HTTP ${response.status} with a JSON body that is not an object`)
}

/**
 * The body, bounded: the declared length is checked first, then the bytes as they arrive. Every
 * read races the request's signal, whatever fetch is in use: a stalled body ends at the deadline.
 */
async function readBody(response: FetchResponse, maxBytes: number, url: string, signal: AbortSignal): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) throw new ProtocolError(url, `body of ${declared} bytes is over ${maxBytes}`)
  if (!response.body) return null
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body.getReader()
  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, {once: true})
  })
  aborted.catch(() => undefined)
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>
    try {
      step = await Promise.race([reader.read(), aborted])
    } catch (error) {
      await reader.cancel().catch(() => undefined)
      throw error
    }

    const {done, value} = step
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new ProtocolError(url, `body over ${maxBytes} bytes`)
    }

    chunks.push(value)
  }

  return Buffer.concat(chunks)
}

function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // fetch puts the useful part (ECONNREFUSED, certificate errors) in `cause`; undici's request()
  // throws it as it is.
  const inner = error.cause instanceof Error ? error.cause : error
  const code = (inner as {code?: unknown}).code
  return redactText(`${typeof code === 'string' ? `${code}: ` : ''}${inner.message}`)
}
