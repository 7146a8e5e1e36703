/**
 * Resolves the credential docker would use for a registry, read-only.
 *
 * The order is docker/cli's `ConfigFile.GetCredentialsStore(key).Get(key)`
 * (cli/config/configfile/file.go, v28.3+):
 * 1. `DOCKER_AUTH_CONFIG`, when set, is an in-memory store in front of everything else
 *    (`memorystore.New(memorystore.WithAuthConfig(authConfig), memorystore.WithFallbackStore(store))`,
 *    checked against docker/cli v28.3.0 and master); it matches the lookup key exactly and falls
 *    back to the stores below when it has no entry.
 * 2. A helper: `credHelpers[key]` if that key exists (an empty value selects the file store),
 *    else `credsStore` (`getConfiguredCredentialStore`).
 * 3. Otherwise the file store: `auths`, exact key first, then legacy keys by `ConvertToHostname`.
 *
 * When a helper is selected, `auths` is not a fallback. docker's `nativeStore.Get`
 * (cli/config/credentials/native_store.go) reads the file entry only to keep its `email`, then
 * overwrites username, password and identity token with the helper's answer — empty when the
 * helper says "credentials not found". So `{"credsStore": "x", "auths": {"h": {"auth": "…"}}}` with
 * nothing for `h` in helper `x` means *no* credential for docker, and for us.
 * (docker also keeps a legacy `registrytoken` of that file entry; docker itself never writes one, and
 * mixing two sources would hide provenance, so we do not.)
 *
 * When a source fails, docker has one rule for every store, named or implicit (issue 8, checked in
 * docker/cli's source): `GetAuthConfig` returns the helper's error (`nativeStore.Get`
 * (cli/config/credentials/native_store.go) maps only "credentials not found in native keychain" to
 * no credential; a helper that cannot start, exits non-zero with any other text or prints no JSON is
 * an error: docker-credential-helpers `client.Get`). What the pull does with that error changed:
 * - docker 28 (v28.2.2): `docker pull` goes through `ResolveAuthConfig` (cli/command/registry.go),
 *   which discards it — `a, _ := cfg.GetAuthConfig(configKey)` — and pulls anonymously.
 * - docker 29 (docker/cli ad776d1e10, "remove support for client-side docker content trust
 *   validation", first in v29.0.0; unchanged to v29.7.2): `runPull` calls
 *   `RetrieveAuthTokenFromImage`, which returns `cfg.GetAuthConfig`'s error, and the pull stops
 *   before it reaches the daemon — public image or not. This includes docker's implicit default store:
 *   `LoadDefaultConfigFile` sets `CredentialsStore = credentials.DetectDefaultStore("")` when the
 *   config names no credential source (`ContainsAuth`), i.e. `secretservice` (or `pass` when `pass` is
 *   on PATH) whenever that helper is installed — so a headless machine with
 *   docker-credential-secretservice and no D-Bus session cannot `docker pull alpine` on docker 29.
 * An unreadable config.json is a warning in every version (`LoadDefaultConfigFile`,
 * cli/config/config.go). The lookup reports a failing source to `onSourceFailure` and resolves
 * anonymously; the caller decides: pull-check makes a failing helper an undetermined verdict
 * (a gate must not pass what a current docker refuses to pull), commands for which the login is only
 * a last resort (`ghcr ls`) go on with a warning.
 */
import {CredentialHelperError} from '../errors.js'
import {containsAuth, loadDockerConfig, parseDockerAuthConfig, type DockerConfig, type ReadTextFile, type UnreadableConfig} from './docker-config.js'
import {helperGet, type HelperRunner} from './helper.js'
import {findAuthKey, lookupKey} from './registry-key.js'
import type {Credential, CredentialLookup, ResolvedCredential} from './types.js'

/** Everything {@link createCredentialLookup} needs from the outside world. */
export type CredentialLookupOptions = {
  /** Path of `config.json` ({@link configPath}); a missing file means no credentials. */
  configPath: string
  /** The raw value of the `DOCKER_AUTH_CONFIG` environment variable, if any. */
  dockerAuthConfig?: string | undefined
  readFile: ReadTextFile
  runHelper: HelperRunner
  /** Per helper call; default 10 s. */
  helperTimeoutMs?: number | undefined
  /** Environment for helper processes (they need `DBUS_SESSION_BUS_ADDRESS`, `PATH`…). */
  helperEnv?: Record<string, string | undefined> | undefined
  /**
   * docker's platform default store (`credentials.DetectDefaultStore`): used as `credsStore` only
   * when the config file is missing or names no credential source at all, exactly as docker's
   * `LoadDefaultConfigFile` does. Leave unset to never guess.
   */
  defaultCredsStore?: string | undefined
  /**
   * Told when a source fails: a credential helper's `get` (named by `credsStore` or `credHelpers`,
   * or docker's implicit default store) or an unreadable config.json. The lookup then resolves
   * `undefined` (anonymous), as docker does. Unset: the failure rejects the lookup.
   */
  onSourceFailure?: ((failure: CredentialSourceFailure) => void) | undefined
}

