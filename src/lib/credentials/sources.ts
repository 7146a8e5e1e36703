/**
 * Every place a registry credential lives on this machine, gathered read-only for `auth status`
 * (issue #3): `DOCKER_AUTH_CONFIG`, Docker's `config.json` (`auths`, the `credsStore` helper
 * enumerated with `list` then `get`, `credHelpers`), and the podman/skopeo auth.json files in
 * their documented order (./podman.ts). `--config PATH` narrows it to one file.
 *
 * For every registry it says which entry supplies the credential docker would use (resolved by
 * the very lookup `pull-check` uses, {@link createCredentialLookup}), which entry podman would
 * use, and which other entries also hold one — and whether they disagree with it.
 *
 * The credentials themselves stay inside this module's result for the live check; the types that
 * reach JSON output ({@link describeEntry}) carry no secret.
 */
import {CredentialHelperError, isRegctlError} from '../errors.js'
import {type DockerConfig, loadDockerConfig, parseDockerAuthConfig, type ReadTextFile} from './docker-config.js'
import {helperGet, helperList, type HelperRunner, type HelperRunResult} from './helper.js'
import {loadPodmanAuthFile, type PodmanAuthFile, podmanKeyRegistry} from './podman.js'
import {lookupKey, registryForKey} from './registry-key.js'
import {createCredentialLookup} from './store.js'
import type {Credential, ResolvedCredential} from './types.js'

/** The kinds of entries. `podman-*` come from auth.json files, `config-*` from `--config PATH`. */
export type SourceKind =
  | 'docker-auth-config'
  | 'config-auths'
  | 'credsStore'
  | 'credHelpers'
  | 'podman-auths'
  | 'podman-credHelpers'

/** A credential file that was looked at. */
export type CredentialFile = {
  path: string
  /** `docker-config` (config.json, or the `--config` file) or `podman-auth` (auth.json). */
  kind: 'docker-config' | 'podman-auth'
  /** Why it is on the list: `DOCKER_CONFIG`/`HOME`, `--config`, `REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`. */
  origin: string
  exists: boolean
  /** False when the tool it belongs to would not read it (an overridden podman file). */
  consulted: boolean
  /** Permission bits (`0o600`) when the file exists and `stat` was given. */
  mode?: number
  /** Why the file exists but could not be read (`permission denied`): docker goes on without it. */
  unreadable?: string
}

/** One stored entry for one registry. `credential` is the secret: never serialise it. */
export type SourcedCredential = {
  registry: string
  /** The key exactly as stored (`https://index.docker.io/v1/`, `quay.io/team/app`). */
  key: string
  kind: SourceKind
  /** For people: `config.json auths`, `credsStore secretservice`, `auth.json (XDG_CONFIG_HOME)`. */
  label: string
  /** The file holding the entry (or naming the helper); absent for `DOCKER_AUTH_CONFIG`. */
  path?: string
  helper?: string
  /** podman keys may name a repository namespace (`team/app` of `quay.io/team/app`). */
  namespace?: string
  username?: string
  credential?: Credential
  /** The secret sits in the file itself (base64 is not encryption), not in a helper. */
  plaintext: boolean
  /** The helper could not be asked (missing, failing, timed out). */
  error?: CredentialHelperError
}

/** Everything known about one registry's credentials. */
export type RegistryCredentials = {
  registry: string
  /** The entry docker would use (`pull-check`'s lookup), if any. */
  docker?: SourcedCredential
  /** docker's lookup failed (a helper error): docker itself would fail for this registry. */
  dockerError?: CredentialHelperError
  /** The entry podman/skopeo would use from their auth.json files, if any. */
  podman?: SourcedCredential
  /** Every entry for this registry, in precedence order (docker's sources first, then podman's). */
  entries: SourcedCredential[]
}

/** The result of {@link gatherCredentials}. */
export type GatheredCredentials = {
  files: CredentialFile[]
  /** The `credsStore` helper in effect (explicit, or docker's platform default). */
  credsStore?: string
  /** Whether `DOCKER_AUTH_CONFIG` was set (and parsed). */
  dockerAuthConfig: boolean
  registries: RegistryCredentials[]
  /** `credsStore list` failures: that store's entries are unknown. */
  listErrors: CredentialHelperError[]
}

