/**
 * The OCI distribution client (distribution-spec "Pulling manifests", "Pulling blobs",
 * "Listing Tags") on top of {@link Transport} and {@link RegistryAuth}. Read-only: HEAD/GET of
 * manifests, HEAD of blobs, the tag list, and a live check of one credential.
 *
 * One seam: a client is made of an injected transport and credential lookup
 * ({@link RegistryClientParts}). pull-check and `ghcr ls` build one client over the command's
 * transport and docker's lookup; `auth status` builds one per registry over a shared transport and
 * the one credential under test.
 */
import {InvalidReferenceError, ProtocolError, RegistryHttpError, redactUrl, type RegistryRequestKind} from '../errors.js'
import {nextLink} from '../link-header.js'
import {RegistryAuth, repositoryScope, type CredentialCheck} from './auth.js'
import {isRepositoryName, isTag} from '../reference.js'
import {MANIFEST_ACCEPT, baseMediaType, computeDigest, isDigest, isOciDigest, parseManifest, verifyDigest} from './manifest.js'
import {parseOciErrors} from './oci-errors.js'
import {parseRateLimit} from './rate-limit.js'
import {BodyLimit, Transport, type TransportResponse, flattenHeaders, header} from './transport.js'
export {rateLimitOfError} from './rate-limit.js'
import type {CredentialLookup} from '../credentials/types.js'
import type {ClientStats, IdentityUsed, ManifestGet, ManifestHead, RateLimit, RegistryClientOptions} from './types.js'

/** Bound on tag-list pages (a registry looping on `Link` must not keep us forever). */
/** Pages of a tag list followed at most (100,000 tags at `n=100`). */
export const MAX_TAG_PAGES = 1000

/** Options of {@link RegistryClient.listTags}. */
export type ListTagsOptions = {
  /** `n` per page (distribution-spec: the registry may return fewer). */
  pageSize?: number
  /** Stop after this many tags (no further page is fetched). */
  limit?: number
  /**
   * Called when the listing stops at a bound ({@link MAX_TAG_PAGES} pages) or at a `Link` that
   * points back to a page already read, with the reason: the list is then truncated.
   */
  onTruncated?: (reason: string) => void
}

/** What a {@link RegistryClient} is made of: the transport and the credential lookup it uses. */
export type RegistryClientParts = {
  transport: Transport
  credentials: CredentialLookup
  /** Clock for token expiry, in ms since the epoch. Default `Date.now`. */
  now?: (() => number) | undefined
}

/** The read-only OCI distribution client. Create one per command run; `close()` at the end. */
export class RegistryClient {
  readonly #transport: Transport
  readonly #auth: RegistryAuth
  readonly #now: () => number
  #manifestRequests = 0

  constructor(parts: RegistryClientParts) {
    this.#now = parts.now ?? Date.now
    this.#transport = parts.transport
    this.#auth = new RegistryAuth({transport: this.#transport, credentials: parts.credentials, now: this.#now})
  }

  /**
   * Checks the client's credential for `registry` live, with a fresh token exchange for `scopes`
   * (see {@link RegistryAuth.verifyCredentials}).
   *
   * @throws AuthError (`credentials-rejected`) when the registry or its token server refuses it.
   */
  async verifyCredentials(registry: string, scopes: readonly string[]): Promise<CredentialCheck> {
    return this.#auth.verifyCredentials(registry, scopes)
  }

  /** What the last answered request to `registry` carried (see {@link RegistryAuth.identityUsed}). */
  identityUsed(registry: string): IdentityUsed | undefined {
    return this.#auth.identityUsed(registry)
  }

  /** True once `registry` answered a request (see {@link RegistryAuth.answered}). */
  answered(registry: string): boolean {
    return this.#auth.answered(registry)
  }

