/**
 * The HTTP layer of the registry client, on undici: one keep-alive dispatcher per trust mode,
 * per-request deadline, bounded body reads, redirects followed by hand, docker's HTTPS → HTTP
 * fallback for loopback and `--insecure-registry` hosts, and one error model
 * ({@link NetworkError} / {@link TimeoutError} for "could not reach", never an HTTP status).
 */
import {rootCertificates} from 'node:tls'

import {Agent, type Dispatcher, EnvHttpProxyAgent} from 'undici'

import {type RunDeadline, requestBudgetMs} from '../deadline.js'
import type {KnownSecrets} from '../secrets/known-secrets.js'
import {
  DeadlineError,
  InsecureTransportError,
  NetworkError,
  ProtocolError,
  type RegctlError,
  TimeoutError,
  redactText,
  redactUrl,
} from '../errors.js'
import {describeErrno, errnoCode} from '../errno.js'
import {readBounded, readTruncated} from './body.js'
import {apiHost, isListedHost, isLoopbackHost} from './hosts.js'

/** Body size bounds (bytes). A registry that sends more is broken or hostile. */
export const BodyLimit = {
  manifest: 4 * 1024 * 1024,
  token: 1024 * 1024,
  /** Error bodies are read up to this size and the rest is dropped (the status is what counts). */
  error: 64 * 1024,
  tags: 4 * 1024 * 1024,
  /** Image config blobs (JSON, usually a few KiB) read to learn an image's platform. */
  config: 4 * 1024 * 1024,
} as const

/** At most this many redirect hops per request (Go's net/http allows 10; registries need 1 or 2). */
export const MAX_REDIRECTS = 5

const DEFAULT_TIMEOUT_MS = 30_000

/** How the transport reaches registries (built by the client from its RegistryClientOptions). */
export type TransportOptions = {
  /** Hosts (host or host:port) that may be reached over plain HTTP or with unverified TLS. */
  insecureRegistries?: readonly string[]
  /** Deadline for one request (connect + headers + body, redirects included). Default 30 s. */
  timeoutMs?: number
  /** `User-Agent` header. Default `regctl`. */
  userAgent?: string
  /** A ready undici dispatcher (tests, custom proxies). When set it serves every request. */
  dispatcher?: unknown
  /** Proxy URLs as read by the command (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`). */
  proxy?: {httpsProxy?: string; httpProxy?: string; noProxy?: string}
  /**
   * Extra trusted CA certificates (PEM), added to Node's bundled roots. Not needed for
   * `NODE_EXTRA_CA_CERTS`, which Node (and so undici's default connector) already honours.
   */
  ca?: readonly string[]
  /** The run's total deadline (`--deadline`): past it, requests in flight abort and none starts. */
  deadline?: RunDeadline
  /**
   * The run's known secrets: every `Authorization` value (an issued bearer token, a Basic pair)
   * and form secret sent is held there, so that no later message from any server prints it.
   */
  secrets?: KnownSecrets
}

/** The methods the read-only client uses (POST only for OAuth2 token requests). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST'

/** One request; `url` may be redirected, `authorization` is handled apart from `headers`. */
export type TransportRequest = {
  method: HttpMethod
  url: URL
  headers?: Record<string, string>
  /**
   * The `Authorization` value. Kept apart from `headers` so that the transport can refuse it over
   * plain HTTP and drop it on a cross-host redirect.
   */
  authorization?: string
  body?: string
  /** Bound for a 2xx body; larger → {@link ProtocolError}. */
  maxBodyBytes: number
  /** Follow 301/302/303/307/308 (GET and HEAD only). Default true. */
  followRedirects?: boolean
}

/** Response headers, names lowercased, every value a list (several lines stay apart). */
export type ResponseHeaders = Record<string, string[]>

/** A response with its body read (bounded); HEAD and redirect bodies are empty. */
export type TransportResponse = {
  status: number
  /** The URL that answered (after redirects). */
  url: URL
  headers: ResponseHeaders
  body: Uint8Array
  /** True when the request that produced this answer carried `Authorization` (redirects may drop it). */
  authorized: boolean
}

/** First value of a header, or undefined. */
export function header(headers: ResponseHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0]
}

/** Flattens headers for an error object (`set-cookie` dropped: it may carry a session). */
export function flattenHeaders(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, values] of Object.entries(headers)) {
    if (name === 'set-cookie') continue
    out[name] = values.join(', ')
  }

  return out
}

