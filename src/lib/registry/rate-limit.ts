/**
 * Docker Hub's pull rate-limit headers (docs.docker.com "Docker Hub usage and limits"):
 * `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`,
 * `docker-ratelimit-source: 1.2.3.4`, and on a 429 `retry-after` (RFC 9110 §10.2.3: seconds or
 * an HTTP date) or `x-ratelimit-reset` (epoch seconds).
 */
import type {RegistryHttpError} from '../errors.js'
import type {RateLimit} from './types.js'

/** Header lookup by lowercase name (first value). */
export type HeaderGetter = (name: string) => string | undefined

function quota(value: string | undefined): {count?: number; window?: number} {
  if (value === undefined) return {}
  const [countPart, ...params] = value.split(';')
  const out: {count?: number; window?: number} = {}
  const count = Number(countPart?.trim())
  if (countPart?.trim() && Number.isFinite(count) && count >= 0) out.count = count
  for (const param of params) {
    const m = /^\s*w\s*=\s*(\d+)\s*$/i.exec(param)
    if (m) out.window = Number(m[1])
  }

  return out
}

/**
 * An ISO date for `ms`, or undefined when it is not a date JavaScript can hold (a server's
 * `Retry-After: 99999999999999999999` is garbage to ignore, not a crash: issue 12).
 */
function isoDate(ms: number): string | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined
}

/**
 * Reads the rate-limit headers of a response. `now` (ms) turns a relative `retry-after` into an
 * ISO date. Returns undefined when the registry sent none of them.
 */
export function parseRateLimit(get: HeaderGetter, now: number): RateLimit | undefined {
  const limit = quota(get('ratelimit-limit'))
  const remaining = quota(get('ratelimit-remaining'))
  const source = get('docker-ratelimit-source')?.trim()
  const out: RateLimit = {}
  if (limit.count !== undefined) out.limit = limit.count
  if (remaining.count !== undefined) out.remaining = remaining.count
  const window = limit.window ?? remaining.window
  if (window !== undefined) out.windowSeconds = window
  if (source) out.source = source

  const retryAfter = get('retry-after')?.trim()
  const reset = get('x-ratelimit-reset')?.trim()
  if (retryAfter) {
    const at = /^\d+$/.test(retryAfter) ? isoDate(now + Number(retryAfter) * 1000) : isoDate(Date.parse(retryAfter))
    if (at !== undefined) out.resetAt = at
  }

  if (out.resetAt === undefined && reset && /^\d+$/.test(reset)) {
    const at = isoDate(Number(reset) * 1000)
    if (at !== undefined) out.resetAt = at
  }

  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * The rate limit carried by an error (a 429 keeps its headers), with `retry-after` turned into a
 * date by `now`.
 */
export function rateLimitOfError(error: RegistryHttpError, now: number): RateLimit | undefined {
  return parseRateLimit((name) => error.headers[name], now)
}
