import * as Flags from '@oclif/core/flags'

import {BaseCommand, deadlineFlag} from '../base-command.js'
import {cutByDeadline, DEADLINE_GRACE_MS} from '../lib/deadline.js'
import {readFlagFile} from '../runtime/files.js'
import {progressWanted, startProgress} from '../runtime/spinner.js'
import type {PullCheckResult} from '../lib/checks/pull-check.js'
import {UsageError} from '../lib/errors.js'
import {inertDeep} from '../lib/sanitize.js'
import {parsePlatform} from '../lib/platform.js'
import {plural} from '../lib/grammar.js'
import {parseReferenceList} from '../lib/reference-list.js'
import {pullCheckNotes, renderPullCheck, renderPullCheckQuiet} from '../render/pull-check.js'
import {commandHelp} from '../help-text.js'

export type {ImageCheck, PullCheckResult, Verdict} from '../lib/checks/pull-check.js'

export default class PullCheck extends BaseCommand {
  static override description = commandHelp(`Check that images can be pulled from here, with the credentials you have, right now

Resolves each reference the way docker does (credentials from the Docker config, credential
helpers, the registry's token auth) and asks the registry for the manifest with HEAD requests.
An index is resolved for --platform.

Docker Hub pull quota: Docker Hub counts a GET of a manifest as a pull; HEAD requests are free. A
check costs nothing for a single-platform image, and one pull when the image is an index
(multi-arch: one GET of the index to choose the platform), when --platform is given for a
single-platform image (one GET of its manifest to read the platform), or when the tag or
repository is missing (one GET to tell which). --all-platforms adds HEAD requests only; --blobs
GETs each checked manifest (one pull each) to list its blobs, which it HEADs.

Verdicts: pullable, invalid-reference, unauthorized, denied, not-found, platform-missing,
rate-limited, unreachable, registry-error.`)

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> pull-check alpine',
    '<%= config.bin %> pull-check ghcr.io/acme/api:1.4 ghcr.io/acme/web@sha256:0123…',
    '<%= config.bin %> pull-check --platform linux/arm64 node:20',
    '<%= config.bin %> pull-check --all-platforms --blobs registry.example.com/team/app:2.0',
    {description: 'Pin an image for a FROM line', command: '<%= config.bin %> pull-check -q --digest node:24-slim'},
    'grep -h "^FROM" */Dockerfile | cut -d" " -f2 | <%= config.bin %> pull-check -f - --json',
  ]

  static override flags = {
    'all-platforms': Flags.boolean({description: 'Every platform manifest of an index must resolve'}),
    blobs: Flags.boolean({description: 'Also HEAD the config and every layer blob of the checked manifests'}),
    concurrency: Flags.integer({default: 8, description: 'Images checked at the same time', max: 64, min: 1}),
    deadline: deadlineFlag,
    file: Flags.string({char: 'f', description: 'Read references from a file, one per line (# comments); - for stdin'}),
    'insecure-registry': Flags.string({
      description: 'Registry (host[:port]) that may be reached over plain HTTP or unverified TLS',
      multiple: true,
    }),
    quiet: Flags.boolean({char: 'q', description: 'Print only the references that are pullable, one per line; problems go to stderr'}),
    digest: Flags.boolean({description: 'With -q, print each reference pinned to its digest: REF@sha256:…', dependsOn: ['quiet']}),
    platform: Flags.string({
      description: 'Platform to resolve indexes for, os/arch[/variant], arch (linux/arch) or os (this machine\'s arch); default DOCKER_DEFAULT_PLATFORM, else this machine; when given, single-platform images must match it too',
      env: 'DOCKER_DEFAULT_PLATFORM',
    }),
  }

  static override strict = false

  static override usage = 'pull-check IMAGE... [-f FILE] [--platform os/arch[/variant]] [--all-platforms] [--blobs] [-q [--digest]] [--json]'

  public async run(): Promise<PullCheckResult> {
    const {argv, flags} = await this.parse(PullCheck)
    const inputs = (argv as string[]).slice()
    if (flags.file) inputs.push(...parseReferenceList(await readFlagFile('--file', flags.file, {stdin: true})).map((entry) => entry.input))
    if (inputs.length === 0) throw new UsageError('no image given: name one or more images, or use --file')

    // Heavy modules (undici, the credential store) load only when there is work to do.
    const [{createRuntime}, {machinePlatform}, {pullCheck, warningsBesideVerdicts}] = await Promise.all([
      import('../runtime/registry.js'),
      import('../runtime/environment.js'),
      import('../lib/checks/pull-check.js'),
    ])
    const platform = flags.platform ? parsePlatform(flags.platform, machinePlatform()) : machinePlatform()
    const deadline = this.startDeadline(flags.deadline)
    const runtime = await createRuntime({
      insecureRegistries: flags['insecure-registry'] ?? [],
      timeoutSeconds: flags.timeout,
      version: this.config.version,
      deadline,
    })
    // Progress on a terminal for a wait over a second: `⣾ Checking images… 3/10`, erased when done.
    const progress = startProgress(progressWanted({json: this.jsonEnabled(), quiet: flags.quiet, verbose: flags.verbose}), 'Checking images', `0/${new Set(inputs).size}`)
    try {
      const work = pullCheck(inputs, {
        allPlatforms: flags['all-platforms'],
        blobs: flags.blobs,
        client: runtime.client,
        concurrency: flags.concurrency,
        credentials: runtime.credentials,
        credentialWarnings: (registry) => runtime.credentialWarnings(registry),
        platform,
        platformExplicit: flags.platform !== undefined,
        onProgress: progress && ((done, total) => progress.update(`${done}/${total}`)),
      })
      const result = await (deadline ? deadline.bound(work, () => `pull-check of ${plural(inputs.length, 'image')}`, DEADLINE_GRACE_MS) : work).finally(() => progress?.stop())
      result.exitCode = this.settleDeadline(result.exitCode, () => ({
        done: result.images.filter((image) => !cutByDeadline(image, flags.deadline ?? 0)).length,
        total: result.images.length,
        unit: 'images',
      }))
      if (!this.jsonEnabled()) {
        // Registry messages, references from -f: one inert line each before they are printed.
        const shown = inertDeep(result)
        // Said once: a helper failure that made images credential-error is in their notes, with its fix.
        for (const warning of inertDeep(warningsBesideVerdicts(result, (registry) => runtime.credentialWarnings(registry)))) this.logToStderr(`Warning: ${warning}`)
        const style = this.outputStyle(flags)
        if (flags.quiet) {
          const references = renderPullCheckQuiet(shown, flags.digest)
          if (references !== '') this.log(references)
          for (const line of pullCheckNotes(shown)) this.logToStderr(line)
        } else {
          this.printRendered(renderPullCheck(shown, style), style)
        }
      }

      process.exitCode = result.exitCode
      return result
    } finally {
      progress?.stop()
      await runtime.close()
    }
  }
}
