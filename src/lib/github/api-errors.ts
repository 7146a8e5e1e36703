/**
 * Turns what octokit throws into the regctl error model, with a message a user can act on.
 * GitHub's Packages API only accepts classic personal access tokens with `read:packages`
 * (https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages),
 * and Actions' `GITHUB_TOKEN` only for packages linked to the workflow's repository.
 */
import {GitHubApiError, isRegctlError, NetworkError, redactText, redactUrl} from '../errors.js'
import {missingScopes, parseScopes} from './scopes.js'
import {sanitizeText} from '../sanitize.js'
import {redactSecrets} from '../secrets/redact.js'
import {describeTokenSource} from './token.js'
import type {GitHubClientToken} from './types.js'

/** What a request was about, for messages: `owner "acme"`, `package "acme/tools/cli"`. */
export type RequestContext = {
  resource: string
  /** Scopes the endpoint needs (checked against `X-OAuth-Scopes` on a 403). */
  requiredScopes?: string[]
}

/** The fields of an octokit `RequestError` we use, parsed from `unknown`. */
type ParsedRequestError = {
  status: number
  message: string
  method: string
  url: string
  headers: Record<string, string>
  cause: unknown
}

/**
 * Maps an error thrown by an octokit request to a {@link GitHubApiError}, or passes through a
 * regctl error that the transport raised (network failure, timeout). Anything unrecognised is
 * wrapped as a {@link NetworkError} with the original in `cause` only when it has no status;
 * otherwise it is returned unchanged.
 */
export function toGitHubError(
  error: unknown,
  context: RequestContext,
  token: GitHubClientToken | undefined,
): Error {
  if (isRegctlError(error)) return error
  const parsed = parseRequestError(error)
  if (!parsed) return error instanceof Error ? error : new Error(String(error))
  // octokit wraps transport failures as status 500 with the original in `cause`.
  if (isRegctlError(parsed.cause)) return parsed.cause
  if (parsed.status === 500 && parsed.cause instanceof Error && Object.keys(parsed.headers).length === 0) {
    return new NetworkError(parsed.url, redactText(parsed.cause.message), {cause: parsed.cause})
  }

  return classify(parsed, context, token)
}

