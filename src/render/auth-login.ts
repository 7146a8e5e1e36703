/** The stderr lines of `auth login github` and `auth logout github`. Pure: data in, string out. */
import type {AuthLoginResult, AuthLogoutResult} from '../lib/github/login.js'

/** What was stored and for whom; `kindShort` names the kind of secret (`classic PAT`). */
export function renderLogin(result: AuthLoginResult, kindShort: string): string {
  const scopes = result.scopes === null ? 'not reported' : result.scopes.length === 0 ? 'none' : result.scopes.join(', ')
  const lines = result.verified
    ? [`✓ Logged in to ${result.host} as ${result.login ?? 'an unknown login'} (${kindShort} ${result.token.redacted}, scopes: ${scopes})`]
    : [`✓ Stored a token for ${result.host} without verifying it (${kindShort} ${result.token.redacted})`]
  if (result.expiresAt) lines.push(`  Token expires ${result.expiresAt}`)
  else if (result.expiry === 'no-expiry') lines.push('  Token does not expire')
  lines.push(
    result.keyring
      ? `  Stored in the OS keyring (service ${result.keyring.service}, account ${result.keyring.account})`
      : `  Stored in plain text at ${result.file ?? 'a file'} (mode 0600, --insecure-storage)`,
  )
  return [...lines, ...result.warnings.map((warning) => `! ${warning}`)].join('\n')
}

/** Whether an entry was removed. */
export function renderLogout(result: AuthLogoutResult): string {
  const where = `(service ${result.keyring.service}, account ${result.keyring.account})`
  const lines = [
    result.removed
      ? `✓ Logged out of ${result.host}: removed the token from ${result.file ? `the plain-text file ${result.file}` : `the OS keyring ${where}`}`
      : `No token for ${result.host} in the OS keyring ${where}: nothing to remove`,
  ]
  return [...lines, ...result.warnings.map((warning) => `! ${warning}`)].join('\n')
}
