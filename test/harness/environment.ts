/**
 * The integration environment: real distribution registries (token auth, htpasswd, plain HTTP) on
 * loopback with TLS from a test CA, a Docker token server, a fault/redirect front, and fixture
 * images pushed by skopeo. Usable from vitest's globalSetup and from a `tsx` benchmark script.
 *
 * ```ts
 * const env = await startEnvironment({extraRepositories: 20, tagsPerRepository: 10})
 * try { ... } finally { await env.stop() }
 * ```
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {rmSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {hash} from 'bcryptjs'

import {makeCertificates} from './certs.js'
import {addTags, buildLayouts, makeSkopeoContext, pushFixtures, skopeoPush, type FixtureSpec, type PushTarget} from './fixtures.js'
import {startFront, type Front} from './front.js'
import {mapLimit} from './processes.js'
import {startRegistry, type RegistryProcess} from './registry-process.js'
import {startTokenServer, TOKEN_ISSUER, TOKEN_SERVICE, type AccessRule, type TokenServer} from './token-server.js'
import type {BenchInfo, Credentials, EnvironmentInfo, RegistryName, TestEnvironment, UserName} from './types.js'

export * from './types.js'

/** Options of {@link startEnvironment}. */
export type EnvironmentOptions = {
  /** Work directory (created if missing, kept on stop). Default: a new temp dir, removed on stop. */
  dir?: string
  /** Extra repositories `bench/repo-NN` on the token registry, for benchmarks. Default 0. */
  extraRepositories?: number
  /** Tags `v1..vN` per extra repository. Default 10. */
  tagsPerRepository?: number
}

/** Fixed test credentials (loopback-only throwaway servers). */
export const USERS: Record<UserName, Credentials> = {
  pusher: {username: 'pusher', password: 'pusher-secret-7f3a'},
  puller: {username: 'puller', password: 'puller-secret-91bc'},
  outsider: {username: 'outsider', password: 'outsider-secret-44d0'},
  alice: {username: 'alice', password: 'alice-secret-2e8d'},
  bob: {username: 'bob', password: 'bob-secret-c51f'},
}

/**
 * Logins whose password is a GitHub fine-grained PAT (`github_pat_`, no `X-OAuth-Scopes` on GitHub):
 * `pusher` may push everywhere, `puller` only pull `private/*` and `team/*`, as the users of the same
 * names. For `auth status --require-scope`, where the registry decides what GitHub's headers cannot.
 */
export const FINE_GRAINED_LOGINS = {
  pusher: {username: 'fg-pusher', password: `github_pat_11REGCTLP0_${'p'.repeat(55)}push`},
  puller: {username: 'fg-puller', password: `github_pat_11REGCTLQ0_${'q'.repeat(55)}pull`},
} as const satisfies Record<string, Credentials>

/** The refresh token (Docker identity token) that is valid for `pusher` from the start. */
export const PUSHER_IDENTITY_TOKEN = 'regctl-test-identity-token-pusher-5b9e2c'

/** ECR's answer to an expired authorization token (HTTP 403; AWS ECR user guide, "Troubleshooting Docker"). */
export const ECR_EXPIRED_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.'

/**
 * An ECR-style login whose token expired in 2020: `aws ecr get-login-password` yields base64 of
 * `{"payload", "datakey", "version", "type", "expiration"}` (epoch seconds; see src/lib/ecr-token.ts).
 */
export const EXPIRED_ECR_LOGIN: Credentials = {
  username: 'AWS',
  password: Buffer.from(
    JSON.stringify({payload: 'regctl-test-expired-payload-6d1f', datakey: 'regctl-test-datakey-0a9e', version: '2', type: 'DATA_KEY', expiration: 1_600_000_000}),
  ).toString('base64'),
}

/** Anonymous (and hence everybody) may pull `public/*`. */
const ANONYMOUS_RULES: AccessRule[] = [{type: 'repository', pattern: 'public/*', actions: ['pull']}]

const USER_RULES: Record<'pusher' | 'puller' | 'outsider', AccessRule[]> = {
  pusher: [
    {type: 'repository', pattern: '*', actions: ['pull', 'push', 'delete']},
    {type: 'registry', pattern: 'catalog', actions: ['*']},
  ],
  puller: [
    {type: 'repository', pattern: 'private/*', actions: ['pull']},
    {type: 'repository', pattern: 'team/*', actions: ['pull']},
  ],
  outsider: [],
}

/** The fixtures every environment has (keys `registry:repository:tag`). */
export const FIXTURE_SPECS: FixtureSpec[] = [
  {registry: 'token', repository: 'public/single', tag: '1.0', layout: 'single'},
  {registry: 'token', repository: 'public/multi', tag: '1.0', layout: 'multi'},
  {registry: 'token', repository: 'private/app', tag: '1.0', layout: 'app'},
  {registry: 'token', repository: 'team/list', tag: '1.0', layout: 'multi', dockerFormat: true},
  {registry: 'token', repository: 'redirect/blob', tag: '1.0', layout: 'redirect'},
  {registry: 'basic', repository: 'public/single', tag: '1.0', layout: 'single'},
  {registry: 'basic', repository: 'public/multi', tag: '1.0', layout: 'multi'},
  {registry: 'basic', repository: 'private/app', tag: '1.0', layout: 'app'},
  {registry: 'plain', repository: 'public/single', tag: '1.0', layout: 'single'},
  {registry: 'plain', repository: 'public/multi', tag: '1.0', layout: 'multi'},
]

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
  response.end(text)
}

