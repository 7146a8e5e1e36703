/**
 * Gathering every credential source: docker's precedence (DOCKER_AUTH_CONFIG, credHelpers,
 * credsStore, auths), podman's files, `--config`, and where the sources disagree.
 */
import {describe, expect, it} from 'vitest'

import {compareCredentials, gatherCredentials} from '../../../src/lib/credentials/sources.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {DOCKER, PODMAN_CFG, PODMAN_RUN, b64, fakeGather} from './fakes.js'

const HUB = 'https://index.docker.io/v1/'

describe('gatherCredentials: which source docker and podman use', () => {
  it.each([
    {
      name: 'auths only',
      files: {[DOCKER]: {auths: {'ghcr.io': {auth: b64('octocat', 'pw1')}}}},
      env: undefined,
      registry: 'ghcr.io',
      docker: ['config-auths', 'octocat'],
      podman: undefined,
    },
    {
      name: 'DOCKER_AUTH_CONFIG wins over auths',
      files: {[DOCKER]: {auths: {'ghcr.io': {auth: b64('octocat', 'pw1')}}}},
      env: JSON.stringify({auths: {'ghcr.io': {auth: b64('ci-bot', 'pw2')}}}),
      registry: 'ghcr.io',
      docker: ['docker-auth-config', 'ci-bot'],
      podman: undefined,
    },
    {
      name: 'credHelpers wins over credsStore',
      files: {[DOCKER]: {credsStore: 'store', credHelpers: {'ghcr.io': 'gh'}}},
      env: undefined,
      registry: 'ghcr.io',
      docker: ['credHelpers', 'helper-user'],
      podman: undefined,
    },
    {
      name: 'credsStore listed and fetched; the auths placeholder is not a credential',
      files: {[DOCKER]: {credsStore: 'store', auths: {[HUB]: {}}}},
      env: undefined,
      registry: 'docker.io',
      docker: ['credsStore', 'hubuser'],
      podman: undefined,
    },
    {
      name: 'podman: the runtime file before XDG_CONFIG_HOME; docker has nothing',
      files: {
        [PODMAN_RUN]: {auths: {'quay.io': {auth: b64('runtime-user', 'a')}}},
        [PODMAN_CFG]: {auths: {'quay.io': {auth: b64('config-user', 'b')}}},
      },
      env: undefined,
      registry: 'quay.io',
      docker: undefined,
      podman: ['podman-auths', 'runtime-user'],
    },
  ])('$name', async ({files, env, registry, docker, podman}) => {
    const options = fakeGather(files, {
      store: {[HUB]: ['hubuser', 'dckr_pat_x'], 'ghcr.io': ['store-user', 'ghp_y']},
      gh: {'ghcr.io': ['helper-user', 'ghp_z']},
    }, env === undefined ? {} : {dockerAuthConfig: env})
    const gathered = await gatherCredentials(options)
    const found = gathered.registries.find((r) => r.registry === registry)
    expect(found?.docker && [found.docker.kind, found.docker.username]).toEqual(docker)
    expect(found?.podman && [found.podman.kind, found.podman.username]).toEqual(podman)
  })

  it('runs each helper call once although docker and the enumeration ask the same question', async () => {
    const options = fakeGather({[DOCKER]: {credsStore: 'store'}}, {store: {[HUB]: ['hubuser', 'dckr_pat_x'], 'ghcr.io': ['u', 'ghp_y']}})
    await gatherCredentials(options)
    expect(options.runHelper.calls.sort()).toEqual(['store get ghcr.io', `store get ${HUB}`, 'store list'].sort())
  })

  it('reports disagreement: same user with another secret, and another user', async () => {
    const options = fakeGather({
      [DOCKER]: {auths: {'ghcr.io': {auth: b64('octocat', 'one')}}},
      [PODMAN_RUN]: {auths: {'ghcr.io': {auth: b64('octocat', 'two')}}},
      [PODMAN_CFG]: {auths: {'ghcr.io': {auth: b64('hubot', 'three')}, 'ghcr.io/team/app': {auth: b64('octocat', 'one')}}},
    })
    const ghcr = (await gatherCredentials(options)).registries.find((r) => r.registry === 'ghcr.io')
    expect(ghcr?.entries.map((e) => [e.kind, e.username, e.namespace])).toEqual([
      ['config-auths', 'octocat', undefined],
      ['podman-auths', 'octocat', undefined],
      ['podman-auths', 'hubot', undefined],
      ['podman-auths', 'octocat', 'team/app'],
    ])
    expect(ghcr?.docker?.path).toBe(DOCKER)
    expect(ghcr?.podman?.path).toBe(PODMAN_RUN)
    const [a, b, c, d] = ghcr?.entries ?? []
    const ref = a?.credential ?? {}
    expect(compareCredentials(b?.credential ?? {}, ref)).toBe('different-secret')
    expect(compareCredentials(c?.credential ?? {}, ref)).toBe('different-user')
    expect(compareCredentials(d?.credential ?? {}, ref)).toBe('same')
  })

  it('--config reads one file: no DOCKER_AUTH_CONFIG, no podman files, no default store', async () => {
    const options = fakeGather(
      {'/ci/config.json': {auths: {'ghcr.io': {auth: b64('ci', 'x')}}}, [PODMAN_RUN]: {auths: {'quay.io': {auth: b64('p', 'q')}}}},
      {},
      {configFile: '/ci/config.json', dockerAuthConfig: JSON.stringify({auths: {'ghcr.io': {auth: b64('env', 'y')}}}), defaultCredsStore: 'store'},
    )
    const gathered = await gatherCredentials(options)
    expect(gathered.files.map((f) => [f.path, f.origin])).toEqual([['/ci/config.json', '--config']])
    expect(gathered.registries.map((r) => [r.registry, r.docker?.username])).toEqual([['ghcr.io', 'ci']])
    expect(options.runHelper.calls).toEqual([])
  })

  it('records a missing helper per entry and as docker lookup failure, without throwing', async () => {
    const gathered = await gatherCredentials(fakeGather({[DOCKER]: {credHelpers: {'gcr.io': 'gcloud'}}}, {gcloud: false}))
    const gcr = gathered.registries[0]
    expect(gcr?.registry).toBe('gcr.io')
    expect(gcr?.entries[0]?.error?.message).toMatch(/docker-credential-gcloud is not installed/)
    expect(gcr?.dockerError?.helper).toBe('gcloud')
  })

  it('a failing credsStore list is kept in listErrors', async () => {
    const gathered = await gatherCredentials(fakeGather({[DOCKER]: {credsStore: 'secretservice'}}, {secretservice: 'broken'}))
    expect(gathered.listErrors.map((e) => e.helper)).toEqual(['secretservice'])
    expect(gathered.registries).toEqual([])
  })

  it('--registry limits gathering (and helper calls) to one registry', async () => {
    const options = fakeGather({[DOCKER]: {credsStore: 'store'}}, {store: {[HUB]: ['hubuser', 'x'], 'ghcr.io': ['u', 'y']}}, {registry: 'ghcr.io'})
    const gathered = await gatherCredentials(options)
    expect(gathered.registries.map((r) => r.registry)).toEqual(['ghcr.io'])
    expect(options.runHelper.calls).not.toContain(`store get ${HUB}`)
  })

  it.each([
    ['config.json', DOCKER, '{"auths": {'],
    ['auth.json', PODMAN_CFG, '{"auths": {"quay.io": {"auth": "not base64!"}}}'],
  ])('a malformed %s is a ConfigError naming the file', async (_name, path, text) => {
    const error = await gatherCredentials(fakeGather({[path]: text})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).path).toBe(path)
  })

  it('records file modes', async () => {
    const options = fakeGather({[DOCKER]: {}}, {}, {statFile: async () => ({mode: 0o100644})})
    expect((await gatherCredentials(options)).files[0]).toMatchObject({path: DOCKER, exists: true, mode: 0o644})
  })
})
