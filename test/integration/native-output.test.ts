/**
 * Issue 13, the output half: `-v` versus `--version` as docker, gh and crane users type them, from
 * the built CLI against the real token-auth registry.
 */
import {describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {runCli} from './cli.js'

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
