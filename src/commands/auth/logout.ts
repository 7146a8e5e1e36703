import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../lib/errors.js'
import {resolveApiBaseUrl} from '../../lib/github/api-url.js'
// keyring.ts loads the native @napi-rs/keyring module only when an entry is first touched.
import {createKeyringStore, KeyringUnavailableError} from '../../lib/github/keyring.js'
import {KEYRING_SERVICE} from '../../lib/github/token.js'

/** The JSON contract of `regctl auth logout github --json`. */
export type AuthLogoutResult = {
  provider: 'github'
  host: string
  keyring: {service: string; account: string}
  /** True when an entry was deleted; false when there was none (logout is idempotent). */
  removed: boolean
  warnings: string[]
}

export default class AuthLogout extends BaseCommand {
  static override args = {
    provider: Args.string({description: 'What to log out of (only "github" for now)', required: true}),
  }

  static override description = `Remove the GitHub token that "auth login github" stored in the OS keyring

Idempotent: when there is no entry it says so and exits 0. It does not touch GH_TOKEN,
GITHUB_TOKEN, gh's own login or Docker's ghcr.io credential.`

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> auth logout github',
    '<%= config.bin %> auth logout github --hostname ghe.example.com',
    '<%= config.bin %> auth logout github --json',
  ]

  static override flags = {
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
  }

  static override usage = 'auth logout github [--hostname HOST] [--json]'

  public async run(): Promise<AuthLogoutResult> {
    const {args, flags} = await this.parse(AuthLogout)
    if (args.provider !== 'github') throw new UsageError(`unknown provider ${JSON.stringify(args.provider.slice(0, 40))}: only "github" is supported`)

    const env = process.env
    const endpoint = resolveApiBaseUrl({githubApiUrl: env['GITHUB_API_URL'], hostname: flags.hostname, ghHost: env['GH_HOST']})
    let removed: boolean
    try {
      removed = await createKeyringStore().delete(KEYRING_SERVICE, endpoint.host)
    } catch (error) {
      if (error instanceof KeyringUnavailableError) {
        throw new KeyringUnavailableError(`cannot reach the OS keyring, so nothing was removed (${error.message})`, {cause: error})
      }

      throw error
    }

    const warnings: string[] = []
    for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
      if (env[name]?.trim()) warnings.push(`${name} is still set: regctl keeps using it`)
    }

    const result: AuthLogoutResult = {
      provider: 'github',
      host: endpoint.host,
      keyring: {service: KEYRING_SERVICE, account: endpoint.host},
      removed,
      warnings,
    }
    this.logToStderr(
      removed
        ? `✓ Logged out of ${endpoint.host}: removed the token from the OS keyring (service ${KEYRING_SERVICE}, account ${endpoint.host})`
        : `No token for ${endpoint.host} in the OS keyring (service ${KEYRING_SERVICE}, account ${endpoint.host}): nothing to remove`,
    )
    for (const warning of warnings) this.logToStderr(`! ${warning}`)
    return result
  }
}
