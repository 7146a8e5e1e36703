/**
 * The GitHub Packages REST endpoints for container packages
 * (https://docs.github.com/en/rest/packages/packages). Route templates are expanded by octokit
 * with RFC 6570 simple expansion, which percent-encodes reserved characters: a package named
 * `tools/cli` is sent as `tools%2Fcli`, which is what GitHub requires (a raw `/` gives 404).
 */
import {linksByRelation} from '../link-header.js'
import type {RequestContext} from './api-errors.js'
import type {GitHubClient} from './client.js'
import {mapOrdered} from '../concurrency.js'
import {MAX_PER_PAGE, paginate} from './paginate.js'
import {expectArray, parseAccountType, parsePackage, parsePackageVersion} from './parse.js'
import type {OwnerType, PackageSummary, PackageVersionSummary, PackageVisibility} from './types.js'

/** The scope every Packages read needs (classic tokens). */
export const PACKAGES_SCOPES = ['read:packages']

/** Progress of a listing, for a spinner. */
export type ProgressCallback = (fetched: number, total: number | undefined) => void

/**
 * Tells a user from an organisation: `GET /users/{username}` answers for both, with `type`
 * `User` or `Organization` (and `Bot` for apps, which own packages like users).
 */
export async function resolveOwnerType(client: GitHubClient, owner: string): Promise<'user' | 'organization'> {
  const response = await client.request('GET /users/{username}', {username: owner}, {resource: `owner "${owner}"`})
  return parseAccountType(response.data, response.url) === 'Organization' ? 'organization' : 'user'
}

/** Options of {@link listPackages}. */
export type ListPackagesOptions = {
  /** `null` with `ownerType: 'authenticated-user'`. */
  owner: string | null
  ownerType: OwnerType
  visibility?: PackageVisibility
  limit?: number
  concurrency?: number
  onProgress?: ProgressCallback
}

/**
 * A listing and whether it was cut short: by `limit`, or by a bound (`cappedBy` says which, e.g.
 * GitHub's 10,000-item window).
 */
export type Listing<T> = {items: T[]; truncated: boolean; cappedBy?: string}

/** Lists the container packages of a user, an organisation or the authenticated user. */
export async function listPackages(client: GitHubClient, options: ListPackagesOptions): Promise<Listing<PackageSummary>> {
  const {route, params} = packagesRoute(options.owner, options.ownerType)
  if (options.visibility) params['visibility'] = options.visibility
  const context: RequestContext = {
    resource: options.owner === null ? 'the packages of the authenticated user' : `owner "${options.owner}"`,
    requiredScopes: PACKAGES_SCOPES,
  }
  return collect(client, route, params, context, options.limit, parsePackage, undefined, options)
}

/** Options of {@link listPackageVersions}. */
export type ListVersionsOptions = {
  owner: string | null
  ownerType: OwnerType
  packageName: string
  /** Keep only versions with tags (`tagged`) or without (`untagged`). */
  filter?: 'tagged' | 'untagged'
  limit?: number
  concurrency?: number
  onProgress?: ProgressCallback
}

/** Lists the versions (manifests) of one container package, newest first as GitHub returns them. */
export async function listPackageVersions(client: GitHubClient, options: ListVersionsOptions): Promise<Listing<PackageVersionSummary>> {
  const {route, params} = versionsRoute(options.owner, options.ownerType, options.packageName)
  const context = versionsContext(options.owner, options.packageName)
  const keep =
    options.filter === undefined
      ? undefined
      : (version: PackageVersionSummary) => (options.filter === 'tagged' ? version.tags.length > 0 : version.tags.length === 0)
  return collect(client, route, params, context, options.limit, parsePackageVersion, keep, options)
}

/**
 * The newest `count` tags of a package, from one small page of versions (versions come newest
 * first; untagged ones, e.g. the per-platform manifests of a multi-arch image, are skipped).
 */
export async function newestTags(
  client: GitHubClient,
  options: {owner: string | null; ownerType: OwnerType; packageName: string; count?: number},
): Promise<string[]> {
  const count = options.count ?? 3
  const {route, params} = versionsRoute(options.owner, options.ownerType, options.packageName)
  const response = await client.request(route, {...params, per_page: 30}, versionsContext(options.owner, options.packageName))
  const tags: string[] = []
  for (const raw of expectArray(response.data, response.url)) {
    for (const tag of parsePackageVersion(raw, response.url).tags) {
      if (tags.length < count && !tags.includes(tag)) tags.push(tag)
    }

    if (tags.length >= count) break
  }

  return tags
}

