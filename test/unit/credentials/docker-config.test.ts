import {readFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {
  configPath,
  containsAuth,
  loadDockerConfig,
  parseDockerAuthConfig,
  parseDockerConfig,
  type DockerConfig,
} from '../../../src/lib/credentials/docker-config.js'
import {findJsonSyntaxError} from '../../../src/lib/credentials/json-syntax.js'
import {ConfigError} from '../../../src/lib/errors.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/docker-config/', import.meta.url))

async function fixture(name: string): Promise<{text: string; path: string}> {
  const path = `${FIXTURES}${name}`
  return {text: await readFile(path, 'utf8'), path}
}

async function parseFixture(name: string): Promise<DockerConfig> {
  const {text, path} = await fixture(name)
  return parseDockerConfig(text, path)
}

function catchError(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }

  throw new Error('expected an error')
}

/** Every secret planted in the broken fixtures. */
const SECRETS = ['SUPER-SECRET', 'bGVha3k6U1VQRVItU0VDUkVULVZBTFVFLTEyMw', 'U1VQRVItU0VDUkVU', 'OlNVUEVSLVNFQ1JFVC1QQVNTV09SRA']

describe('parseDockerConfig: valid shapes', () => {
  it('decodes base64 auth, splitting at the first colon', async () => {
    const config = await parseFixture('auths-basic.json')
    expect([...config.auths.keys()]).toEqual([
      'https://index.docker.io/v1/',
      'ghcr.io',
      'https://reg.example:5000/v1/',
      'localhost:5000',
    ])
    expect(config.auths.get('ghcr.io')).toEqual({credential: {username: 'octocat', password: 'pw:with:colons'}})
    expect(config.auths.get('https://index.docker.io/v1/')?.credential).toEqual({username: 'hubuser', password: 'hub-pass-ABCDEF123456'})
    expect(config.credsStore).toBeUndefined()
    expect(config.credHelpers.size).toBe(0)
  })

  it.each([
    ['registry.example', {credential: {username: 'plain', password: 'plain-pass'}, email: 'plain@example.com'}],
    ['token.example', {credential: {identityToken: 'refresh-token-XYZ'}}],
    ['bearer.example', {credential: {registryToken: 'bearer-token-XYZ'}}],
    // LoadFromReader: a non-empty `auth` replaces username/password.
    ['both.example', {credential: {username: 'fromauth', password: 'auth-pass'}}],
    // decodeAuth trims NUL bytes from the password.
    ['nul.example', {credential: {username: 'nul', password: 'nul-pass'}}],
    ['placeholder.example', {credential: {}}],
    ['null.example', {credential: {}}],
  ])('auths entry %s', async (key, expected) => {
    const config = await parseFixture('auths-fields.json')
    expect(config.auths.get(key)).toEqual(expected)
  })

  it('reads credsStore and keeps placeholder auths', async () => {
    const config = await parseFixture('creds-store.json')
    expect(config.credsStore).toBe('desktop')
    expect(config.auths.get('ghcr.io')).toEqual({credential: {}})
  })

  it('reads credHelpers, an empty helper included', async () => {
    const config = await parseFixture('cred-helpers.json')
    expect(Object.fromEntries(config.credHelpers)).toEqual({
      'gcr.io': 'gcloud',
      'us-docker.pkg.dev': 'gcloud',
      'ghcr.io': '',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login',
    })
  })

  it('matches field names case-insensitively, like Go', async () => {
    const config = await parseFixture('case-insensitive.json')
    expect(config.auths.get('quay.io')?.credential).toEqual({username: 'quayuser', password: 'quay-pass', identityToken: 'quay-token'})
    expect(config.credsStore).toBe('pass')
    expect(config.credHelpers.get('gcr.io')).toBe('gcloud')
  })

  it.each([
    ['unknown-keys.json', 'ignores keys it does not know'],
    ['null-values.json', 'reads null as absent'],
    ['empty.json', 'reads an empty file as an empty config (io.EOF)'],
    ['whitespace.json', 'reads a whitespace-only file as an empty config'],
  ])('%s: %s', async (name) => {
    const config = await parseFixture(name)
    expect(config.auths.size).toBe(0)
    expect(config.credHelpers.size).toBe(0)
    expect(config.credsStore).toBeUndefined()
    expect(containsAuth(config)).toBe(false)
  })

  it('accepts a byte order mark', async () => {
    const config = await parseFixture('bom.json')
    expect(config.auths.get('ghcr.io')?.credential).toEqual({username: 'bom', password: 'bom-pass'})
  })

  it('treats an empty credsStore as none', () => {
    expect(parseDockerConfig('{"credsStore": ""}', 'x').credsStore).toBeUndefined()
  })
})

