/**
 * The pull-check verdict: "can this image be pulled from here, with the credentials I have, right
 * now?" — answered with HEAD requests wherever possible (a Docker Hub HEAD does not spend pull
 * quota), a GET only when a body is needed (choosing a platform from an index, listing blobs).
 */
import {
  AuthError,
  ConfigError,
  CredentialHelperError,
  InsecureTransportError,
  InvalidReferenceError,
  NetworkError,
  ProtocolError,
  RegistryHttpError,
  TimeoutError,
  isRegctlError,
  redactText,
} from '../errors.js'
import type {CredentialLookup, ResolvedCredential} from '../credentials/types.js'
import {bestMatch, formatPlatform, matchPlatform} from '../platform.js'
import {formatReference, parseReference, type ImageReference} from '../reference.js'
import type {Descriptor, IdentityUsed, Manifest, ManifestGet, ManifestHead, Platform, RateLimit} from '../registry/types.js'
import {MediaType} from '../registry/types.js'
import {mapConcurrent} from '../concurrency.js'
import {sanitizeText} from '../sanitize.js'
import {rateLimitOfError} from '../registry/rate-limit.js'
import {isDigest} from '../registry/manifest.js'
import {saysTokenExpired} from '../registry/oci-errors.js'
import {identifyProvider, loginCommand} from '../providers.js'
import type {Count, Digest, DurationMs} from '../json-types.js'

/** Every answer pull-check can give. `pullable` is the only success. */
export type Verdict =
  | 'credential-error'
  | 'denied'
  | 'invalid-reference'
  | 'not-found'
  | 'platform-missing'
  | 'pullable'
  | 'rate-limited'
  | 'registry-error'
  | 'unauthorized'
  | 'unreachable'

/** Verdicts a new login can fix: they carry the provider's login command as `fix`. */
const LOGIN_VERDICTS: ReadonlySet<Verdict> = new Set(['denied', 'unauthorized'])

/**
 * Verdicts that say "could not tell" rather than "no": they map to exit code 3. `credential-error`:
 * the credential helper docker runs for the registry failed, and docker 29+ stops the pull there
 * (lib/credentials/store.ts), so no registry answer would settle it.
 */
export const INDETERMINATE_VERDICTS: ReadonlySet<Verdict> = new Set(['credential-error', 'rate-limited', 'registry-error', 'unreachable'])

/** One platform manifest of an index, as checked. */
export type PlatformCheck = {platform: string; digest: Digest; verdict: Verdict; message?: string}

/** The result for one image reference: part of the `--json` contract. */
export type ImageCheck = {
  /** The reference as given. */
  input: string
  /** Canonical form: `docker.io/library/alpine:latest`. Absent for invalid references. */
  reference?: string
  registry?: string
  repository?: string
  verdict: Verdict
  /** Why it is not pullable (or a warning for a pullable one, such as schema1). */
  message?: string
  /** Digest of the manifest the reference points at (an index, for multi-platform images). */
  digest?: string
  mediaType?: string
  /** Set when the manifest uses a format docker no longer pulls (schema1, removed in v28.2). */
  deprecated?: string
  /** Platforms an index offers (`linux/amd64`, `linux/arm/v7`); attestation manifests excluded. */
  platforms?: string[]
  /** The platform asked for and the manifest chosen for it (indexes only). */
  platform?: {requested: string; digest?: Digest}
  /** With `--all-platforms`: each platform manifest and its own verdict. */
  platformChecks?: PlatformCheck[]
  /** With `--blobs`: blobs checked and those missing. */
  blobs?: {checked: Count; missing: Digest[]}
  /** For `unauthorized` and `denied`: the command that (re)creates a login here, as `auth status` fixes do. */
  fix?: string
  /**
   * The credential the registry saw: `config.json auths`, `credential helper desktop`,
   * `anonymous` when no request carried one (issue 8: what went on the wire, not what is stored),
   * or `none` when no request reached it (an invalid reference, an unreachable registry).
   */
  credential: {
    source: string
    username?: string
    /**
     * A stored login that was looked up but not sent, because the registry never asked for one
     * (no challenge: an open registry) or could not use it with its scheme.
     */
    unused?: {source: string; username?: string; reason: 'not-asked' | 'unusable'}
  }
  rateLimit?: RateLimit
  durationMs: DurationMs
}

