import {describe, expect, it, vi} from 'vitest'

import type {ResolvedCredential} from '../../../src/lib/credentials/types.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {createKeyringReader, KeyringUnavailableError} from '../../../src/lib/github/keyring.js'
import {classifyToken, redactGitHubToken, resolveGitHubToken, type GitHubTokenSources} from '../../../src/lib/github/token.js'

const CLASSIC = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6abcd'
const CLASSIC2 = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4wxyz'
const FINE = 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP9876'
const OAUTH = 'gho_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6qrst'

const dockerCredential = (password: string | undefined) =>
  vi.fn(async (registry: string): Promise<ResolvedCredential | undefined> =>
    registry === 'ghcr.io' && password
      ? {credential: {username: 'octocat', password}, source: {kind: 'config-auths', label: 'config.json auths', path: '/h/.docker/config.json', key: 'ghcr.io'}}
      : undefined,
  )

describe('resolveGitHubToken', () => {
  it.each<[string, GitHubTokenSources, string | undefined, string | undefined]>([
    ['--token first', {flag: CLASSIC, env: {GH_TOKEN: CLASSIC2, GITHUB_TOKEN: OAUTH}, host: 'github.com'}, 'flag', CLASSIC],
    ['GH_TOKEN before GITHUB_TOKEN', {env: {GH_TOKEN: CLASSIC2, GITHUB_TOKEN: OAUTH}, host: 'github.com'}, 'GH_TOKEN', CLASSIC2],
    ['GITHUB_TOKEN', {env: {GITHUB_TOKEN: OAUTH}, host: 'github.com'}, 'GITHUB_TOKEN', OAUTH],
    ['empty values are skipped', {flag: '', env: {GH_TOKEN: '  ', GITHUB_TOKEN: OAUTH}, host: 'github.com'}, 'GITHUB_TOKEN', OAUTH],
    ['keyring after env', {env: {}, host: 'github.com', keyring: async () => CLASSIC}, 'keyring', CLASSIC],
    ['docker config last', {env: {}, host: 'github.com', keyring: async () => undefined, dockerCredential: dockerCredential(CLASSIC2)}, 'docker-config', CLASSIC2],
    ['docker config not for another host', {env: {}, host: 'ghe.example.com', dockerCredential: dockerCredential(CLASSIC2)}, undefined, undefined],
    ['nothing', {env: {}, host: 'github.com', dockerCredential: dockerCredential(undefined)}, undefined, undefined],
  ])('%s', async (_name, sources, source, token) => {
    const {token: found} = await resolveGitHubToken(sources)
    expect(found?.source).toBe(source)
    expect(found?.token).toBe(token)
  })

  it('asks the keyring for service regctl and the host as account', async () => {
    const keyring = vi.fn(async () => CLASSIC)
    await resolveGitHubToken({host: 'ghe.example.com', keyring})
    expect(keyring).toHaveBeenCalledWith('regctl', 'ghe.example.com')
  })

  it('does not consult later sources once one answers', async () => {
    const keyring = vi.fn(async () => CLASSIC)
    const docker = dockerCredential(CLASSIC2)
    await resolveGitHubToken({env: {GH_TOKEN: OAUTH}, host: 'github.com', keyring, dockerCredential: docker})
    expect(keyring).not.toHaveBeenCalled()
    expect(docker).not.toHaveBeenCalled()
  })

  it('reports the token redacted, with its kind', async () => {
    const {token} = await resolveGitHubToken({env: {GH_TOKEN: FINE}, host: 'github.com'})
    expect(token).toMatchObject({source: 'GH_TOKEN', kind: 'fine-grained', redacted: 'github_pat_…9876'})
    const classic = await resolveGitHubToken({flag: CLASSIC, host: 'github.com'})
    expect(classic.token?.redacted).toBe('ghp_…abcd')
  })

  it('an unavailable keyring is said once, in one line, only when no later source has a token', async () => {
    const keyring = createKeyringReader(async () => ({
      AsyncEntry: class {
        async getPassword(): Promise<string> {
          throw new Error("Couldn't access platform storage: AccessDenied\n\nCaused by:\n    AccessDenied\n\nStack backtrace:\n   0: <unknown>")
        }
      },
    }))
    const found = await resolveGitHubToken({host: 'github.com', keyring, dockerCredential: dockerCredential(CLASSIC2)})
    expect(found.token?.source).toBe('docker-config')
    expect(found.notes).toEqual([])
    const none = await resolveGitHubToken({host: 'github.com', keyring, dockerCredential: async () => undefined})
    expect(none.token).toBeUndefined()
    // No advice about flags: auth status has no --token (the command adds its own advice).
    expect(none.notes).toEqual(["OS keyring unavailable: Couldn't access platform storage: AccessDenied"])
  })

  it('no D-Bus session: one short line without the D-Bus internals', async () => {
    const keyring = createKeyringReader(async () => ({
      AsyncEntry: class {
        constructor() {
          throw new Error('Platform failure: DBus error: Failed to connect to socket /tmp/x/nobus: No such file or directory\nstack')
        }
      },
    }))
    const {notes} = await resolveGitHubToken({host: 'github.com', keyring})
    expect(notes).toEqual(['OS keyring unavailable: no Secret Service is running (a headless machine?)'])
  })

  it('the --insecure-storage file comes before the keyring, which is then not asked', async () => {
    const keyring = vi.fn(async () => CLASSIC2)
    const result = await resolveGitHubToken({host: 'github.com', keyring, tokenFile: async (host) => ({token: CLASSIC, path: `/c/regctl/github-token-${host}`})})
    expect(result.token).toMatchObject({source: 'insecure-file', path: '/c/regctl/github-token-github.com', kind: 'classic'})
    expect(keyring).not.toHaveBeenCalled()
    await expect(resolveGitHubToken({host: 'github.com', keyring, tokenFile: async () => undefined})).resolves.toMatchObject({token: {source: 'keyring'}})
  })

  it('lets a malformed Docker config fail (never a silent fall-back)', async () => {
    const broken = vi.fn(async () => {
      throw new ConfigError('/h/.docker/config.json', 'invalid JSON', {line: 1, column: 2})
    })
    await expect(resolveGitHubToken({host: 'github.com', dockerCredential: broken})).rejects.toThrow(ConfigError)
  })
})