type TlsOptions = {rejectUnauthorized?: boolean; ca?: string[]}

/**
 * Builds the keep-alive dispatcher used for one trust mode. With proxy URLs it is an
 * `EnvHttpProxyAgent` fed explicitly (empty strings stop it from reading the environment itself:
 * the command owns the environment).
 */
export function createDispatcher(options: {
  insecureTls: boolean
  ca?: readonly string[]
  proxy?: TransportOptions['proxy']
  connectTimeoutMs?: number
}): Dispatcher {
  const tls: TlsOptions = options.insecureTls
    ? {rejectUnauthorized: false}
    : options.ca && options.ca.length > 0
      ? // `ca` replaces the default store in Node; keep the bundled roots next to the extra ones.
        {ca: [...rootCertificates, ...options.ca]}
      : {}
  const connect = {...tls, timeout: options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS}
  const agentOptions = {connect, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000}
  const proxy = options.proxy
  if (proxy && (proxy.httpsProxy || proxy.httpProxy)) {
    return new EnvHttpProxyAgent({
      ...agentOptions,
      // Through a CONNECT tunnel the registry's TLS options are `requestTls`.
      requestTls: tls,
      httpProxy: proxy.httpProxy ?? '',
      httpsProxy: proxy.httpsProxy ?? '',
      noProxy: proxy.noProxy ?? '',
    })
  }

  return new Agent(agentOptions)
}

