/**
 * Docker Hub's names, in one place: how image references spell it, the legacy name, the host that
 * serves its API and the key docker stores its credentials under. From distribution/reference
 * `normalize.go` (`defaultDomain`, `legacyDefaultDomain`), moby `registry/config.go`
 * (`DefaultRegistryHost`, `IndexServer`) and docker/cli `getAuthConfigKey`.
 */

/** Docker Hub's canonical registry name, as image references spell it (`defaultDomain`). */
export const DOCKER_HUB_REGISTRY = 'docker.io'

/** The legacy name `normalize.go` rewrites to {@link DOCKER_HUB_REGISTRY} (`legacyDefaultDomain`). */
export const DOCKER_HUB_LEGACY_HOST = 'index.docker.io'

/** The host that serves Docker Hub's registry API (`DefaultRegistryHost`). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'

/**
 * The key Docker Hub credentials live under, in `auths`, in credential helpers and in
 * `DOCKER_AUTH_CONFIG` (moby's `registry.IndexServer`); `docker login` and `docker login
 * docker.io` both store under it.
 */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/'

/** Every hostname that names Docker Hub (lower-case, no port). */
export const DOCKER_HUB_HOSTNAMES: ReadonlySet<string> = new Set([DOCKER_HUB_REGISTRY, DOCKER_HUB_LEGACY_HOST, DOCKER_HUB_API_HOST])
