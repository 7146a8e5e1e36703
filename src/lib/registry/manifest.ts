/**
 * Manifest parsing and digest verification (OCI image-spec `manifest.md`, `image-index.md`,
 * `descriptor.md`; Docker image manifest v2 schema 2 and manifest list).
 */
import {ProtocolError} from '../errors.js'
import {type Descriptor, type Manifest, MediaType, type Platform} from './types.js'

/** `Accept` for manifest requests: every type we understand, schema1 last so we can report it. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
  MediaType.dockerSchema1Signed,
  MediaType.dockerSchema1,
].join(', ')

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList])
const IMAGE_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest])
const SCHEMA1_TYPES = new Set<string>([MediaType.dockerSchema1, MediaType.dockerSchema1Signed])
/** Content types that say nothing about the manifest: look at the body instead. */
const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain'])

// descriptor.md "Digests": algorithm ":" encoded; only the registered algorithms are verifiable.
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

/** True for a `sha256:`/`sha512:` digest with the right length of lowercase hex. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value)
}

/**
 * The digest grammar of OCI descriptors (image-spec `descriptor.md`, "Digests"): any registered or
 * future algorithm, so a blob of an unknown algorithm can still be asked for by name.
 */
const OCI_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/

/** True for a digest of the OCI descriptor grammar (`sha256:…`, `multihash+base58:…`). */
export function isOciDigest(value: string): boolean {
  return OCI_DIGEST.test(value)
}

/** The digest of `body` with the given algorithm (`sha256` by default). */
export function computeDigest(body: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  // node:crypto loads on the first digest, once a manifest has arrived, not at start-up (issue 10):
  // it is then loaded while no request waits on it.
  return `${algorithm}:${process.getBuiltinModule('node:crypto').createHash(algorithm).update(body).digest('hex')}`
}

/**
 * Checks that `body` hashes to `expected` (content addressing, distribution-spec "Pulling
 * manifests": a client SHOULD verify). Throws {@link ProtocolError} on mismatch or on a digest we
 * cannot verify.
 */
export function verifyDigest(body: Uint8Array, expected: string, source: string): void {
  if (!isDigest(expected)) throw new ProtocolError(source, `unsupported or malformed digest ${JSON.stringify(expected.slice(0, 80))}`)
  const algorithm = expected.startsWith('sha512:') ? 'sha512' : 'sha256'
  const actual = computeDigest(body, algorithm)
  if (actual !== expected) throw new ProtocolError(source, `manifest digest mismatch: expected ${expected}, got ${actual}`)
}

/** The media type part of a `Content-Type` (parameters dropped, lowercased). */
export function baseMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * Parses a manifest body from bytes into a validated {@link Manifest}. The `Content-Type` decides
 * the kind; a generic one (`application/json`) falls back to the body's `mediaType`, then to its
 * shape. Throws {@link ProtocolError} on invalid JSON, a wrong shape or an unknown media type.
 */
export function parseManifest(body: Uint8Array, contentType: string, source = 'manifest'): Manifest {
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(body))
  } catch {
    throw new ProtocolError(source, 'manifest is not valid JSON')
  }

  if (!isRecord(data)) throw new ProtocolError(source, 'manifest is not a JSON object')
  const headerType = baseMediaType(contentType)
  const bodyType = typeof data['mediaType'] === 'string' ? data['mediaType'] : undefined
  let mediaType = GENERIC_TYPES.has(headerType) ? (bodyType ?? sniff(data)) : headerType
  if (mediaType === undefined) throw new ProtocolError(source, 'cannot tell the manifest media type')
  mediaType = mediaType.toLowerCase()

  if (INDEX_TYPES.has(mediaType)) {
    const manifests = data['manifests']
    if (!Array.isArray(manifests)) throw new ProtocolError(source, 'index has no manifests array')
    return {kind: 'index', mediaType, manifests: manifests.map((d, i) => parseDescriptor(d, `${source}: manifests[${i}]`))}
  }

  if (IMAGE_TYPES.has(mediaType)) {
    const layers = data['layers']
    if (!Array.isArray(layers)) throw new ProtocolError(source, 'image manifest has no layers array')
    return {
      kind: 'image',
      mediaType,
      config: parseDescriptor(data['config'], `${source}: config`),
      layers: layers.map((d, i) => parseDescriptor(d, `${source}: layers[${i}]`)),
    }
  }

  if (SCHEMA1_TYPES.has(mediaType)) return {kind: 'schema1', mediaType}
  throw new ProtocolError(source, `unsupported manifest media type ${JSON.stringify(mediaType.slice(0, 100))}`)
}

function sniff(data: Record<string, unknown>): string | undefined {
  if (data['schemaVersion'] === 1) return MediaType.dockerSchema1
  if (Array.isArray(data['manifests'])) return MediaType.ociIndex
  if (isRecord(data['config']) && Array.isArray(data['layers'])) return MediaType.ociManifest
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw new ProtocolError(where, 'descriptor is not an object')
  const {mediaType, digest, size, platform, artifactType} = value
  if (typeof mediaType !== 'string') throw new ProtocolError(where, 'descriptor has no mediaType')
  if (typeof digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
    throw new ProtocolError(where, 'descriptor has no valid digest')
  }

  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new ProtocolError(where, 'descriptor has no valid size')
  const out: Descriptor = {mediaType, digest, size}
  if (platform !== undefined) out.platform = parsePlatform(platform, where)
  if (typeof artifactType === 'string') out.artifactType = artifactType
  return out
}

function parsePlatform(value: unknown, where: string): Platform {
  if (!isRecord(value)) throw new ProtocolError(where, 'platform is not an object')
  const {os, architecture, variant} = value
  const osVersion = value['os.version']
  if (typeof os !== 'string' || typeof architecture !== 'string') throw new ProtocolError(where, 'platform needs os and architecture')
  const out: Platform = {os, architecture}
  if (typeof variant === 'string') out.variant = variant
  if (typeof osVersion === 'string') out.osVersion = osVersion
  return out
}
