/**
 * The docker-credential-helpers protocol, read-only (`get` and `list`).
 *
 * Follows docker/docker-credential-helpers `client/client.go`:
 * - `docker-credential-NAME get` reads the server URL on stdin and prints
 *   `{"ServerURL","Username","Secret"}`; a Username of `<token>` means Secret is an identity
 *   token (docker/cli `native_store.go`, `tokenUsername`).
 * - `list` reads a placeholder on stdin (docker sends `unused`) and prints `{serverURL: username}`.
 * - On failure a helper exits non-zero and prints the error message on stdout
 *   (`credentials.Serve`); `credentials not found in native keychain` (`credentials/error.go`)
 *   means "no credential", not an error.
 */
import {CredentialHelperError, redactText} from '../errors.js'
import {plural} from '../grammar.js'
import {sanitizeText} from '../sanitize.js'
import {redactSecrets} from '../secrets/redact.js'
import type {Credential} from './types.js'

/** What a helper run produced. `error` is set when the process could not run or was stopped. */
export type HelperRunResult = {
  exitCode: number | null
  stdout: string
  stderr: string
  /** `ENOENT` (not installed), `ETIMEDOUT` (killed on timeout), `ERR_OUTPUT_LIMIT`, or a spawn error. */
  error?: NodeJS.ErrnoException
}

/**
 * Runs `program args…` with `input` on stdin and resolves what it did; never rejects for the
 * program's own failures. Must stop the program after `timeoutMs` (resolving `error.code`
 * `ETIMEDOUT`). `env` replaces the environment when given.
 */
export type HelperRunner = (
  program: string,
  args: string[],
  input: string,
  options: {timeoutMs: number; env?: Record<string, string | undefined>},
) => Promise<HelperRunResult>

/** Options shared by {@link helperGet} and {@link helperList}. */
export type HelperCallOptions = {
  runHelper: HelperRunner
  /** Defaults to {@link DEFAULT_HELPER_TIMEOUT_MS}. */
  timeoutMs?: number
  env?: Record<string, string | undefined>
}

/** How long a helper may take before it is killed. Keychain unlock prompts can be slow. */
export const DEFAULT_HELPER_TIMEOUT_MS = 10_000

/** The prefix docker puts in front of a `credsStore` / `credHelpers` suffix. */
export const HELPER_PROGRAM_PREFIX = 'docker-credential-'

/** `errCredentialsNotFoundMessage` of docker-credential-helpers `credentials/error.go`. */
export const CREDENTIALS_NOT_FOUND = 'credentials not found in native keychain'

/** The username helpers store identity tokens under (docker/cli `native_store.go`). */
export const TOKEN_USERNAME = '<token>'

/** The program name for a helper suffix: `secretservice` → `docker-credential-secretservice`. */
export function helperProgram(helper: string): string {
  return `${HELPER_PROGRAM_PREFIX}${helper}`
}

const MAX_DETAIL = 200

/**
 * A helper's own words, safe for a message: first non-empty line, with any `Secret` field of
 * helper-protocol JSON dropped, every credential the catalogue knows redacted, sanitised and
 * bounded (issue 12: a failing helper that printed its JSON had the secret quoted verbatim).
 */
function helperSays(result: HelperRunResult): string {
  const text = [result.stdout, result.stderr].map((stream) => stream.trim()).find((stream) => stream !== '') ?? ''
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  return sanitizeText(redactSecrets(redactText(dropSecretFields(line))), MAX_DETAIL)
}

/** `"Secret": "…"` (any case, quoted or not) → `"Secret": "REDACTED"`; linear, no backtracking. */
function dropSecretFields(text: string): string {
  return text.replace(/("?secret"?\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}]*)/gi, '$1"REDACTED"')
}

function isNotFound(result: HelperRunResult): boolean {
  // docker checks stdout only (cmd.Output()); some third-party helpers print on stderr.
  return result.stdout.trim() === CREDENTIALS_NOT_FOUND || result.stderr.trim() === CREDENTIALS_NOT_FOUND
}

