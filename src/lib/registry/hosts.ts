/**
 * Host classification for the transport. Loopback and the Docker Hub API host follow
 * src/lib/reference.ts (docker's `registry/config.go`: loopback registries are insecure by
 * default; `docker.io` is served by `registry-1.docker.io`).
 */
import {splitHostPort} from '../host-port.js'
import {isLoopbackRegistry, registryApiHost} from '../reference.js'

/** True for `localhost`, 127.0.0.0/8 and `[::1]`, with or without a port (name only, no DNS). */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackRegistry(host.toLowerCase())
}

/** The host that serves the registry API: Docker Hub's `docker.io` is `registry-1.docker.io`. */
export function apiHost(registry: string): string {
  return registryApiHost(registry.toLowerCase())
}

/**
 * True when `host` (host[:port]) is named in `insecure`. An entry without a port matches every
 * port of that host; an entry with a port matches only that port.
 */
export function isListedHost(host: string, insecure: readonly string[]): boolean {
  const lower = host.toLowerCase()
  const target = splitHostPort(lower)
  return insecure.some((entry) => {
    const e = entry.toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '')
    if (e === lower) return true
    const listed = splitHostPort(e)
    // `reg:` names a port (an empty one), so it is not a port-less entry.
    return listed !== undefined && target !== undefined && listed.port === '' && !e.endsWith(':') && listed.hostname === target.hostname
  })
}
