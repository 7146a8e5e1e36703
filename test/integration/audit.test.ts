/**
 * `regctl audit` end to end: the built CLI (bin/run.js) against the integration environment's
 * real docker-registry (TLS with the suite's CA, token auth), on a repository whose Dockerfile and
 * Compose file name images there (test/fixtures/audit/registry-repo/); the credentials part with
 * a real login; the GitHub Actions outputs; and the self-audit of this repository.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {Ajv} from 'ajv'
import {Ajv2020} from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import {describe, expect, inject, it} from 'vitest'

import type {AuditReport} from '../../src/lib/checks/audit.js'
import {connectEnvironment} from '../harness/client.js'
import {authsConfig, runCli, type RunOptions} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const {puller} = env.users
const SECRETS = [env.users.pusher.password, puller.password, env.users.outsider.password, env.users.alice.password, env.users.bob.password, env.identityToken]

const REPO_ROOT = resolve(import.meta.dirname, '../..')
const TEMPLATE = join(REPO_ROOT, 'test/fixtures/audit/registry-repo')

const ajv = new Ajv({allErrors: true, strict: false})
const validateReport = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs/json/audit.schema.json'), 'utf8')) as object)
const sarifAjv = new Ajv2020({strict: false, allErrors: true})
formats.default(sarifAjv)
const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/sarif-schema/sarif-schema-2.1.0.json'), 'utf8')) as object)

/** The fixture repository with the token registry's host filled in, under its real file names. */
function fixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-it-audit-'))
  const names: Record<string, string> = {
    'Dockerfile-template': 'Dockerfile',
    'compose-template.yaml': 'compose.yaml',
    'dockerignore-template': '.dockerignore',
    'env-template': '.env',
  }
  for (const file of readdirSync(TEMPLATE)) {
    const target = names[file]
    if (!target) throw new Error(`unexpected fixture ${file}`)
    writeFileSync(join(dir, target), readFileSync(join(TEMPLATE, file), 'utf8').replaceAll('{{TOKEN_REGISTRY}}', token))
  }

  return dir
}

async function audit(args: string[], options: RunOptions = {}): Promise<{exitCode: number; stdout: string; stderr: string}> {
  // PATH without docker-credential-secretservice (installed on this machine): otherwise the
  // credentials part audits the platform's default store, whose helper has no D-Bus session here.
  const result = await runCli(['audit', ...args], {caFile: env.caFile, ...options, env: {REGCTL_NO_KEYRING: '1', PATH: '/nonexistent', ...options.env}})
  for (const secret of SECRETS) {
    expect(result.stdout).not.toContain(secret)
    expect(result.stderr).not.toContain(secret)
  }

  return result
}

function report(stdout: string): AuditReport {
  const parsed: unknown = JSON.parse(stdout)
  if (!validateReport(parsed)) throw new Error(`schema: ${ajv.errorsText(validateReport.errors)}\n${stdout}`)
  return parsed as AuditReport
}