export type PullCheckSummary = {total: Count; pullable: Count; failed: Count; indeterminate: Count}

export type PullCheckResult = {
  platform: string
  images: ImageCheck[]
  summary: PullCheckSummary
  /** Run-wide warnings (a failing credential helper, an unreadable config.json), each once; absent when none. */
  warnings?: string[]
  /** The exit code of the run ({@link pullCheckExitCode}). */
  exitCode: 0 | 1 | 2 | 3
}

/** What pull-check needs of a registry client (src/lib/registry implements it). */
export type PullCheckClient = {
  headManifest(registry: string, repository: string, reference: string): Promise<ManifestHead>
  getManifest(registry: string, repository: string, reference: string): Promise<ManifestGet>
  headBlob(registry: string, repository: string, digest: string): Promise<{size: number}>
  /** A small blob (an image config), verified against its digest. */
  getBlob(registry: string, repository: string, digest: string): Promise<Uint8Array>
  /** The identity the registry's requests carried; without it the label is the credential looked up. */
  identityUsed?(registry: string): IdentityUsed | undefined
  /** Whether the registry answered any request; without it, a registry is taken as reached. */
  answered?(registry: string): boolean
}

/**
 * A credential source that failed for a registry (lib/credentials/store.ts): the run-wide
 * `warning`, the `cause` in a few words, and for a failing helper the `undetermined` reason that
 * becomes the verdict of every image of that registry: docker 29+ stops `docker pull` at a helper
 * error, so the check must not pass (or fail) the image on an anonymous answer (docker/cli
 * ad776d1e10, v29.0.0). An unreadable config.json has none: docker reads past it in every version.
 */
export type CredentialWarning = {warning: string; cause: string; undetermined?: string}

export type PullCheckOptions = {
  client: PullCheckClient
  credentials: CredentialLookup
  /**
   * The credential sources that failed for a registry (a helper's `get`, an unreadable
   * config.json: lib/credentials/store.ts), asked after the lookup.
   */
  credentialWarnings?: ((registry: string) => CredentialWarning[]) | undefined
  /** Platform to resolve indexes for (docker's default: this machine's). */
  platform: Platform
  /**
   * The platform was asked for (`--platform`), not defaulted: then a single-platform image must
   * match it too, as `docker pull --platform` insists. Costs a manifest GET and a config GET for
   * single-platform images, so it is off when the platform is only the machine's default (docker
   * then pulls a mismatching image with a warning).
   */
  platformExplicit?: boolean
  allPlatforms?: boolean
  blobs?: boolean
  concurrency?: number
  /** Called with 0 as the checks start, then as each distinct reference is done (progress on a terminal). */
  onProgress?: ((done: number, total: number) => void) | undefined
  /** Clock, for `durationMs`. */
  now?: () => number
}

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList])
const SCHEMA1_TYPES = new Set<string>([MediaType.dockerSchema1, MediaType.dockerSchema1Signed])

/**
 * Checks every reference, concurrently (bounded), each identical input once. Never throws for a
 * per-image problem: those become verdicts. Throws only what makes the whole run meaningless: a
 * malformed config file ({@link ConfigError}).
 */
export async function pullCheck(inputs: string[], options: PullCheckOptions): Promise<PullCheckResult> {
  const unique = [...new Set(inputs)]
  const shared = {...options, client: sharedByDigest(options.client)}
  let done = 0
  // 0/N as the checks start (audit shows it; pull-check's own line starts there too).
  if (unique.length > 0) options.onProgress?.(0, unique.length)
  const checked = await mapConcurrent(unique, options.concurrency ?? 8, async (input) => {
    const image = await checkImage(input, shared)
    options.onProgress?.(++done, unique.length)
    return image
  })
  const byInput = new Map(unique.map((input, i) => [input, checked[i] as ImageCheck]))
  const images = inputs.map((input) => byInput.get(input) as ImageCheck)
  const summary = summarize(images)
  const warnings = [
    ...new Set(images.flatMap((image) => (image.registry === undefined ? [] : (options.credentialWarnings?.(image.registry) ?? []).map((w) => w.warning)))),
  ]
  return {
    platform: formatPlatform(options.platform),
    images,
    summary,
    ...(warnings.length > 0 ? {warnings} : {}),
    exitCode: pullCheckExitCode({images, summary}),
  }
}

