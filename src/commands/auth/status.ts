import {Flags} from '@oclif/core'
import {stat} from 'node:fs/promises'
import {homedir} from 'node:os'

import {BaseCommand} from '../../base-command.js'
import type {AuthStatusResult, GitHubPort} from '../../lib/checks/auth-status.js'
import type {GatherOptions} from '../../lib/credentials/sources.js'
import {UsageError} from '../../lib/errors.js'
import {excessiveScopes, scopeSatisfies} from '../../lib/github/introspect.js'
import type {GitHubTokenResolution} from '../../lib/github/token.js'
import type {Transport} from '../../lib/registry/transport.js'
import {renderAuthStatus} from '../../render/auth-status.js'

export type {AuthStatusResult, RegistryStatus} from '../../lib/checks/auth-status.js'

export default class AuthStatus extends BaseCommand {
  static override description = `Show every registry login, verified live and audited

Reads every credential source, read-only: DOCKER_AUTH_CONFIG, Docker's config.json (auths,
credsStore, credHelpers) and the podman/skopeo auth.json files (REGISTRY_AUTH_FILE,
$XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/auth.json), or only --config.
Per registry: provider, user, kind of secret (redacted), whether the registry accepts it, push
rights where the token says, GitHub scopes and expiry for GHCR tokens, and findings with fixes.
Never writes a file; never prints a secret.

Exit codes: 0 all good; 1 a login is rejected, a required scope is missing, or a finding reaches
--fail-on; 2 usage error or a malformed config file. The same under --json.`

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> auth status',
    '<%= config.bin %> auth status --registry ghcr.io --require-scope write:packages',
    '<%= config.bin %> auth status --offline --json',
    '<%= config.bin %> auth status --config ./ci/docker-config.json --fail-on warning',
  ]

  static override flags = {
    registry: Flags.string({description: 'Show only this registry (host[:port])'}),
    config: Flags.string({description: 'Read only this Docker-format config file (config.json or auth.json)'}),
    offline: Flags.boolean({default: false, description: 'Do not contact registries or GitHub'}),
    'require-scope': Flags.string({description: 'GitHub scope a GHCR token must have (repeatable; write: implies read:)', multiple: true}),
    repository: Flags.string({description: 'Repository to probe push rights on (default regctl-auth-probe, under your user on GHCR)'}),
    'fail-on': Flags.option({options: ['error', 'warning', 'never'] as const, default: 'error', description: 'Lowest finding severity that makes the exit code 1'})(),
    concurrency: Flags.integer({default: 8, min: 1, max: 32, description: 'Registries checked at the same time'}),
    'insecure-registry': Flags.string({description: 'Registry that may be reached over plain HTTP or unverified TLS', multiple: true}),
  }

  public async run(): Promise<AuthStatusResult> {
    const {flags} = await this.parse(AuthStatus)
    const env = process.env
    if (flags.config !== undefined && !(await stat(flags.config).catch(() => undefined))?.isFile()) {
      throw new UsageError(`--config ${flags.config}: no such file`)
    }

    // Heavy modules load only when there is work to do (`--help` stays fast).
    const {authStatus, createCredentialVerifier} = await import('../../lib/checks/auth-status.js')
    const now = Date.now
    const userAgent = `regctl/${this.config.version}`
    const transport = flags.offline ? undefined : await createTransport(env, flags['insecure-registry'] ?? [], flags.timeout * 1000, userAgent)
    try {
      const result = await authStatus({
        gather: await gatherOptions(env, {registry: flags.registry, configFile: flags.config}),
        offline: flags.offline,
        requiredScopes: flags['require-scope'] ?? [],
        repository: flags.repository,
        failOn: flags['fail-on'],
        concurrency: flags.concurrency,
        now,
        platform: process.platform,
        verify: transport ? createCredentialVerifier({transport, now}) : undefined,
        github: flags.offline ? undefined : githubPort(env, {timeoutMs: flags.timeout * 1000, userAgent, now}),
        githubApiToken: () => githubApiToken(env),
      })
      if (!this.jsonEnabled()) this.log(renderAuthStatus(result))
      process.exitCode = result.exitCode
      return result
    } finally {
      await transport?.close()
    }
  }
}

type Env = NodeJS.ProcessEnv

/** A non-empty environment value. */
function value(env: Env, name: string): string | undefined {
  const found = env[name]
  return found === undefined || found === '' ? undefined : found
}

/** The registry client's transport, configured like pull-check's (proxies from the environment). */
async function createTransport(env: Env, insecureRegistries: string[], timeoutMs: number, userAgent: string): Promise<Transport> {
  const {Transport: TransportClass} = await import('../../lib/registry/transport.js')
  const httpsProxy = value(env, 'HTTPS_PROXY') ?? value(env, 'https_proxy')
  const httpProxy = value(env, 'HTTP_PROXY') ?? value(env, 'http_proxy')
  const noProxy = value(env, 'NO_PROXY') ?? value(env, 'no_proxy')
  return new TransportClass({
    insecureRegistries,
    timeoutMs,
    userAgent,
    ...(httpsProxy || httpProxy
      ? {proxy: {...(httpsProxy ? {httpsProxy} : {}), ...(httpProxy ? {httpProxy} : {}), ...(noProxy ? {noProxy} : {})}}
      : {}),
  })
}

