/**
 * Proves the integration environment is real: independent clients (skopeo, raw HTTPS) see the
 * access rules, the registry accepts the token server's JWTs, the front injects its faults and
 * redirects without touching headers, and the counters count.
 */
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, beforeEach, describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {makeSkopeoContext, type SkopeoContext} from '../harness/fixtures.js'
import {GARBAGE_CLAIMED_DIGEST, RATE_LIMIT} from '../harness/front.js'
import {basicAuth, harnessRequest, isRecord, jsonBody, type HarnessResponse} from '../harness/http.js'
import {run} from '../harness/processes.js'

const env = connectEnvironment(inject('env'))
const ca = readFileSync(env.caFile, 'utf8')
const {pusher, puller, outsider, alice, bob} = env.users
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

let skopeo: SkopeoContext

function fixture(key: string): {digest: string; mediaType: string} {
  const f = env.fixtures[key]
  if (f === undefined) throw new Error(`missing fixture ${key}`)
  return f
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

async function skopeoRun(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const result = await run('skopeo', ['--policy', skopeo.policyFile, ...args], {allowFailure: true, env: skopeo.env, timeoutMs: 60_000})
  return {code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr}
}

async function getToken(scopes: string[], user?: {username: string; password: string}): Promise<HarnessResponse> {
  const query = new URLSearchParams({service: env.tokenServer.service})
  for (const scope of scopes) query.append('scope', scope)
  return harnessRequest(`${env.tokenServer.realm}?${query.toString()}`, {
    ca,
    headers: user === undefined ? {} : {authorization: basicAuth(user.username, user.password)},
  })
}

async function bearer(scopes: string[], user?: {username: string; password: string}): Promise<string> {
  const response = await getToken(scopes, user)
  expect(response.status).toBe(200)
  const body = jsonBody(response)
  if (!isRecord(body) || typeof body['token'] !== 'string') throw new Error('token response without token')
  return body['token']
}

function decodeJwt(token: string): {header: Record<string, unknown>; claims: Record<string, unknown>} {
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown)
  if (!isRecord(header) || !isRecord(claims)) throw new Error('not a JWT')
  return {header, claims}
}

beforeAll(async () => {
  // Under the environment's tmpDir, which its teardown removes.
  skopeo = await makeSkopeoContext(mkdtempSync(path.join(env.tmpDir, 'skopeo-worker-')), env.certDir)
})

beforeEach(async () => {
  await env.resetRequestCounts()
})

