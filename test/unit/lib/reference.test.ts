import {describe, expect, it} from 'vitest'

import {InvalidReferenceError} from '../../../src/lib/errors.js'
import {
  familiarReference,
  formatReference,
  isLoopbackRegistry,
  parseReference,
  registryApiHost,
  type ImageReference,
} from '../../../src/lib/reference.js'

const F64 = 'f'.repeat(64)
const F128 = 'f'.repeat(128)
const SHA256 = `sha256:${F64}`
const SHA512 = `sha512:${F128}`
const REDIS = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c'

function rejection(input: string): InvalidReferenceError {
  try {
    parseReference(input)
  } catch (error) {
    if (error instanceof InvalidReferenceError) return error
    throw error
  }

  throw new Error(`expected ${JSON.stringify(input)} to be rejected`)
}

/**
 * Valid inputs and their normalised form. Most rows come from distribution/reference's
 * `reference_test.go` (TestReferenceParse), `normalize_test.go` (TestValidateReferenceName,
 * TestValidateRemoteName, TestParseRepositoryInfo, TestParseAnyReference,
 * TestNormalizedSplitHostname), adapted to the normalised result `docker pull` uses.
 */
const valid: [input: string, registry: string, repository: string, tag: string | undefined, digest: string | undefined][] = [
  // TestReferenceParse
  ['test_com', 'docker.io', 'library/test_com', 'latest', undefined],
  ['test.com:tag', 'docker.io', 'library/test.com', 'tag', undefined],
  ['test.com:5000', 'docker.io', 'library/test.com', '5000', undefined],
  ['test.com/repo:tag', 'test.com', 'repo', 'tag', undefined],
  ['test:5000/repo', 'test:5000', 'repo', 'latest', undefined],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag', undefined],
  [`test:5000/repo@${SHA256}`, 'test:5000', 'repo', undefined, SHA256],
  [`test:5000/repo:tag@${SHA256}`, 'test:5000', 'repo', 'tag', SHA256],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', undefined],
  [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, 'docker.io', `${'a/'.repeat(127)}a`, 'tag-puts-this-over-max', undefined],
  ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux', 'latest', undefined],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag', undefined],
  ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com', undefined],
  ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, 'xn--7o8h.com', 'myimage', 'xn--7o8h.com', SHA512],
  ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080', undefined],
  ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', undefined],
  ['192.168.1.1', 'docker.io', 'library/192.168.1.1', 'latest', undefined],
  ['192.168.1.1:tag', 'docker.io', 'library/192.168.1.1', 'tag', undefined],
  ['192.168.1.1:5000', 'docker.io', 'library/192.168.1.1', '5000', undefined],
  ['192.168.1.1/repo', '192.168.1.1', 'repo', 'latest', undefined],
  ['192.168.1.1:5000/repo', '192.168.1.1:5000', 'repo', 'latest', undefined],
  ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050', undefined],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo', 'latest', undefined],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]', 'repo', 'tag', undefined],
  ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo', 'latest', undefined],
  ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag', undefined],
  [`[2001:db8::1]:5000/repo@${SHA256}`, '[2001:db8::1]:5000', 'repo', undefined, SHA256],
  [`[2001:db8::1]:5000/repo:tag@${SHA256}`, '[2001:db8::1]:5000', 'repo', 'tag', SHA256],
  ['[2001:db8::]:5000/repo', '[2001:db8::]:5000', 'repo', 'latest', undefined],
  ['[::1]:5000/repo', '[::1]:5000', 'repo', 'latest', undefined],
  // TestValidateReferenceName (valid)
  ['docker/docker', 'docker.io', 'docker/docker', 'latest', undefined],
  ['library/debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['docker.io/docker/docker', 'docker.io', 'docker/docker', 'latest', undefined],
  ['docker.io/library/debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['docker.io/debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['index.docker.io/docker/docker', 'docker.io', 'docker/docker', 'latest', undefined],
  ['index.docker.io/library/debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['index.docker.io/debian', 'docker.io', 'library/debian', 'latest', undefined],
  ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000', 'docker/docker', 'latest', undefined],
  ['127.0.0.1:5000/library/debian', '127.0.0.1:5000', 'library/debian', 'latest', undefined],
  ['127.0.0.1:5000/debian', '127.0.0.1:5000', 'debian', 'latest', undefined],
  ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80', undefined],
  ['192.168.0.1:8/debian', '192.168.0.1:8', 'debian', 'latest', undefined],
  ['192.168.0.2:25000/debian', '192.168.0.2:25000', 'debian', 'latest', undefined],
  [
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker.io',
    'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'latest',
    undefined,
  ],
  ['[fc00::1]:5000/docker', '[fc00::1]:5000', 'docker', 'latest', undefined],
  ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000', 'docker/docker', 'latest', undefined],
  ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000', 'library/debian', 'latest', undefined],
  [
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'docker.io',
    'library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'latest',
    undefined,
  ],
  ['Docker/docker', 'Docker', 'docker', 'latest', undefined],
  ['DOCKER/docker', 'DOCKER', 'docker', 'latest', undefined],
  // TestValidateRemoteName (valid)
  ['docker-rules/docker', 'docker.io', 'docker-rules/docker', 'latest', undefined],
  ['docker---rules/docker', 'docker.io', 'docker---rules/docker', 'latest', undefined],
  ['doc/docker', 'docker.io', 'doc/docker', 'latest', undefined],
  ['d/docker', 'docker.io', 'd/docker', 'latest', undefined],
  ['jess/t', 'docker.io', 'jess/t', 'latest', undefined],
  ['dock__er/docker', 'docker.io', 'dock__er/docker', 'latest', undefined],
  // TestParseRepositoryInfo / TestNormalizedSplitHostname
  ['fooo/bar', 'docker.io', 'fooo/bar', 'latest', undefined],
  ['library/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['other/library', 'docker.io', 'other/library', 'latest', undefined],
  ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000', 'private/moonbase', 'latest', undefined],
  ['example.com/privatebase', 'example.com', 'privatebase', 'latest', undefined],
  ['example.com:8000/private/moonbase', 'example.com:8000', 'private/moonbase', 'latest', undefined],
  ['ubuntu-12.04-base', 'docker.io', 'library/ubuntu-12.04-base', 'latest', undefined],
  ['library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
  ['store/foo/bar', 'docker.io', 'store/foo/bar', 'latest', undefined],
  ['Foo/bar', 'Foo', 'bar', 'latest', undefined],
  ['test-com:8080/foo', 'test-com:8080', 'foo', 'latest', undefined],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', 'latest', undefined],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', 'latest', undefined],
  ['localhost/foo', 'localhost', 'foo', 'latest', undefined],
  ['localhost:5000/foo/bar:1.0', 'localhost:5000', 'foo/bar', '1.0', undefined],
  // TestParseAnyReference
  ['redis:latest', 'docker.io', 'library/redis', 'latest', undefined],
  [`redis@${REDIS}`, 'docker.io', 'library/redis', undefined, REDIS],
  [`docker.io/library/redis@${REDIS}`, 'docker.io', 'library/redis', undefined, REDIS],
  ['dmcgowan/myapp:latest', 'docker.io', 'dmcgowan/myapp', 'latest', undefined],
  [`dmcgowan/myapp@${REDIS}`, 'docker.io', 'dmcgowan/myapp', undefined, REDIS],
  [
    'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
    'docker.io',
    'library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
    'latest',
    undefined,
  ],
  ['dbcc1', 'docker.io', 'library/dbcc1', 'latest', undefined],
  // TestParseReferenceWithTagAndDigest
  [
    'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    'docker.io',
    'library/busybox',
    'latest',
    'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
  ],
  // Everyday references
  ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
  ['ghcr.io/owner/app:v1.2.3', 'ghcr.io', 'owner/app', 'v1.2.3', undefined],
  ['quay.io/prometheus/node-exporter:v1.8.1', 'quay.io', 'prometheus/node-exporter', 'v1.8.1', undefined],
  ['registry.k8s.io/pause:3.9', 'registry.k8s.io', 'pause', '3.9', undefined],
  [`alpine:${'x'.repeat(128)}`, 'docker.io', 'library/alpine', 'x'.repeat(128), undefined],
  ['alpine:_underscore', 'docker.io', 'library/alpine', '_underscore', undefined],
  ['registry-1.docker.io/library/alpine', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
]

describe('parseReference: valid references (distribution test tables)', () => {
  it('has at least 60 valid cases', () => {
    expect(valid.length).toBeGreaterThanOrEqual(60)
  })

  it.each(valid)('%s', (input, registry, repository, tag, digest) => {
    const expected: ImageReference = {registry, repository}
    if (tag !== undefined) expected.tag = tag
    if (digest !== undefined) expected.digest = digest
    const ref = parseReference(input)
    expect(ref).toStrictEqual(expected)
    // The canonical form is a fixed point.
    expect(parseReference(formatReference(ref))).toStrictEqual(ref)
  })
})

/**
 * Invalid inputs and the reason we give. Rows from reference_test.go and normalize_test.go's
 * invalid lists, plus the mistakes people make (URLs, docker://, stray whitespace).
 */
const invalid: [input: string, reason: string | RegExp][] = [
  // TestReferenceParse
  ['', 'empty reference'],
  [':justtag', 'missing repository name before ":justtag"'],
  [`@${SHA256}`, `missing repository name before "@${SHA256}"`],
  ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid digest "sha256:ffffffffffffffffffffffffffffffffff": sha256 needs 64 hex characters, got 34'],
  [`validname@invaliddigest:${F64}`, `invalid digest "invaliddigest:${F64}": unsupported algorithm "invaliddigest" (sha256, sha384 or sha512)`],
  ['Uppercase:tag', 'repository name must be lowercase: Uppercase'],
  ['test:5000/Uppercase/lowercase:tag', 'repository name must be lowercase: Uppercase/lowercase'],
  [`${'a/'.repeat(128)}a:tag`, 'repository name too long (257 > 255)'],
  ['aa/asdf$$^/aa', 'invalid reference format at "asdf$$^": path components are lowercase letters and digits, joined by ".", "_", "__" or "-"'],
  ['[2001:db8::1]', 'registry "[2001:db8::1]" needs a repository path, e.g. [2001:db8::1]/name'],
  ['[2001:db8::1]:5000', 'registry "[2001:db8::1]:5000" needs a repository path, e.g. [2001:db8::1]:5000/name'],
  ['[2001:db8::1]:tag', 'registry "[2001:db8::1]:tag" needs a repository path, e.g. [2001:db8::1]:tag/name'],
  ['[fe80::1%eth0]:5000/repo', 'invalid registry host "[fe80::1%eth0]:5000" (IPv6 zone identifiers are not allowed)'],
  ['[fe80::1%@invalidzone]:5000/repo', 'invalid reference format at "@invalidzone]:5000/repo": "@" may only introduce the digest at the end'],
  // TestValidateReferenceName (invalid)
  ['https://github.com/docker/docker', 'an image reference is not a URL: remove "https://" and use "github.com/docker/docker"'],
  ['docker/Docker', 'repository name must be lowercase: docker/Docker'],
  ['-docker', 'invalid reference format at "-docker": path components are lowercase letters and digits, joined by ".", "_", "__" or "-"'],
  ['-docker/docker', /^invalid reference format at "-docker"/],
  ['-docker.io/docker/docker', 'invalid registry host "-docker.io"'],
  ['docker///docker', 'invalid reference format at "docker///docker": empty path component (double or trailing "/")'],
  ['docker.io/docker/Docker', 'repository name must be lowercase: docker/Docker'],
  ['docker.io/docker///docker', /empty path component/],
  ['fc00::1:5000/debian', 'invalid registry host "fc00::1:5000" (write IPv6 addresses in brackets: [fc00::1]:5000)'],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid registry host "[2001:db8:3:4::192.0.2.33]:5000"'],
  ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'a 64-character hexadecimal string is an image ID, not a repository name'],
  // TestValidateRemoteName (invalid)
  ['docker-/docker', /^invalid reference format at "docker-"/],
  ['-docker-/docker', /^invalid reference format at "-docker-"/],
  ['____/____', /^invalid reference format at "____"/],
  ['_docker/_docker', /^invalid reference format at "_docker"/],
  // A first component with a "." is a host name (splitDockerDomain), and these are invalid ones.
  ['dock..er/docker', 'invalid registry host "dock..er"'],
  ['dock_.er/docker', 'invalid registry host "dock_.er"'],
  ['dock-.er/docker', 'invalid registry host "dock-.er"'],
  ['docker/', 'invalid reference format at "docker/": empty path component (double or trailing "/")'],
  [`${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}x/docker`, 'repository name too long (280 > 255)'],
  // Uppercase first component taken for a host (normalize.go FIXME): name the whole thing.
  ['MyOrg/App', 'repository name must be lowercase: MyOrg/App'],
  ['FOO_BAR/bar', 'repository name must be lowercase: FOO_BAR/bar'],
  ['ghcr.io/MyOrg/App:1', 'repository name must be lowercase: MyOrg/App'],
  // Tags
  ['alpine:-foo', 'invalid tag "-foo": a tag starts with a letter, digit or "_" and contains only letters, digits, "_", "." and "-"'],
  ['alpine:.hidden', /^invalid tag "\.hidden"/],
  ['alpine:a+b', /^invalid tag "a\+b"/],
  [`alpine:${'x'.repeat(129)}`, `invalid tag "${'x'.repeat(32)}…": longer than 128 characters (129)`],
  ['alpine:', 'empty tag after ":"'],
  ['a:b:c', /^invalid reference format at "a:b"/],
  // Digests
  ['alpine@', 'empty digest after "@"'],
  ['alpine@sha256:abc', 'invalid digest "sha256:abc": expected algorithm:hex, e.g. sha256: followed by 64 hex characters'],
  [`alpine@sha256:${'F'.repeat(64)}`, `invalid digest "sha256:${'F'.repeat(64)}": hex must be lowercase`],
  [`alpine@sha512:${F64}`, `invalid digest "sha512:${F64}": sha512 needs 128 hex characters, got 64`],
  [`alpine@sha256:${F64}0`, /sha256 needs 64 hex characters, got 65/],
  [`alpine@sha256:${'g'.repeat(64)}`, /^invalid digest "sha256:g+": expected algorithm:hex/],
  [`alpine@${F64}`, /^invalid digest/],
  [`alpine@sha256:${F64}@x`, /^invalid digest/],
  [SHA256, `a digest alone is not an image reference: write it after the repository, e.g. alpine@${SHA256}`],
  ['sha256:abc', /^a digest alone is not an image reference/],
  // Whitespace and transports
  [' ', 'empty reference'],
  ['alpine:latest\n', 'contains whitespace at position 14 (trailing)'],
  [' alpine', 'contains whitespace at position 1'],
  ['alp ine', 'contains whitespace at position 4'],
  ['docker://alpine:latest', 'remove the "docker://" transport prefix (skopeo syntax): use "alpine:latest"'],
  ['DOCKER://ghcr.io/o/a', 'remove the "docker://" transport prefix (skopeo syntax): use "ghcr.io/o/a"'],
  ['oci://ghcr.io/o/a/', 'an image reference is not a URL: remove "oci://" and use "ghcr.io/o/a"'],
  ['localhost:5000/', 'missing repository path after registry "localhost:5000"'],
  ['a'.repeat(2000), 'reference too long (2000 > 1024 characters)'],
]

describe('parseReference: invalid references', () => {
  it('has at least 60 invalid cases', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(60)
  })

  it.each(invalid)('%j', (input, reason) => {
    const error = rejection(input)
    expect(error.code).toBe('INVALID_REFERENCE')
    expect(error.exitCode).toBe(2)
    if (typeof reason === 'string') expect(error.reason).toBe(reason)
    else expect(error.reason).toMatch(reason)
    expect(error.message).toContain(error.reason)
  })

  it('quotes the input in the message', () => {
    expect(rejection('MyOrg/App').message).toBe('invalid reference "MyOrg/App": repository name must be lowercase: MyOrg/App')
  })

  it('shortens absurdly long input in the message', () => {
    const error = rejection('a'.repeat(2000))
    expect(error.reference).toBe(`${'a'.repeat(200)}…`)
    // Issue 12: a 10,000-character input was echoed twice in full.
    expect(rejection('A'.repeat(10_000)).message.length).toBeLessThan(600)
  })

  it('echoes no control characters or escapes from the input (one inert line)', () => {
    const error = rejection('bad\u001B[31mref\n::error title=x::injected')
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001F]/)
    expect(error.message).not.toContain('\n::')
  })

  it('redacts credentials pasted as a URL', () => {
    const error = rejection('https://user:hunter2secret@registry.example.com/app')
    expect(error.message).not.toContain('hunter2secret')
    expect(error.reason).not.toContain('hunter2secret')
  })
})

