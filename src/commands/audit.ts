import {Args, type Config, Flags} from '@oclif/core'
import {appendFile, readFile, stat, writeFile} from 'node:fs/promises'
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {BaseCommand} from '../base-command.js'
import type {AuditImage, AuditReport, CredentialsAudit} from '../lib/checks/audit.js'
import {AUTH_RULES} from '../lib/checks/auth-rules.js'
import type {FindingLocation} from '../lib/checks/finding.js'
import {UsageError} from '../lib/errors.js'
import {defaultPlatform, parsePlatform} from '../lib/platform.js'
import {parseReferenceList} from '../lib/reference-list.js'
import {renderAnnotations} from '../render/annotations.js'
import {renderAuditTable} from '../render/audit.js'
import {renderMarkdown} from '../render/markdown.js'
import {renderSarif} from '../render/sarif.js'

export type {AuditReport, AuditedImage, PartReport} from '../lib/checks/audit.js'

const FORMATS = ['table', 'json', 'sarif', 'markdown'] as const
type Format = (typeof FORMATS)[number]

export default class Audit extends BaseCommand {
  static override args = {
    dir: Args.string({default: '.', description: 'Repository to audit (default: the current directory)'}),
  }

  static override description = `Audit registry credentials, the images a repository uses and its Docker build contexts

Runs three checks concurrently and reports their findings together.

Credentials: the auth status checks of every registry login (--require-scope passes through).

Images: pull-check for the images listed in --images FILE, or else for the FROM lines of the
repository's Dockerfiles (ARG defaults resolved) and the image: keys of its Compose files. An
image that cannot be pulled is an error; one that could not be checked is a warning.

Build context: files that look like secrets in a Dockerfile's build context that no .dockerignore
excludes, COPY . . without a .dockerignore, and tokens in ENV or ARG.

Formats: table (default), json, sarif (GitHub code scanning), markdown. In GitHub Actions
(GITHUB_ACTIONS=true) the markdown report is also appended to $GITHUB_STEP_SUMMARY, and
::error/::warning annotations are printed after a table report or when --output is used.

Exit codes: 0 no finding at or above --fail-on; 1 a finding reaches it; 2 usage error or a
malformed config file.`

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> audit',
    '<%= config.bin %> audit --format sarif --output regctl.sarif',
    '<%= config.bin %> audit --images images.txt --no-context --fail-on warning',
    '<%= config.bin %> audit ./service --context ./service --exclude "test/fixtures" --offline',
    '<%= config.bin %> audit --no-credentials --format markdown >> "$GITHUB_STEP_SUMMARY"',
  ]

  static override flags = {
    format: Flags.option({options: FORMATS, default: 'table' as const, description: 'Report format'})(),
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
    platform: Flags.string({description: 'Platform to resolve image indexes for, os/arch[/variant] (default: this machine)'}),
    'insecure-registry': Flags.string({description: 'Registry (host[:port]) that may be reached over plain HTTP or unverified TLS', multiple: true}),
    concurrency: Flags.integer({default: 8, min: 1, max: 64, description: 'Images checked at the same time'}),
  }

  static override usage = 'audit [DIR] [--format table|json|sarif|markdown] [--output FILE] [--fail-on error|warning|never] [--images FILE] [--context DIR] [--exclude PATTERN]... [--offline]'

  public async run(): Promise<AuditReport> {
    const {args, flags} = await this.parse(Audit)
    const env = process.env
    const root = resolve(args.dir)
    if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new UsageError(`${args.dir}: no such directory`)
    const images = flags.images === undefined ? undefined : await readImages(root, flags.images)
    const context = flags.context === undefined ? undefined : contextWithin(root, flags.context)
    const parts = {credentials: !flags['no-credentials'], images: !flags['no-images'], context: !flags['no-context']}
    const checkImages = parts.images && !flags.offline

    // Heavy modules (undici, the credential store) load only when there is work to do.
    const [{audit}, {nodeRepoFs}] = await Promise.all([import('../lib/checks/audit.js'), import('../lib/node-fs.js')])
    const runtime = checkImages
      ? await (await import('../runtime.js')).createRuntime({
          insecureRegistries: flags['insecure-registry'] ?? [],
          timeoutSeconds: flags.timeout,
          version: this.config.version,
        })
      : undefined
    let report: AuditReport
    try {
      report = await audit({
        root,
        fs: nodeRepoFs,
        parts,
        offline: flags.offline,
        images,
        scan: {
          ...(flags.exclude ? {exclude: flags.exclude} : {}),
          ...(context === undefined ? {} : {contextFor: () => context}),
        },
        pull: runtime
          ? {
              client: runtime.client,
              credentials: runtime.credentials,
              concurrency: flags.concurrency,
              platform: flags.platform ? parsePlatform(flags.platform) : defaultPlatform(process.platform, process.arch, armVersion()),
            }
          : undefined,
        credentials: parts.credentials
          ? credentialsAudit(this.config, {
              offline: flags.offline,
              requiredScopes: flags['require-scope'] ?? [],
              insecureRegistries: flags['insecure-registry'] ?? [],
              timeoutSeconds: flags.timeout,
            })
          : undefined,
        failOn: flags['fail-on'],
      })
    } finally {
      await runtime?.close()
    }

    const rules = (await import('../lib/checks/audit.js')).auditRules(AUTH_RULES)
    const render = (format: Format): string => {
      switch (format) {
        case 'json': {
          return `${JSON.stringify(report, null, 2)}\n`
        }

        case 'sarif': {
          const defaultLocation = workflowLocation(env, root)
          return renderSarif(report.findings, rules, {toolVersion: this.config.version, srcRoot: root, ...(defaultLocation ? {defaultLocation} : {})})
        }

        case 'markdown': {
          return renderMarkdown({findings: report.findings, rules, images: report.images.flatMap((i) => (i.location ? [{image: i.image, location: i.location}] : []))})
        }

        case 'table': {
          return `${renderAuditTable(report)}\n`
        }
      }
    }

    if (flags.output !== undefined) {
      await writeFile(flags.output, render(flags.format))
      const {error, warning, note} = report.summary.findings
      this.logToStderr(`regctl audit: ${error} errors, ${warning} warnings, ${note} notes; ${flags.format} report written to ${flags.output}`)
    } else {
      // this.log is silenced under --json, where oclif prints the returned report instead.
      this.log(render(flags.format).replace(/\n$/, ''))
    }

    if (env['GITHUB_ACTIONS'] === 'true') {
      const summary = env['GITHUB_STEP_SUMMARY']
      if (summary) {
        try {
          await appendFile(summary, `${render('markdown')}\n`)
        } catch (error) {
          this.logToStderr(`regctl audit: cannot append to GITHUB_STEP_SUMMARY: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
        }
      }

      // Annotations are workflow commands on stdout: after a table they are harmless, but inside
      // a JSON or SARIF document on stdout they would corrupt it, so they appear only when
      // stdout holds a table or nothing (--output).
      const stdoutIsFree = !this.jsonEnabled() && (flags.format === 'table' || flags.output !== undefined)
      const annotations = renderAnnotations(report.findings)
      if (stdoutIsFree && annotations !== '') this.log(annotations.replace(/\n$/, ''))
    }

    process.exitCode = report.exitCode
    return report
  }
}

/**
 * The credentials part: exactly `regctl auth status --json --fail-on never` (same credential
 * sources, live checks, GitHub introspection and keyring wiring), whose findings — about files and
 * helpers, and per registry — join the audit's. The auth status command is run in-process
 * through its class rather than re-implementing its environment wiring here (that wiring is
 * private to src/commands/auth/status.ts; moving it to src/runtime.ts would let this call
 * `authStatus` directly). Under `--json` it prints nothing; its exit code is restored.
 */
function credentialsAudit(
  config: Config,
  options: {offline: boolean; requiredScopes: string[]; insecureRegistries: string[]; timeoutSeconds: number},
): CredentialsAudit {
  return async () => {
    const {default: AuthStatus} = await import('./auth/status.js')
    const argv = [
      '--json',
      '--fail-on',
      'never',
      '--timeout',
      String(options.timeoutSeconds),
      ...(options.offline ? ['--offline'] : []),
      ...options.requiredScopes.flatMap((scope) => ['--require-scope', scope]),
      ...options.insecureRegistries.flatMap((registry) => ['--insecure-registry', registry]),
    ]
    const exitCode = process.exitCode
    try {
      const result = await new AuthStatus(argv, config).run()
      return {findings: [...result.findings, ...result.registries.flatMap((registry) => registry.findings)]}
    } finally {
      process.exitCode = exitCode
    }
  }
}

/** Reads `--images FILE`; each entry is located at its line when the file is inside the root. */
async function readImages(root: string, file: string): Promise<AuditImage[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read --images ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }

  const path = inside(root, resolve(file))
  return parseReferenceList(text).map(({line, input}) => ({image: input, ...(path === undefined ? {} : {location: {file: path, line}})}))
}

/** `target` relative to `root` with `/` separators, or undefined when it lies outside. */
function inside(root: string, target: string): string | undefined {
  const rel = relative(root, target)
  if (rel === '') return ''
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined
  return rel.split(sep).join('/')
}

/** `--context DIR` as a path relative to the audited root; it must lie inside it. */
function contextWithin(root: string, dir: string): string {
  const rel = inside(root, resolve(dir))
  if (rel === undefined) throw new UsageError(`--context ${dir} is outside the audited directory ${root}`)
  return rel
}

/**
 * Where SARIF results without a file go in GitHub Actions: the workflow file that ran the audit
 * (from GITHUB_WORKFLOW_REF, `owner/repo/.github/workflows/x.yml@ref`), so credential findings show
 * in code scanning; only when the audited root is the checkout (GITHUB_WORKSPACE).
 */
function workflowLocation(env: NodeJS.ProcessEnv, root: string): FindingLocation | undefined {
  const ref = env['GITHUB_WORKFLOW_REF']
  const workspace = env['GITHUB_WORKSPACE']
  if (env['GITHUB_ACTIONS'] !== 'true' || !ref || !workspace || resolve(workspace) !== root) return undefined
  const match = /^[^/]+\/[^/]+\/(\.github\/workflows\/[^@]+)@/.exec(ref)
  return match?.[1] ? {file: match[1]} : undefined
}

function armVersion(): string | undefined {
  const value = (process.config.variables as Record<string, unknown>)['arm_version']
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}