/**
 * The run-wide warnings the human report prints: {@link PullCheckResult.warnings} less each helper
 * failure that became the `credential-error` verdict of an image of the run, because that image's
 * note says the same failure in full, with its fix (README command 1, a headless machine with
 * docker-credential-secretservice, printed it twice). `--json` keeps every warning and every message.
 * A warning no verdict says (an unreadable config.json, a helper failure behind an `unauthorized`)
 * stays: it is the only place the reader learns it.
 */
export function warningsBesideVerdicts(result: Pick<PullCheckResult, 'images' | 'warnings'>, credentialWarnings: (registry: string) => CredentialWarning[]): string[] {
  const said = new Set<string>()
  const registries = new Set<string>()
  for (const image of result.images) {
    if (image.verdict === 'credential-error' && image.registry !== undefined) registries.add(image.registry)
  }

  for (const registry of registries) {
    for (const warning of credentialWarnings(registry)) {
      if (warning.undetermined !== undefined) said.add(warning.warning)
    }
  }

  return (result.warnings ?? []).filter((warning) => !said.has(warning))
}

/** Counts verdicts into the three outcomes that decide the exit code. */
export function summarize(images: ImageCheck[]): PullCheckSummary {
  const pullable = images.filter((i) => i.verdict === 'pullable').length
  const indeterminate = images.filter((i) => INDETERMINATE_VERDICTS.has(i.verdict)).length
  return {total: images.length, pullable, failed: images.length - pullable - indeterminate, indeterminate}
}

/**
 * Exit code for a run, the most severe definitive answer first (README, exit codes): 1 when an
 * image has a definitive failure (not-found, unauthorized…), even when another reference of the
 * batch is invalid; else 2 when a reference is invalid (input error); else 3 when some could not
 * be determined; else 0.
 */
export function pullCheckExitCode(result: Pick<PullCheckResult, 'images' | 'summary'>): 0 | 1 | 2 | 3 {
  const invalid = result.images.filter((i) => i.verdict === 'invalid-reference').length
  if (result.summary.failed > invalid) return 1
  if (invalid > 0) return 2
  if (result.summary.indeterminate > 0) return 3
  return 0
}

async function checkImage(input: string, options: PullCheckOptions): Promise<ImageCheck> {
  const now = options.now ?? Date.now
  const started = now()
  let ref: ImageReference
  try {
    ref = parseReference(input)
  } catch (error) {
    if (!(error instanceof InvalidReferenceError)) throw error
    return {input: error.reference, verdict: 'invalid-reference', message: error.reason, credential: {source: 'none'}, durationMs: 0}
  }

  const base: ImageCheck = {
    // Echoed input: userinfo and tokens redacted, control characters removed, cut (issue 12).
    input: sanitizeText(redactText(input)),
    reference: formatReference(ref),
    registry: ref.registry,
    repository: ref.repository,
    verdict: 'pullable',
    credential: {source: 'anonymous'},
    durationMs: 0,
  }
  // docker looks the credential up before every pull, whatever the registry will ask.
  let resolved: ResolvedCredential | undefined
  try {
    resolved = await options.credentials(ref.registry)
    // A helper that failed for this registry: docker 29+ stops the pull before any request, so
    // neither an anonymous "pullable" nor an anonymous "unauthorized" would be docker's answer.
    const stopped = options.credentialWarnings?.(ref.registry).find((w) => w.undetermined !== undefined)
    if (stopped?.undetermined !== undefined) {
      return {...base, verdict: 'credential-error', message: stopped.undetermined, credential: {source: 'none'}, durationMs: now() - started}
    }

    if (resolved) base.credential = credentialLabel(resolved)
    const result = await resolveImage(ref, base, options)
    return {...result, credential: credentialOnWire(resolved, options.client, ref.registry), durationMs: now() - started}
  } catch (error) {
    if (error instanceof ConfigError) throw error
    const credential = credentialOnWire(resolved, options.client, ref.registry)
    const failed: ImageCheck = {...base, credential, ...verdictForError(error), durationMs: now() - started}
    if (LOGIN_VERDICTS.has(failed.verdict)) failed.fix = loginCommand(identifyProvider(ref.registry))
    // Anonymous because a source failed (a helper, an unreadable config.json): that failure is the
    // reason, not "no credentials".
    const causes = (options.credentialWarnings?.(ref.registry) ?? []).map((w) => w.cause)
    if (failed.verdict === 'unauthorized' && failed.credential.source === 'anonymous' && causes.length > 0) {
      failed.message = `authentication required, and ${causes.join(' and ')}, so the check went anonymously (see the warning)`
    }

    // A 429 keeps its headers: report when the quota resets (Retry-After) and who it counts for.
    if (error instanceof RegistryHttpError) {
      const rateLimit = rateLimitOfError(error, now())
      if (rateLimit) failed.rateLimit = rateLimit
    }

    return failed
  }
}

