/**
 * A minimal HTTP(S) client for the harness itself (readiness probes, tag PUTs, the control
 * endpoint). It uses node:http(s) with an explicit `ca` instead of the global fetch because the
 * harness process cannot set NODE_EXTRA_CA_CERTS for itself after start-up.
 */
import http from 'node:http'
import https from 'node:https'

/** A fully buffered response. */
export type HarnessResponse = {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** Options of {@link harnessRequest}. */
export type HarnessRequestOptions = {
  method?: string
  headers?: Record<string, string>
  body?: Buffer | string
  /** PEM CA bundle trusted for https URLs. */
  ca?: string | Buffer
  /** Whole-request time limit in milliseconds (default 10 s). */
  timeoutMs?: number
}

/** Send one request and buffer the response; rejects on transport errors and on time-out. */
export function harnessRequest(url: string, options: HarnessRequestOptions = {}): Promise<HarnessResponse> {
  const target = new URL(url)
  const isHttps = target.protocol === 'https:'
  const timeoutMs = options.timeoutMs ?? 10_000
  return new Promise((resolve, reject) => {
    const requestOptions: https.RequestOptions = {
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      agent: false,
    }
    if (isHttps && options.ca !== undefined) requestOptions.ca = options.ca
    const request = (isHttps ? https : http).request(target, requestOptions, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        clearTimeout(timer)
        resolve({status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks)})
      })
      response.on('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
    const timer = setTimeout(() => {
      request.destroy(new Error(`harness request timed out after ${timeoutMs} ms: ${options.method ?? 'GET'} ${url}`))
    }, timeoutMs)
    request.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    request.end(options.body)
  })
}

/** Parse a JSON body into `unknown` (callers narrow it). */
export function jsonBody(response: HarnessResponse): unknown {
  return JSON.parse(response.body.toString('utf8')) as unknown
}

/** `Authorization: Basic …` value for a user and password. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** True when `value` is a non-null object (for narrowing parsed JSON). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