describe('parseDockerConfig: broken files', () => {
  it.each([
    ['syntax-trailing-comma.json', {line: 5, column: 3}, "invalid JSON: expected a property name, unexpected '}'"],
    ['syntax-truncated.json', {line: 5, column: 1}, 'invalid JSON: unexpected end of input'],
    ['syntax-missing-colon.json', {line: 3, column: 15}, "invalid JSON: expected ':', unexpected '{'"],
    ['syntax-single-quotes.json', {line: 1, column: 2}, 'invalid JSON: expected a property name, unexpected character'],
    ['syntax-trailing-garbage.json', {line: 2, column: 1}, 'invalid JSON: unexpected data after the JSON value'],
    ['syntax-unterminated-string.json', {line: 1, column: 73}, 'invalid JSON: control character in string'],
  ])('%s → ConfigError at line:column', async (name, position, detail) => {
    const {text, path} = await fixture(name)
    const error = catchError(() => parseDockerConfig(text, path))
    expect(error).toBeInstanceOf(ConfigError)
    const configError = error as ConfigError
    expect(configError.path).toBe(path)
    expect(configError.position).toEqual(position)
    expect(configError.detail).toBe(detail)
    expect(configError.message).toBe(`${path}:${position.line}:${position.column}: ${detail}`)
    for (const secret of SECRETS) expect(configError.message).not.toContain(secret)
  })

  it.each([
    ['top-array.json', 'expected a JSON object at the top level, got an array'],
    ['auths-array.json', 'auths: expected an object, got an array'],
    ['auths-entry-string.json', 'auths["ghcr.io"]: expected an object, got a string'],
    ['auth-not-base64.json', 'auths["ghcr.io"].auth: not valid base64'],
    ['auth-unpadded.json', 'auths["ghcr.io"].auth: not valid base64'],
    ['auth-no-colon.json', `auths["ghcr.io"].auth: decoded value has no ':' between username and password`],
    ['auth-empty-username.json', 'auths["ghcr.io"].auth: decoded value has an empty username'],
    ['auth-number.json', 'auths["ghcr.io"].auth: expected a string, got a number'],
    ['password-object.json', 'auths["ghcr.io"].password: expected a string, got an object'],
    ['credsstore-number.json', 'credsStore: expected a string, got a number'],
    ['credhelpers-array.json', 'credHelpers: expected an object, got an array'],
    ['credhelper-number.json', 'credHelpers["gcr.io"]: expected a string, got a boolean'],
    ['credhelper-path.json', `credHelpers["gcr.io"]: a helper name must not contain '/', '\\' or NUL`],
  ])('%s → ConfigError naming the key', async (name, detail) => {
    const {text, path} = await fixture(name)
    const error = catchError(() => parseDockerConfig(text, path))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).detail).toBe(detail)
    expect((error as ConfigError).position).toBeUndefined()
    expect((error as ConfigError).message).toBe(`${path}: ${detail}`)
    for (const secret of SECRETS) expect((error as ConfigError).message).not.toContain(secret)
  })

  it('redacts userinfo in a key it names', () => {
    const error = catchError(() => parseDockerConfig('{"auths": {"https://u:topsecretpw@h.example": 1}}', 'c.json')) as ConfigError
    expect(error.message).not.toContain('topsecretpw')
    expect(error.message).toContain('REDACTED')
  })
})

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, 2.5e-3, -0, true, false, null, "\\u00e9\\n"]', undefined],
    ['  {"a": {"b": []}}  ', undefined],
    ['{"a": 01}', {line: 1, column: 8, reason: "expected ',' or '}', unexpected character"}],
    ['[1,]', {line: 1, column: 4, reason: "unexpected ']'"}],
    ['"\\x"', {line: 1, column: 2, reason: 'invalid escape in string'}],
    ['nul', {line: 1, column: 1, reason: 'unexpected character'}],
    ['{"a":\n\n  tru}', {line: 3, column: 3, reason: 'unexpected character'}],
    ['', {line: 1, column: 1, reason: 'unexpected end of input'}],
  ])('%j', (text, expected) => {
    const found = findJsonSyntaxError(text)
    if (expected === undefined) {
      expect(found).toBeUndefined()
      expect(() => JSON.parse(text) as unknown).not.toThrow()
    } else {
      expect(found).toMatchObject(expected)
      expect(() => JSON.parse(text) as unknown).toThrow()
    }
  })

  it('bounds nesting', () => {
    expect(findJsonSyntaxError('['.repeat(600) + ']'.repeat(600))?.reason).toBe('nesting too deep')
  })
})

