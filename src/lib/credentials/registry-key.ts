/**
 * Which key of Docker's credential stores serves which registry host.
 *
 * Mirrors docker/cli: `getAuthConfigKey` (cli/command/registry.go) picks the key docker *looks
 * up* for a registry domain, and `fileStore.Get` + `ConvertToHostname`
 * (cli/config/credentials/file_store.go) decide which *stored* `auths` key matches it.
 */
import {DOCKER_HUB_AUTH_KEY, DOCKER_HUB_HOSTNAMES, DOCKER_HUB_LEGACY_HOST, DOCKER_HUB_REGISTRY} from '../docker-hub.js'
import {joinHostPort, splitHostPort} from '../host-port.js'

/**
 * Domains docker maps to {@link DOCKER_HUB_AUTH_KEY} when it looks a credential up
 * (`getAuthConfigKey`: `docker.io` and `index.docker.io`).
 */
const HUB_LOOKUP_DOMAINS: ReadonlySet<string> = new Set([DOCKER_HUB_REGISTRY, DOCKER_HUB_LEGACY_HOST])

/**
 * The key docker looks up for a registry domain (the domain of a normalised image reference:
 * `docker.io`, `ghcr.io`, `localhost:5000`): Docker Hub's domains map to
 * {@link DOCKER_HUB_AUTH_KEY}, every other domain is its own key. Pass the reference's domain, not
 * the API endpoint (`registry-1.docker.io` is looked up as itself, exactly as docker does).
 */
export function lookupKey(registry: string): string {
  return HUB_LOOKUP_DOMAINS.has(registry) ? DOCKER_HUB_AUTH_KEY : registry
}

/** True when `registry` is one of the domains docker resolves to Docker Hub's credential key. */
export function isDockerHubDomain(registry: string): boolean {
  return HUB_LOOKUP_DOMAINS.has(registry)
}

const URL_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/

/**
 * docker/cli `ConvertToHostname`: turns a legacy key with a scheme and path
 * (`https://reg:5000/v1/`) into `host[:port]`; a key without `://` is cut at its first `/`.
 * Like Go's `url.URL.Hostname()`, userinfo is dropped and IPv6 brackets are removed unless a port
 * follows (`net.JoinHostPort`). Case is kept: Go does not lowercase either.
 */
export function convertToHostname(maybeUrl: string): string {
  if (maybeUrl.includes('://')) {
    const authority = URL_AUTHORITY.exec(maybeUrl)?.[1]
    if (authority !== undefined) {
      const hostPort = authority.slice(authority.lastIndexOf('@') + 1)
      const split = splitHostPort(hostPort)
      if (split && split.hostname !== '') {
        return split.port === '' ? split.hostname : joinHostPort(split.hostname, split.port)
      }
    }
  }

  return maybeUrl.split('/', 1)[0] ?? ''
}

/**
 * The registry a stored key is meant for, for people: `https://index.docker.io/v1/`,
 * `index.docker.io`, `docker.io` and `registry-1.docker.io` all read as `docker.io`; any other key
 * is its {@link convertToHostname}. (`registry-1.docker.io` is Hub's API endpoint: docker does
 * *not* look it up under the Hub key, but a stored key with that host is still a Hub credential
 * for people reading `auth status`.)
 */
export function registryForKey(key: string): string {
  if (key === DOCKER_HUB_AUTH_KEY) return DOCKER_HUB_REGISTRY
  const hostname = convertToHostname(key)
  return DOCKER_HUB_HOSTNAMES.has(hostname) ? DOCKER_HUB_REGISTRY : hostname
}

/**
 * Finds the `auths` entry docker's file store returns for a lookup key: the exact key first, then
 * the first legacy key whose {@link convertToHostname} equals the lookup key (docker iterates a Go
 * map, so its choice among several legacy keys is random; we take file order). A Hub lookup key is
 * a URL, which no hostname equals, so Hub credentials are only found under the exact key.
 */
export function findAuthKey(keys: Iterable<string>, wanted: string): string | undefined {
  const all = [...keys]
  if (all.includes(wanted)) return wanted
  return all.find((key) => convertToHostname(key) === wanted)
}
