/**
 * `regctl auth login github` and `auth logout github` as library calls: check the arguments (a
 * token is never taken from one), validate the token read from stdin or a prompt, ask GitHub about
 * it, store it in the OS keyring and read it back. The keyring, GitHub and the environment are
 * injected; nothing here reads the process environment or prints.
 */
import {GitHubApiError, NetworkError, UsageError} from '../errors.js'
import {classifySecret, type SecretKindId} from '../secret-kind.js'
import {SECRET_PATTERNS} from '../secrets/catalogue.js'
import {findSecretInText} from '../secrets/detect.js'
import type {GitHubEndpoint} from './api-url.js'
import type {ExpiryStatus} from '../expiry.js'
import type {TokenIntrospection} from './introspect.js'
import {scopeSatisfies} from './scopes.js'
import {KeyringUnavailableError, type KeyringStore} from './keyring.js'
import {classifyToken, KEYRING_SERVICE} from './token.js'
import {TokenFileError, type TokenFileStore} from './token-file.js'
import type {GitHubTokenKind} from './types.js'

/** The JSON contract of `regctl auth login github --json`. Never holds the token. */
export type AuthLoginResult = {
  provider: 'github'
  /** The GitHub host the token is for: the keyring account. */
  host: string
  apiUrl: string
  /** Where the token now lives: the OS keyring, or the plain-text file of `--insecure-storage`. */
  storage: TokenStorage
  /** The keyring entry, when `storage` is `keyring`. */
  keyring?: {service: string; account: string}
  /** The file (mode 0600), when `storage` is `insecure-file`. */
  file?: string
  token: {kind: GitHubTokenKind; secretKind: SecretKindId; label: string; redacted: string}
  /** False with `--no-verify`: then `login`, `scopes` and `expiry` are unknown. */
  verified: boolean
  /** The GitHub login; `null` when not verified or GitHub does not tell (installation tokens). */
  login: string | null
  /** `X-OAuth-Scopes`; `null` when not reported (fine-grained PAT, app tokens) or not verified. */
  scopes: string[] | null
  /** ISO 8601; `null` when the token does not expire or the expiry is unknown (see `expiry`). */
  expiresAt: string | null
  expiry: ExpiryStatus
  /** Things the user should know: missing read:packages, GH_TOKEN shadowing the keyring… */
  warnings: string[]
  /** The exit code of the run: 0 (a failure prints the error document instead). */
  exitCode: 0
}

/** The JSON contract of `regctl auth logout github --json`. */
export type AuthLogoutResult = {
  provider: 'github'
  host: string
  keyring: {service: string; account: string}
  /** True when an entry or a file was deleted; false when there was none (logout is idempotent). */
  removed: boolean
  /** The `--insecure-storage` file that was removed, if there was one. */
  file?: string
  warnings: string[]
  /** The exit code of the run: 0 (a failure prints the error document instead). */
  exitCode: 0
}

/** Where `auth login github` keeps the token: the OS keyring, or (`--insecure-storage`) a 0600 file. */
export type TokenStorage = 'keyring' | 'insecure-file'

/** The environment variables that decide whether the keyring entry is used. */
export type TokenEnvironment = {GH_TOKEN?: string | undefined; GITHUB_TOKEN?: string | undefined; REGCTL_NO_KEYRING?: string | undefined}

/** Longest token accepted (fine-grained PATs are 93 characters; leave room for other formats). */
export const MAX_TOKEN_LENGTH = 4096

const FROM_STDIN_HINT = 'Pipe it on stdin: `gh auth token | regctl auth login github`'

/** What to do without a keyring, as gh offers it. */
const NO_KEYRING_ADVICE = 'set GH_TOKEN instead, or keep the token in a plain-text file (mode 0600) with --insecure-storage'

/**
 * `auth login github` without `--insecure-storage` asks the keyring first, before a token is read
 * or GitHub is called: a machine without one (no Secret Service, a locked keyring) stops here with
 * one line that offers GH_TOKEN and `--insecure-storage`. Reading an entry is the cheapest
 * operation that proves the keyring answers.
 */
export async function checkKeyring(keyring: KeyringStore, host: string): Promise<void> {
  try {
    await keyring.get(KEYRING_SERVICE, host)
  } catch (error) {
    if (!(error instanceof KeyringUnavailableError)) throw error
    throw new KeyringUnavailableError(`OS keyring unavailable: ${error.message}. Nothing was read or stored; ${NO_KEYRING_ADVICE}`, {cause: error})
  }
}

/**
 * Only `github` is a provider; anything else, and any extra argument, is refused without echoing
 * it (`extra`: the arguments after the provider). Throws {@link UsageError}.
 */
