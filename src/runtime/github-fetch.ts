/**
 * The fetch the GitHub client calls (`ghcr ls`, token introspection in `auth status`, `auth login`
 * and `audit`): undici's `Dispatcher.request()` on the same keep-alive dispatchers as the registry
 * transport, with fetch's redirect rules written out.
 *
 * Why not `globalThis.fetch` (issue 10): in Node, `fetch` is a getter that loads Node's own copy
 * of undici (its fetch, WebIDL, web streams, `node:http`, `node:http2`), 50–80 ms of CPU before
 * `ghcr ls` could send its first request, and its web-stream bodies cost milliseconds more after
 * the last response. undici's own `fetch` export would load the same modules from the bundle (the
 * bundles resolve `undici` to the dispatchers only: scripts/bundle/undici-dispatchers.cjs). The
 * client needs far less than fetch: GET requests, a plain header object, and a body read chunk by
 * chunk (src/lib/github/fetch-response.ts), so this file does that much and no more.
 *
 * What fetch does that this keeps (WHATWG Fetch, "HTTP-redirect fetch",
 * https://fetch.spec.whatwg.org/#http-redirect-fetch, as undici implements it):
 * - `redirect: 'follow'` (the default) follows 301/302/303/307/308; `'manual'` returns the 3xx
 *   itself (token introspection reports a redirect, never chases it with the token); `'error'`
 *   rejects.
 * - `Authorization` (and `Cookie`, `Proxy-Authorization`) is removed when a redirect leaves the
 *   request's origin; a 303, or a 301/302 after a POST, becomes a GET without a body.
 *
 * regctl's own rules on top (README, Security): at most {@link MAX_REDIRECTS} hops; a token never
 * goes over plain HTTP to a host that is not loopback (`GITHUB_API_URL=http://…` of a remote host
 * is refused before connecting, and so is a redirect down to HTTP); TLS is always verified, loopback
 * included (the registries' docker-style "loopback is insecure" rule does not apply to GitHub).
 */
import type {Dispatcher} from 'undici'

import {InsecureTransportError, ProtocolError, redactUrl} from '../lib/errors.js'
import type {FetchLike} from '../lib/github/client.js'
import {HeaderList, type FetchBody, type FetchResponse} from '../lib/github/fetch-response.js'
import {isLoopbackHost} from '../lib/registry/hosts.js'
import {proxyFromEnv} from './environment.js'

/** Redirect hops one request may take (the registry transport allows as many; GitHub needs one). */
export const MAX_REDIRECTS = 5

/** Bytes of a redirect's own body read before it is dropped. */
const REDIRECT_BODY_LIMIT = 64 * 1024

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** Headers fetch removes when a redirect leaves the origin (undici: `cleanRequestHeaders`). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization']

/** Headers of a request body, dropped when a redirect turns the request into a body-less GET. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']

/** A fetch for the GitHub client and the connections it keeps. */
export type GitHubFetch = {
  fetch: FetchLike
  /** Ends the keep-alive connections (nothing may be in flight). */
  close(): Promise<void>
}

/** Options of {@link createGitHubFetch}. */
export type GitHubFetchOptions = {
  /** Connect timeout in ms (the client bounds each whole request with its own signal). */
  connectTimeoutMs: number
  /** A ready undici dispatcher (tests). Default: a keep-alive Agent, or a proxy agent from `HTTPS_PROXY`/`NO_PROXY`. */
  dispatcher?: Dispatcher
}

/**
 * A fetch for the GitHub client on the bundle's undici. The dispatcher is created on the first
 * request, through the registry transport's `createDispatcher` (proxy variables, keep-alive).
 */
