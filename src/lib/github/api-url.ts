import {UsageError} from '../errors.js'

/** Inputs of {@link resolveApiBaseUrl}, as the command reads them from flags and environment. */
export type ApiUrlInputs = {
  /** `GITHUB_API_URL` (set by GitHub Actions): wins when set. */
  githubApiUrl?: string | undefined
  /** `--hostname HOST`. */
  hostname?: string | undefined
  /** `GH_HOST` (the gh CLI's variable). */
  ghHost?: string | undefined
}

/** Where the API is and which GitHub host it belongs to. */
export type GitHubEndpoint = {
  /** REST base URL without a trailing slash: `https://api.github.com`, `https://ghe.example/api/v3`. */
  apiUrl: string
  /**
   * The GitHub host the token belongs to (`github.com`, `ghe.example`): the keyring account and
   * the test for whether a `ghcr.io` Docker credential may be sent to this API.
   */
  host: string
}

/**
 * Picks the REST API base URL: `GITHUB_API_URL` when set, else `--hostname` or `GH_HOST` mapped the
 * way gh does (`github.com` → `https://api.github.com`, any other host → `https://HOST/api/v3`,
 * the GHES layout), else `https://api.github.com`. Throws {@link UsageError} for a malformed value.
 */
export function resolveApiBaseUrl(inputs: ApiUrlInputs): GitHubEndpoint {
  const explicit = inputs.githubApiUrl?.trim()
  if (explicit) {
    let url: URL
    try {
      url = new URL(explicit)
    } catch {
      throw new UsageError(`GITHUB_API_URL is not a URL: ${JSON.stringify(explicit)}`)
    }

    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new UsageError(`GITHUB_API_URL must be an http(s) URL, got ${url.protocol}`)
    }

    const apiUrl = url.toString().replace(/\/+$/, '')
    return {apiUrl, host: hostOfApi(url)}
  }

  const host = (inputs.hostname ?? inputs.ghHost)?.trim().toLowerCase()
  if (!host || host === 'github.com' || host === 'api.github.com') {
    return {apiUrl: 'https://api.github.com', host: 'github.com'}
  }

  if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host)) {
    throw new UsageError(`not a host name: ${JSON.stringify(host)} (expected e.g. github.example.com)`)
  }

  return {apiUrl: `https://${host}/api/v3`, host}
}

/** `api.github.com` belongs to `github.com`; any other API host is its own GitHub host. */
function hostOfApi(url: URL): string {
  return url.host === 'api.github.com' ? 'github.com' : url.host
}