function credentialLabel(resolved: ResolvedCredential): ImageCheck['credential'] {
  return {source: resolved.source.label, ...(resolved.credential.username === undefined ? {} : {username: resolved.credential.username})}
}

/**
 * The credential as the registry saw it (issue 8): the identity the requests carried, a stored
 * login that was not sent noted as `unused`, and `none` when the registry never answered. Without the
 * client's record (a test double), the stored login is taken as used.
 */
function credentialOnWire(resolved: ResolvedCredential | undefined, client: PullCheckOptions['client'], registry: string): ImageCheck['credential'] {
  if (!client.identityUsed) return resolved ? credentialLabel(resolved) : {source: 'anonymous'}
  const used = client.identityUsed(registry)
  if (used === undefined) {
    // The registry never answered, not even the anonymous `GET /v2/` (unreachable, a timeout): it
    // saw no credential, so the label is `none`, as for an invalid reference, not the stored login.
    if (client.answered?.(registry) === false) return {source: 'none'}
    // It answered, but no request went out with a plan (a token exchange refused the login): the
    // login was offered, to its token server.
    return resolved ? credentialLabel(resolved) : {source: 'anonymous'}
  }

  if (used.source.kind !== 'anonymous') return {source: used.source.label, ...(used.username === undefined ? {} : {username: used.username})}
  if (!resolved) return {source: 'anonymous'}
  return {source: 'anonymous', unused: {...credentialLabel(resolved), reason: used.challenged ? 'unusable' : 'not-asked'}}
}

/** The digest or tag to ask the registry for. A digest wins: it is what docker pulls. */
function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest'
}