function classify(error: ParsedRequestError, context: RequestContext, token: GitHubClientToken | undefined): GitHubApiError {
  const {status, headers, url} = error
  const base = {status, url}
  const from = token?.source === undefined ? '' : ` from ${describeTokenSource(token.source)}`
  const who = token ? `the ${tokenNoun(token)}${from} (${token.redacted})` : 'an anonymous request'
  const reason = sanitizeText(redactSecrets(redactText(error.message)), 300)

  if (status === 403 || status === 429) {
    const resetEpoch = Number(headers['x-ratelimit-reset'])
    const resetAt = Number.isFinite(resetEpoch) && resetEpoch > 0 ? new Date(resetEpoch * 1000).toISOString() : undefined
    if (headers['x-ratelimit-remaining'] === '0') {
      return new GitHubApiError(
        `GitHub API rate limit exhausted${headers['x-ratelimit-limit'] ? ` (${headers['x-ratelimit-limit']} requests per hour)` : ''}${resetAt ? `; it resets at ${resetAt}` : ''}`,
        {...base, reason: 'rate-limited', ...(resetAt ? {resetAt} : {})},
      )
    }

    if (/secondary rate limit/i.test(error.message) || status === 429 || headers['retry-after'] !== undefined) {
      const retryAfter = headers['retry-after']
      return new GitHubApiError(
        `GitHub secondary rate limit hit again after one retry${retryAfter ? `; retry after ${retryAfter} s` : ''}`,
        {...base, reason: 'rate-limited'},
      )
    }
  }

  // GitHub answers 400 "Invalid argument." to the list-packages endpoints for tokens that are not
  // classic PATs (fine-grained, GitHub App; cli/cli#9606).
  if (status === 400 && /invalid argument/i.test(error.message)) {
    return new GitHubApiError(
      `GitHub refused ${who} for ${context.resource} (HTTP 400 "Invalid argument."): this endpoint needs a classic personal access token ` +
        'with read:packages (`gh auth token` gives one); for OWNER/PACKAGE, --source registry works with any token',
      {...base, reason: 'fine-grained-token'},
    )
  }

  if (status === 401) {
    return new GitHubApiError(
      `GitHub rejected ${who}: bad credentials or an expired/revoked token (HTTP 401). ` +
        'Create a new classic token with read:packages, or run `gh auth login -s read:packages` and set GH_TOKEN to the output of `gh auth token`',
      {...base, reason: 'bad-credentials'},
    )
  }

  if (status === 403) {
    if (token?.kind === 'fine-grained') {
      return new GitHubApiError(
        `GitHub refused ${who} for ${context.resource} (HTTP 403): the Packages API accepts only classic personal access ` +
          "tokens (ghp_) with read:packages, and Actions' GITHUB_TOKEN for packages linked to the workflow's repository. " +
          'Create a classic token with read:packages',
        {...base, reason: 'fine-grained-token'},
      )
    }

    const missing = missingHeaderScopes(headers, context.requiredScopes ?? [])
    if (missing.length > 0) {
      const has = headers['x-oauth-scopes']?.trim()
      return new GitHubApiError(
        `${capitalise(who)} lacks the ${missing.join(', ')} scope (it has: ${has || 'no scopes'}). ` +
          `Run \`gh auth refresh -s ${missing.join(',')}\` or create a classic token with ${missing.join(', ')}`,
        {...base, reason: 'missing-scope', missingScopes: missing},
      )
    }

    const hint =
      token?.kind === 'installation'
        ? "; an Actions GITHUB_TOKEN can read only packages linked to the workflow's repository (Package settings → Manage Actions access)"
        : ''
    return new GitHubApiError(`GitHub refused ${who} for ${context.resource} (HTTP 403: ${reason})${hint}`, {
      ...base,
      reason: 'forbidden',
    })
  }

  if (status === 404) {
    const scopeHint = missingHeaderScopes(headers, context.requiredScopes ?? [])
    const hints: string[] = []
    if (token?.kind === 'fine-grained') {
      hints.push('fine-grained tokens (github_pat_) are not accepted by the Packages API; use a classic token with read:packages')
    } else if (scopeHint.length > 0) {
      hints.push(`the token lacks ${scopeHint.join(', ')} (run \`gh auth refresh -s ${scopeHint.join(',')}\`)`)
    }

    return new GitHubApiError(
      `${context.resource} not found, or not visible to ${who} (HTTP 404)${hints.length > 0 ? `: ${hints.join('; ')}` : ''}`,
      {...base, reason: 'not-found'},
    )
  }

  if (status >= 500) {
    return new GitHubApiError(`GitHub API server error for ${context.resource} (HTTP ${status}: ${reason})`, {
      ...base,
      reason: 'server-error',
    })
  }

  return new GitHubApiError(`GitHub API answered HTTP ${status} for ${context.resource}: ${reason}`, {
    ...base,
    reason: 'unexpected-status',
  })
}

/**
 * Required scopes not covered by `X-OAuth-Scopes` (through GitHub's scope hierarchy: `write:packages`
 * covers `read:packages`). Only classic and OAuth tokens send the header; without it (fine-grained,
 * installation tokens) nothing can be said, so none is missing.
 */
export function missingHeaderScopes(headers: Record<string, string>, required: string[]): string[] {
  const granted = parseScopes(headers['x-oauth-scopes'])
  return granted === null ? [] : missingScopes(granted, required)
}

function parseRequestError(error: unknown): ParsedRequestError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const record = error as Record<string, unknown>
  const status = record['status']
  if (typeof status !== 'number') return undefined
  const request = asRecord(record['request'])
  const response = asRecord(record['response'])
  const headers: Record<string, string> = {}
  for (const [key, value] of Object.entries(asRecord(response?.['headers']) ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') headers[key.toLowerCase()] = String(value)
  }

  const rawUrl = typeof request?.['url'] === 'string' ? request['url'] : typeof response?.['url'] === 'string' ? response['url'] : ''
  return {
    status,
    message: typeof record['message'] === 'string' ? record['message'] : '',
    method: typeof request?.['method'] === 'string' ? request['method'] : 'GET',
    url: rawUrl ? redactUrl(rawUrl) : '',
    headers,
    cause: record['cause'],
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
}

function tokenNoun(token: GitHubClientToken): string {
  switch (token.kind) {
    case 'classic': {
      return 'classic token'
    }

    case 'fine-grained': {
      return 'fine-grained token'
    }

    case 'oauth': {
      return 'OAuth token'
    }

    case 'installation': {
      return 'installation token'
    }

    default: {
      return 'token'
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