describe('loadDockerConfig', () => {
  it('resolves undefined for a missing file (ENOENT)', async () => {
    const readFile = () => Promise.reject(Object.assign(new Error('nope'), {code: 'ENOENT'}))
    await expect(loadDockerConfig({path: '/nope/config.json', readFile})).resolves.toBeUndefined()
  })

  it('ENOTDIR (DOCKER_CONFIG set to the file itself) gets its own one-line hint', async () => {
    const readFile = () => Promise.reject(Object.assign(new Error('ENOTDIR: not a directory'), {code: 'ENOTDIR'}))
    const promise = loadDockerConfig({path: '/home/me/.docker/config.json/config.json', readFile})
    await expect(promise).rejects.toBeInstanceOf(ConfigError)
    await expect(promise).rejects.toThrow(
      '/home/me/.docker/config.json/config.json: cannot read: /home/me/.docker/config.json is not a directory: DOCKER_CONFIG names a directory; if it points at a file, set DOCKER_CONFIG=/home/me/.docker',
    )
  })

  it.each([
    ['EACCES', 'permission denied'],
    ['EISDIR', 'is a directory'],
    ['ELOOP', 'too many symbolic links'],
  ])('without onUnreadable, %s is a ConfigError with the path and the reason in words', async (code, words) => {
    const readFile = () => Promise.reject(Object.assign(new Error(`${code}: denied`), {code}))
    const promise = loadDockerConfig({path: '/etc/config.json', readFile})
    await expect(promise).rejects.toBeInstanceOf(ConfigError)
    await expect(promise).rejects.toThrow(`/etc/config.json: cannot read: ${words}`)
  })

  // docker/cli LoadDefaultConfigFile: "WARNING: Error loading config file: …", then an empty config.
  it.each([
    ['EACCES', 'permission denied'],
    ['EISDIR', 'is a directory'],
    ['ELOOP', 'too many symbolic links'],
    ['EIO', 'input/output error'],
  ])('with onUnreadable, %s is reported and the file reads as absent (docker warns and goes on)', async (code, words) => {
    const readFile = () => Promise.reject(Object.assign(new Error(`${code}: denied`), {code}))
    const told: unknown[] = []
    await expect(loadDockerConfig({path: '/etc/config.json', readFile, onUnreadable: (u) => told.push(u)})).resolves.toBeUndefined()
    expect(told).toEqual([{path: '/etc/config.json', reason: words}])
  })

  it('with onUnreadable, a malformed file, ENOTDIR and an error without errno still throw', async () => {
    const onUnreadable = () => {
      throw new Error('must not be told')
    }

    await expect(loadDockerConfig({path: '/c.json', readFile: async () => '{"auths": [', onUnreadable})).rejects.toBeInstanceOf(ConfigError)
    const enotdir = () => Promise.reject(Object.assign(new Error('ENOTDIR'), {code: 'ENOTDIR'}))
    await expect(loadDockerConfig({path: '/f/config.json', readFile: enotdir, onUnreadable})).rejects.toThrow(/is not a directory/)
    const bound = () => Promise.reject(new Error('5000000 bytes, over the bound of 4194304'))
    await expect(loadDockerConfig({path: '/c.json', readFile: bound, onUnreadable})).rejects.toThrow('/c.json: cannot read: 5000000 bytes, over the bound of 4194304')
  })

  it('parses what it read', async () => {
    const {text, path} = await fixture('creds-store.json')
    const config = await loadDockerConfig({path, readFile: (asked) => (asked === path ? Promise.resolve(text) : Promise.reject(new Error('wrong path')))})
    expect(config?.credsStore).toBe('desktop')
    expect(config?.path).toBe(path)
  })
})