async function resolveImage(ref: ImageReference, base: ImageCheck, options: PullCheckOptions): Promise<ImageCheck> {
  const {client} = options
  // One GET per manifest per check: the platform check and --blobs may both need the same body.
  const bodies = new Map<string, Promise<ManifestGet>>()
  let head: ManifestHead
  if (options.platformExplicit || options.blobs) {
    // The answer needs the body whatever the manifest is (an index to choose from, an image's
    // config or layers): GET it at once instead of HEAD + GET. Quota-wise the same: the old path
    // made that GET too. A 404 GET has its error body, so no second request explains it.
    const got = await client.getManifest(ref.registry, ref.repository, manifestReference(ref))
    bodies.set(got.digest, Promise.resolve(got))
    head = got
  } else {
    head = await headOrExplain(client, ref)
  }

  const getManifest: GetManifest = async (digest) => {
    let got = bodies.get(digest)
    if (!got) {
      got = client.getManifest(ref.registry, ref.repository, digest)
      bodies.set(digest, got)
    }

    return got
  }
  const out: ImageCheck = {...base, digest: head.digest, mediaType: head.mediaType}
  if (head.rateLimit) out.rateLimit = head.rateLimit
  // A tag resolved by HEAD must match a digest pinned in the same reference (`name:tag@digest`
  // pulls the digest; docker ignores the tag, so do we).

  if (SCHEMA1_TYPES.has(head.mediaType)) {
    return {
      ...out,
      verdict: 'registry-error',
      deprecated: 'Docker Image manifest v2 schema 1',
      message: 'schema1 manifests are no longer pullable since docker v28.2; re-push the image with a current builder',
    }
  }

  const imageDigests: string[] = []
  if (INDEX_TYPES.has(head.mediaType)) {
    const index = await getManifest(head.digest)
    const manifests = platformManifests(index.manifest)
    out.platforms = manifests.map((d) => formatPlatform(d.platform as Platform))
    const requested = formatPlatform(options.platform)

    if (options.allPlatforms) {
      // One HEAD per distinct digest (an index may list one manifest many times), and a bound on
      // how many: an index of 20,000 entries sent 20,000 HEADs for a minute (issue 12).
      const count = new Set(manifests.map((d) => d.digest)).size
      if (count > MAX_PLATFORM_CHECKS) {
        return {
          ...out,
          verdict: 'registry-error',
          message: `the index lists ${count} distinct platform manifests, over the bound of ${MAX_PLATFORM_CHECKS} that --all-platforms checks`,
        }
      }

      const distinct = new Map<string, Promise<PlatformCheck>>()
      const checks = await mapConcurrent(manifests, 4, async (d) => {
        let check = distinct.get(d.digest)
        if (!check) {
          check = checkChild(ref, d, options)
          distinct.set(d.digest, check)
        }

        return {...(await check), platform: formatPlatform(d.platform as Platform)}
      })
      out.platformChecks = checks
      const failing = out.platformChecks.filter((p) => p.verdict !== 'pullable')
      imageDigests.push(...out.platformChecks.filter((p) => p.verdict === 'pullable').map((p) => p.digest))
      if (failing.length > 0) {
        const worst = failing[0] as PlatformCheck
        return {...out, verdict: worst.verdict, message: `${failing.length} of ${manifests.length} platform manifests are not pullable; ${worst.platform}: ${worst.message ?? worst.verdict}`}
      }
    } else {
      const chosen = bestMatch(options.platform, manifests.map((d) => d.platform as Platform))
      const descriptor = manifests[chosen]
      if (chosen < 0 || !descriptor) {
        out.platform = {requested}
        return {
          ...out,
          verdict: 'platform-missing',
          message: `no manifest for ${requested}; available: ${out.platforms.join(', ') || 'none'}`,
        }
      }

      out.platform = {requested, digest: descriptor.digest}
      await client.headManifest(ref.registry, ref.repository, descriptor.digest)
      imageDigests.push(descriptor.digest)
    }
  } else {
    imageDigests.push(head.digest)
    if (options.platformExplicit) {
      const actual = await imagePlatform(client, ref, await getManifest(head.digest))
      if (actual) {
        const requested = formatPlatform(options.platform)
        out.platforms = [formatPlatform(actual)]
        out.platform = {requested}
        if (!matchPlatform(options.platform, actual)) {
          return {...out, verdict: 'platform-missing', message: `single-platform image for ${formatPlatform(actual)}, not ${requested}`}
        }

        out.platform.digest = head.digest
      }
    }
  }

  if (options.blobs) {
    out.blobs = await checkBlobs(ref, imageDigests, getManifest, options)
    if (out.blobs.missing.length > 0) {
      return {...out, verdict: 'not-found', message: `missing blobs: ${out.blobs.missing.join(', ')}`}
    }
  }

  return out
}

/**
 * HEAD the manifest; on a 404, which has no body, ask once more with GET so the verdict can say
 * whether the repository or the tag is missing (NAME_UNKNOWN vs MANIFEST_UNKNOWN). The extra GET
 * happens only on this failure path, so pullable references stay at one request.
 */
async function headOrExplain(client: PullCheckClient, ref: ImageReference): Promise<ManifestHead> {
  const reference = manifestReference(ref)
  try {
    return await client.headManifest(ref.registry, ref.repository, reference)
  } catch (error) {
    if (!(error instanceof RegistryHttpError) || error.status !== 404 || error.errors.length > 0) throw error
    try {
      await client.getManifest(ref.registry, ref.repository, reference)
    } catch (explained) {
      if (explained instanceof RegistryHttpError && explained.status === 404 && explained.errors.length > 0) throw explained
    }

    throw error
  }
}

