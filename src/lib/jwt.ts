/**
 * Reading (never verifying) a compact JWS/JWT payload (RFC 7515 §7.1, RFC 7519): for claims a
 * server granted to us over a TLS connection we made, such as a registry token's `access` claim.
 */
import {parseEcrPassword} from './ecr-token.js'

/** The payload of a compact JWS (RFC 7515 §7.1), parsed from `unknown`; `undefined` if it is not one. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * When a secret says it stops working, as ISO 8601 (UTC): a JWT's `exp` (RFC 7519 §4.1.4, seconds
 * since the epoch) or an ECR authorization token's `expiration`; `undefined` when it carries none.
 */
export function secretExpiry(secret: string | undefined): string | undefined {
  if (!secret) return undefined
  const exp = decodeJwtPayload(secret)?.['exp']
  if (typeof exp === 'number' && Number.isFinite(exp) && exp > 0 && exp < 1e11) return new Date(exp * 1000).toISOString()
  const ecr = parseEcrPassword(secret)
  return ecr ? ecr.expiresAt.toISOString() : undefined
}