/** Permission bits of a file; resolves `undefined` when it does not exist. */
export type StatFile = (path: string) => Promise<{mode: number} | undefined>

/** Inputs of {@link gatherCredentials}, all injected by the command. */
export type GatherOptions = {
  /** Docker's `config.json` path ({@link configPath}), and why (`DOCKER_CONFIG`, `HOME`). */
  dockerConfig?: {path: string; origin: string}
  /** Raw `DOCKER_AUTH_CONFIG`. */
  dockerAuthConfig?: string | undefined
  /** docker's platform default store (`detectDefaultCredsStore`), used like docker does. */
  defaultCredsStore?: string | undefined
  /** The auth.json files, in order ({@link podmanAuthFilePaths}). */
  podmanFiles?: PodmanAuthFile[]
  /** `--config PATH`: this one file replaces every source above. */
  configFile?: string | undefined
  /** Only gather (and ask helpers about) this registry. */
  registry?: string | undefined
  readFile: ReadTextFile
  statFile?: StatFile
  runHelper: HelperRunner
  helperTimeoutMs?: number | undefined
  helperEnv?: Record<string, string | undefined> | undefined
}

/**
 * Runs each distinct helper call once: the per-source `get` and docker's own lookup ask the same
 * questions, and a helper behind a keychain prompt should not be asked twice.
 */
function memoizeRunner(run: HelperRunner): HelperRunner {
  const cache = new Map<string, Promise<HelperRunResult>>()
  return (program, args, input, options) => {
    const key = JSON.stringify([program, args, input])
    let pending = cache.get(key)
    if (!pending) {
      pending = run(program, args, input, options)
      cache.set(key, pending)
    }

    return pending
  }
}

function hasSecret(credential: Credential | undefined): boolean {
  return Boolean(credential && (credential.password || credential.identityToken || credential.registryToken))
}

/** True when two credentials are the same identity and secret. */
export function sameCredential(a: Credential | undefined, b: Credential | undefined): boolean {
  return (
    (a?.username ?? '') === (b?.username ?? '') &&
    (a?.password ?? '') === (b?.password ?? '') &&
    (a?.identityToken ?? '') === (b?.identityToken ?? '') &&
    (a?.registryToken ?? '') === (b?.registryToken ?? '')
  )
}

/** How an entry compares with the credential in use: the same, another secret, another user. */
export type Agreement = 'same' | 'different-secret' | 'different-user'

/** Compares an entry with the reference credential (docker's, else podman's). */
export function compareCredentials(entry: Credential, reference: Credential): Agreement {
  if (sameCredential(entry, reference)) return 'same'
  const user = (c: Credential) => c.username ?? (c.identityToken ? '<token>' : '')
  return user(entry) === user(reference) ? 'different-secret' : 'different-user'
}

/**
 * Gathers every credential source. Helper failures are recorded per entry (and per registry for
 * docker's own lookup), never thrown: one broken helper must not hide the other registries.
 *
 * @throws ConfigError when a config file, an auth.json or `DOCKER_AUTH_CONFIG` is malformed (the
 *   command exits 2: the user must fix the file before anything else is meaningful).
 */
