/**
 * The live verifier of auth status (RegistryClient.verifyCredentials, one client per check over a
 * shared transport), against the scriptable fake registry of the registry client tests: one fresh token exchange per call, Basic and
 * registry-token checked with `GET /v2/`, rejections as AuthError, unreachable as NetworkError.
 */
import {createServer} from 'node:net'

import {describe, expect, it} from 'vitest'

import {createCredentialVerifier} from '../../../src/lib/checks/live-verifier.js'
import type {ResolvedCredential} from '../../../src/lib/credentials/types.js'
import {AuthError, NetworkError} from '../../../src/lib/errors.js'
import {Transport} from '../../../src/lib/registry/transport.js'
import {type FakeRegistryOptions, closeAfterEach, fakeRegistry, startServer, userPass} from '../registry/harness.js'

const track = closeAfterEach()

async function setup(opts: FakeRegistryOptions) {
  const fake = fakeRegistry(opts)
  const server = await startServer(fake.handler)
  fake.origin.value = server.origin
  track.server(server)
  const transport = new Transport({timeoutMs: 5000})
  track.client(transport)
  const verify = createCredentialVerifier({transport, now: Date.now})
  const paths = () => server.requests.map((r) => `${r.method} ${new URL(r.url, server.origin).pathname}${r.headers.authorization ? ' (auth)' : ''}`)
  return {server, verify, paths}
}

const SCOPES = ['repository:regctl-auth-probe:push,pull']

describe('verifyCredentials', () => {
  it('bearer: pings anonymously, exchanges the credential once, returns the issued token', async () => {
    const {server, verify, paths} = await setup({auth: 'bearer', users: {alice: 'pw'}, expiresIn: 300})
    const check = await verify(server.host, userPass('alice', 'pw'), SCOPES)
    expect(check).toMatchObject({scheme: 'bearer', withCredentials: true, token: expect.stringMatching(/^tok\.alice\./)})
    expect(paths()).toEqual(['GET /v2/', 'GET /token (auth)'])
    const token = server.requests[1]
    expect(new URL(token?.url ?? '', server.origin).searchParams.getAll('scope')).toEqual(SCOPES)
  })

  it('bearer: a wrong password is AuthError credentials-rejected after one exchange', async () => {
    const {server, verify, paths} = await setup({auth: 'bearer', users: {alice: 'pw'}})
    const error = await verify(server.host, userPass('alice', 'nope'), SCOPES).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).details.reason).toBe('credentials-rejected')
    expect(paths()).toEqual(['GET /v2/', 'GET /token (auth)'])
  })

  it('bearer: an identity token goes through the OAuth2 POST', async () => {
    const {server, verify, paths} = await setup({auth: 'bearer', refreshTokens: {'refresh-1': 'alice'}})
    const resolved: ResolvedCredential = {credential: {identityToken: 'refresh-1'}, source: {kind: 'config-auths', label: 'x', path: '/x', key: 'k'}}
    expect(await verify(server.host, resolved, SCOPES)).toMatchObject({scheme: 'bearer', withCredentials: true})
    expect(paths()).toEqual(['GET /v2/', 'POST /token'])
  })

  it.each([
    ['accepted', 'pw', undefined],
    ['rejected', 'nope', 'credentials-rejected'],
  ])('basic: GET /v2/ with the credential (%s)', async (_name, password, reason) => {
    const {server, verify, paths} = await setup({auth: 'basic', users: {alice: 'pw'}})
    const result = await verify(server.host, userPass('alice', password), SCOPES).then(
      (check) => check,
      (error: unknown) => error,
    )
    if (reason) expect((result as AuthError).details.reason).toBe(reason)
    else expect(result).toEqual({scheme: 'basic', withCredentials: true})
    expect(paths()).toEqual(['GET /v2/', 'GET /v2/ (auth)'])
  })

  it('an open registry needs no credential: nothing is sent', async () => {
    const {server, verify, paths} = await setup({auth: 'none'})
    expect(await verify(server.host, userPass('alice', 'pw'), SCOPES)).toEqual({scheme: 'none', withCredentials: false})
    expect(paths()).toEqual(['GET /v2/'])
  })

  it('a registry token is sent as is to /v2/', async () => {
    const {server, verify, paths} = await setup({auth: 'bearer'})
    const resolved: ResolvedCredential = {credential: {registryToken: 'static-registry-token'}, source: {kind: 'config-auths', label: 'x', path: '/x', key: 'k'}}
    expect(await verify(server.host, resolved, SCOPES)).toEqual({scheme: 'registry-token', withCredentials: true})
    expect(paths()).toEqual(['GET /v2/', 'GET /v2/ (auth)'])
  })

  it('a closed port is a NetworkError', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
      })
    })
    const transport = new Transport({timeoutMs: 5000})
    track.client(transport)
    const verify = createCredentialVerifier({transport, now: Date.now})
    await expect(verify(`127.0.0.1:${port}`, userPass('a', 'b'), SCOPES)).rejects.toBeInstanceOf(NetworkError)
  })
})
