import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {saysTokenExpired} from '../../../src/lib/registry/oci-errors.js'
import {MAX_PLATFORM_CHECKS, pullCheck, pullCheckExitCode, verdictForError, warningsBesideVerdicts, type PullCheckClient} from '../../../src/lib/checks/pull-check.js'
import type {CredentialLookup} from '../../../src/lib/credentials/types.js'
import {
  AuthError,
  ConfigError,
  CredentialHelperError,
  NetworkError,
  ProtocolError,
  RegistryHttpError,
  TimeoutError,
} from '../../../src/lib/errors.js'
import type {IdentityUsed, Manifest, ManifestGet, ManifestHead} from '../../../src/lib/registry/types.js'
import {MediaType} from '../../../src/lib/registry/types.js'

const digestOf = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`

const amd64 = digestOf('amd64')
const arm64 = digestOf('arm64')
const attestation = digestOf('attestation')
const index: Manifest = {
  kind: 'index',
  mediaType: MediaType.ociIndex,
  manifests: [
    {mediaType: MediaType.ociManifest, digest: amd64, size: 10, platform: {os: 'linux', architecture: 'amd64'}},
    {mediaType: MediaType.ociManifest, digest: arm64, size: 10, platform: {os: 'linux', architecture: 'arm64', variant: 'v8'}},
    {mediaType: MediaType.ociManifest, digest: attestation, size: 10, platform: {os: 'unknown', architecture: 'unknown'}},
  ],
}
const indexDigest = digestOf('index')
const image = (config: string, layers: string[]): Manifest => ({
  kind: 'image',
  mediaType: MediaType.ociManifest,
  config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1},
  layers: layers.map((digest) => ({mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 1})),
})

type Entry = {head: ManifestHead; manifest?: Manifest}

/** A registry in memory: `repo@reference` → manifest; errors by repository; config blobs by digest. */
function fakeClient(entries: Record<string, Entry>, failures: Record<string, unknown> = {}, blobs: Set<string> = new Set(), configs: Record<string, unknown> = {}) {
  const calls: string[] = []
  const client: PullCheckClient = {
    async headManifest(registry, repository, reference) {
      calls.push(`HEAD ${registry}/${repository}@${reference}`)
      if (failures[repository]) throw failures[repository]
      const entry = entries[`${repository}@${reference}`]
      if (!entry) throw new RegistryHttpError(404, 'HEAD', `https://${registry}/v2/${repository}/manifests/${reference}`, [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}])
      return entry.head
    },
    async getManifest(registry, repository, reference): Promise<ManifestGet> {
      calls.push(`GET ${registry}/${repository}@${reference}`)
      const entry = entries[`${repository}@${reference}`]
      if (!entry?.manifest) throw new Error(`test bug: no body for ${reference}`)
      return {...entry.head, manifest: entry.manifest, body: new Uint8Array()}
    },
    async headBlob(_registry, _repository, digest) {
      calls.push(`HEAD blob ${digest}`)
      if (!blobs.has(digest)) throw new RegistryHttpError(404, 'HEAD', `blob ${digest}`, [{code: 'BLOB_UNKNOWN', message: 'blob unknown'}])
      return {size: 1}
    },
    async getBlob(_registry, _repository, digest) {
      calls.push(`GET blob ${digest}`)
      if (!(digest in configs)) throw new RegistryHttpError(404, 'GET', `blob ${digest}`, [{code: 'BLOB_UNKNOWN', message: 'blob unknown'}])
      return new TextEncoder().encode(JSON.stringify(configs[digest]))
    },
  }
  return {calls, client}
}

const anonymous: CredentialLookup = async () => undefined
const linuxAmd64 = {os: 'linux', architecture: 'amd64'}
const head = (digest: string, mediaType: string): ManifestHead => ({digest, mediaType, size: 100})

