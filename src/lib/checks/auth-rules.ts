/**
 * The rule catalogue of `regctl auth status` (issue #3): every finding it can raise, with a stable
 * id, a default severity and the help text a user can act on, plus one pure builder per rule.
 * Builders take facts (never secrets) and return a {@link Finding} whose message and fix are safe
 * to print.
 */
import type {Finding, Rule, Severity} from './finding.js'

/** Stable rule ids. Never renamed: scripts and SARIF baselines match on them. */
export const AuthRuleId = {
  plaintext: 'credentials/plaintext',
  filePermissions: 'credentials/file-permissions',
  helperMissing: 'credentials/helper-missing',
  helperFailing: 'credentials/helper-failing',
  ghcrTokenKind: 'credentials/ghcr-token-kind',
  excessiveScopes: 'credentials/excessive-scopes',
  noExpiry: 'credentials/no-expiry',
  expired: 'credentials/expired',
  expiringSoon: 'credentials/expiring-soon',
  ecrTokenExpired: 'credentials/ecr-token-expired',
  rejected: 'credentials/rejected',
  conflictingUsers: 'credentials/conflicting-users',
  missingScope: 'credentials/missing-scope',
  loginMismatch: 'credentials/login-mismatch',
  unreachable: 'credentials/unreachable',
  plaintextToken: 'credentials/plaintext-github-token',
  unreadableConfig: 'credentials/unreadable-config',
} as const

export type AuthRuleIdValue = (typeof AuthRuleId)[keyof typeof AuthRuleId]

