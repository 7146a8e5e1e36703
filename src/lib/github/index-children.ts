/**
 * Which untagged versions of a container package are in use by a tag (issue 8).
 *
 * A multi-platform image tagged `latest` is an index (OCI image-spec `image-index.md`, or a Docker
 * manifest list) whose platform manifests, and the attestation manifests BuildKit adds
 * (`vnd.docker.reference.type: attestation-manifest`), are pushed by digest only. GitHub lists each
 * of them as a package version of its own with no tags ("Deleting a package version": deleting a
 * platform manifest breaks the multi-arch image; https://docs.github.com/en/packages/learn-github-packages/deleting-and-restoring-a-package).
 * The Packages API says nothing about that relation: only the index manifests in the registry do.
 * So the manifest of every tagged version is read from the registry, and every digest an index
 * names (nested indexes followed, bounded) is "in use by" the tags of that index.
 *
 * Any manifest that cannot be read makes the answer undetermined: a list that may hold children
 * is never returned (a cleanup script deleting it would break the tag).
 */
import {isRegctlError, UndeterminedError} from '../errors.js'
import {mapConcurrent} from '../concurrency.js'
import type {Manifest} from '../registry/types.js'
import {MediaType} from '../registry/types.js'
import type {InUseVersion, PackageVersionSummary} from './types.js'

/** Reads one manifest by digest from the package's repository (the registry client, with Docker credentials). */
export type ManifestReader = (registry: string, repository: string, digest: string) => Promise<Manifest>

/** At most this many manifests are read for one listing (tagged versions plus nested indexes). */
export const MAX_MANIFEST_READS = 1000

/** Nested indexes are followed this deep below a tagged index (OCI allows nesting; real images use 0 or 1). */
export const MAX_INDEX_DEPTH = 4

/** Manifest reads in flight. */
const READ_CONCURRENCY = 6

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList])

/** Where the package's manifests live, and how to read them. */
export type IndexChildrenOptions = {
  registry: string
  /** `owner/package`, lower-cased as ghcr.io names it. */
  repository: string
  read: ManifestReader
  /** Default {@link MAX_MANIFEST_READS}. */
  maxReads?: number
}

/**
 * For every digest named by the index of a tagged version (following nested indexes), the tags
 * that use it. Throws {@link UndeterminedError} when a manifest cannot be read or the bound on reads
 * is passed: the caller must not list untagged versions as unused then.
 */
export async function digestsInUseByTags(versions: readonly PackageVersionSummary[], options: IndexChildrenOptions): Promise<Map<string, Set<string>>> {
  const maxReads = options.maxReads ?? MAX_MANIFEST_READS
  const tagged = versions.filter((version) => version.tags.length > 0)
  const usedBy = new Map<string, Set<string>>()
  let reads = 0
  const where = `${options.registry}/${options.repository}`

  const readOne = async (digest: string): Promise<Manifest> => {
    reads++
    try {
      return await options.read(options.registry, options.repository, digest)
    } catch (error) {
      const detail = isRegctlError(error) ? error.message : error instanceof Error ? error.message : String(error)
      throw new UndeterminedError(
        `cannot tell which untagged versions the tags use: reading the manifest ${where}@${digest} failed (${detail}); ` +
          `no untagged version is listed as unused. Log in to ${options.registry} (e.g. \`docker login ${options.registry}\`) if the package is private`,
        {cause: error},
      )
    }
  }

  // Level by level: the tagged versions, then the nested indexes they name, each level read concurrently.
  let level: Array<{digest: string; tags: readonly string[]}> = tagged.map((version) => ({digest: version.digest, tags: version.tags}))
  const seen = new Set<string>()
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_INDEX_DEPTH) {
      throw new UndeterminedError(`cannot tell which untagged versions the tags use: indexes in ${where} nest deeper than ${MAX_INDEX_DEPTH} levels`)
    }

    if (reads + level.length > maxReads) {
      throw new UndeterminedError(
        `cannot tell which untagged versions the tags use: ${where} needs more than ${maxReads} manifest reads ` +
          `(${tagged.length} tagged versions); no untagged version is listed as unused`,
      )
    }

    const manifests = await mapConcurrent(level, READ_CONCURRENCY, async (entry) => readOne(entry.digest))
    const next = new Map<string, Set<string>>()
    for (const [index, manifest] of manifests.entries()) {
      if (manifest.kind !== 'index') continue
      const {tags} = level[index] as {tags: readonly string[]}
      for (const child of manifest.manifests) {
        const users = usedBy.get(child.digest) ?? new Set<string>()
        for (const tag of tags) users.add(tag)
        usedBy.set(child.digest, users)
        if (INDEX_TYPES.has(child.mediaType) && !seen.has(child.digest)) {
          const pending = next.get(child.digest) ?? new Set<string>()
          for (const tag of tags) pending.add(tag)
          next.set(child.digest, pending)
        }
      }
    }

    for (const entry of level) seen.add(entry.digest)
    level = [...next].filter(([digest]) => !seen.has(digest)).map(([digest, tags]) => ({digest, tags: [...tags]}))
  }

  return usedBy
}

/**
 * Splits untagged versions into those no tag uses (safe to delete, as far as tags go) and those a
 * tagged index names, with the tags that use them.
 */
export function splitUntagged(
  versions: readonly PackageVersionSummary[],
  inUse: ReadonlyMap<string, ReadonlySet<string>>,
): {unused: PackageVersionSummary[]; inUse: InUseVersion[]} {
  const unused: PackageVersionSummary[] = []
  const used: InUseVersion[] = []
  for (const version of versions) {
    if (version.tags.length > 0) continue
    const tags = inUse.get(version.digest)
    if (tags === undefined) unused.push(version)
    else used.push({digest: version.digest, usedBy: [...tags].sort()})
  }

  return {unused, inUse: used}
}