/**
 * The platform of a single-platform image, from its config blob (`os`, `architecture`,
 * `variant`). Undefined when the config does not say (some artifacts have no platform).
 */
async function imagePlatform(client: PullCheckClient, ref: ImageReference, got: ManifestGet): Promise<Platform | undefined> {
  if (got.manifest.kind !== 'image') return undefined
  const body = await client.getBlob(ref.registry, ref.repository, got.manifest.config.digest)
  let config: unknown
  try {
    config = JSON.parse(new TextDecoder().decode(body))
  } catch {
    return undefined
  }

  if (typeof config !== 'object' || config === null) return undefined
  const {os, architecture, variant} = config as Record<string, unknown>
  if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture) return undefined
  return {os, architecture, ...(typeof variant === 'string' && variant ? {variant} : {})}
}

/**
 * The client with its digest-addressed requests shared across the whole run: a manifest or blob
 * named by digest is immutable, so the tags of one repository that point at the same image cost
 * one HEAD of its platform manifest and one GET of its config, not one per tag. Keyed by
 * registry and repository too: access is granted per repository.
 */
function sharedByDigest(client: PullCheckClient): PullCheckClient {
  const memo = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let pending = memo.get(key) as Promise<T> | undefined
    if (!pending) {
      pending = load()
      memo.set(key, pending)
    }

    return pending
  }

  return {
    headManifest: async (registry, repository, reference) =>
      isDigest(reference) ? once(`HEAD ${registry}/${repository}@${reference}`, () => client.headManifest(registry, repository, reference)) : client.headManifest(registry, repository, reference),
    getManifest: async (registry, repository, reference) =>
      isDigest(reference) ? once(`GET ${registry}/${repository}@${reference}`, () => client.getManifest(registry, repository, reference)) : client.getManifest(registry, repository, reference),
    headBlob: async (registry, repository, digest) => once(`HEAD blob ${registry}/${repository}@${digest}`, () => client.headBlob(registry, repository, digest)),
    getBlob: async (registry, repository, digest) => once(`GET blob ${registry}/${repository}@${digest}`, () => client.getBlob(registry, repository, digest)),
    ...(client.identityUsed ? {identityUsed: (registry: string) => client.identityUsed?.(registry)} : {}),
    ...(client.answered ? {answered: (registry: string) => client.answered?.(registry) ?? true} : {}),
  }
}

/** A manifest body of the repository being checked, by digest (fetched once per check). */
type GetManifest = (digest: string) => Promise<ManifestGet>

/** Index entries that are runnable platform images (attestations are `unknown/unknown`). */
function platformManifests(manifest: Manifest): Array<Descriptor & {platform: Platform}> {
  if (manifest.kind !== 'index') return []
  return manifest.manifests.filter(
    (d): d is Descriptor & {platform: Platform} =>
      d.platform !== undefined && d.platform.os !== 'unknown' && d.platform.architecture !== 'unknown',
  )
}

/** Distinct platform manifests `--all-platforms` checks at most (real indexes list a few dozen). */
export const MAX_PLATFORM_CHECKS = 1000

async function checkChild(ref: ImageReference, d: Descriptor & {platform: Platform}, options: PullCheckOptions): Promise<PlatformCheck> {
  const platform = formatPlatform(d.platform)
  try {
    await options.client.headManifest(ref.registry, ref.repository, d.digest)
    return {platform, digest: d.digest, verdict: 'pullable'}
  } catch (error) {
    if (error instanceof ConfigError) throw error
    const {verdict, message} = verdictForError(error)
    return {platform, digest: d.digest, verdict, message}
  }
}

async function checkBlobs(
  ref: ImageReference,
  manifestDigests: string[],
  getManifest: GetManifest,
  options: PullCheckOptions,
): Promise<{checked: number; missing: string[]}> {
  const digests = new Set<string>()
  for (const digest of manifestDigests) {
    const got = await getManifest(digest)
    if (got.manifest.kind !== 'image') continue
    digests.add(got.manifest.config.digest)
    for (const layer of got.manifest.layers) digests.add(layer.digest)
  }

  const missing: string[] = []
  await mapConcurrent([...digests], 4, async (digest) => {
    try {
      await options.client.headBlob(ref.registry, ref.repository, digest)
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 404) missing.push(digest)
      else throw error
    }
  })
  return {checked: digests.size, missing: missing.sort()}
}