  /**
   * `HEAD /v2/NAME/manifests/REF` with every manifest type in `Accept` (GHCR refuses an OCI index
   * when its type is missing). The digest is `Docker-Content-Digest`; a registry that omits it
   * on HEAD costs one GET, whose body is hashed.
   */
  async headManifest(registry: string, repository: string, reference: string): Promise<ManifestHead> {
    checkName(repository, reference)
    const res = await this.#auth.send(
      registry,
      `/v2/${repository}/manifests/${reference}`,
      {method: 'HEAD', headers: {accept: MANIFEST_ACCEPT}, maxBodyBytes: BodyLimit.manifest},
      [repositoryScope(repository)],
      () => this.#manifestRequests++,
    )
    if (res.status < 200 || res.status >= 300) throw httpError(res, 'HEAD', 'manifest')
    const digest = header(res.headers, 'docker-content-digest')?.trim()
    const length = Number(header(res.headers, 'content-length'))
    if (digest === undefined || !isDigest(digest) || !Number.isSafeInteger(length)) {
      const got = await this.getManifest(registry, repository, reference)
      return {
        digest: got.digest,
        mediaType: got.mediaType,
        size: got.size,
        ...(got.rateLimit ? {rateLimit: got.rateLimit} : {}),
      }
    }

    if (isDigest(reference) && digest !== reference) {
      throw new ProtocolError(redactUrl(res.url), `registry answered digest ${digest} for ${reference}`)
    }

    return {
      digest,
      mediaType: baseMediaType(header(res.headers, 'content-type')),
      size: length,
      ...this.#rateLimit(res),
    }
  }

  /**
   * `GET /v2/NAME/manifests/REF`: the manifest parsed and its bytes verified against the digest
   * asked for (or, for a tag, the `Docker-Content-Digest` the registry claims).
   */
  async getManifest(registry: string, repository: string, reference: string): Promise<ManifestGet> {
    checkName(repository, reference)
    const res = await this.#auth.send(
      registry,
      `/v2/${repository}/manifests/${reference}`,
      {method: 'GET', headers: {accept: MANIFEST_ACCEPT}, maxBodyBytes: BodyLimit.manifest},
      [repositoryScope(repository)],
      () => this.#manifestRequests++,
    )
    if (res.status < 200 || res.status >= 300) throw httpError(res, 'GET', 'manifest')
    const source = redactUrl(res.url)
    const claimed = header(res.headers, 'docker-content-digest')?.trim()
    let digest: string
    if (isDigest(reference)) {
      verifyDigest(res.body, reference, source)
      digest = reference
    } else if (claimed !== undefined && claimed !== '') {
      verifyDigest(res.body, claimed, source)
      digest = claimed
    } else {
      digest = computeDigest(res.body)
    }

    const contentType = header(res.headers, 'content-type') ?? ''
    const manifest = parseManifest(res.body, contentType, source)
    return {
      digest,
      mediaType: manifest.mediaType,
      size: res.body.byteLength,
      ...this.#rateLimit(res),
      manifest,
      body: res.body,
    }
  }

  /** `HEAD /v2/NAME/blobs/DIGEST`, following redirects to blob stores (without `Authorization`). */
  async headBlob(registry: string, repository: string, digest: string): Promise<{size: number}> {
    checkName(repository, digest)
    if (!isDigest(digest) && !isOciDigest(digest)) throw new InvalidReferenceError(digest, 'not a digest')
    const res = await this.#auth.send(
      registry,
      `/v2/${repository}/blobs/${digest}`,
      {method: 'HEAD', maxBodyBytes: 0},
      [repositoryScope(repository)],
    )
    if (res.status < 200 || res.status >= 300) throw httpError(res, 'HEAD', 'blob')
    const size = Number(header(res.headers, 'content-length'))
    if (!Number.isSafeInteger(size) || size < 0) throw new ProtocolError(redactUrl(res.url), 'blob HEAD without Content-Length')
    return {size}
  }

  /**
   * `GET /v2/NAME/blobs/DIGEST` for a small blob (an image config), bounded by `maxBytes` and
   * verified against its digest. Follows redirects to blob stores without `Authorization`.
   */
  async getBlob(registry: string, repository: string, digest: string, maxBytes: number = BodyLimit.config): Promise<Uint8Array> {
    checkName(repository, digest)
    if (!isDigest(digest)) throw new InvalidReferenceError(digest, 'not a digest')
    const res = await this.#auth.send(
      registry,
      `/v2/${repository}/blobs/${digest}`,
      {method: 'GET', maxBodyBytes: maxBytes},
      [repositoryScope(repository)],
    )
    if (res.status < 200 || res.status >= 300) throw httpError(res, 'GET', 'blob')
    verifyDigest(res.body, digest, redactUrl(res.url))
    return res.body
  }

  /**
   * The tags of a repository, page by page (`GET /v2/NAME/tags/list?n=`), following
   * `Link: <…>; rel="next"` on the same registry. Stop early by breaking out of the loop.
   */
  async *listTags(registry: string, repository: string, options: ListTagsOptions = {}): AsyncGenerator<string> {
    checkName(repository)
    const {pageSize, limit} = options
    let path = `/v2/${repository}/tags/list${pageSize === undefined ? '' : `?n=${encodeURIComponent(String(pageSize))}`}`
    const seen = new Set<string>()
    let yielded = 0
    for (let page = 0; page < MAX_TAG_PAGES; page++) {
      seen.add(path)
      const res = await this.#auth.send(
        registry,
        path,
        {method: 'GET', headers: {accept: 'application/json'}, maxBodyBytes: BodyLimit.tags},
        [repositoryScope(repository)],
      )
      if (res.status < 200 || res.status >= 300) throw httpError(res, 'GET', 'tags')
      for (const tag of parseTagList(res.body, redactUrl(res.url))) {
        if (limit !== undefined && yielded >= limit) return
        yield tag
        yielded++
      }

      if (limit !== undefined && yielded >= limit) return
      const next = nextLink(res.headers['link'], res.url)
      if (!next) return
      if (next.host !== res.url.host) {
        throw new ProtocolError(redactUrl(res.url), `tag list pagination leads to another host (${next.host})`)
      }

      path = `${next.pathname}${next.search}`
      // A registry that points back to a page we have read would loop forever.
      if (seen.has(path)) {
        options.onTruncated?.(`the registry's tag list pagination points back to a page already read (${redactUrl(next)}); stopped there`)
        return
      }
    }

    options.onTruncated?.(`the tag list has more than ${MAX_TAG_PAGES} pages; stopped there, more exist`)
  }

  /** Request counters since the client was created. */
  stats(): ClientStats {
    return {requests: this.#transport.requests, tokenRequests: this.#auth.tokenRequests, manifestRequests: this.#manifestRequests}
  }

  /** Closes keep-alive connections. */
  async close(): Promise<void> {
    await this.#transport.close()
  }

  #rateLimit(res: TransportResponse): {rateLimit?: RateLimit} {
    const rateLimit = parseRateLimit((name) => header(res.headers, name), this.#now())
    return rateLimit ? {rateLimit} : {}
  }
}