export function checkLoginArguments(provider: string, extra: readonly string[]): void {
  if (provider !== 'github') {
    throw new UsageError(
      looksLikeSecret(provider)
        ? `that argument looks like a token, and regctl never takes a token from an argument (shell history, process lists). ${FROM_STDIN_HINT}`
        : `unknown provider ${JSON.stringify(provider.slice(0, 40))}: only "github" is supported`,
    )
  }

  if (extra.length > 0) {
    throw new UsageError(`unexpected argument after "github": regctl never takes a token from an argument (shell history, process lists). ${FROM_STDIN_HINT}`)
  }
}

/**
 * The start of each catalogue prefix up to its first separator (`dckr_pat_` → `dckr_`,
 * `github_pat_` → `github_`): an argument starting like an issuer's tokens is refused as one even
 * when it is too short to be a whole token (a truncated paste is still a secret).
 */
const SECRET_STEMS: readonly string[] = [
  ...new Set(SECRET_PATTERNS.filter((entry) => entry.prefix !== '').map((entry) => /^[^_.-]*[_.-]/.exec(entry.prefix)?.[0] ?? entry.prefix)),
]

/**
 * True when an argument looks like a token: 20 characters or more, a format of the secret
 * catalogue (lib/secrets, the one list of prefixes), or the start of one of its prefixes.
 */
export function looksLikeSecret(value: string): boolean {
  return value.length >= 20 || findSecretInText(value) !== undefined || SECRET_STEMS.some((stem) => value.startsWith(stem))
}

/**
 * The token in what was read (`interactive`: from the hidden prompt, else stdin): exactly one
 * token, printable ASCII, no spaces — a stray second line or a "Bearer " prefix is a mistake.
 * Throws {@link UsageError} without echoing the input.
 */
export function parseTokenInput(raw: string, options: {interactive: boolean}): string {
  const token = raw.trim()
  if (token === '') {
    throw new UsageError(options.interactive ? 'no token entered' : 'no token on stdin: pipe one in, e.g. `gh auth token | regctl auth login github`')
  }

  if (token.length > MAX_TOKEN_LENGTH) throw new UsageError(`the input is ${token.length} characters long: that is not a GitHub token`)
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError('expected exactly one token (printable characters, no spaces or line breaks) on stdin')
  }

  return token
}

/** The outside world of {@link loginGitHub}. */
export type LoginDeps = {
  /** Asks GitHub about the token (`introspectToken`); absent with `--no-verify`. */
  introspect?: ((apiUrl: string, token: string) => Promise<TokenIntrospection>) | undefined
  keyring: KeyringStore
  /** The `--insecure-storage` file: written with that flag, removed after a keyring login. */
  tokenFile: TokenFileStore
  /** Default `keyring`. */
  storage?: TokenStorage
  env: TokenEnvironment
}

/** The result, and the short label of the secret's kind (`classic PAT`) for the human line. */
export type LoginOutcome = {result: AuthLoginResult; kindShort: string}

/**
 * Verifies (unless `deps.introspect` is absent) and stores `token` for `endpoint.host`. Anything but
 * an accepted token stops before storing; a keyring that cannot keep the token is a
 * {@link KeyringUnavailableError} saying nothing was stored.
 */
export async function loginGitHub(token: string, endpoint: GitHubEndpoint, deps: LoginDeps): Promise<LoginOutcome> {
  const kind = classifySecret({registry: endpoint.host === 'github.com' ? 'ghcr.io' : endpoint.host, secret: token, kind: 'password'})
  const tokenKind = classifyToken(token)
  const warnings: string[] = []
  if (kind.provider !== 'github') warnings.push(`this does not look like a GitHub token (${kind.label}); storing it anyway`)

  let introspection: TokenIntrospection | undefined
  if (deps.introspect) {
    introspection = await verifyToken(deps.introspect, endpoint.apiUrl, token)
    warnings.push(...adviceFor(introspection))
  }

  const storage = deps.storage ?? 'keyring'
  let file: string | undefined
  if (storage === 'insecure-file') {
    file = await deps.tokenFile.write(endpoint.host, token)
    warnings.push(`the token is stored in plain text at ${file}: anyone who can read that file can use it`)
  } else {
    await storeToken(deps.keyring, endpoint.host, token)
    // The file is read before the keyring: an old one would shadow the entry just stored.
    try {
      if (await deps.tokenFile.remove(endpoint.host)) warnings.push(`removed the plain-text token file ${deps.tokenFile.path(endpoint.host)}: the keyring holds the token now`)
    } catch (error) {
      if (!(error instanceof TokenFileError)) throw error
      warnings.push(`could not remove the old plain-text token file, which regctl reads before the keyring: ${error.message}`)
    }
  }

  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
    if (deps.env[name]?.trim()) warnings.push(`${name} is set and takes precedence over the keyring entry`)
  }

  if (deps.env.REGCTL_NO_KEYRING) warnings.push('REGCTL_NO_KEYRING is set: regctl will not read the keyring entry until it is unset')

  return {
    kindShort: kind.short,
    result: {
      provider: 'github',
      host: endpoint.host,
      apiUrl: endpoint.apiUrl,
      storage,
      ...(file === undefined ? {keyring: {service: KEYRING_SERVICE, account: endpoint.host}} : {file}),
      token: {kind: tokenKind, secretKind: kind.id, label: kind.label, redacted: kind.redacted},
      verified: introspection !== undefined,
      login: introspection?.login ?? null,
      scopes: introspection?.scopes ?? null,
      expiresAt: introspection?.expiresAt ?? null,
      expiry: introspection?.expiry ?? 'unknown',
      warnings,
      exitCode: 0,
    },
  }
}