/** Maps an error from the client or the credential lookup to a verdict and a one-line reason. */
export function verdictForError(error: unknown): {verdict: Verdict; message: string} {
  // An expired login is a login to renew, whatever the status: `unauthorized`, never `denied`.
  if (error instanceof AuthError && error.details.expired) return expiredVerdict(error.details.status, error.details.expiresAt)
  if (error instanceof RegistryHttpError && (error.status === 401 || error.status === 403) && error.errors.some((e) => saysTokenExpired(new TextEncoder().encode(e.message)))) {
    return expiredVerdict(error.status)
  }

  if (error instanceof AuthError) {
    switch (error.details.reason) {
      case 'insufficient-scope': {
        return {verdict: 'denied', message: `authenticated, but not allowed to pull (HTTP ${error.details.status})`}
      }

      case 'credentials-rejected': {
        return {verdict: 'unauthorized', message: `credentials rejected (HTTP ${error.details.status})`}
      }

      case 'no-credentials': {
        return {
          verdict: 'unauthorized',
          message: 'authentication required: no credentials for this registry (the repository may also not exist)',
        }
      }
    }
  }

  if (error instanceof RegistryHttpError) {
    const codes = error.errors.map((e) => e.code)
    const detail = error.errors[0] ? `${error.errors[0].code}: ${error.errors[0].message}` : `HTTP ${error.status}`
    // The auth machinery failing (a token endpoint answering 404 or NAME_UNKNOWN, a ping that
    // fails) says nothing about the image: undetermined, naming the request and its host.
    if (error.request === 'ping' || error.request === 'token') {
      return {verdict: 'registry-error', message: `the ${error.request === 'ping' ? '/v2/ ping' : 'token request'} to ${error.host} failed: HTTP ${error.status}${error.errors[0] ? ` ${detail}` : ''}${retryAfterNote(error)}`}
    }

    if (error.status === 404) return {verdict: 'not-found', message: codes.includes('NAME_UNKNOWN') ? `repository not found (${detail})` : `manifest not found (${detail})`}
    if (error.status === 403) return {verdict: 'denied', message: detail}
    if (error.status === 401) return {verdict: 'unauthorized', message: detail}
    if (error.status === 429 || codes.includes('TOOMANYREQUESTS')) return {verdict: 'rate-limited', message: `${detail}${retryAfterNote(error)}`}
    return {verdict: 'registry-error', message: `${error.request ?? 'the'} request to ${error.host} failed: HTTP ${error.status}${error.errors[0] ? ` ${detail}` : ''}${retryAfterNote(error)}`}
  }

  // A helper that failed: docker 29+ stops the pull there (see credential-error above).
  if (error instanceof CredentialHelperError) return {verdict: 'credential-error', message: error.message}
  if (error instanceof InsecureTransportError) {
    return {verdict: 'unreachable', message: `${error.message} (name the registry with --insecure-registry to allow plain HTTP)`}
  }

  if (error instanceof NetworkError || error instanceof TimeoutError) return {verdict: 'unreachable', message: error.message}
  if (error instanceof ProtocolError) return {verdict: 'registry-error', message: error.message}
  if (isRegctlError(error)) return {verdict: 'registry-error', message: error.message}
  // A bug, not a registry answer: surface it instead of disguising it as a verdict.
  throw error
}

/** The verdict for a registry that says the login's token expired (the login line goes in `fix`). */
function expiredVerdict(status: number, expiresAt?: string): {verdict: Verdict; message: string} {
  const when = expiresAt === undefined ? 'has expired' : `expired at ${expiresAt}`
  return {verdict: 'unauthorized', message: `the authorization token ${when} (HTTP ${status}): log in again`}
}

/** ` (Retry-After: 30)` when the answer carried one (cut: it is server text). */
function retryAfterNote(error: RegistryHttpError): string {
  const value = error.headers['retry-after']?.trim()
  return value ? ` (Retry-After: ${value.slice(0, 40)})` : ''
}
