/**
 * The token handed to `auth login` joins the run's redaction registry as soon as it is read
 * (issue 12), whatever happens next: with `--no-verify` no GitHub request ever feeds it in, and a
 * keyring or file error that quoted it would otherwise print it.
 */
import {PassThrough} from 'node:stream'

import {afterEach, describe, expect, it} from 'vitest'

import {runSecrets} from '../../../src/runtime/known-secrets.js'
import {readTokenInput} from '../../../src/runtime/token-input.js'

const TOKEN = 'PLANTED-login-token-0123456789abcdef'

describe('readTokenInput', () => {
  afterEach(() => runSecrets.clear())

  it('holds the piped token (trimmed) in the run registry: any later echo of it is redacted', async () => {
    runSecrets.clear()
    const stdin = new PassThrough()
    const read = readTokenInput('?', 5000, stdin as unknown as NodeJS.ReadStream)
    stdin.end(`  ${TOKEN}\r\n`)
    expect((await read).text.trim()).toBe(TOKEN)
    expect(runSecrets.redact(`keyring said: no room for ${TOKEN}.`)).toBe('keyring said: no room for REDACTED.')
  })

  it('holds nothing shorter than the registry minimum (ordinary words stay readable)', async () => {
    runSecrets.clear()
    const stdin = new PassThrough()
    const read = readTokenInput('?', 5000, stdin as unknown as NodeJS.ReadStream)
    stdin.end('abc\n')
    await read
    expect(runSecrets.size).toBe(0)
  })
})
