import {describe, expect, it} from 'vitest'

import {
  CREDENTIALS_NOT_FOUND,
  DEFAULT_HELPER_TIMEOUT_MS,
  helperGet,
  helperList,
  type HelperRunResult,
  type HelperRunner,
} from '../../../src/lib/credentials/helper.js'
import {CredentialHelperError} from '../../../src/lib/errors.js'

type Call = {program: string; args: string[]; input: string; timeoutMs: number; env: Record<string, string | undefined> | undefined}

function fakeRunner(result: Partial<HelperRunResult>): {runHelper: HelperRunner; calls: Call[]} {
  const calls: Call[] = []
  const runHelper: HelperRunner = (program, args, input, options) => {
    calls.push({program, args, input, timeoutMs: options.timeoutMs, env: options.env})
    return Promise.resolve({exitCode: 0, stdout: '', stderr: '', ...result})
  }

  return {runHelper, calls}
}

const errno = (code: string) => Object.assign(new Error(code), {code})
const SECRET = 'hunter2-SECRET-VALUE-9876'

describe('helperGet', () => {
  it('writes the server URL on stdin and reads Username/Secret', async () => {
    const {runHelper, calls} = fakeRunner({stdout: JSON.stringify({ServerURL: 'ghcr.io', Username: 'octocat', Secret: SECRET}) + '\n'})
    await expect(helperGet('secretservice', 'ghcr.io', {runHelper, env: {A: 'b'}})).resolves.toEqual({username: 'octocat', password: SECRET})
    expect(calls).toEqual([{program: 'docker-credential-secretservice', args: ['get'], input: 'ghcr.io', timeoutMs: DEFAULT_HELPER_TIMEOUT_MS, env: {A: 'b'}}])
  })

  it('reads username <token> as an identity token', async () => {
    const {runHelper} = fakeRunner({stdout: JSON.stringify({ServerURL: 'x', Username: '<token>', Secret: 'refresh'})})
    await expect(helperGet('desktop', 'x', {runHelper})).resolves.toEqual({identityToken: 'refresh'})
  })

  it('passes the timeout through', async () => {
    const {runHelper, calls} = fakeRunner({stdout: '{"Username":"u","Secret":"s"}'})
    await helperGet('x', 'h', {runHelper, timeoutMs: 1234})
    expect(calls[0]?.timeoutMs).toBe(1234)
  })

  it.each<[string, Partial<HelperRunResult>]>([
    ['not-found on stdout, exit 1', {exitCode: 1, stdout: `${CREDENTIALS_NOT_FOUND}\n`}],
    ['not-found on stderr, exit 1', {exitCode: 1, stderr: CREDENTIALS_NOT_FOUND}],
    ['empty Username and Secret, exit 0', {stdout: '{"ServerURL":"h","Username":"","Secret":""}'}],
    ['no fields, exit 0', {stdout: '{}'}],
    ['<token> with an empty secret', {stdout: '{"Username":"<token>","Secret":""}'}],
  ])('%s → no credential', async (_name, result) => {
    const {runHelper} = fakeRunner(result)
    await expect(helperGet('x', 'h', {runHelper})).resolves.toBeUndefined()
  })

  it.each<[string, Partial<HelperRunResult>, string]>([
    ['missing binary', {exitCode: null, error: errno('ENOENT')}, 'credential helper docker-credential-pass for ghcr.io: docker-credential-pass is not installed (not found in PATH)'],
    ['timeout', {exitCode: null, error: errno('ETIMEDOUT')}, 'credential helper docker-credential-pass for ghcr.io: get timed out after 10000 ms'],
    ['output limit', {exitCode: null, error: errno('ERR_OUTPUT_LIMIT')}, 'credential helper docker-credential-pass for ghcr.io: get printed too much output'],
    ['EACCES', {exitCode: null, error: errno('EACCES')}, 'credential helper docker-credential-pass for ghcr.io: could not run docker-credential-pass: EACCES'],
    ['other failure', {exitCode: 1, stdout: 'error getting credentials: dbus: connection refused\n'}, 'credential helper docker-credential-pass for ghcr.io: get exited with status 1: error getting credentials: dbus: connection refused'],
    ['failure on stderr only', {exitCode: 2, stderr: 'panic: boom\ngoroutine 1'}, 'credential helper docker-credential-pass for ghcr.io: get exited with status 2: panic: boom'],
    ['silent failure', {exitCode: 3}, 'credential helper docker-credential-pass for ghcr.io: get exited with status 3'],
    ['signal', {exitCode: null}, 'credential helper docker-credential-pass for ghcr.io: get was killed by a signal'],
    ['missing server URL', {exitCode: 1, stdout: 'no credentials server URL'}, 'credential helper docker-credential-pass for ghcr.io: get exited with status 1: no credentials server URL'],
    ['not-found text but exit 0', {exitCode: 0, stdout: CREDENTIALS_NOT_FOUND}, 'credential helper docker-credential-pass for ghcr.io: get printed something that is not a JSON object (40 bytes)'],
    ['invalid JSON with the secret inside', {stdout: `{"Username":"u","Secret":"${SECRET}"`}, 'credential helper docker-credential-pass for ghcr.io: get printed something that is not a JSON object (52 bytes)'],
    ['empty stdout', {stdout: ''}, 'credential helper docker-credential-pass for ghcr.io: get printed nothing (0 bytes)'],
    ['array', {stdout: '[]'}, 'credential helper docker-credential-pass for ghcr.io: get printed something that is not a JSON object (2 bytes)'],
    ['wrong types', {stdout: `{"Username":1,"Secret":"${SECRET}"}`}, 'credential helper docker-credential-pass for ghcr.io: get answered a Username or Secret that is not a string'],
  ])('%s → CredentialHelperError', async (_name, result, message) => {
    const {runHelper} = fakeRunner(result)
    const promise = helperGet('pass', 'ghcr.io', {runHelper})
    await expect(promise).rejects.toBeInstanceOf(CredentialHelperError)
    const error = (await promise.catch((caught: unknown) => caught)) as CredentialHelperError
    expect(error.message).toBe(message)
    expect(error.message).not.toContain(SECRET)
    expect(error.helper).toBe('pass')
    expect(error.serverUrl).toBe('ghcr.io')
  })

  it('redacts secrets a failing helper prints', async () => {
    const {runHelper} = fakeRunner({exitCode: 1, stdout: 'login failed: password=hunter2-SECRET-VALUE-9876 for https://u:pw123456@h'})
    const error = (await helperGet('x', 'h', {runHelper}).catch((caught: unknown) => caught)) as CredentialHelperError
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('pw123456')
  })

  it('bounds a long failure message', async () => {
    const {runHelper} = fakeRunner({exitCode: 1, stdout: 'x'.repeat(5000)})
    const error = (await helperGet('x', 'h', {runHelper}).catch((caught: unknown) => caught)) as CredentialHelperError
    expect(error.message.length).toBeLessThan(300)
  })
})

