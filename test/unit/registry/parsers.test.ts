import {createHash} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {ProtocolError} from '../../../src/lib/errors.js'
import {baseMediaType, computeDigest, isDigest, parseManifest, verifyDigest} from '../../../src/lib/registry/manifest.js'
import {parseOciErrors} from '../../../src/lib/registry/oci-errors.js'
import {parseRateLimit} from '../../../src/lib/registry/rate-limit.js'
import {type Manifest, MediaType} from '../../../src/lib/registry/types.js'

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))
const D = (c: string): string => `sha256:${c.repeat(64)}`
const desc = (mediaType: string, c: string, extra: Record<string, unknown> = {}) => ({mediaType, digest: D(c), size: 10, ...extra})

describe('parseManifest', () => {
  it.each<[string, unknown, string, Manifest]>([
    [
      'OCI index',
      {schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [desc(MediaType.ociManifest, 'a', {platform: {os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1'}})]},
      MediaType.ociIndex,
      {kind: 'index', mediaType: MediaType.ociIndex, manifests: [{mediaType: MediaType.ociManifest, digest: D('a'), size: 10, platform: {os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1'}}]},
    ],
    [
      'Docker manifest list',
      {schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [desc(MediaType.dockerManifest, 'b', {platform: {os: 'linux', architecture: 'arm', variant: 'v7'}})]},
      `${MediaType.dockerManifestList}; charset=utf-8`,
      {kind: 'index', mediaType: MediaType.dockerManifestList, manifests: [{mediaType: MediaType.dockerManifest, digest: D('b'), size: 10, platform: {os: 'linux', architecture: 'arm', variant: 'v7'}}]},
    ],
    [
      'OCI image manifest (artifact, no layers)',
      {schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: 'application/x', config: desc('application/vnd.oci.empty.v1+json', 'c'), layers: []},
      MediaType.ociManifest,
      {kind: 'image', mediaType: MediaType.ociManifest, config: {mediaType: 'application/vnd.oci.empty.v1+json', digest: D('c'), size: 10}, layers: []},
    ],
    [
      'Docker schema2',
      {schemaVersion: 2, mediaType: MediaType.dockerManifest, config: desc('application/vnd.docker.container.image.v1+json', 'd'), layers: [desc('application/vnd.docker.image.rootfs.diff.tar.gzip', 'e')]},
      MediaType.dockerManifest,
      {
        kind: 'image',
        mediaType: MediaType.dockerManifest,
        config: {mediaType: 'application/vnd.docker.container.image.v1+json', digest: D('d'), size: 10},
        layers: [{mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D('e'), size: 10}],
      },
    ],
    ['schema1 signed', {schemaVersion: 1, name: 'x', tag: 'y', fsLayers: []}, MediaType.dockerSchema1Signed, {kind: 'schema1', mediaType: MediaType.dockerSchema1Signed}],
    ['generic content type: body mediaType wins', {schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: []}, 'application/json', {kind: 'index', mediaType: MediaType.ociIndex, manifests: []}],
    ['no mediaType anywhere: sniffed index', {schemaVersion: 2, manifests: []}, '', {kind: 'index', mediaType: MediaType.ociIndex, manifests: []}],
    ['no mediaType anywhere: sniffed schema1', {schemaVersion: 1}, 'application/octet-stream', {kind: 'schema1', mediaType: MediaType.dockerSchema1}],
  ])('%s', (_name, body, contentType, expected) => {
    expect(parseManifest(enc(body), contentType)).toEqual(expected)
  })

  it.each<[string, unknown, string]>([
    ['not JSON', '{', MediaType.ociIndex],
    ['an array', [], MediaType.ociIndex],
    ['index without manifests', {schemaVersion: 2}, MediaType.ociIndex],
    ['image without layers', {config: desc('x', 'a')}, MediaType.ociManifest],
    ['descriptor with a bad digest', {manifests: [{mediaType: 'x', digest: 'nope', size: 1}]}, MediaType.ociIndex],
    ['descriptor with a negative size', {manifests: [{mediaType: 'x', digest: D('a'), size: -1}]}, MediaType.ociIndex],
    ['platform without architecture', {manifests: [desc('x', 'a', {platform: {os: 'linux'}})]}, MediaType.ociIndex],
    ['unknown media type', {}, 'application/vnd.example+json'],
    ['nothing to tell the type by', {hello: 1}, 'application/json'],
  ])('rejects %s', (_name, body, contentType) => {
    expect(() => parseManifest(enc(body), contentType, 'https://r/v2/x/manifests/y')).toThrow(ProtocolError)
  })
})

describe('digests', () => {
  const body = enc('hello')
  it('computes and verifies sha256 and sha512', () => {
    const s256 = `sha256:${createHash('sha256').update('hello').digest('hex')}`
    const s512 = `sha512:${createHash('sha512').update('hello').digest('hex')}`
    expect(computeDigest(body)).toBe(s256)
    expect(() => verifyDigest(body, s256, 'x')).not.toThrow()
    expect(() => verifyDigest(body, s512, 'x')).not.toThrow()
    expect(() => verifyDigest(enc('hellO'), s256, 'x')).toThrow(/mismatch/)
    expect(() => verifyDigest(body, 'md5:abc', 'x')).toThrow(ProtocolError)
  })

  it.each([
    [D('a'), true],
    [`sha512:${'a'.repeat(128)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    ['latest', false],
  ])('isDigest(%s) = %s', (value, expected) => {
    expect(isDigest(value)).toBe(expected)
  })

  it('baseMediaType drops parameters', () => {
    expect(baseMediaType('Application/JSON; charset=utf-8')).toBe('application/json')
    expect(baseMediaType(undefined)).toBe('')
  })
})

describe('parseRateLimit', () => {
  const now = Date.parse('2025-06-01T12:00:00Z')
  const from = (h: Record<string, string>) => parseRateLimit((n) => h[n], now)
  it.each<[string, Record<string, string>, ReturnType<typeof parseRateLimit>]>([
    ['none', {}, undefined],
    ['Docker Hub anonymous', {'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '99;w=21600', 'docker-ratelimit-source': '192.0.2.1'}, {limit: 100, remaining: 99, windowSeconds: 21_600, source: '192.0.2.1'}],
    ['retry-after seconds', {'retry-after': '60'}, {resetAt: '2025-06-01T12:01:00.000Z'}],
    ['retry-after HTTP date', {'retry-after': 'Sun, 01 Jun 2025 13:00:00 GMT'}, {resetAt: '2025-06-01T13:00:00.000Z'}],
    ['x-ratelimit-reset epoch', {'x-ratelimit-reset': String(Date.parse('2025-06-01T14:00:00Z') / 1000)}, {resetAt: '2025-06-01T14:00:00.000Z'}],
    ['garbage', {'ratelimit-limit': 'lots', 'retry-after': 'later'}, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(from(headers)).toEqual(expected)
  })
})

describe('parseOciErrors', () => {
  it.each([
    ['OCI body', {errors: [{code: 'DENIED', message: 'requested access to the resource is denied'}]}, [{code: 'DENIED', message: 'requested access to the resource is denied'}]],
    ['non-OCI JSON', {message: 'nope'}, []],
    ['entries without code are skipped', {errors: [{message: 'x'}, {code: 'UNAUTHORIZED'}]}, [{code: 'UNAUTHORIZED', message: ''}]],
    ['HTML', '<html>', []],
    ['a message echoing a token is redacted', {errors: [{code: 'X', message: 'Authorization: Bearer abcdefghijkl'}]}, [{code: 'X', message: 'Authorization: Bearer REDACTED'}]],
  ])('%s', (_name, body, expected) => {
    expect(parseOciErrors(enc(body))).toEqual(expected)
  })
})