/** Turns a failed run into an error, or returns `undefined` when the run succeeded. */
function runFailure(helper: string, serverUrl: string, action: string, result: HelperRunResult, timeoutMs: number): CredentialHelperError | undefined {
  const program = helperProgram(helper)
  const label = redactText(serverUrl)
  const code = result.error?.code
  if (code === 'ENOENT') return new CredentialHelperError(helper, label, `${program} is not installed (not found in PATH)`, {cause: result.error})
  if (code === 'ETIMEDOUT') return new CredentialHelperError(helper, label, `${action} timed out after ${timeoutMs} ms`)
  if (code === 'ERR_OUTPUT_LIMIT') return new CredentialHelperError(helper, label, `${action} printed too much output`)
  if (result.error) {
    return new CredentialHelperError(helper, label, `could not run ${program}: ${code ?? redactText(result.error.message)}`, {cause: result.error})
  }

  if (result.exitCode === 0) return undefined
  const says = helperSays(result)
  const how = result.exitCode === null ? 'was killed by a signal' : `exited with status ${result.exitCode}`
  return new CredentialHelperError(helper, label, `${action} ${how}${says ? `: ${says}` : ''}`)
}

function parseOutput(stdout: string): unknown {
  try {
    return JSON.parse(stdout) as unknown
  } catch {
    return undefined
  }
}

/**
 * `docker-credential-HELPER get` for one server URL (the lookup key: `https://index.docker.io/v1/`,
 * `ghcr.io`). Resolves `undefined` when the helper has no credential: the not-found message, or an
 * answer with neither username nor secret (old `pass` helpers answer that way).
 *
 * @throws CredentialHelperError when the helper is missing, fails, times out or answers something
 *   that is not the protocol. The message never holds the secret: stdout is not quoted when it is
 *   not valid protocol JSON.
 */
export async function helperGet(helper: string, serverUrl: string, options: HelperCallOptions): Promise<Credential | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS
  const result = await options.runHelper(helperProgram(helper), ['get'], serverUrl, {
    timeoutMs,
    ...(options.env ? {env: options.env} : {}),
  })
  if (!result.error && result.exitCode !== 0 && isNotFound(result)) return undefined
  const failure = runFailure(helper, serverUrl, 'get', result, timeoutMs)
  if (failure) throw failure

  const body = parseOutput(result.stdout)
  const label = redactText(serverUrl)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CredentialHelperError(helper, label, `get printed ${result.stdout.trim() === '' ? 'nothing' : 'something that is not a JSON object'} (${plural(result.stdout.length, 'byte')})`)
  }

  const record = body as Record<string, unknown>
  const username = record['Username'] ?? ''
  const secret = record['Secret'] ?? ''
  if (typeof username !== 'string' || typeof secret !== 'string') {
    throw new CredentialHelperError(helper, label, 'get answered a Username or Secret that is not a string')
  }

  if (username === '' && secret === '') return undefined
  if (username === TOKEN_USERNAME) return secret === '' ? undefined : {identityToken: secret}
  const credential: Credential = {}
  if (username !== '') credential.username = username
  if (secret !== '') credential.password = secret
  return credential
}

/**
 * `docker-credential-HELPER list`: every server URL the helper holds, with its username.
 *
 * @throws CredentialHelperError as {@link helperGet}; `serverUrl` in the error is `*`.
 */
export async function helperList(helper: string, options: HelperCallOptions): Promise<Map<string, string>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS
  const result = await options.runHelper(helperProgram(helper), ['list'], 'unused', {
    timeoutMs,
    ...(options.env ? {env: options.env} : {}),
  })
  const failure = runFailure(helper, '*', 'list', result, timeoutMs)
  if (failure) throw failure

  const body = parseOutput(result.stdout)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CredentialHelperError(helper, '*', `list printed something that is not a JSON object (${plural(result.stdout.length, 'byte')})`)
  }

  const listed = new Map<string, string>()
  for (const [serverUrl, username] of Object.entries(body)) {
    if (typeof username !== 'string') throw new CredentialHelperError(helper, '*', `list answered a username that is not a string for ${redactText(serverUrl)}`)
    listed.set(serverUrl, username)
  }

  return listed
}
