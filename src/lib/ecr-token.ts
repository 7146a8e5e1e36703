/**
 * Best-effort expiry of an Amazon ECR authorization token, read from the token itself.
 *
 * `aws ecr get-login-password` (and the `authorizationToken` of `GetAuthorizationToken`, once
 * base64-decoded and split at `AWS:`) yields the password Docker stores for user `AWS`. AWS
 * documents only that it is valid for 12 hours
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_AuthorizationData.html); the
 * password itself is, in practice, base64 of a JSON object
 * `{"payload": "…", "datakey": "…", "version": "2", "type": "DATA_KEY", "expiration": 1757147299}`
 * whose `expiration` is in epoch seconds. That layout is undocumented, so every function here
 * answers `undefined` as soon as the shape differs: "unknown" is better than a guessed date.
 *
 * Pure: no clock, no I/O. Callers pass `now`.
 */

/** What the token says about itself. Never holds `payload` or `datakey` (the secret parts). */
export type EcrTokenInfo = {
  /** When the token stops working, from `expiration` (epoch seconds). */
  expiresAt: Date
  /** `version` as found (`"2"` today), when it is a string or a number. */
  version?: string
  /** `type` as found (`"DATA_KEY"` today), when it is a string. */
  type?: string
}

/** The expiry of an ECR token relative to `now`. */
export type EcrTokenExpiry = {
  /** ISO 8601. */
  expiresAt: string
  expired: boolean
  /** Whole seconds until expiry; negative once expired. */
  secondsLeft: number
}

/** Largest password we try to decode: real tokens are about 2–3 KB. */
const MAX_TOKEN_LENGTH = 16 * 1024
/** Plausible epoch seconds: after 2001-09-09 and before 2286 (rules out milliseconds). */
const MIN_EPOCH_SECONDS = 1_000_000_000
const MAX_EPOCH_SECONDS = 9_999_999_999

/**
 * Decodes an ECR `docker login` password. Returns `undefined` unless it is standard base64 of a
 * JSON object with string `payload` and `datakey` and an integer `expiration` in epoch seconds.
 */
export function parseEcrPassword(password: string): EcrTokenInfo | undefined {
  const text = password.trim()
  if (text.length < 16 || text.length > MAX_TOKEN_LENGTH) return undefined
  // Standard alphabet with optional padding; base64url or anything else is not this format.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64').toString('utf8'))
  } catch {
    return undefined
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  const payload = record['payload']
  const datakey = record['datakey']
  const expiration = record['expiration']
  if (typeof payload !== 'string' || payload === '' || typeof datakey !== 'string' || datakey === '') return undefined
  if (typeof expiration !== 'number' || !Number.isInteger(expiration)) return undefined
  if (expiration < MIN_EPOCH_SECONDS || expiration > MAX_EPOCH_SECONDS) return undefined

  const version = record['version']
  const type = record['type']
  if (version !== undefined && typeof version !== 'string' && typeof version !== 'number') return undefined
  if (type !== undefined && typeof type !== 'string') return undefined
  return {
    expiresAt: new Date(expiration * 1000),
    ...(version === undefined ? {} : {version: String(version)}),
    ...(type === undefined ? {} : {type}),
  }
}

/**
 * The expiry of an ECR password at `now`, or `undefined` when the password is not in the known
 * format (see {@link parseEcrPassword}).
 */
export function ecrTokenExpiry(password: string, now: Date): EcrTokenExpiry | undefined {
  const info = parseEcrPassword(password)
  if (!info) return undefined
  const secondsLeft = Math.floor((info.expiresAt.getTime() - now.getTime()) / 1000)
  return {expiresAt: info.expiresAt.toISOString(), expired: secondsLeft <= 0, secondsLeft}
}
