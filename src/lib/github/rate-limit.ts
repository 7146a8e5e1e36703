/**
 * GitHub's primary rate limit, read one way for every GitHub request: the `x-ratelimit-limit`,
 * `-remaining` and `-reset` (epoch seconds) headers
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit),
 * and whether an answer is a rate-limit refusal (primary or secondary).
 */
import type {GitHubRateLimit} from './types.js'

/** Response headers, names lower-cased (octokit's and {@link GitHubResponse}'s shape). */
type HeaderRecord = Readonly<Record<string, string | undefined>>

function readInt(headers: HeaderRecord, name: string): number | undefined {
  const value = headers[name]?.trim()
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined
}

/** `x-ratelimit-limit`, `-remaining` and `-reset` (epoch seconds), when all three are integers. */
export function parseRateLimit(headers: HeaderRecord): GitHubRateLimit | null {
  const limit = readInt(headers, 'x-ratelimit-limit')
  const remaining = readInt(headers, 'x-ratelimit-remaining')
  const reset = readInt(headers, 'x-ratelimit-reset')
  // Beyond 8.64e15 ms a Date is invalid (ECMA-262 §21.4.1.1): not a reading, not a crash.
  if (limit === undefined || remaining === undefined || reset === undefined || reset * 1000 > 8.64e15) return null
  return {limit, remaining, reset: new Date(reset * 1000).toISOString()}
}

/**
 * True when an answer is a rate-limit refusal: HTTP 429, an exhausted primary quota
 * (`x-ratelimit-remaining: 0`), a secondary limit (`retry-after`), or a message saying so.
 */
export function isRateLimited(status: number, headers: HeaderRecord, message: string | undefined): boolean {
  return status === 429 || headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message ?? '')
}

/** Keeps the most telling rate-limit reading over many responses. */
export type RateLimitTracker = {record(headers: HeaderRecord): void; current(): GitHubRateLimit | undefined}

/**
 * Keeps the most telling `x-ratelimit-*` reading: concurrent responses can arrive out of order,
 * so within one window (same reset) the lowest `remaining` is the latest.
 */
export function createRateLimitTracker(): RateLimitTracker {
  let best: GitHubRateLimit | undefined
  return {
    record(headers) {
      const reading = parseRateLimit(headers)
      if (reading === null) return
      const later = best === undefined ? 1 : Date.parse(reading.reset) - Date.parse(best.reset)
      if (later > 0 || (later === 0 && best !== undefined && reading.remaining < best.remaining)) best = reading
    },
    current: () => best,
  }
}
