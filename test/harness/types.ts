/**
 * The shapes the integration environment exposes: a serialisable {@link EnvironmentInfo} (what
 * vitest's globalSetup `provide`s to workers) and the {@link EnvironmentApi} of counters and
 * resets, implemented in-process by `startEnvironment` and over HTTP by `connectEnvironment`.
 */
import type {BlobHit} from './front.js'
import type {Fixture} from './fixtures.js'
import type {RegistryInfo, RequestCounts} from './registry-process.js'
import type {TokenStats} from './token-server.js'

export type {BlobHit} from './front.js'
export type {Fixture} from './fixtures.js'
export type {RegistryInfo, RequestCounts} from './registry-process.js'
export type {TokenStats} from './token-server.js'

/**
 * `token`: TLS + bearer tokens from the token server; `basic`: TLS + htpasswd (alice, bob);
 * `plain`: no auth, plain HTTP; `front`: the fault/redirect proxy in front of `token`.
 */
export type RegistryName = 'token' | 'basic' | 'plain' | 'front'

/** A username and password. */
export type Credentials = {username: string; password: string}

/**
 * Users: `pusher` (pull+push everywhere on `token`), `puller` (pull on `private/*`, `team/*`),
 * `outsider` (valid login, no rights beyond anonymous), `alice` and `bob` (htpasswd on `basic`).
 */
export type UserName = 'pusher' | 'puller' | 'outsider' | 'alice' | 'bob'

/** The token server, as tests see it. */
export type TokenServerInfo = {
  /** `https://127.0.0.1:PORT` */
  url: string
  /** `https://127.0.0.1:PORT/token`: the realm the token registry advertises. */
  realm: string
  service: string
  issuer: string
}

/** Many small tags for benchmarks (`extraRepositories` × `tagsPerRepository` on `token`). */
export type BenchInfo = {
  registry: 'token'
  repositories: string[]
  tags: string[]
  digest: string
  mediaType: string
  /** Every `host/repository:tag`. */
  references: string[]
}

/** Everything about a running environment that can cross a process boundary. */
export type EnvironmentInfo = {
  /** PEM of the test CA (for NODE_EXTRA_CA_CERTS). */
  caFile: string
  /** A containers-style `--cert-dir` holding `ca.crt` (for skopeo). */
  certDir: string
  tmpDir: string
  tokenServer: TokenServerInfo
  registries: Record<RegistryName, RegistryInfo>
  /** Where the front redirects `redirect/*` blobs: a different host (127.0.0.2 or localhost). */
  blobServer: RegistryInfo
  users: Record<UserName, Credentials>
  /** A refresh token (Docker "identity token") valid for `pusher`. */
  identityToken: string
  /**
   * An ECR-style login whose token has expired (user `AWS`, password an ECR authorization token
   * whose `expiration` has passed): the token server answers it with ECR's HTTP 403.
   */
  expiredEcrLogin: Credentials
  /** Keyed `registry:repository:tag`, e.g. `token:public/multi:1.0`. */
  fixtures: Record<string, Fixture>
  bench: BenchInfo | null
  /** Base URL of the control endpoints (`/_stats`, `/_requests/NAME`, `/_blob-hits`). */
  controlUrl: string
  /** Milliseconds per start-up phase, and `total`. */
  timings: Record<string, number>
}

/** Counters and resets; each call reads the live state. */
export type EnvironmentApi = {
  tokenServer: TokenServerInfo & {stats(): Promise<TokenStats>; reset(): Promise<void>}
  blobServer: RegistryInfo & {hits(): Promise<BlobHit[]>; reset(): Promise<void>}
  /** Requests a registry has answered since the last reset (from its access log; the front counts itself). */
  requestCounts(name: RegistryName): Promise<RequestCounts>
  /** Reset one registry's counters, or all of them (and the token and blob counters) without a name. */
  resetRequestCounts(name?: RegistryName): Promise<void>
}

/** A running environment, in the process that started it. */
export type TestEnvironment = Omit<EnvironmentInfo, 'tokenServer' | 'blobServer'> &
  EnvironmentApi & {
    /** The serialisable part, for `project.provide`. */
    info(): EnvironmentInfo
    /** Stop every server and process; removes `tmpDir` unless it was given as `dir`. */
    stop(): Promise<void>
  }
