/**
 * `auth login github` / `auth logout github` as library calls: argument and token-input checks,
 * verification outcomes, keyring write + read-back, and the warnings, with a fake keyring and a
 * fake introspection (no network, no Secret Service).
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {GitHubApiError, NetworkError, UsageError} from '../../../src/lib/errors.js'
import type {GitHubEndpoint} from '../../../src/lib/github/api-url.js'
import type {TokenIntrospection} from '../../../src/lib/github/introspect.js'
import {KeyringUnavailableError, type KeyringStore} from '../../../src/lib/github/keyring.js'
import type {TokenFileStore} from '../../../src/lib/github/token-file.js'
import {introspectionOf} from '../../fixtures/github/factory.js'
import {adviceFor, checkKeyring, checkLoginArguments, loginGitHub, logoutGitHub, looksLikeSecret, MAX_TOKEN_LENGTH, parseTokenInput} from '../../../src/lib/github/login.js'
import {SECRET_PATTERNS} from '../../../src/lib/secrets/catalogue.js'

const CLASSIC = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6a1b2'
const FINE = 'github_pat_11ABCDEFG0_' + 'k'.repeat(59) + 'f1n3'
const DOTCOM: GitHubEndpoint = {apiUrl: 'https://api.github.com', host: 'github.com'}

const introspection = (overrides: Partial<TokenIntrospection> = {}): TokenIntrospection => introspectionOf({apiUrl: DOTCOM.apiUrl, ...overrides})

/** A keyring in memory; `keep: false` drops writes, `fail` makes every call throw it. */
function memoryKeyring(options: {keep?: boolean; fail?: Error} = {}): KeyringStore & {entries: Map<string, string>} {
  const entries = new Map<string, string>()
  const check = (): void => {
    if (options.fail) throw options.fail
  }

  return {
    entries,
    async get(service, account) {
      check()
      return entries.get(`${service}/${account}`)
    },
    async set(service, account, secret) {
      check()
      if (options.keep !== false) entries.set(`${service}/${account}`, secret)
    },
    async delete(service, account) {
      check()
      return entries.delete(`${service}/${account}`)
    },
  }
}

/** The `--insecure-storage` file store in memory; `fail` makes every call throw it. */
function memoryTokenFile(options: {fail?: Error} = {}): TokenFileStore & {files: Map<string, string>} {
  const files = new Map<string, string>()
  const check = (): void => {
    if (options.fail) throw options.fail
  }

  const path = (host: string): string => `/home/u/.config/regctl/github-token-${host}`
  return {
    files,
    path,
    async read(host) {
      check()
      const token = files.get(host)
      return token === undefined ? undefined : {token, path: path(host)}
    },
    async write(host, token) {
      check()
      files.set(host, token)
      return path(host)
    },
    async remove(host) {
      check()
      return files.delete(host)
    },
  }
}

describe('looksLikeSecret (the secret catalogue)', () => {
  // The hand-written rule it replaced. Everything it caught must still be caught: the change may
  // only refuse more arguments as tokens, never fewer.
  const before = (value: string): boolean => value.length >= 20 || /^(gh[pousr]_|github_pat_|dckr_|eyJ)/.test(value)

  it('catches everything the old prefix list caught (short values included)', () => {
    const prefixes = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'dckr_', 'eyJ']
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.string({maxLength: 30}), (prefix, rest) => {
        expect(looksLikeSecret(prefix + rest)).toBe(true)
      }),
      {numRuns: 2000},
    )
    fc.assert(
      fc.property(fc.string({maxLength: 40}), (value) => {
        if (before(value)) expect(looksLikeSecret(value)).toBe(true)
      }),
      {numRuns: 2000},
    )
  })

  it('catches every format of the catalogue, and a truncated paste of each prefix', () => {
    for (const entry of SECRET_PATTERNS) {
      expect(looksLikeSecret(entry.example), entry.id).toBe(true)
      if (entry.prefix) expect(looksLikeSecret(`${entry.prefix}x`), entry.id).toBe(true)
    }
  })

  it('does not take a provider-like word for a token', () => {
    for (const word of ['github', 'gitlab', 'docker', 'ghcr', 'quay.io', 'gh']) expect(looksLikeSecret(word), word).toBe(false)
  })
})

