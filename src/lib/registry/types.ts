/**
 * Public contract of the OCI distribution client (src/lib/registry). The pull-check verdicts and
 * the later commands (auth status, ghcr ls --source registry) are built only on these types.
 */
import type {RunDeadline} from '../deadline.js'
import type {KnownSecrets} from '../secrets/known-secrets.js'
import type {CredentialLookup, CredentialSource} from '../credentials/types.js'

/** The four manifest media types we accept (and send in `Accept`), plus schema1 for reporting. */
export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const

export type Platform = {os: string; architecture: string; variant?: string; osVersion?: string}

export type Descriptor = {mediaType: string; digest: string; size: number; platform?: Platform; artifactType?: string}

/** A manifest parsed (from `unknown`) and validated. */
export type Manifest =
  | {kind: 'index'; mediaType: string; manifests: Descriptor[]}
  | {kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[]}
  | {kind: 'schema1'; mediaType: string}

/** Docker Hub's rate-limit headers, when the registry sends them. */
export type RateLimit = {
  limit?: number
  remaining?: number
  /** `docker-ratelimit-source` (the IP or user id the quota is counted against). */
  source?: string
  /** Seconds of the window (`;w=21600`). */
  windowSeconds?: number
  /** From `Retry-After` or `X-RateLimit-Reset` on a 429, as an ISO date. */
  resetAt?: string
}

/** The answer to a manifest HEAD (or GET). */
export type ManifestHead = {
  digest: string
  mediaType: string
  size: number
  rateLimit?: RateLimit
}

export type ManifestGet = ManifestHead & {manifest: Manifest; body: Uint8Array}

export type RegistryClientOptions = {
  credentials: CredentialLookup
  /** Registry hosts (host or host:port) that may be used over plain HTTP / unverified TLS. */
  insecureRegistries?: string[]
  /** Per-request timeout (connect + headers + body). Default 30 s. */
  timeoutMs?: number
  userAgent?: string
  /** Clock for token expiry, in ms since the epoch. Default `Date.now`. */
  now?: () => number
  /** Injected undici dispatcher (tests, proxies). Default: a keep-alive agent honouring *_PROXY. */
  dispatcher?: unknown
  /** Proxy settings as read by the command from the environment. */
  proxy?: {httpsProxy?: string; httpProxy?: string; noProxy?: string}
  /**
   * Extra trusted CA certificates (PEM), added to Node's bundled roots. Node's own
   * `NODE_EXTRA_CA_CERTS` is honoured without this, but is NOT kept once `ca` is set: a command
   * that sets `ca` must add that file's certificates itself.
   */
  ca?: string[]
  /** The run's total deadline (`--deadline`). */
  deadline?: RunDeadline
  /** Holds every `Authorization` value and form secret sent, for the output boundary's redaction. */
  secrets?: KnownSecrets
}

/** Counters for benchmarks and tests. */
export type ClientStats = {requests: number; tokenRequests: number; manifestRequests: number}

/** The identity a request was made with, as reported by pull-check. */
export type AuthUsed = {source: CredentialSource; username?: string}

/**
 * The identity the last request to a registry went out with (what was on the wire), and whether
 * the registry asked for credentials at all (a Bearer or Basic challenge).
 */
export type IdentityUsed = AuthUsed & {challenged: boolean}
