/**
 * Wires `authStatus` (src/lib/checks/auth-status.ts) to the real world: every credential source of
 * the environment, the registry transport for live checks, GitHub introspection and the GitHub API
 * token. Shared by `auth status` and the credentials part of `audit`, so both check the same thing.
 */
import type {RunDeadline} from '../lib/deadline.js'
import type {AuthStatusOptions} from '../lib/checks/auth-status.js'
import {createCredentialVerifier} from '../lib/checks/live-verifier.js'
import {UsageError} from '../lib/errors.js'
import {fileProblem} from './files.js'
import {closeConnections} from './process-exit.js'
import {createTransport, credentialSources} from './registry.js'
import {createStatusGitHubPort, githubApiToken, githubEndpoint} from './github.js'
import {createTokenFileStore} from './token-file.js'

/** The flags of `auth status` that decide its wiring. */
export type AuthStatusWiringOptions = {
  /** No transport and no GitHub port: nothing is contacted. */
  offline: boolean
  insecureRegistries: string[]
  timeoutSeconds: number
  version?: string
  /** `--registry`: gather only this registry. */
  registry?: string | undefined
  /** `--config`: read only this file; it must exist. */
  configFile?: string | undefined
  /** The run's total deadline (`--deadline`). */
  deadline?: RunDeadline | undefined
}

/** The world-facing inputs of `authStatus`, and what to close afterwards. */
export type AuthStatusWiring = {
  deps: Pick<AuthStatusOptions, 'gather' | 'now' | 'platform' | 'verify' | 'github' | 'githubApiToken' | 'plaintextTokenFile'>
  close(): Promise<void>
}

/** Builds the inputs; the caller adds its flags (scopes, fail-on…), calls `authStatus`, then `close()`. */
export async function createAuthStatusWiring(options: AuthStatusWiringOptions): Promise<AuthStatusWiring> {
  const problem = options.configFile === undefined ? undefined : await fileProblem(options.configFile)
  if (problem !== undefined) throw new UsageError(`--config ${options.configFile}: ${problem}`)

  const now = Date.now
  const version = options.version === undefined ? {} : {version: options.version}
  const transport = options.offline
    ? undefined
    : await createTransport({insecureRegistries: options.insecureRegistries, timeoutSeconds: options.timeoutSeconds, deadline: options.deadline, ...version})
  try {
    return {
      deps: {
        gather: await credentialSources({registry: options.registry, configFile: options.configFile, deadline: options.deadline}),
        now,
        platform: process.platform,
        verify: transport ? createCredentialVerifier({transport, now}) : undefined,
        github: options.offline ? undefined : createStatusGitHubPort({timeoutSeconds: options.timeoutSeconds, now, deadline: options.deadline, ...version}),
        githubApiToken: async () => githubApiToken({deadline: options.deadline, timeoutSeconds: options.timeoutSeconds}),
        plaintextTokenFile: async () => (await createTokenFileStore().read(githubEndpoint().host))?.path,
      },
      close: async () => closeConnections(async () => transport?.close()),
    }
  } catch (error) {
    await transport?.close()
    throw error
  }
}
