/**
 * The audit step of action.yml, run for real: its bash script (extracted from the YAML) with the
 * INPUT_* variables GitHub would set and REGCTL pointing at the built CLI. Checks what a
 * workflow sees: `args` keeps quoted values together, and the outputs errors, warnings,
 * sarif-file and exit-code land in $GITHUB_OUTPUT with the counts of the SARIF report.
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {BIN} from './cli.js'

const ROOT = resolve(import.meta.dirname, '../..')
type Step = {id?: string; run?: string}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {runs: {steps: Step[]}}
const script = action.runs.steps.find((step) => step.id === 'audit')?.run ?? ''

async function runStep(inputs: Record<string, string>): Promise<{exitCode: number; outputs: Record<string, string>; dir: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-action-'))
  const regctl = join(dir, 'regctl')
  // The step calls "$REGCTL" as the installed bin; here the bin is the built CLI.
  writeFileSync(regctl, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {mode: 0o755})
  const outputFile = join(dir, 'github-output')
  writeFileSync(outputFile, '')
  const env = {
    PATH: `${resolve(process.execPath, '..')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: dir,
    DOCKER_CONFIG: join(dir, '.docker'),
    REGCTL_NO_KEYRING: '1',
    GITHUB_OUTPUT: outputFile,
    REGCTL: regctl,
    INPUT_PATH: '.',
    INPUT_IMAGES: '',
    INPUT_FAIL_ON: 'error',
    INPUT_REQUIRE_SCOPE: '',
    INPUT_EXCLUDE: '',
    INPUT_ARGS: '',
    INPUT_SARIF_FILE: join(dir, 'regctl.sarif'),
    ...inputs,
  }
  const exitCode = await new Promise<number>((resolvePromise) => {
    execFile('bash', ['-e', '-c', script], {cwd: ROOT, env, timeout: 60_000}, (error) => resolvePromise(typeof error?.code === 'number' ? error.code : error ? -1 : 0))
  })
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
  return {exitCode, outputs, dir}
}

describe('action.yml audit step', () => {
  it('audits the leaky fixture: exit 1, counts of errors and warnings from the SARIF, args with quoted values kept together', async () => {
    const {exitCode, outputs} = await runStep({
      INPUT_PATH: 'test/fixtures/repos/leaky',
      // One argument with a space: split on whitespace it would be two (and the second a DIR).
      INPUT_ARGS: `--offline --no-credentials --exclude "does not exist/with space" --platform 'linux/arm64'`,
    })
    expect(exitCode).toBe(1)
    expect(outputs['exit-code']).toBe('1')
    expect(outputs['sarif-written']).toBe('true')
    const sarif = JSON.parse(readFileSync(outputs['sarif-file'] ?? '', 'utf8')) as {runs: Array<{results: Array<{level: string}>}>}
    const results = sarif.runs.flatMap((run) => run.results)
    expect(Number(outputs['errors'])).toBe(results.filter((r) => r.level === 'error').length)
    expect(Number(outputs['warnings'])).toBe(results.filter((r) => r.level === 'warning').length)
    expect(Number(outputs['errors'])).toBeGreaterThan(0)
  })

  it('args are split, never evaluated: $(…), backticks and ; stay text', async () => {
    // Backticks go inside double quotes, where a shell would run them, so one word reaches --exclude;
    // unquoted, they are two words and the second is (rightly) an unexpected argument.
    const marker = join(mkdtempSync(join(tmpdir(), 'regctl-action-marker-')), 'executed')
    const {exitCode, outputs} = await runStep({
      INPUT_PATH: 'test/fixtures/repos/clean',
      INPUT_ARGS: `--offline --no-credentials --exclude "$(touch ${marker})" --exclude "\`touch ${marker}\`" --exclude 'x;touch ${marker}'`,
    })
    expect(existsSync(marker)).toBe(false)
    expect(outputs['exit-code']).toBe(String(exitCode))
    expect(exitCode).toBe(0)
  })
})