/** The catalogue (SARIF `tool.driver.rules[]`, `--help` text). */
export const AUTH_RULES: readonly Rule[] = [
  {
    id: AuthRuleId.plaintext,
    name: 'PlaintextCredential',
    defaultSeverity: 'warning',
    shortDescription: 'A registry secret is stored in a config file (base64 is not encryption)',
    help: 'Anyone who can read the file (backups, dotfile repositories, other users) has the secret. Configure a credential store and log in again: docker moves the secret into the store.',
  },
  {
    id: AuthRuleId.filePermissions,
    name: 'CredentialFileReadableByOthers',
    defaultSeverity: 'warning',
    shortDescription: 'A credential file is readable by group or others',
    help: 'docker and podman create these files with mode 0600. Restore it with chmod 600.',
  },
  {
    id: AuthRuleId.helperMissing,
    name: 'CredentialHelperMissing',
    defaultSeverity: 'error',
    shortDescription: 'A configured credential helper is not installed',
    help: 'docker runs the helper before every pull from the registries it serves. docker 28 then pulls anonymously (private images are refused); docker 29 fails the pull, even of public images. Install it or remove it from the config file.',
  },
  {
    id: AuthRuleId.helperFailing,
    name: 'CredentialHelperFailing',
    defaultSeverity: 'error',
    shortDescription: 'A configured credential helper fails',
    help: 'When the helper fails (a locked keychain, no D-Bus session, a broken install), docker 28 pulls anonymously (private images are refused) and docker 29 fails the pull, even of public images.',
  },
  {
    id: AuthRuleId.ghcrTokenKind,
    name: 'GhcrUnsupportedTokenKind',
    defaultSeverity: 'warning',
    shortDescription: 'A token kind GHCR or the GitHub Packages API does not accept is configured (a ghcr.io login, or the GitHub API token ghcr ls uses)',
    help: 'GHCR accepts classic personal access tokens (and GITHUB_TOKEN inside GitHub Actions). Fine-grained PATs, OAuth and GitHub App user tokens are not supported for packages. The Packages API that `ghcr ls OWNER` uses takes only a classic PAT with read:packages (https://docs.github.com/en/rest/packages/packages).',
  },
  {
    id: AuthRuleId.excessiveScopes,
    name: 'TokenScopesTooBroad',
    defaultSeverity: 'warning',
    shortDescription: 'A registry token carries scopes far beyond packages',
    help: 'A token stored for docker login should have read:packages (and write:packages to push). repo, admin:*, delete_repo, workflow or an unneeded delete:packages turn a leaked registry login into a leaked account.',
  },
  {
    id: AuthRuleId.noExpiry,
    name: 'TokenWithoutExpiry',
    defaultSeverity: 'warning',
    shortDescription: 'A token never expires',
    help: 'Create a token with an expiry date so a forgotten or leaked login stops working on its own.',
  },
  {
    id: AuthRuleId.expired,
    name: 'TokenExpired',
    defaultSeverity: 'error',
    shortDescription: 'A token has expired',
    help: 'Create a new token and log in again.',
  },
  {
    id: AuthRuleId.expiringSoon,
    name: 'TokenExpiringSoon',
    defaultSeverity: 'warning',
    shortDescription: 'A token expires within 7 days',
    help: 'Rotate it before it breaks pulls and pushes.',
  },
  {
    id: AuthRuleId.ecrTokenExpired,
    name: 'EcrTokenExpired',
    defaultSeverity: 'error',
    shortDescription: 'An ECR authorization token (valid 12 hours) has expired',
    help: 'Log in again with aws ecr get-login-password, or use docker-credential-ecr-login, which fetches a fresh token per pull.',
  },
  {
    id: AuthRuleId.rejected,
    name: 'CredentialRejected',
    defaultSeverity: 'error',
    shortDescription: 'The registry (or GitHub) rejects the configured credential',
    help: 'The secret is wrong, revoked or expired. Log in again.',
  },
  {
    id: AuthRuleId.conflictingUsers,
    name: 'ConflictingLogins',
    defaultSeverity: 'warning',
    shortDescription: 'The same registry is logged in as different users in different places',
    help: 'docker and podman (or two config files) will act as different identities. Log out of the one you do not mean.',
  },
  {
    id: AuthRuleId.missingScope,
    name: 'MissingRequiredScope',
    defaultSeverity: 'error',
    shortDescription: 'A scope named with --require-scope is missing or cannot be verified',
    help: 'Create a token with the scope (write:packages implies read:packages) and log in again. A fine-grained token passes only what the registry proves (push probe: write:packages; accepted login: read:packages).',
  },
  {
    id: AuthRuleId.loginMismatch,
    name: 'LoginDiffersFromUsername',
    defaultSeverity: 'warning',
    shortDescription: 'The token belongs to another GitHub account than the configured username',
    help: 'GHCR authenticates by token; the username is ignored, so the login acts as the token owner.',
  },
  {
    id: AuthRuleId.unreachable,
    name: 'RegistryUnreachable',
    defaultSeverity: 'warning',
    shortDescription: 'The registry could not be reached, so the login was not verified',
    help: 'Check the network, proxy and TLS settings, then run auth status again.',
  },
  {
    id: AuthRuleId.plaintextToken,
    name: 'PlaintextGitHubToken',
    defaultSeverity: 'warning',
    shortDescription: 'regctl keeps a GitHub token in a plain-text file (auth login github --insecure-storage)',
    help: 'The file is mode 0600, but anyone who can read it as you (backups, a dotfile repository, a process running as you) has the token. Prefer the OS keyring (regctl auth login github) or GH_TOKEN from a secret manager.',
  },
  {
    id: AuthRuleId.unreadableConfig,
    name: 'DockerConfigUnreadable',
    defaultSeverity: 'error',
    shortDescription: "Docker's config.json exists but cannot be read",
    help: 'docker warns and goes on without any of its logins (anonymously), so private images are refused. Make the file readable by its owner (chmod 600, owned by you).',
  },
]

const SEVERITY: ReadonlyMap<string, Severity> = new Map(AUTH_RULES.map((r) => [r.id, r.defaultSeverity]))

/** Builds a finding of `ruleId` with its default severity unless `severity` says otherwise. */
export function authFinding(
  ruleId: AuthRuleIdValue,
  fields: {message: string; subject?: string | undefined; fix?: string | undefined; file?: string | undefined; severity?: Severity},
): Finding {
  return {
    ruleId,
    severity: fields.severity ?? SEVERITY.get(ruleId) ?? 'warning',
    message: fields.message,
    ...(fields.file === undefined ? {} : {location: {file: fields.file}}),
    ...(fields.fix === undefined ? {} : {fix: fields.fix}),
    ...(fields.subject === undefined ? {} : {subject: fields.subject}),
  }
}

