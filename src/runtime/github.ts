/**
 * Wires GitHub into the library: the API endpoint (`GITHUB_API_URL`, `--hostname`, `GH_HOST`), the
 * token sources (`GH_TOKEN`, `GITHUB_TOKEN`, the OS keyring, the `ghcr.io` Docker login), token
 * introspection and the API client. Octokit loads only when a client is created and the native
 * keyring module only when an entry is first touched, so importing this stays cheap.
 */
import type {RunDeadline} from '../lib/deadline.js'
import {resolveApiBaseUrl, type GitHubEndpoint} from '../lib/github/api-url.js'
import {sourceFailureCause} from '../lib/credentials/store.js'
import {createGitHubPort, type Introspect} from '../lib/checks/github-port.js'
import type {GitHubPort} from '../lib/checks/auth-status-types.js'
import type {CredentialLookup} from '../lib/credentials/types.js'
import {ghcrRegistry, type GhcrLsDeps} from '../lib/github/ghcr-ls.js'
import {introspectToken} from '../lib/github/introspect.js'
// The native @napi-rs/keyring module loads only in the keyring's child process, when an entry is first touched.
import {createKeyringReader, createKeyringStore, type KeyringStore} from '../lib/github/keyring.js'
import {resolveGitHubToken, tokenVariablesFor, type GitHubTokenResolution, type TokenVariables} from '../lib/github/token.js'
import type {ResolvedGitHubToken, TagLister} from '../lib/github/types.js'
import {envValue, userAgent} from './environment.js'
import {createGitHubFetch} from './github-fetch.js'
import {runSecrets} from './known-secrets.js'
import {KEYRING_LOGIN_TIMEOUT_MS, KEYRING_READ_TIMEOUT_MS, keyringProcessLoader} from './keyring-process.js'
import {closeConnections} from './process-exit.js'
import {createTokenFileStore} from './token-file.js'
import {createCredentials, lazyCredentials, lazyRegistryClient} from './registry.js'

/** Timeout and user agent of GitHub requests, from the command's flags and version. */
export type GitHubRuntimeOptions = {timeoutSeconds: number; version?: string; now?: () => number; deadline?: RunDeadline | undefined}

/** The API base URL and GitHub host: `GITHUB_API_URL`, else `hostname` (`--hostname`) or `GH_HOST`. */
export function githubEndpoint(hostname?: string): GitHubEndpoint {
  return resolveApiBaseUrl({githubApiUrl: envValue('GITHUB_API_URL'), hostname, ghHost: envValue('GH_HOST')})
}

/** The environment variables that decide which token regctl uses, as `auth login`/`logout` warn about them. */
export function tokenEnvironment(): TokenVariables & {REGCTL_NO_KEYRING?: string | undefined} {
  return {
    GH_TOKEN: envValue('GH_TOKEN'),
    GITHUB_TOKEN: envValue('GITHUB_TOKEN'),
    GH_ENTERPRISE_TOKEN: envValue('GH_ENTERPRISE_TOKEN'),
    GITHUB_ENTERPRISE_TOKEN: envValue('GITHUB_ENTERPRISE_TOKEN'),
    REGCTL_NO_KEYRING: envValue('REGCTL_NO_KEYRING'),
  }
}

export {createTokenFileStore} from './token-file.js'

/**
 * The OS keyring (Secret Service on Linux), read-write: `auth login` and `auth logout`. Each call
 * runs in a child process, bounded by {@link KEYRING_LOGIN_TIMEOUT_MS}, `timeoutSeconds` (`--timeout`)
 * and `deadline`: a keyring that never answers fails the call with one line.
 */
export function createKeyring(options: {timeoutSeconds?: number | undefined; deadline?: RunDeadline | undefined} = {}): KeyringStore {
  return createKeyringStore(keyringProcessLoader(keyringBound(KEYRING_LOGIN_TIMEOUT_MS, options)))
}

/** The bound of a keyring call: `ownMs`, or `--timeout` when shorter; the deadline caps it in the runner. */
function keyringBound(ownMs: number, options: {timeoutSeconds?: number | undefined; deadline?: RunDeadline | undefined}): {timeoutMs: number; deadline?: RunDeadline | undefined} {
  return {timeoutMs: Math.min(ownMs, (options.timeoutSeconds ?? Infinity) * 1000), deadline: options.deadline}
}

/**
 * The token the GitHub API calls use: `flag` (`--token`), `GH_TOKEN`, `GITHUB_TOKEN`, the
 * `--insecure-storage` file of the host, the OS keyring
 * (skipped with `REGCTL_NO_KEYRING=1`, for CI and tests: a locked keyring may prompt), then the
 * `ghcr.io` login of `credentials` (default: the Docker config).
 */
export async function resolveToken(options: {
  host: string
  flag?: string | undefined
  credentials?: CredentialLookup
  /** `--timeout`: caps the keyring's own bound ({@link KEYRING_READ_TIMEOUT_MS}). */
  timeoutSeconds?: number | undefined
  deadline?: RunDeadline | undefined
}): Promise<GitHubTokenResolution> {
  const env = tokenEnvironment()
  runSecrets.add(options.flag)
  const resolution = await resolveGitHubToken({
    ...(options.flag === undefined ? {} : {flag: options.flag}),
    env: {GH_TOKEN: env.GH_TOKEN, GITHUB_TOKEN: env.GITHUB_TOKEN, GH_ENTERPRISE_TOKEN: env.GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN: env.GITHUB_ENTERPRISE_TOKEN},
    host: options.host,
    apiUrlFromEnvironment: Boolean(envValue('GITHUB_API_URL')?.trim()),
    tokenFile: async (host) => createTokenFileStore().read(host),
    // A keyring that does not answer within its bound is a note ("did not answer within 5 s"), as no keyring is.
    ...(env.REGCTL_NO_KEYRING ? {} : {keyring: createKeyringReader(keyringProcessLoader(keyringBound(KEYRING_READ_TIMEOUT_MS, options)))}),
    dockerCredential: options.credentials ?? createCredentials(),
  })
  // The token in use, wherever it came from (the keyring, a Docker login): never printed.
  runSecrets.add(resolution.token?.token)
  return resolution
}

