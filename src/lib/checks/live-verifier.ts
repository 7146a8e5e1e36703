/**
 * The live half of `auth status`: does the registry accept this credential, and may it push? Pings
 * `/v2/`, exchanges the credential for a token asking for `push,pull` on a probe repository and
 * reads the JWT's `access` claim (distribution docs/spec/auth/jwt.md), or a Basic `GET /v2/`.
 */
import type {SourcedCredential} from '../credentials/sources.js'
import type {ResolvedCredential} from '../credentials/types.js'
import {AuthError, NetworkError, TimeoutError, isRegctlError, redactText} from '../errors.js'
import {decodeJwtPayload} from '../jwt.js'
import type {Provider, ProviderId} from '../providers.js'
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
 * Where each registry family lets a login push without naming a repository: the one table behind
 * {@link defaultProbeRepository}. `user`: under the login's own namespace, when the username is one
 * (`namespace` extracts it, or `undefined`); `none`: no repository worth asking about; `root`: a
 * flat namespace, where a root-level name is a valid repository.
 * - GHCR: `USER/NAME`; GitHub logins are letters, digits and hyphens.
 * - Docker Hub: a bare name means `library/NAME`, which no user owns (issue 8), so `USER/NAME`;
 *   Docker IDs are letters and digits (docs.docker.com/accounts/create-account). An email login
 *   is no namespace.
 * - Quay (quay.io): every repository is `NAMESPACE/NAME`; a root-level name is invalid there.
 *   Namespaces match `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`, 2–255 characters (quay/quay
 *   util/validation.py `VALID_USERNAME_REGEX`); a robot account logs in as `NAMESPACE+ROBOT` and
 *   pushes under that namespace. `$oauthtoken` and `$app` logins have no namespace.
 * - ECR, Artifact Registry, GCR: repositories are created per account or project and push is
 *   granted per repository: no default.
 * - ACR and other registries: a flat namespace.
 */
const PROBE_LAYOUT: Record<ProviderId, {kind: 'user'; namespace: (username: string) => string | undefined} | {kind: 'none'} | {kind: 'root'}> = {
  ghcr: {kind: 'user', namespace: (username) => (/^[A-Za-z0-9-]+$/.test(username) ? username.toLowerCase() : undefined)},
  'docker-hub': {kind: 'user', namespace: (username) => (/^[A-Za-z0-9]+$/.test(username) ? username.toLowerCase() : undefined)},
  quay: {kind: 'user', namespace: quayNamespace},
  ecr: {kind: 'none'},
  'ecr-public': {kind: 'none'},
  gar: {kind: 'none'},
  gcr: {kind: 'none'},
  acr: {kind: 'root'},
  other: {kind: 'root'},
}

/** The Quay namespace of a login: the user itself, or a robot's `NAMESPACE` of `NAMESPACE+ROBOT`. */
function quayNamespace(username: string): string | undefined {
  const namespace = (username.split('+', 1)[0] ?? '').toLowerCase()
  return namespace.length >= 2 && namespace.length <= 255 && /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(namespace) ? namespace : undefined
}

/**
 * The repository whose push right `auth status` asks about when `--repository` is not given, or
 * `undefined` when there is none worth asking about (push rights: unknown, pass --repository).
 * Per registry family, from {@link PROBE_LAYOUT}.
 */
export function defaultProbeRepository(provider: Provider, username: string | undefined): string | undefined {
  const layout = PROBE_LAYOUT[provider.id]
  if (layout.kind === 'none') return undefined
  if (layout.kind === 'root') return PROBE_REPOSITORY
  const namespace = username === undefined ? undefined : layout.namespace(username)
  return namespace === undefined ? undefined : `${namespace}/${PROBE_REPOSITORY}`
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
