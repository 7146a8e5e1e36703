/**
 * Issue #8, "right answers at the edges": arguments, stdin, help, messages and the exit-code
 * contract, each driven through the built CLI (bin/run.js) against the integration registries.
 * Every case here failed on main before the fix it names.
 */
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {Ajv} from 'ajv'
import formats from 'ajv-formats'
import {parse} from 'yaml'
import {describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {authsConfig, BIN, runCli} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const plain = env.registries.plain.host
const REPO_ROOT = resolve(import.meta.dirname, '../..')

const ajv = new Ajv({allErrors: true, strict: false})
formats.default(ajv)
const schema = (name: string): ReturnType<typeof ajv.compile> =>
  ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, `docs/json/${name}.schema.json`), 'utf8')) as object)
const validate = {
  'pull-check': schema('pull-check'),
  'auth-status': schema('auth-status'),
  'ghcr-ls': schema('ghcr-ls'),
  audit: schema('audit'),
  error: schema('error'),
}

/** A directory with `api/Dockerfile` (COPY . . and a .env beside it) and a top-level .env. */
function twoDirRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-it-edges-'))
  mkdirSync(join(dir, 'api'))
  writeFileSync(join(dir, 'api', 'Dockerfile'), `FROM ${token}/public/single:1.0\nCOPY . .\n`)
  writeFileSync(join(dir, 'api', '.env'), 'A=1\n')
  mkdirSync(join(dir, 'web'))
  writeFileSync(join(dir, 'web', 'Dockerfile'), `FROM ${token}/public/multi:1.0\nCOPY . .\n`)
  writeFileSync(join(dir, 'web', '.env'), 'B=1\n')
  return dir
}

const OFFLINE_AUDIT = ['--offline', '--no-credentials', '--format', 'json']

describe('repeatable flags take one value per occurrence (multipleNonGreedy)', () => {
  it('pull-check --insecure-registry HOST IMAGE checks IMAGE', async () => {
    const result = await runCli(['pull-check', '--insecure-registry', plain, `${plain}/public/single:1.0`, '--json'], {caFile: env.caFile})
    expect(result.stderr).not.toMatch(/no image given/)
    const report = JSON.parse(result.stdout) as {images: Array<{input: string; verdict: string}>; exitCode: number}
    expect(report.images.map((i) => [i.input, i.verdict])).toEqual([[`${plain}/public/single:1.0`, 'pullable']])
    expect(result.exitCode).toBe(0)
    expect(report.exitCode).toBe(0)
  })

  it('audit --exclude PATTERN DIR audits DIR, with one pattern', async () => {
    const dir = twoDirRepo()
    const result = await runCli(['audit', '--exclude', 'node_modules', './api', ...OFFLINE_AUDIT], {cwd: dir})
    const report = JSON.parse(result.stdout) as {root: string; images: Array<{image: string}>}
    expect(report.root).toBe(join(dir, 'api'))
    expect(report.images.map((i) => i.image)).toEqual([`${token}/public/single:1.0`])
  })

  it('the action splits its args input like a shell: a quoted value with spaces stays one value', async () => {
    const dir = twoDirRepo()
    mkdirSync(join(dir, 'api', 'my dir'))
    writeFileSync(join(dir, 'api', 'my dir', '.env'), 'C=1\n')
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {runs: {steps: Array<{id?: string; run?: string}>}}
    const script = action.runs.steps.find((step) => step.id === 'audit')?.run ?? ''
    const output = join(dir, 'github-output')
    writeFileSync(output, '')
    const run = async (args: string): Promise<string> => {
      const {stdout} = await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', script], {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: dir,
          DOCKER_CONFIG: join(dir, 'no-docker'),
          REGCTL: BIN,
          INPUT_PATH: 'api',
          INPUT_IMAGES: '',
          INPUT_FAIL_ON: 'never',
          INPUT_REQUIRE_SCOPE: '',
          INPUT_EXCLUDE: '',
          INPUT_ARGS: args,
          INPUT_SARIF_FILE: join(dir, 'out.sarif'),
          GITHUB_OUTPUT: output,
        },
        timeout: 30_000,
      })
      expect(stdout).toBe('')
      return readFileSync(join(dir, 'out.sarif'), 'utf8')
    }

    expect(await run('--offline --no-credentials')).toContain('my dir/.env')
    expect(await run(`--offline --no-credentials --exclude "my dir" --exclude 'other thing'`)).not.toContain('my dir/.env')
  })
})

