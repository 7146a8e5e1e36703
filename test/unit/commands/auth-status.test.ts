/**
 * `regctl auth status` as a command, offline (no network): flags and environment wired into the
 * library, the human report, the `--json` document against docs/json/auth-status.schema.json,
 * and the exit code of each outcome — including under `--json`.
 */
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import AuthStatus, {type AuthStatusResult} from '../../../src/commands/auth/status.js'
import {runCommand, type CommandOutput} from './run-command.js'

const readJson = async (name: string) => (await import('node:fs')).readFileSync(new URL(`../../../docs/json/${name}`, import.meta.url), 'utf8')
const ajv = new Ajv({allErrors: true})
const validate = ajv.compile(JSON.parse(await readJson('auth-status.schema.json')) as object)
const validateError = ajv.compile(JSON.parse(await readJson('error.schema.json')) as object)

const CLASSIC = `ghp_${'Q'.repeat(32)}wxyz`
const FINE = `github_pat_11BBBB_${'Z'.repeat(50)}abcd`
const b64 = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64')

function home(config?: unknown, podman?: unknown, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-auth-cmd-'))
  mkdirSync(join(dir, '.docker'))
  if (config !== undefined) {
    const file = join(dir, '.docker', 'config.json')
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config))
    chmodSync(file, mode)
  }

  if (podman !== undefined) {
    mkdirSync(join(dir, '.config', 'containers'), {recursive: true})
    writeFileSync(join(dir, '.config', 'containers', 'auth.json'), JSON.stringify(podman), {mode: 0o600})
  }

  return dir
}

/** `regctl auth status` with HOME and DOCKER_CONFIG in `dir`, and no credential variable, keyring or helper. */
const run = (argv: string[], dir: string): Promise<CommandOutput> =>
  runCommand(AuthStatus, argv, {
    DOCKER_AUTH_CONFIG: undefined,
    REGISTRY_AUTH_FILE: undefined,
    XDG_RUNTIME_DIR: undefined,
    XDG_CONFIG_HOME: undefined,
    GH_TOKEN: undefined,
    GITHUB_TOKEN: undefined,
    HOME: dir,
    DOCKER_CONFIG: join(dir, '.docker'),
    REGCTL_NO_KEYRING: '1',
    // No credential helper on PATH: docker's platform default store cannot kick in.
    PATH: '/nonexistent',
  })

describe('auth status command (offline)', () => {
  it('prints the human report grouped per registry, with the fix, and exits 0 on warnings', async () => {
    const dir = home({auths: {'ghcr.io': {auth: b64('octocat', CLASSIC)}}})
    const {stdout, stderr, exitCode} = await run(['--offline'], dir)
    const config = join(dir, '.docker', 'config.json')
    expect(stdout).toContain(`ghcr.io (GitHub Container Registry)
  ✓ Logged in as octocat — config.json auths (${config}), used by docker
  - Secret: GitHub classic personal access token ghp_…wxyz
  - Not verified (offline)
  - Expires: unknown
  ! warning credentials/plaintext: ghcr.io: the secret is stored in plaintext (base64) in ${config}
    Fix: add "credsStore": "secretservice" to ${config}, then log in again: docker login ghcr.io -u octocat --password-stdin`)
    expect(stdout).toContain('GitHub API token (ghcr ls): the Docker config (ghcr.io) (classic ghp_…wxyz)')
    expect(stdout).toMatch(/1 registry found \(offline: not verified\); 0 errors, 1 warning, 0 notes/)
    expect(stdout + stderr).not.toContain(CLASSIC)
    expect(exitCode).toBe(0)
  })

  it('--json: a typed document matching the schema; --fail-on warning makes the exit code 1', async () => {
    const dir = home({auths: {'ghcr.io': {auth: b64('octocat', FINE)}}}, {auths: {'ghcr.io': {auth: b64('hubot', CLASSIC)}}}, 0o644)
    const {stdout, exitCode} = await run(['--offline', '--json', '--fail-on', 'warning'], dir)
    const result = JSON.parse(stdout) as AuthStatusResult
    expect(validate(result), ajv.errorsText(validate.errors)).toBe(true)
    expect(exitCode).toBe(1)
    expect(result.exitCode).toBe(1)
    const ghcr = result.registries[0]
    expect(ghcr?.credential).toMatchObject({secretKind: 'github-fine-grained-pat', secret: 'github_pat_…abcd', usedBy: ['docker']})
    expect(ghcr?.sources.map((s) => [s.kind, s.username, s.usedBy, s.agreement])).toEqual([
      ['config-auths', 'octocat', ['docker'], undefined],
      ['podman-auths', 'hubot', ['podman'], 'different-user'],
    ])
    expect(ghcr?.findings.map((f) => f.ruleId).sort()).toEqual(['credentials/conflicting-users', 'credentials/ghcr-token-kind', 'credentials/plaintext', 'credentials/plaintext'])
    expect(result.findings.map((f) => f.ruleId)).toEqual(['credentials/file-permissions'])
    expect(stdout).not.toContain(FINE)
    expect(stdout).not.toContain(CLASSIC)
  })

  it('--registry shows one registry', async () => {
    const dir = home({auths: {'ghcr.io': {auth: b64('a', CLASSIC)}, 'quay.io': {auth: b64('b', 'pw')}}})
    const {stdout} = await run(['--offline', '--json', '--registry', 'quay.io'], dir)
    expect((JSON.parse(stdout) as AuthStatusResult).registries.map((r) => r.registry)).toEqual(['quay.io'])
  })

  it.each([
    ['a malformed config.json', ['--offline', '--json'], '{"auths": {"ghcr.io": {"auth": 1}}}', 'CONFIG_MALFORMED'],
    ['a missing --config file', ['--offline', '--json', '--config', '/nonexistent/config.json'], undefined, 'USAGE'],
    ['an unknown --fail-on', ['--offline', '--json', '--fail-on', 'sometimes'], undefined, 'USAGE'],
  ])('exit 2 under --json for %s', async (_name, argv, config, code) => {
    const {stdout, exitCode} = await run(argv, home(config))
    const doc = JSON.parse(stdout) as {error: {code: string}}
    expect(validateError(doc), ajv.errorsText(validateError.errors)).toBe(true)
    expect(doc.error.code).toBe(code)
    expect(exitCode).toBe(2)
  })

  it('--config reads only that file', async () => {
    const dir = home({auths: {'ghcr.io': {auth: b64('a', CLASSIC)}}})
    const other = join(dir, 'ci.json')
    writeFileSync(other, JSON.stringify({auths: {'quay.io': {auth: b64('robot', 'pw')}}}), {mode: 0o600})
    const result = JSON.parse((await run(['--offline', '--json', '--config', other], dir)).stdout) as AuthStatusResult
    expect(result.files.map((f) => [f.path, f.origin])).toEqual([[other, '--config']])
    expect(result.registries.map((r) => r.registry)).toEqual(['quay.io'])
  })
})
