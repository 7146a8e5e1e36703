/**
 * Wires the registry side of the real world: Docker credentials (config files, credential helper
 * processes) and the registry client's HTTP transport. Commands import this lazily, so `--help` and
 * `--version` stay fast; undici itself loads only when a client or transport is created.
 */
import {stat} from 'node:fs/promises'
import {homedir} from 'node:os'

import {createHelperRunner, detectDefaultCredsStore} from './credential-helper-process.js'
import {dockerConfigPath, envValue, proxyFromEnv, userAgent} from './environment.js'
import {readTextFile} from './files.js'
import {feedConfigReads, feedHelperRuns, runSecrets} from './known-secrets.js'
import {closeConnections} from './process-exit.js'
import type {CredentialWarning} from '../lib/checks/pull-check.js'
import type {RunDeadline} from '../lib/deadline.js'
import type {GatherOptions} from '../lib/credentials/sources.js'
import {lookupKey} from '../lib/credentials/registry-key.js'
import {createCredentialLookup, type CredentialSourceFailure, sourceFailureCause, sourceFailureVerdictMessage, sourceFailureWarning} from '../lib/credentials/store.js'
import type {CredentialLookup} from '../lib/credentials/types.js'
import type {RegistryClient} from '../lib/registry/client.js'
import type {Transport} from '../lib/registry/transport.js'

export type Runtime = {
  credentials: CredentialLookup
  /**
   * The credential sources that failed for this registry while its lookup went on anonymously
   * (a failing helper, an unreadable config.json), once its lookup ran: the warning and its cause
   * in a few words.
   */
  credentialWarnings(registry: string): CredentialWarning[]
  client: RegistryClient
  close(): Promise<void>
}

export type RuntimeOptions = {insecureRegistries: string[]; timeoutSeconds: number; version?: string; deadline?: RunDeadline | undefined}

/**
 * The credential lookup docker would use on this machine, read-only, including docker's platform
 * default store when config.json names no credential source. A failing source (a helper, an
 * unreadable config.json) is reported to `onSourceFailure` and the lookup resolves anonymously
 * (lib/credentials/store.ts); without `onSourceFailure` it is printed once on stderr as a warning
 * (`ghcr ls`, `auth login`, for which a Docker login is only a last resort).
 */
export function createCredentials(options: {onSourceFailure?: (failure: CredentialSourceFailure) => void; deadline?: RunDeadline | undefined} = {}): CredentialLookup {
  const dockerAuthConfig = envValue('DOCKER_AUTH_CONFIG')
  let lookup: Promise<CredentialLookup> | undefined
  const printed = new Set<string>()
  const print = (failure: CredentialSourceFailure) => {
    const warning = sourceFailureWarning(failure)
    if (!printed.has(warning)) process.stderr.write(`Warning: ${warning}\n`)
    printed.add(warning)
  }

  const create = async () =>
    createCredentialLookup({
      configPath: dockerConfigPath(),
      ...(dockerAuthConfig === undefined ? {} : {dockerAuthConfig}),
      defaultCredsStore: await detectDefaultCredsStore({pathEnv: process.env['PATH'], platform: process.platform}),
      readFile: feedConfigReads(readTextFile),
      runHelper: feedHelperRuns(createHelperRunner(undefined, options.deadline)),
      helperEnv: process.env,
      onSourceFailure: options.onSourceFailure ?? print,
    })
  return async (registry) => (await (lookup ??= create()))(registry)
}

/**
 * {@link createCredentials} on first use: for commands where the Docker credentials are only a
 * last resort (`ghcr ls`: the `ghcr.io` login as the last token source, and the registry fallback).
 */
export function lazyCredentials(deadline?: RunDeadline): CredentialLookup {
  let lookup: CredentialLookup | undefined
  return async (registry) => (lookup ??= createCredentials({deadline}))(registry)
}

