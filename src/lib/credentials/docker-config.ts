/**
 * Docker's client configuration (`~/.docker/config.json`) and the `DOCKER_AUTH_CONFIG` variable,
 * read-only and parsed from `unknown`.
 *
 * The shape follows docker/cli `cli/config/configfile/file.go` (`ConfigFile`, `LoadFromReader`,
 * `decodeAuth`) and `cli/config/types/authconfig.go`. Go's `encoding/json` matches field names
 * case-insensitively (`"Auths"` fills `auths`), treats `null` as "absent", ignores unknown keys and
 * rejects a known key holding the wrong type: we do the same. Messages name the file and the key,
 * never a value.
 */
import {posix} from 'node:path'

import {describeErrno} from '../errno.js'
import {ConfigError, redactText} from '../errors.js'
import {findJsonSyntaxError, offsetToPosition} from './json-syntax.js'
import type {Credential} from './types.js'

/** Reads a whole text file; rejects with the Node errno error (`code: 'ENOENT'` when missing). */
export type ReadTextFile = (path: string) => Promise<string>

/** One `auths` entry, decoded. `credential` has no fields for placeholder entries (`{}`). */
export type AuthEntry = {
  credential: Credential
  /** Legacy `email`: kept for completeness, never used to authenticate. */
  email?: string
}

/** The parts of Docker's `config.json` that decide credentials. */
export type DockerConfig = {
  /** Where it was read from (or `DOCKER_AUTH_CONFIG`): the path used in error messages. */
  path: string
  /** `auths`, in file order, keyed exactly as stored (`https://index.docker.io/v1/`, `ghcr.io`). */
  auths: Map<string, AuthEntry>
  /** `credsStore`: the suffix of the default helper (`desktop` → `docker-credential-desktop`). */
  credsStore?: string
  /** `credHelpers`: helper suffix per lookup key. An empty suffix means "use the file store". */
  credHelpers: Map<string, string>
}

/** The name `DOCKER_AUTH_CONFIG` errors carry in place of a path. */
export const DOCKER_AUTH_CONFIG = 'DOCKER_AUTH_CONFIG'

/**
 * The location of `config.json` as docker/cli `config.Dir()` computes it: `$DOCKER_CONFIG/config.json`
 * when `DOCKER_CONFIG` is non-empty, else `$HOME/.docker/config.json`. `homedir` is the fallback
 * when `HOME` is unset (docker asks the OS user database; the command passes `os.homedir()`).
 */
export function configPath(env: {DOCKER_CONFIG?: string | undefined; HOME?: string | undefined}, homedir?: string): string {
  if (env.DOCKER_CONFIG) return posix.join(env.DOCKER_CONFIG, 'config.json')
  const home = env.HOME || homedir
  if (!home) throw new ConfigError('$HOME', 'neither DOCKER_CONFIG nor HOME is set: cannot locate config.json')
  return posix.join(home, '.docker', 'config.json')
}

type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/**
 * Go's `encoding/json` field lookup: an exact key wins, else the first key equal under case
 * folding. `null` reads as absent (Go leaves the zero value).
 */
function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name] ?? undefined
  const folded = name.toLowerCase()
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === folded)
  return key === undefined ? undefined : (object[key] ?? undefined)
}

/** Formats a JSON key for a message: quoted, with anything URL-secret-like redacted. */
function keyLabel(key: string): string {
  return JSON.stringify(redactText(key))
}

/** Parses JSON text, turning syntax errors into a {@link ConfigError} with line and column. */
function parseJson(text: string, path: string): unknown {
  // Editors on Windows write a byte order mark; Go's decoder would choke on it, but it carries no
  // meaning, so we accept it.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  try {
    return JSON.parse(body) as unknown
  } catch (error) {
    const located = findJsonSyntaxError(body)
    if (located) {
      throw new ConfigError(path, `invalid JSON: ${located.reason}`, {line: located.line, column: located.column})
    }

    // Our scanner accepted what V8 refused: fall back to V8's position, never to its message.
    const offset = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1]
    throw new ConfigError(path, 'invalid JSON', offset === undefined ? undefined : offsetToPosition(body, Number(offset)))
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * docker/cli `decodeAuth`: standard base64 with padding (Go's decoder skips CR and LF), split at
 * the FIRST `:` — passwords may contain colons, usernames may not — with a non-empty username and
 * NUL bytes trimmed from both ends of the password.
 */
function decodeAuth(auth: string, path: string, where: string): {username: string; password: string} {
  const compact = auth.replace(/[\r\n]/g, '')
  if (!BASE64.test(compact)) throw new ConfigError(path, `${where}: not valid base64`)
  const decoded = Buffer.from(compact, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) throw new ConfigError(path, `${where}: decoded value has no ':' between username and password`)
  if (colon === 0) throw new ConfigError(path, `${where}: decoded value has an empty username`)
  return {username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '')}
}

