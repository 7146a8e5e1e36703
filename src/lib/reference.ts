/**
 * Image references: docker/distribution's grammar and Docker's normalisation, as pure functions.
 *
 * Grammar (distribution/reference `reference.go`, `regexp.go`):
 *
 * ```
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [domain '/'] remote-name
 * domain           := host [':' port-number]
 * host             := domain-name | IPv4address | \[ IPv6address \]   ; rfc3986 appendix-A
 * domain-name      := domain-component ['.' domain-component]*
 * domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 * port-number      := /[0-9]+/
 * path-component   := alpha-numeric [separator alpha-numeric]*
 * remote-name      := path-component ['/' path-component]*
 * alpha-numeric    := /[a-z0-9]+/
 * separator        := /[_.]|__|[-]+/
 * tag              := /[\w][\w.-]{0,127}/
 * digest           := algorithm ":" hex   ; validated per algorithm as go-digest does
 * ```
 *
 * Normalisation (distribution/reference `normalize.go`, `splitDockerDomain`): the first
 * `/`-separated component is a registry only if it contains `.` or `:`, is `localhost`, or has an
 * uppercase letter; otherwise the registry is `docker.io`. `index.docker.io` becomes `docker.io`,
 * and single-component Docker Hub names get the `library/` namespace. A reference with neither
 * tag nor digest gets the tag `latest`.
 */
import {DOCKER_HUB_API_HOST, DOCKER_HUB_LEGACY_HOST, DOCKER_HUB_REGISTRY} from './docker-hub.js'
import {InvalidReferenceError, redactText} from './errors.js'
import {MAX_ECHO_CHARS, sanitizeText} from './sanitize.js'

/** A parsed, normalised image reference. `formatReference` gives its canonical string. */
export type ImageReference = {
  /** Registry host with optional port, as written (`ghcr.io`, `localhost:5000`, `[::1]:5000`); Docker Hub is `docker.io`. */
  registry: string
  /** Repository path on the registry (`library/alpine`, `owner/app`), always lowercase. */
  repository: string
  /** Tag; `latest` when the input had neither tag nor digest, absent when only a digest was given. */
  tag?: string
  /** Content digest `algorithm:hex`, validated for its algorithm. */
  digest?: string
}

/** Maximum length of the repository path (distribution/reference `RepositoryNameTotalLengthMax`). */
export const REPOSITORY_NAME_MAX_LENGTH = 255

const OFFICIAL_PREFIX = 'library/'
const DEFAULT_TAG = 'latest'

/**
 * Longer inputs are rejected before any regular expression runs: a valid reference is at most a
 * 255-character host, a 255-character path, a 128-character tag and a sha512 digest.
 */
const MAX_INPUT_LENGTH = 1024

// regexp.go, piece by piece. JavaScript's `\w` is ASCII-only like RE2's.
const ALPHANUMERIC = '[a-z0-9]+'
const SEPARATOR = '(?:[._]|__|[-]+)'
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`
// IPv6 in brackets; zone identifiers (rfc6874) and IPv4-mapped forms are deliberately excluded.
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]'
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}'
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`

const anchoredPathComponent = new RegExp(`^${PATH_COMPONENT}$`)
const anchoredDomain = new RegExp(`^${DOMAIN_AND_PORT}$`)
const anchoredTag = new RegExp(`^${TAG}$`)
const anchoredDigest = new RegExp(`^${DIGEST}$`)
/** The whole canonical reference, used as a final consistency check (`referencePat`). */
const anchoredCanonical = new RegExp(`^${DOMAIN_AND_PORT}/${REMOTE_NAME}(?::${TAG})?(?:@${DIGEST})?$`)
/** A 64-hex image ID (`anchoredIdentifierRegexp`): never a repository name. */
const anchoredIdentifier = /^[a-f0-9]{64}$/

/**
 * Digest algorithms go-digest registers, with the length of their hex encoding
 * (go-digest `algorithm.go`: sha256, sha384, sha512; encoded as `[a-f0-9]{size*2}`).
 */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
])

