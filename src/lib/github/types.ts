/**
 * Types of the GitHub Packages side of regctl. `GhcrLsResult` is the JSON contract of
 * `regctl ghcr ls --json` (schema: docs/json/ghcr-ls.schema.json); change both together.
 */
import type {Count, Digest} from '../json-types.js'

/** Where the token came from, in resolution order (see `resolveGitHubToken`). */
export type GitHubTokenSource =
  | 'flag'
  | 'GH_TOKEN'
  | 'GITHUB_TOKEN'
  | 'GH_ENTERPRISE_TOKEN'
  | 'GITHUB_ENTERPRISE_TOKEN'
  | 'insecure-file'
  | 'keyring'
  | 'docker-config'

/**
 * What kind of token it is, from its prefix
 * (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/):
 * `ghp_` classic PAT, `github_pat_` fine-grained PAT, `gho_` OAuth (what `gh auth login` stores),
 * `ghu_` GitHub App user-to-server, `ghs_` installation token (Actions' `GITHUB_TOKEN`).
 */
export type GitHubTokenKind = 'classic' | 'fine-grained' | 'oauth' | 'user-to-server' | 'installation' | 'unknown'

/** The token a command uses, with its provenance. `token` is the secret: never print it. */
export type ResolvedGitHubToken = {
  token: string
  source: GitHubTokenSource
  kind: GitHubTokenKind
  /** `ghp_…abcd`: safe to show. */
  redacted: string
  /** The file it was read from, for `insecure-file` (a path, never the secret). */
  path?: string
}

/** The token a GitHub client sends; `source` (for error messages) is absent when the caller has none. */
export type GitHubClientToken = Omit<ResolvedGitHubToken, 'source'> & {source?: GitHubTokenSource}

/** Which identity the API was called with, as reported in results (no secret). */
export type GitHubAuthUsed =
  | {
      source: GitHubTokenSource
      tokenKind: GitHubTokenKind
      /**
       * `ghp_…a1b2`, or `…` alone: never the token.
       *
       * @pattern ^(?:[a-z_]*….{4}|…)$
       */
      redacted: string
    }
  | {source: 'none'}

/** The primary rate limit after the last API response (`x-ratelimit-*`). */
export type GitHubRateLimit = {
  limit: Count
  remaining: Count
  /**
   * When the window resets, ISO 8601 (from the epoch seconds of `x-ratelimit-reset`).
   *
   * @format date-time
   */
  reset: string
}

/** Package visibility as the API reports it (`internal` exists for enterprise organisations). */
export type PackageVisibility = 'public' | 'private' | 'internal'

/** One container package of an owner. */
export type PackageSummary = {
  /** @minLength 1 */
  name: string
  visibility: string
  /** `owner/repo` of the linked repository, `null` when the package is not linked. */
  repository: string | null
  versionCount: Count
  createdAt: string
  updatedAt: string
  htmlUrl: string
  /** With `--with-tags`: the newest tags, newest first (at most a few). */
  newestTags?: string[]
}

/** One version (manifest) of a container package. */
export type PackageVersionSummary = {
  /** @asType integer */
  id: number
  /** The manifest digest (`sha256:…`): GitHub stores it as the version `name`. */
  digest: Digest
  tags: string[]
  createdAt: string
  updatedAt: string
  htmlUrl?: string
}

/**
 * An untagged version that a tag needs: a platform or attestation manifest named by the index of a
 * tagged version. Deleting it breaks the tag (`ghcr ls --untagged` leaves it out).
 */
export type InUseVersion = {
  /** The untagged version's digest. */
  digest: Digest
  /** The tags whose index names it (directly or through a nested index), sorted. */
  usedBy: string[]
}

/**
 * A GitHub user or organisation login.
 *
 * @pattern ^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$
 */
export type OwnerLogin = string

/** Who the owner is: a user, an organisation, or the authenticated user (`ghcr ls` alone). */
export type OwnerType = 'user' | 'organization' | 'authenticated-user'

type ResultCommon = {
  /** The exit code of the run (README, exit codes): 0 for a listing (errors print the error document). */
  exitCode: 0
  /** `api` (GitHub REST API) or `registry` (the OCI endpoint of ghcr.io). */
  source: 'api' | 'registry'
  /** Why `registry` was used without `--source registry`. */
  fallbackReason?: string
  /**
   * The API base URL used (when the API was used).
   *
   * @format uri
   */
  apiUrl?: string
  /**
   * The GitHub token resolved for the API (source, kind, redacted form), or `{source: "none"}`.
   * Through the registry, the registry client authenticates with Docker credentials instead.
   */
  auth: GitHubAuthUsed
  /** Present once the API answered with `x-ratelimit-*` headers. */
  rateLimit?: GitHubRateLimit
  /** True when `--limit` cut the listing short (more items exist). */
  truncated: boolean
  /** Things worth knowing that did not stop the command (secondary rate limit retried, keyring unavailable). */
  warnings: string[]
}

/** `regctl ghcr ls [OWNER]`: the container packages of an owner. */
export type GhcrPackagesResult = ResultCommon & {
  kind: 'packages'
  source: 'api'
  apiUrl: string
  /** The owner's login; `null` for the authenticated user. */
  owner: OwnerLogin | null
  ownerType: OwnerType
  packages: PackageSummary[]
}

/** `regctl ghcr ls OWNER/PACKAGE`: the versions of one package, through the API. */
export type GhcrVersionsResult = ResultCommon & {
  kind: 'versions'
  source: 'api'
  apiUrl: string
  owner: OwnerLogin
  ownerType: OwnerType
  /** @minLength 1 */
  package: string
  versions: PackageVersionSummary[]
  /**
   * With `--untagged`: the untagged versions left out of `versions` because the index of a tagged
   * version names them (read from the registry). `versions` then holds only untagged versions no
   * tag uses.
   */
  inUseByTags?: InUseVersion[]
}

/** `regctl ghcr ls OWNER/PACKAGE --source registry` (or the fallback): the tags of one package. */
export type GhcrTagsResult = ResultCommon & {
  kind: 'tags'
  source: 'registry'
  owner: OwnerLogin
  /** @minLength 1 */
  package: string
  /** `ghcr.io/owner/package` as pulled. */
  repository: string
  tags: string[]
}

/** The JSON contract of `regctl ghcr ls --json`. */
export type GhcrLsResult = GhcrPackagesResult | GhcrVersionsResult | GhcrTagsResult

/**
 * Lists the tags of one repository through the OCI distribution API
 * (`GET /v2/<name>/tags/list`, following `Link` pagination). The registry client provides this;
 * it resolves its own credentials (anonymous for public packages).
 */
export type TagLister = (registry: string, repository: string, opts: {limit?: number; onTruncated?: (reason: string) => void}) => AsyncIterable<string>
