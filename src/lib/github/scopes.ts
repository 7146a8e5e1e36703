/**
 * GitHub's OAuth scopes, one table for every check that reads them: the `X-OAuth-Scopes` header
 * (classic PATs and OAuth tokens; fine-grained and app tokens send none), the hierarchy of
 * included scopes, and which scopes a registry login needs.
 */

/**
 * Splits an `X-OAuth-Scopes`-style header (`repo, read:packages`). Absent header → `null` (scopes
 * not reported); present but empty → `[]` (no scopes). Duplicates are dropped, order is kept.
 */
export function parseScopes(header: string | null | undefined): string[] | null {
  if (header === null || header === undefined) return null
  const scopes = header
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
  return [...new Set(scopes)]
}

/**
 * GitHub's scope hierarchy: each scope and the scopes it includes, from "Scopes for OAuth apps"
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps), where
 * included scopes are listed indented under their parent. Notably `write:packages` includes
 * `read:packages` but `delete:packages` includes nothing, and `repo` does not include any
 * package scope.
 */
export const SCOPE_INCLUDES: Readonly<Record<string, readonly string[]>> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  'admin:repo_hook': ['write:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:org': ['write:org', 'manage_runners:org'],
  'write:org': ['read:org'],
  'admin:public_key': ['write:public_key'],
  'write:public_key': ['read:public_key'],
  user: ['read:user', 'user:email', 'user:follow'],
  project: ['read:project'],
  'write:packages': ['read:packages'],
  'admin:gpg_key': ['write:gpg_key'],
  'write:gpg_key': ['read:gpg_key'],
  codespace: ['codespace:secrets'],
  'admin:enterprise': ['manage_runners:enterprise', 'manage_billing:enterprise', 'read:enterprise'],
  audit_log: ['read:audit_log'],
  copilot: ['manage_billing:copilot'],
  'admin:ssh_signing_key': ['write:ssh_signing_key'],
  'write:ssh_signing_key': ['read:ssh_signing_key'],
  'write:discussion': ['read:discussion'],
}

/** The granted scopes plus every scope they include (transitively), granted ones first. */
export function expandScopes(granted: readonly string[]): string[] {
  const out = new Set<string>()
  const queue = granted.map((scope) => scope.trim()).filter(Boolean)
  // The table is a shallow tree; the bound only guards against a future cycle.
  for (let index = 0; index < queue.length && index < 1000; index++) {
    const scope = queue[index] as string
    if (out.has(scope)) continue
    out.add(scope)
    queue.push(...(SCOPE_INCLUDES[scope] ?? []))
  }

  return [...out]
}

/** True when `granted` includes `required` directly or through {@link SCOPE_INCLUDES}. */
export function scopeSatisfies(granted: readonly string[], required: string): boolean {
  const wanted = required.trim()
  if (wanted === '') return true
  return expandScopes(granted).includes(wanted)
}

/** The `required` scopes that `granted` does not satisfy, in order. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const have = new Set(expandScopes(granted))
  return [...new Set(required.map((scope) => scope.trim()).filter((scope) => scope !== '' && !have.has(scope)))]
}

/**
 * Granted scopes that go beyond what a registry login needs: everything except `read:packages`,
 * `write:packages`, read-only scopes (`read:*`, `user:email`) and the scopes listed in `needed`
 * (e.g. `--require-scope delete:packages`). So `repo`, `public_repo`, every `admin:*` and other
 * `write:*`, `delete_repo`, `workflow`, `delete:packages` (unless needed), `site_admin`, `user`,
 * `gist`, `codespace`… are returned, in the order granted, without duplicates.
 */
export function excessiveScopes(granted: readonly string[], needed: readonly string[] = []): string[] {
  const wanted = new Set(needed.map((scope) => scope.trim()))
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of granted) {
    const scope = raw.trim()
    if (scope === '' || seen.has(scope)) continue
    seen.add(scope)
    if (wanted.has(scope)) continue
    if (scope === 'read:packages' || scope === 'write:packages' || scope === 'user:email' || scope.startsWith('read:')) continue
    out.push(scope)
  }

  return out
}