export async function gatherCredentials(options: GatherOptions): Promise<GatheredCredentials> {
  const runHelper = memoizeRunner(options.runHelper)
  const helperOptions = {
    runHelper,
    ...(options.helperTimeoutMs === undefined ? {} : {timeoutMs: options.helperTimeoutMs}),
    ...(options.helperEnv === undefined ? {} : {env: options.helperEnv}),
  }
  const wanted = options.registry?.toLowerCase()
  const keep = (registry: string) => wanted === undefined || registry === wanted
  const files: CredentialFile[] = []
  const entries: SourcedCredential[] = []
  const listErrors: CredentialHelperError[] = []

  const stat = async (path: string): Promise<{mode?: number}> => {
    const found = options.statFile ? await options.statFile(path) : undefined
    return found ? {mode: found.mode & 0o777} : {}
  }

  // --config PATH: one Docker-format file, no environment, no platform default store.
  const dockerFile = options.configFile === undefined ? options.dockerConfig : {path: options.configFile, origin: '--config'}
  const envAuths = options.configFile === undefined ? parseDockerAuthConfig(options.dockerAuthConfig) : undefined
  for (const [key, credential] of envAuths ?? []) {
    const registry = registryForKey(key)
    if (!keep(registry)) continue
    entries.push({
      registry,
      key,
      kind: 'docker-auth-config',
      label: 'DOCKER_AUTH_CONFIG',
      ...(credential.username ? {username: credential.username} : {}),
      credential,
      // An environment variable is not a file, but it is the secret in clear all the same; the
      // plaintext rule is about files, so it is not flagged here.
      plaintext: false,
    })
  }

  let config: DockerConfig | undefined
  let credsStore: string | undefined
  if (dockerFile) {
    // An unreadable config.json is docker's warning, not the end (docker/cli `LoadDefaultConfigFile`):
    // recorded for a finding. A file named by --config is input, and its read error stays exit 2.
    let unreadable: string | undefined
    config = await loadDockerConfig({
      path: dockerFile.path,
      readFile: options.readFile,
      ...(options.configFile === undefined ? {onUnreadable: ({reason}: {reason: string}) => (unreadable = reason)} : {}),
    })
    files.push({
      path: dockerFile.path,
      kind: 'docker-config',
      origin: dockerFile.origin,
      exists: config !== undefined || unreadable !== undefined,
      consulted: true,
      ...(config ? await stat(dockerFile.path) : {}),
      ...(unreadable === undefined ? {} : {unreadable}),
    })
    const containsAuth = config !== undefined && (config.credsStore !== undefined || config.credHelpers.size > 0 || config.auths.size > 0)
    credsStore = containsAuth ? config?.credsStore : options.configFile === undefined ? options.defaultCredsStore || undefined : undefined
    const fileLabel = options.configFile === undefined ? 'config.json' : dockerFile.path
    entries.push(...(await dockerFileEntries(config, dockerFile.path, fileLabel, credsStore, keep, helperOptions, listErrors)))
  }

  for (const file of options.configFile === undefined ? (options.podmanFiles ?? []) : []) {
    const parsed = await loadPodmanAuthFile(file.path, options.readFile)
    files.push({path: file.path, kind: 'podman-auth', origin: file.origin, exists: parsed !== undefined, consulted: file.consulted, ...(parsed ? await stat(file.path) : {})})
    if (parsed) entries.push(...(await podmanFileEntries(parsed, file, keep, helperOptions)))
  }

  // docker's own answer, through the same lookup pull-check uses. Its helper failures become the
  // registry's `dockerError`; the unreadable file is already on `files`.
  const helperFailures = new Map<string, CredentialHelperError>()
  const lookup = dockerFile
    ? createCredentialLookup({
        configPath: dockerFile.path,
        ...(options.configFile === undefined && options.dockerAuthConfig ? {dockerAuthConfig: options.dockerAuthConfig} : {}),
        readFile: options.readFile,
        runHelper,
        ...(options.helperTimeoutMs === undefined ? {} : {helperTimeoutMs: options.helperTimeoutMs}),
        ...(options.helperEnv === undefined ? {} : {helperEnv: options.helperEnv}),
        ...(options.configFile === undefined && options.defaultCredsStore ? {defaultCredsStore: options.defaultCredsStore} : {}),
        onSourceFailure: (failure) => {
          if (failure.kind === 'helper') helperFailures.set(failure.key, failure.error)
        },
      })
    : undefined

  const names = [...new Set([...entries.map((e) => e.registry), ...(wanted ? [wanted] : [])])]
  const registries: RegistryCredentials[] = []
  for (const registry of names) {
    const own = entries.filter((e) => e.registry === registry)
    const result: RegistryCredentials = {registry, entries: own}
    if (lookup) {
      try {
        const resolved = await lookup(registry)
        const failure = helperFailures.get(lookupKey(registry))
        if (failure) throw failure
        if (resolved) {
          result.docker = matchResolved(resolved, own, registry)
          // docker found it where our enumeration did not (a key `list` did not return): keep it.
          if (!own.some((e) => sameEntry(e, result.docker as SourcedCredential))) own.unshift(result.docker)
        }
      } catch (error) {
        if (!(error instanceof CredentialHelperError)) throw error
        result.dockerError = error
      }
    }

    const podman = podmanChoice(own, files)
    if (podman) result.podman = podman
    registries.push(result)
  }

  return {
    files,
    ...(credsStore ? {credsStore} : {}),
    dockerAuthConfig: envAuths !== undefined,
    registries,
    listErrors,
  }
}

