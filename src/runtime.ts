/**
 * Wires the real world into the library: the environment, the file system, credential helper
 * processes and the HTTP client. Commands import this lazily, so `--help` and `--version` stay
 * fast; undici itself loads only when a client or transport is created. This module (with
 * ./runtime-github.ts, ./runtime-auth-status.ts and ./runtime-audit.ts) is the one place that
 * reads `process.env` for the library.
 */
import {stat} from 'node:fs/promises'
import {homedir} from 'node:os'

import {configPath} from './lib/credentials/docker-config.js'
import {readTextFile, runHelperProcess} from './lib/credentials/node-io.js'
import type {GatherOptions} from './lib/credentials/sources.js'
import {createCredentialLookup} from './lib/credentials/store.js'
import type {CredentialLookup} from './lib/credentials/types.js'
import {defaultPlatform, type Platform} from './lib/platform.js'
import type {RegistryClient} from './lib/registry/client.js'
import type {Transport, TransportOptions} from './lib/registry/transport.js'

export type Runtime = {
  credentials: CredentialLookup
  client: RegistryClient
  close(): Promise<void>
}

export type RuntimeOptions = {insecureRegistries: string[]; timeoutSeconds: number; version?: string}

/** A non-empty environment variable (regctl's variables are documented in the README). */
export function envValue(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** The `User-Agent` of every request regctl makes. */
export function userAgent(version: string | undefined): string {
  return `regctl/${version ?? 'dev'}`
}

/** Path of Docker's `config.json` (`DOCKER_CONFIG`, else `HOME`, else the OS home directory). */
function dockerConfigPath(): string {
  const dockerConfig = envValue('DOCKER_CONFIG')
  const home = envValue('HOME')
  return configPath({...(dockerConfig ? {DOCKER_CONFIG: dockerConfig} : {}), ...(home ? {HOME: home} : {})}, homedir())
}

/** The credential lookup docker would use on this machine, read-only. */
export function createCredentials(): CredentialLookup {
  const dockerAuthConfig = envValue('DOCKER_AUTH_CONFIG')
  return createCredentialLookup({
    configPath: dockerConfigPath(),
    ...(dockerAuthConfig === undefined ? {} : {dockerAuthConfig}),
    readFile: readTextFile,
    runHelper: runHelperProcess,
    helperEnv: process.env,
  })
}

/**
 * {@link createCredentials} on first use: for commands where the Docker credentials are only a
 * last resort (`ghcr ls`: the `ghcr.io` login as the last token source, and the registry fallback).
 */
export function lazyCredentials(): CredentialLookup {
  let lookup: CredentialLookup | undefined
  return async (registry) => (lookup ??= createCredentials())(registry)
}

/** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case), as the transport takes them. */
export function proxyFromEnv(): Pick<TransportOptions, 'proxy'> {
  const httpsProxy = envValue('HTTPS_PROXY') ?? envValue('https_proxy')
  const httpProxy = envValue('HTTP_PROXY') ?? envValue('http_proxy')
  const noProxy = envValue('NO_PROXY') ?? envValue('no_proxy')
  if (!httpsProxy && !httpProxy) return {}
  return {proxy: {...(httpsProxy ? {httpsProxy} : {}), ...(httpProxy ? {httpProxy} : {}), ...(noProxy ? {noProxy} : {})}}
}

/** Credentials + a registry client configured from flags and the environment. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const credentials = createCredentials()
  const {createRegistryClient} = await import('./lib/registry/client.js')
  const client = createRegistryClient({
    credentials,
    insecureRegistries: options.insecureRegistries,
    timeoutMs: options.timeoutSeconds * 1000,
    userAgent: userAgent(options.version),
    ...proxyFromEnv(),
  })
  return {client, credentials, close: async () => client.close()}
}

/** The registry client's bare transport (for live credential checks), configured like {@link createRuntime}'s. */
export async function createTransport(options: RuntimeOptions): Promise<Transport> {
  const {Transport: TransportClass} = await import('./lib/registry/transport.js')
  return new TransportClass({
    insecureRegistries: options.insecureRegistries,
    timeoutMs: options.timeoutSeconds * 1000,
    userAgent: userAgent(options.version),
    ...proxyFromEnv(),
  })
}

/**
 * A registry client made on first use, for commands that may never need one (`ghcr ls` lists tags
 * through the registry only when the GitHub API cannot be used). It honours the proxy variables
 * like every registry client, but takes no insecure-registry list: it only talks to GHCR.
 */
export function lazyRegistryClient(options: {credentials: CredentialLookup; timeoutSeconds: number; version?: string}): {
  get(): Promise<RegistryClient>
  close(): Promise<void>
} {
  let client: RegistryClient | undefined
  return {
    async get() {
      const {createRegistryClient} = await import('./lib/registry/client.js')
      client ??= createRegistryClient({
        credentials: options.credentials,
        timeoutMs: options.timeoutSeconds * 1000,
        userAgent: userAgent(options.version),
        ...proxyFromEnv(),
      })
      return client
    },
    close: async () => client?.close(),
  }
}

/**
 * Every credential source's location, from the environment: Docker's config, `DOCKER_AUTH_CONFIG`,
 * the platform's default credential store, the podman/skopeo auth.json files (read-only readers and
 * the helper runner), or only `configFile` (`--config`).
 */
export async function credentialSources(options: {registry?: string | undefined; configFile?: string | undefined}): Promise<GatherOptions> {
  const [{detectDefaultCredsStore}, {podmanAuthFilePaths}, {registryForKey}] = await Promise.all([
    import('./lib/credentials/node-io.js'),
    import('./lib/credentials/podman.js'),
    import('./lib/credentials/registry-key.js'),
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
    readFile: readTextFile,
    statFile: async (file) => {
      try {
        return {mode: (await stat(file)).mode}
      } catch {
        return undefined
      }
    },
    runHelper: runHelperProcess,
    helperEnv: process.env,
  }
}

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return Boolean((await stat(path).catch(() => undefined))?.isDirectory())
}

/** True when `path` is an existing regular file. */
export async function isFile(path: string): Promise<boolean> {
  return Boolean((await stat(path).catch(() => undefined))?.isFile())
}

/** This machine's platform: what image indexes are resolved for when `--platform` is not given. */
export function machinePlatform(): Platform {
  const arm = (process.config.variables as Record<string, unknown>)['arm_version']
  return defaultPlatform(process.platform, process.arch, typeof arm === 'string' || typeof arm === 'number' ? String(arm) : undefined)
}
