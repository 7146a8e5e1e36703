/**
 * The live half of `auth status`: does the registry accept this credential, and may it push? Pings
 * `/v2/`, exchanges the credential for a token asking for `push,pull` on a probe repository and
 * reads the JWT's `access` claim (distribution docs/spec/auth/jwt.md), or a Basic `GET /v2/`.
 */
import type {SourcedCredential} from '../credentials/sources.js'
import type {ResolvedCredential} from '../credentials/types.js'
import {AuthError, NetworkError, TimeoutError, isRegctlError, redactText} from '../errors.js'
import {decodeJwtPayload} from '../jwt.js'
import type {Provider} from '../providers.js'
import {repositoryScope} from '../registry/auth.js'
import {RegistryClient} from '../registry/client.js'
import type {Transport} from '../registry/transport.js'
import type {LiveCheck, VerifyCredential} from './auth-status-types.js'

/** The repository asked for `push,pull` when no `--repository` is given. */
export const PROBE_REPOSITORY = 'regctl-auth-probe'

/**
 * A {@link VerifyCredential} over a shared transport: a fresh {@link RegistryClient} per registry
 * (built through the client's one seam, as pull-check's is), fed only the credential under test,
 * so each check is independent of the others (and of docker's own lookup order).
 */
export function createCredentialVerifier(options: {transport: Transport; now: () => number}): VerifyCredential {
  return async (registry, credential, scopes) =>
    new RegistryClient({transport: options.transport, credentials: async () => credential, now: options.now}).verifyCredentials(registry, scopes)
}

/**
 * The repository whose push right `auth status` asks about when `--repository` is not given, or
 * `undefined` when there is none worth asking about (push rights: unknown, pass --repository).
 *
 * - GHCR and Docker Hub: under the logged-in user's namespace, where the user may push (a classic
 *   PAT with write:packages on GHCR; any Docker Hub account on its own namespace). A bare name on
 *   Docker Hub means `library/NAME`, which no user owns (issue 8: "no push rights" for a token
 *   that can push to its own namespace). A username that is not a namespace (a Docker Hub email
 *   login) gives `undefined`.
 * - ECR, Artifact Registry, GCR: no per-user layout (repositories are created per account or
 *   project, push is granted per repository): `undefined`.
 * - ACR and other registries: a flat namespace, where a root-level name is a valid repository.
 */
export function defaultProbeRepository(provider: Provider, username: string | undefined): string | undefined {
  switch (provider.id) {
    case 'ghcr': {
      return username && /^[A-Za-z0-9-]+$/.test(username) ? `${username.toLowerCase()}/${PROBE_REPOSITORY}` : undefined
    }

    case 'docker-hub': {
      // Docker IDs are lowercase letters and digits (docs.docker.com/accounts/create-account).
      return username && /^[A-Za-z0-9]+$/.test(username) ? `${username.toLowerCase()}/${PROBE_REPOSITORY}` : undefined
    }

    case 'ecr':
    case 'ecr-public':
    case 'gar':
    case 'gcr': {
      return undefined
    }

    default: {
      return PROBE_REPOSITORY
    }
  }
}

/**
 * Verifies `chosen` live against `registry` with `verify`, asking for `push,pull` on `repository`
 * (without one, a token with no scope, as `docker login` asks: the login is checked, push rights
 * are unknown); `skipped` without a verifier (`--offline`). Every failure the registry can cause
 * is a result, never a throw.
 */
export async function verifyLive(registry: string, chosen: SourcedCredential, repository: string | undefined, verify: VerifyCredential | undefined): Promise<LiveCheck> {
  if (!verify || !chosen.credential) return {result: 'skipped'}
  const resolved: ResolvedCredential = {
    credential: chosen.credential,
    source: chosen.path === undefined
      ? {kind: 'docker-auth-config', label: chosen.label, key: chosen.key}
      : {kind: 'config-auths', label: chosen.label, path: chosen.path, key: chosen.key},
  }
  try {
    const check = await verify(registry, resolved, repository === undefined ? [] : [repositoryScope(repository, ['push', 'pull'])])
    if (check.scheme === 'none') return {result: 'not-required', scheme: 'none', message: 'the registry API needs no authentication: the credential is not checked'}
    if (!check.withCredentials) return {result: 'skipped', scheme: check.scheme}
    if (repository === undefined) return {result: 'accepted', scheme: check.scheme, push: {granted: null, via: 'none'}}
    const granted = check.token === undefined ? null : pushGranted(check.token, repository)
    return {
      result: 'accepted',
      scheme: check.scheme,
      push: {repository, granted, via: granted === null ? 'none' : 'jwt-access-claim'},
    }
  } catch (error) {
    if (error instanceof AuthError && error.details.reason === 'credentials-rejected') return {result: 'rejected', message: redactText(error.message)}
    if (error instanceof NetworkError || error instanceof TimeoutError) return {result: 'unreachable', message: redactText(error.message)}
    if (isRegctlError(error)) return {result: 'error', message: redactText(error.message)}
    throw error
  }
}

/**
 * Reads the JWT payload (without verifying the signature: we only read what the server granted to
 * us, over the TLS connection we made) and looks for `push` on `repository` in the `access` claim
 * (jwt.md: `[{type, name, actions}]`). `null` when the token is not a JWT with an `access` claim.
 */
export function pushGranted(token: string, repository: string): boolean | null {
  const payload = decodeJwtPayload(token)
  if (!payload) return null
  const access = payload['access']
  if (!Array.isArray(access)) return null
  return access.some((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return false
    const record = entry as Record<string, unknown>
    const actions = record['actions']
    return record['type'] === 'repository' && record['name'] === repository && Array.isArray(actions) && actions.some((a) => a === 'push' || a === '*')
  })
}
