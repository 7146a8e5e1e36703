/**
 * The fault/redirect front: an HTTPS reverse proxy to the token registry that misbehaves on
 * purpose, by repository name, so clients can be tested against the failure modes of real
 * registries (Docker Hub's 429 with rate-limit headers, 500s, garbage manifests, hangs, and blob
 * redirects to another host as S3/CDN-backed registries do).
 *
 * It forwards requests unchanged (including `Authorization` and `Host`, so upstream `Location`
 * headers point back at the front) and strips nothing itself: what the blob server sees on a
 * redirected request is exactly what the client sent.
 */
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import type http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import path from 'node:path'

import {classifyPath, countRequests, type RequestCounts, type RequestEntry} from './registry-process.js'

/** Repository names the front treats specially. */
export const FaultRepository = {
  rateLimited: 'fault/ratelimited',
  error500: 'fault/error500',
  garbage: 'fault/garbage',
  slow: 'fault/slow',
} as const

/** Prefix of repositories whose blob GET/HEAD is redirected to the blob server. */
export const REDIRECT_PREFIX = 'redirect/'

/** How long `fault/slow` holds a request before closing the connection. */
export const SLOW_HOLD_MS = 20_000

/** Docker Hub's rate-limit window (seconds) and quota used in the headers. */
export const RATE_LIMIT = {limit: 100, windowSeconds: 21_600, source: '127.0.0.1', retryAfterSeconds: 2} as const

/** The body `fault/garbage` answers with (not a manifest). */
export const GARBAGE_BODY = 'this is not a manifest <html>\n'
/** The digest `fault/garbage` claims in `Docker-Content-Digest` (not the digest of the body). */
export const GARBAGE_CLAIMED_DIGEST = `sha256:${createHash('sha256').update('something else entirely').digest('hex')}`

/** One request that reached the blob server. */
export type BlobHit = {method: string; path: string; host: string; authorization: boolean; status: number}

/** The running front and blob server. */
export type Front = {
  host: string
  url: string
  blobServer: {host: string; url: string}
  requestCounts(): RequestCounts
  resetRequestCounts(): void
  blobHits(): BlobHit[]
  resetBlobHits(): void
  stop(): Promise<void>
}

/** Options of {@link startFront}. */
export type FrontOptions = {
  certPem: string
  keyPem: string
  caPem: string
  /** The token registry the front proxies to. */
  upstream: {host: string; port: number}
  /** Filesystem root of the upstream registry (the blob server reads blobs from it). */
  upstreamStorageDir: string
}

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function trackSockets(server: http.Server): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return sockets
}

function registryError(code: string, message: string): string {
  return JSON.stringify({errors: [{code, message, detail: null}]})
}

function rateLimitHeaders(remaining: number): Record<string, string> {
  return {
    'ratelimit-limit': `${RATE_LIMIT.limit};w=${RATE_LIMIT.windowSeconds}`,
    'ratelimit-remaining': `${Math.max(0, remaining)};w=${RATE_LIMIT.windowSeconds}`,
    'docker-ratelimit-source': RATE_LIMIT.source,
  }
}

/**
 * Start the blob server (on 127.0.0.2 when the kernel lets us bind it, else 127.0.0.1 reached as
 * `localhost`) and the front (on 127.0.0.1): both on kernel-chosen ports.
 */
