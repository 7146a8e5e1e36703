/**
 * The podman / skopeo / buildah credential files (containers-auth.json(5)), read-only.
 *
 * Where they are, per containers-auth.json(5) and containers/image `pkg/docker/config/config.go`
 * (`getPathToAuthWithOS`, `getCredentialsWithHomeDir`): the primary file is
 * `${XDG_RUNTIME_DIR}/containers/auth.json` on Linux (`/run/containers/UID/auth.json` when
 * `XDG_RUNTIME_DIR` is unset), or the explicit override — podman, skopeo and buildah take
 * `REGISTRY_AUTH_FILE` as that override, and then the primary file is *not* read. The search then
 * continues in `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json` (and Docker's own files, which
 * the Docker readers cover). On macOS and Windows the primary file is `~/.config/containers/auth.json`.
 *
 * The format is Docker's (`auths` with base64 `auth`, `identitytoken`, plus `credHelpers`), so the
 * files are parsed with {@link parseDockerConfig}. Keys may name a namespace
 * (`quay.io/team/image`); the registry is the part before the first `/`.
 */
import {posix} from 'node:path'

import {DOCKER_HUB_HOSTNAMES, DOCKER_HUB_REGISTRY} from '../docker-hub.js'
import {type DockerConfig, loadDockerConfig, type ReadTextFile} from './docker-config.js'

/** Which rule put a file on the list. */
export type PodmanAuthOrigin = 'REGISTRY_AUTH_FILE' | 'XDG_RUNTIME_DIR' | 'XDG_CONFIG_HOME'

/** One auth.json location, in lookup order. */
export type PodmanAuthFile = {
  path: string
  origin: PodmanAuthOrigin
  /**
   * False when podman would not read it: the runtime file while `REGISTRY_AUTH_FILE` overrides it.
   * Still listed, because credentials stored there are still on disk.
   */
  consulted: boolean
}

/** The environment the locations depend on (the command passes the values of the process environment). */
export type PodmanEnv = {
  REGISTRY_AUTH_FILE?: string | undefined
  XDG_RUNTIME_DIR?: string | undefined
  XDG_CONFIG_HOME?: string | undefined
  HOME?: string | undefined
}

/**
 * The auth.json files podman, skopeo and buildah consult, in their documented order:
 * `REGISTRY_AUTH_FILE`, `${XDG_RUNTIME_DIR}/containers/auth.json` (not consulted when the former is
 * set), `${XDG_CONFIG_HOME:-$HOME/.config}/containers/auth.json`. Duplicates are dropped (the first
 * occurrence stays).
 *
 * @param options.uid used for `/run/containers/UID/auth.json` when `XDG_RUNTIME_DIR` is unset on
 *   Linux; without it that location is skipped.
 */
export function podmanAuthFilePaths(
  env: PodmanEnv,
  options: {platform?: NodeJS.Platform; uid?: number | undefined; homedir?: string | undefined} = {},
): PodmanAuthFile[] {
  const platform = options.platform ?? 'linux'
  const home = env.HOME || options.homedir
  const files: PodmanAuthFile[] = []
  const override = env.REGISTRY_AUTH_FILE || undefined
  if (override) files.push({path: override, origin: 'REGISTRY_AUTH_FILE', consulted: true})

  if (platform === 'linux') {
    const runtime = env.XDG_RUNTIME_DIR
      ? posix.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
      : options.uid === undefined
        ? undefined
        : `/run/containers/${options.uid}/auth.json`
    if (runtime) files.push({path: runtime, origin: 'XDG_RUNTIME_DIR', consulted: !override})
  }

  const configHome = env.XDG_CONFIG_HOME || (home ? posix.join(home, '.config') : undefined)
  if (configHome) files.push({path: posix.join(configHome, 'containers', 'auth.json'), origin: 'XDG_CONFIG_HOME', consulted: true})

  const seen = new Set<string>()
  return files.filter((file) => {
    if (seen.has(file.path)) return false
    seen.add(file.path)
    return true
  })
}

/**
 * Reads one auth.json. A missing file resolves `undefined` (no credentials).
 *
 * @throws ConfigError when the file exists but cannot be read or is not a valid auth file.
 */
export async function loadPodmanAuthFile(path: string, readFile: ReadTextFile): Promise<DockerConfig | undefined> {
  return loadDockerConfig({path, readFile})
}

/**
 * The registry a podman key is for: `quay.io/team/app` → `quay.io`; a legacy `https://host/v1/`
 * key → `host`; Docker Hub's spellings → `docker.io` (containers/image `normalizeRegistry`).
 */
export function podmanKeyRegistry(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '')
  const host = (stripped.split('/', 1)[0] ?? '').toLowerCase()
  return DOCKER_HUB_HOSTNAMES.has(host) ? DOCKER_HUB_REGISTRY : host
}
