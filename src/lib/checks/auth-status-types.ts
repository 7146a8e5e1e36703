/**
 * The `--json` contract of `regctl auth status` (docs/json/auth-status.schema.json) and the ports
 * `authStatus` is built on: the live verifier and the GitHub side. Types only.
 */
import type {CredentialFile, SourceDescription} from '../credentials/sources.js'
import type {ResolvedCredential} from '../credentials/types.js'
import type {GitHubTokenKind, GitHubTokenSource} from '../github/types.js'
import type {Provider} from '../providers.js'
import type {CredentialCheck} from '../registry/auth.js'
import type {SecretKindId} from '../secret-kind.js'
import type {Finding, Severity} from './finding.js'
import type {Count} from '../json-types.js'

/** What the live check concluded for the credential in use. */
export type LiveResult = 'accepted' | 'rejected' | 'unreachable' | 'error' | 'not-required' | 'skipped'

/** The live verification of one registry. */
export type LiveCheck = {
  result: LiveResult
  /** How the registry authenticates (`bearer`, `basic`, `none`, `registry-token`). */
  scheme?: CredentialCheck['scheme']
  /** Why it was rejected, unreachable or failed (redacted). */
  message?: string
  /**
   * Push rights on `repository`, read from the `access` claim of the token issued for
   * `push,pull`: `true`/`false`, or `null` when the registry's token is not a JWT we can read.
   * Without `repository`, nothing was asked: the registry has no per-user namespace to probe
   * (ECR, Artifact Registry) or the username is not one; `--repository` names one.
   */
  push?: {repository?: string; granted: boolean | null; via: 'jwt-access-claim' | 'none'}
}

/** What GitHub said about a token (`GET /user` headers). */
export type GitHubTokenReport = {
  /** The account the token belongs to. */
  login?: string
  /** False when the login differs from the configured username (GHCR ignores the username). */
  loginMatchesUsername?: boolean
  /** `X-OAuth-Scopes`; `null` when the header is absent (fine-grained and app tokens have none). */
  scopes: string[] | null
  /** Scopes of `--require-scope` the token lacks (`write:` implies `read:`). */
  missingScopes: string[]
  /**
   * Scopes of `--require-scope` nothing could decide: GitHub sends no `X-OAuth-Scopes` for
   * fine-grained and app tokens, and the registry proved nothing about them. They fail like missing ones.
   */
  unverifiableScopes?: string[]
  /**
   * Required scopes the registry proved where GitHub names none: `push-probe` (a token granting
   * push proves write:packages, and read:packages with it), `token-exchange` (an accepted login
   * proves read:packages).
   */
  provenScopes?: Array<{scope: string; by: 'push-probe' | 'token-exchange'}>
  /** Scopes far beyond packages (`repo`, `admin:*`, …). */
  excessiveScopes: string[]
  /**
   * `GitHub-Authentication-Token-Expiration` as ISO 8601; `null` when the token never expires;
   * absent when GitHub did not say.
   */
  expiresAt?: string | null
  /** `rejected` when GitHub answered 401; `error` when it could not be asked. */
  status: 'valid' | 'rejected' | 'error'
  message?: string
}

/** When the secret stops working. */
export type ExpiryReport = {
  /** ISO 8601; `null` when the token never expires. Absent when unknown. */
  expiresAt?: string | null
  /** Where it was read: GitHub's `GitHub-Authentication-Token-Expiration`, the ECR token, or nothing. */
  source: 'github' | 'ecr' | 'unknown'
  status: 'valid' | 'expiring' | 'expired' | 'never' | 'unknown'
}

/** The status of one registry: part of the `--json` contract (docs/json/auth-status.schema.json). */
export type RegistryStatus = {
  registry: string
  provider: Omit<Provider, 'host'>
  /**
   * `ok`: a credential is configured (and, unless offline, accepted); `rejected`; `unreachable`;
   * `error` (the check itself failed); `helper-error` (docker cannot read its credential);
   * `no-credential` (only with `--registry` for a registry nothing holds).
   */
  status: 'ok' | 'rejected' | 'unreachable' | 'error' | 'helper-error' | 'no-credential'
  /** The credential that was checked: docker's, or podman's when docker has none. */
  credential?: {
    usedBy: Array<'docker' | 'podman'>
    source: string
    kind: SourceDescription['kind']
    key: string
    path?: string
    helper?: string
    username?: string
    /** Stable id of the secret's kind (`github-classic-pat`, `ecr-token`, `password`…). */
    secretKind: SecretKindId
    secretLabel: string
    /** `ghp_…a1b2`; never the secret. */
    secret: string
  }
  /** Every entry holding a credential for this registry, docker's precedence first. */
  sources: SourceDescription[]
  live: LiveCheck
  github?: GitHubTokenReport
  expiry: ExpiryReport
  findings: Finding[]
  /** How to log in again, when the login is missing or broken. */
  loginCommand?: string
}

/** Which token `ghcr ls` (the GitHub API) would use. */
export type GitHubApiTokenReport = {
  source: GitHubTokenSource | 'none'
  kind?: GitHubTokenKind
  redacted?: string
  /** The `--insecure-storage` file the token was read from (`source` `insecure-file`). */
  path?: string
  /** The OS keyring was needed (no earlier source had a token) and could not be used. */
  keyringUnavailable?: boolean
  notes: string[]
  /**
   * What GitHub said about the token (`GET /user`, unless `--offline`): `rejected` on its 401
   * (invalid, expired or revoked), `missingScopes` holds read:packages when a classic token's
   * `X-OAuth-Scopes` lacks it (`ghcr ls` needs it).
   */
  github?: GitHubTokenReport
}

/**
 * A file mode as an octal string (`0600`).
 *
 * @pattern ^0[0-7]{3}$
 */
export type FileMode = string

/** The `--json` contract of `regctl auth status`. */
export type AuthStatusResult = {
  offline: boolean
  failOn: Severity | 'never'
  requiredScopes: string[]
  /** Every credential file looked at, with its mode as an octal string (`0600`). */
  files: Array<Omit<CredentialFile, 'mode'> & {mode?: FileMode}>
  credsStore?: string
  registries: RegistryStatus[]
  /** Findings about files and helpers rather than one registry. */
  findings: Finding[]
  /** Absent with `--registry` naming a registry the GitHub API token does not concern (not GHCR). */
  githubApi?: GitHubApiTokenReport
  summary: {
    registries: Count
    accepted: Count
    rejected: Count
    unreachable: Count
    findings: Record<Severity, Count>
  }
  /** The exit code this result maps to (also the process's, under `--json` too): 0, 1 definitive, 3 undetermined (unreachable). */
  exitCode: 0 | 1 | 3
}

/** Checks one registry credential live (see {@link createCredentialVerifier}). */
export type VerifyCredential = (registry: string, credential: ResolvedCredential, scopes: string[]) => Promise<CredentialCheck>

/** What GitHub's API says about a token (adapter over `introspectToken`). */
export type GitHubIntrospection =
  | {status: 'valid'; login?: string | undefined; scopes: string[] | null; expiresAt?: string | null | undefined}
  | {status: 'rejected' | 'error'; message: string}

/** The GitHub side, injected by the command (absent under `--offline`). */
export type GitHubPort = {
  introspect(token: string): Promise<GitHubIntrospection>
  /** True when `granted` covers `required` (`write:packages` covers `read:packages`). */
  scopeSatisfies(granted: readonly string[], required: string): boolean
  /** The granted scopes beyond what a registry login needs, given the required ones. */
  excessiveScopes(granted: readonly string[], required: readonly string[]): string[]
}
