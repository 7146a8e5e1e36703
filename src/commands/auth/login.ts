import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {GitHubApiError, NetworkError, UsageError} from '../../lib/errors.js'
import {resolveApiBaseUrl} from '../../lib/github/api-url.js'
import {introspectToken, scopeSatisfies, type ExpiryStatus, type TokenIntrospection} from '../../lib/github/introspect.js'
// keyring.ts loads the native @napi-rs/keyring module only when an entry is first touched.
import {createKeyringStore, KeyringUnavailableError} from '../../lib/github/keyring.js'
import {classifyToken, KEYRING_SERVICE} from '../../lib/github/token.js'
import type {GitHubTokenKind} from '../../lib/github/types.js'
import {classifySecret, type SecretKindId} from '../../lib/secret-kind.js'

/** The JSON contract of `regctl auth login github --json`. Never holds the token. */
export type AuthLoginResult = {
  provider: 'github'
  /** The GitHub host the token is for: the keyring account. */
  host: string
  apiUrl: string
  /** Where the token now lives. */
  keyring: {service: string; account: string}
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
}

/** Longest token accepted (fine-grained PATs are 93 characters; leave room for other formats). */
const MAX_TOKEN_LENGTH = 4096
/** Bytes read from stdin at most: a token is one short line. */
const MAX_STDIN_BYTES = 64 * 1024

export default class AuthLogin extends BaseCommand {
  static override args = {
    provider: Args.string({description: 'What to log in to (only "github" for now)', required: true}),
  }

  static override description = `Store a GitHub token in the OS keyring for regctl's GitHub API calls

The token is read from stdin when stdin is not a terminal, otherwise from a hidden prompt; never
from an argument (arguments land in shell history and process lists). Before storing, regctl asks
GitHub who the token belongs to, its scopes and its expiry (skip with --no-verify). It is stored in
the OS keyring (the Secret Service on Linux) under service "regctl", account = the GitHub host,
where ghcr ls and auth status find it after --token, GH_TOKEN and GITHUB_TOKEN.

Without a usable keyring (no D-Bus session, locked keyring) nothing is stored: set GH_TOKEN instead.`

  static override enableJsonFlag = true

  static override examples = [
    {description: 'Store the token gh already has', command: 'gh auth token | <%= config.bin %> auth login github'},
    {description: 'Paste a classic PAT at a hidden prompt', command: '<%= config.bin %> auth login github'},
    {description: 'GitHub Enterprise Server', command: '<%= config.bin %> auth login github --hostname ghe.example.com < token.txt'},
    {description: 'Store without asking GitHub first (offline)', command: '<%= config.bin %> auth login github --no-verify < token.txt'},
  ]

  static override flags = {
    hostname: Flags.string({description: 'GitHub host (GitHub Enterprise Server); default GH_HOST or github.com'}),
    verify: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Ask GitHub about the token before storing it (--no-verify to skip)',
    }),
  }

  // Extra arguments are refused by hand so that a token passed by mistake is never echoed back.
  static override strict = false

  static override usage = 'auth login github [--hostname HOST] [--no-verify] [--json] < token'

  public async run(): Promise<AuthLoginResult> {
    const {args, argv, flags} = await this.parse(AuthLogin)
    checkProvider(args.provider, argv as string[])

    const env = process.env
    const endpoint = resolveApiBaseUrl({githubApiUrl: env['GITHUB_API_URL'], hostname: flags.hostname, ghHost: env['GH_HOST']})

    const token = await readToken(`Paste a GitHub token for ${endpoint.host}: `, flags.timeout * 1000)
    const kind = classifySecret({registry: endpoint.host === 'github.com' ? 'ghcr.io' : endpoint.host, secret: token, kind: 'password'})
    const tokenKind = classifyToken(token)
    const warnings: string[] = []
    if (kind.provider !== 'github') warnings.push(`this does not look like a GitHub token (${kind.label}); storing it anyway`)

    let introspection: TokenIntrospection | undefined
    if (flags.verify) {
      introspection = await verify(endpoint.apiUrl, token, flags.timeout * 1000, `regctl/${this.config.version}`)
      warnings.push(...adviceFor(introspection))
    }

    const keyring = createKeyringStore()
    try {
      await keyring.set(KEYRING_SERVICE, endpoint.host, token)
      // Read it back: a keyring that silently drops the write must not look like success.
      if ((await keyring.get(KEYRING_SERVICE, endpoint.host)) !== token) {
        throw new KeyringUnavailableError('the keyring did not keep the token (reading it back gave something else)')
      }
    } catch (error) {
      if (error instanceof KeyringUnavailableError) {
        throw new KeyringUnavailableError(
          `cannot store the token in the OS keyring: ${error.message}. Nothing was stored; set GH_TOKEN in your environment instead`,
          {cause: error},
        )
      }

      throw error
    }

    for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
      if (env[name]?.trim()) warnings.push(`${name} is set and takes precedence over the keyring entry`)
    }

    if (env['REGCTL_NO_KEYRING']) warnings.push('REGCTL_NO_KEYRING is set: regctl will not read the keyring entry until it is unset')

    const result: AuthLoginResult = {
      provider: 'github',
      host: endpoint.host,
      apiUrl: endpoint.apiUrl,
      keyring: {service: KEYRING_SERVICE, account: endpoint.host},
      token: {kind: tokenKind, secretKind: kind.id, label: kind.label, redacted: kind.redacted},
      verified: introspection !== undefined,
      login: introspection?.login ?? null,
      scopes: introspection?.scopes ?? null,
      expiresAt: introspection?.expiresAt ?? null,
      expiry: introspection?.expiry ?? 'unknown',
      warnings,
    }

    this.logToStderr(renderLogin(result, kind.short))
    for (const warning of warnings) this.logToStderr(`! ${warning}`)
    return result
  }
}

