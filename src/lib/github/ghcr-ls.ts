/**
 * `regctl ghcr ls` as one library call: packages of an owner, versions of a package, or tags of a
 * package through the registry, including the fallback from the API to the registry (issue #4).
 */
import {GitHubApiError, isRegctlError, UndeterminedError, UsageError, type GitHubApiFailure} from '../errors.js'
import type {GitHubClient} from './client.js'
import {digestsInUseByTags, splitUntagged, type ManifestReader} from './index-children.js'
import {addNewestTags, listPackages, listPackageVersions, resolveOwnerType, type ProgressCallback} from './packages.js'
import type {PackagePath} from './package-path.js'
import {describeTokenSource} from './token.js'
import type {
  GhcrLsResult,
  GhcrPackagesResult,
  GhcrTagsResult,
  GhcrVersionsResult,
  GitHubAuthUsed,
  InUseVersion,
  OwnerType,
  PackageVersionSummary,
  PackageVisibility,
  ResolvedGitHubToken,
  TagLister,
} from './types.js'

/** What to list: the parsed arguments and flags of `ghcr ls`. */
export type GhcrLsRequest = {
  /** `undefined` for `ghcr ls` alone (the authenticated user's packages). */
  target?: PackagePath
  /** `--user` / `--org`; otherwise asked from `GET /users/{owner}`. */
  ownerType?: 'user' | 'organization'
  /** `--source`; `undefined` means the API, falling back to the registry when it cannot be used. */
  source?: 'api' | 'registry'
  visibility?: PackageVisibility
  withTags?: boolean
  filter?: 'tagged' | 'untagged'
  limit?: number
}

/** The outside world of `ghcr ls`, wired by the command. */
export type GhcrLsDeps = {
  token: ResolvedGitHubToken | undefined
  /** Notes from token resolution (keyring unavailable…), carried into `warnings`. */
  tokenNotes?: string[]
  /** Creates the API client (lazily: octokit is loaded only when the API is used). */
  createClient: () => Promise<GitHubClient>
  /** Lists tags through the OCI endpoint; absent when no registry client is wired. */
  tagLister?: TagLister
  /** Reads manifests by digest, for `--untagged` (which untagged versions tagged indexes use). */
  readManifest?: ManifestReader
  /** Registry host of the packages. Default `ghcr.io`. */
  registry?: string
  /** The variable this GitHub host reads its token from (`tokenVariablesFor`). Default `GH_TOKEN`. */
  tokenVariable?: string
  /** Page and package concurrency. Defaults 4 and 6. */
  pageConcurrency?: number
  tagConcurrency?: number
  onProgress?: (phase: 'pages' | 'tags', fetched: number, total: number | undefined) => void
  /** Called when the registry is used instead of the API (the command says so on stderr). */
  onFallback?: (reason: string) => void
}

/** API failures that mean "the API cannot be used with this token", not "the package is not there". */
const FALLBACK_REASONS: ReadonlySet<GitHubApiFailure> = new Set<GitHubApiFailure>([
  'no-token',
  'bad-credentials',
  'missing-scope',
  'fine-grained-token',
  'forbidden',
])

/** Runs `ghcr ls`. Throws regctl errors (usage, GitHub API, registry, network). */
export async function ghcrLs(request: GhcrLsRequest, deps: GhcrLsDeps): Promise<GhcrLsResult> {
  validate(request, deps)
  const target = request.target
  const warnings = [...(deps.tokenNotes ?? [])]

  if (request.source === 'registry') {
    return listTagsViaRegistry(request, deps, warnings, undefined)
  }

  const canFallBack =
    request.source === undefined && target?.package !== undefined && deps.tagLister !== undefined && request.filter !== 'untagged'

  if (!deps.token) {
    const error = noTokenError(warnings, deps.tokenVariable ?? 'GH_TOKEN')
    if (!canFallBack) throw error
    return fallBack(request, deps, warnings, error)
  }

  let client: GitHubClient | undefined
  try {
    client = await deps.createClient()
    return await listViaApi(request, deps, client, warnings)
  } catch (error) {
    if (!(canFallBack && error instanceof GitHubApiError && FALLBACK_REASONS.has(error.details.reason))) throw error
    return fallBack(request, deps, warnings, error, client)
  }
}

