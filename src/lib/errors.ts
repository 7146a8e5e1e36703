/**
 * The one error model of regctl.
 *
 * Every error regctl raises on purpose is a {@link RegctlError} with a stable `code` (part of the
 * JSON contract: `{"error": {"code", "message"}}`) and the process `exitCode` it maps to:
 * 0 ok, 1 a definitive failure, 2 usage error or invalid input, 3 indeterminate (could not tell).
 *
 * Rule: redact *before* constructing an error. Messages and fields must never hold a secret; use
 * {@link redactUrl} / {@link redactText} on anything that came from a request or a config file.
 */
import {deadlineReached} from './deadline.js'
import {redactSecrets} from './secrets/redact.js'

/** Stable error codes. Never renumber or rename: scripts match on them. */
export type ErrorCode =
  | 'AUTH_FAILED'
  | 'CONFIG_MALFORMED'
  | 'CREDENTIAL_HELPER'
  | 'GITHUB_API'
  | 'INSECURE_TRANSPORT'
  | 'INVALID_REFERENCE'
  | 'KEYRING_UNAVAILABLE'
  | 'NETWORK'
  | 'PROTOCOL'
  | 'REGISTRY_HTTP'
  | 'TIMEOUT'
  | 'TOKEN_FILE'
  | 'UNDETERMINED'
  | 'USAGE'

/**
 * What every command prints under `--json` when it fails with an error rather than a result: the
 * stable code (`INTERNAL` for a bug) and the redacted message. Schema: docs/json/error.schema.json.
 */
export type ErrorDocument = {
  /** The exit code of the run (README, exit codes): 1 definitive failure, 2 usage/input/output, 3 undetermined, 70 internal error (a bug). */
  exitCode: 1 | 2 | 3 | 70
  error: {code: ErrorCode | 'INTERNAL'; message: string}
}

/** Exit codes shared by every command (documented in the README). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  indeterminate: 3,
  /** An internal error: a bug in regctl, never a verdict (sysexits.h EX_SOFTWARE). */
  internal: 70,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The exit-code contract of every command, one row per code: the README's table and every
 * command's help are made from (and tested against) this list. The same codes under `--json`,
 * where the document carries `exitCode`.
 */
export const EXIT_CODE_CONTRACT: ReadonlyArray<{code: ExitCodeValue; meaning: string}> = [
  {code: ExitCode.ok, meaning: 'all good: everything checked is fine'},
  {
    code: ExitCode.failure,
    meaning:
      'a definitive failure: an image is not pullable (also when another reference of a batch is invalid), a login is rejected, `auth status --registry X` is not logged in to X, a required scope is missing or cannot be verified, a finding reaches --fail-on, GitHub refused or found nothing (401/403/404)',
  },
  {
    code: ExitCode.usage,
    meaning: 'usage, input or output error: bad flag or argument, unknown command, invalid reference, unreadable input, malformed config file, unwritable --output',
  },
  {
    code: ExitCode.indeterminate,
    meaning: 'nothing failed definitively, but something could not be determined: unreachable, timed out, 5xx or garbage, rate-limited',
  },
  {code: ExitCode.internal, meaning: 'internal error: a bug in regctl (DEBUG=1 shows the stack)'},
]

/** Base class: never thrown directly. */
export abstract class RegctlError extends Error {
  abstract readonly code: ErrorCode
  abstract readonly exitCode: Exclude<ExitCodeValue, 0>

  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = new.target.name
  }

  /** The JSON shape printed under `--json`. */
  toJSON(): {code: ErrorCode; message: string} {
    return {code: this.code, message: this.message}
  }
}

/** Thrown when a command's arguments or flags are unusable (bad `--platform`, unreadable `--file`). */
export class UsageError extends RegctlError {
  readonly code = 'USAGE'
  readonly exitCode = ExitCode.usage
}

/** Thrown by `parseReference` when an image reference breaks docker/distribution's grammar. */
export class InvalidReferenceError extends RegctlError {
  readonly code = 'INVALID_REFERENCE'
  readonly exitCode = ExitCode.usage

  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`invalid reference ${JSON.stringify(reference)}: ${reason}`)
  }
}

/**
 * Thrown when a config file (Docker `config.json`, podman `auth.json`, `DOCKER_AUTH_CONFIG`) exists
 * but cannot be used: not JSON, wrong shape, undecodable `auth`. Names the file and, for JSON
 * syntax errors, the line and column. A *missing* file is not an error: it means no credentials.
 */
export class ConfigError extends RegctlError {
  readonly code = 'CONFIG_MALFORMED'
  readonly exitCode = ExitCode.usage

  constructor(
    readonly path: string,
    readonly detail: string,
    readonly position?: {line: number; column: number},
  ) {
    super(`${path}${position ? `:${position.line}:${position.column}` : ''}: ${detail}`)
  }
}