/**
 * Removes the token of `host` from the `--insecure-storage` file and the keyring; idempotent. A
 * keyring that cannot be reached is an error unless the file was removed (then a warning: on a
 * headless machine the file is the only place a token can be).
 */
export async function logoutGitHub(host: string, deps: {keyring: KeyringStore; tokenFile: TokenFileStore; env: TokenEnvironment}): Promise<AuthLogoutResult> {
  const warnings: string[] = []
  const file = (await deps.tokenFile.remove(host)) ? deps.tokenFile.path(host) : undefined
  let removed = file !== undefined
  try {
    removed = (await deps.keyring.delete(KEYRING_SERVICE, host)) || removed
  } catch (error) {
    if (!(error instanceof KeyringUnavailableError)) throw error
    if (file === undefined) throw new KeyringUnavailableError(`OS keyring unavailable: ${error.message}. Nothing was removed`, {cause: error})
    warnings.push(`OS keyring unavailable: ${error.message}. Only the plain-text file was removed`)
  }

  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
    if (deps.env[name]?.trim()) warnings.push(`${name} is still set: regctl keeps using it`)
  }

  return {provider: 'github', host, keyring: {service: KEYRING_SERVICE, account: host}, removed, ...(file === undefined ? {} : {file}), warnings, exitCode: 0}
}

/** Stores the token and reads it back: a keyring that silently drops the write must not look like success. */
async function storeToken(keyring: KeyringStore, host: string, token: string): Promise<void> {
  try {
    await keyring.set(KEYRING_SERVICE, host, token)
    if ((await keyring.get(KEYRING_SERVICE, host)) !== token) {
      throw new KeyringUnavailableError('the keyring did not keep the token (reading it back gave something else)')
    }
  } catch (error) {
    if (error instanceof KeyringUnavailableError) {
      throw new KeyringUnavailableError(`cannot store the token in the OS keyring: ${error.message}. Nothing was stored; ${NO_KEYRING_ADVICE}`, {cause: error})
    }

    throw error
  }
}

/** Asks GitHub about the token; anything but an accepted token stops the login before storing. */
async function verifyToken(
  introspect: (apiUrl: string, token: string) => Promise<TokenIntrospection>,
  apiUrl: string,
  token: string,
): Promise<TokenIntrospection> {
  let result: TokenIntrospection
  try {
    result = await introspect(apiUrl, token)
  } catch (error) {
    if (error instanceof NetworkError) {
      throw new NetworkError(error.url, `${error.message.replace(/^could not reach \S+: /, '')}; nothing was stored (--no-verify stores without asking GitHub)`, {
        cause: error,
      })
    }

    throw error
  }

  const url = `${result.apiUrl}${result.checkedVia.path}`
  if (result.status === 'rejected') {
    throw new GitHubApiError(
      `GitHub rejected the token ${result.redacted} (HTTP 401${result.message ? `: ${result.message}` : ''}): it is unknown, revoked or expired. Nothing was stored`,
      {reason: 'bad-credentials', status: 401, url},
    )
  }

  if (result.status === 'unknown') {
    const status = result.checkedVia.httpStatus
    const reason = result.rateLimit?.remaining === 0 || status === 429 ? 'rate-limited' : status >= 500 ? 'server-error' : 'unexpected-status'
    throw new GitHubApiError(
      `could not verify the token ${result.redacted}: ${result.notes.join('; ') || `HTTP ${status}`}. Nothing was stored (--no-verify stores without asking GitHub)`,
      {reason, status, url},
    )
  }

  return result
}

/** Warnings about a verified token that do not stop the login. */
export function adviceFor(info: TokenIntrospection): string[] {
  const out: string[] = []
  if (info.expiry === 'expiring-soon' && info.expiresAt) out.push(`the token expires soon, at ${info.expiresAt}`)
  switch (info.tokenKind) {
    case 'classic':
    case 'oauth': {
      if (info.scopes && !scopeSatisfies(info.scopes, 'read:packages')) {
        out.push('the token lacks read:packages, which ghcr ls needs (gh auth refresh -s read:packages, or a new classic token)')
      }

      break
    }

    case 'fine-grained':
    case 'user-to-server': {
      out.push('the GitHub Packages API (ghcr ls) accepts only classic personal access tokens (ghp_) with read:packages')
      break
    }

    case 'installation': {
      out.push('installation tokens (GITHUB_TOKEN) expire within an hour; storing one is rarely useful')
      break
    }

    default: {
      break
    }
  }

  return out
}
