/**
 * pull-check with credentials that live in a real Secret Service: the real
 * `docker-credential-secretservice` (credsStore and credHelpers) against an unlocked
 * gnome-keyring on a private D-Bus session, resolved by the real CLI, checked against the real
 * token-auth registry. Also a credential helper that is not installed.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {startPrivateSecretService, type PrivateSecretService} from '../harness/keyring.js'
import {SYSTEM_PATH, runCli} from './cli.js'

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

  it('a helper that is not installed makes that registry undetermined only (docker 29 stops there), with a clear message', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`, `${basic}/public/single:1.0`], {
      caFile: env.caFile,
      dockerConfig: {credHelpers: {[basic]: 'does-not-exist'}},
      env: keyring.env,
    })
    expect(result.exitCode).toBe(3)
    const report = JSON.parse(result.stdout) as {images: Array<{verdict: string; message?: string}>}
    expect(report.images[0]?.verdict).toBe('pullable')
    expect(report.images[1]?.verdict).toBe('credential-error')
    expect(report.images[1]?.message).toContain('docker-credential-does-not-exist')
  })
})

type HelperReport = {warnings?: string[]; images: Array<{verdict: string; message?: string; credential: {source: string}}>}

// A failing credential helper (issue 8; the lead's decision, session 4). docker 28's pull discarded
// the helper's error and pulled anonymously (`ResolveAuthConfig`: `a, _ := cfg.GetAuthConfig(…)`,
// docker/cli cli/command/registry.go v28.2.2). docker 29's `runPull` calls
// `RetrieveAuthTokenFromImage`, which returns it, and the pull stops before the daemon (docker/cli
// ad776d1e10, v29.0.0, unchanged to v29.7.2). "credentials not found in native keychain" alone is
// no credential, not an error (`nativeStore.getCredentialsFromStore`). So a failing helper for the
// image's registry is undetermined (exit 3), never a pass, and the registry is not asked.
describe('pull-check with docker\'s implicit default store failing (no D-Bus)', () => {
  // This machine as it is: docker-credential-secretservice on PATH, no D-Bus session, no
  // config.json — docker's LoadDefaultConfigFile picks secretservice (DetectDefaultStore).
  const machine = {DBUS_SESSION_BUS_ADDRESS: undefined, PATH: SYSTEM_PATH}

  it('undetermined for a public and a private image alike (exit 3), naming the helper, docker 29 vs 28 and the fix; no registry request', async () => {
    await env.resetRequestCounts()
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`, `${token}/private/app:1.0`], {caFile: env.caFile, env: machine})
    expect(result.exitCode, result.stderr).toBe(3)
    const report = JSON.parse(result.stdout) as HelperReport
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings?.[0]).toMatch(/^docker-credential-secretservice \(docker's default credential store: config\.json names none\) failed for 127\.0\.0\.1:\d+: .*D-Bus.*; docker 29\+ stops `docker pull` at this error, docker 28 went on anonymously\. Fix: /)
    expect(report.images.map((i) => [i.verdict, i.credential.source])).toEqual([
      ['credential-error', 'none'],
      ['credential-error', 'none'],
    ])
    expect(report.images[0]?.message).toMatch(
      /^docker-credential-secretservice \(docker's default credential store: config\.json names none\) failed for 127\.0\.0\.1:\d+: .*D-Bus.*\. Undetermined: docker 29\+ stops `docker pull` at this error, docker 28 went on anonymously\. Fix: run `echo 127\.0\.0\.1:\d+ \| docker-credential-secretservice get` .*, or take docker-credential-secretservice off PATH if you do not use it$/,
    )
    expect((await env.requestCounts('token')).total).toBe(0)
  })

  it('says the helper failure once, on stderr, as the image\'s note (no second "Warning:" copy); the table says credential-error', async () => {
    const result = await runCli(['pull-check', `${token}/public/single:1.0`], {caFile: env.caFile, dockerConfig: {}, env: machine})
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.stdout).toContain('! credential-error')
    expect(result.stdout).not.toContain('D-Bus')
    // README command 1 printed it as a warning and again as the note, word for word but the joint.
    expect(result.stderr.match(/docker-credential-secretservice \(docker's default/g)).toHaveLength(1)
    expect(result.stderr).not.toContain('Warning:')
    const note = result.stderr.split('\n').find((line) => line.startsWith(`! ${token}/public/single:1.0: docker-credential-secretservice `))
    expect(note).toMatch(/D-Bus.*\. Undetermined: docker 29\+ stops `docker pull` .* Fix: run `echo /)
  })

  it('two images of the registry: one note naming the registry and the count, both rows in the table', async () => {
    const result = await runCli(['pull-check', `${token}/public/single:1.0`, `${token}/private/app:1.0`], {caFile: env.caFile, dockerConfig: {}, env: machine})
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.stdout.split('\n').filter((line) => line.includes('! credential-error'))).toHaveLength(2)
    expect(result.stderr.match(/docker-credential-secretservice \(docker's default/g)).toHaveLength(1)
    expect(result.stderr).toContain(`! ${token} (2 images): docker-credential-secretservice `)
  })

  it('without the helper on PATH there is no implicit store: anonymous, public pullable (exit 0), as docker', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`], {caFile: env.caFile, env: {DBUS_SESSION_BUS_ADDRESS: undefined}})
    expect(result.exitCode, result.stderr).toBe(0)
    expect((JSON.parse(result.stdout) as HelperReport).images[0]).toMatchObject({verdict: 'pullable', credential: {source: 'anonymous'}})
    expect(result.stderr).toBe('')
  })
})

// Helpers as scripts, following the docker-credential-helpers protocol (client.Get: the program
// runs with `get`, the server URL on stdin; exit 0 with JSON, or non-zero with a message on stdout).
describe('pull-check with a credHelpers script that fails or finds nothing', () => {
  let bin: string

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'regctl-it-helpers-'))
    const scripts = {
      // The exact text docker-credential-helpers' client maps to "no credential" (credentials/error.go).
      'docker-credential-empty': 'echo "credentials not found in native keychain"; exit 1',
      'docker-credential-locked': 'echo "keychain is locked"; exit 1',
      'docker-credential-garbage': 'echo "not json"; exit 0',
    }
    for (const [name, body] of Object.entries(scripts)) {
      await writeFile(join(bin, name), `#!/bin/sh\nread -r url\n${body}\n`, {mode: 0o755})
    }
  })

  afterAll(async () => {
    if (bin) await rm(bin, {recursive: true, force: true})
  })

  it('"credentials not found": no credential, anonymous; public pullable, exit 0', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`], {caFile: env.caFile, dockerConfig: {credHelpers: {[token]: 'empty'}}, env: {PATH: bin}})
    expect(result.exitCode, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as HelperReport
    expect(report.images[0]).toMatchObject({verdict: 'pullable', credential: {source: 'anonymous'}})
    expect(report.warnings).toBeUndefined()
  })

  it.each([
    ['exits 1 with another message', 'locked', /keychain is locked/],
    ['exits 0 without JSON', 'garbage', /docker-credential-garbage/],
  ])('a helper that %s: its registry undetermined (exit 3), another registry checked', async (_name, helper, text) => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`, `${basic}/public/single:1.0`], {
      caFile: env.caFile,
      dockerConfig: {credHelpers: {[basic]: helper}},
      env: {PATH: bin},
    })
    expect(result.exitCode, result.stderr).toBe(3)
    const report = JSON.parse(result.stdout) as HelperReport
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'credential-error'])
    expect(report.images[1]?.message).toMatch(text)
    expect(report.images[1]?.message).toContain(`"credHelpers" entry for ${basic}`)
    expect(report.images[1]?.message).toContain('docker 29+ stops `docker pull` at this error, docker 28 went on anonymously')
  })
})