/** Tags per `tags/list` page for `ghcr ls --source registry`. */
const TAG_PAGE_SIZE = 100

/** `introspectToken` with the command's timeout, user agent and clock. */
export function createIntrospect(options: GitHubRuntimeOptions): Introspect {
  const now = options.now ?? Date.now
  return async (apiUrl, token) => {
    runSecrets.add(token)
    const http = createGitHubFetch({connectTimeoutMs: options.timeoutSeconds * 1000})
    try {
      return await introspectToken({
        apiUrl,
        token,
        now: new Date(now()),
        timeoutMs: options.timeoutSeconds * 1000,
        userAgent: userAgent(options.version),
        fetch: http.fetch,
        ...(options.deadline ? {deadline: options.deadline} : {}),
      })
    } finally {
      await closeConnections(async () => http.close())
    }
  }
}

/** The GitHub side of `auth status`: introspection against the endpoint of the environment. */
export function createStatusGitHubPort(options: GitHubRuntimeOptions): GitHubPort {
  return createGitHubPort({apiUrl: () => githubEndpoint().apiUrl, introspect: createIntrospect(options)})
}

/**
 * The token `ghcr ls` would use (`auth status` has no `--token`): resolved when asked. A Docker
 * credential source that fails on the way (the `ghcr.io` lookup of a broken `credsStore`) is not
 * printed as a warning: `auth status` reports that helper as a finding already, so it becomes one
 * short note of the GitHub API token section, only when no token was found.
 */
export async function githubApiToken(options: {deadline?: RunDeadline | undefined; timeoutSeconds?: number | undefined} = {}): Promise<GitHubTokenResolution> {
  const {deadline} = options
  const causes = new Set<string>()
  const credentials = createCredentials({onSourceFailure: (failure) => causes.add(sourceFailureCause(failure)), deadline})
  const resolution = await resolveToken({host: githubEndpoint().host, credentials, timeoutSeconds: options.timeoutSeconds, deadline})
  if (resolution.token || causes.size === 0) return resolution
  return {...resolution, notes: [...resolution.notes, `The Docker login for ghcr.io was not read: ${[...causes].join(', ')}`]}
}

/** Everything `ghcr ls` needs from the outside world. */
export type GhcrLsRuntime = {
  endpoint: GitHubEndpoint
  /** Resolves the token, `--token` first. */
  resolveToken(flag: string | undefined): Promise<GitHubTokenResolution>
  /** The API client factory, the registry fallback and the registry host, for `token`. */
  deps(token: ResolvedGitHubToken | undefined): Pick<GhcrLsDeps, 'createClient' | 'registry' | 'tagLister' | 'readManifest' | 'tokenVariable'>
  close(): Promise<void>
}

/**
 * `ghcr ls` wiring. The Docker credentials serve the last token source and the registry fallback,
 * and load on first use; the registry client (undici, token auth) is created only if the registry
 * is actually used; octokit is imported when the API client is created, not before.
 */
export function createGhcrLsRuntime(options: GitHubRuntimeOptions & {hostname?: string | undefined}): GhcrLsRuntime {
  const endpoint = githubEndpoint(options.hostname)
  const credentials = lazyCredentials(options.deadline)
  const registryClient = lazyRegistryClient({credentials, timeoutSeconds: options.timeoutSeconds, deadline: options.deadline, ...(options.version === undefined ? {} : {version: options.version})})
  const http = createGitHubFetch({connectTimeoutMs: options.timeoutSeconds * 1000})
  const tagLister: TagLister = async function* (registry, repository, opts) {
    const client = await registryClient.get()
    // n=100 per page, as the Packages API pages: a registry that would send thousands of tags in
    // one body pages instead, and --limit stops after the page that reaches it.
    yield* client.listTags(registry, repository, {
      pageSize: TAG_PAGE_SIZE,
      ...(opts.limit === undefined ? {} : {limit: opts.limit}),
      ...(opts.onTruncated ? {onTruncated: opts.onTruncated} : {}),
    })
  }

  return {
    endpoint,
    resolveToken: async (flag) => resolveToken({host: endpoint.host, flag, credentials, timeoutSeconds: options.timeoutSeconds, deadline: options.deadline}),
    deps: (token) => ({
      createClient: async () => {
        const {createGitHubClient} = await import('../lib/github/client.js')
        return createGitHubClient({
          apiUrl: endpoint.apiUrl,
          token,
          timeoutMs: options.timeoutSeconds * 1000,
          userAgent: userAgent(options.version),
          fetch: http.fetch,
          ...(options.deadline ? {deadline: options.deadline} : {}),
        })
      },
      tagLister,
      readManifest: async (registry, repository, digest) => (await (await registryClient.get()).getManifest(registry, repository, digest)).manifest,
      registry: ghcrRegistry(endpoint.host, envValue('REGCTL_GHCR_REGISTRY')),
      tokenVariable: tokenVariablesFor(endpoint.host, Boolean(envValue('GITHUB_API_URL')?.trim())).at(0) ?? 'GH_TOKEN',
    }),
    close: async () => {
      await Promise.all([registryClient.close(), closeConnections(async () => http.close())])
    },
  }
}
