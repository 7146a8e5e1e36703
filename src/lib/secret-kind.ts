/**
 * Recognises what kind of secret a registry login holds, without ever returning the secret.
 *
 * Prefixes are the providers' documented token formats:
 * - GitHub (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/):
 *   `ghp_` classic PAT, `github_pat_` fine-grained PAT, `gho_` OAuth, `ghu_` GitHub App
 *   user-to-server, `ghs_` GitHub App installation (Actions' `GITHUB_TOKEN`), `ghr_` refresh token.
 * - Docker Hub: `dckr_pat_` personal access token, `dckr_oat_` organization access token.
 * - Google: `ya29.` OAuth2 access tokens; `docker login -u oauth2accesstoken` / `_json_key` /
 *   `_json_key_base64` (https://cloud.google.com/artifact-registry/docs/docker/authentication).
 * - AWS ECR: user `AWS` with the base64 password of `aws ecr get-login-password` (see ecr-token.ts).
 * - Azure ACR: `az acr login` stores user `00000000-0000-0000-0000-000000000000` and an ACR refresh
 *   token (https://learn.microsoft.com/azure/container-registry/container-registry-authentication).
 *
 * Pure: the caller passes what it read from the config file or credential helper.
 */
import {parseEcrPassword} from './ecr-token.js'
import {redactSecret} from './errors.js'
import {isEcrHost} from './providers.js'
import {SECRET_PATTERNS, type SecretPatternId} from './secrets/catalogue.js'

/** Stable ids (part of `auth status --json`): never rename. */
export type SecretKindId =
  | 'github-classic-pat'
  | 'github-fine-grained-pat'
  | 'github-oauth'
  | 'github-app-user'
  | 'github-app-installation'
  | 'github-refresh'
  | 'github-legacy-token'
  | 'dockerhub-pat'
  | 'dockerhub-oat'
  | 'ecr-token'
  | 'gcp-access-token'
  | 'gcp-service-account-key'
  | 'acr-refresh-token'
  | 'identity-token'
  | 'registry-token'
  | 'jwt'
  | 'password'
  | 'empty'

/** Who issued the secret, as far as its shape tells. */
export type SecretProvider = 'github' | 'dockerhub' | 'aws' | 'gcp' | 'azure'

/** Which Docker credential field the secret came from (see `Credential` in credentials/types.ts). */
export type SecretField = 'password' | 'identityToken' | 'registryToken'

/** Input of {@link classifySecret}. */
export type SecretInput = {
  /** Registry host the login is for (`ghcr.io`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com`). */
  registry: string
  /** The configured username; empty or absent for identity/registry tokens. */
  username?: string | undefined
  secret: string
  kind: SecretField
}

/** What the secret is. No field ever holds the secret or more than its last four characters. */
export type SecretKind = {
  id: SecretKindId
  /** Human text: `GitHub classic personal access token`. */
  label: string
  /** Short form for one-line output: `classic PAT`. */
  short: string
  /**
   * Safe to show: known prefix plus the last four characters (`ghp_…a1b2`), `…` alone for
   * plain passwords (a human-chosen password must not lose four characters of entropy) and for
   * anything shorter than 12 characters.
   */
  redacted: string
  /** The issuer suggested by the secret's shape, `null` when nothing tells. */
  provider: SecretProvider | null
  /** True when the secret is a JWT (three base64url parts whose header is JSON). */
  jwt: boolean
  /** For a GCP service-account key: the key's `client_email` (an identity, not a secret). */
  serviceAccount?: string
}

type Rule = {id: SecretKindId; prefix: string; label: string; short: string; provider: SecretProvider}

/** Catalogue ids that are registry-login kinds, with the extra words a login's label carries. */
const LOGIN_KINDS: Partial<Record<SecretPatternId, {id: SecretKindId; note?: string}>> = {
  'github-fine-grained-pat': {id: 'github-fine-grained-pat'},
  'github-classic-pat': {id: 'github-classic-pat'},
  'github-oauth': {id: 'github-oauth'},
  'github-app-user': {id: 'github-app-user'},
  'github-app-installation': {id: 'github-app-installation', note: 'e.g. Actions GITHUB_TOKEN'},
  'github-refresh': {id: 'github-refresh'},
  'dockerhub-pat': {id: 'dockerhub-pat'},
  'dockerhub-oat': {id: 'dockerhub-oat'},
  'gcp-access-token': {id: 'gcp-access-token'},
}

/**
 * Prefix rules, from the one secret catalogue (src/lib/secrets/catalogue.ts), in its order
 * (`github_pat_` before the `gh?_` family).
 */
const PREFIX_RULES: Rule[] = SECRET_PATTERNS.flatMap((entry) => {
  const login = LOGIN_KINDS[entry.id]
  if (!login || !entry.provider || !isLoginProvider(entry.provider)) return []
  return [{id: login.id, prefix: entry.prefix, label: login.note ? `${entry.label} (${login.note})` : entry.label, short: entry.short, provider: entry.provider}]
})

function isLoginProvider(provider: string): provider is SecretProvider {
  return ['github', 'dockerhub', 'aws', 'gcp', 'azure'].includes(provider)
}

/** The username `az acr login` writes (the null GUID): the password is an ACR refresh token. */
export const ACR_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000'

