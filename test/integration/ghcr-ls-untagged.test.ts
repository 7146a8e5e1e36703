/**
 * `regctl ghcr ls OWNER/PACKAGE --untagged` (issue 8): GitHub lists the platform manifests of a
 * tagged multi-arch index as untagged package versions, and deleting them breaks the tag
 * (https://docs.github.com/en/packages/learn-github-packages/deleting-and-restoring-a-package).
 * The built CLI against the fake GitHub API (package versions per GitHub's OpenAPI `package-version`
 * schema, test/fixtures/github) whose versions mirror the real manifests pushed by skopeo to the
 * integration docker-registry (REGCTL_GHCR_REGISTRY points there): the tagged index is read from the
 * registry, its children are left out, and an unreadable index is exit 3 with no list.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {digestOf} from '../fixtures/github/factory.js'
import {startFakeGitHub, TOKENS, type FakeGitHub} from '../fixtures/github/server.js'
import {connectEnvironment} from '../harness/client.js'
import {authsConfig, runCli, type CliResult} from './cli.js'

const env = connectEnvironment(inject('env'))
const registry = env.registries.token
const multi = env.fixtures['token:public/multi:1.0']
const list = env.fixtures['token:team/list:1.0']
const ORPHANS = [digestOf('orphan-1'), digestOf('orphan-2')]

let dir: string
let caFile: string
let github: FakeGitHub

beforeAll(async () => {
  if (!multi?.children || !list?.children) throw new Error('the harness has no public/multi or team/list index fixture')
  dir = await mkdtemp(path.join(tmpdir(), 'regctl-untagged-it-'))
  const key = path.join(dir, 'key.pem')
  const cert = path.join(dir, 'cert.pem')
  await promisify(execFile)(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    {timeout: 30_000},
  )
  // One NODE_EXTRA_CA_CERTS file: the harness CA (registry, token server) and the fake GitHub's certificate.
  caFile = path.join(dir, 'ca.pem')
  await writeFile(caFile, `${await readFile(env.caFile, 'utf8')}\n${await readFile(cert, 'utf8')}`)
  const newestFirst = (index: {digest: string; children?: Array<{digest: string}>}, tags: string[]) => [
    {digest: index.digest, tags},
    ...(index.children ?? []).map((child) => ({digest: child.digest, tags: []})),
  ]
  github = await startFakeGitHub(
    {key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8')},
    {
      packages: [
        // A public multi-arch image tagged 1.0 and latest, its 3 platform manifests, and 2 real orphans.
        {owner: 'public', ownerType: 'Organization', name: 'multi', versions: [{digest: ORPHANS[0] as string, tags: []}, ...newestFirst(multi, ['1.0', 'latest']), {digest: ORPHANS[1] as string, tags: []}]},
        // A private Docker manifest list: its children are only known with a login.
        {owner: 'team', ownerType: 'Organization', name: 'list', versions: [...newestFirst(list, ['1.0']), {digest: ORPHANS[0] as string, tags: []}]},
        // A tag whose manifest the registry does not have.
        {owner: 'public', ownerType: 'Organization', name: 'single', versions: [{digest: digestOf('gone'), tags: ['old']}, {digest: ORPHANS[0] as string, tags: []}]},
      ],
    },
  )
}, 60_000)

afterAll(async () => {
  await github?.close()
  if (dir) await rm(dir, {recursive: true, force: true})
})

function ghcrLs(args: string[], options: {dockerConfig?: unknown; env?: Record<string, string>} = {}): Promise<CliResult> {
  return runCli(['ghcr', 'ls', ...args], {
    caFile,
    ...(options.dockerConfig === undefined ? {} : {dockerConfig: options.dockerConfig}),
    env: {GITHUB_API_URL: github.url, REGCTL_GHCR_REGISTRY: registry.host, REGCTL_NO_KEYRING: '1', GH_TOKEN: TOKENS.good, ...options.env},
  })
}

type VersionsJson = {exitCode: number; kind: string; versions: Array<{digest: string; tags: string[]}>; inUseByTags: Array<{digest: string; usedBy: string[]}>; truncated: boolean}

describe('ghcr ls --untagged leaves out the children of tagged indexes', () => {
  it('a public multi-arch image: only the 2 orphans; the 3 platform manifests are in inUseByTags (read anonymously, 1 manifest GET)', async () => {
    await env.resetRequestCounts('token')
    const result = await ghcrLs(['public/multi', '--untagged', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = JSON.parse(result.stdout) as VersionsJson
    expect(doc.versions.map((v) => v.digest)).toEqual(ORPHANS)
    expect(doc.inUseByTags).toEqual(multi?.children?.map((child) => ({digest: child.digest, usedBy: ['1.0', 'latest']})))
    const counts = await env.requestCounts('token')
    expect(counts.entries.filter((e) => e.kind === 'manifest').map((e) => `${e.method} ${e.path}`)).toEqual([`GET /v2/public/multi/manifests/${multi?.digest}`])
    expect(result.stdout + result.stderr).not.toContain(TOKENS.good)
  })

  it('-q prints exactly the orphans (safe for `xargs delete`); stderr says what was left out and why', async () => {
    const result = await ghcrLs(['public/multi', '--untagged', '-q'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe(`${ORPHANS.join('\n')}\n`)
    expect(result.stderr).toContain(
      'regctl: left out 3 untagged versions that tagged indexes use (:1.0, :latest): platform or attestation manifests; deleting them would break those tags',
    )
  })

  it('the table names them as untagged versions no tag uses; --limit 1 cuts after the filter', async () => {
    const result = await ghcrLs(['public/multi', '--untagged', '--limit', '1'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(result.stdout).toContain(ORPHANS[0])
    expect(result.stderr).toContain('1 untagged version listed for public/multi (none of them used by a tag); more exist (raise --limit)')
  })

  it('a private manifest list read with the Docker login of the registry (as --source registry)', async () => {
    const result = await ghcrLs(['team/list', '--untagged', '--json'], {dockerConfig: authsConfig({[registry.host]: env.users.puller})})
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = JSON.parse(result.stdout) as VersionsJson
    expect(doc.versions.map((v) => v.digest)).toEqual([ORPHANS[0]])
    expect(doc.inUseByTags.map((v) => v.digest)).toEqual(list?.children?.map((child) => child.digest))
    expect(result.stdout + result.stderr).not.toContain(env.users.puller.password)
  })
})

describe('ghcr ls --untagged is undetermined (exit 3, no list) when an index cannot be read', () => {
  it.each<[string, string[], string]>([
    ['the private index without a login (401)', ['team/list'], `reading the manifest ${registry.host}/team/list@${list?.digest}`],
    ['a tag whose manifest the registry does not have (404)', ['public/single'], `reading the manifest ${registry.host}/public/single@${digestOf('gone')}`],
  ])('%s', async (_name, args, message) => {
    const result = await ghcrLs([...args, '--untagged', '-q'])
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(message)
    expect(result.stderr.trimEnd().split('\n').at(-1)).toContain('no untagged version is listed as unused')

    const json = await ghcrLs([...args, '--untagged', '--json'])
    expect(json.exitCode).toBe(3)
    expect(JSON.parse(json.stdout)).toMatchObject({exitCode: 3, error: {code: 'UNDETERMINED'}})
    expect(json.stdout).not.toContain(ORPHANS[0])
  })

  it('an unreachable registry', async () => {
    const result = await ghcrLs(['public/multi', '--untagged', '-q'], {env: {REGCTL_GHCR_REGISTRY: '127.0.0.1:9'}})
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('could not reach')
  })
})
