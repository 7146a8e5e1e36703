/**
 * The process environment and the machine, read in one place: regctl's variables (documented in the
 * README), the proxy variables, Docker's config location, the User-Agent and this machine's platform.
 */
import {homedir} from 'node:os'

import {configPath} from '../lib/credentials/docker-config.js'
import {defaultPlatform, type Platform} from '../lib/platform.js'
import type {TransportOptions} from '../lib/registry/transport.js'

/** A non-empty environment variable (regctl's variables are documented in the README). */
export function envValue(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** The `User-Agent` of every request regctl makes. */
export function userAgent(version: string | undefined): string {
  return `regctl/${version ?? 'dev'}`
}

/** Path of Docker's `config.json` (`DOCKER_CONFIG`, else `HOME`, else the OS home directory). */
export function dockerConfigPath(): string {
  const dockerConfig = envValue('DOCKER_CONFIG')
  const home = envValue('HOME')
  return configPath({...(dockerConfig ? {DOCKER_CONFIG: dockerConfig} : {}), ...(home ? {HOME: home} : {})}, homedir())
}

/** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case), as the transport takes them. */
export function proxyFromEnv(): Pick<TransportOptions, 'proxy'> {
  const httpsProxy = envValue('HTTPS_PROXY') ?? envValue('https_proxy')
  const httpProxy = envValue('HTTP_PROXY') ?? envValue('http_proxy')
  const noProxy = envValue('NO_PROXY') ?? envValue('no_proxy')
  if (!httpsProxy && !httpProxy) return {}
  return {proxy: {...(httpsProxy ? {httpsProxy} : {}), ...(httpProxy ? {httpProxy} : {}), ...(noProxy ? {noProxy} : {})}}
}

/** This machine's platform: what image indexes are resolved for when `--platform` is not given. */
export function machinePlatform(): Platform {
  const arm = (process.config.variables as Record<string, unknown>)['arm_version']
  return defaultPlatform(process.platform, process.arch, typeof arm === 'string' || typeof arm === 'number' ? String(arm) : undefined)
}