/** Only `github` is a provider; anything else, and any extra argument, is refused without echoing it. */
function checkProvider(provider: string, argv: string[]): void {
  const extra = argv.slice(1)
  if (provider !== 'github') {
    throw new UsageError(
      looksLikeSecret(provider)
        ? 'that argument looks like a token, and regctl never takes a token from an argument (shell history, process lists). Pipe it on stdin: `gh auth token | regctl auth login github`'
        : `unknown provider ${JSON.stringify(provider.slice(0, 40))}: only "github" is supported`,
    )
  }

  if (extra.length > 0) {
    throw new UsageError(
      'unexpected argument after "github": regctl never takes a token from an argument (shell history, process lists). Pipe it on stdin: `gh auth token | regctl auth login github`',
    )
  }
}

function looksLikeSecret(value: string): boolean {
  return value.length >= 20 || /^(gh[pousr]_|github_pat_|dckr_|eyJ)/.test(value)
}

/** Reads the token: all of stdin when it is not a terminal, else a hidden prompt on stderr. */
async function readToken(question: string, timeoutMs: number): Promise<string> {
  const raw = process.stdin.isTTY ? await promptHidden(question, timeoutMs) : await readStdin(timeoutMs)
  const token = raw.trim()
  if (token === '') {
    throw new UsageError(
      process.stdin.isTTY ? 'no token entered' : 'no token on stdin: pipe one in, e.g. `gh auth token | regctl auth login github`',
    )
  }

  if (token.length > MAX_TOKEN_LENGTH) throw new UsageError(`the input is ${token.length} characters long: that is not a GitHub token`)
  // One token, printable ASCII, no spaces: a stray second line or a "Bearer " prefix is a mistake.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError('expected exactly one token (printable characters, no spaces or line breaks) on stdin')
  }

  return token
}

async function readStdin(timeoutMs: number): Promise<string> {
  const stdin = process.stdin
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(() => {
      done()
      reject(new UsageError(`no token arrived on stdin within ${Math.round(timeoutMs / 1000)} s (is stdin left open?)`))
    }, timeoutMs)
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > MAX_STDIN_BYTES) {
        done()
        reject(new UsageError(`stdin holds more than ${MAX_STDIN_BYTES} bytes: expected one token`))
        return
      }

      chunks.push(chunk)
    }

    const onEnd = (): void => {
      done()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }

    const onError = (error: Error): void => {
      done()
      reject(error)
    }

    const done = (): void => {
      clearTimeout(timer)
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.off('error', onError)
      stdin.pause()
    }

    stdin.on('data', onData)
    stdin.once('end', onEnd)
    stdin.once('error', onError)
    stdin.resume()
  })
}

/**
 * A prompt that does not echo: raw mode, characters collected until Enter, Backspace honoured,
 * Ctrl-C / Ctrl-D cancel, escape sequences (arrow keys) ignored.
 */
async function promptHidden(question: string, timeoutMs: number): Promise<string> {
  const stdin = process.stdin
  const stderr = process.stderr
  // Echo goes off before the question appears, so nothing typed after it can be echoed.
  stdin.setRawMode(true)
  stderr.write(question)
  // A person may take a while to find the token; still, never wait forever.
  const limitMs = Math.max(timeoutMs, 5 * 60_000)
  return new Promise((resolve, reject) => {
    let value = ''
    const timer = setTimeout(() => {
      done()
      reject(new UsageError('no token entered in time'))
    }, limitMs)
    const onData = (chunk: Buffer | string): void => {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          done()
          resolve(value)
          return
        }

        if (ch === '\u0003' || ch === '\u0004') {
          done()
          reject(new UsageError('cancelled: nothing was stored'))
          return
        }

        if (ch === '\u007f' || ch === '\b') {
          value = value.slice(0, -1)
        } else if (ch === '\u001b') {
          // The rest of this chunk is an escape sequence, not part of a token.
          break
        } else if (ch >= ' ') {
          value += ch
        }
      }
    }

    const done = (): void => {
      clearTimeout(timer)
      stdin.off('data', onData)
      if (stdin.isTTY) stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }

    stdin.on('data', onData)
    stdin.resume()
  })
}

/** Asks GitHub about the token; anything but an accepted token stops the login before storing. */
async function verify(apiUrl: string, token: string, timeoutMs: number, userAgent: string): Promise<TokenIntrospection> {
  let result: TokenIntrospection
  try {
    result = await introspectToken({apiUrl, token, now: new Date(), timeoutMs, userAgent})
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

/** Warnings about a verified token that does not stop the login. */
function adviceFor(info: TokenIntrospection): string[] {
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

function renderLogin(result: AuthLoginResult, short: string): string {
  const scopes = result.scopes === null ? 'not reported' : result.scopes.length === 0 ? 'none' : result.scopes.join(', ')
  const lines = result.verified
    ? [`✓ Logged in to ${result.host} as ${result.login ?? 'an unknown login'} (${short} ${result.token.redacted}, scopes: ${scopes})`]
    : [`✓ Stored a token for ${result.host} without verifying it (${short} ${result.token.redacted})`]
  if (result.expiresAt) lines.push(`  Token expires ${result.expiresAt}`)
  else if (result.expiry === 'no-expiry') lines.push('  Token does not expire')
  lines.push(`  Stored in the OS keyring (service ${result.keyring.service}, account ${result.keyring.account})`)
  return lines.join('\n')
}