/** Adds `newestTags` to every package, fetching at most `concurrency` packages at a time. */
export async function addNewestTags(
  client: GitHubClient,
  packages: PackageSummary[],
  options: {owner: string | null; ownerType: OwnerType; concurrency?: number; onProgress?: ProgressCallback},
): Promise<PackageSummary[]> {
  const out: PackageSummary[] = []
  for await (const tags of mapOrdered(packages, options.concurrency ?? 6, (pkg) =>
    newestTags(client, {owner: options.owner, ownerType: options.ownerType, packageName: pkg.name}),
  )) {
    const pkg = packages[out.length] as PackageSummary
    out.push({...pkg, newestTags: tags})
    options.onProgress?.(out.length, packages.length)
  }

  return out
}

async function collect<T>(
  client: GitHubClient,
  route: string,
  params: Record<string, unknown>,
  context: RequestContext,
  limit: number | undefined,
  parse: (value: unknown, url: string) => T,
  keep: ((item: T) => boolean) | undefined,
  options: {concurrency?: number; onProgress?: ProgressCallback},
): Promise<Listing<T>> {
  const items: T[] = []
  let cappedBy: string | undefined
  // Without a filter the pages needed are known from the limit; with one, any page may be the last.
  const maxPages = limit !== undefined && keep === undefined ? Math.ceil(limit / MAX_PER_PAGE) : undefined
  const pages = paginate(client, route, params, context, {
    ...(maxPages === undefined ? {} : {maxPages}),
    ...(options.concurrency === undefined ? {} : {concurrency: options.concurrency}),
    ...(options.onProgress ? {onPage: options.onProgress} : {}),
    onCapped: (message: string) => {
      cappedBy = message
    },
    sequential: limit !== undefined && keep !== undefined,
  })
  for await (const page of pages) {
    const rows = expectArray(page.data, page.url)
    for (const [index, raw] of rows.entries()) {
      const item = parse(raw, page.url)
      if (keep && !keep(item)) continue
      if (limit !== undefined && items.length >= limit) {
        return {items, truncated: true}
      }

      items.push(item)
      if (limit !== undefined && items.length >= limit) {
        const more = rows.slice(index + 1).some((rest) => !keep || keep(parse(rest, page.url)))
        if (more || linksByRelation(page.headers['link']).has('next')) {
          // Stop here: the generator's return() ends the fetching (no further pages requested).
          return {items, truncated: true}
        }
      }
    }
  }

  return cappedBy === undefined ? {items, truncated: false} : {items, truncated: true, cappedBy}
}

function packagesRoute(owner: string | null, ownerType: OwnerType): {route: string; params: Record<string, unknown>} {
  if (owner === null || ownerType === 'authenticated-user') {
    return {route: 'GET /user/packages', params: {package_type: 'container'}}
  }

  return ownerType === 'organization'
    ? {route: 'GET /orgs/{org}/packages', params: {org: owner, package_type: 'container'}}
    : {route: 'GET /users/{username}/packages', params: {username: owner, package_type: 'container'}}
}

function versionsRoute(
  owner: string | null,
  ownerType: OwnerType,
  packageName: string,
): {route: string; params: Record<string, unknown>} {
  // `package_name` goes through RFC 6570 simple expansion: `/` → `%2F`.
  const common = {package_type: 'container', package_name: packageName}
  if (owner === null || ownerType === 'authenticated-user') {
    return {route: 'GET /user/packages/{package_type}/{package_name}/versions', params: common}
  }

  return ownerType === 'organization'
    ? {route: 'GET /orgs/{org}/packages/{package_type}/{package_name}/versions', params: {...common, org: owner}}
    : {route: 'GET /users/{username}/packages/{package_type}/{package_name}/versions', params: {...common, username: owner}}
}

function versionsContext(owner: string | null, packageName: string): RequestContext {
  return {
    resource: `package "${owner === null ? packageName : `${owner}/${packageName}`}"`,
    requiredScopes: PACKAGES_SCOPES,
  }
}