const where = (r: AuditReport) => r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.location ? `${f.location.file}:${f.location.line ?? '-'}` : f.subject ?? '-'}`)

describe('regctl audit against the real registries', () => {
  it('anonymous: the missing tag and the private image are errors at their lines; the pullable base is not', async () => {
    const dir = fixtureRepo()
    const {exitCode, stdout, stderr} = await audit([dir, '--format', 'json'])
    const r = report(stdout)
    expect(stderr).toBe('')
    expect(exitCode).toBe(1)
    expect(r.images.map((i) => [i.image, i.verdict, `${i.location?.file}:${i.location?.line}`])).toEqual([
      [`${token}/public/single:1.0`, 'pullable', 'Dockerfile:4'],
      [`${token}/public/single:nope`, 'not-found', 'Dockerfile:7'],
      [`${token}/private/app:1.0`, 'unauthorized', 'compose.yaml:3'],
    ])
    expect(where(r)).toEqual(['error image/not-found Dockerfile:7', 'error image/unauthorized compose.yaml:3'])
    expect(r.parts.credentials).toMatchObject({status: 'ran', findings: 0})
    expect(r.parts.context).toMatchObject({status: 'ran', findings: 0})
  })

  it('with the puller login: the private image pulls, the login itself is audited (plaintext), HEAD requests only for pullable images', async () => {
    const dir = fixtureRepo()
    await env.resetRequestCounts('token')
    const started = Date.now()
    const {exitCode, stdout} = await audit([dir, '--format', 'json'], {dockerConfig: authsConfig({[token]: puller})})
    const elapsed = Date.now() - started
    const r = report(stdout)
    expect(exitCode).toBe(1)
    expect(r.images.map((i) => i.verdict)).toEqual(['pullable', 'not-found', 'pullable'])
    expect(r.images[2]?.credential).toEqual({source: 'config.json auths', username: 'puller'})
    expect(where(r)).toEqual(['error image/not-found Dockerfile:7', `warning credentials/plaintext ${token}`])
    const counts = await env.requestCounts('token')
    // Two pullable references: one HEAD each; the 404 HEAD is followed by one GET to learn why.
    expect(counts.byMethodKind['HEAD manifest']).toBe(3)
    expect(counts.byMethodKind['GET manifest']).toBe(1)
    console.log(`[audit e2e] 3 images + 1 login + build context: ${elapsed} ms wall clock (process start included)`)
  })

  it('--fail-on never: the same findings, exit 0; --no-images: no registry request for images', async () => {
    const dir = fixtureRepo()
    expect((await audit([dir, '--format', 'json', '--fail-on', 'never'])).exitCode).toBe(0)
    await env.resetRequestCounts('token')
    const {exitCode, stdout} = await audit([dir, '--format', 'json', '--no-images'])
    expect(exitCode).toBe(0)
    expect(report(stdout).images).toEqual([])
    const counts = await env.requestCounts('token')
    expect(counts.byMethodKind['HEAD manifest'] ?? 0).toBe(0)
  })

  it('in GitHub Actions: SARIF to a file, the markdown report in the step summary, annotations on stdout', async () => {
    const dir = fixtureRepo()
    const summary = join(dir, 'step-summary.md')
    const sarifFile = join(dir, 'regctl.sarif')
    const {exitCode, stdout, stderr} = await audit([dir, '--format', 'sarif', '--output', sarifFile], {
      env: {GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary},
    })
    expect(exitCode).toBe(1)
    expect(stderr).toBe(`regctl audit: 2 errors, 0 warnings, 0 notes; sarif report written to ${sarifFile}\n`)
    const sarif: unknown = JSON.parse(readFileSync(sarifFile, 'utf8'))
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([])
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^::error file=Dockerfile,line=7,title=image\/not-found::Dockerfile line 7: image .*public\/single:nope cannot be pulled/),
      expect.stringMatching(/^::error file=compose.yaml,line=3,title=image\/unauthorized::compose.yaml line 3: image .*private\/app:1.0 cannot be pulled/),
    ])
    const markdown = readFileSync(summary, 'utf8')
    expect(markdown).toMatch(/^## regctl audit\n\n\*\*2 errors\*\* · \*\*0 warnings\*\* · \*\*0 notes\*\*/)
    expect(markdown).toContain('| `image/not-found` | `Dockerfile:7` |')
  })
})

/** The native SARIF multitool (the npm package's index exports its path). */
const MULTITOOL = createRequire(import.meta.url)('@microsoft/sarif-multitool-linux') as string

type ValidationLog = {runs: Array<{results?: Array<{ruleId?: string; level?: string; message?: {text?: string}}>}>}

describe('SARIF that GitHub code scanning accepts (official validator)', () => {
  it('a real audit with a login finding (no file) and build-context findings: no error from sarif-multitool validate --rule-kind Gh;Sarif', async () => {
    const dir = fixtureRepo()
    // A leak and a token so that context and Dockerfile rules appear too.
    writeFileSync(join(dir, 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl${'A'.repeat(60)}\n-----END OPENSSH PRIVATE KEY-----\n`)
    const sarifFile = join(dir, 'regctl.sarif')
    const {exitCode} = await audit([dir, '--offline', '--fail-on', 'never', '--format', 'sarif', '--output', sarifFile], {dockerConfig: authsConfig({[token]: puller})})
    expect(exitCode).toBe(0)
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {runs: Array<{results: unknown[]; invocations: Array<{toolExecutionNotifications?: unknown[]}>}>}
    // The plaintext-login finding has no file: left out, with a note in the invocation.
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications).toHaveLength(1)
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0)

    const outFile = join(dir, 'validation.sarif')
    await promisify(execFile)(MULTITOOL, ['validate', '--rule-kind', 'Gh;Sarif', sarifFile, '-o', outFile], {timeout: 120_000, env: {...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1'}})
    const validation = JSON.parse(readFileSync(outFile, 'utf8')) as ValidationLog
    const errors = (validation.runs[0]?.results ?? []).filter((r) => r.level === 'error').map((r) => `${r.ruleId}: ${r.message?.text ?? ''}`)
    expect(errors).toEqual([])
  }, 150_000)

  it('the validator does catch a result without locations (so the check above can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regctl-it-sarif-'))
    const broken = {version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [{tool: {driver: {name: 'x', rules: [{id: 'a/b'}]}}, results: [{ruleId: 'a/b', level: 'error', message: {text: 'm'}}]}]}
    writeFileSync(join(dir, 'broken.sarif'), JSON.stringify(broken))
    await promisify(execFile)(MULTITOOL, ['validate', '--rule-kind', 'Gh;Sarif', join(dir, 'broken.sarif'), '-o', join(dir, 'out.sarif')], {timeout: 120_000})
    const validation = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as ValidationLog
    expect((validation.runs[0]?.results ?? []).filter((r) => r.level === 'error').map((r) => r.ruleId)).toContain('GH1015')
  }, 150_000)
})