/** Every credential source's location, from the environment (read-only readers and helper runner). */
async function gatherOptions(env: Env, options: {registry?: string | undefined; configFile?: string | undefined}): Promise<GatherOptions> {
  const [{configPath}, {detectDefaultCredsStore, readTextFile, runHelperProcess}, {podmanAuthFilePaths}, {registryForKey}] = await Promise.all([
    import('../../lib/credentials/docker-config.js'),
    import('../../lib/credentials/node-io.js'),
    import('../../lib/credentials/podman.js'),
    import('../../lib/credentials/registry-key.js'),
  ])
  const dockerConfigDir = value(env, 'DOCKER_CONFIG')
  const home = value(env, 'HOME')
  const path = configPath({...(dockerConfigDir ? {DOCKER_CONFIG: dockerConfigDir} : {}), ...(home ? {HOME: home} : {})}, homedir())
  const defaultCredsStore = await detectDefaultCredsStore({pathEnv: env['PATH'], platform: process.platform})
  const registry = options.registry?.trim()
  return {
    dockerConfig: {path, origin: dockerConfigDir ? 'DOCKER_CONFIG' : 'HOME'},
    dockerAuthConfig: value(env, 'DOCKER_AUTH_CONFIG'),
    defaultCredsStore,
    podmanFiles: podmanAuthFilePaths(
      {
        REGISTRY_AUTH_FILE: value(env, 'REGISTRY_AUTH_FILE'),
        XDG_RUNTIME_DIR: value(env, 'XDG_RUNTIME_DIR'),
        XDG_CONFIG_HOME: value(env, 'XDG_CONFIG_HOME'),
        HOME: home,
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
    helperEnv: env,
  }
}

/** The GitHub API side: `introspectToken` against GITHUB_API_URL / GH_HOST, and the scope rules. */
function githubPort(env: Env, options: {timeoutMs: number; userAgent: string; now: () => number}): GitHubPort {
  return {
    async introspect(token) {
      const [{resolveApiBaseUrl}, {introspectToken}] = await Promise.all([import('../../lib/github/api-url.js'), import('../../lib/github/introspect.js')])
      const {apiUrl} = resolveApiBaseUrl({githubApiUrl: value(env, 'GITHUB_API_URL'), ghHost: value(env, 'GH_HOST')})
      try {
        const answer = await introspectToken({apiUrl, token, now: new Date(options.now()), timeoutMs: options.timeoutMs, userAgent: options.userAgent})
        if (answer.status === 'rejected') return {status: 'rejected', message: `GitHub answered HTTP ${answer.checkedVia.httpStatus}${answer.message ? ` (${answer.message})` : ''}`}
        if (answer.status === 'unknown') return {status: 'error', message: answer.notes.join('; ') || 'GitHub did not say'}
        return {
          status: 'valid',
          ...(answer.login === null ? {} : {login: answer.login}),
          scopes: answer.scopes,
          ...(answer.expiry === 'no-expiry' ? {expiresAt: null} : answer.expiresAt === null ? {} : {expiresAt: answer.expiresAt}),
        }
      } catch (error) {
        return {status: 'error', message: error instanceof Error ? error.message : String(error)}
      }
    },
    scopeSatisfies: (granted, required) => scopeSatisfies(granted, required),
    // delete:packages (or any scope) named with --require-scope is needed, so not excessive.
    excessiveScopes: (granted, required) => excessiveScopes(granted).filter((scope) => !required.some((r) => scopeSatisfies([scope], r))),
  }
}

/** The token `ghcr ls` would use: --token is not a flag here, so GH_TOKEN, GITHUB_TOKEN, keyring, ghcr.io login. */
async function githubApiToken(env: Env): Promise<GitHubTokenResolution> {
  const [{resolveApiBaseUrl}, {resolveGitHubToken}, {createKeyringReader}, {createCredentialLookup}, {configPath}, {readTextFile, runHelperProcess}] = await Promise.all([
    import('../../lib/github/api-url.js'),
    import('../../lib/github/token.js'),
    import('../../lib/github/keyring.js'),
    import('../../lib/credentials/store.js'),
    import('../../lib/credentials/docker-config.js'),
    import('../../lib/credentials/node-io.js'),
  ])
  const endpoint = resolveApiBaseUrl({githubApiUrl: value(env, 'GITHUB_API_URL'), ghHost: value(env, 'GH_HOST')})
  const dockerConfigDir = value(env, 'DOCKER_CONFIG')
  const home = value(env, 'HOME')
  const dockerAuthConfig = value(env, 'DOCKER_AUTH_CONFIG')
  return resolveGitHubToken({
    env: {GH_TOKEN: value(env, 'GH_TOKEN'), GITHUB_TOKEN: value(env, 'GITHUB_TOKEN')},
    host: endpoint.host,
    // REGCTL_NO_KEYRING=1 skips the keyring (CI, tests), as in ghcr ls.
    ...(value(env, 'REGCTL_NO_KEYRING') ? {} : {keyring: createKeyringReader()}),
    dockerCredential: createCredentialLookup({
      configPath: configPath({...(dockerConfigDir ? {DOCKER_CONFIG: dockerConfigDir} : {}), ...(home ? {HOME: home} : {})}, homedir()),
      ...(dockerAuthConfig ? {dockerAuthConfig} : {}),
      readFile: readTextFile,
      runHelper: runHelperProcess,
      helperEnv: env,
    }),
  })
}
