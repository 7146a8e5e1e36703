import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ux} from '@oclif/core/ux'

import {BaseCommand, deadlineFlag} from '../../base-command.js'
import {deadlineSummary} from '../../lib/deadline.js'
import {inertDeep, inertLine} from '../../lib/sanitize.js'
import {DeadlineError} from '../../lib/errors.js'
import type {GitHubClient} from '../../lib/github/client.js'
import {progressWanted, startProgress} from '../../runtime/spinner.js'
import {describeAuth, ghcrLs, type GhcrLsRequest} from '../../lib/github/ghcr-ls.js'
import {parsePackagePath, type PackagePath} from '../../lib/github/package-path.js'
import type {GhcrLsResult, PackageVisibility} from '../../lib/github/types.js'
import {renderGhcrLs, renderGhcrLsQuiet, renderGhcrProgress, renderInUseNote} from '../../render/ghcr.js'
import {commandHelp} from '../../help-text.js'

export type {GhcrLsResult} from '../../lib/github/types.js'

export default class GhcrLs extends BaseCommand {
  static override args = {
    target: Args.string({
      description: 'OWNER (a user or organization) or OWNER/PACKAGE; omit for your own packages',
      required: false,
    }),
  }

  static override description = commandHelp(`List container packages on GHCR, or the versions of one package

Uses the GitHub Packages REST API, which needs a classic token with read:packages. The token comes from --token, GH_TOKEN, GITHUB_TOKEN, the plain-text file of auth login github --insecure-storage, the OS keyring (service regctl, account = host) or the ghcr.io Docker login, in that order. The API is GITHUB_API_URL, else --hostname or GH_HOST (GitHub Enterprise Server), else api.github.com.

For OWNER/PACKAGE, when the API cannot be used (no token, or a token GitHub refuses for packages, e.g. its 400 "Invalid argument." for a fine-grained or GitHub App token), the tags are listed through the registry instead, and the output says so.

--untagged lists only the untagged versions that no tag uses. The platform and attestation manifests of a multi-platform image are untagged versions too, and deleting them breaks its tag; so the manifest of every tagged version is read from the registry (with the Docker credentials of ghcr.io, as --source registry), and every untagged version a tagged index names is left out (JSON: inUseByTags, with the tags that use it). If a tagged manifest cannot be read, or GitHub's 10,000-version window cuts the listing, nothing is listed and the exit code is 3.`)

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
    untagged: Flags.boolean({description: 'Only versions without tags that no tagged index uses (safe to delete as far as tags go)', exclusive: ['tagged']}),
    limit: Flags.integer({description: 'Stop after N packages, versions or tags', min: 1}),
    source: Flags.option({
      options: ['api', 'registry'] as const,
      description: 'Where to list from (default: the API, falling back to the registry for OWNER/PACKAGE)',
    })(),
    quiet: Flags.boolean({char: 'q', description: 'Print only package names, version digests or tags, one per line'}),
    token: Flags.string({description: 'GitHub token (prefer GH_TOKEN: flags show up in process lists)'}),
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
    deadline: deadlineFlag,
  }

  public async run(): Promise<GhcrLsResult> {
    const {args, flags} = await this.parse(GhcrLs)
    // Octokit, undici and the keyring load on first use, not when the command module loads.
    const {createGhcrLsRuntime} = await import('../../runtime/github.js')
    const deadline = this.startDeadline(flags.deadline)
    const github = createGhcrLsRuntime({hostname: flags.hostname, timeoutSeconds: flags.timeout, version: this.config.version, deadline})
    const target = args.target === undefined ? undefined : parsePackagePath(args.target)
    const {token, notes} = await github.resolveToken(flags.token)
    // No token because the deadline cut the keyring's answer: undetermined (exit 3), not "no token" (exit 1).
    if (token === undefined && deadline?.reached()) {
      throw new DeadlineError('ghcr ls', deadline.seconds, deadlineSummary(deadline.seconds, {done: 0, unit: 'GitHub API requests sent'}))
    }

    if (token && !this.jsonEnabled() && flags.source !== 'registry') this.logToStderr(`${this.config.bin}: ${describeAuth(token)}`)

    // The same progress line as the other commands (issue 13): on a terminal only, erased before the listing.
    const progress = startProgress(progressWanted({json: this.jsonEnabled(), quiet: flags.quiet}), 'Listing', 'page 1')
    const deps = github.deps(token)
    let client: GitHubClient | undefined
    try {
      const work = ghcrLs(requestOf(target, flags), {
        ...deps,
        createClient: async () => (client = await deps.createClient()),
        token,
        tokenNotes: notes,
        ...(progress ? {onProgress: (phase, fetched, total) => progress.update(renderGhcrProgress(phase, fetched, total))} : {}),
        onFallback: (reason) => {
          progress?.stop()
          // ux.stderr, not logToStderr: the notice is due under --json too (oclif mutes logToStderr there).
          ux.stderr(`${this.config.bin}: the GitHub API cannot be used (${inertLine(reason)}); listing tags through the registry instead`)
        },
      })
      let result: GhcrLsResult
      try {
        result = deadline ? await deadline.bound(work, () => 'ghcr ls') : await work
      } catch (error) {
        // A listing cut by the deadline is no listing: one line saying how far it got, exit 3.
        if (!(error instanceof DeadlineError)) throw error
        throw new DeadlineError(error.url, error.seconds, deadlineSummary(error.seconds, {done: client?.stats.requests ?? 0, unit: 'GitHub API requests sent'}))
      }

      progress?.stop()
      // Package names, tags and messages from GitHub or the registry: one inert line each. `--json`
      // prints the result as it is (JSON escapes control characters): only its warnings go to stderr.
      for (const warning of result.warnings) ux.stderr(`${this.config.bin}: warning: ${inertLine(warning)}`)
      if (!this.jsonEnabled()) {
        const shown = inertDeep(result)
        const inUse = shown.kind === 'versions' ? renderInUseNote(shown) : undefined
        if (inUse !== undefined) this.logToStderr(`${this.config.bin}: ${inUse}`)
        const style = this.outputStyle(flags)
        if (flags.quiet) {
          const items = renderGhcrLsQuiet(shown)
          if (items !== '') this.log(items)
        } else {
          this.printRendered(renderGhcrLs(shown, style), style)
        }
      }
      return result
    } finally {
      progress?.stop()
      await github.close()
    }
  }
}

/** The listing `ghcr ls` asks for, from its argument and flags. */
function requestOf(
  target: PackagePath | undefined,
  flags: {org: boolean; user: boolean; source?: 'api' | 'registry' | undefined; visibility?: PackageVisibility | undefined; 'with-tags': boolean; tagged: boolean; untagged: boolean; limit?: number | undefined},
): GhcrLsRequest {
  return {
    ...(target ? {target} : {}),
    ...(flags.org ? {ownerType: 'organization' as const} : flags.user ? {ownerType: 'user' as const} : {}),
    ...(flags.source ? {source: flags.source} : {}),
    ...(flags.visibility ? {visibility: flags.visibility} : {}),
    ...(flags['with-tags'] ? {withTags: true} : {}),
    ...(flags.tagged ? {filter: 'tagged' as const} : flags.untagged ? {filter: 'untagged' as const} : {}),
    ...(flags.limit === undefined ? {} : {limit: flags.limit}),
  }
}