async function listViaApi(
  request: GhcrLsRequest,
  deps: GhcrLsDeps,
  client: GitHubClient,
  warnings: string[],
): Promise<GhcrPackagesResult | GhcrVersionsResult> {
  const target = request.target
  const pageProgress: ProgressCallback | undefined = deps.onProgress && ((n, total) => deps.onProgress?.('pages', n, total))
  const common = () => ({
    exitCode: 0 as const,
    source: 'api' as const,
    apiUrl: client.apiUrl,
    auth: authUsed(deps.token),
    ...withRateLimit(client),
    warnings: [...warnings, ...client.warnings],
  })

  const owner = target?.owner ?? null
  let ownerType: OwnerType = 'authenticated-user'
  if (owner !== null) ownerType = request.ownerType ?? (await resolveOwnerType(client, owner))

  if (target?.package === undefined) {
    const listing = await listPackages(client, {
      owner,
      ownerType,
      ...(request.visibility ? {visibility: request.visibility} : {}),
      ...(request.limit === undefined ? {} : {limit: request.limit}),
      ...(deps.pageConcurrency === undefined ? {} : {concurrency: deps.pageConcurrency}),
      ...(pageProgress ? {onProgress: pageProgress} : {}),
    })
    let packages = listing.items
    if (request.withTags) {
      packages = await addNewestTags(client, packages, {
        owner,
        ownerType,
        ...(deps.tagConcurrency === undefined ? {} : {concurrency: deps.tagConcurrency}),
        ...(deps.onProgress ? {onProgress: (n: number, total: number | undefined) => deps.onProgress?.('tags', n, total)} : {}),
      })
    }

    if (listing.cappedBy) warnings.push(listing.cappedBy)
    return {kind: 'packages', owner, ownerType, packages, truncated: listing.truncated, ...common()}
  }

  const versionsOf = {owner, ownerType, packageName: target.package}
  if (request.filter === 'untagged') {
    const {versions, inUseByTags, truncated} = await listUnusedUntagged(client, request, deps, versionsOf, pageProgress)
    return {kind: 'versions', owner: target.owner, ownerType, package: target.package, versions, inUseByTags, truncated, ...common()}
  }

  const listing = await listPackageVersions(client, {
    ...versionsOf,
    ...(request.filter ? {filter: request.filter} : {}),
    ...(request.limit === undefined ? {} : {limit: request.limit}),
    ...(deps.pageConcurrency === undefined ? {} : {concurrency: deps.pageConcurrency}),
    ...(pageProgress ? {onProgress: pageProgress} : {}),
  })
  if (listing.cappedBy) warnings.push(listing.cappedBy)
  return {
    kind: 'versions',
    owner: target.owner,
    ownerType,
    package: target.package,
    versions: listing.items,
    truncated: listing.truncated,
    ...common(),
  }
}

/**
 * `--untagged`: every version is listed (the tagged ones are needed too), the index manifests of
 * the tagged ones are read from the registry, and the untagged versions they name are left out.
 * An incomplete version list or an unreadable manifest is undetermined (exit 3), never a list that
 * may hold the platform manifests of a tag.
 */
async function listUnusedUntagged(
  client: GitHubClient,
  request: GhcrLsRequest,
  deps: GhcrLsDeps,
  versionsOf: {owner: string | null; ownerType: OwnerType; packageName: string},
  onProgress: ProgressCallback | undefined,
): Promise<{versions: PackageVersionSummary[]; inUseByTags: InUseVersion[]; truncated: boolean}> {
  const read = deps.readManifest
  if (!read) throw new UndeterminedError(NO_MANIFEST_READER)
  const listing = await listPackageVersions(client, {
    ...versionsOf,
    ...(deps.pageConcurrency === undefined ? {} : {concurrency: deps.pageConcurrency}),
    ...(onProgress ? {onProgress} : {}),
  })
  const name = versionsOf.owner === null ? versionsOf.packageName : `${versionsOf.owner}/${versionsOf.packageName}`
  if (listing.cappedBy) {
    throw new UndeterminedError(`cannot tell which untagged versions of ${name} the tags use: ${listing.cappedBy}`)
  }

  const registry = deps.registry ?? 'ghcr.io'
  // ghcr.io repository names are the lower-cased `owner/package`, as for the tag listing.
  const inUse = await digestsInUseByTags(listing.items, {registry, repository: name.toLowerCase(), read})
  const split = splitUntagged(listing.items, inUse)
  const limited = request.limit === undefined ? split.unused : split.unused.slice(0, request.limit)
  return {versions: limited, inUseByTags: split.inUse, truncated: limited.length < split.unused.length}
}

async function fallBack(
  request: GhcrLsRequest,
  deps: GhcrLsDeps,
  warnings: string[],
  apiError: GitHubApiError,
  client?: GitHubClient,
): Promise<GhcrTagsResult> {
  const reason = fallbackReasonOf(apiError)
  try {
    const result = await listTagsViaRegistry(request, deps, warnings, reason, client)
    deps.onFallback?.(reason)
    return result
  } catch (registryError) {
    // The API's refusal is the actionable one; keep the registry's answer as context.
    const detail = isRegctlError(registryError) ? registryError.message : String(registryError)
    throw new GitHubApiError(`${apiError.message} (listing tags through ${deps.registry ?? 'ghcr.io'} failed too: ${detail})`, apiError.details, {
      cause: registryError,
    })
  }
}

