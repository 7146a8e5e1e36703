/**
 * The GitHub side of `auth status` for GHCR logins: what GitHub says about the token (login,
 * scopes, expiry) as a {@link GitHubTokenReport}, and the findings about its kind and scopes.
 */
import {redactText} from '../errors.js'
import type {Provider} from '../providers.js'
import type {SecretKind, SecretKindId} from '../secret-kind.js'
import {AuthRuleId, authFinding} from './auth-rules.js'
import type {GitHubPort, GitHubTokenReport, LiveCheck} from './auth-status-types.js'
import type {Finding} from './finding.js'

/** Asks `github` about `secret` and reduces the answer to the report, against `requiredScopes`. */
export async function githubTokenReport(github: GitHubPort, secret: string, username: string | undefined, requiredScopes: readonly string[]): Promise<GitHubTokenReport> {
  const answer = await github.introspect(secret)
  if (answer.status !== 'valid') return {status: answer.status, message: redactText(answer.message), scopes: null, missingScopes: [], excessiveScopes: []}
  const scopes = answer.scopes
  const missingScopes = scopes === null ? [] : requiredScopes.filter((s) => !github.scopeSatisfies(scopes, s))
  const excessive = scopes === null ? [] : github.excessiveScopes(scopes, requiredScopes)
  return {
    status: 'valid',
    ...(answer.login === undefined ? {} : {login: answer.login}),
    ...(answer.login !== undefined && username ? {loginMatchesUsername: answer.login.toLowerCase() === username.toLowerCase()} : {}),
    scopes,
    missingScopes,
    excessiveScopes: excessive,
    ...(answer.expiresAt === undefined ? {} : {expiresAt: answer.expiresAt}),
  }
}

/**
 * `--require-scope` where GitHub names no scopes (fine-grained and app tokens send no
 * `X-OAuth-Scopes`): decided from what the registry proved. A push probe that granted push proves
 * write:packages (and read:packages); an accepted login (token exchange) proves read:packages; a
 * probe that refused push is a missing write:packages. Anything else cannot be verified.
 */
export function decideScopesFromRegistry(report: GitHubTokenReport, live: LiveCheck, requiredScopes: readonly string[]): GitHubTokenReport {
  if (report.status !== 'valid' || report.scopes !== null || requiredScopes.length === 0) return report
  const proven: NonNullable<GitHubTokenReport['provenScopes']> = []
  const missing: string[] = []
  const unverifiable: string[] = []
  const pushGranted = live.push?.granted
  for (const scope of requiredScopes) {
    if (scope === 'write:packages' && pushGranted === true) proven.push({scope, by: 'push-probe'})
    else if (scope === 'write:packages' && pushGranted === false) missing.push(scope)
    else if (scope === 'read:packages' && pushGranted === true) proven.push({scope, by: 'push-probe'})
    else if (scope === 'read:packages' && live.result === 'accepted') proven.push({scope, by: 'token-exchange'})
    else unverifiable.push(scope)
  }

  return {...report, missingScopes: missing, unverifiableScopes: unverifiable, provenScopes: proven}
}

/** GHCR-specific findings: token kind, scopes, the login behind the token. */
export function githubFindings(
  registry: string,
  provider: Provider,
  kind: SecretKind,
  live: LiveCheck,
  github: GitHubTokenReport | undefined,
  username: string | undefined,
  requiredScopes: readonly string[],
  login: string,
): Finding[] {
  const out: Finding[] = []
  const unsupported: ReadonlySet<SecretKindId> = new Set(['github-fine-grained-pat', 'github-oauth', 'github-app-user'])
  if (provider.id === 'ghcr' && unsupported.has(kind.id)) {
    // "unless the live check says otherwise": an accepted login is reported, but only as a note.
    const accepted = live.result === 'accepted'
    out.push(
      authFinding(AuthRuleId.ghcrTokenKind, {
        subject: registry,
        severity: accepted ? 'note' : 'warning',
        message: `${registry}: a ${kind.label} (${kind.redacted}) is configured; GHCR documents only classic PATs (and GITHUB_TOKEN in Actions)${accepted ? ', though the registry accepted it today' : ''}`,
        fix: `create a classic token with read:packages (write:packages to push) at https://github.com/settings/tokens/new?scopes=write:packages, then: ${login}`,
      }),
    )
  }

  if (!github || github.status !== 'valid') return out
  if ((github.unverifiableScopes ?? []).length > 0) {
    const unverifiable = github.unverifiableScopes ?? []
    out.push(
      authFinding(AuthRuleId.missingScope, {
        subject: registry,
        message:
          `${registry}: ${unverifiable.join(', ')} cannot be verified for a ${kind.id === 'github-fine-grained-pat' ? 'fine-grained token' : kind.label} (${kind.redacted}): GitHub names no scopes for it ` +
          `and the registry proved nothing about ${unverifiable.length === 1 ? 'it' : 'them'}${live.push?.repository ? '' : ' (pass --repository to probe push rights)'}`,
        fix: `use a classic token with ${requiredScopes.join(', ')} (its scopes can be read), then: ${login}`,
      }),
    )
  }

  if (github.missingScopes.length > 0) {
    out.push(
      authFinding(AuthRuleId.missingScope, {
        subject: registry,
        message:
          github.scopes === null
            ? `${registry}: the token lacks ${github.missingScopes.join(', ')}: the registry refused push on ${live.push?.repository ?? 'the probe repository'}`
            : `${registry}: the token lacks ${github.missingScopes.join(', ')} (it has ${github.scopes.join(', ') || 'no scopes'})`,
        fix: `create a classic token with ${requiredScopes.join(', ')}, then: ${login}`,
      }),
    )
  }

  if (github.excessiveScopes.length > 0) {
    out.push(
      authFinding(AuthRuleId.excessiveScopes, {
        subject: registry,
        message: `${registry}: the token carries ${github.excessiveScopes.join(', ')}, far beyond what a registry login needs`,
        fix: `replace it with a token limited to read:packages (write:packages to push), then: ${login}`,
      }),
    )
  }

  if (github.loginMatchesUsername === false && github.login !== undefined) {
    out.push(
      authFinding(AuthRuleId.loginMismatch, {
        subject: registry,
        message: `${registry}: configured as ${username ?? '?'}, but the token belongs to ${github.login}`,
        fix: `log in with the right name: docker login ${registry} -u ${github.login} --password-stdin`,
      }),
    )
  }

  return out
}
