/**
 * GitHub token resolution, shared by `ghcr ls` and `auth status` (issue #3). Pure over injected
 * sources: the command reads the flag and the environment and passes the keyring and Docker
 * credential lookups in.
 */
import type {ResolvedCredential} from '../credentials/types.js'
import {describeKeyringFailure, type KeyringReader, KeyringUnavailableError} from './keyring.js'
import {redactSecret} from '../errors.js'
import {classifySecret, type SecretKind, type SecretKindId} from '../secret-kind.js'
import type {GitHubTokenKind, GitHubTokenSource, ResolvedGitHubToken} from './types.js'

/** Reads the token file of a host: `undefined` when there is none. */
export type TokenFileReader = (host: string) => Promise<{token: string; path: string} | undefined>

/** The places a token may come from, in the order they are consulted. */
export type GitHubTokenSources = {
  /** `--token`. */
  flag?: string | undefined
  /**
   * The token variables, used as gh uses them ({@link tokenVariablesFor}): `GH_TOKEN`, then
   * `GITHUB_TOKEN` for github.com and `*.ghe.com`; `GH_ENTERPRISE_TOKEN`, then
   * `GITHUB_ENTERPRISE_TOKEN` for any other host.
   */
  env?: TokenVariables
  /** The GitHub host (`github.com`, a GHES host): the keyring account. */
  host: string
  /**
   * The API came from `GITHUB_API_URL`: GitHub Actions sets it together with `GITHUB_TOKEN` for
   * the same server (also on GHES), so `GH_TOKEN`/`GITHUB_TOKEN` apply to its host too.
   */
  apiUrlFromEnvironment?: boolean
  /**
   * The plain-text token file of `auth login github --insecure-storage` for the host; consulted
   * before the keyring (it exists only by that explicit choice, and a keyring login removes it).
   */
  tokenFile?: TokenFileReader
  /** OS keyring, service `regctl`, account = host. */
  keyring?: KeyringReader
  /**
   * Docker config credential lookup (`CredentialLookup`); asked for `ghcr.io`, and only when the
   * host is `github.com`, since a ghcr.io password is a github.com token and must not be sent to
   * another server.
   */
  dockerCredential?: (registry: string) => Promise<ResolvedCredential | undefined>
}

/** The environment variables that may hold a GitHub token. */
export type TokenVariables = {
  GH_TOKEN?: string | undefined
  GITHUB_TOKEN?: string | undefined
  GH_ENTERPRISE_TOKEN?: string | undefined
  GITHUB_ENTERPRISE_TOKEN?: string | undefined
}

/**
 * gh's rule (cli/go-gh pkg/auth `TokenForHost`, `isEnterprise`): github.com and GHE.com tenancies
 * (`*.ghe.com`) take `GH_TOKEN`/`GITHUB_TOKEN`; every other host is GitHub Enterprise Server and
 * takes `GH_ENTERPRISE_TOKEN`/`GITHUB_ENTERPRISE_TOKEN`. A github.com token is never sent to
 * another server because `GH_HOST` names one.
 */
export function tokenVariablesFor(host: string, apiUrlFromEnvironment = false): Array<keyof TokenVariables> {
  const name = host.toLowerCase().replace(/:\d+$/, '')
  const dotcom = name === 'github.com' || name.endsWith('.ghe.com') || name === 'github.localhost'
  if (dotcom) return ['GH_TOKEN', 'GITHUB_TOKEN']
  return apiUrlFromEnvironment ? ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN'] : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']
}

/** The outcome: the token (if any) and notes about sources that could not be read. */
export type GitHubTokenResolution = {
  token?: ResolvedGitHubToken
  /** E.g. "OS keyring unavailable: no Secret Service is running". Never holds a secret. */
  notes: string[]
  /** The keyring was needed (no other source had a token) and could not be used. */
  keyringUnavailable?: boolean
}

/** Keyring service name regctl stores its GitHub token under. */
export const KEYRING_SERVICE = 'regctl'

/**
 * Resolves the GitHub token: `--token`, `GH_TOKEN`, `GITHUB_TOKEN`, the OS keyring (service
 * `regctl`, account = host), then the `ghcr.io` credential of the Docker config. Empty values are
 * skipped. A keyring that cannot be reached (no Secret Service on a headless Linux) is a note, not
 * an error: the next source is tried. A Docker config that exists but cannot be read is an error
 * (the lookup's `ConfigError` / `CredentialHelperError` propagates).
 */
