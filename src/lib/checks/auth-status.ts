/**
 * `regctl auth status` (issue #3): "which registries am I logged in to, as whom, with what kind of
 * secret — and will it actually work for what I need?"
 *
 * One call, {@link authStatus}: gather every credential source (../credentials/sources.ts),
 * classify each registry's secret without printing it (../secret-kind.ts), verify it live
 * (./live-verifier.ts), ask GitHub about GHCR tokens (./github-findings.ts), judge its expiry
 * (./auth-expiry.ts), and turn what was found into findings (./auth-rules.ts). The result is the
 * `--json` contract (./auth-status-types.ts). Everything that touches the world is injected;
 * nothing here prints, reads the process environment or writes a file.
 */
import {mapConcurrent} from '../concurrency.js'
import {
  type CredentialFile,
  gatherCredentials,
  describeEntry,
  sameEntry,
  type GatherOptions,
  type RegistryCredentials,
  type SourcedCredential,
} from '../credentials/sources.js'
import type {Credential} from '../credentials/types.js'
import {type CredentialHelperError, isRegctlError, redactText} from '../errors.js'
import {type GitHubTokenResolution} from '../github/token.js'
import {identifyProvider, loginCommand, type Provider} from '../providers.js'
import {classifySecret, type SecretField, type SecretKind} from '../secret-kind.js'
import {expiryFindings, expiryOf} from './auth-expiry.js'
import {AuthRuleId, authFinding, helperFinding, permissionsFinding, plaintextFinding, suggestedStore, unreadableConfigFinding} from './auth-rules.js'
import type {AuthStatusResult, GitHubApiTokenReport, GitHubPort, LiveCheck, RegistryStatus, VerifyCredential} from './auth-status-types.js'
import {reachesThreshold, type Finding, type Severity} from './finding.js'
import {decideScopesFromRegistry, githubFindings, githubTokenReport} from './github-findings.js'
import {defaultProbeRepository, verifyLive} from './live-verifier.js'

/** Inputs of {@link authStatus}. */
export type AuthStatusOptions = {
  gather: GatherOptions
  offline: boolean
  /** `--require-scope` (GitHub scopes, for GHCR logins). */
  requiredScopes: string[]
  /** `--repository`: the repository whose push right is probed (default `regctl-auth-probe`, live-verifier.ts). */
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
  /** `--registry`: the one registry asked about; no login for it is a definitive answer (exit 1). */
  registry?: string | undefined
  /** Called with 0 as the checks start, then as each registry's check is done (progress on a terminal). */
  onProgress?: ((done: number, total: number) => void) | undefined
  /** The path of the `--insecure-storage` token file of the GitHub host, when there is one. */
  plaintextTokenFile?: (() => Promise<string | undefined>) | undefined
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
    if (file.unreadable !== undefined) findings.push(unreadableConfigFinding(file.path, file.unreadable))
    if (file.mode === undefined) continue
    const finding = permissionsFinding(file.path, file.mode)
    if (finding) findings.push(finding)
  }

  let done = 0
  // 0/N as the checks start: a slow first registry shows what is being waited for.
  if (gathered.registries.length > 0) options.onProgress?.(0, gathered.registries.length)
  // `--registry X`: the GitHub token and the files only as far as they concern X.
  const githubConcerned = options.registry === undefined || identifyProvider(options.registry).id === 'ghcr'
  // The GitHub token is checked while the registries are (GET /user is one more round trip, to
  // another host: after the registries it added its whole latency to the run). Neither rejects:
  // both turn their failures into findings.
  const [registries, githubApi, tokenFile] = await Promise.all([
    mapConcurrent(gathered.registries, Math.max(1, options.concurrency), async (registry) => {
      const status = await checkRegistry(registry, options, store)
      options.onProgress?.(++done, gathered.registries.length)
      return status
    }),
    githubConcerned ? resolveGitHubApi(options) : undefined,
    githubConcerned ? plaintextTokenFinding(options) : undefined,
  ])

  // A helper whose `get` failed for a registry is reported there, with that registry's key; its
  // `list` failure would say it again, naming Docker Hub's key (with `--registry X`, of another registry).
  const reported = new Set(gathered.registries.flatMap((r) => [r.dockerError?.helper, ...r.entries.map((e) => e.error?.helper)]))
  for (const error of gathered.listErrors) {
    if (reported.has(error.helper)) continue
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

  if (githubApi) findings.push(...githubApiKindFindings(githubApi), ...githubApiFindings(githubApi))
  if (tokenFile) findings.push(tokenFile)
  const files = options.registry === undefined ? gathered.files : filesConcerning(gathered.files, registries)
  const all = [...findings, ...registries.flatMap((r) => r.findings)]
  const count = (severity: Severity) => all.filter((f) => f.severity === severity).length
  const result: AuthStatusResult = {
    offline: options.offline,
    failOn: options.failOn,
    requiredScopes: options.requiredScopes,
    files: files.map(({mode, ...file}) => ({...file, ...(mode === undefined ? {} : {mode: mode.toString(8).padStart(4, '0')})})),
    ...(gathered.credsStore ? {credsStore: gathered.credsStore} : {}),
    registries,
    findings,
    ...(githubApi ? {githubApi} : {}),
    summary: {
      registries: registries.length,
      accepted: registries.filter((r) => r.live.result === 'accepted').length,
      rejected: registries.filter((r) => r.live.result === 'rejected').length,
      unreachable: registries.filter((r) => r.live.result === 'unreachable').length,
      findings: {error: count('error'), warning: count('warning'), note: count('note')},
    },
    exitCode: 0,
  }
  result.exitCode = authStatusExitCode(result, options.registry)
  return result
}