describe('length limit (distribution/reference RepositoryNameTotalLengthMax, path only)', () => {
  it('accepts a 255-character path behind a long registry name', () => {
    const path = `${'a/'.repeat(127)}a`
    expect(path).toHaveLength(255)
    expect(parseReference(`registry.example.com:5000/${path}`).repository).toBe(path)
  })

  it('counts the library/ prefix Docker Hub adds', () => {
    expect(parseReference('a'.repeat(247)).repository).toHaveLength(255)
    expect(rejection('a'.repeat(248)).reason).toBe('repository name too long (256 > 255)')
  })

  it('reports a 300-character repository', () => {
    expect(rejection(`ghcr.io/${'b'.repeat(300)}`).reason).toBe('repository name too long (300 > 255)')
  })
})

describe('formatReference', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['user/app:1', 'docker.io/user/app:1'],
    [`localhost:5000/repo:tag@${SHA256}`, `localhost:5000/repo:tag@${SHA256}`],
    [`ghcr.io/o/a@${SHA256}`, `ghcr.io/o/a@${SHA256}`],
    ['[::1]:5000/x', '[::1]:5000/x:latest'],
    ['index.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
  ])('%s → %s', (input, canonical) => {
    expect(formatReference(parseReference(input))).toBe(canonical)
  })
})

