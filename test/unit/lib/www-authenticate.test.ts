import {describe, expect, it} from 'vitest'

import {type Challenge, parseChallenges} from '../../../src/lib/www-authenticate.js'

const bearer = (params: Record<string, string>): Challenge => ({scheme: 'bearer', params})
const basic = (params: Record<string, string>): Challenge => ({scheme: 'basic', params})

describe('parseChallenges: real registry headers', () => {
  it.each<[string, string | string[], Challenge[]]>([
    [
      'Docker Hub /v2/ ping',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      [bearer({realm: 'https://auth.docker.io/token', service: 'registry.docker.io'})],
    ],
    [
      'Docker Hub manifest',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [bearer({realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull'})],
    ],
    [
      'GHCR',
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      [bearer({realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:user/image:pull'})],
    ],
    [
      'ECR (Basic)',
      'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
      [basic({realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com'})],
    ],
    [
      'Google Artifact Registry',
      'Bearer realm="https://europe-docker.pkg.dev/v2/token",service="europe-docker.pkg.dev",scope="repository:my-project/repo/app:pull"',
      [
        bearer({
          realm: 'https://europe-docker.pkg.dev/v2/token',
          service: 'europe-docker.pkg.dev',
          scope: 'repository:my-project/repo/app:pull',
        }),
      ],
    ],
    [
      'ACR',
      'Bearer realm="https://x.azurecr.io/oauth2/token",service="x.azurecr.io"',
      [bearer({realm: 'https://x.azurecr.io/oauth2/token', service: 'x.azurecr.io'})],
    ],
    [
      'Quay',
      'Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:coreos/etcd:pull"',
      [bearer({realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:coreos/etcd:pull'})],
    ],
    [
      'distribution insufficient_scope (comma inside a quoted scope)',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
      [
        bearer({
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
          error: 'insufficient_scope',
        }),
      ],
    ],
    [
      'distribution htpasswd (Basic)',
      'Basic realm="Registry Realm"',
      [basic({realm: 'Registry Realm'})],
    ],
  ])('%s', (_name, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })
})

describe('parseChallenges: RFC 7235 grammar', () => {
  it.each<[string, string | string[], Challenge[]]>([
    ['empty header', '', []],
    ['only separators', ' , ,, ', []],
    ['scheme only', 'Negotiate', [{scheme: 'negotiate', params: {}}]],
    ['token68', 'Negotiate abc+/def==', [{scheme: 'negotiate', params: {}, token68: 'abc+/def=='}]],
    [
      'token68 followed by another challenge',
      'Negotiate abc==, Basic realm="r"',
      [{scheme: 'negotiate', params: {}, token68: 'abc=='}, basic({realm: 'r'})],
    ],
    [
      'two challenges in one header',
      'Bearer realm="https://a/token",service="a", Basic realm="b"',
      [bearer({realm: 'https://a/token', service: 'a'}), basic({realm: 'b'})],
    ],
    [
      'several header lines',
      ['Negotiate', 'Bearer realm="https://a/token"', 'Basic realm="b"'],
      [{scheme: 'negotiate', params: {}}, bearer({realm: 'https://a/token'}), basic({realm: 'b'})],
    ],
    ['schemes and names are case-insensitive', 'BEARER Realm="X"', [bearer({realm: 'X'})]],
    ['quoted-pair escapes', String.raw`Basic realm="a \"quoted\" \\ realm"`, [basic({realm: String.raw`a "quoted" \ realm`})]],
    ['BWS around =, OWS around commas', 'Bearer  realm = "r" ,  service =s  ', [bearer({realm: 'r', service: 's'})]],
    ['unquoted token values', 'Bearer error=insufficient_scope,realm=r', [bearer({error: 'insufficient_scope', realm: 'r'})]],
    ['unquoted URL value (lenient)', 'Bearer realm=https://x/token,service=x', [bearer({realm: 'https://x/token', service: 'x'})]],
    ['empty quoted value', 'Bearer realm=""', [bearer({realm: ''})]],
    ['missing comma between params (lenient)', 'Bearer realm="r" service="s"', [bearer({realm: 'r', service: 's'})]],
    ['first of a repeated parameter wins', 'Bearer realm="a",realm="b"', [bearer({realm: 'a'})]],
    ['__proto__ is not a parameter', 'Bearer __proto__="x",realm="r"', [bearer({realm: 'r'})]],
    ['unterminated quoted string runs to the end', 'Basic realm="oops', [basic({realm: 'oops'})]],
    ['param before any scheme is dropped', 'realm="x", Basic realm="y"', [basic({realm: 'y'})]],
    ['garbage between challenges is skipped', 'Basic realm="a", @@@ , Bearer realm="b"', [basic({realm: 'a'}), bearer({realm: 'b'})]],
    ['tab separators', 'Bearer\trealm="r",\tservice="s"', [bearer({realm: 'r', service: 's'})]],
  ])('%s', (_name, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  it('never throws on arbitrary input', () => {
    // A deterministic pseudo-random fuzz: bounded to 500 inputs.
    const alphabet = 'ab =,"\\\t\r\n@/:;'
    let seed = 42
    const rnd = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }

    for (let i = 0; i < 500; i++) {
      let s = ''
      for (let j = rnd(40); j > 0; j--) s += alphabet[rnd(alphabet.length)] ?? ''
      const result = parseChallenges(s)
      for (const c of result) {
        expect(c.scheme).toBe(c.scheme.toLowerCase())
        expect(c.scheme).not.toBe('')
      }
    }
  })
})
