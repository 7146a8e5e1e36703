import {Args, Flags, ux} from '@oclif/core'
import {homedir} from 'node:os'

import {BaseCommand} from '../../base-command.js'
import type {CredentialLookup} from '../../lib/credentials/types.js'
import {resolveApiBaseUrl} from '../../lib/github/api-url.js'
import {describeAuth, ghcrLs} from '../../lib/github/ghcr-ls.js'
import {createKeyringReader} from '../../lib/github/keyring.js'
import {parsePackagePath} from '../../lib/github/package-path.js'
import {resolveGitHubToken} from '../../lib/github/token.js'
import type {GhcrLsResult, PackageVisibility, TagLister} from '../../lib/github/types.js'
import type {RegistryClient} from '../../lib/registry/client.js'
import {renderGhcrLs} from '../../render/ghcr.js'

export type {GhcrLsResult} from '../../lib/github/types.js'

export default class GhcrLs extends BaseCommand {
  static override args = {
    target: Args.string({
      description: 'OWNER (a user or organization) or OWNER/PACKAGE; omit for your own packages',
      required: false,
    }),
  }

  static override description = `List container packages on GHCR, or the versions of one package

Uses the GitHub Packages REST API, which needs a classic token with read:packages. The token comes from --token, GH_TOKEN, GITHUB_TOKEN, the OS keyring (service regctl, account = host) or the ghcr.io Docker login, in that order. The API is GITHUB_API_URL, else --hostname or GH_HOST (GitHub Enterprise Server), else api.github.com.

For OWNER/PACKAGE, when the API cannot be used (no token, or a token GitHub refuses for packages), the tags are listed through the registry instead, and the output says so.

Exit codes: 0 ok; 1 refused or not found (401/403/404); 2 usage; 3 unreachable, 5xx or rate limit exhausted.`

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> ghcr ls',
    '<%= config.bin %> ghcr ls my-org --with-tags',
    '<%= config.bin %> ghcr ls my-org/tools/cli --tagged --limit 20',
    '<%= config.bin %> ghcr ls my-org/app --source registry --json',
  ]

  static override flags = {
    org: Flags.boolean({description: 'OWNER is an organization (skip the lookup)', exclusive: ['user']}),
    user: Flags.boolean({description: 'OWNER is a user (skip the lookup)', exclusive: ['org']}),
    visibility: Flags.option({options: ['public', 'private', 'internal'] as const, description: 'Only packages of this visibility'})(),
    'with-tags': Flags.boolean({description: "Add each package's newest tags and version count"}),
    tagged: Flags.boolean({description: 'Only versions that have tags', exclusive: ['untagged']}),
    untagged: Flags.boolean({description: 'Only versions without tags', exclusive: ['tagged']}),
    limit: Flags.integer({description: 'Stop after N packages, versions or tags', min: 1}),
    source: Flags.option({
      options: ['api', 'registry'] as const,
      description: 'Where to list from (default: the API, falling back to the registry for OWNER/PACKAGE)',
    })(),
    token: Flags.string({description: 'GitHub token (prefer GH_TOKEN: flags show up in process lists)'}),
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
  }

  public async run(): Promise<GhcrLsResult> {
    const {args, flags} = await this.parse(GhcrLs)
    const env = process.env
    const endpoint = resolveApiBaseUrl({githubApiUrl: env['GITHUB_API_URL'], hostname: flags.hostname, ghHost: env['GH_HOST']})
    const target = args.target === undefined ? undefined : parsePackagePath(args.target)

    const credentials = lazyCredentials(env)
    const {token, notes} = await resolveGitHubToken({
      flag: flags.token,
      env: {GH_TOKEN: env['GH_TOKEN'], GITHUB_TOKEN: env['GITHUB_TOKEN']},
      host: endpoint.host,
      // REGCTL_NO_KEYRING=1 skips the keyring (CI, tests): a locked keyring may prompt.
      ...(env['REGCTL_NO_KEYRING'] ? {} : {keyring: createKeyringReader()}),
      dockerCredential: credentials,
    })
    if (token && !this.jsonEnabled() && flags.source !== 'registry') this.logToStderr(`${this.config.bin}: ${describeAuth(token)}`)

    const spinner = Boolean(process.stderr.isTTY) && !this.jsonEnabled()
    const userAgent = `regctl/${this.config.version}`
    // The registry client (undici, token auth) is created only if the registry is actually used.
    let registryClient: RegistryClient | undefined
    const tagLister: TagLister = async function* (registry, repository, opts) {
      const {createRegistryClient} = await import('../../lib/registry/client.js')
      registryClient ??= createRegistryClient({credentials, timeoutMs: flags.timeout * 1000, userAgent})
      yield* registryClient.listTags(registry, repository, opts.limit === undefined ? {} : {limit: opts.limit})
    }

    try {
      if (spinner) ux.action.start('Listing', 'page 1', {stdout: false})
      const result = await ghcrLs(
        {
          ...(target ? {target} : {}),
          ...(flags.org ? {ownerType: 'organization' as const} : flags.user ? {ownerType: 'user' as const} : {}),
          ...(flags.source ? {source: flags.source} : {}),
          ...(flags.visibility ? {visibility: flags.visibility satisfies PackageVisibility} : {}),
          ...(flags['with-tags'] ? {withTags: true} : {}),
          ...(flags.tagged ? {filter: 'tagged' as const} : flags.untagged ? {filter: 'untagged' as const} : {}),
          ...(flags.limit === undefined ? {} : {limit: flags.limit}),
        },
        {
          token,
          tokenNotes: notes,
          // Octokit is imported here, on first use, not when the command module loads.
          createClient: async () => {
            const {createGitHubClient} = await import('../../lib/github/client.js')
            return createGitHubClient({
              apiUrl: endpoint.apiUrl,
              token,
              timeoutMs: flags.timeout * 1000,
              userAgent,
            })
          },
          tagLister,
          registry: ghcrRegistry(endpoint.host, env['REGCTL_GHCR_REGISTRY']),
          ...(spinner
            ? {
                onProgress: (phase, fetched, total) => {
                  ux.action.status = `${phase === 'pages' ? 'page' : 'tags of package'} ${fetched}${total === undefined ? '' : `/${total}`}`
                },
              }
            : {}),
          onFallback: (reason) => {
            if (spinner) ux.action.stop('falling back')
            // ux.stderr, not logToStderr: the notice is due under --json too (oclif mutes logToStderr there).
            ux.stderr(`${this.config.bin}: the GitHub API cannot be used (${reason}); listing tags through the registry instead`)
          },
        },
      )
      if (spinner && ux.action.running) ux.action.stop('done')
      for (const warning of result.warnings) ux.stderr(`${this.config.bin}: warning: ${warning}`)
      if (!this.jsonEnabled()) this.log(renderGhcrLs(result))
      return result
    } finally {
      if (spinner && ux.action.running) ux.action.stop('failed')
      await registryClient?.close()
    }
  }
}

