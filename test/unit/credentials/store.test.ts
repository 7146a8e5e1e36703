import {describe, expect, it} from 'vitest'

import type {HelperRunResult, HelperRunner} from '../../../src/lib/credentials/helper.js'
import {createCredentialLookup, type CredentialLookupOptions, type CredentialSourceFailure, sourceFailureCause, sourceFailureVerdictMessage, sourceFailureWarning} from '../../../src/lib/credentials/store.js'
import type {ResolvedCredential} from '../../../src/lib/credentials/types.js'
import {ConfigError, CredentialHelperError} from '../../../src/lib/errors.js'

const PATH = '/home/u/.docker/config.json'
const HUB = 'https://index.docker.io/v1/'
const b64 = (text: string) => Buffer.from(text).toString('base64')
const NOT_FOUND: HelperRunResult = {exitCode: 1, stdout: 'credentials not found in native keychain\n', stderr: ''}

/** A fake `docker-credential-*` world: helper name → server URL → credential; `list` derives. */
type HelperWorld = Record<string, Record<string, {Username: string; Secret: string}> | HelperRunResult>

function world(helpers: HelperWorld): {runHelper: HelperRunner; calls: string[]} {
  const calls: string[] = []
  const runHelper: HelperRunner = (program, args, input) => {
    const name = program.replace('docker-credential-', '')
    calls.push(`${name} ${args.join(' ')} ${input}`)
    const helper = helpers[name]
    if (helper === undefined) return Promise.resolve({exitCode: null, stdout: '', stderr: '', error: Object.assign(new Error('spawn ENOENT'), {code: 'ENOENT'})})
    if ('exitCode' in helper) return Promise.resolve(helper as HelperRunResult)
    const store = helper as Record<string, {Username: string; Secret: string}>
    if (args[0] === 'list') {
      const listed = Object.fromEntries(Object.entries(store).map(([url, creds]) => [url, creds.Username]))
      return Promise.resolve({exitCode: 0, stdout: JSON.stringify(listed), stderr: ''})
    }

    const found = store[input]
    return Promise.resolve(found ? {exitCode: 0, stdout: JSON.stringify({ServerURL: input, ...found}), stderr: ''} : NOT_FOUND)
  }

  return {runHelper, calls}
}

function options(config: unknown, helpers: HelperWorld = {}, extra: Partial<CredentialLookupOptions> = {}) {
  const {runHelper, calls} = world(helpers)
  const reads: string[] = []
  const readFile = (path: string) => {
    reads.push(path)
    if (config === undefined) return Promise.reject(Object.assign(new Error('ENOENT'), {code: 'ENOENT'}))
    return Promise.resolve(typeof config === 'string' ? config : JSON.stringify(config))
  }

  return {opts: {configPath: PATH, readFile, runHelper, ...extra} satisfies CredentialLookupOptions, calls, reads}
}

const auth = (user: string, pass: string) => ({auth: b64(`${user}:${pass}`)})

type Case = {
  name: string
  config: unknown
  helpers?: HelperWorld
  env?: string
  defaultCredsStore?: string
  registry: string
  expected: ResolvedCredential | undefined
  helperCalls?: string[]
}