function optionalString(object: JsonObject, name: string, path: string, where: string): string | undefined {
  const value = field(object, name)
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new ConfigError(path, `${where}.${name}: expected a string, got ${typeName(value)}`)
  return value
}

function parseAuthEntry(value: unknown, key: string, path: string): AuthEntry {
  const where = `auths[${keyLabel(key)}]`
  if (value === undefined) return {credential: {}}
  if (!isObject(value)) throw new ConfigError(path, `${where}: expected an object, got ${typeName(value)}`)

  // Validate every field docker's AuthConfig knows, as Go's decoder would, before using any.
  const auth = optionalString(value, 'auth', path, where)
  const username = optionalString(value, 'username', path, where)
  const password = optionalString(value, 'password', path, where)
  const identityToken = optionalString(value, 'identitytoken', path, where)
  const registryToken = optionalString(value, 'registrytoken', path, where)
  const email = optionalString(value, 'email', path, where)
  optionalString(value, 'serveraddress', path, where)

  const credential: Credential = {}
  // LoadFromReader: a non-empty `auth` replaces `username`/`password`.
  const basic = auth ? decodeAuth(auth, path, `${where}.auth`) : {username, password}
  if (basic.username) credential.username = basic.username
  if (basic.password) credential.password = basic.password
  if (identityToken) credential.identityToken = identityToken
  if (registryToken) credential.registryToken = registryToken
  return email ? {credential, email} : {credential}
}

/** A helper suffix becomes part of a program name looked up in PATH: no path separators or NUL. */
function helperSuffix(value: unknown, path: string, where: string): string {
  if (typeof value !== 'string') throw new ConfigError(path, `${where}: expected a string, got ${typeName(value)}`)
  if (/[/\\\0]/.test(value)) throw new ConfigError(path, `${where}: a helper name must not contain '/', '\\' or NUL`)
  return value
}

/**
 * Parses the text of a Docker `config.json`.
 *
 * An empty (or all-whitespace) file is an empty config, as docker treats `io.EOF`. Syntax errors
 * name the line and column; shape errors name the key (`auths["ghcr.io"].auth: not valid base64`).
 *
 * @throws ConfigError when the text is not JSON or a credential key has the wrong shape.
 */
export function parseDockerConfig(text: string, path: string): DockerConfig {
  const config: DockerConfig = {path, auths: new Map(), credHelpers: new Map()}
  if (text.replace(/^\uFEFF/, '').trim() === '') return config

  const root = parseJson(text, path)
  if (!isObject(root)) throw new ConfigError(path, `expected a JSON object at the top level, got ${typeName(root)}`)

  const auths = field(root, 'auths')
  if (auths !== undefined) {
    if (!isObject(auths)) throw new ConfigError(path, `auths: expected an object, got ${typeName(auths)}`)
    for (const [key, value] of Object.entries(auths)) config.auths.set(key, parseAuthEntry(value ?? undefined, key, path))
  }

  const credsStore = field(root, 'credsStore')
  if (credsStore !== undefined) {
    const suffix = helperSuffix(credsStore, path, 'credsStore')
    if (suffix !== '') config.credsStore = suffix
  }

  const credHelpers = field(root, 'credHelpers')
  if (credHelpers !== undefined) {
    if (!isObject(credHelpers)) throw new ConfigError(path, `credHelpers: expected an object, got ${typeName(credHelpers)}`)
    for (const [key, value] of Object.entries(credHelpers)) {
      // Go decodes a null map value as "", which getConfiguredCredentialStore returns as the helper.
      config.credHelpers.set(key, value === null ? '' : helperSuffix(value, path, `credHelpers[${keyLabel(key)}]`))
    }
  }

  return config
}

/**
 * The one-line hint for `DIR/config.json` when DIR is not a directory: the usual cause is
 * `DOCKER_CONFIG` set to the config file itself, while docker (docker/cli `config.Dir()`) takes it
 * as the directory holding `config.json`.
 */
export function notADirectory(path: string): string {
  const dir = posix.dirname(path)
  return `${dir} is not a directory: DOCKER_CONFIG names a directory; if it points at a file, set DOCKER_CONFIG=${posix.dirname(dir)}`
}