/**
 * Thrown when a Docker credential helper (`docker-credential-NAME`) is missing, crashes, times out
 * or prints something that is not the helper protocol. Scoped to one registry: other registries'
 * credentials keep working. "credentials not found" is *not* an error (it means no credential).
 */
export class CredentialHelperError extends RegctlError {
  readonly code = 'CREDENTIAL_HELPER'
  readonly exitCode = ExitCode.failure

  constructor(
    readonly helper: string,
    readonly serverUrl: string,
    detail: string,
    options?: {cause?: unknown},
  ) {
    super(`credential helper docker-credential-${helper} for ${serverUrl}: ${detail}`, options)
  }
}

/**
 * Why authentication failed:
 * - `no-credentials`: the registry wants auth and we had none (anonymous was refused);
 * - `credentials-rejected`: the registry or its token server refused the credentials we sent;
 * - `insufficient-scope`: the credentials were accepted (a token was issued) but the registry still
 *   refused the request, i.e. the identity has no right to this repository and action. A token
 *   server grants the *intersection* of what was asked and what is allowed, so only the
 *   registry's answer proves access.
 */
export type AuthFailureReason = 'credentials-rejected' | 'insufficient-scope' | 'no-credentials'

/** Thrown when a registry (or its token server) refuses us after at most one token exchange. */
export class AuthError extends RegctlError {
  readonly code = 'AUTH_FAILED'
  readonly exitCode = ExitCode.failure

  constructor(
    message: string,
    readonly details: {
      reason: AuthFailureReason
      registry: string
      status: number
      realm?: string
      /** OCI error codes from the body, e.g. `UNAUTHORIZED`, `DENIED`. */
      errorCodes?: string[]
      /** The body said the credential expired (ECR: "Your authorization token has expired"). */
      expired?: boolean
      /** With `expired`: when the secret itself says it expired (JWT `exp`, ECR `expiration`), ISO 8601. */
      expiresAt?: string
    },
  ) {
    super(message)
  }
}

/** One entry of an OCI distribution error body (`{"errors": [{code, message, detail}]}`). */
export type OciError = {code: string; message: string}

/**
 * Which request of the distribution protocol a registry answered: the `/v2/` ping, the token
 * exchange (token.md), a manifest, a blob, or the tag list. A failure of `ping` or `token` is a
 * failure of the auth machinery, never a verdict about the image (issue 12).
 */
export type RegistryRequestKind = 'blob' | 'manifest' | 'ping' | 'tags' | 'token'

/**
 * Thrown when a registry answers with an HTTP status we cannot proceed from (404, 429, 5xx, an
 * unexpected 3xx…). `url` is redacted. A transport failure is a {@link NetworkError}, never this.
 * The message names the request and its host, and the `Retry-After` a 429/5xx carried.
 */
export class RegistryHttpError extends RegctlError {
  readonly code = 'REGISTRY_HTTP'
  readonly exitCode: Exclude<ExitCodeValue, 0>

  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly errors: OciError[] = [],
    readonly headers: Record<string, string> = {},
    readonly request?: RegistryRequestKind,
  ) {
    const first = errors[0]
    const retryAfter = headers['retry-after']?.trim().slice(0, 40)
    super(
      `${request ? `${request} request ` : ''}${method} ${url}: HTTP ${status}${first ? ` ${first.code}: ${first.message}` : ''}` +
        (retryAfter && (status >= 500 || status === 429) ? ` (Retry-After: ${retryAfter})` : ''),
    )
    this.exitCode = status >= 500 || status === 429 || request === 'ping' || request === 'token' ? ExitCode.indeterminate : ExitCode.failure
  }

  /** The host the failing request went to (`registry.example.com:5000`), or the URL when unparsable. */
  get host(): string {
    try {
      return new URL(this.url).host
    } catch {
      return this.url
    }
  }
}

/** Thrown when a host could not be reached: DNS, refused connection, reset, TLS failure. */
export class NetworkError extends RegctlError {
  readonly code = 'NETWORK'
  readonly exitCode = ExitCode.indeterminate

  constructor(
    readonly url: string,
    detail: string,
    options?: {cause?: unknown},
  ) {
    super(`could not reach ${url}: ${detail}`, options)
  }
}