describe('image sources and the GHCR push rule (built CLI, fixture repository)', () => {
  it('lists workflow, Kubernetes and Compose images with their lines and reports the GHCR push jobs', async () => {
    const {exitCode, stdout} = await audit([join(REPO_ROOT, 'test/fixtures/repos/deploy'), '--offline', '--no-credentials', '--format', 'json'])
    const r = report(stdout)
    expect(exitCode).toBe(1)
    expect(r.images.map((i) => `${i.location?.file}:${i.location?.line}`)).toContain('.github/workflows/release.yml:10')
    expect(r.images.map((i) => `${i.location?.file}:${i.location?.line}`)).toContain('k8s/app.yaml:49')
    expect(r.images.find((i) => i.image === 'registry.example.com/acme/api:3.0')?.platform).toBe('linux/arm64')
    expect(where(r).filter((w) => w.includes('workflow/'))).toEqual([
      'error workflow/ghcr-push-permissions .github/workflows/release.yml:21',
      'warning workflow/ghcr-push-permissions .github/workflows/release.yml:34',
      'note workflow/ghcr-push-permissions .github/workflows/release.yml:48',
    ])
  })
})

describe('regctl audit of this repository (self-audit, offline)', () => {
  it('the root Dockerfile and .dockerignore have no findings; its two stages use the pinned base', async () => {
    const started = Date.now()
    const {exitCode, stdout} = await audit([REPO_ROOT, '--offline', '--format', 'json', '--exclude', 'test/fixtures/repos'])
    const elapsed = Date.now() - started
    const r = report(stdout)
    const aboutRootImage = r.findings.filter(
      (f) => f.location?.file === 'Dockerfile' || f.location?.file === '.dockerignore' || / of Dockerfile\b/.test(f.message),
    )
    expect(aboutRootImage).toEqual([])
    expect(r.images.filter((i) => i.location?.file === 'Dockerfile').map((i) => i.location?.line)).toEqual([19, 31])
    expect(r.parts.context).toMatchObject({status: 'ran'})
    expect(exitCode).toBe(0)
    console.log(`[audit self] ${r.parts.context.status === 'ran' ? r.parts.context.durationMs : '?'} ms scan, ${elapsed} ms wall clock`)
  })
})
