/**
 * The `audit` command: every format (JSON against docs/json/audit.schema.json, SARIF against the
 * official 2.1.0 schema), --output, --fail-on exit codes, usage errors, a run under a simulated
 * GitHub Actions environment (step summary + annotations, and stdout left parseable for JSON and
 * SARIF), images checked against a loopback registry, and the self-audit of this repository.
 */
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {Ajv2020} from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import Audit from '../../../src/commands/audit.js'
import type {AuditReport} from '../../../src/lib/checks/audit.js'
import {IMAGE_RULES} from '../../../src/lib/checks/image-rules.js'
import {startServer, type TestServer} from '../registry/harness.js'
import {type CommandOutput, runCommand} from './run-command.js'

const ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')
const REPOS = join(ROOT, 'test/fixtures/repos')
const LEAKY = join(REPOS, 'leaky')
const CLEAN = join(REPOS, 'clean')
/** The fake token in test/fixtures/repos/leaky/Dockerfile: must never be printed whole. */
const LEAKED_TOKEN = `ghp_${'0'.repeat(36)}`

const ajv = new Ajv({allErrors: true, strict: false})
const validateReport = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/json/audit.schema.json'), 'utf8')) as object)
const validateError = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/json/error.schema.json'), 'utf8')) as object)
// The SARIF schema as in test/unit/render/sarif.test.ts: draft 2020 with formats.
const sarifAjv = new Ajv2020({strict: false, allErrors: true})
formats.default(sarifAjv)
const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif-schema/sarif-schema-2.1.0.json'), 'utf8')) as object)

type Run = CommandOutput

/** Environment variables the command reads; cleared for every run unless given. */
const ENV_KEYS = [
  'GITHUB_ACTIONS',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_WORKFLOW_REF',
  'GITHUB_WORKSPACE',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'https_proxy',
  'http_proxy',
  'DOCKER_AUTH_CONFIG',
  'REGISTRY_AUTH_FILE',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'GH_TOKEN',
  'GITHUB_TOKEN',
]

/** A Docker config.json with a plaintext login (for the credentials part). */
const PASSWORD = 'pa55-w0rd-never-printed'
const PLAINTEXT_CONFIG = {auths: {'registry.example.com': {auth: Buffer.from(`ci-bot:${PASSWORD}`).toString('base64')}}}

/**
 * Runs `audit` through the shared runner (test/unit/commands/run-command.ts): an error the command
 * does not handle fails the test instead of being turned into stderr text. Every variable in
 * ENV_KEYS is cleared, HOME is a fresh directory (with `dockerConfig` as its Docker config.json).
 */
async function run(argv: string[], env: Record<string, string | undefined> = {}, dockerConfig?: unknown): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'regctl-audit-home-'))
  if (dockerConfig !== undefined) {
    mkdirSync(join(home, '.docker'))
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(dockerConfig), {mode: 0o600})
  }

  const cleared = Object.fromEntries(ENV_KEYS.map((key) => [key, undefined]))
  let result: Run
  try {
    result = await runCommand(Audit, argv, {
      ...cleared,
      HOME: home,
      DOCKER_CONFIG: join(home, '.docker'),
      REGCTL_NO_KEYRING: '1',
      // No credential helper on PATH: docker's platform default store cannot kick in.
      PATH: '/nonexistent',
      ...env,
    })
  } finally {
    rmSync(home, {recursive: true, force: true})
  }

  expect(`${result.stdout}${result.stderr}`).not.toContain(LEAKED_TOKEN)
  expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD)
  return result
}

function parseReport(stdout: string): AuditReport {
  const report: unknown = JSON.parse(stdout)
  if (!validateReport(report)) throw new Error(`schema: ${ajv.errorsText(validateReport.errors)}`)
  return report as AuditReport
}

type SarifLog = {runs: Array<{tool: {driver: {rules: Array<{id: string}>}}; originalUriBaseIds?: Record<string, {uri: string}>; results: Array<{ruleId: string; level: string; locations?: unknown[]}>}>}

function parseSarif(text: string): SarifLog {
  const log: unknown = JSON.parse(text)
  expect(validateSarif(log) ? [] : validateSarif.errors).toEqual([])
  return log as SarifLog
}