/**
 * A credential source that failed while the lookup went on anonymously (see the module comment).
 * `helper`: the store docker would ask for `key`; `implicit` when it is docker's platform default
 * (`LoadDefaultConfigFile`: `if !configFile.ContainsAuth() { configFile.CredentialsStore =
 * credentials.DetectDefaultStore(...) }`, cli/config/config.go), not one the config names.
 * `unreadable-config`: config.json exists but cannot be read.
 */
export type CredentialSourceFailure =
  | {kind: 'helper'; helper: string; key: string; via: 'credHelpers' | 'credsStore'; implicit: boolean; path: string; error: CredentialHelperError}
  | {kind: 'unreadable-config'; path: string; reason: string}

/** The labels people see for each source. */
export const SOURCE_LABELS = {
  configAuths: 'config.json auths',
  dockerAuthConfig: 'DOCKER_AUTH_CONFIG',
  credHelper: (helper: string) => `credential helper ${helper}`,
  credsStore: (helper: string) => `credsStore ${helper}`,
} as const

type Sources = {
  config: DockerConfig | undefined
  env: Map<string, Credential> | undefined
  credsStore: string | undefined
  /** `credsStore` is docker's platform default, not named by the config. */
  implicitStore: boolean
}

/** Which store docker consults for a lookup key, after `DOCKER_AUTH_CONFIG` had no entry. */
type Plan =
  | {kind: 'env'; key: string}
  | {kind: 'helper'; key: string; helper: string; via: 'credHelpers' | 'credsStore'}
  | {kind: 'file'; key: string; authKey: string | undefined}

async function loadSources(options: CredentialLookupOptions): Promise<Sources> {
  // Parse DOCKER_AUTH_CONFIG first: it is cheap and, when malformed, the error to report.
  const env = parseDockerAuthConfig(options.dockerAuthConfig)
  const onSourceFailure = options.onSourceFailure
  const config = await loadDockerConfig({
    path: options.configPath,
    readFile: options.readFile,
    ...(onSourceFailure ? {onUnreadable: ({path, reason}: UnreadableConfig) => onSourceFailure({kind: 'unreadable-config', path, reason})} : {}),
  })
  const explicit = containsAuth(config)
  const credsStore = explicit ? config?.credsStore : options.defaultCredsStore || undefined
  return {config, env, credsStore, implicitStore: !explicit && credsStore !== undefined}
}

function plan(key: string, sources: Sources): Plan {
  if (sources.env?.has(key)) return {kind: 'env', key}
  const helpers = sources.config?.credHelpers
  const helper = helpers?.has(key) ? helpers.get(key) : sources.credsStore
  if (helper) return {kind: 'helper', key, helper, via: helpers?.has(key) ? 'credHelpers' : 'credsStore'}
  return {kind: 'file', key, authKey: sources.config ? findAuthKey(sources.config.auths.keys(), key) : undefined}
}

function hasAnyField(credential: Credential): boolean {
  return Boolean(credential.username || credential.password || credential.identityToken || credential.registryToken)
}

/**
 * Creates a {@link CredentialLookup} over Docker's configuration.
 *
 * `config.json` and `DOCKER_AUTH_CONFIG` are read and parsed once, on the first lookup; each
 * registry is resolved once (the promise is cached, rejections included, so a helper that timed out
 * is not run again). A `ConfigError` rejects every lookup; a `CredentialHelperError` rejects only
 * the lookups that needed that helper.
 */