/** Thrown when a request (connect + headers + body) takes longer than its timeout. */
export class TimeoutError extends RegctlError {
  readonly code = 'TIMEOUT'
  readonly exitCode = ExitCode.indeterminate

  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms: ${url}`)
  }
}

/**
 * Thrown when the run's total deadline (`--deadline`) aborted a request or kept one from starting.
 * A {@link TimeoutError}, so every verdict that treats a timeout as "could not reach" (unreachable,
 * exit 3) treats this the same way; the message names the deadline, not the request timeout.
 */
export class DeadlineError extends TimeoutError {
  /** `message` replaces the default one (a command's summary of what was cut). */
  constructor(
    url: string,
    readonly seconds: number,
    message?: string,
  ) {
    super(url, seconds * 1000)
    this.message = message ?? `${deadlineReached(seconds)} (--deadline): ${url}`
  }
}

/**
 * Thrown when a safe answer needs facts that could not be gathered, and a partial answer could
 * mislead: `ghcr ls --untagged` when the index manifests of the tagged versions cannot be read
 * (a list that may hold platform manifests of `latest` must never be printed). The cause is kept.
 */
export class UndeterminedError extends RegctlError {
  readonly code = 'UNDETERMINED'
  readonly exitCode = ExitCode.indeterminate
}

/**
 * Thrown when a server answers something that is not the protocol: invalid JSON, a manifest
 * whose sha256 does not match its digest, a body over its size bound, a token response with no
 * token.
 */
export class ProtocolError extends RegctlError {
  readonly code = 'PROTOCOL'
  readonly exitCode = ExitCode.indeterminate

  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`${url}: ${detail}`)
  }
}

/**
 * Thrown instead of sending credentials over plain HTTP to a host that is neither loopback nor
 * named with `--insecure-registry`.
 */
export class InsecureTransportError extends RegctlError {
  readonly code = 'INSECURE_TRANSPORT'
  readonly exitCode = ExitCode.failure

  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`${url}: ${detail}`)
  }
}

const SECRET_QUERY_KEYS = /^(access_token|refresh_token|token|password|client_secret|x-amz-security-token|x-amz-signature|sig|signature)$/i

/**
 * Removes userinfo and secret-looking query parameters from a URL so it can appear in a message.
 * Unparseable input is returned through {@link redactText}.
 */
export function redactUrl(input: string | URL): string {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    return redactText(String(input))
  }

  if (url.username || url.password) {
    url.username = url.username ? 'REDACTED' : ''
    url.password = ''
  }

  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) url.searchParams.set(key, 'REDACTED')
  }

  return url.toString()
}

/**
 * Redacts credentials from free text with the one secret catalogue (src/lib/secrets/): known
 * token formats (kept as `ghp_…abcd`), private keys, JWTs, `Authorization` values,
 * `access_token=…` and other secret-named values, passwords in URLs.
 */
export function redactText(text: string): string {
  return redactSecrets(text)
}

export {redactSecret} from './secrets/redact.js'

/** True for errors of the regctl model (as opposed to bugs). */
export function isRegctlError(error: unknown): error is RegctlError {
  return error instanceof RegctlError
}

/**
 * Why the GitHub REST API refused us (see {@link GitHubApiError}):
 * - `no-token`: the endpoint needs a token and none was found;
 * - `bad-credentials`: HTTP 401, the token is unknown, revoked or expired;
 * - `missing-scope`: HTTP 403 and `X-OAuth-Scopes` lacks the scope the endpoint needs;
 * - `fine-grained-token`: HTTP 403 for a `github_pat_` token (the Packages API takes classic PATs);
 * - `forbidden`: any other HTTP 403 (e.g. an Actions `GITHUB_TOKEN` on an unlinked package);
 * - `not-found`: HTTP 404, the owner or package does not exist or is not visible to the token;
 * - `rate-limited`: the primary quota is exhausted, or a secondary limit persisted after a retry;
 * - `server-error`: HTTP 5xx;
 * - `unexpected-status`: any other status we cannot proceed from.
 */
export type GitHubApiFailure =
  | 'bad-credentials'
  | 'fine-grained-token'
  | 'forbidden'
  | 'missing-scope'
  | 'no-token'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'unexpected-status'

/**
 * Thrown when the GitHub REST API answers with a status we cannot proceed from, or cannot be used
 * at all (no token). The message says what to do (`gh auth refresh -s read:packages`, use a
 * classic PAT…) and never holds the token; `url` is redacted. Rate limits and 5xx are
 * indeterminate (exit 3); every other refusal is definitive (exit 1). A transport failure is a
 * {@link NetworkError} or {@link TimeoutError}, never this.
 */
export class GitHubApiError extends RegctlError {
  readonly code = 'GITHUB_API'
  readonly exitCode: Exclude<ExitCodeValue, 0>

  constructor(
    message: string,
    readonly details: {
      reason: GitHubApiFailure
      /** HTTP status; absent for `no-token`. */
      status?: number
      /** The redacted request URL. */
      url?: string
      /** Scopes the endpoint needs that `X-OAuth-Scopes` did not list. */
      missingScopes?: string[]
      /** When the exhausted quota resets (ISO 8601), for `rate-limited`. */
      resetAt?: string
    },
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.exitCode =
      details.reason === 'rate-limited' || details.reason === 'server-error' ? ExitCode.indeterminate : ExitCode.failure
  }
}
