/**
 * pull-check with credentials that live in a real Secret Service: the real
 * `docker-credential-secretservice` (credsStore and credHelpers) against an unlocked
 * gnome-keyring on a private D-Bus session, resolved by the real CLI, checked against the real
 * token-auth registry. Also a credential helper that is not installed.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {startPrivateSecretService, type PrivateSecretService} from '../harness/keyring.js'
import {runCli} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const basic = env.registries.basic.host

describe('pull-check with credentials from docker-credential-secretservice', () => {
  let dir: string
  let keyring: PrivateSecretService

  const storeCredential = async (serverUrl: string, username: string, secret: string): Promise<void> => {
    const child = promisify(execFile)('docker-credential-secretservice', ['store'], {env: {...process.env, ...keyring.env}, timeout: 10_000})
    child.child.stdin?.end(JSON.stringify({ServerURL: serverUrl, Username: username, Secret: secret}))
    await child
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'regctl-it-keyring-'))
    keyring = await startPrivateSecretService(dir)
    await storeCredential(token, env.users.puller.username, env.users.puller.password)
    await storeCredential(basic, env.users.alice.username, env.users.alice.password)
  })

  afterAll(async () => {
    await keyring?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('credsStore: the helper supplies the login, the registry accepts it', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/private/app:1.0`, `${basic}/private/app:1.0`], {
      caFile: env.caFile,
      dockerConfig: {credsStore: 'secretservice'},
      env: keyring.env,
    })
    expect(result.exitCode, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as {images: Array<{verdict: string; credential: {source: string; username?: string}}>}
    expect(report.images).toEqual([
      expect.objectContaining({verdict: 'pullable', credential: {source: 'credsStore secretservice', username: 'puller'}}),
      expect.objectContaining({verdict: 'pullable', credential: {source: 'credsStore secretservice', username: 'alice'}}),
    ])
    expect(result.stdout + result.stderr).not.toContain(env.users.puller.password)
  })

  it('credHelpers: per-registry helper; a registry the keyring does not know stays anonymous', async () => {
    // The keyring holds the htpasswd registry as 127.0.0.1:PORT; as localhost:PORT (in the TLS
    // certificate too) it is a registry the keyring does not know. The helper answers "credentials
    // not found", which is no credential (anonymous), not an error: the registry then refuses.
    const unknown = basic.replace(/^127\.0\.0\.1:/, 'localhost:')
    const result = await runCli(['pull-check', '--json', `${token}/private/app:1.0`, `${unknown}/private/app:1.0`], {
      caFile: env.caFile,
      dockerConfig: {credHelpers: {[token]: 'secretservice', [unknown]: 'secretservice'}},
      env: keyring.env,
    })
    expect(result.exitCode, result.stderr).toBe(1)
    const report = JSON.parse(result.stdout) as {images: Array<{verdict: string; credential: {source: string}}>}
    expect(report.images.map((i) => [i.verdict, i.credential.source])).toEqual([
      ['pullable', 'credential helper secretservice'],
      ['unauthorized', 'anonymous'],
    ])
  })

  it('a helper that is not installed fails that registry only, with a clear message', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`, `${basic}/public/single:1.0`], {
      caFile: env.caFile,
      dockerConfig: {credHelpers: {[basic]: 'does-not-exist'}},
      env: keyring.env,
    })
    expect(result.exitCode).toBe(1)
    const report = JSON.parse(result.stdout) as {images: Array<{verdict: string; message?: string}>}
    expect(report.images[0]?.verdict).toBe('pullable')
    expect(report.images[1]?.verdict).toBe('unauthorized')
    expect(report.images[1]?.message).toContain('docker-credential-does-not-exist')
  })
})

// docker's implicit default store (issue 8): config.json names no credential source, so docker
// consults docker-credential-secretservice (on PATH here); with no D-Bus its `get` fails, and
// docker prints that error and goes on anonymously (docker/cli cli/config/config.go
// `LoadDefaultConfigFile` + `credentials.DetectDefaultStore`; measured with docker CLI 28.2).
describe('pull-check with docker\'s implicit default store failing (no D-Bus)', () => {
  const noDbus = {DBUS_SESSION_BUS_ADDRESS: undefined}

  it('warns naming the helper and the fix, and checks anonymously: public pullable, private unauthorized', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`, `${token}/private/app:1.0`], {
      caFile: env.caFile,
      dockerConfig: {},
      env: noDbus,
    })
    expect(result.exitCode, result.stderr).toBe(1)
    const report = JSON.parse(result.stdout) as {warnings?: string[]; images: Array<{verdict: string; message?: string; credential: {source: string}}>}
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings?.[0]).toMatch(/^docker-credential-secretservice .*failed for .*going on anonymously.*Fix: /)
    expect(report.images[0]).toEqual(expect.objectContaining({verdict: 'pullable', credential: {source: 'anonymous'}}))
    expect(report.images[1]).toEqual(expect.objectContaining({verdict: 'unauthorized', credential: {source: 'anonymous'}}))
    expect(report.images[1]?.message).toContain('docker-credential-secretservice')
  })

  it('prints the warning on stderr, not stdout, without --json', async () => {
    const result = await runCli(['pull-check', `${token}/public/single:1.0`], {caFile: env.caFile, dockerConfig: {}, env: noDbus})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/Warning: docker-credential-secretservice .*going on anonymously/)
    expect(result.stdout).not.toContain('docker-credential-secretservice')
  })
})