type HelperOptions = Parameters<typeof helperGet>[2]

async function helperEntry(
  base: Omit<SourcedCredential, 'plaintext' | 'credential'>,
  helper: string,
  helperOptions: HelperOptions,
): Promise<SourcedCredential | undefined> {
  try {
    const credential = await helperGet(helper, base.key, helperOptions)
    if (!credential) return undefined
    return {...base, ...(credential.username ? {username: credential.username} : {}), credential, plaintext: false}
  } catch (error) {
    if (!(error instanceof CredentialHelperError)) throw error
    return {...base, plaintext: false, error}
  }
}

async function dockerFileEntries(
  config: DockerConfig | undefined,
  path: string,
  fileLabel: string,
  credsStore: string | undefined,
  keep: (registry: string) => boolean,
  helperOptions: HelperOptions,
  listErrors: CredentialHelperError[],
): Promise<SourcedCredential[]> {
  const out: SourcedCredential[] = []
  for (const [key, entry] of config?.auths ?? []) {
    const registry = registryForKey(key)
    if (!keep(registry) || !hasSecret(entry.credential)) continue
    out.push({
      registry,
      key,
      kind: 'config-auths',
      label: `${fileLabel} auths`,
      path,
      ...(entry.credential.username ? {username: entry.credential.username} : {}),
      credential: entry.credential,
      plaintext: true,
    })
  }

  for (const [key, helper] of config?.credHelpers ?? []) {
    const registry = registryForKey(key)
    if (helper === '' || !keep(registry)) continue
    const found = await helperEntry({registry, key, kind: 'credHelpers', label: `credential helper ${helper}`, path, helper}, helper, helperOptions)
    if (found) out.push(found)
  }

  if (credsStore) {
    let listed: Map<string, string> | undefined
    try {
      listed = await helperList(credsStore, helperOptions)
    } catch (error) {
      if (!(error instanceof CredentialHelperError)) throw error
      listErrors.push(error)
    }

    for (const [key] of listed ?? []) {
      const registry = registryForKey(key)
      if (!keep(registry)) continue
      const found = await helperEntry({registry, key, kind: 'credsStore', label: `credsStore ${credsStore}`, path, helper: credsStore}, credsStore, helperOptions)
      if (found) out.push(found)
    }
  }

  return out
}

