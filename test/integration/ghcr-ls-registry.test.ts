/**
 * `regctl ghcr ls OWNER/PACKAGE --source registry` against the real docker-registry of the
 * integration environment (REGCTL_GHCR_REGISTRY points it there): 150 tags, asked for 100 a page,
 * anonymously for a public repository and with pull-only credentials from the Docker config for a
 * private one.
 *
 * distribution 2.8 (Debian's docker-registry) ignores `n` on tags/list and answers every tag in
 * one body with no Link (tag pagination arrived in distribution 3), so following
 * `Link: rel="next"` over several pages is covered where a server pages: the client tests
 * (test/unit/registry/client.test.ts) and the fake GHCR of test/integration/ghcr-ls.test.ts.
 */
import {readFileSync} from 'node:fs'
import {beforeAll, describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {harnessRequest} from '../harness/http.js'
import {authsConfig, runCli} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token
const EXTRA_TAGS = 149 // + the fixture's own 1.0: 150 tags, two pages of 100
const MANIFEST_TYPES = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'

/** Tags `public/single` and `private/app` with t-000…t-148 by PUTting their 1.0 manifest again (as pusher). */
async function addTags(repository: string): Promise<void> {
  const ca = readFileSync(env.caFile)
  const basic = Buffer.from(`${env.users.pusher.username}:${env.users.pusher.password}`).toString('base64')
  const scope = `repository:${repository}:pull,push`
  const tokenResponse = await harnessRequest(`${env.tokenServer.realm}?service=${env.tokenServer.service}&scope=${encodeURIComponent(scope)}`, {
    ca,
    headers: {authorization: `Basic ${basic}`},
  })
  const bearer = (JSON.parse(tokenResponse.body.toString('utf8')) as {token: string}).token
  const auth = {authorization: `Bearer ${bearer}`}
  const manifest = await harnessRequest(`${token.url}/v2/${repository}/manifests/1.0`, {ca, headers: {...auth, accept: MANIFEST_TYPES}})
  expect(manifest.status).toBe(200)
  const contentType = String(manifest.headers['content-type'])
  for (let i = 0; i < EXTRA_TAGS; i++) {
    const put = await harnessRequest(`${token.url}/v2/${repository}/manifests/t-${String(i).padStart(3, '0')}`, {
      ca,
      method: 'PUT',
      headers: {...auth, 'content-type': contentType},
      body: manifest.body,
    })
    expect(put.status).toBe(201)
  }
}

type TagsJson = {kind: string; source: string; repository: string; tags: string[]; truncated: boolean}

describe('ghcr ls --source registry on a real registry', () => {
  beforeAll(async () => {
    await addTags('public/single')
    await addTags('private/app')
  }, 120_000)

  it('lists 150 tags of a public repository anonymously (n=100 asked; this registry answers one page)', async () => {
    await env.resetRequestCounts('token')
    const result = await runCli(['ghcr', 'ls', 'public/single', '--source', 'registry', '--json'], {
      caFile: env.caFile,
      env: {REGCTL_GHCR_REGISTRY: token.host, REGCTL_NO_KEYRING: '1'},
    })
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = JSON.parse(result.stdout) as TagsJson
    expect(doc).toMatchObject({kind: 'tags', source: 'registry', repository: `${token.host}/public/single`, truncated: false})
    expect(doc.tags).toHaveLength(EXTRA_TAGS + 1)
    expect(new Set(doc.tags).size).toBe(doc.tags.length)
    expect(doc.tags).toContain('1.0')
    const counts = await env.requestCounts('token')
    const tagRequests = counts.entries.filter((e) => e.kind === 'tags')
    expect(tagRequests.map((e) => e.path)).toEqual(['/v2/public/single/tags/list?n=100'])
  })

  it('--limit stops after the page that reaches it', async () => {
    await env.resetRequestCounts('token')
    const result = await runCli(['ghcr', 'ls', 'public/single', '--source', 'registry', '--limit', '20', '--json'], {
      caFile: env.caFile,
      env: {REGCTL_GHCR_REGISTRY: token.host, REGCTL_NO_KEYRING: '1'},
    })
    const doc = JSON.parse(result.stdout) as TagsJson
    expect(doc.tags).toHaveLength(20)
    expect(doc.truncated).toBe(true)
    expect((await env.requestCounts('token')).byMethodKind['GET tags']).toBe(1)
  })

  it('a private repository with pull-only credentials from the Docker config; without them, unauthorized', async () => {
    const withLogin = await runCli(['ghcr', 'ls', 'private/app', '--source', 'registry', '--json'], {
      caFile: env.caFile,
      dockerConfig: authsConfig({[token.host]: env.users.puller}),
      env: {REGCTL_GHCR_REGISTRY: token.host, REGCTL_NO_KEYRING: '1'},
    })
    expect(withLogin.exitCode, withLogin.stderr).toBe(0)
    expect((JSON.parse(withLogin.stdout) as TagsJson).tags).toHaveLength(EXTRA_TAGS + 1)
    expect(withLogin.stdout + withLogin.stderr).not.toContain(env.users.puller.password)

    const anonymous = await runCli(['ghcr', 'ls', 'private/app', '--source', 'registry', '--json'], {
      caFile: env.caFile,
      env: {REGCTL_GHCR_REGISTRY: token.host, REGCTL_NO_KEYRING: '1'},
    })
    expect(anonymous.exitCode).toBe(1)
    expect((JSON.parse(anonymous.stdout) as {error: {code: string}}).error.code).toBe('AUTH_FAILED')
  })
})
