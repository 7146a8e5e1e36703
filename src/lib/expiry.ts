/**
 * The one expiry model: when a secret stops working, judged against an injected clock. GitHub
 * token introspection (`GitHub-Authentication-Token-Expiration`) and `auth status` (GitHub and ECR
 * tokens) both judge through {@link expiryStatus} with the same threshold.
 */

/**
 * Where an expiry stands: `expired`; `expiring-soon` (within {@link EXPIRING_SOON_DAYS} days);
 * `ok`; `no-expiry` (the token never expires); `unknown` (nothing reliable to go by).
 */
export type ExpiryStatus = 'expired' | 'expiring-soon' | 'ok' | 'no-expiry' | 'unknown'

/** A token expiring within this many days is `expiring-soon` (issue #3). */
export const EXPIRING_SOON_DAYS = 7

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * The expiry verdict at `now`: `null` → `no-expiry`, `undefined` or an invalid date → `unknown`,
 * at or before `now` → `expired`, within `soonDays` days → `expiring-soon`, else `ok`.
 */
export function expiryStatus(expiresAt: Date | null | undefined, now: Date, soonDays: number = EXPIRING_SOON_DAYS): ExpiryStatus {
  if (expiresAt === null) return 'no-expiry'
  if (expiresAt === undefined || Number.isNaN(expiresAt.getTime())) return 'unknown'
  const left = expiresAt.getTime() - now.getTime()
  if (left <= 0) return 'expired'
  if (left <= soonDays * DAY_MS) return 'expiring-soon'
  return 'ok'
}

/** Whole days from `now` until `expiresAt`, rounded up, never negative ("in 1 day" until the last second). */
export function daysUntil(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS))
}
