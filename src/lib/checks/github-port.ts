/**
 * The GitHub side of `auth status` ({@link GitHubPort}) over `introspectToken`: what GitHub said
 * about a GHCR token, reduced to what the auth rules need, and the scope rules. Pure: the runtime
 * injects the HTTP call.
 */
import type {TokenIntrospection} from '../github/introspect.js'
import {excessiveScopes, scopeSatisfies} from '../github/scopes.js'
import type {GitHubIntrospection, GitHubPort} from './auth-status-types.js'

/** Asks GitHub's API at `apiUrl` about `token` (`introspectToken` with the runtime's timeout and user agent). */
export type Introspect = (apiUrl: string, token: string) => Promise<TokenIntrospection>

/** What `auth status` keeps of an introspection: a 401 is `rejected`, an unanswered question `error`. */
export function toGitHubIntrospection(answer: TokenIntrospection): GitHubIntrospection {
  if (answer.status === 'rejected') return {status: 'rejected', message: `GitHub answered HTTP ${answer.checkedVia.httpStatus}${answer.message ? ` (${answer.message})` : ''}`}
  if (answer.status === 'unknown') return {status: 'error', message: answer.notes.join('; ') || 'GitHub did not say'}
  return {
    status: 'valid',
    ...(answer.login === null ? {} : {login: answer.login}),
    scopes: answer.scopes,
    ...(answer.expiry === 'no-expiry' ? {expiresAt: null} : answer.expiresAt === null ? {} : {expiresAt: answer.expiresAt}),
  }
}

/**
 * The {@link GitHubPort} of `auth status`. `apiUrl` is resolved before the request and outside its
 * error handling: a malformed `GITHUB_API_URL` is a usage error, not a verdict on the token. A
 * request that fails (network, timeout, protocol) is an `error` introspection, never a throw.
 */
export function createGitHubPort(deps: {apiUrl: () => string; introspect: Introspect}): GitHubPort {
  return {
    async introspect(token) {
      const apiUrl = deps.apiUrl()
      try {
        return toGitHubIntrospection(await deps.introspect(apiUrl, token))
      } catch (error) {
        return {status: 'error', message: error instanceof Error ? error.message : String(error)}
      }
    },
    scopeSatisfies: (granted, required) => scopeSatisfies(granted, required),
    // delete:packages (or any scope) named with --require-scope is needed, so not excessive.
    excessiveScopes: (granted, required) => excessiveScopes(granted).filter((scope) => !required.some((r) => scopeSatisfies([scope], r))),
  }
}
