/**
 * What a terminal, a pipe, NO_COLOR, --no-color, TERM=dumb and COLUMNS=80 each get (issue 13),
 * from the built CLI against the real token-auth registry. The terminal is a real
 * pseudo-terminal (script(1)); the pipe is execFile's.
 */
import stringWidth from 'string-width'
import {describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {authsConfig, makeHome, runCli} from './cli.js'
import {runInTerminal} from './terminal.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const IMAGES = [`${token}/public/single:1.0`, `${token}/public/multi:1.0`, `${token}/private/app:1.0`]
const ESC = '\u001B'
const digestOf = (key: string): string => {
  const f = env.fixtures[key]
  if (!f) throw new Error(`no fixture ${key}`)
  return f.digest
}

describe('pull-check on a terminal', () => {
  it('an aligned table with headers, 12-hex digests, green ✓ and red ✗, the summary on stdout', async () => {
    const result = await runInTerminal(['pull-check', '--platform', 'linux/amd64', ...IMAGES], {caFile: env.caFile})
    expect(result.exitCode).toBe(1)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toMatch(/^IMAGE +VERDICT +DIGEST +PLATFORMS +CREDENTIAL$/)
    expect(result.stdout).toContain(`${ESC}[32m✓ pullable${ESC}[39m`)
    expect(result.stdout).toContain(`${ESC}[31m✗ unauthorized${ESC}[39m`)
    expect(result.stdout).toContain(digestOf('token:public/single:1.0').slice(0, 'sha256:'.length + 12))
    expect(result.stdout).not.toContain(digestOf('token:public/single:1.0'))
    expect(result.stdout).toMatch(/\n3 images checked for linux\/amd64: 2 pullable, 1 unauthorized\n/)
  })

  it.each([
    ['NO_COLOR=1', [], {NO_COLOR: '1'}],
    ['--no-color', ['--no-color'], {}],
    ['TERM=dumb', [], {TERM: 'dumb'}],
  ])('%s: no colour, the same table', async (_, flags, variables) => {
    const result = await runInTerminal(['pull-check', ...flags, ...IMAGES], {caFile: env.caFile, env: variables})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).not.toContain(ESC)
    expect(result.stdout).toMatch(/^IMAGE +VERDICT/)
    expect(result.stdout).toContain('✓ pullable')
  })

  it('COLUMNS=80: the table fits 80 columns; verdicts and 12-hex digests stay whole, other cells end in …', async () => {
    const result = await runInTerminal(['pull-check', '--platform', 'linux/amd64', ...IMAGES], {caFile: env.caFile, env: {COLUMNS: '80', NO_COLOR: '1'}})
    const table = result.stdout.split('\n\n')[0]!.split('\n')
    expect(table).toHaveLength(1 + IMAGES.length)
    for (const line of table) expect(stringWidth(line), line).toBeLessThanOrEqual(80)
    expect(result.stdout).toContain('…')
    expect(result.stdout).toContain('✗ unauthorized')
    expect(result.stdout).toContain(digestOf('token:public/multi:1.0').slice(0, 19))
  })
})

describe('pull-check in a pipe', () => {
  it('COLUMNS and a colour-capable TERM change nothing: no header, tabs, full digests, no escapes', async () => {
    const result = await runCli(['pull-check', ...IMAGES], {caFile: env.caFile, env: {COLUMNS: '40', TERM: 'xterm-256color', NO_COLOR: undefined}})
    expect(result.stdout).not.toContain(ESC)
    expect(result.stderr).not.toContain(ESC)
    const rows = result.stdout.trimEnd().split('\n')
    expect(rows).toHaveLength(IMAGES.length)
    expect(rows[0]!.split('\t')[2]).toBe(digestOf('token:public/single:1.0'))
    expect(result.stderr).toMatch(/3 images checked for linux\/\w+: 2 pullable, 1 unauthorized\n$/)
  })
})

describe('auth status on a terminal', () => {
  it('COLUMNS=80: long lines wrap with indentation; colour marks; piped output neither wraps nor colours', async () => {
    const dockerConfig = authsConfig({[token]: env.users.bob})
    const {home} = makeHome(dockerConfig)
    const variables = {HOME: home, DOCKER_CONFIG: `${home}/.docker`, REGCTL_NO_KEYRING: '1', COLUMNS: '80'}
    const tty = await runInTerminal(['auth', 'status'], {caFile: env.caFile, env: variables})
    const lines = tty.stdout.split('\n')
    for (const line of lines) {
      // A single word longer than the line (a path) may overflow; nothing else does.
      if (stringWidth(line) > 80) expect(line.trim()).not.toContain(' ')
    }

    expect(tty.stdout).toContain(`${ESC}[31m✗${ESC}[39m Credentials rejected`)
    expect(lines.some((line) => /^ {6}\S/.test(line))).toBe(true)

    const piped = await runCli(['auth', 'status'], {caFile: env.caFile, dockerConfig, env: {REGCTL_NO_KEYRING: '1', COLUMNS: '80'}})
    expect(piped.stdout).not.toContain(ESC)
    expect(piped.stdout.split('\n').some((line) => stringWidth(line) > 80)).toBe(true)
  })
})