/**
 * Parses and normalises an image reference the way `docker pull` does
 * (distribution/reference `ParseNormalizedNamed` + `TagNameOnly`).
 *
 * Stricter than the grammar alone, on purpose: a bare `sha256:<hex>` (which would read as
 * repository `sha256` with a hex tag) and a 64-hex image ID are rejected, as are URL schemes
 * (`docker://`, `https://`) and whitespace. The 255-character limit applies to the repository
 * path, as in distribution/reference since v0.6 (PR #9); docker/distribution 2.8 also counted
 * the registry name.
 *
 * @example parseReference('alpine') // {registry: 'docker.io', repository: 'library/alpine', tag: 'latest'}
 * @throws {InvalidReferenceError} when the input breaks the grammar; `reason` says what and where.
 */
export function parseReference(input: string): ImageReference {
  const fail: (reason: string) => never = (reason) => {
    throw new InvalidReferenceError(displayInput(input), sanitizeText(redactText(reason), 300))
  }

  if (input.trim() === '') fail('empty reference')
  const space = /\s/.exec(input)
  if (space) {
    fail(`contains whitespace at position ${space.index + 1}${space.index === input.length - 1 ? ' (trailing)' : ''}`)
  }

  if (input.length > MAX_INPUT_LENGTH) fail(`reference too long (${input.length} > ${MAX_INPUT_LENGTH} characters)`)

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input)
  if (scheme) {
    // Userinfo is never part of a reference, and must not reach the message.
    const rest = input.slice(scheme[0].length).replace(/^[^/@]*@/, '')
    const name = scheme[1]?.toLowerCase()
    if (name === 'docker') fail(`remove the "docker://" transport prefix (skopeo syntax): use ${quote(rest)}`)
    fail(`an image reference is not a URL: remove "${scheme[0]}" and use ${quote(rest.replace(/\/+$/, ''))}`)
  }

  if (anchoredIdentifier.test(input)) {
    fail('a 64-character hexadecimal string is an image ID, not a repository name')
  }

  // A bare `sha256:<hex>` would otherwise parse as repository "sha256" with a hex tag.
  const bareDigest = /^([a-z0-9]+):[0-9a-fA-F]+$/.exec(input)
  if (bareDigest?.[1] && DIGEST_HEX_LENGTH.has(bareDigest[1])) {
    fail(`a digest alone is not an image reference: write it after the repository, e.g. alpine@${input}`)
  }

  // The name and the tag cannot hold "@", so the digest is whatever follows the first "@".
  const at = input.indexOf('@')
  const beforeDigest = at === -1 ? input : input.slice(0, at)
  const digest = at === -1 ? undefined : input.slice(at + 1)
  if (digest?.includes('/')) {
    fail(`invalid reference format at ${quote(input.slice(at))}: "@" may only introduce the digest at the end`)
  }

  // A bracketed IPv6 host is never a repository: say so instead of "invalid format".
  if (beforeDigest.startsWith('[') && !beforeDigest.includes('/')) {
    fail(`registry ${quote(beforeDigest)} needs a repository path, e.g. ${beforeDigest}/name`)
  }

  // A ":" after the last "/" starts the tag; a ":" before a "/" belongs to the registry's port.
  let name = beforeDigest
  let tag: string | undefined
  const colon = beforeDigest.lastIndexOf(':')
  if (colon !== -1 && !beforeDigest.slice(colon + 1).includes('/')) {
    name = beforeDigest.slice(0, colon)
    tag = beforeDigest.slice(colon + 1)
  }

  if (name === '') fail(`missing repository name before ${quote(input)}`)

  const {registry, repository} = splitRegistry(name, fail)

  if (tag !== undefined) {
    if (tag === '') fail('empty tag after ":"')
    else if (tag.length > 128) fail(`invalid tag "${tag.slice(0, 32)}…": longer than 128 characters (${tag.length})`)
    else if (!anchoredTag.test(tag)) {
      fail(`invalid tag ${quote(tag)}: a tag starts with a letter, digit or "_" and contains only letters, digits, "_", "." and "-"`)
    }
  }

  if (digest !== undefined) validateDigest(digest, fail)

  const ref: ImageReference = {registry, repository}
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  if (tag === undefined && digest === undefined) ref.tag = DEFAULT_TAG

  // Belt and braces: the pieces were validated one by one; the whole must match referencePat.
  if (!anchoredCanonical.test(formatReference(ref))) fail(`invalid reference format at ${quote(name)}`)
  return ref
}

