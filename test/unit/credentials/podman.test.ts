/** containers-auth.json(5): which auth.json files podman/skopeo read, in which order. */
import {describe, expect, it} from 'vitest'

import {podmanAuthFilePaths, podmanKeyRegistry} from '../../../src/lib/credentials/podman.js'

describe('podmanAuthFilePaths', () => {
  it.each([
    {
      name: 'XDG_RUNTIME_DIR then XDG_CONFIG_HOME',
      env: {XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/home/u/.cfg', HOME: '/home/u'},
      want: [
        ['/run/user/1000/containers/auth.json', 'XDG_RUNTIME_DIR', true],
        ['/home/u/.cfg/containers/auth.json', 'XDG_CONFIG_HOME', true],
      ],
    },
    {
      name: 'XDG_CONFIG_HOME defaults to ~/.config; no runtime dir and no uid: skipped',
      env: {HOME: '/home/u'},
      want: [['/home/u/.config/containers/auth.json', 'XDG_CONFIG_HOME', true]],
    },
    {
      name: 'REGISTRY_AUTH_FILE first; it overrides the runtime file, which is still listed',
      env: {REGISTRY_AUTH_FILE: '/tmp/auth.json', XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/u'},
      want: [
        ['/tmp/auth.json', 'REGISTRY_AUTH_FILE', true],
        ['/run/user/1000/containers/auth.json', 'XDG_RUNTIME_DIR', false],
        ['/home/u/.config/containers/auth.json', 'XDG_CONFIG_HOME', true],
      ],
    },
    {
      name: 'a duplicate path is listed once',
      env: {REGISTRY_AUTH_FILE: '/home/u/.config/containers/auth.json', HOME: '/home/u'},
      want: [['/home/u/.config/containers/auth.json', 'REGISTRY_AUTH_FILE', true]],
    },
  ])('$name', ({env, want}) => {
    expect(podmanAuthFilePaths(env).map((f) => [f.path, f.origin, f.consulted])).toEqual(want)
  })

  it('uses /run/containers/UID/auth.json when XDG_RUNTIME_DIR is unset (containers/image default)', () => {
    expect(podmanAuthFilePaths({HOME: '/root'}, {uid: 0})[0]).toEqual({path: '/run/containers/0/auth.json', origin: 'XDG_RUNTIME_DIR', consulted: true})
  })

  it('has no runtime file on macOS', () => {
    expect(podmanAuthFilePaths({XDG_RUNTIME_DIR: '/x', HOME: '/Users/u'}, {platform: 'darwin'}).map((f) => f.origin)).toEqual(['XDG_CONFIG_HOME'])
  })
})

describe('podmanKeyRegistry', () => {
  it.each([
    ['quay.io', 'quay.io'],
    ['quay.io/team/app', 'quay.io'],
    ['localhost:5000/team', 'localhost:5000'],
    ['https://registry.example.com/v1/', 'registry.example.com'],
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io/library', 'docker.io'],
  ])('%s → %s', (key, registry) => {
    expect(podmanKeyRegistry(key)).toBe(registry)
  })
})