describe('helperList', () => {
  it('reads {serverURL: username} and sends a placeholder on stdin', async () => {
    const {runHelper, calls} = fakeRunner({stdout: '{"https://index.docker.io/v1/":"hubuser","ghcr.io":"<token>"}\n'})
    const listed = await helperList('secretservice', {runHelper})
    expect(Object.fromEntries(listed)).toEqual({'https://index.docker.io/v1/': 'hubuser', 'ghcr.io': '<token>'})
    expect(calls[0]).toMatchObject({program: 'docker-credential-secretservice', args: ['list'], input: 'unused'})
  })

  it.each<[string, Partial<HelperRunResult>, string]>([
    ['missing binary', {exitCode: null, error: errno('ENOENT')}, 'docker-credential-nope is not installed'],
    ['failure', {exitCode: 1, stdout: 'boom'}, 'list exited with status 1: boom'],
    ['not JSON', {stdout: 'nope'}, 'list printed something that is not a JSON object (4 bytes)'],
    ['non-string username', {stdout: '{"h": 1}'}, 'list answered a username that is not a string for h'],
  ])('%s → CredentialHelperError', async (_name, result, detail) => {
    const {runHelper} = fakeRunner(result)
    const promise = helperList('nope', {runHelper})
    await expect(promise).rejects.toBeInstanceOf(CredentialHelperError)
    await expect(promise).rejects.toThrow(`credential helper docker-credential-nope for *: ${detail}`)
  })
})
