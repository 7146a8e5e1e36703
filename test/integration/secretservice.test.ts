/**
 * The credential store against a real Secret Service: a private D-Bus session bus, an unlocked
 * gnome-keyring, and the real `docker-credential-secretservice`, resolved through
 * `createCredentialLookup` with the real helper runner and a temporary config.json.
 *
 * Self-contained: it needs no globalSetup and touches no real user config (HOME, XDG_* and
 * DOCKER_CONFIG all point into a temp dir). Helpers run with a PATH holding only
 * `docker-credential-secretservice`, which shows `docker-credential-pass` (and `pass`) are not needed.
 */
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {helperGet} from '../../src/lib/credentials/helper.js'
import {lookPath, runHelperProcess} from '../../src/runtime/credential-helper-process.js'
import {readTextFile} from '../../src/runtime/files.js'
import {createCredentialLookup, type CredentialLookupOptions} from '../../src/lib/credentials/store.js'
import {CredentialHelperError} from '../../src/lib/errors.js'
import {startPrivateSecretService, type PrivateSecretService} from '../harness/keyring.js'

const HUB = 'https://index.docker.io/v1/'
const REQUIRED = ['dbus-daemon', 'gnome-keyring-daemon', 'docker-credential-secretservice'] as const
const systemPath = process.env['PATH']
const found = await Promise.all(REQUIRED.map((program) => lookPath(program, systemPath)))
const missing = REQUIRED.filter((_program, index) => found[index] === undefined)

// Never skip silently: a machine without these programs fails here, naming what to install.
describe('docker-credential-secretservice on a private Secret Service', () => {
  let dir: string
  let secretService: PrivateSecretService | undefined
  let helperEnv: Record<string, string | undefined>
  let configPath: string

  const store = async (serverUrl: string, username: string, secret: string): Promise<void> => {
    const result = await runHelperProcess('docker-credential-secretservice', ['store'], JSON.stringify({ServerURL: serverUrl, Username: username, Secret: secret}), {
      timeoutMs: 10_000,
      env: helperEnv,
    })
    expect(result, result.stdout + result.stderr).toMatchObject({exitCode: 0})
  }

  const lookupOptions = (config: unknown, extra: Partial<CredentialLookupOptions> = {}): CredentialLookupOptions => ({
    configPath,
    readFile: async (path) => (path === configPath ? JSON.stringify(config) : readTextFile(path)),
    runHelper: runHelperProcess,
    helperEnv,
    helperTimeoutMs: 10_000,
    ...extra,
  })

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(`missing ${missing.join(', ')}: apt-get install dbus gnome-keyring golang-docker-credential-helpers`)
    }

    dir = await mkdtemp(join(tmpdir(), 'regctl-secretservice-'))
    const bin = join(dir, 'bin')
    await mkdir(bin)
    await mkdir(join(dir, '.docker'))
    configPath = join(dir, '.docker', 'config.json')
    await symlink(found[2] ?? '', join(bin, 'docker-credential-secretservice'))

    // The harness's private bus has no service directories (no D-Bus activation of a second,
    // unmanaged gnome-keyring-daemon) and it waits until the keyring owns org.freedesktop.secrets.
    secretService = await startPrivateSecretService(dir, {timeoutMs: 20_000})
    expect(secretService.address).toMatch(/^unix:/)
    helperEnv = {...secretService.env, PATH: bin}

    // Wait (bounded) until the helper itself can talk to the keyring: until then it fails.
    let ready = false
    for (let attempt = 0; attempt < 100 && !ready; attempt++) {
      const result = await runHelperProcess('docker-credential-secretservice', ['list'], 'unused', {timeoutMs: 5_000, env: helperEnv})
      ready = result.exitCode === 0
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
    }

    expect(ready).toBe(true)

    await store('localhost:5000', 'alice', 'alice-secret-0001')
    await store(HUB, '<token>', 'hub-identity-token-0002')
    await store('ghcr.io', 'octocat', 'ghcr-secret-0003')
  }, 60_000)

  afterAll(async () => {
    await secretService?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  }, 30_000)

  it('resolves credsStore and credHelpers through the real helper', async () => {
    const lookup = createCredentialLookup(lookupOptions({credsStore: 'secretservice', credHelpers: {'ghcr.io': 'secretservice'}, auths: {'localhost:5000': {}}}))

    await expect(lookup('localhost:5000')).resolves.toEqual({
      credential: {username: 'alice', password: 'alice-secret-0001'},
      source: {kind: 'credential-helper', label: 'credsStore secretservice', helper: 'secretservice', path: configPath, via: 'credsStore', key: 'localhost:5000'},
    })
    await expect(lookup('docker.io')).resolves.toEqual({
      credential: {identityToken: 'hub-identity-token-0002'},
      source: {kind: 'credential-helper', label: 'credsStore secretservice', helper: 'secretservice', path: configPath, via: 'credsStore', key: HUB},
    })
    await expect(lookup('ghcr.io')).resolves.toEqual({
      credential: {username: 'octocat', password: 'ghcr-secret-0003'},
      source: {kind: 'credential-helper', label: 'credential helper secretservice', helper: 'secretservice', path: configPath, via: 'credHelpers', key: 'ghcr.io'},
    })
  })

  it('answers "no credential" for a host the keyring does not hold', async () => {
    const lookup = createCredentialLookup(lookupOptions({credsStore: 'secretservice'}))
    await expect(lookup('other.example:5000')).resolves.toBeUndefined()
    // The helper speaks the not-found protocol: the exact message and a non-zero status.
    const raw = await runHelperProcess('docker-credential-secretservice', ['get'], 'other.example:5000', {timeoutMs: 10_000, env: helperEnv})
    expect(raw.exitCode).not.toBe(0)
    expect(raw.stdout.trim()).toBe('credentials not found in native keychain')
    await expect(helperGet('secretservice', 'other.example:5000', {runHelper: runHelperProcess, env: helperEnv})).resolves.toBeUndefined()
  })

  it('a missing helper binary fails only the registries that need it', async () => {
    const lookup = createCredentialLookup(lookupOptions({credsStore: 'nonexistent', credHelpers: {'localhost:5000': 'secretservice'}}))
    const failed = await lookup('ghcr.io').catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(CredentialHelperError)
    expect((failed as CredentialHelperError).message).toBe(
      'credential helper docker-credential-nonexistent for ghcr.io: docker-credential-nonexistent is not installed (not found in PATH)',
    )
    await expect(lookup('localhost:5000')).resolves.toMatchObject({credential: {username: 'alice'}, source: {label: 'credential helper secretservice'}})

  })

  it('reads config.json from disk through the real reader', async () => {
    await writeFile(configPath, JSON.stringify({credsStore: 'secretservice'}))
    const lookup = createCredentialLookup({configPath, readFile: readTextFile, runHelper: runHelperProcess, helperEnv})
    await expect(lookup('localhost:5000')).resolves.toMatchObject({credential: {username: 'alice', password: 'alice-secret-0001'}})
  })
})