/**
 * `splitDockerDomain` plus validation of both halves, with a specific reason for each failure.
 */
function splitRegistry(name: string, fail: (reason: string) => never): {registry: string; repository: string} {
  const slash = name.indexOf('/')
  let registry = DOCKER_HUB_REGISTRY
  let repository = name
  let hostByCase = false

  if (slash !== -1) {
    const first = name.slice(0, slash)
    const rest = name.slice(slash + 1)
    if (first === 'localhost' || first.includes('.') || first.includes(':')) {
      registry = first
      repository = rest
    } else if (first.toLowerCase() !== first) {
      // Uppercase is not allowed in repository names, so distribution treats it as a host name.
      registry = first
      repository = rest
      hostByCase = true
    }
  }

  if (registry === DOCKER_HUB_LEGACY_HOST) registry = DOCKER_HUB_REGISTRY

  if (hostByCase && (repository.toLowerCase() !== repository || !anchoredDomain.test(registry))) {
    // "MyOrg/App": reporting only "App" would hide that "MyOrg" was taken for a host name.
    fail(`repository name must be lowercase: ${name}`)
  }

  if (registry !== DOCKER_HUB_REGISTRY && !anchoredDomain.test(registry)) {
    const hint = /^[0-9a-fA-F:]+:[0-9a-fA-F]*$/.test(registry) && registry.split(':').length > 2
      ? ' (write IPv6 addresses in brackets: [fc00::1]:5000)'
      : registry.includes('%')
        ? ' (IPv6 zone identifiers are not allowed)'
        : ''
    fail(`invalid registry host ${quote(registry)}${hint}`)
  }

  // The grammar takes any digits as a port; no host can listen past 65535 (issue 12: `localhost:99999/x`).
  const port = /:(\d+)$/.exec(registry)?.[1]
  if (port !== undefined && Number(port) > 65_535) fail(`invalid registry port ${port} in ${quote(registry)} (ports are 0 to 65535)`)
  if (repository === '') fail(`missing repository path after registry ${quote(registry)}`)
  if (repository.toLowerCase() !== repository) fail(`repository name must be lowercase: ${repository}`)

  for (const component of repository.split('/')) {
    if (component === '') fail(`invalid reference format at ${quote(repository)}: empty path component (double or trailing "/")`)
    if (!anchoredPathComponent.test(component)) {
      fail(
        `invalid reference format at ${quote(component)}: path components are lowercase letters and digits, ` +
          'joined by ".", "_", "__" or "-"',
      )
    }
  }

  if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) repository = OFFICIAL_PREFIX + repository

  if (repository.length > REPOSITORY_NAME_MAX_LENGTH) {
    fail(`repository name too long (${repository.length} > ${REPOSITORY_NAME_MAX_LENGTH})`)
  }

  return {registry, repository}
}

/** go-digest `Digest.Validate`: known algorithm, then exact length, then lowercase hex. */
function validateDigest(digest: string, fail: (reason: string) => never): void {
  if (digest === '') fail('empty digest after "@"')
  if (!anchoredDigest.test(digest)) {
    fail(`invalid digest ${quote(digest)}: expected algorithm:hex, e.g. sha256: followed by 64 hex characters`)
  }

  const sep = digest.indexOf(':')
  const algorithm = digest.slice(0, sep)
  const hex = digest.slice(sep + 1)
  const expected = DIGEST_HEX_LENGTH.get(algorithm)
  if (expected === undefined) fail(`invalid digest ${quote(digest)}: unsupported algorithm "${algorithm}" (sha256, sha384 or sha512)`)
  if (hex.length !== expected) {
    fail(`invalid digest ${quote(digest)}: ${algorithm} needs ${expected} hex characters, got ${hex.length}`)
  }

  if (!/^[a-f0-9]+$/.test(hex)) fail(`invalid digest ${quote(digest)}: hex must be lowercase`)
}