export async function resolveGitHubToken(sources: GitHubTokenSources): Promise<GitHubTokenResolution> {
  const notes: string[] = []
  const variables = tokenVariablesFor(sources.host, sources.apiUrlFromEnvironment)
  const direct: Array<[GitHubTokenSource, string | undefined]> = [['flag', sources.flag], ...variables.map((name): [GitHubTokenSource, string | undefined] => [name, sources.env?.[name]])]
  for (const [source, value] of direct) {
    const token = value?.trim()
    if (token) return {token: describeToken(token, source), notes}
  }

  // A token set for another host is not sent here: say which variable this host reads.
  const ignored = (['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'] as const).filter((name) => !variables.includes(name) && sources.env?.[name]?.trim())
  if (ignored.length > 0) {
    notes.push(`${ignored.join(' and ')} ${ignored.length === 1 ? 'is' : 'are'} not sent to ${sources.host} (${ignored.some((name) => name.includes('ENTERPRISE')) ? 'it is for GitHub Enterprise Server hosts' : 'it is for github.com'}): set ${variables[0]} for ${sources.host}`)
  }

  if (sources.tokenFile) {
    const found = await sources.tokenFile(sources.host)
    if (found) return {token: {...describeToken(found.token, 'insecure-file'), path: found.path}, notes}
  }

  // A keyring that cannot be reached matters only when no later source has a token: then it is
  // said once, in one short line, with no advice about flags (the command knows its own).
  let keyringNote: string | undefined
  if (sources.keyring) {
    try {
      const token = (await sources.keyring(KEYRING_SERVICE, sources.host))?.trim()
      if (token) return {token: describeToken(token, 'keyring'), notes}
    } catch (error) {
      keyringNote = `OS keyring unavailable: ${keyringReason(error)}`
    }
  }

  if (sources.dockerCredential && sources.host === 'github.com') {
    const found = await sources.dockerCredential('ghcr.io')
    const token = (found?.credential.password ?? found?.credential.identityToken)?.trim()
    if (token) return {token: describeToken(token, 'docker-config'), notes}
  }

  return keyringNote ? {notes: [...notes, keyringNote], keyringUnavailable: true} : {notes}
}

/** The {@link GitHubTokenKind} of each GitHub secret kind that can call the API. */
const TOKEN_KINDS: Partial<Record<SecretKindId, GitHubTokenKind>> = {
  'github-classic-pat': 'classic',
  // Pre-2021 classic tokens are 40 hex characters.
  'github-legacy-token': 'classic',
  'github-fine-grained-pat': 'fine-grained',
  'github-oauth': 'oauth',
  'github-app-user': 'user-to-server',
  'github-app-installation': 'installation',
}

/**
 * What a token is by its shape alone, through {@link classifySecret} (the one list of GitHub's
 * token prefixes), asked as a ghcr.io password so that a 40-hex token counts as a GitHub token.
 */
function recognise(token: string): SecretKind {
  return classifySecret({registry: 'ghcr.io', secret: token, kind: 'password'})
}

/**
 * Classifies a token by its prefix (see {@link GitHubTokenKind}); a GitHub App refresh token
 * (`ghr_`) and anything not GitHub's is `unknown`.
 */
export function classifyToken(token: string): GitHubTokenKind {
  return TOKEN_KINDS[recognise(token).id] ?? 'unknown'
}

/** `ghp_…abcd`: GitHub's prefix (when it has one) and the last four characters. */
export function redactGitHubToken(token: string): string {
  const kind = recognise(token)
  return kind.provider === 'github' ? kind.redacted : redactSecret(token)
}

/** Human label of a token source, as used in messages: `GH_TOKEN`, `--token`, `the OS keyring`. */
export function describeTokenSource(source: GitHubTokenSource): string {
  switch (source) {
    case 'flag': {
      return '--token'
    }

    case 'keyring': {
      return 'the OS keyring'
    }

    case 'insecure-file': {
      return 'a plain-text file (--insecure-storage)'
    }

    case 'docker-config': {
      return 'the Docker config (ghcr.io)'
    }

    default: {
      return source
    }
  }
}

function describeToken(token: string, source: GitHubTokenSource): ResolvedGitHubToken {
  return {token, source, kind: classifyToken(token), redacted: redactGitHubToken(token)}
}

/** The short reason of a keyring failure (keyring.ts already made it one line without D-Bus internals). */
function keyringReason(error: unknown): string {
  if (error instanceof KeyringUnavailableError) return error.message
  return describeKeyringFailure(error)
}