/**
 * The exit-code contract (README): 1 when a login is rejected, a required scope is missing, a
 * finding reaches `failOn`, or `--registry X` names a registry with no login; else 3 when a
 * registry could not be reached (the login is undetermined, as pull-check says for the same
 * thing); else 0. (Malformed config files never get here: they throw, and the command exits 2.)
 */
export function authStatusExitCode(result: Pick<AuthStatusResult, 'registries' | 'findings' | 'failOn' | 'githubApi'>, registry?: string): 0 | 1 | 3 {
  const all = [...result.findings, ...result.registries.flatMap((r) => r.findings)]
  if (result.registries.some((r) => r.status === 'rejected')) return 1
  if (all.some((f) => f.ruleId === AuthRuleId.missingScope)) return 1
  if (reachesThreshold(all, result.failOn)) return 1
  if (registry !== undefined && result.registries.every((r) => r.status === 'no-credential')) return 1
  if (result.githubApi?.github?.status === 'rejected') return 1
  if (result.registries.some((r) => r.live.result === 'unreachable')) return 3
  if (result.githubApi?.github?.status === 'error') return 3
  return 0
}

/**
 * The files that concern the registry of `--registry`: those holding one of its entries; when
 * none does (no login), every file that exists, since that is where a login would be looked for.
 */
function filesConcerning(files: readonly CredentialFile[], registries: readonly RegistryStatus[]): CredentialFile[] {
  const paths = new Set(registries.flatMap((registry) => [registry.credential?.path, ...registry.sources.map((source) => source.path)]).filter((path) => path !== undefined))
  // An unreadable config.json concerns every registry: docker reads none of its logins.
  const holding = files.filter((file) => paths.has(file.path) || file.unreadable !== undefined)
  return holding.length > 0 ? holding : files.filter((file) => file.exists)
}

/** A GitHub token kept in plain text by `auth login github --insecure-storage`. */
async function plaintextTokenFinding(options: AuthStatusOptions): Promise<Finding | undefined> {
  let path: string | undefined
  try {
    path = await options.plaintextTokenFile?.()
  } catch (error) {
    // A planted link or a foreign file there: still a finding, with what is wrong.
    return authFinding(AuthRuleId.plaintextToken, {
      subject: 'GitHub API token',
      message: `GitHub token file: ${isRegctlError(error) ? redactText(error.message) : 'cannot be checked'}`,
      fix: 'regctl auth logout github, then regctl auth login github',
    })
  }

  if (path === undefined) return undefined
  return authFinding(AuthRuleId.plaintextToken, {
    subject: 'GitHub API token',
    message: `GitHub API token stored in plain text at ${path} (auth login github --insecure-storage)`,
    file: path,
    fix: 'keep it in the OS keyring instead: regctl auth login github (which removes the file), or regctl auth logout github and set GH_TOKEN',
  })
}

/** The scope `ghcr ls` needs of a classic token (the Packages API). */
const PACKAGES_READ = ['read:packages']