/**
 * A `config.json` that exists but cannot be read (permission denied, a directory or a symbolic
 * link loop in its place). docker/cli `LoadDefaultConfigFile` (cli/config/config.go) prints
 * "WARNING: Error loading config file: …" and goes on with an empty config — anonymously, with the
 * platform's default store, since an empty config names no credential source.
 */
export type UnreadableConfig = {path: string; reason: string}

/** Read failures docker turns into a warning: an errno from open/read, not a missing file. */
function unreadableReason(code: string | undefined): string | undefined {
  if (code === undefined || code === 'ENOENT' || code === 'ENOTDIR') return undefined
  return describeErrno(code)
}

/**
 * Reads and parses `config.json`. A missing file (ENOENT) resolves `undefined`: no credentials.
 * A file that exists but cannot be read resolves `undefined` too when `onUnreadable` is given,
 * which is told why ({@link UnreadableConfig}: docker warns and goes on); without it, it throws.
 *
 * @throws ConfigError when the file cannot be parsed (malformed: the user must fix it, exit 2), is
 *   over the size bound or not a regular file, `DOCKER_CONFIG` names a file, or it cannot be read
 *   and `onUnreadable` is not given.
 */
export async function loadDockerConfig(options: {
  path: string
  readFile: ReadTextFile
  onUnreadable?: ((unreadable: UnreadableConfig) => void) | undefined
}): Promise<DockerConfig | undefined> {
  let text: string
  try {
    text = await options.readFile(options.path)
  } catch (error) {
    const code = isObject(error) && typeof error['code'] === 'string' ? error['code'] : undefined
    if (code === 'ENOENT') return undefined
    if (code === 'ENOTDIR') throw new ConfigError(options.path, `cannot read: ${notADirectory(options.path)}`)
    const reason = unreadableReason(code)
    if (reason !== undefined && options.onUnreadable) {
      options.onUnreadable({path: options.path, reason})
      return undefined
    }

    throw new ConfigError(options.path, `cannot read: ${reason ?? (error instanceof Error ? error.message : String(error))}`)
  }

  return parseDockerConfig(text, options.path)
}

/**
 * Parses `DOCKER_AUTH_CONFIG` the way docker/cli v28.3+ does (`configEnv.LoadFromEnv` and
 * `GetAuthConfigs` in cli/config/configfile/file.go, added by docker/cli#6008): a JSON object whose
 * `auths` entries must each carry a non-empty base64 `auth`; every other field is ignored (docker's
 * `configEnvAuth` has only `Auth`). An empty value means "not set".
 *
 * Docker, on a malformed value, prints "Failed to create credential store from DOCKER_AUTH_CONFIG"
 * to stderr and falls back to config.json. We throw instead: silently authenticating as someone
 * else than the variable says is the failure mode STYLE.md forbids ("never swallow").
 *
 * @returns lookup key → credential (exact keys: docker's in-memory store does no normalisation),
 *   or `undefined` when the value is empty.
 * @throws ConfigError with path `DOCKER_AUTH_CONFIG`.
 */
export function parseDockerAuthConfig(value: string | undefined): Map<string, Credential> | undefined {
  if (value === undefined || value === '') return undefined
  const path = DOCKER_AUTH_CONFIG
  const root = parseJson(value, path)
  if (!isObject(root)) throw new ConfigError(path, `expected a JSON object at the top level, got ${typeName(root)}`)
  const auths = field(root, 'auths')
  const result = new Map<string, Credential>()
  if (auths === undefined) return result
  if (!isObject(auths)) throw new ConfigError(path, `auths: expected an object, got ${typeName(auths)}`)

  for (const [key, entry] of Object.entries(auths)) {
    const where = `auths[${keyLabel(key)}]`
    if (entry !== null && !isObject(entry)) throw new ConfigError(path, `${where}: expected an object, got ${typeName(entry)}`)
    const auth = entry === null ? undefined : optionalString(entry, 'auth', path, where)
    if (!auth) throw new ConfigError(path, `${where}: missing auth`)
    const {username, password} = decodeAuth(auth, path, `${where}.auth`)
    result.set(key, password ? {username, password} : {username})
  }

  return result
}

/** True when the config names any credential source: docker's `ConfigFile.ContainsAuth`. */
export function containsAuth(config: DockerConfig | undefined): boolean {
  return config !== undefined && (config.credsStore !== undefined || config.credHelpers.size > 0 || config.auths.size > 0)
}