export async function startFront(options: FrontOptions): Promise<Front> {
  let entries: RequestEntry[] = []
  // Sockets that carried a request since the last reset (keep-alive reuse shows as fewer).
  let usedSockets = new WeakSet<Socket>()
  let connections = 0
  let hits: BlobHit[] = []
  let publicRemaining: number = RATE_LIMIT.limit
  const timers = new Set<NodeJS.Timeout>()
  const agent = new https.Agent({keepAlive: true, ca: options.caPem, maxSockets: 16})

  // --- blob server: serves blobs straight from the upstream registry's storage ---
  const blobServer = https.createServer({cert: options.certPem, key: options.keyPem}, (request, response) => {
    void (async () => {
      const requestPath = request.url ?? '/'
      const match = /^\/v2\/(.+)\/blobs\/sha256:([a-f0-9]{64})$/.exec(requestPath.split('?')[0] ?? '')
      const hit: BlobHit = {
        method: request.method ?? 'GET',
        path: requestPath,
        host: request.headers.host ?? '',
        authorization: request.headers.authorization !== undefined,
        status: 404,
      }
      hits.push(hit)
      const hex = match?.[2]
      if (hex === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, {'content-type': 'application/json'}).end(registryError('BLOB_UNKNOWN', 'blob unknown'))
        return
      }
      // distribution's filesystem layout: docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data
      const file = path.join(options.upstreamStorageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')
      const info = await stat(file).catch(() => null)
      if (info === null) {
        response.writeHead(404, {'content-type': 'application/json'}).end(registryError('BLOB_UNKNOWN', 'blob unknown'))
        return
      }
      hit.status = 200
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': info.size,
        'docker-content-digest': `sha256:${hex}`,
      })
      if (request.method === 'HEAD') response.end()
      else createReadStream(file).pipe(response)
    })().catch(() => response.destroy())
  })
  const blobSockets = trackSockets(blobServer)
  let blobHost: string
  try {
    blobHost = `127.0.0.2:${await listen(blobServer, '127.0.0.2')}`
  } catch {
    blobHost = `localhost:${await listen(blobServer, '127.0.0.1')}`
  }
  const blobUrl = `https://${blobHost}`

  // --- the front ---
  const proxy = (
    request: http.IncomingMessage,
    method: string,
    onResponse: (upstream: http.IncomingMessage) => void,
    onError: (error: Error) => void,
    body: boolean,
  ): void => {
    const headers = {...request.headers}
    const upstreamRequest = https.request({
      host: options.upstream.host,
      port: options.upstream.port,
      method,
      path: request.url ?? '/',
      headers,
      agent,
    }, onResponse)
    upstreamRequest.on('error', onError)
    if (body) request.pipe(upstreamRequest)
    else upstreamRequest.end()
  }

  const front = https.createServer({cert: options.certPem, key: options.keyPem}, (request, response) => {
    const method = request.method ?? 'GET'
    const requestPath = request.url ?? '/'
    const {kind, repository} = classifyPath(requestPath)
    if (!usedSockets.has(request.socket)) {
      usedSockets.add(request.socket)
      connections++
    }

    response.on('finish', () => entries.push({method, path: requestPath, status: response.statusCode, kind, repository}))
    const fail = (): void => {
      if (!response.headersSent) response.writeHead(502, {'content-type': 'application/json'}).end(registryError('UNKNOWN', 'front: upstream unreachable'))
      else response.destroy()
    }

    if (repository === FaultRepository.rateLimited) {
      const body = registryError('TOOMANYREQUESTS', 'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading.')
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(RATE_LIMIT.retryAfterSeconds),
        ...rateLimitHeaders(0),
      })
      response.end(method === 'HEAD' ? undefined : body)
      return
    }
    if (repository === FaultRepository.error500) {
      response.writeHead(500, {'content-type': 'application/json'})
      response.end(method === 'HEAD' ? undefined : registryError('UNKNOWN', 'unknown error'))
      return
    }
    if (repository === FaultRepository.garbage) {
      response.writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'content-length': Buffer.byteLength(GARBAGE_BODY),
        'docker-content-digest': GARBAGE_CLAIMED_DIGEST,
      })
      response.end(method === 'HEAD' ? undefined : GARBAGE_BODY)
      return
    }
    if (repository === FaultRepository.slow) {
      // Never answer within any sane client timeout; give up (close) after SLOW_HOLD_MS so the
      // harness never leaks a request forever.
      const timer = setTimeout(() => {
        timers.delete(timer)
        request.socket.destroy()
      }, SLOW_HOLD_MS)
      timers.add(timer)
      request.socket.once('close', () => {
        clearTimeout(timer)
        timers.delete(timer)
      })
      return
    }
    const forward = (): void => {
      proxy(request, method, (upstream) => {
        const headers: http.OutgoingHttpHeaders = {...upstream.headers}
        if (repository?.startsWith('public/') === true && kind === 'manifest') {
          if (method === 'GET' && upstream.statusCode === 200) publicRemaining -= 1
          Object.assign(headers, rateLimitHeaders(publicRemaining))
        }
        response.writeHead(upstream.statusCode ?? 502, headers)
        upstream.pipe(response)
      }, fail, method !== 'GET' && method !== 'HEAD')
    }
    if (repository?.startsWith(REDIRECT_PREFIX) === true && kind === 'blob' && (method === 'GET' || method === 'HEAD')) {
      // Check access upstream first (a real registry authorizes before redirecting to storage);
      // anything but 200 is answered by forwarding the original request (401 challenge, 404…).
      proxy(request, 'HEAD', (upstream) => {
        upstream.resume()
        if (upstream.statusCode === 200) {
          const location = `${blobUrl}${requestPath}`
          response.writeHead(307, {location, 'content-length': 0, 'docker-content-digest': upstream.headers['docker-content-digest'] ?? ''})
          response.end()
        } else {
          forward()
        }
      }, fail, false)
      return
    }
    forward()
  })
  const frontSockets = trackSockets(front)
  const frontPort = await listen(front, '127.0.0.1')
  const frontHost = `127.0.0.1:${frontPort}`

  return {
    host: frontHost,
    url: `https://${frontHost}`,
    blobServer: {host: blobHost, url: blobUrl},
    requestCounts: () => ({...countRequests(entries.map((e) => ({...e}))), connections}),
    resetRequestCounts() {
      entries = []
      usedSockets = new WeakSet<Socket>()
      connections = 0
      publicRemaining = RATE_LIMIT.limit
    },
    blobHits: () => hits.map((h) => ({...h})),
    resetBlobHits() {
      hits = []
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of [...frontSockets, ...blobSockets]) socket.destroy()
      await Promise.all([front, blobServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
      agent.destroy()
    },
  }
}
