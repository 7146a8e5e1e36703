import {describe, expect, it} from 'vitest'

import {
  convertToHostname,
  findAuthKey,
  isDockerHubDomain,
  lookupKey,
  registryForKey,
} from '../../../src/lib/credentials/registry-key.js'
import {DOCKER_HUB_AUTH_KEY} from '../../../src/lib/docker-hub.js'

describe('lookupKey (docker/cli getAuthConfigKey)', () => {
  it.each([
    ['docker.io', DOCKER_HUB_AUTH_KEY],
    ['index.docker.io', DOCKER_HUB_AUTH_KEY],
    // docker looks the API endpoint up as itself, not as Docker Hub.
    ['registry-1.docker.io', 'registry-1.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000', '[::1]:5000'],
    [DOCKER_HUB_AUTH_KEY, DOCKER_HUB_AUTH_KEY],
  ])('%s → %s', (registry, key) => {
    expect(lookupKey(registry)).toBe(key)
  })

  it('knows the Hub domains', () => {
    expect(isDockerHubDomain('docker.io')).toBe(true)
    expect(isDockerHubDomain('index.docker.io')).toBe(true)
    expect(isDockerHubDomain('registry-1.docker.io')).toBe(false)
  })
})

describe('convertToHostname (docker/cli ConvertToHostname)', () => {
  it.each([
    ['https://reg:5000/v1/', 'reg:5000'],
    ['http://reg.example/v2/', 'reg.example'],
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['https://user:pw@reg.example:443/path', 'reg.example:443'],
    ['https://[::1]:5000/v2/', '[::1]:5000'],
    ['https://[::1]/v2/', '::1'],
    ['reg.example/some/path', 'reg.example'],
    ['ghcr.io', 'ghcr.io'],
    ['localhost:5000', 'localhost:5000'],
    ['Mixed.Case.Example', 'Mixed.Case.Example'],
    // Go's url.Parse rejects a non-numeric port; ConvertToHostname falls back to cutting at '/'.
    ['https://reg:abc/v1/', 'https:'],
    ['https:///nohost', 'https:'],
  ])('%s → %s', (input, expected) => {
    expect(convertToHostname(input)).toBe(expected)
  })
})

describe('registryForKey', () => {
  it.each([
    [DOCKER_HUB_AUTH_KEY, 'docker.io'],
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['https://registry-1.docker.io/v2/', 'docker.io'],
    ['https://reg:5000/v1/', 'reg:5000'],
    ['ghcr.io', 'ghcr.io'],
  ])('%s → %s', (key, registry) => {
    expect(registryForKey(key)).toBe(registry)
  })
})

describe('findAuthKey (docker/cli fileStore.Get)', () => {
  it.each([
    [['ghcr.io', 'https://ghcr.io'], 'ghcr.io', 'ghcr.io'],
    [['https://ghcr.io', 'ghcr.io'], 'ghcr.io', 'ghcr.io'],
    [['https://reg:5000/v1/'], 'reg:5000', 'https://reg:5000/v1/'],
    [['http://reg:5000', 'https://reg:5000/v1/'], 'reg:5000', 'http://reg:5000'],
    [['reg:5000/v2/'], 'reg:5000', 'reg:5000/v2/'],
    [[DOCKER_HUB_AUTH_KEY], DOCKER_HUB_AUTH_KEY, DOCKER_HUB_AUTH_KEY],
    // Docker's Hub lookup key is a URL: no converted hostname equals it.
    [['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v2/'], DOCKER_HUB_AUTH_KEY, undefined],
    [['reg:5000'], 'reg:5001', undefined],
    [[], 'ghcr.io', undefined],
  ])('%j / %s → %s', (keys, wanted, expected) => {
    expect(findAuthKey(keys, wanted)).toBe(expected)
  })
})