const registryEntries: Record<string, Entry> = {
  'library/multi@latest': {head: head(indexDigest, MediaType.ociIndex), manifest: index},
  [`library/multi@${indexDigest}`]: {head: head(indexDigest, MediaType.ociIndex), manifest: index},
  [`library/multi@${amd64}`]: {head: head(amd64, MediaType.ociManifest), manifest: image(digestOf('cfg'), [digestOf('l1')])},
  'library/single@1.0': {head: head(amd64, MediaType.dockerManifest), manifest: image(digestOf('single-config'), [digestOf('l1')])},
  [`library/single@${amd64}`]: {head: head(amd64, MediaType.dockerManifest), manifest: image(digestOf('single-config'), [digestOf('l1')])},
  'library/old@1': {head: head(digestOf('old'), MediaType.dockerSchema1Signed)},
}

describe('pullCheck', () => {
  it('resolves an index for the requested platform with one GET and HEADs the chosen manifest', async () => {
    const {calls, client} = fakeClient(registryEntries)
    const result = await pullCheck(['multi'], {client, credentials: anonymous, platform: linuxAmd64})
    const [check] = result.images
    expect(check).toMatchObject({
      reference: 'docker.io/library/multi:latest',
      verdict: 'pullable',
      digest: indexDigest,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      platform: {requested: 'linux/amd64', digest: amd64},
      credential: {source: 'anonymous'},
    })
    expect(calls).toEqual([
      'HEAD docker.io/library/multi@latest',
      `GET docker.io/library/multi@${indexDigest}`,
      `HEAD docker.io/library/multi@${amd64}`,
    ])
    expect(pullCheckExitCode(result)).toBe(0)
  })

  it('says platform-missing and lists what exists', async () => {
    const {client} = fakeClient(registryEntries)
    const result = await pullCheck(['multi'], {client, credentials: anonymous, platform: {os: 'linux', architecture: 's390x'}})
    expect(result.images[0]).toMatchObject({verdict: 'platform-missing', platform: {requested: 'linux/s390x'}})
    expect(result.images[0]?.message).toContain('linux/amd64, linux/arm64/v8')
    expect(pullCheckExitCode(result)).toBe(1)
  })

  it('checks only HEAD for a single-platform image (no quota spent)', async () => {
    const {calls, client} = fakeClient(registryEntries)
    const result = await pullCheck(['single:1.0'], {client, credentials: anonymous, platform: linuxAmd64})
    expect(result.images[0]).toMatchObject({verdict: 'pullable', digest: amd64, mediaType: MediaType.dockerManifest})
    expect(calls.every((c) => c.startsWith('HEAD '))).toBe(true)
  })

  it('an explicit --platform must match a single-platform image too (its config says linux/amd64)', async () => {
    const configs = {[digestOf('single-config')]: {os: 'linux', architecture: 'amd64', rootfs: {}}}
    const arm = fakeClient(registryEntries, {}, new Set(), configs)
    const wrong = await pullCheck(['single:1.0'], {client: arm.client, credentials: anonymous, platform: {os: 'linux', architecture: 'arm64'}, platformExplicit: true})
    expect(wrong.images[0]).toMatchObject({verdict: 'platform-missing', platforms: ['linux/amd64'], platform: {requested: 'linux/arm64'}})
    expect(wrong.images[0]?.message).toBe('single-platform image for linux/amd64, not linux/arm64')
    // The answer needs the manifest body: one GET, no HEAD before it (issue 10).
    expect(arm.calls).toEqual(['GET docker.io/library/single@1.0', `GET blob ${digestOf('single-config')}`])

    const right = await pullCheck(['single:1.0'], {client: fakeClient(registryEntries, {}, new Set(), configs).client, credentials: anonymous, platform: linuxAmd64, platformExplicit: true})
    expect(right.images[0]).toMatchObject({verdict: 'pullable', platforms: ['linux/amd64'], platform: {requested: 'linux/amd64', digest: amd64}})
  })

  it('--platform with --blobs fetches the single-platform manifest once', async () => {
    const configs = {[digestOf('single-config')]: {os: 'linux', architecture: 'amd64'}}
    const {calls, client} = fakeClient(registryEntries, {}, new Set([digestOf('single-config'), digestOf('l1')]), configs)
    const result = await pullCheck(['single:1.0'], {client, credentials: anonymous, platform: linuxAmd64, platformExplicit: true, blobs: true})
    expect(result.images[0]).toMatchObject({verdict: 'pullable', blobs: {checked: 2, missing: []}})
    expect(calls.filter((c) => c.startsWith('GET docker.io/'))).toEqual(['GET docker.io/library/single@1.0'])
    expect(calls.filter((c) => c.startsWith('HEAD docker.io/'))).toEqual([])
  })

  it('--platform over many tags of one image: one manifest GET per tag, the config read once per repository', async () => {
    const configs = {[digestOf('single-config')]: {os: 'linux', architecture: 'amd64'}}
    const tags = Array.from({length: 10}, (_, i) => `v${i}`)
    const entries: Record<string, Entry> = {...registryEntries}
    for (const tag of tags) {
      entries[`library/single@${tag}`] = {head: head(amd64, MediaType.dockerManifest), manifest: image(digestOf('single-config'), [digestOf('l1')])}
      entries[`library/multi@${tag}`] = {head: head(indexDigest, MediaType.ociIndex), manifest: index}
    }

    const {calls, client} = fakeClient(entries, {}, new Set(), configs)
    const inputs = tags.flatMap((tag) => [`single:${tag}`, `multi:${tag}`])
    const result = await pullCheck(inputs, {client, credentials: anonymous, platform: linuxAmd64, platformExplicit: true})
    expect(result.summary).toMatchObject({total: 20, pullable: 20})
    expect(calls.filter((c) => c.startsWith('GET docker.io/'))).toHaveLength(20)
    // The chosen platform manifest of the index is the same digest for every tag: HEAD once.
    expect(calls.filter((c) => c.startsWith('HEAD docker.io/'))).toEqual([`HEAD docker.io/library/multi@${amd64}`])
    expect(calls.filter((c) => c.startsWith('GET blob'))).toEqual([`GET blob ${digestOf('single-config')}`])
  })

  it('the default platform (not asked for) does not fetch a single-platform config', async () => {
    const {calls, client} = fakeClient(registryEntries)
    const result = await pullCheck(['single:1.0'], {client, credentials: anonymous, platform: {os: 'linux', architecture: 'arm64'}})
    expect(result.images[0]?.verdict).toBe('pullable')
    expect(calls).toEqual(['HEAD docker.io/library/single@1.0'])
  })

  it('with --all-platforms fails when one platform manifest is missing', async () => {
    const {client} = fakeClient(registryEntries)
    const result = await pullCheck(['multi'], {client, credentials: anonymous, platform: linuxAmd64, allPlatforms: true})
    const [check] = result.images
    expect(check?.verdict).toBe('not-found')
    expect(check?.platformChecks).toEqual([
      {platform: 'linux/amd64', digest: amd64, verdict: 'pullable'},
      expect.objectContaining({platform: 'linux/arm64/v8', digest: arm64, verdict: 'not-found'}),
    ])
  })

  it('with --all-platforms sends one HEAD per distinct digest, however often the index lists it', async () => {
    const repeated: Manifest = {
      kind: 'index',
      mediaType: MediaType.ociIndex,
      manifests: Array.from({length: 5000}, (_, i) => ({mediaType: MediaType.ociManifest, digest: amd64, size: 10, platform: {os: 'linux', architecture: i % 2 ? 'amd64' : 'arm64'}})),
    }
    const entries = {...registryEntries, 'library/rep@latest': {head: head(digestOf('rep'), MediaType.ociIndex), manifest: repeated}, [`library/rep@${digestOf('rep')}`]: {head: head(digestOf('rep'), MediaType.ociIndex), manifest: repeated}, [`library/rep@${amd64}`]: {head: head(amd64, MediaType.ociManifest)}}
    const {calls, client} = fakeClient(entries)
    const result = await pullCheck(['rep'], {client, credentials: anonymous, platform: linuxAmd64, allPlatforms: true})
    expect(result.images[0]?.verdict).toBe('pullable')
    expect(calls.filter((c) => c === `HEAD docker.io/library/rep@${amd64}`)).toHaveLength(1)
    expect(result.images[0]?.platformChecks?.[1]).toEqual({platform: 'linux/amd64', digest: amd64, verdict: 'pullable'})
  })

  it('with --all-platforms refuses an index over the bound of distinct manifests, sending no HEAD for them', async () => {
    const huge: Manifest = {
      kind: 'index',
      mediaType: MediaType.ociIndex,
      manifests: Array.from({length: MAX_PLATFORM_CHECKS + 1}, (_, i) => ({mediaType: MediaType.ociManifest, digest: digestOf(`m${i}`), size: 10, platform: {os: 'linux', architecture: 'amd64'}})),
    }
    const entries = {...registryEntries, 'library/huge@latest': {head: head(digestOf('huge'), MediaType.ociIndex), manifest: huge}, [`library/huge@${digestOf('huge')}`]: {head: head(digestOf('huge'), MediaType.ociIndex), manifest: huge}}
    const {calls, client} = fakeClient(entries)
    const result = await pullCheck(['huge'], {client, credentials: anonymous, platform: linuxAmd64, allPlatforms: true})
    expect(result.images[0]).toMatchObject({verdict: 'registry-error', message: `the index lists ${MAX_PLATFORM_CHECKS + 1} distinct platform manifests, over the bound of ${MAX_PLATFORM_CHECKS} that --all-platforms checks`})
    expect(calls.length).toBeLessThanOrEqual(2)
    expect(pullCheckExitCode(result)).toBe(3)
  })

  it('with --blobs reports missing blobs of the chosen manifest', async () => {
    const {client} = fakeClient(registryEntries, {}, new Set([digestOf('cfg')]))
    const result = await pullCheck(['multi'], {client, credentials: anonymous, platform: linuxAmd64, blobs: true})
    expect(result.images[0]).toMatchObject({verdict: 'not-found', blobs: {checked: 2, missing: [digestOf('l1')]}})
  })

  it('reports schema1 as deprecated and not pullable', async () => {
    const {client} = fakeClient(registryEntries)
    const result = await pullCheck(['old:1'], {client, credentials: anonymous, platform: linuxAmd64})
    expect(result.images[0]).toMatchObject({verdict: 'registry-error', deprecated: expect.stringContaining('schema 1')})
  })

  it('keeps input order, checks duplicates once and reports invalid references with exit 2', async () => {
    const {calls, client} = fakeClient(registryEntries)
    const result = await pullCheck(['single:1.0', 'Bad Ref', 'single:1.0'], {client, credentials: anonymous, platform: linuxAmd64})
    expect(result.images.map((i) => i.verdict)).toEqual(['pullable', 'invalid-reference', 'pullable'])
    expect(calls).toHaveLength(1)
    expect(result.summary).toEqual({total: 3, pullable: 2, failed: 1, indeterminate: 0})
    expect(pullCheckExitCode(result)).toBe(2)
  })

  it('names the credential source and username, never the secret', async () => {
    const {client} = fakeClient(registryEntries)
    const credentials: CredentialLookup = async () => ({
      credential: {username: 'bob', password: 's3cr3t-password'},
      source: {kind: 'config-auths', label: 'config.json auths', path: '/x/config.json', key: 'https://index.docker.io/v1/'},
    })
    const result = await pullCheck(['single:1.0'], {client, credentials, platform: linuxAmd64})
    expect(result.images[0]?.credential).toEqual({source: 'config.json auths', username: 'bob'})
    expect(JSON.stringify(result)).not.toContain('s3cr3t')
  })

  // issue 8: the label is what went on the wire (the client's record), not what is stored.
  describe('the credential label is what the registry saw', () => {
    const stored: CredentialLookup = async () => ({
      credential: {username: 'alice', password: 's3cr3t-password'},
      source: {kind: 'config-auths', label: 'config.json auths', path: '/x/config.json', key: 'docker.io'},
    })
    const withIdentity = (used: IdentityUsed | undefined): PullCheckClient => ({...fakeClient(registryEntries).client, identityUsed: () => used})

    it.each([
      ['an open registry that never challenged', {source: {kind: 'anonymous', label: 'anonymous'}, challenged: false}, {source: 'anonymous', unused: {source: 'config.json auths', username: 'alice', reason: 'not-asked'}}],
      ['a challenge the stored login cannot answer', {source: {kind: 'anonymous', label: 'anonymous'}, challenged: true}, {source: 'anonymous', unused: {source: 'config.json auths', username: 'alice', reason: 'unusable'}}],
      ['a login that was sent', {source: {kind: 'config-auths', label: 'config.json auths', path: '/x/config.json', key: 'docker.io'}, username: 'alice', challenged: true}, {source: 'config.json auths', username: 'alice'}],
    ] as const)('%s', async (_name, used, expected) => {
      const result = await pullCheck(['single:1.0'], {client: withIdentity(used as IdentityUsed), credentials: stored, platform: linuxAmd64})
      expect(result.images[0]?.credential).toEqual(expected)
      expect(JSON.stringify(result)).not.toContain('s3cr3t')
    })

    it('no stored login, nothing sent: anonymous without a note', async () => {
      const result = await pullCheck(['single:1.0'], {client: withIdentity({source: {kind: 'anonymous', label: 'anonymous'}, challenged: false}), credentials: async () => undefined, platform: linuxAmd64})
      expect(result.images[0]?.credential).toEqual({source: 'anonymous'})
    })

    it('a failed check is labelled from the wire too: a 404 on an open registry was anonymous', async () => {
      const client = withIdentity({source: {kind: 'anonymous', label: 'anonymous'}, challenged: false})
      const result = await pullCheck(['missing:1.0'], {client, credentials: stored, platform: linuxAmd64})
      expect(result.images[0]).toMatchObject({verdict: 'not-found', credential: {source: 'anonymous', unused: {reason: 'not-asked'}}})
    })

    it.each([
      ['a stored login', stored],
      ['no stored login', async () => undefined],
    ] as const)('nothing answered (unreachable), %s: none, not the stored login and not anonymous', async (_name, credentials) => {
      const client = {...withIdentity(undefined), answered: () => false}
      client.headManifest = async () => {
        throw new NetworkError('https://registry-1.docker.io/v2/', 'ECONNREFUSED')
      }

      const result = await pullCheck(['single:1.0'], {client, credentials, platform: linuxAmd64})
      expect(result.images[0]).toMatchObject({verdict: 'unreachable', credential: {source: 'none'}})
      expect(result.images[0]?.credential).toEqual({source: 'none'})
    })

    it('the registry answered but its token server refused the login: the stored login, which was offered', async () => {
      const client = {...withIdentity(undefined), answered: () => true}
      client.headManifest = async () => {
        throw new AuthError('x: credentials rejected (HTTP 403)', {reason: 'credentials-rejected', registry: 'docker.io', status: 403})
      }

      const result = await pullCheck(['single:1.0'], {client, credentials: stored, platform: linuxAmd64})
      expect(result.images[0]?.credential).toEqual({source: 'config.json auths', username: 'alice'})
    })

    it('an anonymous refusal names the source that failed, from credentialWarnings', async () => {
      const client = {...withIdentity({source: {kind: 'anonymous', label: 'anonymous'}, challenged: true})}
      client.headManifest = async () => {
        throw new AuthError('x: anonymous access refused (HTTP 401)', {reason: 'no-credentials', registry: 'docker.io', status: 401})
      }

      const credentialWarnings = () => [{warning: 'cannot read /x/config.json (permission denied): …', cause: '/x/config.json could not be read'}]
      const result = await pullCheck(['single:1.0'], {client, credentials: async () => undefined, credentialWarnings, platform: linuxAmd64})
      expect(result.images[0]).toMatchObject({verdict: 'unauthorized', message: 'authentication required, and /x/config.json could not be read, so the check went anonymously (see the warning)'})
      expect(result.warnings).toEqual(['cannot read /x/config.json (permission denied): …'])
    })
  })

  it('a broken credential helper makes that registry undetermined only', async () => {
    const {client} = fakeClient(registryEntries)
    const credentials: CredentialLookup = async (registry) => {
      if (registry === 'ghcr.io') throw new CredentialHelperError('desktop', 'ghcr.io', 'executable not found')
      return undefined
    }
    const result = await pullCheck(['ghcr.io/a/b:1', 'single:1.0'], {client, credentials, platform: linuxAmd64})
    expect(result.images.map((i) => i.verdict)).toEqual(['credential-error', 'pullable'])
    expect(result.images[0]?.message).toContain('docker-credential-desktop')
    expect(result.exitCode).toBe(3)
  })

  // The lead's decision (session 4): docker 29+ stops `docker pull` at a helper error
  // (RetrieveAuthTokenFromImage, docker/cli ad776d1e10), so a failing helper for the image's
  // registry is never a pass, even for an image anonymous pulls would get.
  describe('a failing helper reported through credentialWarnings', () => {
    const stopped = {warning: 'docker-credential-secretservice (…) failed for docker.io: …', cause: 'docker-credential-secretservice failed', undetermined: 'docker-credential-secretservice failed for docker.io: … Undetermined: …'}

    it('is undetermined (exit 3) for every image of its registry, with no registry request; other registries are checked', async () => {
      const {client, calls} = fakeClient({...registryEntries, 'a/b@1': registryEntries['library/single@1.0'] as Entry})
      const credentialWarnings = (registry: string) => (registry === 'docker.io' ? [stopped] : [])
      const result = await pullCheck(['single:1.0', 'multi:1.0', 'ghcr.io/a/b:1'], {client, credentials: anonymous, credentialWarnings, platform: linuxAmd64})
      expect(result.images.map((i) => i.verdict)).toEqual(['credential-error', 'credential-error', 'pullable'])
      expect(result.images[0]).toMatchObject({message: stopped.undetermined, credential: {source: 'none'}})
      expect(calls.filter((c) => c.includes('docker.io'))).toEqual([])
      expect(result.summary).toEqual({total: 3, pullable: 1, failed: 0, indeterminate: 2})
      expect(result.exitCode).toBe(3)
      expect(result.warnings).toEqual([stopped.warning])
    })

    it('warningsBesideVerdicts: the human report leaves out the helper failure its images\' notes say; --json keeps both', async () => {
      const {client} = fakeClient({...registryEntries, 'a/b@1': registryEntries['library/single@1.0'] as Entry})
      const unreadable = {warning: 'cannot read /x/config.json …', cause: '/x/config.json could not be read'}
      const ghcrHelper = {...stopped, warning: 'docker-credential-ghcr failed for ghcr.io: …'}
      const credentialWarnings = (registry: string) => [unreadable, ...(registry === 'docker.io' ? [stopped] : [])]
      const result = await pullCheck(['single:1.0', 'ghcr.io/a/b:1'], {client, credentials: anonymous, credentialWarnings, platform: linuxAmd64})
      expect(result.warnings).toEqual([unreadable.warning, stopped.warning])
      // The unreadable config.json is said by no verdict: it stays.
      expect(warningsBesideVerdicts(result, credentialWarnings)).toEqual([unreadable.warning])
      // A helper failure of a registry with no credential-error image (none of the run's) stays too.
      const withGhcr = (registry: string) => (registry === 'ghcr.io' ? [ghcrHelper] : [])
      expect(warningsBesideVerdicts({images: result.images.slice(1), warnings: [ghcrHelper.warning]}, withGhcr)).toEqual([ghcrHelper.warning])
    })

    it('an unreadable config.json (no `undetermined`) still checks anonymously, as every docker does', async () => {
      const {client} = fakeClient(registryEntries)
      const credentialWarnings = () => [{warning: 'cannot read /x/config.json …', cause: '/x/config.json could not be read'}]
      const result = await pullCheck(['single:1.0'], {client, credentials: anonymous, credentialWarnings, platform: linuxAmd64})
      expect(result.images[0]?.verdict).toBe('pullable')
      expect(result.exitCode).toBe(0)
    })
  })

  it('a malformed config aborts the whole run', async () => {
    const {client} = fakeClient(registryEntries)
    const credentials: CredentialLookup = async () => {
      throw new ConfigError('/home/u/.docker/config.json', 'unexpected token', {line: 3, column: 5})
    }
    await expect(pullCheck(['single:1.0'], {client, credentials, platform: linuxAmd64})).rejects.toBeInstanceOf(ConfigError)
  })

  it('exit code 3 when only undetermined results remain', async () => {
    const {client} = fakeClient(registryEntries, {'library/down': new NetworkError('https://registry-1.docker.io/v2/', 'ECONNREFUSED')})
    const result = await pullCheck(['single:1.0', 'down'], {client, credentials: anonymous, platform: linuxAmd64})
    expect(result.images[1]?.verdict).toBe('unreachable')
    expect(pullCheckExitCode(result)).toBe(3)
  })
})

