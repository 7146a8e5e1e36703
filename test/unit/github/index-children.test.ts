/**
 * Which untagged versions tagged indexes use (`ghcr ls --untagged`, issue 8): platform and
 * attestation manifests of a tagged index, nested indexes, and every way the answer can be
 * undetermined (an unreadable manifest, too many reads, too deep).
 */
import {describe, expect, it} from 'vitest'

import {UndeterminedError} from '../../../src/lib/errors.js'
import {digestsInUseByTags, splitUntagged, type ManifestReader} from '../../../src/lib/github/index-children.js'
import type {PackageVersionSummary} from '../../../src/lib/github/types.js'
import {MediaType, type Manifest} from '../../../src/lib/registry/types.js'
import {digestOf} from '../../fixtures/github/factory.js'

const d = (seed: string): string => digestOf(seed)
const version = (seed: string, tags: string[] = []): PackageVersionSummary => ({id: 1, digest: d(seed), tags, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z'})
const image: Manifest = {kind: 'image', mediaType: MediaType.ociManifest, config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('config'), size: 2}, layers: []}
const index = (...children: Array<[string, string]>): Manifest => ({
  kind: 'index',
  mediaType: MediaType.ociIndex,
  manifests: children.map(([seed, mediaType]) => ({mediaType, digest: d(seed), size: 1})),
})

/** A registry of manifests by digest, counting reads. */
function registry(manifests: Record<string, Manifest>): ManifestReader & {reads: string[]} {
  const reads: string[] = []
  const read: ManifestReader = async (_registry, _repository, digest) => {
    reads.push(digest)
    const found = Object.entries(manifests).find(([seed]) => d(seed) === digest)
    if (!found) throw new Error(`manifest unknown: ${digest}`)
    return found[1]
  }

  return Object.assign(read, {reads})
}

const options = (read: ManifestReader, maxReads?: number) => ({registry: 'ghcr.io', repository: 'acme/app', read, ...(maxReads === undefined ? {} : {maxReads})})

describe('digestsInUseByTags', () => {
  it('platform and attestation manifests of a tagged index are in use by its tags; orphans are not', async () => {
    const read = registry({
      latest: index(['amd64', MediaType.ociManifest], ['arm64', MediaType.ociManifest], ['attestation', MediaType.ociManifest]),
      single: image,
    })
    const versions = [version('latest', ['latest', '1.0']), version('amd64'), version('arm64'), version('attestation'), version('single', ['0.9']), version('orphan')]
    const inUse = await digestsInUseByTags(versions, options(read))
    const split = splitUntagged(versions, inUse)
    expect(split.unused.map((v) => v.digest)).toEqual([d('orphan')])
    expect(split.inUse).toEqual([
      {digest: d('amd64'), usedBy: ['1.0', 'latest']},
      {digest: d('arm64'), usedBy: ['1.0', 'latest']},
      {digest: d('attestation'), usedBy: ['1.0', 'latest']},
    ])
    // Only the tagged versions are read: untagged ones never are.
    expect(new Set(read.reads)).toEqual(new Set([d('latest'), d('single')]))
  })

  it('a child shared by two tags names both; an untagged index is not followed', async () => {
    const read = registry({a: index(['shared', MediaType.ociManifest]), b: index(['shared', MediaType.dockerManifest])})
    const versions = [version('a', ['a']), version('b', ['b']), version('shared'), version('loose-index')]
    const split = splitUntagged(versions, await digestsInUseByTags(versions, options(read)))
    expect(split.inUse).toEqual([{digest: d('shared'), usedBy: ['a', 'b']}])
    expect(split.unused.map((v) => v.digest)).toEqual([d('loose-index')])
  })

  it('nested indexes are followed: the grandchildren are in use too (each index read once)', async () => {
    const read = registry({
      top: index(['nested', MediaType.ociIndex], ['nested', MediaType.ociIndex]),
      nested: index(['leaf', MediaType.ociManifest]),
    })
    const versions = [version('top', ['latest']), version('nested'), version('leaf'), version('orphan')]
    const split = splitUntagged(versions, await digestsInUseByTags(versions, options(read)))
    expect(split.unused.map((v) => v.digest)).toEqual([d('orphan')])
    expect(split.inUse.map((v) => v.digest)).toEqual([d('nested'), d('leaf')])
    expect(read.reads).toEqual([d('top'), d('nested')])
  })

  it('an unreadable tagged manifest is undetermined (exit 3), naming the digest and the registry login', async () => {
    const read = registry({latest: index(['amd64', MediaType.ociManifest])})
    const versions = [version('latest', ['latest']), version('gone', ['old']), version('amd64')]
    const error = await digestsInUseByTags(versions, options(read)).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(UndeterminedError)
    expect(error).toMatchObject({exitCode: 3, code: 'UNDETERMINED'})
    expect((error as Error).message).toContain(`reading the manifest ghcr.io/acme/app@${d('gone')} failed (manifest unknown`)
    expect((error as Error).message).toContain('no untagged version is listed as unused')
    expect((error as Error).message).toContain('docker login ghcr.io')
  })

  it('more reads than the bound: undetermined before any read', async () => {
    const read = registry({})
    const versions = Array.from({length: 6}, (_, i) => version(`t${i}`, [`v${i}`]))
    await expect(digestsInUseByTags(versions, options(read, 5))).rejects.toThrow('needs more than 5 manifest reads (6 tagged versions)')
    expect(read.reads).toEqual([])
  })

  it('nesting deeper than the bound is undetermined, and a cycle is read once', async () => {
    const chain: Record<string, Manifest> = {}
    for (let i = 0; i < 10; i++) chain[`n${i}`] = index([`n${i + 1}`, MediaType.ociIndex])
    await expect(digestsInUseByTags([version('n0', ['deep'])], options(registry(chain)))).rejects.toThrow('nest deeper than 4 levels')

    const cycle = registry({x: index(['y', MediaType.ociIndex]), y: index(['x', MediaType.ociIndex])})
    const inUse = await digestsInUseByTags([version('x', ['t'])], options(cycle))
    expect(cycle.reads).toEqual([d('x'), d('y')])
    expect([...inUse.keys()].sort()).toEqual([d('x'), d('y')].sort())
  })

  it('no tagged versions: nothing read, nothing in use', async () => {
    const read = registry({})
    const versions = [version('a'), version('b')]
    expect(splitUntagged(versions, await digestsInUseByTags(versions, options(read))).unused).toHaveLength(2)
    expect(read.reads).toEqual([])
  })
})