const OFFLINE = ['--offline', '--no-credentials']

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'regctl-audit-'))
})
afterAll(() => {
  rmSync(tmp, {recursive: true, force: true})
  rmSync(ODD_PATHS.dir, {recursive: true, force: true})
})

/** Paths that are not directories, made when the module loads (the `it.each` tables name them). */
const ODD_PATHS = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-audit-odd-'))
  const file = join(dir, 'not-a-dir')
  writeFileSync(file, 'FROM alpine:3.20\n')
  const loop = join(dir, 'loop')
  symlinkSync(join(dir, 'loop-back'), loop)
  symlinkSync(loop, join(dir, 'loop-back'))
  return {dir, file, loop}
})()

/** A fresh directory under the suite's temp dir with these files. */
function repo(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), content)
  }

  return dir
}

describe('audit --format table (default)', () => {
  it('the leaky fixture: parts, images, one block per finding, the verdict line; exit 1', async () => {
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE])
    expect(exitCode).toBe(1)
    expect(stderr).toBe('')
    const lines = stdout.split('\n')
    expect(lines.slice(0, 6)).toEqual([
      `regctl audit ${LEAKY}`,
      '',
      'Credentials   skipped (disabled)',
      'Images        skipped (offline, not contacted)',
      expect.stringMatching(/^Build context 7 findings \(\d+\.\d s\)$/),
      '',
    ])
    expect(stdout).toContain('\nIMAGE            VERDICT   WHERE\nnode:20-alpine   -         Dockerfile:1\n')
    expect(stdout).toContain(
      [
        '✗ error   dockerfile/secret-in-env  Dockerfile:2',
        '          Dockerfile line 2: the default of ARG GH looks like a GitHub classic personal access token (ghp_…0000); it is stored in the image history and in version control',
      ].join('\n'),
    )
    expect(stdout).toContain('! warning context/no-dockerignore  Dockerfile:5')
    expect(lines.at(-2)).toBe('7 findings reported: 6 errors, 1 warning, 0 notes; fails: findings at or above error (exit 1)')
  })

  it('the clean fixture: no findings, exit 0', async () => {
    const {stdout, exitCode} = await run([CLEAN, ...OFFLINE])
    expect(exitCode).toBe(0)
    expect(stdout).toContain('\nNo findings.\n')
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('0 findings reported: 0 errors, 0 warnings, 0 notes; passes --fail-on error')
  })
})