describe('configPath', () => {
  it.each([
    [{DOCKER_CONFIG: '/cfg', HOME: '/home/u'}, undefined, '/cfg/config.json'],
    [{DOCKER_CONFIG: '', HOME: '/home/u'}, undefined, '/home/u/.docker/config.json'],
    [{HOME: '/home/u'}, undefined, '/home/u/.docker/config.json'],
    [{}, '/fallback', '/fallback/.docker/config.json'],
  ])('%j', (env, homedir, expected) => {
    expect(configPath(env, homedir)).toBe(expected)
  })

  it('fails without DOCKER_CONFIG, HOME or a fallback', () => {
    expect(() => configPath({})).toThrow(ConfigError)
  })
})

describe('parseDockerAuthConfig', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64')

  it.each([undefined, ''])('%j means not set', (value) => {
    expect(parseDockerAuthConfig(value)).toBeUndefined()
  })

  it('decodes auths, ignoring fields other than auth (docker configEnvAuth)', () => {
    const parsed = parseDockerAuthConfig(
      JSON.stringify({auths: {'ghcr.io': {auth: b64('env:env:pass'), identitytoken: 'ignored'}, 'https://index.docker.io/v1/': {auth: b64('hub:x')}}, credsStore: 'ignored'}),
    )
    expect(Object.fromEntries(parsed ?? [])).toEqual({
      'ghcr.io': {username: 'env', password: 'env:pass'},
      'https://index.docker.io/v1/': {username: 'hub', password: 'x'},
    })
  })

  it('accepts an object without auths', () => {
    expect(parseDockerAuthConfig('{}')?.size).toBe(0)
  })

  it.each([
    ['{"auths": {"ghcr.io": {"auth": "U1VQRVItU0VDUkVU"', 'DOCKER_AUTH_CONFIG:1:50: invalid JSON: unexpected end of input'],
    ['[]', 'DOCKER_AUTH_CONFIG: expected a JSON object at the top level, got an array'],
    ['{"auths": {"ghcr.io": {}}}', 'DOCKER_AUTH_CONFIG: auths["ghcr.io"]: missing auth'],
    ['{"auths": {"ghcr.io": {"username": "u", "password": "SUPER-SECRET"}}}', 'DOCKER_AUTH_CONFIG: auths["ghcr.io"]: missing auth'],
    ['{"auths": {"ghcr.io": {"auth": "U1VQRVItU0VDUkVU"}}}', `DOCKER_AUTH_CONFIG: auths["ghcr.io"].auth: decoded value has no ':' between username and password`],
    ['{"auths": {"ghcr.io": "x"}}', 'DOCKER_AUTH_CONFIG: auths["ghcr.io"]: expected an object, got a string'],
  ])('%s → ConfigError', (value, message) => {
    const error = catchError(() => parseDockerAuthConfig(value))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).path).toBe('DOCKER_AUTH_CONFIG')
    expect((error as ConfigError).message).toBe(message)
    for (const secret of SECRETS) expect((error as ConfigError).message).not.toContain(secret)
  })
})
