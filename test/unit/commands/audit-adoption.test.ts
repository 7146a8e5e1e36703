/**
 * Adopting `regctl audit` in a repository that already has findings (issue #9): `--write-baseline`,
 * `--baseline`, the repository config file `.regctl.yaml`, and SARIF for findings without a file.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import Audit from '../../../src/commands/audit.js'
import type {AuditReport} from '../../../src/lib/checks/audit.js'
import {runCommand} from './run-command.js'

const ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')
const LEAKY = join(ROOT, 'test/fixtures/repos/leaky')
const OFFLINE = ['--offline', '--no-credentials']

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'regctl-adopt-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** A fresh copy of the leaky fixture (tests add files to it). */
function leakyCopy(name: string): string {
  const dir = join(tmp, name)
  cpSync(LEAKY, dir, {recursive: true})
  return dir
}

const report = (stdout: string): AuditReport => JSON.parse(stdout) as AuditReport

describe('audit --write-baseline / --baseline', () => {
  it('records today\'s findings; a later run reports them as baselined, exits 0, and fails only on a new one', async () => {
    const repo = leakyCopy('baseline')
    const file = join(tmp, 'baseline.json')
    const written = await runCommand(Audit, [repo, ...OFFLINE, '--write-baseline', file, '--format', 'json'])
    expect(written.exitCode).toBe(0)
    expect(written.stderr).toContain(`baseline of 7 findings written to ${file}`)
    const baseline = JSON.parse(readFileSync(file, 'utf8')) as {version: number; findings: Array<{fingerprint: string}>}
    expect(baseline.version).toBe(1)
    expect(baseline.findings).toHaveLength(7)
    expect(readFileSync(file, 'utf8')).not.toContain(`ghp_${'0'.repeat(36)}`)

    // Lines added above every finding: the fingerprints do not move.
    const dockerfile = join(repo, 'Dockerfile')
    writeFileSync(dockerfile, `# a comment\n# another\n${readFileSync(dockerfile, 'utf8')}`)
    const again = await runCommand(Audit, [repo, ...OFFLINE, '--baseline', file, '--format', 'json'])
    expect(again.exitCode).toBe(0)
    const quiet = report(again.stdout)
    expect(quiet.findings.map((f) => f.baselineState)).toEqual(Array.from({length: 7}, () => 'unchanged'))
    expect(quiet.summary).toMatchObject({baselined: 7, findings: {error: 0, warning: 0, note: 0}})

    writeFileSync(join(repo, 'deploy_key'), `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl${'A'.repeat(60)}\n-----END OPENSSH PRIVATE KEY-----\n`)
    const fresh = await runCommand(Audit, [repo, ...OFFLINE, '--baseline', file, '--format', 'sarif'])
    expect(fresh.exitCode).toBe(1)
    const results = (JSON.parse(fresh.stdout) as {runs: Array<{results: Array<{baselineState?: string; locations: Array<{physicalLocation: {artifactLocation: {uri: string}}}>}>}>}).runs[0]?.results ?? []
    expect(results.filter((r) => r.baselineState === 'new').map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual([expect.stringMatching(/deploy_key$/)])
    expect(results.filter((r) => r.baselineState === 'unchanged')).toHaveLength(7)
  })

  it.each([
    ['not JSON', '{'],
    ['not a baseline', '{"findings": 3}'],
    ['a bad fingerprint', '{"version": 1, "findings": [{"fingerprint": "x"}]}'],
  ])('a baseline file that is %s is a config error (exit 2) naming the file', async (_what, text) => {
    const file = join(tmp, `bad-${_what.replaceAll(' ', '-')}.json`)
    writeFileSync(file, text)
    const result = await runCommand(Audit, [LEAKY, ...OFFLINE, '--baseline', file])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(file)
  })
})

describe('the repository config file (.regctl.yaml)', () => {
  it('exclude patterns and rule severities apply, each with its reason; --no-config ignores the file', async () => {
    const repo = leakyCopy('config')
    writeFileSync(
      join(repo, '.regctl.yaml'),
      [
        'exclude:',
        '  - pattern: secrets',
        '    reason: test data, never built',
        'rules:',
        '  context/no-dockerignore:',
        '    severity: off',
        '    reason: reviewed',
        '  dockerfile/secret-in-env:',
        '    severity: note',
        '    reason: the token is a revoked sample',
        '',
      ].join('\n'),
    )
    const tunedRun = await runCommand(Audit, [repo, ...OFFLINE, '--format', 'json'])
    const tuned = report(tunedRun.stdout)
    expect(tunedRun.exitCode).toBe(tuned.exitCode)
    const rules = tuned.findings.map((f) => `${f.severity} ${f.ruleId} ${f.location?.file ?? ''}`)
    expect(rules).not.toContain('warning context/no-dockerignore Dockerfile')
    expect(rules).toContain('note dockerfile/secret-in-env Dockerfile')
    expect(rules.some((r) => r.endsWith(' secrets'))).toBe(false)

    const plainRun = await runCommand(Audit, [repo, ...OFFLINE, '--format', 'json', '--no-config'])
    const plain = report(plainRun.stdout)
    expect(plain.findings).toHaveLength(7)
    expect(plainRun.exitCode).toBe(1)
  })

  it.each([
    ['a missing reason', 'exclude:\n  - pattern: secrets\n', 'a "reason" is required'],
    ['an unknown rule', 'rules:\n  context/typo:\n    severity: off\n    reason: x\n', 'unknown rule id "context/typo"'],
    ['a bad severity', 'rules:\n  context/no-dockerignore:\n    severity: critical\n    reason: x\n', 'expected error, warning, note or off'],
    ['broken YAML', 'rules: [\n', 'not valid YAML'],
  ])('%s is a config error (exit 2) with the file and line', async (_what, text, message) => {
    const repo = leakyCopy(`bad-config-${_what.replaceAll(' ', '-')}`)
    writeFileSync(join(repo, '.regctl.yaml'), text)
    const result = await runCommand(Audit, [repo, ...OFFLINE])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('.regctl.yaml')
    expect(result.stderr).toContain(message)
  })

  it('a config file over the size bound is refused with one line', async () => {
    const repo = leakyCopy('big-config')
    writeFileSync(join(repo, '.regctl.yaml'), `# ${'x'.repeat(70_000)}\n`)
    const result = await runCommand(Audit, [repo, ...OFFLINE])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/larger than 65536 bytes/)
  })
})