describe('checkLoginArguments', () => {
  it.each([
    ['github', [], undefined],
    ['gitlab', [], 'unknown provider "gitlab": only "github" is supported'],
    [CLASSIC, [], 'that argument looks like a token'],
    ['github', [CLASSIC], 'unexpected argument after "github"'],
  ])('%s %j', (provider, extra, message) => {
    const run = (): void => checkLoginArguments(provider, extra)
    if (message === undefined) {
      expect(run).not.toThrow()
      return
    }

    expect(run).toThrow(UsageError)
    expect(run).toThrow(message)
    // The refused token is never echoed back.
    try {
      run()
    } catch (error) {
      expect((error as Error).message).not.toContain(CLASSIC)
    }
  })
})

describe('parseTokenInput', () => {
  it('trims one token', () => {
    expect(parseTokenInput(`  ${CLASSIC}\n`, {interactive: false})).toBe(CLASSIC)
  })

  it.each([
    ['', false, 'no token on stdin: pipe one in'],
    ['  \n', true, 'no token entered'],
    ['x'.repeat(MAX_TOKEN_LENGTH + 1), false, `the input is ${MAX_TOKEN_LENGTH + 1} characters long`],
    [`${CLASSIC}\n${CLASSIC}`, false, 'expected exactly one token'],
    [`Bearer ${CLASSIC}`, false, 'expected exactly one token'],
  ])('refuses %j (interactive %s)', (raw, interactive, message) => {
    expect(() => parseTokenInput(raw, {interactive})).toThrow(message)
  })
})