/** Findings about the token `ghcr ls` uses: GitHub rejects it, it lacks read:packages, or GitHub could not be asked. */
function githubApiFindings(api: GitHubApiTokenReport): Finding[] {
  const github = api.github
  if (!github || api.source === 'none') return []
  const subject = 'GitHub API token'
  const which = `the GitHub API token (${api.redacted ?? '…'} from ${api.source})`
  const refresh = 'gh auth refresh -s read:packages, then set GH_TOKEN to the output of `gh auth token` (or run: regctl auth login github)'
  if (github.status === 'rejected') {
    return [authFinding(AuthRuleId.rejected, {subject, message: `GitHub rejects ${which}: it is invalid, expired or revoked (${github.message ?? 'HTTP 401'})`, fix: refresh})]
  }

  if (github.status === 'error') {
    return [authFinding(AuthRuleId.unreachable, {subject, message: `could not ask GitHub about ${which}: ${github.message ?? 'no answer'}`, fix: 'check the network, proxy and GITHUB_API_URL, then run again'})]
  }

  if (github.missingScopes.length > 0) {
    return [
      authFinding(AuthRuleId.missingScope, {
        subject,
        message: `${which} lacks ${github.missingScopes.join(', ')} (it has ${github.scopes?.join(', ') || 'no scopes'}): ghcr ls cannot list packages with it`,
        fix: refresh,
      }),
    ]
  }

  return []
}

/**
 * A fine-grained token as the API token: GitHub's Packages API takes only a personal access token
 * (classic) with read:packages ("To use the REST API to manage GitHub Packages, you must
 * authenticate using a personal access token (classic)", https://docs.github.com/en/rest/packages/packages),
 * and answers a fine-grained one with 400 "Invalid argument." (issue 8). So `ghcr ls OWNER` fails
 * with it; `ghcr ls OWNER/PACKAGE` falls back to the registry's tag list. Known from the prefix
 * alone, so `--offline` says it too; a token GitHub rejects gets that finding instead, and the
 * ghcr.io Docker login (`docker-config`) already has its own token-kind finding, with the same fix.
 */
function githubApiKindFindings(api: GitHubApiTokenReport): Finding[] {
  if (api.source === 'none' || api.source === 'docker-config' || api.kind !== 'fine-grained' || api.github?.status === 'rejected') return []
  return [
    authFinding(AuthRuleId.ghcrTokenKind, {
      subject: 'GitHub API token',
      message:
        `the GitHub API token (${api.redacted ?? '…'} from ${api.source}) is a fine-grained token: GitHub's Packages API accepts only a classic PAT, ` +
        'so ghcr ls OWNER cannot list packages with it (ghcr ls OWNER/PACKAGE falls back to the registry\'s tag list)',
      fix: 'create a classic token with read:packages at https://github.com/settings/tokens/new?scopes=read:packages, then set GH_TOKEN to it (or run: regctl auth login github)',
    }),
  ]
}

async function resolveGitHubApi(options: AuthStatusOptions): Promise<GitHubApiTokenReport> {
  if (!options.githubApiToken) return {source: 'none', notes: []}
  try {
    const {token, notes, keyringUnavailable} = await options.githubApiToken()
    const keyring = keyringUnavailable ? {keyringUnavailable: true} : {}
    if (!token) return {source: 'none', ...keyring, notes}
    // Verified live like the registry logins (GET /user): the token `ghcr ls` will send.
    const github = !options.offline && options.github ? await githubTokenReport(options.github, token.token, undefined, PACKAGES_READ) : undefined
    return {
      source: token.source,
      kind: token.kind,
      redacted: token.redacted,
      ...(token.path === undefined ? {} : {path: token.path}),
      ...keyring,
      notes,
      ...(github ? {github: {...github, excessiveScopes: []}} : {}),
    }
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
  const [live, asked] = await Promise.all([
    verifyLive(registry.registry, chosen, repository, options.offline ? undefined : options.verify),
    kind.provider === 'github' && !options.offline && options.github ? githubTokenReport(options.github, secret, credential.username, options.requiredScopes) : undefined,
  ])
  // A fine-grained token's scopes are unknown to GitHub's headers: the registry decides what it can.
  const github = asked && decideScopesFromRegistry(asked, live, options.requiredScopes)

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

  findings.push(...githubFindings(registry.registry, provider, kind, live, github, credential.username, options.requiredScopes, login))
  if (kind.provider === 'github' && options.requiredScopes.length > 0 && (github === undefined || github.status === 'error')) {
    // Nobody was asked (--offline), or GitHub could not be: a required scope never passes unverified.
    findings.push(
      authFinding(AuthRuleId.missingScope, {
        subject: registry.registry,
        message: `${registry.registry}: ${options.requiredScopes.join(', ')} cannot be verified ${options.offline ? 'with --offline' : `(GitHub could not be asked: ${github?.message ?? 'no GitHub API'})`}`,
        fix: options.offline ? `run without --offline: regctl auth status --registry ${registry.registry} --require-scope ${options.requiredScopes.join(',')}` : 'check the network and GITHUB_API_URL, then run again',
      }),
    )
  }
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