/** Credentials + a registry client configured from flags and the environment. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  // Per lookup key (a helper failure), and for every registry (an unreadable config.json).
  const perKey = new Map<string, CredentialWarning>()
  let everywhere: CredentialWarning | undefined
  const credentials = createCredentials({
    onSourceFailure(failure) {
      const undetermined = sourceFailureVerdictMessage(failure)
      const warning: CredentialWarning = {warning: sourceFailureWarning(failure), cause: sourceFailureCause(failure), ...(undetermined === undefined ? {} : {undetermined})}
      if (failure.kind === 'helper') perKey.set(failure.key, warning)
      else everywhere = warning
    },
    deadline: options.deadline,
  })
  const [{RegistryClient}, transport] = await Promise.all([import('../lib/registry/client.js'), createTransport(options)])
  const client = new RegistryClient({transport, credentials})
  return {
    client,
    credentials,
    credentialWarnings(registry) {
      const own = perKey.get(lookupKey(registry))
      return [...(everywhere ? [everywhere] : []), ...(own ? [own] : [])]
    },
    close: async () => closeConnections(async () => client.close()),
  }
}

/**
 * The registry transport of every registry client: the flags' timeout and insecure registries,
 * the user agent, and the proxy variables. `auth status` shares one among its per-registry clients.
 */
export async function createTransport(options: Omit<RuntimeOptions, 'insecureRegistries'> & {insecureRegistries?: string[]}): Promise<Transport> {
  const {createTransport: transportOf} = await import('../lib/registry/client.js')
  return transportOf({
    ...(options.insecureRegistries === undefined ? {} : {insecureRegistries: options.insecureRegistries}),
    timeoutMs: options.timeoutSeconds * 1000,
    userAgent: userAgent(options.version),
    ...proxyFromEnv(),
    ...(options.deadline ? {deadline: options.deadline} : {}),
    secrets: runSecrets,
  })
}

/**
 * A registry client made on first use, for commands that may never need one (`ghcr ls` lists tags
 * through the registry only when the GitHub API cannot be used). It honours the proxy variables
 * like every registry client, but takes no insecure-registry list: it only talks to GHCR.
 */
export function lazyRegistryClient(options: {credentials: CredentialLookup; timeoutSeconds: number; version?: string; deadline?: RunDeadline | undefined}): {
  get(): Promise<RegistryClient>
  close(): Promise<void>
} {
  let client: RegistryClient | undefined
  return {
    async get() {
      if (client === undefined) {
        const [{RegistryClient}, transport] = await Promise.all([
          import('../lib/registry/client.js'),
          createTransport({timeoutSeconds: options.timeoutSeconds, deadline: options.deadline, ...(options.version === undefined ? {} : {version: options.version})}),
        ])
        client ??= new RegistryClient({transport, credentials: options.credentials})
      }

      return client
    },
    close: async () => closeConnections(async () => client?.close()),
  }
}

/**
 * Every credential source's location, from the environment: Docker's config, `DOCKER_AUTH_CONFIG`,
 * the platform's default credential store, the podman/skopeo auth.json files (read-only readers and
 * the helper runner), or only `configFile` (`--config`).
 */
export async function credentialSources(options: {registry?: string | undefined; configFile?: string | undefined; deadline?: RunDeadline | undefined}): Promise<GatherOptions> {
  const [{detectDefaultCredsStore}, {podmanAuthFilePaths}, {registryForKey}] = await Promise.all([
    import('./credential-helper-process.js'),
    import('../lib/credentials/podman.js'),
    import('../lib/credentials/registry-key.js'),
  ])
  const defaultCredsStore = await detectDefaultCredsStore({pathEnv: process.env['PATH'], platform: process.platform})
  const registry = options.registry?.trim()
  return {
    dockerConfig: {path: dockerConfigPath(), origin: envValue('DOCKER_CONFIG') ? 'DOCKER_CONFIG' : 'HOME'},
    dockerAuthConfig: envValue('DOCKER_AUTH_CONFIG'),
    defaultCredsStore,
    podmanFiles: podmanAuthFilePaths(
      {
        REGISTRY_AUTH_FILE: envValue('REGISTRY_AUTH_FILE'),
        XDG_RUNTIME_DIR: envValue('XDG_RUNTIME_DIR'),
        XDG_CONFIG_HOME: envValue('XDG_CONFIG_HOME'),
        HOME: envValue('HOME'),
      },
      {platform: process.platform, uid: process.getuid?.(), homedir: homedir()},
    ),
    configFile: options.configFile,
    registry: registry ? registryForKey(registry.toLowerCase()) : undefined,
    readFile: feedConfigReads(readTextFile),
    statFile: async (file) => {
      try {
        return {mode: (await stat(file)).mode}
      } catch {
        return undefined
      }
    },
    runHelper: feedHelperRuns(createHelperRunner(undefined, options.deadline)),
    helperEnv: process.env,
  }
}