describe('piped stdin is data only where a flag says so', () => {
  it('echo DIR | regctl audit audits the current directory', async () => {
    const dir = twoDirRepo()
    const result = await runCli(['audit', ...OFFLINE_AUDIT], {cwd: join(dir, 'web'), stdin: '/somewhere\n'})
    expect(result.exitCode).toBe(1)
    expect((JSON.parse(result.stdout) as {root: string}).root).toBe(join(dir, 'web'))
  })

  it('echo OWNER/PACKAGE | regctl ghcr ls does not list OWNER/PACKAGE', async () => {
    // No token and a GitHub API that answers nothing: what matters is which target was asked for.
    const result = await runCli(['ghcr', 'ls', '--json', '--timeout', '2'], {
      stdin: 'octocat/app\n',
      env: {REGCTL_NO_KEYRING: '1', GITHUB_API_URL: 'http://127.0.0.1:9/api', GH_TOKEN: undefined, GITHUB_TOKEN: undefined},
    })
    expect(`${result.stdout}${result.stderr}`).not.toContain('octocat/app')
    expect(`${result.stdout}${result.stderr}`).not.toContain('octocat')
  })

  it('gh auth token | regctl auth login (no provider) is a missing-argument usage error, not "unknown provider"', async () => {
    const result = await runCli(['auth', 'login'], {stdin: 'ghp_0000000000000000000000000000000000000000\n'})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).not.toMatch(/unknown provider|looks like a token/)
    expect(result.stderr).toMatch(/^regctl: Missing 1 required arg: provider/)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})

describe('help and unknown commands', () => {
  it.each([[['-h']], [['help']], [['help', 'pull-check']], [['pull-check', '-h']], [['auth', 'status', '-h']], [[]]])('regctl %j prints help and exits 0', async (args) => {
    const result = await runCli(args)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/USAGE/)
    expect(result.stderr).toBe('')
  })

  it('pull-check help says exactly when a check costs Docker Hub pull quota', async () => {
    const result = await runCli(['pull-check', '--help'])
    expect(result.exitCode).toBe(0)
    // oclif wraps help to the terminal: compare the words.
    const text = result.stdout.replaceAll(/\s+/g, ' ')
    expect(text).not.toMatch(/does not spend pull quota/)
    expect(text).toMatch(/one pull when the image is an index/)
    expect(text).toMatch(/--blobs GETs each checked manifest \(one pull each\)/)
  })

  it('an unknown command exits 2 with the suggestion on one line', async () => {
    const result = await runCli(['pull-chek', 'alpine'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe('regctl: "pull-chek" is not a regctl command; did you mean "regctl pull-check"? (regctl help lists the commands)\n')
    expect(result.stdout).toBe('')
  })

  it('on a terminal it never stops at a (Y/n) prompt', async () => {
    // script(1) gives the CLI a pseudo-terminal for stdin and stdout, as an interactive shell would.
    const {stdout} = await promisify(execFile)('script', ['-qec', `${process.execPath} ${BIN} auth stats; echo "rc=$?"`, '/dev/null'], {
      env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), NO_COLOR: '1'},
      timeout: 20_000,
    })
    expect(stdout).not.toMatch(/Y\/n/)
    expect(stdout).toMatch(/did you mean "regctl auth status"\?/)
    expect(stdout).toMatch(/rc=2/)
  })
})

