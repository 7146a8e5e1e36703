import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand, deadlineFlag} from '../../base-command.js'
import {UsageError} from '../../lib/errors.js'
import {logoutGitHub, type AuthLogoutResult} from '../../lib/github/login.js'
import {renderLogout} from '../../render/auth-login.js'
import {commandHelp} from '../../help-text.js'

export type {AuthLogoutResult} from '../../lib/github/login.js'

export default class AuthLogout extends BaseCommand {
  static override args = {
    provider: Args.string({description: 'What to log out of (only "github" for now)', required: true}),
  }

  static override description = commandHelp(`Remove the GitHub token that "auth login github" stored in the OS keyring or, with --insecure-storage, in a plain-text file

Idempotent: when there is no entry it says so and exits 0. It does not touch GH_TOKEN,
GITHUB_TOKEN, gh's own login or Docker's ghcr.io credential.`)

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> auth logout github',
    '<%= config.bin %> auth logout github --hostname ghe.example.com',
    '<%= config.bin %> auth logout github --json',
  ]

  static override flags = {
    deadline: deadlineFlag,
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
  }

  static override usage = 'auth logout github [--hostname HOST] [--json]'

  public async run(): Promise<AuthLogoutResult> {
    const {args, flags} = await this.parse(AuthLogout)
    if (args.provider !== 'github') throw new UsageError(`unknown provider ${JSON.stringify(args.provider.slice(0, 40))}: only "github" is supported`)
    const {createKeyring, createTokenFileStore, githubEndpoint, tokenEnvironment} = await import('../../runtime/github.js')
    const deadline = this.startDeadline(flags.deadline)
    // Under --deadline a keyring that never answers (a D-Bus that hangs) cannot hold the run.
    const result = await this.boundByDeadline(
      logoutGitHub(githubEndpoint(flags.hostname).host, {keyring: createKeyring({deadline}), tokenFile: createTokenFileStore(), env: tokenEnvironment()}),
      'auth logout',
      'whether the token was removed is undetermined; auth status shows it',
    )
    this.logToStderr(renderLogout(result))
    return result
  }
}