describe('audit --fail-on', () => {
  const warningOnly = (): string => repo('warning-only', {Dockerfile: 'FROM alpine:3.20\nCOPY . /app\n', 'app.txt': 'hello'})

  it.each([
    ['leaky, default (error)', LEAKY, [], 1],
    ['leaky, error', LEAKY, ['--fail-on', 'error'], 1],
    ['leaky, warning', LEAKY, ['--fail-on', 'warning'], 1],
    ['leaky, never', LEAKY, ['--fail-on', 'never'], 0],
    ['clean, warning', CLEAN, ['--fail-on', 'warning'], 0],
  ] as const)('%s → exit %d', async (_name, dir, flags, exitCode) => {
    const result = await run([dir, ...OFFLINE, '--format', 'json', ...flags])
    expect(result.exitCode).toBe(exitCode)
    expect(parseReport(result.stdout).exitCode).toBe(exitCode)
  })

  it.each([
    ['error', 0],
    ['warning', 1],
    ['never', 0],
  ] as const)('only a warning (COPY . without .dockerignore), --fail-on %s → exit %d', async (failOn, exitCode) => {
    const result = await run([warningOnly(), ...OFFLINE, '--fail-on', failOn, '--format', 'json'])
    const report = parseReport(result.stdout)
    expect(report.findings.map((f) => f.ruleId)).toEqual(['context/no-dockerignore'])
    expect(result.exitCode).toBe(exitCode)
  })

  it('rejects an unknown --fail-on value (usage, exit 2)', async () => {
    const result = await run([CLEAN, ...OFFLINE, '--fail-on', 'note'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/Expected --fail-on=note to be one of: error, warning, never/)
  })
})

describe('audit --format json / --json', () => {
  it('prints the report, valid against docs/json/audit.schema.json', async () => {
    const {stdout, exitCode} = await run([LEAKY, ...OFFLINE, '--format', 'json'])
    const report = parseReport(stdout)
    expect(exitCode).toBe(1)
    expect(report).toMatchObject({
      root: LEAKY,
      offline: true,
      failOn: 'error',
      parts: {credentials: {status: 'skipped', reason: 'disabled'}, images: {status: 'skipped', reason: 'offline'}, context: {status: 'ran', findings: 7}},
      images: [{image: 'node:20-alpine', location: {file: 'Dockerfile', line: 1}}],
      summary: {findings: {error: 6, warning: 1, note: 0}, images: {total: 1, unchecked: 1}},
      exitCode: 1,
    })
    expect(report.findings[0]?.severity).toBe('error')
    expect(report.findings.at(-1)?.severity).toBe('warning')
  })

  it('--json prints the same document', async () => {
    const formatRun = await run([LEAKY, ...OFFLINE, '--format', 'json'])
    const jsonRun = await run([LEAKY, ...OFFLINE, '--json'])
    expect([formatRun.exitCode, jsonRun.exitCode]).toEqual([1, 1])
    const viaFormat = parseReport(formatRun.stdout)
    const viaJson = parseReport(jsonRun.stdout)
    expect({...viaJson, durationMs: 0, parts: {}}).toEqual({...viaFormat, durationMs: 0, parts: {}})
  })

  it('under --json a usage error is the error document (exit 2)', async () => {
    const {stdout, exitCode} = await run([CLEAN, ...OFFLINE, '--json', '--images', join(tmp, 'does-not-exist.txt')])
    expect(exitCode).toBe(2)
    const error: unknown = JSON.parse(stdout)
    expect(validateError(error)).toBe(true)
    expect(error).toEqual({exitCode: 2, error: {code: 'USAGE', message: expect.stringMatching(/^cannot read --images .*does-not-exist.txt: no such file or directory$/)}})
  })
})

describe('audit --format sarif / markdown', () => {
  it('SARIF validates against the official 2.1.0 schema and carries every audit rule', async () => {
    // The repository root is GITHUB_WORKSPACE here (else the git top level): URIs are relative to it.
    const {stdout, exitCode} = await run([LEAKY, ...OFFLINE, '--format', 'sarif'], {GITHUB_WORKSPACE: ROOT})
    expect(exitCode).toBe(1)
    const log = parseSarif(stdout)
    const sarifRun = log.runs[0]
    const ruleIds = sarifRun?.tool.driver.rules.map((r) => r.id) ?? []
    for (const rule of IMAGE_RULES) expect(ruleIds).toContain(rule.id)
    expect(ruleIds).toContain('credentials/plaintext')
    expect(ruleIds).toContain('context/secret-not-ignored')
    expect(sarifRun?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${ROOT}/`)
    const uris = sarifRun?.results.map((r) => (r as {locations?: Array<{physicalLocation: {artifactLocation: {uri: string}}}>}).locations?.[0]?.physicalLocation.artifactLocation.uri)
    expect(uris).toContain('test/fixtures/repos/leaky/Dockerfile')
    expect(uris).toContain('test/fixtures/repos/leaky/.env')
    expect(sarifRun?.results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'error', 'error', 'error', 'warning'])
    expect(stdout).toContain('ghp_…0000')
  })

  it('markdown: the step-summary report with the rules\' help', async () => {
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE, '--format', 'markdown'])
    expect(exitCode).toBe(1)
    expect(stderr).toBe('')
    expect(stdout.startsWith('## regctl audit\n\n**6 errors** · **1 warning** · **0 notes**\n')).toBe(true)
    expect(stdout).toContain('| ❌ error | `dockerfile/secret-in-env` | `Dockerfile:2` |')
    expect(stdout).toContain('<details><summary><code>context/no-dockerignore</code>')
    expect(stdout).toContain('| `node:20-alpine` | `Dockerfile:1` |')
  })
})

describe('audit --output', () => {
  it.each(['table', 'json', 'sarif', 'markdown'] as const)('writes the %s report to the file; stdout stays empty', async (fmt) => {
    const file = join(tmp, `report-${fmt}.out`)
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE, '--format', fmt, '--output', file])
    expect(exitCode).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`regctl audit: 6 errors, 1 warning, 0 notes; ${fmt} report written to ${file}\n`)
    const text = readFileSync(file, 'utf8')
    if (fmt === 'json') parseReport(text)
    if (fmt === 'sarif') parseSarif(text)
    if (fmt === 'markdown') expect(text).toMatch(/^## regctl audit\n/)
    if (fmt === 'table') expect(text).toMatch(/^regctl audit /)
  })
})

describe('audit in GitHub Actions (GITHUB_ACTIONS=true)', () => {
  const actionsEnv = (summary: string): Record<string, string> => ({GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: LEAKY})

  it('table: appends the markdown report to the step summary and prints annotations after the report', async () => {
    const summary = join(tmp, 'summary-table.md')
    writeFileSync(summary, '# earlier step\n')
    const {stdout, exitCode} = await run([LEAKY, ...OFFLINE], actionsEnv(summary))
    expect(exitCode).toBe(1)
    const written = readFileSync(summary, 'utf8')
    expect(written.startsWith('# earlier step\n## regctl audit\n\n**6 errors** · **1 warning** · **0 notes**')).toBe(true)
    expect(written).not.toContain(LEAKED_TOKEN)

    const report = stdout.indexOf('6 errors, 1 warning, 0 notes')
    const annotations = stdout.split('\n').filter((line) => line.startsWith('::'))
    expect(report).toBeGreaterThan(0)
    expect(stdout.indexOf('::error ')).toBeGreaterThan(report)
    expect(annotations).toHaveLength(7)
    expect(annotations).toContain(
      '::error file=Dockerfile,line=2,title=dockerfile/secret-in-env::Dockerfile line 2: the default of ARG GH looks like a GitHub classic personal access token (ghp_…0000); it is stored in the image history and in version control%0AFix: Remove the value and revoke the GitHub classic personal access token; pass it at build time with RUN --mount=type=secret,id=gh and docker build --secret id=gh,env=GH.',
    )
    expect(annotations.filter((a) => a.startsWith('::warning file=Dockerfile,line=5,title=context/no-dockerignore::'))).toHaveLength(1)
  })

  it('auditing a subdirectory: annotations are relative to the repository root (GITHUB_WORKSPACE), not the audited folder', async () => {
    const {stdout, exitCode} = await run([LEAKY, ...OFFLINE], {...actionsEnv(join(tmp, 'summary-sub.md')), GITHUB_WORKSPACE: ROOT})
    expect(exitCode).toBe(1)
    const annotations = stdout.split('\n').filter((line) => line.startsWith('::'))
    expect(annotations.filter((a) => a.startsWith('::error file=test/fixtures/repos/leaky/.env,'))).toHaveLength(1)
    expect(annotations.some((a) => a.startsWith('::error file=.env,'))).toBe(false)
  })

  it.each(['json', 'sarif'] as const)('--format %s on stdout: no annotation corrupts the document; the summary is still written', async (fmt) => {
    const summary = join(tmp, `summary-${fmt}.md`)
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE, '--format', fmt], actionsEnv(summary))
    expect(exitCode).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).not.toContain('::error')
    if (fmt === 'json') parseReport(stdout)
    else parseSarif(stdout)
    expect(readFileSync(summary, 'utf8')).toMatch(/^## regctl audit\n/)
  })

  it('--format sarif --output FILE: SARIF in the file, annotations on stdout, credential findings anchored to the workflow', async () => {
    const summary = join(tmp, 'summary-sarif-output.md')
    const file = join(tmp, 'actions.sarif')
    const {stdout, exitCode} = await run([LEAKY, ...OFFLINE, '--format', 'sarif', '--output', file], {
      ...actionsEnv(summary),
      GITHUB_WORKSPACE: LEAKY,
      GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/audit.yml@refs/heads/main',
    })
    expect(exitCode).toBe(1)
    parseSarif(readFileSync(file, 'utf8'))
    expect(stdout.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(7)
    expect(stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::'))).toEqual([])
  })

  it('--json: stdout is the JSON document only', async () => {
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE, '--json'], actionsEnv(join(tmp, 'summary-json-flag.md')))
    expect(exitCode).toBe(1)
    expect(stderr).toBe('')
    parseReport(stdout)
  })

  it('an unwritable step summary is a warning on stderr, not a failure of the audit', async () => {
    const {stderr, exitCode} = await run([CLEAN, ...OFFLINE], actionsEnv(join(tmp, 'no-such-dir', 'summary.md')))
    expect(exitCode).toBe(0)
    expect(stderr).toBe('regctl audit: cannot append to GITHUB_STEP_SUMMARY: no such file or directory\n')
  })

  it('outside Actions nothing is written to GITHUB_STEP_SUMMARY and no annotation is printed', async () => {
    const summary = join(tmp, 'summary-not-actions.md')
    const {stdout, stderr, exitCode} = await run([LEAKY, ...OFFLINE], {GITHUB_STEP_SUMMARY: summary})
    expect(exitCode).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).not.toContain('::error')
    expect(() => readFileSync(summary)).toThrow(/ENOENT/)
  })
})

describe('audit: flags that select and scope', () => {
  it('--no-context: no context findings; --exclude leaves paths out', async () => {
    const noContextRun = await run([LEAKY, ...OFFLINE, '--no-context', '--format', 'json'])
    expect(noContextRun.exitCode).toBe(0)
    const noContext = parseReport(noContextRun.stdout)
    expect(noContext.findings).toEqual([])
    expect(noContext.parts.context).toEqual({status: 'skipped', reason: 'disabled'})

    const excludedRun = await run([REPOS, ...OFFLINE, '--exclude', 'leaky', '--exclude', 'precedence', '--format', 'json'])
    const excluded = parseReport(excludedRun.stdout)
    expect(excludedRun.exitCode).toBe(excluded.exitCode)
    expect(excluded.findings.filter((f) => f.location?.file.startsWith('leaky/') || f.location?.file.startsWith('precedence/'))).toEqual([])
    expect(excluded.images.some((i) => i.location?.file.startsWith('leaky/'))).toBe(false)
  })

  it('--context DIR sets the build context of every Dockerfile', async () => {
    const dir = repo('context', {'docker/Dockerfile': 'FROM alpine:3.20\nCOPY . /app\n', '.env': 'X=1', '.dockerignore': '.git\n'})
    const defaultRun = await run([dir, ...OFFLINE, '--format', 'json'])
    expect(defaultRun.exitCode).toBe(0)
    const defaultContext = parseReport(defaultRun.stdout)
    // Default: the Dockerfile's directory, which holds no .env but no .dockerignore either.
    expect(defaultContext.findings.map((f) => f.ruleId)).toEqual(['context/no-dockerignore'])
    const rootRun = await run([dir, ...OFFLINE, '--context', dir, '--format', 'json'])
    expect(rootRun.exitCode).toBe(1)
    const rootContext = parseReport(rootRun.stdout)
    expect(rootContext.findings.map((f) => `${f.ruleId} ${f.location?.file}`)).toEqual(['context/secret-not-ignored .env'])
  })

  it.each([
    ['--context outside the audited directory', ['--context', '/'], /--context \/ is outside the audited directory/],
    ['--images that cannot be read', ['--images', '/nonexistent/images.txt'], /cannot read --images \/nonexistent\/images.txt: no such file or directory/],
    ['an invalid --exclude pattern', ['--exclude', '[z-a]'], /invalid exclude pattern/],
    ['a DIR that does not exist', ['/nonexistent/repo'], /\/nonexistent\/repo: no such directory/],
    // Issue 12: a file or a symbolic link loop is not "no such directory".
    ['a DIR that is a regular file', [ODD_PATHS.file], /\/not-a-dir: is a file, not a directory/],
    ['a DIR that is a symbolic link loop', [ODD_PATHS.loop], /\/loop: is a symbolic link loop/],
  ])('%s is a usage error (exit 2)', async (_name, args, message) => {
    const result = await run([...(args[0]?.startsWith('/') ? [] : [CLEAN]), ...args, ...OFFLINE])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})

describe('audit: the credentials part (auth status)', () => {
  it('reports auth status findings (a plaintext login) with the others; --require-scope passes through', async () => {
    const {stdout, exitCode} = await run([CLEAN, '--offline', '--no-images', '--format', 'json', '--require-scope', 'read:packages'], {}, PLAINTEXT_CONFIG)
    const report = parseReport(stdout)
    expect(report.parts.credentials).toMatchObject({status: 'ran', findings: 1})
    expect(report.findings).toEqual([
      expect.objectContaining({ruleId: 'credentials/plaintext', severity: 'warning', subject: 'registry.example.com'}),
    ])
    expect(exitCode).toBe(0)
  })

  it('no login anywhere: the part runs and finds nothing', async () => {
    const {stdout, exitCode} = await run([CLEAN, '--offline', '--no-images', '--format', 'json'])
    expect(exitCode).toBe(0)
    const report = parseReport(stdout)
    expect(report.parts.credentials).toMatchObject({status: 'ran', findings: 0})
    expect(report.findings).toEqual([])
  })

  it('a malformed config.json fails the audit with the config error (exit 2)', async () => {
    const {stderr, exitCode} = await run([CLEAN, '--offline', '--no-images'], {}, '{"auths": {')
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/config\.json/)
  })

  it('in Actions, SARIF anchors findings without a file to the workflow that ran the audit', async () => {
    const {stdout, exitCode} = await run([CLEAN, '--offline', '--no-images', '--format', 'sarif'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: CLEAN,
      GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/audit.yml@refs/heads/main',
    }, PLAINTEXT_CONFIG)
    expect(exitCode).toBe(0)
    const log = parseSarif(stdout)
    expect(log.runs[0]?.results).toEqual([
      expect.objectContaining({
        ruleId: 'credentials/plaintext',
        locations: [{physicalLocation: {artifactLocation: {uri: '.github/workflows/audit.yml', uriBaseId: '%SRCROOT%'}}}],
      }),
    ])
  })
})

describe('audit: images against a loopback registry', () => {
  let registry: TestServer
  const DIGEST = `sha256:${'b'.repeat(64)}`
  beforeAll(async () => {
    registry = await startServer((req, res) => {
      if (req.url === '/v2/' || req.url === '/v2') {
        res.writeHead(200, {'content-type': 'application/json'}).end('{}')
        return
      }

      if (req.url === '/v2/team/app/manifests/1.0') {
        res.writeHead(200, {'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': DIGEST, 'content-length': '123'}).end()
        return
      }

      const body = JSON.stringify({errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]})
      res.writeHead(404, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body))}).end(req.method === 'HEAD' ? undefined : body)
    })
  })
  afterAll(async () => {
    await registry.close()
  })

  it('a FROM that resolves and one that does not: image/not-found at its line, exit 1', async () => {
    const dir = repo('images', {
      Dockerfile: `ARG REGISTRY=${registry.host}\nFROM \${REGISTRY}/team/app:1.0 AS base\nFROM ${registry.host}/team/missing:2.0\nCOPY --from=base /x /x\n`,
    })
    const {stdout, exitCode} = await run([dir, '--no-credentials', '--format', 'json'])
    const report = parseReport(stdout)
    expect(exitCode).toBe(1)
    expect(report.images.map((i) => [i.image, i.verdict, i.location?.line])).toEqual([
      [`${registry.host}/team/app:1.0`, 'pullable', 2],
      [`${registry.host}/team/missing:2.0`, 'not-found', 3],
    ])
    expect(report.findings).toEqual([
      expect.objectContaining({ruleId: 'image/not-found', severity: 'error', location: {file: 'Dockerfile', line: 3}, subject: `${registry.host}/team/missing:2.0`}),
    ])
    expect(report.parts.images).toMatchObject({status: 'ran', findings: 1})
  })

  it('--images FILE inside the repository: findings at the file\'s lines; the repository\'s own images are not checked', async () => {
    const dir = repo('images-file', {
      'images.txt': `# base images\n${registry.host}/team/app:1.0\n\n${registry.host}/team/gone:3  # removed\n`,
      Dockerfile: 'FROM never-checked.invalid/x:1\n',
    })
    const before = registry.requests.length
    const {stdout, exitCode} = await run([dir, '--no-credentials', '--no-context', '--images', join(dir, 'images.txt'), '--format', 'json'])
    const report = parseReport(stdout)
    expect(exitCode).toBe(1)
    expect(report.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`)).toEqual(['image/not-found images.txt:4'])
    expect(report.images.map((i) => i.image)).toEqual([`${registry.host}/team/app:1.0`, `${registry.host}/team/gone:3`])
    expect(registry.requests.slice(before).every((r) => !r.url.includes('never-checked'))).toBe(true)
  })
})

describe('audit of this repository (self-audit)', () => {
  it('reports nothing for the root Dockerfile and .dockerignore, and lists the pinned base image', async () => {
    const {stdout, exitCode} = await run([ROOT, ...OFFLINE, '--exclude', 'test/fixtures/repos', '--format', 'json'])
    const report = parseReport(stdout)
    expect(exitCode).toBe(report.exitCode)
    const rootDockerfile = report.findings.filter(
      (f) => f.location?.file === 'Dockerfile' || f.location?.file === '.dockerignore' || / of Dockerfile\b/.test(f.message) || f.message.startsWith('Dockerfile '),
    )
    expect(rootDockerfile).toEqual([])
    const base = report.images.filter((i) => i.location?.file === 'Dockerfile')
    expect(base.length).toBe(2)
    for (const image of base) expect(image.image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/)
  })

  it('the .dockerignore keeps every kind of secret, .git, node_modules, coverage and test fixtures out of the context', async () => {
    const leaks = {
      '.env': 'TOKEN=x',
      '.env.production': 'TOKEN=x',
      'id_rsa': 'FAKE',
      'deploy.key': 'FAKE',
      'certs/server.pem': '-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----\n',
      'store.p12': 'FAKE',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_FAKE\n',
      '.docker/config.json': '{"auths":{"x":{"auth":"eDp5"}}}',
      'credentials-prod.json': '{}',
      'secrets/db.txt': 'FAKE',
      'src/.env.local': 'TOKEN=x',
      'src/lib/key.pem': '-----BEGIN EC PRIVATE KEY-----\nFAKE\n-----END EC PRIVATE KEY-----\n',
      '.git/config': '[core]\n',
      'test/fixtures/repos/leaky/.env': 'X=1',
      'node_modules/x/.env': 'X=1',
      'coverage/lcov.info': '',
      'src/index.ts': 'export {}\n',
    }
    const withIgnore = repo('dockerignore-works', leaks)
    cpSync(join(ROOT, 'Dockerfile'), join(withIgnore, 'Dockerfile'))
    cpSync(join(ROOT, '.dockerignore'), join(withIgnore, '.dockerignore'))
    const goodRun = await run([withIgnore, ...OFFLINE, '--format', 'json'])
    expect(goodRun.exitCode).toBe(0)
    const good = parseReport(goodRun.stdout)
    expect(good.findings).toEqual([])

    // The same tree without the .dockerignore leaks: the check above can fail.
    const without = repo('dockerignore-missing', leaks)
    cpSync(join(ROOT, 'Dockerfile'), join(without, 'Dockerfile'))
    const badRun = await run([without, ...OFFLINE, '--format', 'json'])
    expect(badRun.exitCode).toBe(1)
    const bad = parseReport(badRun.stdout)
    const leaked = new Set(bad.findings.filter((f) => f.ruleId === 'context/secret-not-ignored').map((f) => f.location?.file))
    for (const path of ['.env', '.env.production', 'id_rsa', 'deploy.key', 'certs/server.pem', 'store.p12', '.npmrc', '.docker/config.json', 'credentials-prod.json', 'secrets', 'src/.env.local', 'src/lib/key.pem', '.git', 'test/fixtures/repos/leaky/.env']) {
      expect(leaked, path).toContain(path)
    }
  })
})
