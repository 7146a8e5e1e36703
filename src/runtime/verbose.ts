/**
 * `-v/--verbose`: one stderr line per HTTP request and one per response (or failure), for the
 * registry client (undici) and the GitHub client (octokit on Node's fetch, which is undici too),
 * like crane's `-v` and regclient's `--verbosity`. It listens on undici's diagnostics channels
 * (undici docs/api/DiagnosticsChannel.md: `undici:request:create`, `:headers`, `:error`), so no
 * client code changes and nothing is printed unless the flag subscribes.
 *
 * Printed: method, URL (userinfo and secret query parameters redacted), status, time since the
 * request was created, and the headers that explain auth and quotas: `WWW-Authenticate`,
 * `Retry-After`, Docker Hub's `RateLimit-*` / `Docker-RateLimit-Source`, GitHub's
 * `X-RateLimit-*` and `X-OAuth-Scopes`. Never a request header (Authorization) or a body.
 */
import {subscribe, unsubscribe} from 'node:diagnostics_channel'

import {redactText, redactUrl} from '../lib/errors.js'
import {oneLine} from '../lib/terminal-text.js'

const SHOWN_HEADERS = /^(www-authenticate|retry-after|ratelimit-limit|ratelimit-remaining|ratelimit-reset|docker-ratelimit-source|x-ratelimit-limit|x-ratelimit-remaining|x-ratelimit-reset|x-ratelimit-used|x-ratelimit-resource|x-oauth-scopes|location)$/i
/** One header value is cut here: a hostile server cannot flood the log through one line. */
const MAX_VALUE = 300

type UndiciRequest = {origin?: unknown; method?: unknown; path?: unknown}
type UndiciResponse = {statusCode?: unknown; headers?: unknown}

/** Stops printing (the subscription is process-wide). */
export type StopVerbose = () => void

/**
 * Starts printing request and response lines with `write` (one line per call, no newline).
 * `now` is injectable for tests (milliseconds, monotonic).
 */
export function startVerbose(write: (line: string) => void, now: () => number = () => performance.now()): StopVerbose {
  const started = new WeakMap<object, number>()
  const urlOf = (request: UndiciRequest): string => redactUrl(`${String(request.origin ?? '')}${String(request.path ?? '')}`)
  const elapsed = (request: object): string => {
    const start = started.get(request)
    return start === undefined ? '' : ` (${Math.round(now() - start)} ms)`
  }

  const onCreate = (message: unknown): void => {
    const {request} = message as {request: UndiciRequest & object}
    started.set(request, now())
    write(`> ${String(request.method)} ${oneLine(urlOf(request))}`)
  }

  const onHeaders = (message: unknown): void => {
    const {request, response} = message as {request: UndiciRequest & object; response: UndiciResponse}
    const shown: string[] = []
    const headers = Array.isArray(response.headers) ? (response.headers as unknown[]) : []
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = String(headers[i]).toLowerCase()
      if (!SHOWN_HEADERS.test(name)) continue
      const value = oneLine(redactText(String(headers[i + 1])))
      shown.push(`${name}: ${value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value}`)
    }

    write(`< ${String(response.statusCode)} ${String(request.method)} ${oneLine(urlOf(request))}${elapsed(request)}${shown.map((h) => `; ${h}`).join('')}`)
  }

  const onError = (message: unknown): void => {
    const {request, error} = message as {request: UndiciRequest & object; error?: {code?: unknown; message?: unknown}}
    const reason = error?.code ? String(error.code) : String(error?.message ?? 'error')
    write(`! ${String(request.method)} ${oneLine(urlOf(request))} failed${elapsed(request)}: ${oneLine(redactText(reason))}`)
  }

  subscribe('undici:request:create', onCreate)
  subscribe('undici:request:headers', onHeaders)
  subscribe('undici:request:error', onError)
  return () => {
    unsubscribe('undici:request:create', onCreate)
    unsubscribe('undici:request:headers', onHeaders)
    unsubscribe('undici:request:error', onError)
  }
}