/** A fragment of the input, quoted for a reason and cut short when long. */
function quote(fragment: string): string {
  return JSON.stringify(fragment.length > 100 ? `${fragment.slice(0, 80)}…` : fragment)
}

/** What the error shows of the input: redacted, and cut short when absurdly long. */
function displayInput(input: string): string {
  return sanitizeText(redactText(input.slice(0, 4 * MAX_ECHO_CHARS)))
}

/**
 * True for a repository path of the reference grammar: `/`-separated path components, at most
 * {@link REPOSITORY_NAME_MAX_LENGTH} characters (the registry client guards its URL paths with it).
 */
export function isRepositoryName(repository: string): boolean {
  return repository.length <= REPOSITORY_NAME_MAX_LENGTH && repository.split('/').every((component) => anchoredPathComponent.test(component))
}

/** True for a tag of the reference grammar (`[\w][\w.-]{0,127}`). */
export function isTag(tag: string): boolean {
  return anchoredTag.test(tag)
}

/**
 * The canonical string: `docker.io/library/alpine:latest`, `host:5000/repo:tag@sha256:…`.
 * Parsing it again yields the same reference.
 */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`
}

/**
 * Docker's short form for display (`normalize.go` `familiarizeName`): Docker Hub loses its
 * registry, official images their `library/` (`alpine:latest`, `user/app:1`, `ghcr.io/o/a:1`).
 * Nested paths under `library/` keep it, as upstream does.
 *
 * Unlike upstream, `docker.io/` stays when dropping it would make the first path component read
 * as a registry (`docker.io/foo.bar/app`, `docker.io/localhost/app`), so the familiar form always
 * parses back to the same reference.
 */
export function familiarReference(ref: ImageReference): string {
  let name = `${ref.registry}/${ref.repository}`
  const first = ref.repository.split('/', 1)[0] ?? ''
  const looksLikeHost = ref.repository.includes('/') && (first === 'localhost' || first.includes('.'))
  if (ref.registry === DOCKER_HUB_REGISTRY && !looksLikeHost) {
    name = ref.repository
    const rest = name.startsWith(OFFICIAL_PREFIX) ? name.slice(OFFICIAL_PREFIX.length) : undefined
    if (rest !== undefined && !rest.includes('/')) name = rest
  }

  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`
}

/**
 * The host that serves the distribution API for a registry: Docker Hub's canonical name
 * `docker.io` (and the legacy `index.docker.io`) is served by `registry-1.docker.io`
 * (see the `defaultDomain` comment in `normalize.go`); every other registry serves itself.
 */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB_REGISTRY || registry === DOCKER_HUB_LEGACY_HOST ? DOCKER_HUB_API_HOST : registry
}

/**
 * True when a registry host (with or without port) is the local machine: `localhost`,
 * `127.0.0.0/8` or `[::1]`. Decided from the name alone, without DNS: names that merely resolve
 * to loopback, `*.localhost` and IPv4-mapped forms are not considered loopback.
 */
export function isLoopbackRegistry(registry: string): boolean {
  if (registry === '' || /[\s/@?#\\]/.test(registry)) return false
  let hostname: string
  try {
    // The WHATWG URL parser validates the port and canonicalises `[0:0::1]` and `LOCALHOST`.
    hostname = new URL(`http://${registry}/`).hostname
  } catch {
    return false
  }

  // Only literal forms: the URL parser also turns `2130706433` or `0x7f.1` into 127.0.0.1.
  const literalHost = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d*$/, '')
  if (hostname === 'localhost') return literalHost.toLowerCase() === 'localhost'
  if (hostname === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(literalHost)
}
