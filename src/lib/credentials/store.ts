/**
 * Resolves the credential docker would use for a registry, read-only.
 *
 * The order is docker/cli's `ConfigFile.GetCredentialsStore(key).Get(key)`
 * (cli/config/configfile/file.go, v28.3+):
 * 1. `DOCKER_AUTH_CONFIG`, when set, is an in-memory store in front of everything else
 *    (`memorystore.New(withEnvConfig(), WithFallbackStore(store))`); it matches the lookup key
 *    exactly and falls back to the stores below when it has no entry.
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
 */
import {CredentialHelperError} from '../errors.js'
import {containsAuth, loadDockerConfig, parseDockerAuthConfig, type DockerConfig, type ReadTextFile} from './docker-config.js'
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
   * Told when docker's *implicit* default store (not one the config names) fails. The lookup then
   * resolves `undefined` (anonymous), as docker does. Unset: the failure rejects the lookup.
   */
  onImplicitStoreFailure?: ((failure: ImplicitStoreFailure) => void) | undefined
}

/**
 * docker's implicit default store failed for a lookup key. docker/cli consults the platform's
 * default helper when config.json names no credential source (`LoadDefaultConfigFile`:
 * `if !configFile.ContainsAuth() { configFile.CredentialsStore = credentials.DetectDefaultStore(...) }`,
 * cli/config/config.go), and when that helper's `get` fails, `docker manifest inspect` and
 * `docker pull` print the helper's error and go on anonymously (measured with docker CLI 28.2,
 * issue 8): the failure is a warning, not the end of the check.
 */
export type ImplicitStoreFailure = {helper: string; key: string; error: CredentialHelperError}

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
  const config = await loadDockerConfig({path: options.configPath, readFile: options.readFile})
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
          const implicit = loaded.implicitStore && step.via === 'credsStore'
          if (!implicit || !options.onImplicitStoreFailure || !(error instanceof CredentialHelperError)) throw error
          options.onImplicitStoreFailure({helper: step.helper, key, error})
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
 * The one-line warning for an {@link ImplicitStoreFailure}: names the helper, says what docker
 * does (goes on anonymously) and the fix. The helper's own text is already redacted and cut by
 * {@link helperGet}.
 */
export function implicitStoreWarning(failure: ImplicitStoreFailure): string {
  const program = `docker-credential-${failure.helper}`
  const reason = failure.error.message.replace(/^credential helper \S+ for \S+: /, '')
  return (
    `${program} (docker's default credential store: config.json names none) failed for ${failure.key}: ${reason}; ` +
    `going on anonymously, as docker does. Fix: run \`echo ${failure.key} | ${program} get\` and make its store reachable ` +
    `(e.g. a D-Bus session with an unlocked keyring), or take ${program} off PATH if you do not use it`
  )
}