describe('familiarReference (normalize_test.go TestParseRepositoryInfo)', () => {
  it.each([
    ['fooo/bar', 'fooo/bar:latest'],
    ['index.docker.io/fooo/bar', 'fooo/bar:latest'],
    ['library/ubuntu', 'ubuntu:latest'],
    ['docker.io/library/ubuntu', 'ubuntu:latest'],
    ['nonlibrary/ubuntu', 'nonlibrary/ubuntu:latest'],
    ['other/library', 'other/library:latest'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase:latest'],
    ['example.com:8000/privatebasee', 'example.com:8000/privatebasee:latest'],
    ['docker.io/ubuntu-12.04-base', 'ubuntu-12.04-base:latest'],
    ['library/foo/bar', 'library/foo/bar:latest'],
    ['store/foo/bar', 'store/foo/bar:latest'],
    ['Foo/bar', 'Foo/bar:latest'],
    ['user/app:1', 'user/app:1'],
    [
      'docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
      'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    ],
    [`redis@${REDIS}`, `redis@${REDIS}`],
    // Kept qualified where the short form would name another registry.
    ['docker.io/foo.bar/app', 'docker.io/foo.bar/app:latest'],
    ['docker.io/localhost/app', 'docker.io/localhost/app:latest'],
    ['docker.io/library/foo.bar', 'foo.bar:latest'],
  ])('%s → %s', (input, familiar) => {
    const ref = parseReference(input)
    expect(familiarReference(ref)).toBe(familiar)
    // The familiar form parses back to the same reference.
    expect(parseReference(familiar)).toStrictEqual(ref)
  })
})

describe('registryApiHost', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['localhost:5000', 'localhost:5000'],
    ['registry-1.docker.io', 'registry-1.docker.io'],
  ])('%s → %s', (registry, host) => {
    expect(registryApiHost(registry)).toBe(host)
  })
})

describe('isLoopbackRegistry', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['LOCALHOST:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3:443', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['[0:0:0:0:0:0:0:1]:5000', true],
    ['docker.io', false],
    ['128.0.0.1', false],
    ['10.0.0.1:5000', false],
    ['localhost.example.com', false],
    ['foo.localhost', false],
    ['127.1', false],
    ['2130706433', false],
    ['127.0.0.1.nip.io', false],
    ['[::2]:5000', false],
    ['[::ffff:127.0.0.1]', false],
    ['localhost:99999', false],
    ['127.0.0.999', false],
    ['', false],
    ['user@localhost', false],
    ['localhost/x', false],
  ])('%s → %s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback)
  })
})