export function createGitHubFetch(options: GitHubFetchOptions): GitHubFetch {
  let dispatcher: Promise<Dispatcher> | undefined = options.dispatcher ? Promise.resolve(options.dispatcher) : undefined
  const owned = options.dispatcher === undefined
  const getDispatcher = async (): Promise<Dispatcher> => {
    dispatcher ??= import('../lib/registry/transport.js').then(({createDispatcher}) =>
      createDispatcher({insecureTls: false, connectTimeoutMs: options.connectTimeoutMs, ...proxyFromEnv()}),
    )
    return dispatcher
  }

  const fetch: FetchLike = async (input, init) => {
    let url = new URL(input)
    let method = (init.method ?? 'GET').toUpperCase()
    let body = requestBody(init.body)
    const headers = headerRecord(init.headers)
    const mode = init.redirect ?? 'follow'
    const signal = init.signal ?? undefined
    for (let hop = 0; ; hop++) {
      checkTransport(url, headers)
      const agent = await getDispatcher()
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body === undefined ? {} : {body}),
        ...(signal ? {signal} : {}),
      })
      const location = headerValue(response.headers['location'])
      if (!REDIRECT_STATUSES.has(response.statusCode) || location === undefined || mode === 'manual') return new StreamResponse(response, url)
      await response.body.dump({limit: REDIRECT_BODY_LIMIT})
      if (mode === 'error') throw new TypeError(`fetch: redirect mode is "error" and ${redactUrl(url)} answered ${response.statusCode}`)
      if (hop >= MAX_REDIRECTS) throw new ProtocolError(redactUrl(input), `more than ${MAX_REDIRECTS} redirects`)
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        throw new ProtocolError(redactUrl(url), 'redirect to an invalid Location')
      }

      if (next.origin !== url.origin) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name]
      if (response.statusCode === 303 ? method !== 'GET' && method !== 'HEAD' : (response.statusCode === 301 || response.statusCode === 302) && method === 'POST') {
        method = 'GET'
        body = undefined
        for (const name of BODY_HEADERS) delete headers[name]
      }

      url = next
    }
  }

  return {
    fetch,
    async close() {
      if (owned && dispatcher) await (await dispatcher).destroy()
    },
  }
}

/**
 * HTTPS, or plain HTTP only to loopback (a local test server, a port-forward): anything else would
 * put the token, and the answers, on the wire in clear text. Checked on every hop before connecting,
 * so a redirect to another scheme (`file:`) or down to HTTP elsewhere stops here too.
 */
function checkTransport(url: URL, headers: Record<string, string>): void {
  if (url.protocol === 'https:') return
  if (url.protocol !== 'http:') throw new ProtocolError(redactUrl(url), `unsupported URL scheme ${url.protocol}`)
  if (!isLoopbackHost(url.host)) {
    const what = headers['authorization'] === undefined ? 'requests' : 'the GitHub token'
    throw new InsecureTransportError(redactUrl(url), `refusing to send ${what} over plain HTTP to a host that is not loopback; use https://`)
  }
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  throw new TypeError('the GitHub fetch sends only string or byte bodies')
}

/** The request's headers as one lower-cased record (octokit passes a plain object). */
function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  const entries: Iterable<readonly [string, string]> =
    Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers as Record<string, string>)
  for (const [name, value] of entries) if (value !== undefined) out[name.toLowerCase()] = String(value)
  return out
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** An answer whose body is still on the wire, read chunk by chunk by the client (bounded there). */
class StreamResponse implements FetchResponse {
  readonly status: number
  readonly statusText = ''
  readonly url: string
  readonly headers: HeaderList
  readonly body: FetchBody

  constructor(response: Dispatcher.ResponseData, url: URL) {
    this.status = response.statusCode
    this.url = url.href
    const entries: Array<[string, string]> = []
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue
      for (const one of Array.isArray(value) ? value : [value]) entries.push([name, one])
    }

    this.headers = new HeaderList(entries)
    const stream = response.body
    this.body = {
      getReader() {
        const chunks = stream[Symbol.asyncIterator]()
        return {
          async read() {
            const step = await chunks.next()
            if (!step.done) return {done: false, value: step.value as Uint8Array}
            // undici frees the connection for the next request just after the body ends; a request
            // sent in the same tick would open a second one (as in the registry transport).
            await new Promise((resolve) => setImmediate(resolve))
            return {done: true}
          },
          async cancel() {
            stream.destroy()
          },
        }
      },
    }
  }
}
