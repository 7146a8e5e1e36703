/**
 * Credential shapes shared by the config readers, the credential helpers and the registry client.
 */

/** A secret as Docker stores it. At least one of the fields is set. */
export type Credential = {
  username?: string
  password?: string
  /** OAuth2 refresh token for the registry's token server (`identitytoken`, helper user `<token>`). */
  identityToken?: string
  /** A bearer token sent to the registry as is (`registrytoken`). */
  registryToken?: string
}

/** Where a credential came from; `label` is what people see (`config.json auths`, `credential helper desktop`). */
export type CredentialSource =
  | {kind: 'anonymous'; label: 'anonymous'}
  | {kind: 'config-auths'; label: string; path: string; key: string}
  | {
      kind: 'credential-helper'
      label: string
      helper: string
      path: string
      via: 'credHelpers' | 'credsStore'
      /** The server URL the helper was asked for (`https://index.docker.io/v1/`, `ghcr.io`). */
      key?: string
    }
  | {kind: 'docker-auth-config'; label: string; key: string}

/** A credential together with its provenance. */
export type ResolvedCredential = {
  credential: Credential
  source: CredentialSource
}

/**
 * Looks up the credential for a registry host (`ghcr.io`, `localhost:5000`, `docker.io`).
 * Resolves `undefined` when there is none (anonymous access), rejects with a `ConfigError` or
 * `CredentialHelperError` when a source exists but cannot be read. Implementations cache.
 */
export type CredentialLookup = (registry: string) => Promise<ResolvedCredential | undefined>