describe('the exit-code contract', () => {
  it('a batch with a not-found and an invalid reference reports both and exits 1', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:nope`, 'UPPER/Case:1'], {caFile: env.caFile})
    const report = JSON.parse(result.stdout) as {images: Array<{verdict: string}>; exitCode: number}
    expect(validate['pull-check'](report)).toBe(true)
    expect(report.images.map((i) => i.verdict)).toEqual(['not-found', 'invalid-reference'])
    expect(result.exitCode).toBe(1)
    expect(report.exitCode).toBe(1)
  })

  it('an invalid reference alone is still an input error (2)', async () => {
    const result = await runCli(['pull-check', '--json', 'UPPER/Case:1'])
    expect(result.exitCode).toBe(2)
    expect((JSON.parse(result.stdout) as {exitCode: number}).exitCode).toBe(2)
  })

  // PATH without docker-credential-secretservice: no implicit credential store (docker/cli DetectDefaultStore).
  const NO_HELPERS = {PATH: '/nonexistent'}

  it('auth status --registry X with no login for X exits 1 (not logged in)', async () => {
    const result = await runCli(['auth', 'status', '--registry', 'quay.io', '--offline', '--json'], {dockerConfig: {auths: {}}, env: NO_HELPERS})
    const document = JSON.parse(result.stdout) as {registries: Array<{registry: string; status: string}>; exitCode: number}
    expect(validate['auth-status'](document)).toBe(true)
    expect(document.registries.map((r) => [r.registry, r.status])).toEqual([['quay.io', 'no-credential']])
    expect(result.exitCode).toBe(1)
    expect(document.exitCode).toBe(1)
  })

  it('auth status with every registry unreachable exits 3 (undetermined), as pull-check does', async () => {
    const result = await runCli(['auth', 'status', '--json', '--timeout', '5'], {dockerConfig: authsConfig({'127.0.0.1:9': {username: 'u', password: 'p'}}), env: NO_HELPERS})
    const document = JSON.parse(result.stdout) as {summary: {unreachable: number}; exitCode: number}
    expect(validate['auth-status'](document)).toBe(true)
    expect(document.summary.unreachable).toBe(1)
    expect(result.exitCode).toBe(3)
    expect(document.exitCode).toBe(3)
  })

  it('an unwritable --output is an output error (2) in words, not an internal error', async () => {
    const dir = twoDirRepo()
    const result = await runCli(['audit', 'api', '--offline', '--no-credentials', '--output', join(dir, 'no', 'such', 'report.txt')], {cwd: dir})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(`regctl: cannot write --output ${join(dir, 'no', 'such', 'report.txt')}: no such file or directory\n`)
  })

  it('every --json document carries exitCode and validates', async () => {
    const dir = twoDirRepo()
    const cases: Array<[keyof typeof validate, string[], number]> = [
      ['pull-check', ['pull-check', `${token}/public/single:1.0`], 0],
      ['audit', ['audit', join(dir, 'api'), '--offline', '--no-credentials'], 1],
      ['ghcr-ls', ['ghcr', 'ls', 'octocat/app', '--source', 'registry'], 0],
    ]
    for (const [name, args, code] of cases) {
      const result = await runCli([...args, '--json'], {
        caFile: env.caFile,
        env: {REGCTL_GHCR_REGISTRY: token, REGCTL_NO_KEYRING: '1'},
      })
      const document = JSON.parse(result.stdout) as {exitCode?: number; error?: unknown}
      if (name === 'ghcr-ls' && document.error !== undefined) {
        // No octocat/app on the test registry: the error document carries the code too.
        expect(validate.error(document)).toBe(true)
        expect(document.exitCode).toBe(result.exitCode)
        continue
      }

      expect(validate[name](document), `${name}: ${ajv.errorsText(validate[name].errors)}`).toBe(true)
      expect(document.exitCode).toBe(code)
      expect(result.exitCode).toBe(code)
    }
  })
})

describe('messages are one line', () => {
  it('a file that cannot be read says why in words', async () => {
    const result = await runCli(['pull-check', '--file', 'nonexist.txt'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe('regctl: cannot read --file nonexist.txt: no such file or directory\n')
  })

  it('oclif parse errors are one line, and the JSON error has no "See more help"', async () => {
    const human = await runCli(['pull-check', '--nope', 'alpine'])
    expect(human.exitCode).toBe(2)
    expect(human.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(human.stderr).toMatch(/^regctl: Nonexistent flag: --nope \(regctl pull-check --help shows the usage\)\n$/)

    const json = await runCli(['auth', 'status', '--fail-on', 'sometimes', '--json'])
    expect(json.exitCode).toBe(2)
    const document = JSON.parse(json.stdout) as {exitCode: number; error: {code: string; message: string}}
    expect(validate.error(document)).toBe(true)
    expect(document.exitCode).toBe(2)
    expect(document.error.code).toBe('USAGE')
    expect(document.error.message).not.toMatch(/\n|See more help/)
  })

  it('an unreachable registry with a stored login: credential none, not the login nothing was sent with', async () => {
    const dockerConfig = authsConfig({'127.0.0.1:9': {username: 'stored-user', password: 'p'}})
    const result = await runCli(['pull-check', '--json', '127.0.0.1:9/x/y:1'], {dockerConfig, env: {PATH: '/nonexistent'}})
    const document = JSON.parse(result.stdout) as {images: Array<{verdict: string; credential: unknown}>}
    expect(validate['pull-check'](document)).toBe(true)
    expect(document.images).toMatchObject([{verdict: 'unreachable', credential: {source: 'none'}}])
    expect(document.images[0]?.credential).toEqual({source: 'none'})
    const piped = await runCli(['pull-check', '127.0.0.1:9/x/y:1'], {dockerConfig, env: {PATH: '/nonexistent'}})
    expect(piped.stdout).toBe('127.0.0.1:9/x/y:1\t! unreachable\t\t\tnone\n')
    expect(result.exitCode).toBe(3)
  })

  // An image audit could not check is a warning finding; with none reaching --fail-on, the run is
  // undetermined, as pull-check and auth status answer an unreachable registry: never a pass.
  it('audit with an image it could not check: undetermined (exit 3), not a pass; 1 at --fail-on warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regctl-it-edges-audit-'))
    writeFileSync(join(dir, 'Dockerfile'), 'FROM 127.0.0.1:9/x/y:1\n')
    writeFileSync(join(dir, '.dockerignore'), '.git\n')
    const result = await runCli(['audit', dir, '--no-credentials', '--no-context'], {env: {PATH: '/nonexistent'}})
    expect(result.stdout).toContain('undetermined: 1 image could not be checked (exit 3)')
    expect(result.exitCode, result.stdout + result.stderr).toBe(3)
    const json = await runCli(['audit', dir, '--no-credentials', '--no-context', '--json'], {env: {PATH: '/nonexistent'}})
    const document = JSON.parse(json.stdout) as {exitCode: number; findings: Array<{ruleId: string; severity: string}>}
    expect(validate.audit(document)).toBe(true)
    expect(document.findings.map((f) => `${f.severity} ${f.ruleId}`)).toEqual(['warning image/undetermined'])
    expect([document.exitCode, json.exitCode]).toEqual([3, 3])
    const warning = await runCli(['audit', dir, '--no-credentials', '--no-context', '--fail-on', 'warning'], {env: {PATH: '/nonexistent'}})
    expect(warning.exitCode).toBe(1)
  })

  it('an unreachable registry is described in words, not errno codes', async () => {
    const result = await runCli(['pull-check', '127.0.0.1:9/x/y:1'])
    expect(result.exitCode).toBe(3)
    expect(`${result.stdout}${result.stderr}`).toMatch(/could not reach http:\/\/127\.0\.0\.1:9\/v2\/: connection refused/)
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/ECONNREFUSED/)
  })
})