async function listTagsViaRegistry(
  request: GhcrLsRequest,
  deps: GhcrLsDeps,
  warnings: string[],
  fallbackReason: string | undefined,
  client?: GitHubClient,
): Promise<GhcrTagsResult> {
  const target = request.target
  const lister = deps.tagLister
  if (!target?.package || !lister) throw new UsageError('--source registry needs OWNER/PACKAGE and a registry client')
  const registry = deps.registry ?? 'ghcr.io'
  // ghcr.io repository names are the lower-cased `owner/package`.
  const repository = `${target.owner}/${target.package}`.toLowerCase()
  const tags: string[] = []
  let truncated = false
  // Ask for one more than the limit: that is how we know whether the limit cut the list.
  const wanted = request.limit === undefined ? undefined : request.limit + 1
  const onTruncated = (reason: string): void => {
    truncated = true
    warnings.push(reason)
  }

  for await (const tag of lister(registry, repository, wanted === undefined ? {onTruncated} : {limit: wanted, onTruncated})) {
    if (request.limit !== undefined && tags.length >= request.limit) {
      truncated = true
      break
    }

    tags.push(tag)
  }

  return {
    kind: 'tags',
    exitCode: 0,
    source: 'registry',
    owner: target.owner,
    package: target.package,
    repository: `${registry}/${repository}`,
    tags,
    truncated,
    auth: authUsed(deps.token),
    ...(fallbackReason === undefined ? {} : {fallbackReason}),
    ...(client ? withRateLimit(client) : {}),
    ...(client ? {apiUrl: client.apiUrl} : {}),
    warnings: [...warnings, ...(client?.warnings ?? [])],
  }
}

function validate(request: GhcrLsRequest, deps: GhcrLsDeps): void {
  const hasPackage = request.target?.package !== undefined
  if (request.withTags && hasPackage) throw new UsageError('--with-tags lists packages; it cannot be used with OWNER/PACKAGE')
  if (request.visibility && hasPackage) throw new UsageError('--visibility filters packages; it cannot be used with OWNER/PACKAGE')
  if (request.filter && !hasPackage) throw new UsageError(`--${request.filter} filters the versions of OWNER/PACKAGE`)
  if (request.ownerType && request.target === undefined) throw new UsageError('--user/--org need an OWNER')
  if (request.limit !== undefined && (!Number.isInteger(request.limit) || request.limit < 1)) {
    throw new UsageError('--limit must be a positive integer')
  }

  if (request.source === 'registry') {
    if (!hasPackage) throw new UsageError('--source registry lists the tags of one package: give OWNER/PACKAGE')
    if (request.filter === 'untagged') throw new UsageError('--untagged needs the API: the registry lists only tags')
    if (!deps.tagLister) throw new UsageError('--source registry is not available: no registry client is wired into this build')
  }

  if (request.filter === 'untagged' && !deps.readManifest) throw new UndeterminedError(NO_MANIFEST_READER)
}

const NO_MANIFEST_READER = '--untagged needs a registry client to read the index manifests of the tagged versions; none is wired into this build'

/** Why the registry is used instead, in a few words (the API's full message is for when there is no way around it). */
function fallbackReasonOf(apiError: GitHubApiError): string {
  const {reason, status} = apiError.details
  if (reason === 'no-token') return 'no GitHub token found'
  // 400 "Invalid argument." (cli/cli#9606) or 403 for a token that is not a classic PAT.
  if (reason === 'fine-grained-token') {
    return `GitHub refused this kind of token for the Packages API (HTTP ${status ?? 400}${status === 400 ? ' "Invalid argument."' : ''}); it takes classic personal access tokens with read:packages`
  }

  return apiError.message
}

function noTokenError(notes: string[], variable: string): GitHubApiError {
  // A token set for another host (GH_TOKEN with GH_HOST=ghe.example.com) was not sent: name the variable this host reads.
  const otherHost = notes.find((note) => / not sent to /.test(note))
  if (otherHost) return new GitHubApiError(`no GitHub token for this host: ${otherHost}, or pass --token`, {reason: 'no-token'})
  const keyring = notes.find((note) => note.startsWith('OS keyring'))
  return new GitHubApiError(
    // No `NAME=$(…)` in advice: the output boundary redacts secret-named assignments, so it would print `NAME=REDACTED …)`.
    `the GitHub Packages API needs a classic token with read:packages and none was found: set ${variable} ` +
      'to the output of `gh auth token` (after `gh auth refresh -s read:packages`) or pass --token' +
      (keyring ? ` (${keyring.split(';')[0]})` : ''),
    {reason: 'no-token'},
  )
}

function authUsed(token: ResolvedGitHubToken | undefined): GitHubAuthUsed {
  return token ? {source: token.source, tokenKind: token.kind, redacted: token.redacted} : {source: 'none'}
}

function withRateLimit(client: GitHubClient): {rateLimit?: NonNullable<ReturnType<GitHubClient['rateLimit']>>} {
  const rateLimit = client.rateLimit()
  return rateLimit ? {rateLimit} : {}
}

/** One line for stderr: which token is used. Never the token itself. */
export function describeAuth(token: ResolvedGitHubToken): string {
  return `using the ${token.kind === 'unknown' ? '' : `${token.kind} `}token from ${describeTokenSource(token.source)} (${token.redacted})`
}

/**
 * The container registry of a GitHub host: ghcr.io for github.com, `containers.HOST` for GitHub
 * Enterprise Server (its subdomain isolation layout). `override` (`REGCTL_GHCR_REGISTRY`) wins.
 */
export function ghcrRegistry(host: string, override: string | undefined): string {
  if (override) return override
  return host === 'github.com' ? 'ghcr.io' : `containers.${host}`
}
