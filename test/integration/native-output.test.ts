/**
 * Issue 13, the output half, from the built CLI against the real token-auth registry:
 * `--json FIELDS` and `--jq` as gh has them, and `-v` versus `--version` as docker, gh and crane
 * users type them.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {authsConfig, runCli} from './cli.js'
import {runInTerminal} from './terminal.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const VERSION_LINE = /^regctl-audit\/\d+\.\d+\.\d+\S* \S+ node-v\d+\S*\n$/

describe('-v and --version', () => {
  it('`regctl -v` alone is the version, as `docker -v`; so is `--version` anywhere', async () => {
    for (const args of [['-v'], ['--version'], ['--version', '--help']]) {
      const result = await runCli(args)
      expect(result.exitCode, args.join(' ')).toBe(0)
      expect(result.stdout, args.join(' ')).toMatch(VERSION_LINE)
    }
  })

  it('`regctl -v COMMAND …` is that command\'s --verbose (crane -v), the same as `regctl COMMAND -v …`', async () => {
    const image = `${token}/public/single:1.0`
    for (const args of [['-v', 'pull-check', '-q', image], ['--verbose', 'pull-check', '-q', image], ['pull-check', '-v', '-q', image]]) {
      const result = await runCli(args, {caFile: env.caFile})
      expect(result.exitCode, `${args.join(' ')}\n${result.stderr}`).toBe(0)
      expect(result.stdout).toBe(`${image}\n`)
      expect(result.stderr.split('\n'), args.join(' ')).toContainEqual(`regctl: > GET https://${token}/v2/`)
    }
  })

  it('`regctl -v COMMAND --help` is the command\'s help; `-v` before something that is not a command is exit 2', async () => {
    const help = await runCli(['-v', 'pull-check', '--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toMatch(/^Check that images can be pulled/)
    const unknown = await runCli(['-v', 'nope'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stdout).toBe('')
  })
})

describe('--json FIELDS and --jq', () => {
  const pullable = `${token}/public/single:1.0`
  const privateImage = `${token}/private/app:1.0`
  const {puller} = env.users

  it('pull-check --json input,verdict: one object per image with only those fields; the exit code stays the verdict', async () => {
    const result = await runCli(['pull-check', '--json', 'input,verdict', pullable, privateImage], {caFile: env.caFile, env: {PATH: '/nonexistent'}})
    expect(result.exitCode, result.stderr).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual([
      {input: pullable, verdict: 'pullable'},
      {input: privateImage, verdict: 'unauthorized'},
    ])
  })

  it('pull-check --jq: strings print raw, one per line; the exit code stays the verdict', async () => {
    const result = await runCli(['pull-check', pullable, privateImage, '--jq', '.images[] | select(.verdict != "pullable") | .input'], {caFile: env.caFile, env: {PATH: '/nonexistent'}})
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stdout).toBe(`${privateImage}\n`)
    const ok = await runCli(['pull-check', '--json=verdict', '--jq', 'map(.verdict) | unique | .[]', privateImage], {caFile: env.caFile, env: {PATH: '/nonexistent'}, dockerConfig: authsConfig({[token]: puller})})
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(ok.stdout).toBe('pullable\n')
  })

  it('an unknown field: exit 2 before any check, one line listing the fields, nothing on stdout', async () => {
    const result = await runCli(['pull-check', '--json', 'input,verdcit', '-v', pullable], {caFile: env.caFile})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^regctl: unknown JSON field "verdcit"; available fields: input, reference, registry, repository, verdict, .*\n$/)
  })

  it('a bad jq expression: exit 2 with jq\'s message on stderr, nothing on stdout', async () => {
    const result = await runCli(['pull-check', pullable, '--jq', '.images[] |||'], {caFile: env.caFile, env: {PATH: '/nonexistent'}})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^regctl: --jq: syntax error, unexpected .*compile error\n$/m)
  })

  it('an error of the command under --jq is one line on stderr, not an error document for jq', async () => {
    const result = await runCli(['pull-check', '--jq', '.images'], {caFile: env.caFile})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('regctl: no image given: name one or more images, or use --file\n')
  })

  it('auth status --json registry,status: one object per registry login', async () => {
    const result = await runCli(['auth', 'status', '--offline', '--json', 'registry,status'], {dockerConfig: authsConfig({[token]: puller}), env: {PATH: '/nonexistent', REGCTL_NO_KEYRING: '1'}})
    const items = JSON.parse(result.stdout) as Array<Record<string, unknown>>
    expect(items.map((item) => Object.keys(item))).toEqual([['registry', 'status']])
    expect(items[0]!['registry']).toBe(token)
  })

  it('audit --json ruleId --jq: the rule ids of the findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regctl-it-json-'))
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . .\n')
    const result = await runCli(['audit', dir, '--offline', '--no-credentials', '--json', 'ruleId,severity', '--jq', '.[] | select(.severity == "warning") | .ruleId'], {env: {PATH: '/nonexistent', REGCTL_NO_KEYRING: '1'}})
    expect(result.stdout.split('\n')).toContain('context/no-dockerignore')
    const full = await runCli(['audit', dir, '--offline', '--no-credentials', '--json'], {env: {PATH: '/nonexistent', REGCTL_NO_KEYRING: '1'}})
    expect(result.exitCode).toBe(full.exitCode)
  })
})

describe('pull-check on a narrow terminal', () => {
  const images = [`${token}/public/multi:1.0`, `${token}/private/app:1.0`, `${token}/private/app:2.0`, 'Bad/Ref']

  it.each([60, 40])('COLUMNS=%i: every table line fits, every verdict is whole, images keep their tag end', async (columns) => {
    const result = await runInTerminal(['pull-check', '--platform', 'linux/arm64', ...images], {caFile: env.caFile, env: {COLUMNS: String(columns), NO_COLOR: '1'}})
    expect(result.exitCode).toBe(1)
    const table = result.stdout.split('\n\n')[0]!.split('\n')
    expect(table[0]).toMatch(/^IMAGE +VERDICT/)
    expect(table).toHaveLength(1 + images.length)
    for (const line of table) expect([...line].length, line).toBeLessThanOrEqual(columns)
    for (const verdict of ['✓ pullable', '✗ unauthorized', '✗ invalid-reference']) expect(result.stdout).toContain(verdict)
    // At 60 the 12-hex digest stays; at 40 the DIGEST column is left out.
    expect(table[0]!.includes('DIGEST')).toBe(columns === 60)
    // Middle ellipsis: the repository and tag end survive, the registry's start too.
    expect(table[1]).toMatch(/^127\.0.*….*multi:1\.0 /)
  })
})

describe('progress on stderr for a wait over a second', () => {
  // fault/slow holds the request (test/harness/front.ts); --timeout 2 ends it: a bounded slow wait.
  const slow = `${env.registries.front.host}/fault/slow:1.0`
  const fast = `${token}/public/single:1.0`
  const ERASE = '\r\u001B[2K'

  it('on a terminal: "Checking images… n/m" while it waits, erased before the table, which is clean', async () => {
    const result = await runInTerminal(['pull-check', '--timeout', '2', slow, fast], {caFile: env.caFile, env: {NO_COLOR: '1', COLUMNS: '100'}})
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toMatch(/Checking images… 1\/2/)
    // The last progress line is erased, then the table starts on a clean line.
    const afterProgress = result.stdout.slice(result.stdout.lastIndexOf(ERASE) + ERASE.length)
    expect(afterProgress).not.toContain('Checking images')
    expect(afterProgress).toMatch(/^IMAGE +VERDICT/)
  })

  it('never in a pipe, under --json, -q, or CI=true', async () => {
    const piped = await runCli(['pull-check', '--timeout', '2', slow, fast], {caFile: env.caFile, env: {NO_COLOR: undefined, TERM: 'xterm-256color'}})
    expect(piped.exitCode).toBe(3)
    expect(piped.stderr).not.toContain('Checking images')
    expect(piped.stderr).not.toContain('\u001B')
    for (const args of [['--json'], ['-q'], []]) {
      const result = await runInTerminal(['pull-check', '--timeout', '2', ...args, slow, fast], {caFile: env.caFile, env: {NO_COLOR: '1', ...(args.length === 0 ? {CI: 'true'} : {})}})
      expect(result.stdout, args.join(' ') || 'CI=true').not.toContain('Checking images')
      expect(result.stdout, args.join(' ') || 'CI=true').not.toContain(ERASE)
    }
  })
})
