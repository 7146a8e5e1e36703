/**
 * `regctl auth status` (issue #3): "which registries am I logged in to, as whom, with what kind of
 * secret — and will it actually work for what I need?"
 *
 * One call, {@link authStatus}: gather every credential source (../credentials/sources.ts),
 * classify each registry's secret without printing it (../secret-kind.ts), verify it live — ping
 * `/v2/`, exchange it for a token asking for `push,pull` on a probe repository and read the JWT's
 * `access` claim (distribution docs/spec/auth/jwt.md), or a Basic `GET /v2/` — ask GitHub about
 * GHCR tokens, and turn what was found into findings (./auth-rules.ts). Everything that touches the
 * world is injected; nothing here prints, reads the process environment or writes a file.
 */
import {mapConcurrent} from '../concurrency.js'
import {
  gatherCredentials,
  describeEntry,
  sameEntry,
  type CredentialFile,
  type GatherOptions,
  type RegistryCredentials,
  type SourceDescription,
  type SourcedCredential,
} from '../credentials/sources.js'
import type {Credential, ResolvedCredential} from '../credentials/types.js'
import {ecrTokenExpiry} from '../ecr-token.js'
import {AuthError, type CredentialHelperError, NetworkError, TimeoutError, isRegctlError, redactText} from '../errors.js'
import {type GitHubTokenResolution} from '../github/token.js'
import type {GitHubTokenKind, GitHubTokenSource} from '../github/types.js'
import {identifyProvider, loginCommand, type Provider} from '../providers.js'
import {RegistryAuth, repositoryScope, type CredentialCheck} from '../registry/auth.js'
import type {Transport} from '../registry/transport.js'
import {classifySecret, type SecretField, type SecretKind, type SecretKindId} from '../secret-kind.js'
import {AuthRuleId, authFinding, helperFinding, permissionsFinding, plaintextFinding, suggestedStore} from './auth-rules.js'
import {reachesThreshold, type Finding, type Severity} from './finding.js'

/** Days before expiry at which a token is reported as expiring soon. */
export const EXPIRY_WARNING_DAYS = 7

/** The repository asked for `push,pull` when no `--repository` is given. */
export const PROBE_REPOSITORY = 'regctl-auth-probe'

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
   */
  push?: {repository: string; granted: boolean | null; via: 'jwt-access-claim' | 'none'}
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
  notes: string[]
}

