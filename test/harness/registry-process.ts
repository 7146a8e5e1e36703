/**
 * Real `docker-registry serve` (distribution 2.8) processes on loopback, and a parser for their
 * access log so tests can count the requests a client really made.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {harnessRequest} from './http.js'
import {delay, freePort, stopChild, trackChild} from './processes.js'

/** Path of the distribution binary (Debian's docker-registry package). */
export const REGISTRY_BINARY = '/usr/bin/docker-registry'

/** What a test sees of a registry: `host` is `127.0.0.1:PORT`, `url` has the scheme. */
export type RegistryInfo = {host: string; url: string}

/** How a request path is classified for counting. */
export type PathKind = 'ping' | 'manifest' | 'blob' | 'upload' | 'tags' | 'catalog' | 'other'

/** One access-log line. */
export type RequestEntry = {method: string; path: string; status: number; kind: PathKind; repository: string | null}

/** Request counters of one registry since the last reset. */
export type RequestCounts = {
  total: number
  /** e.g. `{"GET manifest": 2, "HEAD blob": 1}` */
  byMethodKind: Record<string, number>
  byKind: Partial<Record<PathKind, number>>
  entries: RequestEntry[]
  /**
   * Connections that carried these requests (the front only: it is a Node server and sees its
   * sockets; the docker-registry processes do not log theirs). Pins keep-alive reuse.
   */
  connections?: number
}

/** Registry authentication mode. */
export type RegistryAuth =
  | {kind: 'none'}
  | {kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string}
  | {kind: 'htpasswd'; realm: string; htpasswdFile: string}

/** A running registry process. */
export type RegistryProcess = RegistryInfo & {
  name: string
  port: number
  storageDir: string
  logFile: string
  errorLogFile: string
  requestCounts(): Promise<RequestCounts>
  resetRequestCounts(): Promise<void>
  stop(): Promise<void>
}

/** Options of {@link startRegistry}. */
export type RegistryOptions = {
  name: string
  dir: string
  auth: RegistryAuth
  /** PEM files; omit for plain HTTP. */
  tls?: {certFile: string; keyFile: string}
  caPem: string
}

/** Classify a registry API path (OCI distribution spec, "Endpoints" table). */
export function classifyPath(rawPath: string): {kind: PathKind; repository: string | null} {
  const pathname = rawPath.split('?')[0] ?? rawPath
  if (pathname === '/v2/' || pathname === '/v2') return {kind: 'ping', repository: null}
  if (pathname === '/v2/_catalog') return {kind: 'catalog', repository: null}
  const match = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.*)$/.exec(pathname)
  if (match === null) return {kind: 'other', repository: null}
  const repository = match[1] ?? null
  const section = match[2]
  if (section === 'manifests') return {kind: 'manifest', repository}
  if (section === 'tags') return {kind: 'tags', repository}
  return {kind: (match[3] ?? '').startsWith('uploads') ? 'upload' : 'blob', repository}
}

const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /

/**
 * Parse gorilla/handlers' combined log format, which distribution writes to stdout once per request
 * (`127.0.0.1 - - [date] "GET /v2/ HTTP/1.1" 401 87 "" "ua"`), ignoring logrus lines.
 */
export function parseAccessLog(text: string): RequestEntry[] {
  const entries: RequestEntry[] = []
  for (const line of text.split('\n')) {
    const match = ACCESS_LINE.exec(line)
    if (match === null) continue
    const requestPath = match[2] ?? ''
    entries.push({method: match[1] ?? '', path: requestPath, status: Number(match[3]), ...classifyPath(requestPath)})
  }
  return entries
}

/** Aggregate entries into {@link RequestCounts}. */
export function countRequests(entries: RequestEntry[]): RequestCounts {
  const byMethodKind: Record<string, number> = {}
  const byKind: Partial<Record<PathKind, number>> = {}
  for (const e of entries) {
    const key = `${e.method} ${e.kind}`
    byMethodKind[key] = (byMethodKind[key] ?? 0) + 1
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1
  }
  return {total: entries.length, byMethodKind, byKind, entries}
}

