import {PLAIN, type OutputStyle, type RenderedOutput} from './output-style.js'
import {renderTable} from './table.js'
import {oneLine} from '../lib/terminal-text.js'
import {summaryLine} from './summary.js'
import type {GhcrLsResult, GhcrPackagesResult, GhcrTagsResult, GhcrVersionsResult} from '../lib/github/types.js'
import {plural} from '../lib/grammar.js'

/** `2024-05-01T12:34:56Z` → `2024-05-01 12:34Z` (UTC, minutes): stable and sortable. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`
}

export {shortDigest} from './table.js'


/**
 * The human output of `ghcr ls`: a table (the body), then one summary line (count, truncation,
 * source and rate limit: the footer, on stderr when piped). Pure: data in, strings out; stderr
 * notes (fallback, warnings) are the command's.
 */
export function renderGhcrLs(result: GhcrLsResult, style: OutputStyle = PLAIN): RenderedOutput {
  switch (result.kind) {
    case 'packages': {
      return renderPackages(result, style)
    }

    case 'versions': {
      return renderVersions(result, style)
    }

    case 'tags': {
      return renderTags(result, style)
    }
  }
}

/** `-q`: package names, version digests or tags, one per line (`crane ls` style). */
export function renderGhcrLsQuiet(result: GhcrLsResult): string {
  const items = result.kind === 'packages' ? result.packages.map((p) => p.name) : result.kind === 'versions' ? result.versions.map((v) => v.digest) : result.tags
  return items.map((item) => oneLine(item)).join('\n')
}

function renderPackages(result: GhcrPackagesResult, style: OutputStyle): RenderedOutput {
  const withTags = result.packages.some((pkg) => pkg.newestTags !== undefined)
  const columns = ['NAME', 'VISIBILITY', 'REPOSITORY', 'UPDATED', ...(withTags ? ['VERSIONS', 'NEWEST TAGS'] : [])].map((header) => ({header}))
  const rows = result.packages.map((pkg) => [
    pkg.name,
    pkg.visibility,
    pkg.repository ?? '',
    formatTimestamp(pkg.updatedAt),
    ...(withTags ? [String(pkg.versionCount), (pkg.newestTags ?? []).join(', ')] : []),
  ])
  const who = result.owner ?? 'the authenticated user'
  return output(columns, rows, style, summaryLine({count: result.packages.length, noun: 'container package', done: 'listed', scope: `for ${who}`, rest: footer(result)}))
}

function renderVersions(result: GhcrVersionsResult, style: OutputStyle): RenderedOutput {
  const columns = [{header: 'DIGEST', digest: true}, {header: 'TAGS'}, {header: 'CREATED'}, {header: 'UPDATED'}]
  const rows = result.versions.map((version) => [version.digest, version.tags.join(', '), formatTimestamp(version.createdAt), formatTimestamp(version.updatedAt)])
  // --untagged: say which untagged versions these are (the ones no tag uses).
  const noun = result.inUseByTags === undefined ? 'version' : 'untagged version'
  const scope = `for ${result.owner}/${result.package}${result.inUseByTags === undefined ? '' : ' (none of them used by a tag)'}`
  return output(columns, rows, style, summaryLine({count: result.versions.length, noun, done: 'listed', scope, rest: footer(result)}))
}

function renderTags(result: GhcrTagsResult, style: OutputStyle): RenderedOutput {
  const rows = result.tags.map((tag) => [tag])
  return output([{header: 'TAG'}], rows, style, summaryLine({count: result.tags.length, noun: 'tag', done: 'listed', scope: `for ${result.repository} (from the registry)`, rest: footer(result)}))
}

function output(columns: Array<{header: string; digest?: boolean}>, rows: string[][], style: OutputStyle, summary: string): RenderedOutput {
  return {body: rows.length === 0 ? '' : renderTable(columns, rows, style), footer: oneLine(summary)}
}

function footer(result: GhcrLsResult): string[] {
  const parts: string[] = []
  if (result.truncated) parts.push('more exist (raise --limit)')
  if (result.rateLimit) parts.push(`API quota ${result.rateLimit.remaining}/${result.rateLimit.limit}, resets ${formatTimestamp(result.rateLimit.reset)}`)
  return parts
}

/**
 * `--untagged`: one line naming the untagged versions left out because a tag uses them, or
 * `undefined` when none was. At most five tags are named.
 */
export function renderInUseNote(result: GhcrVersionsResult): string | undefined {
  const inUse = result.inUseByTags ?? []
  if (inUse.length === 0) return undefined
  const tags = [...new Set(inUse.flatMap((version) => version.usedBy))].sort()
  const named = tags.slice(0, 5).map((tag) => `:${tag}`).join(', ') + (tags.length > 5 ? `, and ${tags.length - 5} more` : '')
  return oneLine(
    `left out ${plural(inUse.length, 'untagged version')} that tagged indexes use (${named}): platform or attestation manifests; deleting them would break those tags`,
  )
}

/** The spinner status while `ghcr ls` lists: `page 3`, `tags of package 4/12`. */
export function renderGhcrProgress(phase: 'pages' | 'tags', fetched: number, total: number | undefined): string {
  return `${phase === 'pages' ? 'page' : 'tags of package'} ${fetched}${total === undefined ? '' : `/${total}`}`
}