const cases: Case[] = [
  {
    name: 'no config file → anonymous',
    config: undefined,
    registry: 'ghcr.io',
    expected: undefined,
  },
  {
    name: 'auths exact key',
    config: {auths: {'ghcr.io': auth('octocat', 'pw')}},
    registry: 'ghcr.io',
    expected: {credential: {username: 'octocat', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: 'ghcr.io'}},
  },
  {
    name: 'Docker Hub under https://index.docker.io/v1/ for docker.io',
    config: {auths: {[HUB]: auth('hub', 'pw')}},
    registry: 'docker.io',
    expected: {credential: {username: 'hub', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: HUB}},
  },
  {
    name: 'Docker Hub for index.docker.io too',
    config: {auths: {[HUB]: auth('hub', 'pw')}},
    registry: 'index.docker.io',
    expected: {credential: {username: 'hub', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: HUB}},
  },
  {
    name: 'a Hub login stored under docker.io is not used (docker looks up the URL key only)',
    config: {auths: {'docker.io': auth('hub', 'pw'), 'index.docker.io': auth('hub', 'pw'), 'registry-1.docker.io': auth('hub', 'pw')}},
    registry: 'docker.io',
    expected: undefined,
  },
  {
    name: 'legacy key with scheme and path matches by hostname',
    config: {auths: {'https://reg:5000/v1/': auth('legacy', 'pw')}},
    registry: 'reg:5000',
    expected: {credential: {username: 'legacy', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: 'https://reg:5000/v1/'}},
  },
  {
    name: 'placeholder auths entry → anonymous',
    config: {auths: {'ghcr.io': {}}},
    registry: 'ghcr.io',
    expected: undefined,
  },
  {
    name: 'identitytoken in auths',
    config: {auths: {'ghcr.io': {identitytoken: 'refresh'}}},
    registry: 'ghcr.io',
    expected: {credential: {identityToken: 'refresh'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: 'ghcr.io'}},
  },
  {
    name: 'credsStore answers',
    config: {credsStore: 'secretservice', auths: {'ghcr.io': {}}},
    helpers: {secretservice: {'ghcr.io': {Username: 'octocat', Secret: 'from-keyring'}}},
    registry: 'ghcr.io',
    expected: {
      credential: {username: 'octocat', password: 'from-keyring'},
      source: {kind: 'credential-helper', label: 'credsStore secretservice', helper: 'secretservice', path: PATH, via: 'credsStore', key: 'ghcr.io'},
    },
    helperCalls: ['secretservice get ghcr.io'],
  },
  {
    name: 'credsStore is asked with the Hub URL key',
    config: {credsStore: 'secretservice'},
    helpers: {secretservice: {[HUB]: {Username: '<token>', Secret: 'hub-refresh'}}},
    registry: 'docker.io',
    expected: {
      credential: {identityToken: 'hub-refresh'},
      source: {kind: 'credential-helper', label: 'credsStore secretservice', helper: 'secretservice', path: PATH, via: 'credsStore', key: HUB},
    },
    helperCalls: [`secretservice get ${HUB}`],
  },
  {
    name: 'credsStore has nothing and auths has an entry → anonymous (docker nativeStore overwrites it)',
    config: {credsStore: 'secretservice', auths: {'ghcr.io': auth('stale', 'pw')}},
    helpers: {secretservice: {}},
    registry: 'ghcr.io',
    expected: undefined,
    helperCalls: ['secretservice get ghcr.io'],
  },
  {
    name: 'credHelpers beats credsStore',
    config: {credsStore: 'secretservice', credHelpers: {'gcr.io': 'gcloud'}},
    helpers: {secretservice: {'gcr.io': {Username: 'wrong', Secret: 'wrong'}}, gcloud: {'gcr.io': {Username: 'oauth2accesstoken', Secret: 'ya29'}}},
    registry: 'gcr.io',
    expected: {
      credential: {username: 'oauth2accesstoken', password: 'ya29'},
      source: {kind: 'credential-helper', label: 'credential helper gcloud', helper: 'gcloud', path: PATH, via: 'credHelpers', key: 'gcr.io'},
    },
    helperCalls: ['gcloud get gcr.io'],
  },
  {
    name: 'credHelpers with an empty helper selects the file store even with a credsStore',
    config: {credsStore: 'secretservice', credHelpers: {'ghcr.io': ''}, auths: {'ghcr.io': auth('file', 'pw')}},
    helpers: {secretservice: {'ghcr.io': {Username: 'wrong', Secret: 'wrong'}}},
    registry: 'ghcr.io',
    expected: {credential: {username: 'file', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: 'ghcr.io'}},
    helperCalls: [],
  },
  {
    name: 'credHelpers keyed docker.io does not apply to Docker Hub (docker looks up the URL key)',
    config: {credHelpers: {'docker.io': 'desktop'}, auths: {[HUB]: auth('hub', 'pw')}},
    helpers: {desktop: {[HUB]: {Username: 'wrong', Secret: 'wrong'}}},
    registry: 'docker.io',
    expected: {credential: {username: 'hub', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: HUB}},
    helperCalls: [],
  },
  {
    name: 'DOCKER_AUTH_CONFIG beats credHelpers, credsStore and auths',
    config: {credsStore: 'secretservice', credHelpers: {'ghcr.io': 'gh'}, auths: {'ghcr.io': auth('file', 'pw')}},
    helpers: {},
    env: JSON.stringify({auths: {'ghcr.io': auth('env', 'env-pw')}}),
    registry: 'ghcr.io',
    expected: {credential: {username: 'env', password: 'env-pw'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: 'ghcr.io'}},
    helperCalls: [],
  },
  {
    name: 'DOCKER_AUTH_CONFIG without the key falls back to the config',
    config: {auths: {'ghcr.io': auth('file', 'pw')}},
    env: JSON.stringify({auths: {'quay.io': auth('env', 'env-pw')}}),
    registry: 'ghcr.io',
    expected: {credential: {username: 'file', password: 'pw'}, source: {kind: 'config-auths', label: 'config.json auths', path: PATH, key: 'ghcr.io'}},
  },
  {
    name: 'DOCKER_AUTH_CONFIG matches exactly (no hostname conversion)',
    config: undefined,
    env: JSON.stringify({auths: {'https://ghcr.io': auth('env', 'env-pw')}}),
    registry: 'ghcr.io',
    expected: undefined,
  },
  {
    name: 'DOCKER_AUTH_CONFIG works without any config file, Hub URL key',
    config: undefined,
    env: JSON.stringify({auths: {[HUB]: auth('env', 'env-pw')}}),
    registry: 'docker.io',
    expected: {credential: {username: 'env', password: 'env-pw'}, source: {kind: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', key: HUB}},
  },
  {
    name: 'default store is used when the config file is missing',
    config: undefined,
    defaultCredsStore: 'secretservice',
    helpers: {secretservice: {'ghcr.io': {Username: 'k', Secret: 's'}}},
    registry: 'ghcr.io',
    expected: {
      credential: {username: 'k', password: 's'},
      source: {kind: 'credential-helper', label: 'credsStore secretservice', helper: 'secretservice', path: PATH, via: 'credsStore', key: 'ghcr.io'},
    },
  },
  {
    name: 'default store is not used when the config names a source (ContainsAuth)',
    config: {auths: {'quay.io': auth('q', 'q')}},
    defaultCredsStore: 'secretservice',
    helpers: {secretservice: {'ghcr.io': {Username: 'k', Secret: 's'}}},
    registry: 'ghcr.io',
    expected: undefined,
    helperCalls: [],
  },
]

describe('createCredentialLookup: precedence', () => {
  it.each(cases)('$name', async ({config, helpers, env, defaultCredsStore, registry, expected, helperCalls}) => {
    const {opts, calls} = options(config, helpers, {dockerAuthConfig: env, defaultCredsStore})
    const lookup = createCredentialLookup(opts)
    await expect(lookup(registry)).resolves.toEqual(expected)
    if (helperCalls) expect(calls).toEqual(helperCalls)
  })
})

describe('createCredentialLookup: caching and errors', () => {
  it('reads the config once and asks each registry once', async () => {
    const {opts, calls, reads} = options({credsStore: 'secretservice'}, {secretservice: {'ghcr.io': {Username: 'u', Secret: 's'}}})
    const lookup = createCredentialLookup(opts)
    const results = await Promise.all([lookup('ghcr.io'), lookup('ghcr.io'), lookup('quay.io'), lookup('docker.io'), lookup('index.docker.io')])
    await lookup('ghcr.io')
    expect(results[0]).toBe(results[1])
    expect(results[2]).toBeUndefined()
    expect(reads).toEqual([PATH])
    expect(calls).toEqual(['secretservice get ghcr.io', 'secretservice get quay.io', `secretservice get ${HUB}`])
  })

  it('a helper error rejects only that registry', async () => {
    const {opts} = options({credsStore: 'nonexistent', credHelpers: {'ghcr.io': ''}, auths: {'ghcr.io': auth('file', 'pw')}})
    const lookup = createCredentialLookup(opts)
    const failed = lookup('quay.io')
    await expect(failed).rejects.toBeInstanceOf(CredentialHelperError)
    await expect(failed).rejects.toThrow('credential helper docker-credential-nonexistent for quay.io: docker-credential-nonexistent is not installed')
    await expect(lookup('ghcr.io')).resolves.toMatchObject({credential: {username: 'file'}})
  })

  it('a timing-out helper is not run again for the same registry', async () => {
    const {opts, calls} = options({credsStore: 'slow'}, {slow: {exitCode: null, stdout: '', stderr: '', error: Object.assign(new Error('t'), {code: 'ETIMEDOUT'})}}, {helperTimeoutMs: 50})
    const lookup = createCredentialLookup(opts)
    await expect(lookup('ghcr.io')).rejects.toThrow('get timed out after 50 ms')
    await expect(lookup('ghcr.io')).rejects.toThrow('get timed out after 50 ms')
    expect(calls).toHaveLength(1)
  })

  it('passes helperEnv to the runner', async () => {
    const seen: unknown[] = []
    const runHelper: HelperRunner = (_program, _args, _input, runOptions) => {
      seen.push(runOptions.env)
      return Promise.resolve(NOT_FOUND)
    }

    const lookup = createCredentialLookup({configPath: PATH, readFile: () => Promise.resolve('{"credsStore":"x"}'), runHelper, helperEnv: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x'}})
    await lookup('ghcr.io')
    expect(seen).toEqual([{DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x'}])
  })

  it.each([
    ['malformed config.json', '{"auths": {', undefined, PATH],
    ['malformed DOCKER_AUTH_CONFIG', '{}', '{"auths": 1}', 'DOCKER_AUTH_CONFIG'],
  ])('%s rejects every lookup with a ConfigError', async (_name, config, env, path) => {
    const {opts} = options(config, {}, {dockerAuthConfig: env})
    const lookup = createCredentialLookup(opts)
    for (const registry of ['ghcr.io', 'docker.io']) {
      const error = await lookup(registry).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).path).toBe(path)
    }
  })

  it('returns a copy of the credential, not the parsed config entry', async () => {
    // The same legacy entry serves two lookup keys: the exact one and its hostname.
    const {opts} = options({auths: {'https://reg:5000/v1/': auth('u', 'p')}})
    const lookup = createCredentialLookup(opts)
    const first = await lookup('reg:5000')
    if (first) first.credential.password = 'mutated'
    await expect(lookup('https://reg:5000/v1/')).resolves.toMatchObject({credential: {username: 'u', password: 'p'}})
  })
})

// issue 8: docker has one rule for every store, named or implicit. docker 28's pull goes through
// ResolveAuthConfig (cli/command/registry.go), which discards GetAuthConfig's error; docker 29's
// RetrieveAuthTokenFromImage returns it and the pull stops (docker/cli ad776d1e10). An unreadable
// config.json is a warning (cli/config/config.go LoadDefaultConfigFile) in both.
describe('createCredentialLookup with onSourceFailure: a failing source is reported, the lookup resolves anonymously', () => {
  const BROKEN: HelperRunResult = {exitCode: 1, stdout: 'Cannot autolaunch D-Bus without X11 $DISPLAY\n', stderr: ''}

  it.each([
    ['an explicit credsStore', {credsStore: 'secretservice'}, undefined, 'credsStore', false],
    ['a credHelpers entry', {credHelpers: {'ghcr.io': 'secretservice'}}, undefined, 'credHelpers', false],
    ["docker's implicit default store", {}, 'secretservice', 'credsStore', true],
  ] as const)('%s', async (_name, config, defaultCredsStore, via, implicit) => {
    const failures: CredentialSourceFailure[] = []
    const {opts} = options(config, {secretservice: BROKEN}, {
      ...(defaultCredsStore ? {defaultCredsStore} : {}),
      onSourceFailure: (failure) => failures.push(failure),
    })
    await expect(createCredentialLookup(opts)('ghcr.io')).resolves.toBeUndefined()
    expect(failures).toHaveLength(1)
    const failure = failures[0]
    expect(failure).toEqual(expect.objectContaining({kind: 'helper', helper: 'secretservice', key: 'ghcr.io', via, implicit, path: PATH}))
    const warning = sourceFailureWarning(failure as CredentialSourceFailure)
    expect(warning).toMatch(/^docker-credential-secretservice \(.+\) failed for ghcr\.io: .*Cannot autolaunch D-Bus.*; docker 29\+ stops `docker pull` at this error, docker 28 went on anonymously\. Fix: run `echo ghcr\.io \| docker-credential-secretservice get`/)
    expect(warning).toContain(implicit ? "docker's default credential store" : via === 'credsStore' ? `"credsStore" in ${PATH}` : `"credHelpers" entry for ghcr.io in ${PATH}`)
    expect(sourceFailureCause(failure as CredentialSourceFailure)).toBe('docker-credential-secretservice failed')
    // The pull-check verdict: what failed, what docker 29 and 28 do, and the fix, in one line.
    expect(sourceFailureVerdictMessage(failure as CredentialSourceFailure)).toMatch(
      /^docker-credential-secretservice \(.+\) failed for ghcr\.io: .*Cannot autolaunch D-Bus.*\. Undetermined: docker 29\+ stops `docker pull` at this error, docker 28 went on anonymously\. Fix: run `echo ghcr\.io \| docker-credential-secretservice get` .*, or (take docker-credential-secretservice off PATH|remove "credsStore" from|remove that "credHelpers" entry)/,
    )
  })

  it('without onSourceFailure the helper failure rejects the lookup (auth status records it per registry)', async () => {
    const {opts} = options({credsStore: 'secretservice'}, {secretservice: BROKEN})
    await expect(createCredentialLookup(opts)('ghcr.io')).rejects.toBeInstanceOf(CredentialHelperError)
  })

  it('"credentials not found" is no credential, not a failure', async () => {
    const failures: CredentialSourceFailure[] = []
    const {opts} = options({credsStore: 'secretservice'}, {secretservice: {}}, {onSourceFailure: (f) => failures.push(f)})
    await expect(createCredentialLookup(opts)('ghcr.io')).resolves.toBeUndefined()
    expect(failures).toEqual([])
  })

  it('an unreadable config.json is reported once; docker then consults its default store, as with no config', async () => {
    const failures: CredentialSourceFailure[] = []
    const runHelper = world({secretservice: {'ghcr.io': {Username: 'octo', Secret: 'ghp_x'}}}).runHelper
    const lookup = createCredentialLookup({
      configPath: PATH,
      readFile: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES'})),
      runHelper,
      defaultCredsStore: 'secretservice',
      onSourceFailure: (f) => failures.push(f),
    })
    expect((await lookup('ghcr.io'))?.source.label).toBe('credsStore secretservice')
    await expect(lookup('quay.io')).resolves.toBeUndefined()
    expect(failures).toEqual([{kind: 'unreadable-config', path: PATH, reason: 'permission denied'}])
    const failure = failures[0] as CredentialSourceFailure
    expect(sourceFailureWarning(failure)).toBe(
      `cannot read ${PATH} (permission denied): going on without its credentials (anonymously), as docker does. Fix: make it readable by this user (chmod 600, owned by you), or point DOCKER_CONFIG at a directory with a readable config.json`,
    )
    expect(sourceFailureCause(failure)).toBe(`${PATH} could not be read`)
    // docker reads past an unreadable config.json in every version: not a reason to stop the pull.
    expect(sourceFailureVerdictMessage(failure)).toBeUndefined()
  })

  it('a malformed config.json still rejects every lookup (exit 2), reported or not', async () => {
    const failures: CredentialSourceFailure[] = []
    const {opts} = options('{"auths": {', {}, {onSourceFailure: (f) => failures.push(f)})
    await expect(createCredentialLookup(opts)('ghcr.io')).rejects.toBeInstanceOf(ConfigError)
    expect(failures).toEqual([])
  })
})