describe('verdictForError', () => {
  const url = 'https://r.example/v2/x/manifests/1'
  it.each([
    [new AuthError('x', {reason: 'no-credentials', registry: 'r', status: 401}), 'unauthorized'],
    [new AuthError('x', {reason: 'credentials-rejected', registry: 'r', status: 401}), 'unauthorized'],
    [new AuthError('x', {reason: 'insufficient-scope', registry: 'r', status: 401}), 'denied'],
    [new RegistryHttpError(403, 'HEAD', url, [{code: 'DENIED', message: 'denied'}]), 'denied'],
    [new RegistryHttpError(404, 'HEAD', url, [{code: 'NAME_UNKNOWN', message: 'repository name not known'}]), 'not-found'],
    [new RegistryHttpError(429, 'HEAD', url, [{code: 'TOOMANYREQUESTS', message: 'slow down'}]), 'rate-limited'],
    [new RegistryHttpError(500, 'HEAD', url), 'registry-error'],
    [new RegistryHttpError(502, 'HEAD', url), 'registry-error'],
    [new ProtocolError(url, 'digest mismatch'), 'registry-error'],
    [new NetworkError(url, 'ECONNREFUSED'), 'unreachable'],
    [new TimeoutError(url, 5000), 'unreachable'],
  ])('%s → %s', (error, verdict) => {
    expect(verdictForError(error).verdict).toBe(verdict)
  })

  it.each([
    [new RegistryHttpError(404, 'GET', 'https://auth.example/token?scope=x', [], {}, 'token'), 'the token request to auth.example failed: HTTP 404'],
    [
      new RegistryHttpError(404, 'GET', 'https://auth.example/token', [{code: 'NAME_UNKNOWN', message: 'repository name not known'}], {}, 'token'),
      'the token request to auth.example failed: HTTP 404 NAME_UNKNOWN: repository name not known',
    ],
    [new RegistryHttpError(404, 'GET', 'https://r.example/v2/', [], {}, 'ping'), 'the /v2/ ping to r.example failed: HTTP 404'],
  ])('a failure of the auth machinery is registry-error (exit 3), never not-found: %s', (error, message) => {
    expect(verdictForError(error)).toEqual({verdict: 'registry-error', message})
    expect(error.exitCode).toBe(3)
  })

  it('a 5xx names the request, its host and Retry-After', () => {
    const error = new RegistryHttpError(503, 'HEAD', 'https://r.example:5000/v2/x/manifests/1', [], {'retry-after': '30'}, 'manifest')
    expect(verdictForError(error)).toEqual({verdict: 'registry-error', message: 'manifest request to r.example:5000 failed: HTTP 503 (Retry-After: 30)'})
    expect(error.message).toBe('manifest request HEAD https://r.example:5000/v2/x/manifests/1: HTTP 503 (Retry-After: 30)')
  })

  // ECR answers an expired login with HTTP 403 and this body
  // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html).
  const ecrHost = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
  const ecrExpired = 'Your authorization token has expired. Reauthenticate and try again.'
  const ecrLogin = `aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin ${ecrHost}`
  it('calls an expired login unauthorized (not denied) and names the provider login command, for either error shape', () => {
    const asAuth = new AuthError('x', {reason: 'insufficient-scope', registry: ecrHost, status: 403, expired: true})
    const asHttp = new RegistryHttpError(403, 'HEAD', `https://${ecrHost}/v2/app/manifests/1`, [{code: 'DENIED', message: ecrExpired}])
    for (const error of [asAuth, asHttp]) {
      expect(verdictForError(error)).toEqual({
        verdict: 'unauthorized',
        message: 'the authorization token has expired (HTTP 403): log in again',
      })
    }
  })

  it('an expired token that carries its own expiry: the message names the date (ISO, UTC)', () => {
    const error = new AuthError('x', {reason: 'credentials-rejected', registry: ecrHost, status: 403, expired: true, expiresAt: '2020-09-13T12:26:40.000Z'})
    expect(verdictForError(error)).toEqual({verdict: 'unauthorized', message: 'the authorization token expired at 2020-09-13T12:26:40.000Z (HTTP 403): log in again'})
  })

  it('pull-check puts the provider login line in fix for unauthorized and denied, and none for not-found', async () => {
    const expired = new RegistryHttpError(403, 'HEAD', `https://${ecrHost}/v2/app/manifests/1`, [{code: 'DENIED', message: ecrExpired}])
    const missing = new RegistryHttpError(404, 'HEAD', `https://${ecrHost}/v2/gone/manifests/1`, [{code: 'MANIFEST_UNKNOWN', message: 'no'}])
    const client: PullCheckClient = {
      headManifest: (_r, repository) => Promise.reject(repository === 'app' ? expired : repository === 'gone' ? missing : new AuthError('x', {reason: 'no-credentials', registry: 'ghcr.io', status: 401})),
      getManifest: () => Promise.reject(new Error('not used')),
      headBlob: () => Promise.reject(new Error('not used')),
      getBlob: () => Promise.reject(new Error('not used')),
    }
    const result = await pullCheck([`${ecrHost}/app:1`, `${ecrHost}/gone:1`, 'ghcr.io/o/p:1'], {client, credentials: anonymous, platform: linuxAmd64})
    expect(result.images.map((i) => [i.verdict, i.fix])).toEqual([
      ['unauthorized', ecrLogin],
      ['not-found', undefined],
      ['unauthorized', 'docker login ghcr.io -u USER --password-stdin'],
    ])
  })

  it('keeps a 403 that does not mention an expired token as denied', () => {
    const error = new RegistryHttpError(403, 'HEAD', `https://${ecrHost}/v2/app/manifests/1`, [
      {code: 'DENIED', message: 'User is not authorized to perform ecr:BatchGetImage'},
    ])
    expect(verdictForError(error).verdict).toBe('denied')
  })

  describe('saysTokenExpired', () => {
    const bytes = (text: string) => new TextEncoder().encode(text)
    it.each([
      [JSON.stringify({errors: [{code: 'DENIED', message: ecrExpired}]}), true],
      [`denied: ${ecrExpired}`, true],
      ['{"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]}', true],
      ['{"details":"expired token"}', true],
      ['{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}', false],
      ['the subscription expired. token is fine', false],
      ['', false],
    ])('%s → %s', (body, expected) => {
      expect(saysTokenExpired(bytes(body))).toBe(expected)
    })

    it('reads only the first 4 KiB of a body', () => {
      expect(saysTokenExpired(bytes(`${' '.repeat(5000)}token has expired`))).toBe(false)
    })
  })

  it('rethrows bugs instead of hiding them in a verdict', () => {
    expect(() => verdictForError(new TypeError('x is undefined'))).toThrow(TypeError)
  })
})

describe('rate limits', () => {
  it('a 429 reports when the quota resets, from Retry-After and the clock', async () => {
    const limited = new RegistryHttpError(429, 'HEAD', 'https://registry-1.docker.io/v2/library/busy/manifests/latest', [{code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit'}], {
      'retry-after': '120',
      'ratelimit-limit': '100;w=21600',
      'ratelimit-remaining': '0;w=21600',
      'docker-ratelimit-source': '203.0.113.7',
    })
    const {client} = fakeClient(registryEntries, {'library/busy': limited})
    const result = await pullCheck(['busy'], {client, credentials: anonymous, platform: linuxAmd64, now: () => Date.UTC(2026, 0, 1)})
    expect(result.images[0]).toMatchObject({
      verdict: 'rate-limited',
      rateLimit: {limit: 100, remaining: 0, windowSeconds: 21600, source: '203.0.113.7', resetAt: '2026-01-01T00:02:00.000Z'},
    })
    expect(pullCheckExitCode(result)).toBe(3)
  })
})