/** The store docker would suggest on this platform (`credentials.DetectDefaultStore`). */
export function suggestedStore(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'osxkeychain'
  if (platform === 'win32') return 'wincred'
  return 'secretservice'
}

/**
 * Plaintext credential in a file. The fix moves it into a credential store: docker's `login` with
 * a `credsStore` stores the secret in the helper and leaves only an empty `auths` entry; podman
 * uses the `credential-helpers` of containers-registries.conf(5).
 */
export function plaintextFinding(facts: {
  registry: string
  file: string
  tool: 'docker' | 'podman'
  store: string
  login: string
}): Finding {
  const fix =
    facts.tool === 'docker'
      ? `add "credsStore": "${facts.store}" to ${facts.file}, then log in again: ${facts.login}`
      : `add credential-helpers = ["${facts.store}"] to ~/.config/containers/registries.conf, then run: podman logout --authfile ${facts.file} ${facts.registry} && podman login ${facts.registry}`
  return authFinding(AuthRuleId.plaintext, {
    subject: facts.registry,
    file: facts.file,
    message: `${facts.registry}: the secret is stored in plaintext (base64) in ${facts.file}`,
    fix,
  })
}

/** A credential file whose mode lets group or others read it. `undefined` when it is fine. */
export function permissionsFinding(file: string, mode: number): Finding | undefined {
  if ((mode & 0o077) === 0) return undefined
  const octal = (mode & 0o777).toString(8).padStart(4, '0')
  return authFinding(AuthRuleId.filePermissions, {
    file,
    message: `${file} is readable by ${mode & 0o070 ? (mode & 0o007 ? 'group and others' : 'group') : 'others'} (mode ${octal})`,
    fix: `chmod 600 ${file}`,
  })
}

/** Docker's config.json exists but cannot be read: docker goes on anonymously (docker/cli `LoadDefaultConfigFile`). */
export function unreadableConfigFinding(file: string, reason: string): Finding {
  return authFinding(AuthRuleId.unreadableConfig, {
    file,
    message: `${file} cannot be read (${reason}): docker warns and goes on without its logins (anonymously)`,
    fix: `make it readable by you: chown "$(id -u)" ${file} && chmod 600 ${file}`,
  })
}

/**
 * A credential helper that is missing or failing. `scope` says what docker loses: every registry
 * (`credsStore`) or one (`credHelpers`).
 */
export function helperFinding(facts: {
  helper: string
  missing: boolean
  detail: string
  scope: 'credsStore' | 'credHelpers'
  registry?: string | undefined
  file?: string | undefined
}): Finding {
  const program = `docker-credential-${facts.helper}`
  const where = facts.scope === 'credsStore' ? 'every registry without a credHelpers entry' : (facts.registry ?? 'its registry')
  // docker 28 calls the helper's `get`, prints its error and goes on anonymously (docker/cli
  // cli/command/registry.go `ResolveAuthConfig` discards the store's error: `a, _ :=
  // cfg.GetAuthConfig(configKey)`, v28.2.2; measured with docker CLI 28.2 and a failing
  // docker-credential-secretservice, issue 8). docker 29's `docker pull` returns the error instead
  // (`RetrieveAuthTokenFromImage`, docker/cli ad776d1e10, v29.0.0). See lib/credentials/store.ts.
  const consequence = `docker 28 warns and pulls anonymously from ${where} (public images pull, private ones are refused); docker 29's docker pull fails`
  const fix = facts.missing
    ? `install ${program} (and put it in PATH), or remove ${facts.scope === 'credsStore' ? '"credsStore"' : `the credHelpers entry for ${facts.registry ?? 'the registry'}`} from ${facts.file ?? 'the config file'}`
    : `run: echo ${facts.registry ?? 'https://index.docker.io/v1/'} | ${program} get   (to see the helper's own error), then fix or unlock its store`
  return authFinding(facts.missing ? AuthRuleId.helperMissing : AuthRuleId.helperFailing, {
    subject: facts.registry,
    file: facts.file,
    message: facts.missing ? `${program} is not installed: ${consequence}` : `${program} fails (${facts.detail}): ${consequence}`,
    fix,
  })
}