export function createCredentialLookup(options: CredentialLookupOptions): CredentialLookup {
  let sources: Promise<Sources> | undefined
  const cache = new Map<string, Promise<ResolvedCredential | undefined>>()
  const helperOptions = {
    runHelper: options.runHelper,
    ...(options.helperTimeoutMs === undefined ? {} : {timeoutMs: options.helperTimeoutMs}),
    ...(options.helperEnv === undefined ? {} : {env: options.helperEnv}),
  }

  const resolve = async (key: string): Promise<ResolvedCredential | undefined> => {
    sources ??= loadSources(options)
    const loaded = await sources
    const step = plan(key, loaded)
    switch (step.kind) {
      case 'env': {
        const credential = loaded.env?.get(key)
        return credential && {credential, source: {kind: 'docker-auth-config', label: SOURCE_LABELS.dockerAuthConfig, key}}
      }

      case 'helper': {
        let credential: Credential | undefined
        try {
          credential = await helperGet(step.helper, key, helperOptions)
        } catch (error) {
          if (!options.onSourceFailure || !(error instanceof CredentialHelperError)) throw error
          const implicit = loaded.implicitStore && step.via === 'credsStore'
          options.onSourceFailure({kind: 'helper', helper: step.helper, key, via: step.via, implicit, path: options.configPath, error})
          return undefined
        }

        if (!credential) return undefined
        const label = step.via === 'credHelpers' ? SOURCE_LABELS.credHelper(step.helper) : SOURCE_LABELS.credsStore(step.helper)
        return {
          credential,
          source: {kind: 'credential-helper', label, helper: step.helper, path: options.configPath, via: step.via, key},
        }
      }

      case 'file': {
        const entry = step.authKey === undefined ? undefined : loaded.config?.auths.get(step.authKey)
        if (!entry || !hasAnyField(entry.credential) || step.authKey === undefined) return undefined
        return {
          credential: {...entry.credential},
          source: {kind: 'config-auths', label: SOURCE_LABELS.configAuths, path: options.configPath, key: step.authKey},
        }
      }
    }
  }

  return (registry: string) => {
    const key = lookupKey(registry)
    let pending = cache.get(key)
    if (!pending) {
      pending = resolve(key)
      cache.set(key, pending)
    }

    return pending
  }
}

/**
 * The one-line warning for a {@link CredentialSourceFailure}: names the helper or the file, says
 * what docker does with it (an unreadable file: goes on without it; a failing helper: docker 29+
 * stops `docker pull`, docker 28 went on anonymously) and the fix. The helper's own text is already
 * redacted and cut by {@link helperGet}.
 */
export function sourceFailureWarning(failure: CredentialSourceFailure): string {
  if (failure.kind === 'unreadable-config') {
    return (
      `cannot read ${failure.path} (${failure.reason}): going on without its credentials (anonymously), as docker does. ` +
      `Fix: make it readable by this user (chmod 600, owned by you), or point DOCKER_CONFIG at a directory with a readable config.json`
    )
  }

  return `${helperFailure(failure)}; ${HELPER_FAILURE_CONSEQUENCE}. Fix: ${helperFailureFix(failure)}`
}

/** What docker does when a credential helper fails (see the module comment). */
const HELPER_FAILURE_CONSEQUENCE = "docker 29+ stops `docker pull` at this error, docker 28 went on anonymously"

/** `docker-credential-x ("credsStore" in …/config.json) failed for host: reason`. */
function helperFailure(failure: Extract<CredentialSourceFailure, {kind: 'helper'}>): string {
  const reason = failure.error.message.replace(/^credential helper \S+ for \S+: /, '')
  const named =
    failure.implicit ? "docker's default credential store: config.json names none"
    : failure.via === 'credsStore' ? `"credsStore" in ${failure.path}`
    : `"credHelpers" entry for ${failure.key} in ${failure.path}`
  return `docker-credential-${failure.helper} (${named}) failed for ${failure.key}: ${reason}`
}

function helperFailureFix(failure: Extract<CredentialSourceFailure, {kind: 'helper'}>): string {
  const program = `docker-credential-${failure.helper}`
  const remedy = failure.implicit
    ? `take ${program} off PATH if you do not use it`
    : failure.via === 'credsStore'
      ? `remove "credsStore" from ${failure.path} if you do not use it`
      : `remove that "credHelpers" entry if you do not use it`
  return `run \`echo ${failure.key} | ${program} get\` and make its store reachable (e.g. a D-Bus session with an unlocked keyring), or ${remedy}`
}

/**
 * The pull-check reason when the image's registry has a failing helper: whether the image pulls
 * cannot be told, since docker 29+ stops there (see the module comment). Undefined for an
 * unreadable config.json, which docker reads past in every version.
 */
export function sourceFailureVerdictMessage(failure: CredentialSourceFailure): string | undefined {
  if (failure.kind !== 'helper') return undefined
  return `${helperFailure(failure)}. Undetermined: ${HELPER_FAILURE_CONSEQUENCE}. Fix: ${helperFailureFix(failure)}`
}

/** What failed, in a few words, for a per-image reason: `docker-credential-pass failed`. */
export function sourceFailureCause(failure: CredentialSourceFailure): string {
  return failure.kind === 'unreadable-config' ? `${failure.path} could not be read` : `docker-credential-${failure.helper} failed`
}