describe('fixtures as seen by skopeo', () => {
  it('anonymous skopeo inspects public/* on the token registry and sees the recorded digests', async () => {
    for (const key of ['token:public/single:1.0', 'token:public/multi:1.0']) {
      const ref = key.slice('token:'.length)
      const result = await skopeoRun(['inspect', '--raw', '--no-creds', '--cert-dir', env.certDir, `docker://${env.registries.token.host}/${ref}`])
      expect(result.code, result.stderr).toBe(0)
      expect(sha256(Buffer.from(result.stdout, 'utf8'))).toBe(fixture(key).digest)
    }
    const digest = await skopeoRun(['inspect', '--format', '{{.Digest}}', '--no-creds', '--cert-dir', env.certDir, `docker://${env.registries.token.host}/public/multi:1.0`])
    expect(digest.stdout.trim()).toBe(fixture('token:public/multi:1.0').digest)
    const stats = await env.tokenServer.stats()
    expect(stats.byUserScope['anonymous repository:public/multi:pull']).toBeGreaterThanOrEqual(1)
  })

  it('multi is an OCI index of three platforms and team/list a Docker manifest list', () => {
    const multi = env.fixtures['token:public/multi:1.0']
    expect(multi?.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(multi?.children?.map((c) => [c.platform.architecture, c.platform.variant])).toEqual([['amd64', undefined], ['arm64', undefined], ['arm', 'v7']])
    const list = env.fixtures['token:team/list:1.0']
    expect(list?.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(list?.children?.every((c) => c.mediaType === 'application/vnd.docker.distribution.manifest.v2+json')).toBe(true)
    expect(env.fixtures['plain:public/single:1.0']?.digest).toBe(env.fixtures['token:public/single:1.0']?.digest)
  })

  it('private/app needs credentials: anonymous and outsider fail, puller succeeds', async () => {
    const ref = `docker://${env.registries.token.host}/private/app:1.0`
    const anonymous = await skopeoRun(['inspect', '--raw', '--no-creds', '--cert-dir', env.certDir, ref])
    expect(anonymous.code).not.toBe(0)
    expect(anonymous.stderr).toMatch(/unauthorized|authentication required/i)
    const stranger = await skopeoRun(['inspect', '--raw', '--creds', `${outsider.username}:${outsider.password}`, '--cert-dir', env.certDir, ref])
    expect(stranger.code).not.toBe(0)
    const ok = await skopeoRun(['inspect', '--raw', '--creds', `${puller.username}:${puller.password}`, '--cert-dir', env.certDir, ref])
    expect(ok.code, ok.stderr).toBe(0)
    expect(sha256(Buffer.from(ok.stdout, 'utf8'))).toBe(fixture('token:private/app:1.0').digest)
  })

  it('puller cannot push: the token server narrows the grant to pull and the registry refuses the upload', async () => {
    const result = await skopeoRun([
      'copy', '--quiet', '--src-cert-dir', env.certDir, '--dest-cert-dir', env.certDir,
      '--src-creds', `${puller.username}:${puller.password}`, '--dest-creds', `${puller.username}:${puller.password}`,
      `docker://${env.registries.token.host}/private/app:1.0`, `docker://${env.registries.token.host}/private/copy:1.0`,
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/denied|unauthorized|authentication required/i)
    const stats = await env.tokenServer.stats()
    const pushAsks = stats.requests.filter((r) => r.user === 'puller' && r.scopes.some((s) => s.startsWith('repository:private/copy:')))
    expect(pushAsks.length).toBeGreaterThan(0)
    // Never a 403 from the token server: it issues a token with what it grants.
    expect(pushAsks.every((r) => r.status === 200)).toBe(true)
    expect(pushAsks.flatMap((r) => r.granted).some((g) => g.actions.includes('push'))).toBe(false)
  })

  it('the basic registry takes alice and bob and refuses a wrong password', async () => {
    const ref = `docker://${env.registries.basic.host}/public/multi:1.0`
    for (const user of [alice, bob]) {
      const result = await skopeoRun(['inspect', '--raw', '--creds', `${user.username}:${user.password}`, '--cert-dir', env.certDir, ref])
      expect(result.code, result.stderr).toBe(0)
      expect(sha256(Buffer.from(result.stdout, 'utf8'))).toBe(fixture('basic:public/multi:1.0').digest)
    }
    const wrong = await skopeoRun(['inspect', '--raw', '--creds', `${alice.username}:nope`, '--cert-dir', env.certDir, ref])
    expect(wrong.code).not.toBe(0)
    const challenge = await harnessRequest(`${env.registries.basic.url}/v2/`, {ca})
    expect(challenge.status).toBe(401)
    expect(challenge.headers['www-authenticate']).toMatch(/^Basic realm="regctl-basic"/)
  })

  it('the plain registry speaks HTTP without auth', async () => {
    expect(env.registries.plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await harnessRequest(`${env.registries.plain.url}/v2/public/single/manifests/1.0`, {headers: {accept: MANIFEST_ACCEPT}})
    expect(response.status).toBe(200)
    expect(response.headers['docker-content-digest']).toBe(fixture('plain:public/single:1.0').digest)
  })
})

describe('token server', () => {
  it('issues RS256 JWTs with x5c that the registry accepts', async () => {
    const token = await bearer(['repository:private/app:pull,push'], pusher)
    const {header, claims} = decodeJwt(token)
    expect(header['alg']).toBe('RS256')
    expect(Array.isArray(header['x5c']) && header['x5c'].length).toBe(1)
    expect(claims).toMatchObject({iss: env.tokenServer.issuer, sub: 'pusher', aud: env.tokenServer.service})
    expect(claims['access']).toEqual([{type: 'repository', name: 'private/app', actions: ['pull', 'push']}])
    for (const field of ['exp', 'nbf', 'iat']) expect(typeof claims[field]).toBe('number')
    const response = await harnessRequest(`${env.registries.token.url}/v2/private/app/manifests/1.0`, {
      ca, headers: {authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT},
    })
    expect(response.status).toBe(200)
    expect(response.headers['docker-content-digest']).toBe(fixture('token:private/app:1.0').digest)
    expect(sha256(response.body)).toBe(fixture('token:private/app:1.0').digest)
  })

  it('grants the intersection: outsider gets a token without access and the registry says insufficient_scope', async () => {
    const token = await bearer(['repository:private/app:pull'], outsider)
    expect(decodeJwt(token).claims['access']).toEqual([])
    const response = await harnessRequest(`${env.registries.token.url}/v2/private/app/manifests/1.0`, {
      ca, headers: {authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT},
    })
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"')
  })

  it('refuses a wrong password with 401 and counts requests per user and scope', async () => {
    expect((await getToken(['repository:private/app:pull'], {username: 'pusher', password: 'wrong'})).status).toBe(401)
    await bearer(['repository:public/single:pull'])
    await bearer(['repository:public/single:pull'])
    const stats = await env.tokenServer.stats()
    expect(stats.total).toBe(3)
    expect(stats.byUserScope['anonymous repository:public/single:pull']).toBe(2)
    expect(stats.requests[0]?.status).toBe(401)
    await env.tokenServer.reset()
    expect((await env.tokenServer.stats()).total).toBe(0)
  })

  it('implements the OAuth2 POST: password with offline access, refresh_token with the identity token', async () => {
    const post = (form: Record<string, string>) => harnessRequest(env.tokenServer.realm, {
      method: 'POST', ca,
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams(form).toString(),
    })
    const password = await post({
      grant_type: 'password', service: env.tokenServer.service, client_id: 'regctl-test', access_type: 'offline',
      username: puller.username, password: puller.password, scope: 'repository:team/list:pull repository:team/list:push',
    })
    expect(password.status).toBe(200)
    const body = jsonBody(password)
    if (!isRecord(body) || typeof body['access_token'] !== 'string' || typeof body['refresh_token'] !== 'string') throw new Error('bad body')
    expect(decodeJwt(body['access_token']).claims['access']).toEqual([{type: 'repository', name: 'team/list', actions: ['pull']}])

    for (const refresh of [body['refresh_token'], env.identityToken]) {
      const refreshed = await post({grant_type: 'refresh_token', service: env.tokenServer.service, client_id: 'regctl-test', refresh_token: refresh, scope: 'repository:team/list:pull'})
      expect(refreshed.status).toBe(200)
    }
    const identity = jsonBody(await post({grant_type: 'refresh_token', service: env.tokenServer.service, client_id: 'x', refresh_token: env.identityToken, scope: 'repository:private/app:push'}))
    expect(isRecord(identity) && typeof identity['access_token'] === 'string' && decodeJwt(identity['access_token']).claims['sub']).toBe('pusher')
    expect((await post({grant_type: 'refresh_token', client_id: 'x', refresh_token: 'forged'})).status).toBe(401)
    expect((await post({grant_type: 'password', username: pusher.username, password: pusher.password})).status).toBe(400)
  })
})

describe('fault and redirect front', () => {
  const front = (): string => env.registries.front.url

  it('answers fault/ratelimited with 429, retry-after and Docker Hub rate-limit headers', async () => {
    const response = await harnessRequest(`${front()}/v2/fault/ratelimited/manifests/latest`, {ca})
    expect(response.status).toBe(429)
    expect(response.headers['retry-after']).toBe(String(RATE_LIMIT.retryAfterSeconds))
    expect(response.headers['ratelimit-limit']).toBe('100;w=21600')
    expect(response.headers['ratelimit-remaining']).toBe('0;w=21600')
    expect(response.headers['docker-ratelimit-source']).toBe('127.0.0.1')
  })

  it('answers fault/error500 with 500 and fault/garbage with a non-manifest under a wrong digest', async () => {
    expect((await harnessRequest(`${front()}/v2/fault/error500/manifests/latest`, {ca})).status).toBe(500)
    const garbage = await harnessRequest(`${front()}/v2/fault/garbage/manifests/latest`, {ca})
    expect(garbage.status).toBe(200)
    expect(() => JSON.parse(garbage.body.toString('utf8')) as unknown).toThrow()
    expect(garbage.headers['docker-content-digest']).toBe(GARBAGE_CLAIMED_DIGEST)
    expect(sha256(garbage.body)).not.toBe(GARBAGE_CLAIMED_DIGEST)
  })

  it('never answers fault/slow within a client time-out', async () => {
    const started = Date.now()
    await expect(harnessRequest(`${front()}/v2/fault/slow/manifests/latest`, {ca, timeoutMs: 1500})).rejects.toThrow(/timed out/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
  })

  it('proxies public/* manifests with decreasing rate-limit headers', async () => {
    // Anonymous first: the front relays the registry's challenge untouched.
    const challenge = await harnessRequest(`${front()}/v2/public/single/manifests/1.0`, {ca})
    expect(challenge.status).toBe(401)
    expect(challenge.headers['www-authenticate']).toContain(`realm="${env.tokenServer.realm}"`)
    const token = await bearer(['repository:public/single:pull'])
    const authed = () => harnessRequest(`${front()}/v2/public/single/manifests/1.0`, {ca, headers: {authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT}})
    const first = await authed()
    const second = await authed()
    expect(first.status).toBe(200)
    expect(first.headers['docker-content-digest']).toBe(fixture('token:public/single:1.0').digest)
    expect(first.headers['ratelimit-remaining']).toBe('99;w=21600')
    expect(second.headers['ratelimit-remaining']).toBe('98;w=21600')
    expect(second.headers['ratelimit-limit']).toBe('100;w=21600')
  })

  it('redirects redirect/* blobs to another host after authorizing, and strips nothing itself', async () => {
    const token = await bearer(['repository:redirect/blob:pull'], pusher)
    const auth = {authorization: `Bearer ${token}`}
    const manifest = await harnessRequest(`${front()}/v2/redirect/blob/manifests/1.0`, {ca, headers: {...auth, accept: MANIFEST_ACCEPT}})
    expect(manifest.status).toBe(200)
    const parsed = jsonBody(manifest)
    if (!isRecord(parsed) || !Array.isArray(parsed['layers']) || !isRecord(parsed['layers'][0])) throw new Error('bad manifest')
    const layerDigest = String(parsed['layers'][0]['digest'])
    const blobPath = `/v2/redirect/blob/blobs/${layerDigest}`

    const unauthenticated = await harnessRequest(`${front()}${blobPath}`, {ca})
    expect(unauthenticated.status).toBe(401)

    const redirect = await harnessRequest(`${front()}${blobPath}`, {ca, headers: auth})
    expect(redirect.status).toBe(307)
    const location = new URL(String(redirect.headers.location))
    expect(location.host).toBe(env.blobServer.host)
    expect(location.host).not.toBe(env.registries.front.host)

    // Follow it twice: once forwarding Authorization (what a careless client does), once without.
    const leaked = await harnessRequest(location.href, {ca, headers: auth})
    const clean = await harnessRequest(location.href, {ca})
    expect(leaked.status).toBe(200)
    expect(sha256(clean.body)).toBe(layerDigest)
    const hits = await env.blobServer.hits()
    expect(hits.map((h) => [h.method, h.authorization])).toEqual([['GET', true], ['GET', false]])
    await env.blobServer.reset()
    expect(await env.blobServer.hits()).toEqual([])
  })
})

describe('request counting', () => {
  it('counts the token registry requests by method and kind from its access log', async () => {
    const token = await bearer(['repository:public/multi:pull'])
    const base = `${env.registries.token.url}/v2/public/multi`
    const headers = {authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT}
    await harnessRequest(`${env.registries.token.url}/v2/`, {ca})
    await harnessRequest(`${base}/manifests/1.0`, {ca, method: 'HEAD', headers})
    await harnessRequest(`${base}/manifests/1.0`, {ca, headers})
    await harnessRequest(`${base}/tags/list`, {ca, headers})
    const child = env.fixtures['token:public/multi:1.0']?.children?.[0]?.digest ?? ''
    await harnessRequest(`${base}/manifests/${child}`, {ca, headers})
    const counts = await env.requestCounts('token')
    expect(counts.byMethodKind).toEqual({'GET ping': 1, 'HEAD manifest': 1, 'GET manifest': 2, 'GET tags': 1})
    expect(counts.entries[0]).toMatchObject({method: 'GET', path: '/v2/', status: 401, kind: 'ping'})
    expect(counts.entries.at(-1)).toMatchObject({repository: 'public/multi', status: 200})

    await env.resetRequestCounts('token')
    expect((await env.requestCounts('token')).total).toBe(0)
  })

  it('counts front requests separately from the registries', async () => {
    await harnessRequest(`${env.registries.front.url}/v2/fault/error500/manifests/x`, {ca})
    await harnessRequest(`${env.registries.plain.url}/v2/`)
    expect((await env.requestCounts('front')).byMethodKind).toEqual({'GET manifest': 1})
    expect((await env.requestCounts('plain')).byMethodKind).toEqual({'GET ping': 1})
    expect((await env.requestCounts('basic')).total).toBe(0)
  })
})