describe('classifyToken', () => {
  it.each([
    [CLASSIC, 'classic'],
    ['0123456789abcdef0123456789abcdef01234567', 'classic'],
    [FINE, 'fine-grained'],
    [OAUTH, 'oauth'],
    ['ghu_abcdefghijklmnopqrstuvwxyz0123456789', 'user-to-server'],
    ['ghs_abcdefghijklmnopqrstuvwxyz0123456789', 'installation'],
    ['something-else', 'unknown'],
    // Recognised by classifySecret, but not an API token regctl can use.
    ['ghr_abcdefghijklmnopqrstuvwxyz0123456789', 'unknown'],
    ['dckr_pat_abcdefghijklmnopqrstuvwxyz0123', 'unknown'],
  ])('%s → %s', (token, kind) => {
    expect(classifyToken(token)).toBe(kind)
  })
})

describe('redactGitHubToken', () => {
  it.each([
    [CLASSIC, 'ghp_…abcd'],
    [FINE, 'github_pat_…9876'],
    ['ghr_abcdefghijklmnopqrstuvwxyz0123456789', 'ghr_…6789'],
    ['0123456789abcdef0123456789abcdef01234567', '…4567'],
    // Another provider's prefix is not shown: it is not a GitHub token.
    ['dckr_pat_abcdefghijklmnopqrstuvwxyz0123', '…0123'],
    ['ghp_short', '…'],
  ])('%s → %s', (token, redacted) => {
    expect(redactGitHubToken(token)).toBe(redacted)
  })
})

describe('createKeyringReader', () => {
  const moduleWith = (getPassword: () => Promise<string | null>) => async () => ({
    AsyncEntry: class {
      constructor(
        readonly service: string,
        readonly account: string,
      ) {}

      getPassword = getPassword
    },
  })

  it('returns the stored secret', async () => {
    await expect(createKeyringReader(moduleWith(async () => 'secret'))('regctl', 'github.com')).resolves.toBe('secret')
  })

  it('maps a missing entry to undefined', async () => {
    await expect(createKeyringReader(moduleWith(async () => null))('regctl', 'github.com')).resolves.toBeUndefined()
    await expect(
      createKeyringReader(moduleWith(async () => Promise.reject(new Error('No matching entry found in secure storage'))))('regctl', 'github.com'),
    ).resolves.toBeUndefined()
  })

  it('fails with one line when the module cannot be loaded', async () => {
    const reader = createKeyringReader(async () => {
      throw new Error("Cannot find module '@napi-rs/keyring-linux-x64-gnu'\nRequire stack:\n- x")
    })
    const error = await reader('regctl', 'github.com').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(KeyringUnavailableError)
    expect((error as Error).message).toBe("cannot load @napi-rs/keyring: Cannot find module '@napi-rs/keyring-linux-x64-gnu'")
  })

  it('fails when the module has no AsyncEntry', async () => {
    await expect(createKeyringReader(async () => ({}))('regctl', 'github.com')).rejects.toThrow('module has no AsyncEntry export')
  })

  it('loads the real native module lazily and answers or fails cleanly (never crashes)', async () => {
    // On this machine there may be no Secret Service: either outcome is fine, a crash is not.
    const outcome = await createKeyringReader()('regctl-test-nonexistent', 'nobody.invalid').then(
      (value) => ({value}),
      (error: unknown) => ({error}),
    )
    if ('error' in outcome) {
      expect(outcome.error).toBeInstanceOf(KeyringUnavailableError)
      expect((outcome.error as Error).message).not.toContain('\n')
    } else {
      expect(outcome.value).toBeUndefined()
    }
  })
})
