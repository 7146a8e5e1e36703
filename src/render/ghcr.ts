import {createTable, shortDigest} from './table.js'
import type {GhcrLsResult, GhcrPackagesResult, GhcrTagsResult, GhcrVersionsResult} from '../lib/github/types.js'

/** `2024-05-01T12:34:56Z` → `2024-05-01 12:34Z` (UTC, minutes): stable and sortable. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`
}

export {shortDigest} from './table.js'

/**
 * The human output of `ghcr ls`: a table, then one summary line (count, truncation, source and
 * rate limit). Pure: data in, string out; stderr notes (fallback, warnings) are the command's.
 */
export function renderGhcrLs(result: GhcrLsResult): string {
  switch (result.kind) {
    case 'packages': {
      return renderPackages(result)
    }

    case 'versions': {
      return renderVersions(result)
    }

    case 'tags': {
      return renderTags(result)
    }
  }
}

function renderPackages(result: GhcrPackagesResult): string {
  const withTags = result.packages.some((pkg) => pkg.newestTags !== undefined)
  const table = createTable(['NAME', 'VISIBILITY', 'REPOSITORY', 'UPDATED', ...(withTags ? ['VERSIONS', 'NEWEST TAGS'] : [])])
  for (const pkg of result.packages) {
    table.push([
      pkg.name,
      pkg.visibility,
      pkg.repository ?? '',
      formatTimestamp(pkg.updatedAt),
      ...(withTags ? [String(pkg.versionCount), (pkg.newestTags ?? []).join(', ')] : []),
    ])
  }

  const who = result.owner ?? 'the authenticated user'
  const count = `${result.packages.length} container package${result.packages.length === 1 ? '' : 's'} of ${who}`
  return result.packages.length === 0 ? `${count}${footer(result)}` : `${table.toString()}\n${count}${footer(result)}`
}

function renderVersions(result: GhcrVersionsResult): string {
  const table = createTable(['DIGEST', 'TAGS', 'CREATED', 'UPDATED'])
  for (const version of result.versions) {
    table.push([shortDigest(version.digest), version.tags.join(', '), formatTimestamp(version.createdAt), formatTimestamp(version.updatedAt)])
  }

  const count = `${result.versions.length} version${result.versions.length === 1 ? '' : 's'} of ${result.owner}/${result.package}`
  return result.versions.length === 0 ? `${count}${footer(result)}` : `${table.toString()}\n${count}${footer(result)}`
}

function renderTags(result: GhcrTagsResult): string {
  const table = createTable(['TAG'])
  for (const tag of result.tags) table.push([tag])
  const count = `${result.tags.length} tag${result.tags.length === 1 ? '' : 's'} of ${result.repository} (from the registry)`
  return result.tags.length === 0 ? `${count}${footer(result)}` : `${table.toString()}\n${count}${footer(result)}`
}

function footer(result: GhcrLsResult): string {
  const parts: string[] = []
  if (result.truncated) parts.push('more exist (raise --limit)')
  if (result.rateLimit) parts.push(`API quota ${result.rateLimit.remaining}/${result.rateLimit.limit}, resets ${formatTimestamp(result.rateLimit.reset)}`)
  return parts.length > 0 ? `; ${parts.join('; ')}` : ''
}

/** The spinner status while `ghcr ls` lists: `page 3`, `tags of package 4/12`. */
export function renderGhcrProgress(phase: 'pages' | 'tags', fetched: number, total: number | undefined): string {
  return `${phase === 'pages' ? 'page' : 'tags of package'} ${fetched}${total === undefined ? '' : `/${total}`}`
}