/**
 * The Docker credential lookup (config.json, credential helpers, DOCKER_AUTH_CONFIG), loaded on
 * first use: it serves the last token source (`ghcr.io` login) and the registry fallback.
 */
function lazyCredentials(env: NodeJS.ProcessEnv): CredentialLookup {
  let lookup: Promise<CredentialLookup> | undefined
  const load = async (): Promise<CredentialLookup> => {
    const [{createCredentialLookup}, {configPath}, {readTextFile, runHelperProcess}] = await Promise.all([
      import('../../lib/credentials/store.js'),
      import('../../lib/credentials/docker-config.js'),
      import('../../lib/credentials/node-io.js'),
    ])
    const nonEmpty = (name: string): string | undefined => (env[name] ? env[name] : undefined)
    const dockerConfig = nonEmpty('DOCKER_CONFIG')
    const home = nonEmpty('HOME')
    const dockerAuthConfig = nonEmpty('DOCKER_AUTH_CONFIG')
    return createCredentialLookup({
      configPath: configPath({...(dockerConfig ? {DOCKER_CONFIG: dockerConfig} : {}), ...(home ? {HOME: home} : {})}, homedir()),
      ...(dockerAuthConfig ? {dockerAuthConfig} : {}),
      readFile: readTextFile,
      runHelper: runHelperProcess,
      helperEnv: env,
    })
  }

  return async (registry) => (await (lookup ??= load()))(registry)
}

/**
 * The container registry of a GitHub host: ghcr.io for github.com, `containers.HOST` for GitHub
 * Enterprise Server (its subdomain isolation layout). `REGCTL_GHCR_REGISTRY` overrides it.
 */
function ghcrRegistry(host: string, override: string | undefined): string {
  if (override) return override
  return host === 'github.com' ? 'ghcr.io' : `containers.${host}`
}