async function podmanFileEntries(
  config: DockerConfig,
  file: PodmanAuthFile,
  keep: (registry: string) => boolean,
  helperOptions: HelperOptions,
): Promise<SourcedCredential[]> {
  const out: SourcedCredential[] = []
  const label = `auth.json (${file.origin})`
  // containers/image findCredentialsInFile: credHelpers first (registry keys only), then auths.
  for (const [key, helper] of config.credHelpers) {
    const registry = podmanKeyRegistry(key)
    if (helper === '' || !keep(registry)) continue
    const found = await helperEntry({registry, key, kind: 'podman-credHelpers', label: `${label} credential helper ${helper}`, path: file.path, helper}, helper, helperOptions)
    if (found) out.push(found)
  }

  for (const [key, entry] of config.auths) {
    const registry = podmanKeyRegistry(key)
    if (!keep(registry) || !hasSecret(entry.credential)) continue
    const slash = key.replace(/^https?:\/\//, '').indexOf('/')
    const rest = slash === -1 ? '' : key.replace(/^https?:\/\//, '').slice(slash + 1).replace(/\/+$/, '')
    // A legacy `https://host/v1/` key is a registry key; `host/team/app` names a namespace.
    const namespace = /^https?:\/\//.test(key) ? '' : rest
    out.push({
      registry,
      key,
      kind: 'podman-auths',
      label,
      path: file.path,
      ...(namespace ? {namespace} : {}),
      ...(entry.credential.username ? {username: entry.credential.username} : {}),
      credential: entry.credential,
      plaintext: true,
    })
  }

  return out
}

/** Finds the entry docker's lookup answered from, or describes it when no entry matches. */
function matchResolved(resolved: ResolvedCredential, entries: SourcedCredential[], registry: string): SourcedCredential {
  const source = resolved.source
  const found = entries.find((e) => {
    switch (source.kind) {
      case 'docker-auth-config': {
        return e.kind === 'docker-auth-config' && e.key === source.key
      }

      case 'config-auths': {
        return e.kind === 'config-auths' && e.key === source.key
      }

      case 'credential-helper': {
        return e.kind === source.via && e.helper === source.helper && (source.key === undefined || e.key === source.key)
      }

      default: {
        return false
      }
    }
  })
  // Take docker's credential as authoritative (the entry may be a list key docker did not use).
  if (found) return {...found, credential: resolved.credential, ...(resolved.credential.username ? {username: resolved.credential.username} : {})}
  const kind: SourceKind =
    source.kind === 'credential-helper' ? source.via : source.kind === 'docker-auth-config' ? 'docker-auth-config' : 'config-auths'
  return {
    registry,
    key: 'key' in source && source.key !== undefined ? source.key : lookupKey(registry),
    kind,
    label: source.label,
    ...('path' in source ? {path: source.path} : {}),
    ...(source.kind === 'credential-helper' ? {helper: source.helper} : {}),
    ...(resolved.credential.username ? {username: resolved.credential.username} : {}),
    credential: resolved.credential,
    plaintext: source.kind === 'config-auths',
  }
}

/** podman's choice: the first consulted auth.json with a registry-level entry (helpers first). */
function podmanChoice(entries: SourcedCredential[], files: CredentialFile[]): SourcedCredential | undefined {
  for (const file of files) {
    if (file.kind !== 'podman-auth' || !file.consulted) continue
    const inFile = entries.filter((e) => e.path === file.path && (e.kind === 'podman-credHelpers' || e.kind === 'podman-auths'))
    const helper = inFile.find((e) => e.kind === 'podman-credHelpers')
    if (helper) return helper
    const exact = inFile.find((e) => e.kind === 'podman-auths' && e.namespace === undefined)
    if (exact) return exact
  }

  return undefined
}

/** The JSON view of an entry (no secret). */
export type SourceDescription = {
  kind: SourceKind
  label: string
  key: string
  path?: string
  helper?: string
  namespace?: string
  username?: string
  plaintext: boolean
  /** Which tools would use this entry for the registry. */
  usedBy: Array<'docker' | 'podman'>
  /** How it compares with the credential checked (absent for the checked one and for failed helpers). */
  agreement?: Agreement
  /** The helper's failure, redacted. */
  error?: string
}

/** Describes an entry for output: provenance, no secret. */
export function describeEntry(entry: SourcedCredential, registry: RegistryCredentials, reference: SourcedCredential | undefined): SourceDescription {
  const usedBy: Array<'docker' | 'podman'> = []
  if (registry.docker && sameEntry(registry.docker, entry)) usedBy.push('docker')
  if (registry.podman && sameEntry(registry.podman, entry)) usedBy.push('podman')
  const agreement =
    reference && entry.credential && reference.credential && !sameEntry(reference, entry)
      ? compareCredentials(entry.credential, reference.credential)
      : undefined
  return {
    kind: entry.kind,
    label: entry.label,
    key: entry.key,
    ...(entry.path === undefined ? {} : {path: entry.path}),
    ...(entry.helper === undefined ? {} : {helper: entry.helper}),
    ...(entry.namespace === undefined ? {} : {namespace: entry.namespace}),
    ...(entry.username === undefined ? {} : {username: entry.username}),
    plaintext: entry.plaintext,
    usedBy,
    ...(agreement === undefined ? {} : {agreement}),
    ...(entry.error ? {error: isRegctlError(entry.error) ? entry.error.message : 'helper failed'} : {}),
  }
}

/** Same stored entry (kind, key and file). */
export function sameEntry(a: SourcedCredential, b: SourcedCredential): boolean {
  return a.kind === b.kind && a.key === b.key && a.path === b.path && a.helper === b.helper
}
