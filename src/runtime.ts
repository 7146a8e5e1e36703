/**
 * Wires the real world into the library: the environment, the file system, credential helper
 * processes and the HTTP client. Commands import this lazily (it pulls in undici), so `--help`
 * and `--version` stay fast. This is the one place that reads `process.env` for the library.
 */
import {homedir} from 'node:os'

import {configPath} from './lib/credentials/docker-config.js'
import {readTextFile, runHelperProcess} from './lib/credentials/node-io.js'
import {createCredentialLookup} from './lib/credentials/store.js'
import type {CredentialLookup} from './lib/credentials/types.js'
import {createRegistryClient, type RegistryClient} from './lib/registry/client.js'

export type Runtime = {
  credentials: CredentialLookup
  client: RegistryClient
  close(): Promise<void>
}

export type RuntimeOptions = {insecureRegistries: string[]; timeoutSeconds: number; version?: string}

/** Environment variable names regctl reads (documented in the README). */
function env(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** The credential lookup docker would use on this machine, read-only. */
export function createCredentials(): CredentialLookup {
  const dockerAuthConfig = env('DOCKER_AUTH_CONFIG')
  return createCredentialLookup({
    configPath: configPath({...pick('DOCKER_CONFIG'), ...pick('HOME')}, homedir()),
    ...(dockerAuthConfig === undefined ? {} : {dockerAuthConfig}),
    readFile: readTextFile,
    runHelper: runHelperProcess,
    helperEnv: process.env,
  })
}

function pick(name: 'DOCKER_CONFIG' | 'HOME'): {DOCKER_CONFIG?: string; HOME?: string} {
  const value = env(name)
  return value === undefined ? {} : {[name]: value}
}

/** Credentials + a registry client configured from flags and the environment. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const credentials = createCredentials()
  const httpsProxy = env('HTTPS_PROXY') ?? env('https_proxy')
  const httpProxy = env('HTTP_PROXY') ?? env('http_proxy')
  const noProxy = env('NO_PROXY') ?? env('no_proxy')
  const client = createRegistryClient({
    credentials,
    insecureRegistries: options.insecureRegistries,
    timeoutMs: options.timeoutSeconds * 1000,
    userAgent: `regctl/${options.version ?? 'dev'}`,
    ...(httpsProxy || httpProxy
      ? {
          proxy: {
            ...(httpsProxy ? {httpsProxy} : {}),
            ...(httpProxy ? {httpProxy} : {}),
            ...(noProxy ? {noProxy} : {}),
          },
        }
      : {}),
  })
  return {client, credentials, close: async () => client.close()}
}