/** A {@link Transport} configured from the client options (everything but credentials and clock). */
export function createTransport(options: Omit<RegistryClientOptions, 'credentials' | 'now'>): Transport {
  return new Transport({
    ...(options.insecureRegistries ? {insecureRegistries: options.insecureRegistries} : {}),
    ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
    ...(options.userAgent === undefined ? {} : {userAgent: options.userAgent}),
    ...(options.dispatcher === undefined ? {} : {dispatcher: options.dispatcher}),
    ...(options.proxy ? {proxy: options.proxy} : {}),
    ...(options.ca ? {ca: options.ca} : {}),
    ...(options.deadline ? {deadline: options.deadline} : {}),
    ...(options.secrets ? {secrets: options.secrets} : {}),
  })
}

/** Creates a {@link RegistryClient} over a transport of its own, made from `options`. */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return new RegistryClient({transport: createTransport(options), credentials: options.credentials, now: options.now})
}

function httpError(res: TransportResponse, method: string, request: RegistryRequestKind): RegistryHttpError {
  return new RegistryHttpError(res.status, method, redactUrl(res.url), parseOciErrors(res.body), flattenHeaders(res.headers), request)
}

/** Guards the URL path (the reference grammar of ../reference.ts): the repository and reference go into it verbatim. */
function checkName(repository: string, reference?: string): void {
  if (!isRepositoryName(repository)) {
    throw new InvalidReferenceError(repository, 'invalid repository name')
  }

  if (reference !== undefined && !isTag(reference) && !isOciDigest(reference)) {
    throw new InvalidReferenceError(reference, 'not a tag or a digest')
  }
}

function parseTagList(body: Uint8Array, source: string): string[] {
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new ProtocolError(source, 'tag list is not JSON')
  }

  if (typeof data !== 'object' || data === null) throw new ProtocolError(source, 'tag list is not an object')
  const tags = (data as {tags?: unknown}).tags
  // distribution answers `"tags": null` for a repository without tags.
  if (tags === null || tags === undefined) return []
  if (!Array.isArray(tags)) throw new ProtocolError(source, 'tag list has no tags array')
  return tags.filter((t): t is string => typeof t === 'string')
}