describe('loginGitHub', () => {
  it('verifies, stores, reads back and reports who the token belongs to', async () => {
    const keyring = memoryKeyring()
    const asked: string[] = []
    const {result, kindShort} = await loginGitHub(CLASSIC, DOTCOM, {
      introspect: async (apiUrl, token) => {
        asked.push(`${apiUrl} ${token === CLASSIC}`)
        return introspection()
      },
      keyring,
      tokenFile: memoryTokenFile(),
      env: {},
    })
    expect(asked).toEqual(['https://api.github.com true'])
    expect(keyring.entries.get('regctl/github.com')).toBe(CLASSIC)
    expect(kindShort).toBe('classic PAT')
    expect(result).toMatchObject({
      provider: 'github',
      host: 'github.com',
      keyring: {service: 'regctl', account: 'github.com'},
      token: {kind: 'classic'},
      verified: true,
      login: 'octocat',
      scopes: ['read:packages'],
      expiresAt: null,
      expiry: 'no-expiry',
      warnings: [],
    })
    expect(JSON.stringify(result)).not.toContain(CLASSIC)
  })

  it('without introspect (--no-verify) stores unverified; environment variables are warned about', async () => {
    const keyring = memoryKeyring()
    const {result} = await loginGitHub(CLASSIC, DOTCOM, {keyring, tokenFile: memoryTokenFile(), env: {GH_TOKEN: 'x', GITHUB_TOKEN: ' ', REGCTL_NO_KEYRING: '1'}})
    expect(result).toMatchObject({verified: false, login: null, scopes: null, expiry: 'unknown'})
    expect(result.warnings).toEqual([
      'GH_TOKEN is set and takes precedence over the keyring entry',
      'REGCTL_NO_KEYRING is set: regctl will not read the keyring entry until it is unset',
    ])
  })

  it('warns about a secret that is not a GitHub token and still stores it', async () => {
    const {result} = await loginGitHub('not-a-github-token', DOTCOM, {keyring: memoryKeyring(), tokenFile: memoryTokenFile(), env: {}})
    expect(result.warnings[0]).toMatch(/^this does not look like a GitHub token \(.+\); storing it anyway$/)
  })

  it.each([
    ['rejected', introspection({status: 'rejected', checkedVia: {method: 'GET', path: '/user', httpStatus: 401}, message: 'Bad credentials'}), 'bad-credentials', /GitHub rejected the token ghp_…a1b2 \(HTTP 401: Bad credentials\)/],
    ['rate limited', introspection({status: 'unknown', checkedVia: {method: 'GET', path: '/user', httpStatus: 429}}), 'rate-limited', /could not verify the token ghp_…a1b2: HTTP 429/],
    ['server error', introspection({status: 'unknown', checkedVia: {method: 'GET', path: '/user', httpStatus: 502}, notes: ['GitHub is down']}), 'server-error', /: GitHub is down\. Nothing was stored/],
  ])('a %s token is not stored', async (_name, answer, reason, message) => {
    const keyring = memoryKeyring()
    const error = await loginGitHub(CLASSIC, DOTCOM, {introspect: async () => answer, keyring, tokenFile: memoryTokenFile(), env: {}}).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(GitHubApiError)
    expect((error as GitHubApiError).details).toMatchObject({reason, url: 'https://api.github.com/user'})
    expect((error as Error).message).toMatch(message)
    expect(keyring.entries.size).toBe(0)
  })

  it('a network failure says nothing was stored and keeps the URL', async () => {
    const error = await loginGitHub(CLASSIC, DOTCOM, {
      introspect: async () => {
        throw new NetworkError('https://api.github.com/user', 'ECONNREFUSED')
      },
      keyring: memoryKeyring(),
      tokenFile: memoryTokenFile(),
      env: {},
    }).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toBe(
      'could not reach https://api.github.com/user: ECONNREFUSED; nothing was stored (--no-verify stores without asking GitHub)',
    )
  })

  it('a keyring that drops the write, or cannot be reached, fails saying nothing was stored', async () => {
    await expect(loginGitHub(CLASSIC, DOTCOM, {keyring: memoryKeyring({keep: false}), tokenFile: memoryTokenFile(), env: {}})).rejects.toThrow(
      'cannot store the token in the OS keyring: the keyring did not keep the token (reading it back gave something else). Nothing was stored; set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage',
    )
    const locked = memoryKeyring({fail: new KeyringUnavailableError('no Secret Service')})
    await expect(loginGitHub(CLASSIC, DOTCOM, {keyring: locked, tokenFile: memoryTokenFile(), env: {}})).rejects.toBeInstanceOf(KeyringUnavailableError)
    const broken = memoryKeyring({fail: new TypeError('boom')})
    await expect(loginGitHub(CLASSIC, DOTCOM, {keyring: broken, tokenFile: memoryTokenFile(), env: {}})).rejects.toBeInstanceOf(TypeError)
  })

  it('a write the keyring never confirmed (its process timed out) is a failure that says the token was not stored', async () => {
    const silent = new KeyringUnavailableError('the keyring did not answer within 5 s (D-Bus session bus at unix:path=/run/user/1000/bus)')
    const keyring = {
      get: async () => undefined,
      set: async () => {
        throw silent
      },
      delete: async () => false,
    }
    const error = await loginGitHub(CLASSIC, DOTCOM, {keyring, tokenFile: memoryTokenFile(), env: {}}).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(KeyringUnavailableError)
    expect(error).toMatchObject({exitCode: 1})
    expect((error as Error).message).toBe(
      'cannot store the token in the OS keyring: the keyring did not answer within 5 s (D-Bus session bus at unix:path=/run/user/1000/bus). Nothing was stored; set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage',
    )
    expect((error as Error).message).not.toContain(CLASSIC)
  })
})

describe('adviceFor', () => {
  it.each([
    [{tokenKind: 'classic', scopes: ['repo']}, ['the token lacks read:packages, which ghcr ls needs (gh auth refresh -s read:packages, or a new classic token)']],
    [{tokenKind: 'classic', scopes: ['write:packages']}, []],
    [{tokenKind: 'classic', scopes: null}, []],
    [{tokenKind: 'fine-grained', scopes: null}, ['the GitHub Packages API (ghcr ls) accepts only classic personal access tokens (ghp_) with read:packages']],
    [{tokenKind: 'installation', scopes: null}, ['installation tokens (GITHUB_TOKEN) expire within an hour; storing one is rarely useful']],
    [{expiry: 'expiring-soon', expiresAt: '2026-06-03T00:00:00Z'}, ['the token expires soon, at 2026-06-03T00:00:00Z']],
    [{tokenKind: 'unknown', scopes: null}, []],
  ] as Array<[Partial<TokenIntrospection>, string[]]>)('%j', (overrides, advice) => {
    expect(adviceFor(introspection(overrides))).toEqual(advice)
  })

  it('a fine-grained token is stored with the API advice', async () => {
    const {result} = await loginGitHub(FINE, DOTCOM, {introspect: async () => introspection({tokenKind: 'fine-grained', scopes: null}), keyring: memoryKeyring(), tokenFile: memoryTokenFile(), env: {}})
    expect(result.token.kind).toBe('fine-grained')
    expect(result.warnings).toEqual(['the GitHub Packages API (ghcr ls) accepts only classic personal access tokens (ghp_) with read:packages'])
  })
})