function isDispatcher(value: unknown): value is Dispatcher {
  return typeof value === 'object' && value !== null && typeof (value as {dispatch?: unknown}).dispatch === 'function'
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * Per-request deadline shared by every hop of one `send`: `--timeout`, cut short by the run's
 * `--deadline` when that comes first.
 */
class Deadline {
  readonly controller = new AbortController()
  expired = false
  readonly #timer: NodeJS.Timeout
  readonly #onRunAbort = (): void => this.controller.abort()

  constructor(
    readonly ms: number,
    readonly run: RunDeadline | undefined,
  ) {
    this.#timer = setTimeout(() => {
      this.expired = true
      this.controller.abort()
    }, requestBudgetMs(ms, run))
    run?.signal.addEventListener('abort', this.#onRunAbort, {once: true})
  }

  /** True when the run's deadline (not this request's timeout) ended the request. */
  get runExpired(): boolean {
    return this.run?.signal.aborted === true
  }

  clear(): void {
    clearTimeout(this.#timer)
    this.run?.signal.removeEventListener('abort', this.#onRunAbort)
  }
}

/** The HTTP transport. One per client; `close()` ends its keep-alive sockets. */
export class Transport {
  /** Every HTTP request sent (redirect hops and fallbacks included). */
  requests = 0
  readonly timeoutMs: number
  readonly #insecure: readonly string[]
  readonly #userAgent: string
  readonly #deadline: RunDeadline | undefined
  readonly #secrets: KnownSecrets | undefined
  readonly #secure: Dispatcher
  readonly #unverified: Dispatcher
  readonly #owned: Dispatcher[] = []
  /** Scheme that worked, per API host (docker remembers it per registry too). */
  readonly #schemes = new Map<string, 'http' | 'https'>()

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#insecure = options.insecureRegistries ?? []
    this.#userAgent = options.userAgent ?? 'regctl'
    this.#deadline = options.deadline
    this.#secrets = options.secrets
    if (options.dispatcher !== undefined) {
      if (!isDispatcher(options.dispatcher)) throw new TypeError('dispatcher must be an undici Dispatcher')
      this.#secure = options.dispatcher
      this.#unverified = options.dispatcher
    } else {
      const base = {connectTimeoutMs: this.timeoutMs, ...(options.proxy ? {proxy: options.proxy} : {})}
      this.#secure = createDispatcher({...base, insecureTls: false, ...(options.ca ? {ca: options.ca} : {})})
      this.#unverified = createDispatcher({...base, insecureTls: true})
      this.#owned.push(this.#secure, this.#unverified)
    }
  }

  /**
   * True when `host` may be reached over plain HTTP and unverified TLS: loopback (docker marks
   * 127.0.0.0/8 insecure by default) or listed in `insecureRegistries`.
   */
  isInsecureHost(host: string): boolean {
    return isLoopbackHost(host) || isListedHost(host, this.#insecure)
  }

  /** The base URL of a registry once a request has found its scheme, else undefined. */
  baseUrl(registry: string): string | undefined {
    const host = apiHost(registry)
    const scheme = this.#schemes.get(host)
    return scheme ? `${scheme}://${host}` : undefined
  }

  /**
   * Sends a request to a registry's API (`path` starts with `/v2/`). HTTPS first; for insecure
   * hosts a connection or TLS failure falls back to plain HTTP, as `docker pull` does, and the
   * scheme that worked is remembered.
   */
  async sendToRegistry(registry: string, path: string, req: Omit<TransportRequest, 'url'>): Promise<TransportResponse> {
    const host = apiHost(registry)
    // A host the URL parser refuses (a port past 65535…) is the caller's input, not a bug.
    if (!URL.canParse(`https://${host}${path}`)) throw new ProtocolError(redactText(host), 'not a valid registry host')
    const known = this.#schemes.get(host)
    if (known) return this.send({...req, url: new URL(`${known}://${host}${path}`)})
    try {
      const res = await this.send({...req, url: new URL(`https://${host}${path}`)})
      this.#schemes.set(host, 'https')
      return res
    } catch (error) {
      if (!(error instanceof NetworkError) || !this.isInsecureHost(host)) throw error
    }

    const res = await this.send({...req, url: new URL(`http://${host}${path}`)})
    this.#schemes.set(host, 'http')
    return res
  }

  /** Sends one request, following redirects (≤ {@link MAX_REDIRECTS}) under one deadline. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    // Past the run's deadline nothing new is sent (a queued image, a token exchange, a fallback).
    if (this.#deadline?.signal.aborted) throw new DeadlineError(redactUrl(req.url), this.#deadline.seconds)
    const deadline = new Deadline(this.timeoutMs, this.#deadline)
    try {
      let url = req.url
      let authorization = req.authorization
      for (let hop = 0; ; hop++) {
        const res = await this.#once(req, url, authorization, deadline)
        const location = header(res.headers, 'location')
        const redirect = [301, 302, 303, 307, 308].includes(res.status)
        if (!redirect || req.followRedirects === false || req.method === 'POST' || location === undefined) {
          return {...res, authorized: authorization !== undefined}
        }

        if (hop >= MAX_REDIRECTS) throw new ProtocolError(redactUrl(req.url), `more than ${MAX_REDIRECTS} redirects`)
        let next: URL
        try {
          next = new URL(location, url)
        } catch {
          throw new ProtocolError(redactUrl(url), 'redirect to an invalid Location')
        }

        // Never forward credentials to another host (blob redirects go to S3/CDNs with their own
        // signature) nor down from HTTPS to HTTP. Go's net/http and docker behave the same way.
        if (next.host !== url.host || (url.protocol === 'https:' && next.protocol !== 'https:')) authorization = undefined
        url = next
      }
    } finally {
      deadline.clear()
    }
  }

  async #once(
    req: TransportRequest,
    url: URL,
    authorization: string | undefined,
    deadline: Deadline,
  ): Promise<Omit<TransportResponse, 'authorized'>> {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ProtocolError(redactUrl(url), `unsupported URL scheme ${url.protocol}`)
    }

    // Checked before connecting: a realm or a Link from the registry must not lure credentials
    // onto the wire in clear text.
    if (authorization !== undefined && url.protocol === 'http:' && !this.isInsecureHost(url.host)) {
      throw new InsecureTransportError(
        redactUrl(url),
        'refusing to send credentials over plain HTTP to a host that is neither loopback nor an insecure registry',
      )
    }

    const headers: Record<string, string> = {'user-agent': this.#userAgent, ...req.headers}
    if (authorization !== undefined) headers['authorization'] = authorization
    this.#secrets?.addAuthorization(authorization)
    this.#secrets?.addForm(req.body)
    const dispatcher = url.protocol === 'https:' && this.isInsecureHost(url.host) ? this.#unverified : this.#secure
    this.requests++
    let res: Dispatcher.ResponseData
    try {
      // The dispatcher's own request() (not undici's top-level helper): the build bundles only the
      // dispatchers from undici (scripts/bundle.mjs), not its fetch, cache and mock modules.
      res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : {body: req.body}),
        signal: deadline.controller.signal,
        // undici closes the connection after every HEAD unless told otherwise (undici#258, for
        // servers that wrongly send a HEAD body). Registries answer HEAD correctly, and a new TLS
        // handshake per manifest HEAD was most of pull-check's client CPU: keep the socket.
        ...(req.method === 'HEAD' ? {reset: false} : {}),
      })
    } catch (error) {
      throw classify(error, url, deadline)
    }

    const responseHeaders = normalizeHeaders(res.headers)
    const status = res.statusCode
    let body: Uint8Array
    try {
      if (req.method === 'HEAD' || (status >= 300 && status < 400)) {
        await res.body.dump({limit: BodyLimit.error})
        body = new Uint8Array(0)
      } else if (status >= 200 && status < 300) {
        body = await readBounded(res.body, req.maxBodyBytes, url, header(responseHeaders, 'content-length'))
      } else {
        body = scrubSentSecrets(await readTruncated(res.body, BodyLimit.error), authorization, req.body)
      }
    } catch (error) {
      if (error instanceof ProtocolError) throw error
      throw classify(error, url, deadline)
    }

    // undici frees the connection for the next request (its pool's `drain`) just after the body
    // ends; a request sent in the same tick — the token exchange right after the ping, the
    // manifest right after the token — would open a second connection to the same host (the
    // issue 10 trace showed two TLS handshakes per registry). One turn of the event loop lets the
    // next request reuse the kept-alive one.
    await new Promise((resolve) => setImmediate(resolve))
    return {status, url, headers: responseHeaders, body}
  }

  /**
   * Ends the keep-alive connections of the dispatchers this transport created (not an injected
   * one). Called when a command is done, so nothing is in flight: `destroy()` drops the idle
   * sockets at once, where undici's graceful `close()` waits for each peer to close its side
   * (tens of milliseconds of a one-image check, after its last response).
   */
  async close(): Promise<void> {
    await Promise.all(this.#owned.map((d) => d.destroy()))
  }
}

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  const out: ResponseHeaders = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value : [value]
  }

  return out
}

/** Maps an undici/Node failure to NetworkError or TimeoutError (never an HTTP status). */
/**
 * The credentials this request carried (the bearer token regctl was issued, a Basic password, an
 * identity or refresh token in a form body), removed from an error body: a server that echoes them
 * in its message must not get them printed (issue 12). Exact-match replacement, so it also covers
 * secrets no pattern of the catalogue would recognise, like a plain password.
 */
function scrubSentSecrets(body: Uint8Array, authorization: string | undefined, form: string | undefined): Uint8Array {
  const secrets = new Set<string>()
  const [scheme, value] = (authorization ?? '').split(/\s+/, 2)
  if (value) {
    secrets.add(value)
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      secrets.add(decoded)
      const colon = decoded.indexOf(':')
      if (colon >= 0) secrets.add(decoded.slice(colon + 1))
    }
  }

  if (form) {
    for (const [key, field] of new URLSearchParams(form)) if (/token|password|secret/i.test(key)) secrets.add(field)
  }

  // Very short secrets would redact ordinary words; they are shown as `…` everywhere else anyway.
  const long = [...secrets].filter((secret) => secret.length >= 6).sort((a, b) => b.length - a.length)
  if (long.length === 0 || body.byteLength === 0) return body
  let text = new TextDecoder().decode(body)
  let changed = false
  for (const secret of long) {
    if (text.includes(secret)) {
      text = text.split(secret).join('REDACTED')
      changed = true
    }
  }

  return changed ? new TextEncoder().encode(text) : body
}

function classify(error: unknown, url: URL, deadline: Deadline): RegctlError {
  const safeUrl = redactUrl(url)
  if (deadline.run && deadline.runExpired) return new DeadlineError(safeUrl, deadline.run.seconds)
  if (deadline.expired) return new TimeoutError(safeUrl, deadline.ms)
  const code = typeof error === 'object' && error !== null ? (error as {code?: unknown}).code : undefined
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return new TimeoutError(safeUrl, deadline.ms)
  const message = error instanceof Error ? error.message : String(error)
  if (url.protocol === 'https:' && (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(message))) {
    // A TLS handshake answered in plain HTTP: say so instead of quoting OpenSSL.
    return new NetworkError(safeUrl, `this registry answered plain HTTP; pass --insecure-registry ${url.host} if you trust it`, {cause: error})
  }

  const innerCode = errnoCode(error)
  // Words, not errno codes: "connection refused", "host not found (DNS)" (lib/errno.ts).
  const detail = innerCode !== undefined && describeErrno(innerCode) !== innerCode ? describeErrno(innerCode) : typeof code === 'string' ? `${code}: ${message}` : message
  return new NetworkError(safeUrl, redactText(detail), {cause: error})
}