/** GitHub's container registries, where a 40-hex password is a pre-2021 GitHub token. */
const GITHUB_REGISTRY = /^(ghcr\.io|docker\.pkg\.github\.com|[a-z0-9-]+\.pkg\.github\.com|containers\.[a-z0-9.-]+)$/

/**
 * Classifies a registry secret. Order matters: a username that names the mechanism (`AWS`,
 * `oauth2accesstoken`, `_json_key`, the ACR null GUID) wins, then a documented prefix, then the
 * field it came from (identity / registry token), then the JWT shape; anything else is a password.
 */
export function classifySecret(input: SecretInput): SecretKind {
  const secret = input.secret.trim()
  const username = (input.username ?? '').trim()
  const registry = input.registry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/:\d+$/, '')
  const jwt = isJwt(secret)

  if (secret === '') {
    return {id: 'empty', label: 'empty secret', short: 'empty secret', redacted: '', provider: null, jwt: false}
  }

  if (input.kind === 'password') {
    const byUser = classifyByUsername(username, secret, registry, jwt)
    if (byUser) return byUser
  }

  for (const rule of PREFIX_RULES) {
    if (secret.startsWith(rule.prefix)) {
      return {id: rule.id, label: rule.label, short: rule.short, redacted: redactSecret(secret, rule.prefix), provider: rule.provider, jwt: false}
    }
  }

  if (input.kind === 'identityToken') {
    return {
      id: 'identity-token',
      label: jwt ? 'identity token (OAuth2 refresh token, JWT)' : 'identity token (OAuth2 refresh token)',
      short: 'identity token',
      redacted: redactToken(secret, jwt),
      provider: null,
      jwt,
    }
  }

  if (input.kind === 'registryToken') {
    return {
      id: 'registry-token',
      label: jwt ? 'registry bearer token (JWT)' : 'registry bearer token',
      short: 'registry token',
      redacted: redactToken(secret, jwt),
      provider: null,
      jwt,
    }
  }

  if (jwt) return {id: 'jwt', label: 'JSON Web Token', short: 'JWT', redacted: redactToken(secret, true), provider: null, jwt}

  if (/^[0-9a-f]{40}$/.test(secret) && GITHUB_REGISTRY.test(registry)) {
    return {
      id: 'github-legacy-token',
      label: 'GitHub token (pre-2021 40-hex format)',
      short: 'legacy GitHub token',
      redacted: redactSecret(secret),
      provider: 'github',
      jwt: false,
    }
  }

  return {id: 'password', label: 'password', short: 'password', redacted: '…', provider: null, jwt: false}
}

function classifyByUsername(username: string, secret: string, registry: string, jwt: boolean): SecretKind | undefined {
  switch (username) {
    case 'AWS': {
      // The user name alone is not proof: a self-hosted registry may have a user called AWS.
      if (parseEcrPassword(secret) === undefined && !isEcrHost(registry)) return undefined
      return {id: 'ecr-token', label: 'AWS ECR authorization token', short: 'ECR token', redacted: redactSecret(secret), provider: 'aws', jwt: false}
    }

    case 'oauth2accesstoken': {
      return {
        id: 'gcp-access-token',
        label: 'Google Cloud OAuth2 access token',
        short: 'GCP access token',
        redacted: redactSecret(secret, secret.startsWith('ya29.') ? 'ya29.' : ''),
        provider: 'gcp',
        jwt,
      }
    }

    case '_json_key':
    case '_json_key_base64': {
      const encoded = username === '_json_key_base64'
      const serviceAccount = serviceAccountEmail(encoded ? decodeBase64(secret) : secret)
      return {
        id: 'gcp-service-account-key',
        label: `Google Cloud service-account key (${encoded ? 'base64 JSON' : 'JSON'})`,
        short: 'GCP service-account key',
        // The tail of a JSON key is `"\n}`-like noise; show nothing of it.
        redacted: '{…}',
        provider: 'gcp',
        jwt: false,
        ...(serviceAccount ? {serviceAccount} : {}),
      }
    }

    case ACR_TOKEN_USERNAME: {
      return {
        id: 'acr-refresh-token',
        label: 'Azure Container Registry refresh token',
        short: 'ACR refresh token',
        redacted: redactToken(secret, jwt),
        provider: 'azure',
        jwt,
      }
    }

    default: {
      return undefined
    }
  }
}

/** `eyJ…abcd` for JWTs (the header prefix says nothing secret), `…abcd` otherwise. */
function redactToken(secret: string, jwt: boolean): string {
  return redactSecret(secret, jwt ? 'eyJ' : '')
}

/** Three base64url parts whose first decodes to a JSON object with `alg` (RFC 7519 §7.2). */
export function isJwt(secret: string): boolean {
  const parts = secret.split('.')
  if (parts.length !== 3 || !parts.every((part, index) => (index === 2 ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9_-]+$/).test(part))) {
    return false
  }

  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8'))
    return typeof header === 'object' && header !== null && typeof (header as Record<string, unknown>)['alg'] === 'string'
  } catch {
    return false
  }
}

function decodeBase64(text: string): string {
  return /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : ''
}

/** `client_email` of a service-account key JSON, when it parses and looks like one. */
function serviceAccountEmail(json: string): string | undefined {
  try {
    const value: unknown = JSON.parse(json)
    if (typeof value !== 'object' || value === null) return undefined
    const email = (value as Record<string, unknown>)['client_email']
    return typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email) ? email : undefined
  } catch {
    return undefined
  }
}
