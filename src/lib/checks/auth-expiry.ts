/**
 * When a registry login stops working, for `auth status`: GitHub's expiry for GHCR tokens, the ECR
 * token's own, judged by the one expiry model (../expiry.ts), and the findings about it.
 */
import {ecrTokenExpiry} from '../ecr-token.js'
import {daysUntil, expiryStatus, type ExpiryStatus} from '../expiry.js'
import {plural} from '../grammar.js'
import type {SecretKind} from '../secret-kind.js'
import {AuthRuleId, authFinding} from './auth-rules.js'
import type {ExpiryReport, GitHubTokenReport} from './auth-status-types.js'
import type {Finding} from './finding.js'

/** The `--json` words of `auth status` for each expiry status (its contract predates the model's). */
const REPORTED: Readonly<Record<ExpiryStatus, ExpiryReport['status']>> = {
  ok: 'valid',
  'expiring-soon': 'expiring',
  expired: 'expired',
  'no-expiry': 'never',
  unknown: 'unknown',
}

/** When the secret of `kind` expires: GitHub's answer for GitHub tokens, the ECR token's own claim. */
export function expiryOf(kind: SecretKind, secret: string, github: GitHubTokenReport | undefined, now: number): ExpiryReport {
  if (kind.provider === 'github' && github?.status === 'valid') {
    const expiresAt = github.expiresAt
    if (expiresAt === null) return {expiresAt: null, source: 'github', status: 'never'}
    if (expiresAt !== undefined) return {expiresAt, source: 'github', status: REPORTED[expiryStatus(new Date(expiresAt), new Date(now))]}
  }

  if (kind.id === 'ecr-token') {
    const ecr = ecrTokenExpiry(secret, new Date(now))
    if (ecr) return {expiresAt: ecr.expiresAt, source: 'ecr', status: REPORTED[expiryStatus(new Date(ecr.expiresAt), new Date(now))]}
  }

  return {source: 'unknown', status: 'unknown'}
}

/** The findings about an expiry: never, expired, expiring soon. */
export function expiryFindings(registry: string, kind: SecretKind, expiry: ExpiryReport, login: string, now: number): Finding[] {
  const when = expiry.expiresAt ? expiry.expiresAt : ''
  switch (expiry.status) {
    case 'never': {
      return [
        authFinding(AuthRuleId.noExpiry, {
          subject: registry,
          message: `${registry}: the ${kind.label} (${kind.redacted}) never expires`,
          fix: `create a token with an expiry date, then: ${login}`,
        }),
      ]
    }

    case 'expired': {
      const rule = expiry.source === 'ecr' ? AuthRuleId.ecrTokenExpired : AuthRuleId.expired
      return [authFinding(rule, {subject: registry, message: `${registry}: the ${kind.label} expired at ${when}`, fix: login})]
    }

    case 'expiring': {
      const days = daysUntil(new Date(when), new Date(now))
      return [
        authFinding(AuthRuleId.expiringSoon, {
          subject: registry,
          message: `${registry}: the ${kind.label} expires at ${when} (in ${plural(days, 'day')})`,
          fix: `rotate it, then: ${login}`,
        }),
      ]
    }

    default: {
      return []
    }
  }
}