function configFor(options: RegistryOptions, port: number, storageDir: string): unknown {
  const auth =
    options.auth.kind === 'token'
      ? {token: {realm: options.auth.realm, service: options.auth.service, issuer: options.auth.issuer, rootcertbundle: options.auth.rootCertBundle}}
      : options.auth.kind === 'htpasswd'
        ? {htpasswd: {realm: options.auth.realm, path: options.auth.htpasswdFile}}
        : undefined
  return {
    version: '0.1',
    log: {level: 'info', formatter: 'text', accesslog: {disabled: false}, fields: {service: `registry-${options.name}`}},
    storage: {
      filesystem: {rootdirectory: storageDir},
      delete: {enabled: true},
      maintenance: {uploadpurging: {enabled: false}},
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      headers: {'X-Content-Type-Options': ['nosniff']},
      ...(options.tls === undefined ? {} : {tls: {certificate: options.tls.certFile, key: options.tls.keyFile}}),
    },
    ...(auth === undefined ? {} : {auth}),
  }
}

async function waitForReady(url: string, caPem: string, child: ChildProcess, errorLog: string): Promise<void> {
  // Bounded: 150 tries × ≥100 ms.
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) {
      const log = await readFile(errorLog, 'utf8').catch(() => '')
      throw new Error(`docker-registry exited with ${String(child.exitCode)} before it was ready:\n${log.slice(-2000)}`)
    }
    try {
      const response = await harnessRequest(`${url}/v2/`, {ca: caPem, timeoutMs: 2000})
      if (response.status === 200 || response.status === 401) return
    } catch {
      // not listening yet
    }
    await delay(100)
  }
  throw new Error(`docker-registry at ${url} was not ready after 150 tries`)
}

async function launch(options: RegistryOptions): Promise<RegistryProcess> {
  const dir = path.join(options.dir, options.name)
  const storageDir = path.join(dir, 'storage')
  await mkdir(storageDir, {recursive: true})
  const port = await freePort()
  const configFile = path.join(dir, 'config.yml')
  // YAML is a superset of JSON, and distribution parses its configuration with a YAML decoder.
  await writeFile(configFile, JSON.stringify(configFor(options, port, storageDir), null, 2))
  const logFile = path.join(dir, 'access.log')
  const errorLogFile = path.join(dir, 'registry.log')
  const out = createWriteStream(logFile, {flags: 'w'})
  const err = createWriteStream(errorLogFile, {flags: 'w'})
  await Promise.all([new Promise((r) => out.once('open', r)), new Promise((r) => err.once('open', r))])
  const child = spawn(REGISTRY_BINARY, ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Do not let the developer's REGISTRY_* variables reconfigure the test registry.
    env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir},
  })
  trackChild(child)
  child.stdout.pipe(out)
  child.stderr.pipe(err)
  const scheme = options.tls === undefined ? 'http' : 'https'
  const host = `127.0.0.1:${port}`
  const url = `${scheme}://${host}`
  try {
    await waitForReady(url, options.caPem, child, errorLogFile)
  } catch (error) {
    await stopChild(child)
    throw error
  }
  let offset = 0
  const readEntries = async (): Promise<{entries: RequestEntry[]; size: number}> => {
    const buffer = await readFile(logFile)
    return {entries: parseAccessLog(buffer.subarray(offset).toString('utf8')), size: buffer.length}
  }
  return {
    name: options.name,
    host,
    url,
    port,
    storageDir,
    logFile,
    errorLogFile,
    async requestCounts() {
      // The access log line is written just after the response is sent: wait until the file stops
      // growing (bounded) so a caller that has just received a response sees its request counted.
      let previous = -1
      for (let i = 0; i < 20; i++) {
        const {size} = await stat(logFile)
        if (size === previous) break
        previous = size
        await delay(30)
      }
      return countRequests((await readEntries()).entries)
    },
    async resetRequestCounts() {
      await delay(30)
      offset = (await stat(logFile)).size
    },
    async stop() {
      await stopChild(child)
      out.end()
      err.end()
    },
  }
}

/**
 * Start a registry on a free 127.0.0.1 port and wait until `/v2/` answers. The free-port probe can
 * race with another process, so a registry that dies before it is ready is retried (3 tries).
 */
export async function startRegistry(options: RegistryOptions): Promise<RegistryProcess> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(options)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError))
}