/** The `--json` contract of `regctl auth status`. */
export type AuthStatusResult = {
  offline: boolean
  failOn: Severity | 'never'
  requiredScopes: string[]
  /** Every credential file looked at, with its mode as an octal string (`0600`). */
  files: Array<Omit<CredentialFile, 'mode'> & {mode?: string}>
  credsStore?: string
  registries: RegistryStatus[]
  /** Findings about files and helpers rather than one registry. */
  findings: Finding[]
  githubApi: GitHubApiTokenReport
  summary: {
    registries: number
    accepted: number
    rejected: number
    unreachable: number
    findings: Record<Severity, number>
  }
  /** The exit code this result maps to (also the process's, under `--json` too). */
  exitCode: 0 | 1
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

/** Inputs of {@link authStatus}. */
export type AuthStatusOptions = {
  gather: GatherOptions
  offline: boolean
  /** `--require-scope` (GitHub scopes, for GHCR logins). */
  requiredScopes: string[]
  /** `--repository`: the repository whose push right is probed (default {@link PROBE_REPOSITORY}). */
  repository?: string | undefined
  failOn: Severity | 'never'
  concurrency: number
  now: () => number
  platform: NodeJS.Platform
  /** Live verification; required unless `offline`. */
  verify?: VerifyCredential | undefined
  github?: GitHubPort | undefined
  /** Resolves the GitHub API token the way `ghcr ls` does. */
  githubApiToken?: (() => Promise<GitHubTokenResolution>) | undefined
}

/**
 * A {@link VerifyCredential} over the registry client's transport: a fresh {@link RegistryAuth} per
 * registry, fed only the credential under test, so each check is independent of the others (and
 * of docker's own lookup order).
 */
export function createCredentialVerifier(options: {transport: Transport; now: () => number}): VerifyCredential {
  return async (registry, credential, scopes) => {
    const auth = new RegistryAuth({transport: options.transport, credentials: async () => credential, now: options.now})
    return auth.verifyCredentials(registry, scopes)
  }
}

/**
 * Runs `auth status`.
 *
 * @throws ConfigError when a config file or `DOCKER_AUTH_CONFIG` is malformed (exit 2).
 */
export async function authStatus(options: AuthStatusOptions): Promise<AuthStatusResult> {
  const gathered = await gatherCredentials(options.gather)
  const store = gathered.credsStore ?? suggestedStore(options.platform)
  const findings: Finding[] = []

  for (const file of gathered.files) {
    if (file.mode === undefined) continue
    const finding = permissionsFinding(file.path, file.mode)
    if (finding) findings.push(finding)
  }

  for (const error of gathered.listErrors) {
    findings.push(
      helperFinding({
        helper: error.helper,
        missing: isMissingHelper(error),
        detail: helperDetail(error),
        scope: 'credsStore',
        file: gathered.files.find((f) => f.kind === 'docker-config')?.path,
      }),
    )
  }

  const registries = await mapConcurrent(gathered.registries, Math.max(1, options.concurrency), (registry) =>
    checkRegistry(registry, options, store),
  )

  const githubApi = await resolveGitHubApi(options)
  const all = [...findings, ...registries.flatMap((r) => r.findings)]
  const count = (severity: Severity) => all.filter((f) => f.severity === severity).length
  const result: AuthStatusResult = {
    offline: options.offline,
    failOn: options.failOn,
    requiredScopes: options.requiredScopes,
    files: gathered.files.map(({mode, ...file}) => ({...file, ...(mode === undefined ? {} : {mode: mode.toString(8).padStart(4, '0')})})),
    ...(gathered.credsStore ? {credsStore: gathered.credsStore} : {}),
    registries,
    findings,
    githubApi,
    summary: {
      registries: registries.length,
      accepted: registries.filter((r) => r.live.result === 'accepted').length,
      rejected: registries.filter((r) => r.live.result === 'rejected').length,
      unreachable: registries.filter((r) => r.live.result === 'unreachable').length,
      findings: {error: count('error'), warning: count('warning'), note: count('note')},
    },
    exitCode: 0,
  }
  result.exitCode = authStatusExitCode(result)
  return result
}

/**
 * 1 when a login is rejected, a required scope is missing, or a finding reaches `failOn`; else 0.
 * (Malformed config files never get here: they throw, and the command exits 2.)
 */
export function authStatusExitCode(result: Pick<AuthStatusResult, 'registries' | 'findings' | 'failOn'>): 0 | 1 {
  const all = [...result.findings, ...result.registries.flatMap((r) => r.findings)]
  if (result.registries.some((r) => r.status === 'rejected')) return 1
  if (all.some((f) => f.ruleId === AuthRuleId.missingScope)) return 1
  return reachesThreshold(all, result.failOn) ? 1 : 0
}

async function resolveGitHubApi(options: AuthStatusOptions): Promise<GitHubApiTokenReport> {
  if (!options.githubApiToken) return {source: 'none', notes: []}
  try {
    const {token, notes} = await options.githubApiToken()
    return token ? {source: token.source, kind: token.kind, redacted: token.redacted, notes} : {source: 'none', notes}
  } catch (error) {
    // The Docker credential behind the last source failed: say so, the registries say why.
    return {source: 'none', notes: [isRegctlError(error) ? redactText(error.message) : 'could not resolve the GitHub token']}
  }
}

/** The secret a credential carries and the field it came from. */
function secretOf(credential: Credential): {secret: string; field: SecretField} {
  if (credential.registryToken) return {secret: credential.registryToken, field: 'registryToken'}
  if (credential.identityToken) return {secret: credential.identityToken, field: 'identityToken'}
  return {secret: credential.password ?? '', field: 'password'}
}

function isMissingHelper(error: CredentialHelperError): boolean {
  const cause = error.cause as NodeJS.ErrnoException | undefined
  return cause?.code === 'ENOENT' || /is not installed/.test(error.message)
}

function helperDetail(error: CredentialHelperError): string {
  // The message starts with "credential helper docker-credential-X for URL: "; keep the reason.
  const reason = error.message.replace(/^credential helper \S+ for \S+: /, '')
  return redactText(reason).slice(0, 200)
}

/** Statuses of a registry whose login is missing or broken get the login command. */
const NEEDS_LOGIN: ReadonlySet<RegistryStatus['status']> = new Set(['rejected', 'helper-error', 'no-credential'])

async function checkRegistry(registry: RegistryCredentials, options: AuthStatusOptions, store: string): Promise<RegistryStatus> {
  const provider = identifyProvider(registry.registry)
  const providerView: Omit<Provider, 'host'> = Object.fromEntries(Object.entries(provider).filter(([key]) => key !== 'host')) as Omit<Provider, 'host'>
  const findings: Finding[] = []
  const chosen: SourcedCredential | undefined = registry.docker ?? registry.podman
  const reference = chosen?.credential ? chosen : undefined
  const sources = registry.entries.map((entry) => describeEntry(entry, registry, reference))
  const login = loginCommand(provider, chosen?.username)

  // Helpers: docker's own lookup failing, and any entry whose helper failed.
  const helperErrors = new Map<string, {error: CredentialHelperError; entry?: SourcedCredential}>()
  for (const entry of registry.entries) {
    if (entry.error && !helperErrors.has(entry.error.helper)) helperErrors.set(entry.error.helper, {error: entry.error, entry})
  }

  if (registry.dockerError && !helperErrors.has(registry.dockerError.helper)) helperErrors.set(registry.dockerError.helper, {error: registry.dockerError})

  for (const {error, entry} of helperErrors.values()) {
    findings.push(
      helperFinding({
        helper: error.helper,
        missing: isMissingHelper(error),
        detail: helperDetail(error),
        scope: entry?.kind === 'credsStore' || (!entry && registry.entries.every((e) => e.kind !== 'credHelpers')) ? 'credsStore' : 'credHelpers',
        registry: registry.registry,
        file: entry?.path,
      }),
    )
  }

  for (const entry of registry.entries) {
    if (!entry.plaintext || !entry.path || entry.credential === undefined) continue
    findings.push(
      plaintextFinding({
        registry: registry.registry,
        file: entry.path,
        tool: entry.kind === 'podman-auths' ? 'podman' : 'docker',
        store,
        login: loginCommand(provider, entry.username),
      }),
    )
  }

  // The same registry as different users (docker vs podman, or two files).
  const users = new Set(registry.entries.filter((e) => e.credential && e.namespace === undefined).map((e) => e.username ?? '<token>'))
  if (users.size > 1) {
    findings.push(
      authFinding(AuthRuleId.conflictingUsers, {
        subject: registry.registry,
        message: `${registry.registry}: logged in as different users: ${registry.entries
          .filter((e) => e.credential && e.namespace === undefined)
          .map((e) => `${e.username ?? '<token>'} (${e.label}${e.path ? ` ${e.path}` : ''})`)
          .join(', ')}`,
        fix: `keep one login: docker logout ${registry.registry} / podman logout ${registry.registry}, then log in as the user you mean`,
      }),
    )
  }

  const base = {registry: registry.registry, provider: providerView, sources}
  if (!chosen?.credential) {
    const status: RegistryStatus['status'] = registry.dockerError ? 'helper-error' : 'no-credential'
    const live: LiveCheck = {result: 'skipped', ...(registry.dockerError ? {message: helperDetail(registry.dockerError)} : {})}
    return {...base, status, live, expiry: {source: 'unknown', status: 'unknown'}, findings, loginCommand: login}
  }

  const credential = chosen.credential
  const {secret, field} = secretOf(credential)
  const kind: SecretKind = classifySecret({registry: registry.registry, username: credential.username, secret, kind: field})
  const usedBy: Array<'docker' | 'podman'> = []
  if (registry.docker && sameEntry(registry.docker, chosen)) usedBy.push('docker')
  if (registry.podman && sameEntry(registry.podman, chosen)) usedBy.push('podman')

  const repository = options.repository ?? defaultProbeRepository(provider, credential.username)
  const [live, github] = await Promise.all([
    verifyLive(registry.registry, chosen, repository, options),
    kind.provider === 'github' && !options.offline && options.github ? introspect(options.github, secret, credential.username, options) : undefined,
  ])

  let status: RegistryStatus['status'] = 'ok'
  if (live.result === 'rejected' || github?.status === 'rejected') status = 'rejected'
  else if (live.result === 'unreachable') status = 'unreachable'
  else if (live.result === 'error') status = 'error'

  if (live.result === 'rejected') {
    findings.push(
      authFinding(AuthRuleId.rejected, {
        subject: registry.registry,
        message: `${registry.registry}: the registry rejects the credential of ${chosen.label}${credential.username ? ` for ${credential.username}` : ''}`,
        fix: login,
      }),
    )
  } else if (github?.status === 'rejected') {
    findings.push(
      authFinding(AuthRuleId.rejected, {
        subject: registry.registry,
        message: `${registry.registry}: GitHub rejects the token (${kind.redacted}): it is revoked or expired`,
        fix: login,
      }),
    )
  }

  if (live.result === 'unreachable') {
    findings.push(
      authFinding(AuthRuleId.unreachable, {
        subject: registry.registry,
        message: `${registry.registry}: could not reach the registry, the login was not verified${live.message ? ` (${live.message})` : ''}`,
        fix: `check the network, proxy (HTTPS_PROXY) and TLS trust (NODE_EXTRA_CA_CERTS for a private CA), then run: regctl auth status --registry ${registry.registry}`,
      }),
    )
  }

  findings.push(...githubFindings(registry.registry, provider, kind, live, github, credential.username, options, login))
  const expiry = expiryOf(kind, secret, github, options.now())
  findings.push(...expiryFindings(registry.registry, kind, expiry, login, options.now()))

  return {
    ...base,
    status,
    credential: {
      usedBy,
      source: chosen.label,
      kind: chosen.kind,
      key: chosen.key,
      ...(chosen.path === undefined ? {} : {path: chosen.path}),
      ...(chosen.helper === undefined ? {} : {helper: chosen.helper}),
      ...(credential.username === undefined ? {} : {username: credential.username}),
      secretKind: kind.id,
      secretLabel: kind.label,
      secret: kind.redacted,
    },
    live,
    ...(github ? {github} : {}),
    expiry,
    findings,
    ...(NEEDS_LOGIN.has(status) || findings.some((f) => f.ruleId === AuthRuleId.expired || f.ruleId === AuthRuleId.ecrTokenExpired) ? {loginCommand: login} : {}),
  }
}

/** GHCR probes under the user's namespace (where a classic PAT with write:packages may push). */
function defaultProbeRepository(provider: Provider, username: string | undefined): string {
  if (provider.id === 'ghcr' && username && /^[A-Za-z0-9-]+$/.test(username)) return `${username.toLowerCase()}/${PROBE_REPOSITORY}`
  return PROBE_REPOSITORY
}

async function verifyLive(registry: string, chosen: SourcedCredential, repository: string, options: AuthStatusOptions): Promise<LiveCheck> {
  if (options.offline || !options.verify || !chosen.credential) return {result: 'skipped'}
  const resolved: ResolvedCredential = {
    credential: chosen.credential,
    source: chosen.path === undefined
      ? {kind: 'docker-auth-config', label: chosen.label, key: chosen.key}
      : {kind: 'config-auths', label: chosen.label, path: chosen.path, key: chosen.key},
  }
  try {
    const check = await options.verify(registry, resolved, [repositoryScope(repository, ['push', 'pull'])])
    if (check.scheme === 'none') return {result: 'not-required', scheme: 'none', message: 'the registry API needs no authentication: the credential is not checked'}
    if (!check.withCredentials) return {result: 'skipped', scheme: check.scheme}
    const granted = check.token === undefined ? null : pushGranted(check.token, repository)
    return {
      result: 'accepted',
      scheme: check.scheme,
      push: {repository, granted, via: granted === null ? 'none' : 'jwt-access-claim'},
    }
  } catch (error) {
    if (error instanceof AuthError && error.details.reason === 'credentials-rejected') return {result: 'rejected', message: redactText(error.message)}
    if (error instanceof NetworkError || error instanceof TimeoutError) return {result: 'unreachable', message: redactText(error.message)}
    if (isRegctlError(error)) return {result: 'error', message: redactText(error.message)}
    throw error
  }
}

/**
 * Reads the JWT payload (without verifying the signature: we only read what the server granted to
 * us, over the TLS connection we made) and looks for `push` on `repository` in the `access` claim
 * (jwt.md: `[{type, name, actions}]`). `null` when the token is not a JWT with an `access` claim.
 */
export function pushGranted(token: string, repository: string): boolean | null {
  const payload = decodeJwtPayload(token)
  if (!payload) return null
  const access = payload['access']
  if (!Array.isArray(access)) return null
  return access.some((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return false
    const record = entry as Record<string, unknown>
    const actions = record['actions']
    return record['type'] === 'repository' && record['name'] === repository && Array.isArray(actions) && actions.some((a) => a === 'push' || a === '*')
  })
}

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

async function introspect(github: GitHubPort, secret: string, username: string | undefined, options: AuthStatusOptions): Promise<GitHubTokenReport> {
  const answer = await github.introspect(secret)
  if (answer.status !== 'valid') return {status: answer.status, message: redactText(answer.message), scopes: null, missingScopes: [], excessiveScopes: []}
  const scopes = answer.scopes
  const missingScopes = scopes === null ? [] : options.requiredScopes.filter((s) => !github.scopeSatisfies(scopes, s))
  const excessive = scopes === null ? [] : github.excessiveScopes(scopes, options.requiredScopes)
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

/** GHCR-specific findings: token kind, scopes, the login behind the token. */
function githubFindings(
  registry: string,
  provider: Provider,
  kind: SecretKind,
  live: LiveCheck,
  github: GitHubTokenReport | undefined,
  username: string | undefined,
  options: AuthStatusOptions,
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
  if (github.missingScopes.length > 0) {
    out.push(
      authFinding(AuthRuleId.missingScope, {
        subject: registry,
        message: `${registry}: the token lacks ${github.missingScopes.join(', ')} (it has ${github.scopes?.join(', ') || 'no scopes'})`,
        fix: `create a classic token with ${options.requiredScopes.join(', ')}, then: ${login}`,
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

function expiryOf(kind: SecretKind, secret: string, github: GitHubTokenReport | undefined, now: number): ExpiryReport {
  if (kind.provider === 'github' && github?.status === 'valid') {
    const expiresAt = github.expiresAt
    if (expiresAt === null) return {expiresAt: null, source: 'github', status: 'never'}
    if (expiresAt !== undefined) return {expiresAt, source: 'github', status: statusAt(Date.parse(expiresAt), now)}
  }

  if (kind.id === 'ecr-token') {
    const ecr = ecrTokenExpiry(secret, new Date(now))
    if (ecr) return {expiresAt: ecr.expiresAt, source: 'ecr', status: statusAt(Date.parse(ecr.expiresAt), now)}
  }

  return {source: 'unknown', status: 'unknown'}
}

function statusAt(expiresAt: number, now: number): ExpiryReport['status'] {
  if (Number.isNaN(expiresAt)) return 'unknown'
  if (expiresAt <= now) return 'expired'
  return expiresAt - now <= EXPIRY_WARNING_DAYS * 86_400_000 ? 'expiring' : 'valid'
}

function expiryFindings(registry: string, kind: SecretKind, expiry: ExpiryReport, login: string, now: number): Finding[] {
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
      const days = Math.max(0, Math.ceil((Date.parse(when) - now) / 86_400_000))
      return [
        authFinding(AuthRuleId.expiringSoon, {
          subject: registry,
          message: `${registry}: the ${kind.label} expires at ${when} (in ${days} day${days === 1 ? '' : 's'})`,
          fix: `rotate it, then: ${login}`,
        }),
      ]
    }

    default: {
      return []
    }
  }
}
