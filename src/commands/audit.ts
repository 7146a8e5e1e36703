import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {progressWanted, startProgress, type Progress} from '../runtime/spinner.js'
import {BaseCommand, deadlineFlag} from '../base-command.js'
import {cutByDeadline, DEADLINE_GRACE_MS} from '../lib/deadline.js'
import {inertDeep} from '../lib/sanitize.js'
import type {AuditOptions, AuditReport} from '../lib/checks/audit.js'
import {AUTH_RULES} from '../lib/checks/auth-rules.js'
import {renderAnnotations} from '../render/annotations.js'
import {annotationsFitStdout, AUDIT_FORMATS, renderAuditReport, renderAuditWritten, type AuditFormat} from '../render/audit-report.js'
import {commandHelp} from '../help-text.js'

export type {AuditReport, AuditedImage, PartReport} from '../lib/checks/audit.js'

export default class Audit extends BaseCommand {
  static override args = {
    dir: Args.string({default: '.', description: 'Repository to audit (default: the current directory)'}),
  }

  static override description = commandHelp(`Audit registry credentials, the images a repository uses and its Docker build contexts

Runs three checks concurrently and reports their findings together.

Credentials: the auth status checks of every registry login (--require-scope passes through).

Images: pull-check for the images listed in --images FILE, or else for those the repository
deploys: FROM lines of Dockerfiles (ARG defaults resolved), image: keys of Compose files and their
overrides (with a service's platform:), GitHub Actions workflow containers, services and docker://
steps, and the containers of Kubernetes manifests. An image that cannot be pulled is an error; one
that could not be checked is a warning. Values known only at run time (\${{ }}, variables without
a default) are noted, not checked.

Build context: files that look like secrets in a Dockerfile's build context that no .dockerignore
excludes, COPY . . without a .dockerignore, and credentials in ENV, ARG and RUN lines. Workflows:
a job that pushes to ghcr.io with GITHUB_TOKEN needs permissions: packages: write.

Limits: the walk skips node_modules, .git and --exclude; it stops at depth 16 or 50,000 entries;
files over 1 MiB (Dockerfiles, YAML) are not read. A limit reached is reported as a finding.

Adoption: --write-baseline FILE records today's findings; --baseline FILE then fails only on new
ones. .regctl.yaml at the root holds exclude patterns and rule severities, each with a reason.

Formats: table (default), json, sarif (GitHub code scanning), markdown. In GitHub Actions
(GITHUB_ACTIONS=true) the markdown report is also appended to $GITHUB_STEP_SUMMARY, and
::error/::warning annotations are printed after a table report or when --output is used.`)

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> audit',
    '<%= config.bin %> audit --format sarif --output regctl.sarif',
    '<%= config.bin %> audit --images images.txt --no-context --fail-on warning',
    '<%= config.bin %> audit ./service --context ./service --exclude "test/fixtures" --offline',
    '<%= config.bin %> audit --no-credentials --format markdown >> "$GITHUB_STEP_SUMMARY"',
  ]

  static override flags = {
    format: Flags.option({options: AUDIT_FORMATS, default: 'table' as const, description: 'Report format'})(),
    output: Flags.string({char: 'o', description: 'Write the report to FILE instead of stdout'}),
    'fail-on': Flags.option({options: ['error', 'warning', 'never'] as const, default: 'error' as const, description: 'Lowest finding severity that makes the exit code 1'})(),
    images: Flags.string({description: 'Check the images listed in FILE (one per line, # comments) instead of those the repository uses'}),
    context: Flags.string({description: 'Build context of every Dockerfile (default: the Dockerfile\'s directory)'}),
    exclude: Flags.string({description: 'Leave out paths matching PATTERN (.dockerignore syntax, relative to DIR; repeatable)', multiple: true}),
    'require-scope': Flags.string({description: 'GitHub scope a GHCR token must have (repeatable; passed to the credentials check)', multiple: true}),
    offline: Flags.boolean({default: false, description: 'Do not contact registries or GitHub (images are listed, not checked)'}),
    'no-credentials': Flags.boolean({default: false, description: 'Skip the credentials check'}),
    'no-images': Flags.boolean({default: false, description: 'Skip the image check'}),
    'no-context': Flags.boolean({default: false, description: 'Skip the build-context check'}),
    platform: Flags.string({description: 'Platform to resolve image indexes for, os/arch[/variant], arch or os (default: DOCKER_DEFAULT_PLATFORM, else this machine)', env: 'DOCKER_DEFAULT_PLATFORM'}),
    'insecure-registry': Flags.string({description: 'Registry (host[:port]) that may be reached over plain HTTP or unverified TLS', multiple: true}),
    concurrency: Flags.integer({default: 8, min: 1, max: 64, description: 'Images checked at the same time'}),
    quiet: Flags.boolean({char: 'q', description: 'Print only the findings, one per line: rule id, a tab, the location (instead of --format/--output)'}),
    baseline: Flags.string({description: 'Findings recorded in FILE (by --write-baseline) are reported as baselined and do not fail the run'}),
    'write-baseline': Flags.string({description: 'Record today\'s findings in FILE (by stable fingerprint) and exit 0'}),
    'no-config': Flags.boolean({default: false, description: 'Ignore the repository config file (.regctl.yaml)'}),
    deadline: deadlineFlag,
  }

  static override usage = 'audit [DIR] [--format table|json|sarif|markdown] [--output FILE] [--fail-on error|warning|never] [--images FILE] [--context DIR] [--exclude PATTERN]... [--offline]'

  public async run(): Promise<AuditReport> {
    const {args, flags} = await this.parse(Audit)
    // Heavy modules (undici, the credential store) load only when there is work to do.
    const [{createAuditWiring}, {audit, auditRules}, {appendText, writeFlagFile}, {renderBaseline}] = await Promise.all([
      import('../runtime/audit.js'),
      import('../lib/checks/audit.js'),
      import('../runtime/files.js'),
      import('../lib/checks/baseline.js'),
    ])
    const deadline = this.startDeadline(flags.deadline)
    const wiring = await createAuditWiring({
      deadline,
      dir: args.dir,
      parts: {credentials: !flags['no-credentials'], images: !flags['no-images'], context: !flags['no-context']},
      offline: flags.offline,
      failOn: flags['fail-on'],
      imagesFile: flags.images,
      context: flags.context,
      exclude: flags.exclude,
      platform: flags.platform,
      insecureRegistries: flags['insecure-registry'] ?? [],
      concurrency: flags.concurrency,
      requiredScopes: flags['require-scope'] ?? [],
      timeoutSeconds: flags.timeout,
      version: this.config.version,
      baselineFile: flags.baseline,
      noConfig: flags['no-config'],
    })
    // Progress on a terminal for a wait over a second: entries walked and images checked, erased when done.
    const progress = startProgress(progressWanted({json: this.jsonEnabled(), quiet: flags.quiet, verbose: flags.verbose}), 'Auditing', 'starting')
    let report: AuditReport
    try {
      const work = audit(progress ? withProgress(wiring.options, progress) : wiring.options)
      report = deadline ? await deadline.bound(work, () => 'audit', DEADLINE_GRACE_MS) : await work
    } finally {
      progress?.stop()
      await wiring.close()
    }

    report.exitCode = this.settleDeadline(report.exitCode, () => ({
      done: report.images.filter((image) => !cutByDeadline(image, deadline?.seconds ?? 0)).length,
      total: report.images.length,
      unit: 'images',
    }))

    const {ci} = wiring
    const context = {rules: auditRules(AUTH_RULES), toolVersion: this.config.version, srcRoot: ci.repoRoot, pathPrefix: ci.pathPrefix, defaultLocation: ci.defaultLocation}
    // Findings quote Dockerfile lines, registry messages, file names: every human format (table,
    // markdown, annotations, SARIF's text) gets one inert line per string; `--format json` and
    // `--json` get the data as it is (JSON escapes control characters). Made on first use: a
    // `--format json` run outside GitHub Actions needs none, after its last response.
    let inert: AuditReport | undefined
    const shown = (): AuditReport => (inert ??= inertDeep(report))
    const render = (format: AuditFormat): string => renderAuditReport(format === 'json' ? report : shown(), format, context)
    if (flags.output === undefined && this.jsonEnabled()) {
      // `--json`: oclif prints the returned report, and this.log would print nothing, so no human
      // format is rendered (a table of every finding, after the last response, thrown away).
    } else if (flags.quiet) {
      const {renderAuditQuiet} = await import('../render/audit.js')
      const lines = renderAuditQuiet(shown())
      if (lines !== '') this.log(lines)
    } else if (flags.output === undefined) {
      if (flags.format === 'table') {
        this.log(renderAuditReport(shown(), 'table', {...context, style: this.outputStyle(flags)}).replace(/\n$/, ''))
      } else {
        this.log(render(flags.format).replace(/\n$/, ''))
      }
    } else {
      await writeFlagFile('--output', flags.output, render(flags.format))
      this.logToStderr(renderAuditWritten(report, flags.format, flags.output))
    }

    if (ci.stepSummary !== undefined) {
      const failure = await appendText(ci.stepSummary, `${render('markdown')}\n`)
      if (failure !== undefined) this.logToStderr(`regctl audit: cannot append to GITHUB_STEP_SUMMARY: ${failure}`)
    }

    if (ci.active && !flags.quiet && annotationsFitStdout({json: this.jsonEnabled(), format: flags.format, toFile: flags.output !== undefined})) {
      const annotations = renderAnnotations(shown().findings, {pathPrefix: ci.pathPrefix})
      if (annotations !== '') this.log(annotations.replace(/\n$/, ''))
    }

    const baselineFile = flags['write-baseline']
    if (baselineFile !== undefined) {
      await writeFlagFile('--write-baseline', baselineFile, renderBaseline(report.findings))
      this.logToStderr(`regctl audit: baseline of ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} written to ${baselineFile}`)
      // Recording the baseline is the purpose of the run: it succeeds.
      report.exitCode = 0
    }

    process.exitCode = report.exitCode
    return report
  }
}

/** The audit's options with its file walk and its image checks counted into `progress`. */
function withProgress(options: AuditOptions, progress: Progress): AuditOptions {
  let entries = 0
  let images = ''
  const show = (): void => progress.update(`${entries} ${entries === 1 ? 'entry' : 'entries'} scanned${images}`)
  return {
    ...options,
    fs: {
      ...options.fs,
      async readdir(path) {
        const listed = await options.fs.readdir(path)
        entries += listed.length
        show()
        return listed
      },
    },
    ...(options.pull
      ? {
          pull: {
            ...options.pull,
            onProgress(done, total) {
              images = `, ${done}/${total} ${total === 1 ? 'image' : 'images'} checked`
              show()
            },
          },
        }
      : {}),
  }
}