describe('logoutGitHub', () => {
  it('removes the entry once; a second logout finds nothing', async () => {
    const keyring = memoryKeyring()
    keyring.entries.set('regctl/ghe.example.com', CLASSIC)
    expect(await logoutGitHub('ghe.example.com', {keyring, tokenFile: memoryTokenFile(), env: {GITHUB_TOKEN: 'x'}})).toEqual({
      provider: 'github',
      host: 'ghe.example.com',
      keyring: {service: 'regctl', account: 'ghe.example.com'},
      removed: true,
      warnings: ['GITHUB_TOKEN is still set: regctl keeps using it'],
      exitCode: 0,
    })
    expect((await logoutGitHub('ghe.example.com', {keyring, tokenFile: memoryTokenFile(), env: {}})).removed).toBe(false)
  })

  it('an unreachable keyring is an error saying nothing was removed', async () => {
    const keyring = memoryKeyring({fail: new KeyringUnavailableError('no D-Bus session')})
    await expect(logoutGitHub('github.com', {keyring, tokenFile: memoryTokenFile(), env: {}})).rejects.toThrow('OS keyring unavailable: no D-Bus session. Nothing was removed')
  })

  it('a headless machine: removes the --insecure-storage file and says the keyring could not be asked', async () => {
    const keyring = memoryKeyring({fail: new KeyringUnavailableError('no Secret Service is running (a headless machine?)')})
    const tokenFile = memoryTokenFile()
    tokenFile.files.set('github.com', CLASSIC)
    const result = await logoutGitHub('github.com', {keyring, tokenFile, env: {}})
    expect(result).toMatchObject({removed: true, file: '/home/u/.config/regctl/github-token-github.com'})
    expect(result.warnings).toEqual(['OS keyring unavailable: no Secret Service is running (a headless machine?). Only the plain-text file was removed'])
    expect(tokenFile.files.size).toBe(0)
  })
})

describe('--insecure-storage and the keyring check', () => {
  it('checkKeyring: a keyring that answers passes; one that cannot be reached stops with GH_TOKEN and --insecure-storage', async () => {
    await expect(checkKeyring(memoryKeyring(), 'github.com')).resolves.toBeUndefined()
    const headless = memoryKeyring({fail: new KeyringUnavailableError('no Secret Service is running (a headless machine?)')})
    const error = await checkKeyring(headless, 'github.com').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(KeyringUnavailableError)
    expect((error as Error).message).toBe(
      'OS keyring unavailable: no Secret Service is running (a headless machine?). Nothing was read or stored; set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage',
    )
  })

  it('stores in the file, never touches the keyring, and warns that it is plain text', async () => {
    const keyring = memoryKeyring({fail: new Error('the keyring must not be used')})
    const tokenFile = memoryTokenFile()
    const {result} = await loginGitHub(CLASSIC, DOTCOM, {introspect: async () => introspection(), keyring, tokenFile, storage: 'insecure-file', env: {}})
    expect(tokenFile.files.get('github.com')).toBe(CLASSIC)
    expect(result).toMatchObject({storage: 'insecure-file', file: '/home/u/.config/regctl/github-token-github.com', verified: true})
    expect(result.keyring).toBeUndefined()
    expect(result.warnings).toContain('the token is stored in plain text at /home/u/.config/regctl/github-token-github.com: anyone who can read that file can use it')
    expect(JSON.stringify(result)).not.toContain(CLASSIC)
  })

  it('a keyring login removes an older --insecure-storage file, which would shadow it', async () => {
    const keyring = memoryKeyring()
    const tokenFile = memoryTokenFile()
    tokenFile.files.set('github.com', 'ghp_' + 'o'.repeat(36))
    const {result} = await loginGitHub(CLASSIC, DOTCOM, {keyring, tokenFile, env: {}})
    expect(result.storage).toBe('keyring')
    expect(tokenFile.files.has('github.com')).toBe(false)
    expect(keyring.entries.get('regctl/github.com')).toBe(CLASSIC)
    expect(result.warnings).toContain('removed the plain-text token file /home/u/.config/regctl/github-token-github.com: the keyring holds the token now')
  })
})
