import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand, deadlineFlag} from '../../base-command.js'
import {checkKeyring, checkLoginArguments, loginGitHub, parseTokenInput, type AuthLoginResult} from '../../lib/github/login.js'
import {renderLogin} from '../../render/auth-login.js'
import {commandHelp} from '../../help-text.js'

export type {AuthLoginResult} from '../../lib/github/login.js'

export default class AuthLogin extends BaseCommand {
  static override args = {
    provider: Args.string({description: 'What to log in to (only "github" for now)', required: true}),
  }

  static override description = commandHelp(`Store a GitHub token in the OS keyring for regctl's GitHub API calls

The token is read from stdin when stdin is not a terminal, otherwise from a hidden prompt; never
from an argument (arguments land in shell history and process lists). Before storing, regctl asks
GitHub who the token belongs to, its scopes and its expiry (skip with --no-verify). It is stored in
the OS keyring (the Secret Service on Linux) under service "regctl", account = the GitHub host,
where ghcr ls and auth status find it after --token, GH_TOKEN and GITHUB_TOKEN.

Without a usable keyring (a headless machine, a locked keyring) it stops before asking for the
token: set GH_TOKEN instead, or pass --insecure-storage to keep the token in a plain-text file
(mode 0600) in $XDG_CONFIG_HOME/regctl/ (default ~/.config/regctl/), as gh does. That file is read
before the keyring; auth status reports it as a finding, and auth logout removes it.`)

  static override enableJsonFlag = true

  static override examples = [
    {description: 'Store the token gh already has', command: 'gh auth token | <%= config.bin %> auth login github'},
    {description: 'Paste a classic PAT at a hidden prompt', command: '<%= config.bin %> auth login github'},
    {description: 'GitHub Enterprise Server', command: '<%= config.bin %> auth login github --hostname ghe.example.com < token.txt'},
    {description: 'Store without asking GitHub first (offline)', command: '<%= config.bin %> auth login github --no-verify < token.txt'},
    {description: 'A machine without a keyring (headless): a 0600 file instead', command: 'gh auth token | <%= config.bin %> auth login github --insecure-storage'},
  ]

  static override flags = {
    deadline: deadlineFlag,
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
    'insecure-storage': Flags.boolean({description: 'Store the token in a plain-text file (mode 0600) instead of the OS keyring'}),
    verify: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Ask GitHub about the token before storing it (--no-verify to skip)',
    }),
  }

  // Extra arguments are refused by hand so that a token passed by mistake is never echoed back.
  static override strict = false

  static override usage = 'auth login github [--hostname HOST] [--no-verify] [--insecure-storage] [--json] < token'

  public async run(): Promise<AuthLoginResult> {
    const {args, argv, flags} = await this.parse(AuthLogin)
    checkLoginArguments(args.provider, (argv as string[]).slice(1))
    const [{createIntrospect, createKeyring, createTokenFileStore, githubEndpoint, tokenEnvironment}, {readTokenInput}] = await Promise.all([
      import('../../runtime/github.js'),
      import('../../runtime/token-input.js'),
    ])
    const endpoint = githubEndpoint(flags.hostname)
    const deadline = this.startDeadline(flags.deadline)
    const work = async (): Promise<Awaited<ReturnType<typeof loginGitHub>>> => {
      const keyring = createKeyring({timeoutSeconds: flags.timeout, deadline})
      // No keyring: say so before asking for the token or spending a GitHub call.
      if (!flags['insecure-storage']) await checkKeyring(keyring, endpoint.host)
      const input = await readTokenInput(`Paste a GitHub token for ${endpoint.host}: `, flags.timeout * 1000)
      return loginGitHub(parseTokenInput(input.text, input), endpoint, {
        introspect: flags.verify ? createIntrospect({timeoutSeconds: flags.timeout, version: this.config.version, deadline}) : undefined,
        keyring,
        tokenFile: createTokenFileStore(),
        storage: flags['insecure-storage'] ? 'insecure-file' : 'keyring',
        env: tokenEnvironment(),
      })
    }

    // Under --deadline the whole login (keyring, stdin, GitHub, the store) is bounded.
    const {result, kindShort} = await this.boundByDeadline(work(), 'auth login', 'whether the token was stored is undetermined; auth status shows it')
    this.logToStderr(renderLogin(result, kindShort))
    return result
  }
}