function isRegistryName(name: string): name is RegistryName {
  return name === 'token' || name === 'basic' || name === 'plain' || name === 'front'
}

/** Start everything; rejects (after stopping what did start) if any part fails. */
export async function startEnvironment(options: EnvironmentOptions = {}): Promise<TestEnvironment> {
  const started = Date.now()
  const timings: Record<string, number> = {}
  const mark = (phase: string, since: number): void => {
    timings[phase] = Date.now() - since
  }
  const ownDir = options.dir === undefined
  const tmpDir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'regctl-it-')))
  await mkdir(tmpDir, {recursive: true})

  // If the process exits without stop() (a crash, a closed pipe), still remove our temp dir; the
  // registries themselves are SIGKILLed by the exit hook of processes.ts.
  const removeOnExit = (): void => {
    if (ownDir) rmSync(tmpDir, {recursive: true, force: true})
  }
  process.once('exit', removeOnExit)
  const stoppers: (() => Promise<void>)[] = []
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined)
    stoppers.length = 0
    process.off('exit', removeOnExit)
    if (ownDir) await rm(tmpDir, {recursive: true, force: true}).catch(() => undefined)
  }

  try {
    // 1. PKI, fixture layouts and the htpasswd file are independent.
    let t = Date.now()
    const htpasswdFile = path.join(tmpDir, 'htpasswd')
    const [certs, layouts] = await Promise.all([
      makeCertificates(path.join(tmpDir, 'pki')),
      buildLayouts(path.join(tmpDir, 'layouts')),
      (async () => {
        // distribution 2.8's htpasswd backend accepts bcrypt entries only.
        const lines = await Promise.all([USERS.alice, USERS.bob].map(async (u) => `${u.username}:${await hash(u.password, 6)}`))
        await writeFile(htpasswdFile, `${lines.join('\n')}\n`)
      })(),
    ])
    mark('certs+layouts', t)

    // 2. Token server (its control routes are wired once the registries exist).
    t = Date.now()
    // Filled in below, once the registries whose counters it serves exist.
    const control: {handle?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>} = {}
    const tokenServer: TokenServer = await startTokenServer({
      certPem: certs.serverCertPem,
      keyPem: certs.serverKeyPem,
      signingKeyPem: certs.signingKeyPem,
      signingCertDerBase64: certs.signingCertDerBase64,
      users: [
        ...(['pusher', 'puller', 'outsider'] as const).map((name) => ({...USERS[name], rules: USER_RULES[name]})),
        ...(['pusher', 'puller'] as const).map((name) => ({...FINE_GRAINED_LOGINS[name], rules: USER_RULES[name]})),
      ],
      anonymousRules: ANONYMOUS_RULES,
      identityTokens: {[PUSHER_IDENTITY_TOKEN]: 'pusher'},
      expiredLogins: [{...EXPIRED_ECR_LOGIN, message: ECR_EXPIRED_MESSAGE}],
      extraRoutes: (request, response) => (control.handle === undefined ? Promise.resolve(false) : control.handle(request, response)),
    })
    stoppers.push(() => tokenServer.stop())

    // 3. Registries, in parallel.
    const registriesDir = path.join(tmpDir, 'registries')
    const tls = {certFile: certs.serverCertFile, keyFile: certs.serverKeyFile}
    const [token, basic, plain] = await Promise.all([
      startRegistry({name: 'token', dir: registriesDir, caPem: certs.caPem, tls, auth: {
        kind: 'token', realm: tokenServer.realm, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootCertBundle: certs.caFile,
      }}),
      startRegistry({name: 'basic', dir: registriesDir, caPem: certs.caPem, tls, auth: {kind: 'htpasswd', realm: 'regctl-basic', htpasswdFile}}),
      startRegistry({name: 'plain', dir: registriesDir, caPem: certs.caPem, auth: {kind: 'none'}}),
    ])
    for (const r of [token, basic, plain]) stoppers.push(() => r.stop())

    // 4. The fault/redirect front and its blob server.
    const front: Front = await startFront({
      certPem: certs.serverCertPem,
      keyPem: certs.serverKeyPem,
      caPem: certs.caPem,
      upstream: {host: '127.0.0.1', port: token.port},
      upstreamStorageDir: token.storageDir,
    })
    stoppers.push(() => front.stop())
    mark('servers', t)

    const processes: Record<Exclude<RegistryName, 'front'>, RegistryProcess> = {token, basic, plain}
    const requestCounts = async (name: RegistryName) => (name === 'front' ? front.requestCounts() : processes[name].requestCounts())
    const resetRequestCounts = async (name?: RegistryName): Promise<void> => {
      if (name === undefined) {
        await Promise.all(Object.values(processes).map((p) => p.resetRequestCounts()))
        front.resetRequestCounts()
        front.resetBlobHits()
        tokenServer.reset()
      } else if (name === 'front') {
        front.resetRequestCounts()
      } else {
        await processes[name].resetRequestCounts()
      }
    }

    // Control endpoints, so vitest workers (other processes) can read and reset the counters.
    control.handle = async (request, response) => {
      const url = new URL(request.url ?? '/', 'https://127.0.0.1')
      const method = request.method ?? 'GET'
      if (url.pathname === '/_stats' && method === 'GET') {
        sendJson(response, 200, tokenServer.stats())
      } else if (url.pathname === '/_stats/reset' && method === 'POST') {
        tokenServer.reset()
        sendJson(response, 200, {ok: true})
      } else if (url.pathname === '/_blob-hits' && method === 'GET') {
        sendJson(response, 200, front.blobHits())
      } else if (url.pathname === '/_blob-hits/reset' && method === 'POST') {
        front.resetBlobHits()
        sendJson(response, 200, {ok: true})
      } else if (url.pathname.startsWith('/_requests/')) {
        const [name = '', action] = url.pathname.slice('/_requests/'.length).split('/')
        if (method === 'GET' && isRegistryName(name) && action === undefined) {
          sendJson(response, 200, await requestCounts(name))
        } else if (method === 'POST' && action === 'reset' && (name === 'all' || isRegistryName(name))) {
          await resetRequestCounts(name === 'all' ? undefined : name)
          sendJson(response, 200, {ok: true})
        } else {
          sendJson(response, 404, {error: 'unknown control route'})
        }
      } else {
        return false
      }
      return true
    }

    // 5. Fixtures, pushed and read back with skopeo.
    t = Date.now()
    const skopeo = await makeSkopeoContext(path.join(tmpDir, 'skopeo'), certs.certDir)
    const targets: Record<string, PushTarget> = {
      token: {name: 'token', host: token.host, creds: `${USERS.pusher.username}:${USERS.pusher.password}`, insecure: false},
      basic: {name: 'basic', host: basic.host, creds: `${USERS.alice.username}:${USERS.alice.password}`, insecure: false},
      plain: {name: 'plain', host: plain.host, creds: 'anonymous:none', insecure: true},
    }
    const fixtures = await pushFixtures(skopeo, layouts, targets, FIXTURE_SPECS)
    mark('fixtures', t)

    // 6. Optional benchmark tags: one skopeo push per repository, then manifest PUTs per tag.
    let bench: BenchInfo | null = null
    const extraRepositories = options.extraRepositories ?? 0
    if (extraRepositories > 0) {
      t = Date.now()
      const tagCount = Math.max(1, options.tagsPerRepository ?? 10)
      const repositories = Array.from({length: extraRepositories}, (_, i) => `bench/repo-${String(i).padStart(2, '0')}`)
      const tags = Array.from({length: tagCount}, (_, i) => `v${i + 1}`)
      const layout = layouts.bench
      await mapLimit(repositories, 3, (repository) => skopeoPush(skopeo, layout, targets['token'] as PushTarget, repository, 'v1'))
      await mapLimit(repositories, 4, (repository) => addTags({
        baseUrl: token.url,
        caPem: certs.caPem,
        repository,
        tags: tags.slice(1),
        manifest: layout.top.bytes,
        mediaType: layout.top.mediaType,
        bearer: tokenServer.mint('pusher', [`repository:${repository}:pull,push`]),
        concurrency: 4,
      }))
      bench = {
        registry: 'token',
        repositories,
        tags,
        digest: layout.top.digest,
        mediaType: layout.top.mediaType,
        references: repositories.flatMap((repository) => tags.map((tag) => `${token.host}/${repository}:${tag}`)),
      }
      mark('bench', t)
    }

    await resetRequestCounts()
    timings['total'] = Date.now() - started

    const tokenInfo = {url: tokenServer.url, realm: tokenServer.realm, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER}
    const blobInfo = {host: front.blobServer.host, url: front.blobServer.url}
    const info: EnvironmentInfo = {
      caFile: certs.caFile,
      certDir: certs.certDir,
      tmpDir,
      tokenServer: tokenInfo,
      registries: {
        token: {host: token.host, url: token.url},
        basic: {host: basic.host, url: basic.url},
        plain: {host: plain.host, url: plain.url},
        front: {host: front.host, url: front.url},
      },
      blobServer: blobInfo,
      users: structuredClone(USERS),
      identityToken: PUSHER_IDENTITY_TOKEN,
      expiredEcrLogin: {...EXPIRED_ECR_LOGIN},
      fixtures,
      bench,
      controlUrl: tokenServer.url,
      timings,
    }
    return {
      ...structuredClone(info),
      tokenServer: {
        ...tokenInfo,
        stats: () => Promise.resolve(tokenServer.stats()),
        reset: () => Promise.resolve(tokenServer.reset()),
      },
      blobServer: {
        ...blobInfo,
        hits: () => Promise.resolve(front.blobHits()),
        reset: () => Promise.resolve(front.resetBlobHits()),
      },
      requestCounts,
      resetRequestCounts,
      info: () => structuredClone(info),
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
