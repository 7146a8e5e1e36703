/**
 * `regctl pull-check` end to end: the real CLI (bin/run.js) against real docker-registry
 * processes on loopback (TLS with the suite's CA, token auth, htpasswd, plain HTTP) and the fault
 * front. Every verdict, the credential sources, the request budget, and skopeo as the referee.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {Ajv} from 'ajv'
import formats from 'ajv-formats'
import {describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'
import {authsConfig, runCli, type RunOptions} from './cli.js'

const env = connectEnvironment(inject('env'))
const token = env.registries.token.host
const basic = env.registries.basic.host
const plain = env.registries.plain.host
const front = env.registries.front.host
const {pusher, puller, outsider, alice} = env.users
const SECRETS = [pusher.password, puller.password, outsider.password, alice.password, env.users.bob.password, env.identityToken, env.expiredEcrLogin.password]

const schema = JSON.parse(readFileSync(new URL('../../docs/json/pull-check.schema.json', import.meta.url), 'utf8')) as object
const errorSchema = JSON.parse(readFileSync(new URL('../../docs/json/error.schema.json', import.meta.url), 'utf8')) as object
const ajv = new Ajv({allErrors: true, strict: false})
// ajv-formats is CommonJS: under Node16 resolution its plugin is the `default` property.
formats.default(ajv)
const validate = ajv.compile(schema)
const validateError = ajv.compile(errorSchema)

type ImageJson = {
  input: string
  reference?: string
  verdict: string
  message?: string
  digest?: string
  mediaType?: string
  platforms?: string[]
  platform?: {requested: string; digest?: string}
  platformChecks?: Array<{platform: string; digest: string; verdict: string}>
  blobs?: {checked: number; missing: string[]}
  credential: {source: string; username?: string}
  fix?: string
  rateLimit?: {limit?: number; remaining?: number; source?: string; resetAt?: string}
}
type Report = {platform: string; images: ImageJson[]; summary: {total: number; pullable: number; failed: number; indeterminate: number}}

/** Runs pull-check --json, checks the schema and that no secret leaked, returns the report. */
async function check(args: string[], options: RunOptions = {}): Promise<{exitCode: number; report: Report; stderr: string}> {
  const result = await runCli(['pull-check', '--json', ...args], {caFile: env.caFile, ...options})
  for (const secret of SECRETS) {
    expect(result.stdout).not.toContain(secret)
    expect(result.stderr).not.toContain(secret)
  }

  const report = JSON.parse(result.stdout) as Report
  if (!validate(report)) throw new Error(`schema: ${ajv.errorsText(validate.errors)}\n${result.stdout}`)
  return {exitCode: result.exitCode, report, stderr: result.stderr}
}

async function one(image: string, options: RunOptions = {}, extra: string[] = []): Promise<ImageJson & {exitCode: number}> {
  const {exitCode, report} = await check([...extra, image], options)
  expect(report.images).toHaveLength(1)
  return {...(report.images[0] as ImageJson), exitCode}
}

const fixture = (key: string) => {
  const f = env.fixtures[key]
  if (!f) throw new Error(`no fixture ${key}`)
  return f
}

describe('pull-check verdicts against the token-auth registry', () => {
  it('pullable: an anonymous single-platform image, with HEAD requests only', async () => {
    await env.resetRequestCounts('token')
    const image = await one(`${token}/public/single:1.0`)
    expect(image).toMatchObject({
      verdict: 'pullable',
      exitCode: 0,
      reference: `${token}/public/single:1.0`,
      digest: fixture('token:public/single:1.0').digest,
      credential: {source: 'anonymous'},
    })
    const counts = await env.requestCounts('token')
    expect(counts.byMethodKind['GET manifest'] ?? 0).toBe(0)
    expect(counts.byMethodKind['HEAD manifest']).toBe(1)
  })

  it('pullable: an OCI index resolved for the requested platform', async () => {
    const multi = fixture('token:public/multi:1.0')
    const arm64 = multi.children?.find((c) => c.platform.architecture === 'arm64')
    const image = await one(`${token}/public/multi:1.0`, {}, ['--platform', 'linux/arm64'])
    expect(image).toMatchObject({
      verdict: 'pullable',
      digest: multi.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platform: {requested: 'linux/arm64', digest: arm64?.digest},
    })
    expect(image.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
  })

  it('pullable: a Docker manifest list with pull-only credentials from config.json auths', async () => {
    const list = fixture('token:team/list:1.0')
    const image = await one(`${token}/team/list:1.0`, {dockerConfig: authsConfig({[token]: puller})}, ['--platform', 'linux/arm/v7'])
    expect(image).toMatchObject({
      verdict: 'pullable',
      digest: list.digest,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      credential: {source: 'config.json auths', username: 'puller'},
    })
  })

  it('pullable: --all-platforms checks every platform manifest', async () => {
    const image = await one(`${token}/public/multi:1.0`, {}, ['--all-platforms'])
    expect(image.verdict).toBe('pullable')
    expect(image.platformChecks?.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/amd64', 'pullable'],
      ['linux/arm64', 'pullable'],
      ['linux/arm/v7', 'pullable'],
    ])
  })

  it('pullable: an identity token (OAuth2 refresh_token grant)', async () => {
    const image = await one(`${token}/private/app:1.0`, {dockerConfig: {auths: {[token]: {auth: Buffer.from('pusher:').toString('base64'), identitytoken: env.identityToken}}}})
    expect(image).toMatchObject({verdict: 'pullable', digest: fixture('token:private/app:1.0').digest})
  })

  it('unauthorized: a private repository without credentials', async () => {
    const image = await one(`${token}/private/app:1.0`)
    expect(image).toMatchObject({verdict: 'unauthorized', exitCode: 1, credential: {source: 'anonymous'}})
  })

  it('unauthorized: a wrong password, after exactly one token request', async () => {
    await env.tokenServer.reset()
    const image = await one(`${token}/private/app:1.0`, {dockerConfig: authsConfig({[token]: {username: 'puller', password: 'wrong-password-x'}})})
    expect(image).toMatchObject({verdict: 'unauthorized', exitCode: 1})
    expect(image.message).toMatch(/rejected/)
    const stats = await env.tokenServer.stats()
    expect(stats.total).toBe(1)
  })

  it('denied: valid credentials without the right to pull', async () => {
    const image = await one(`${token}/private/app:1.0`, {dockerConfig: authsConfig({[token]: outsider})})
    expect(image).toMatchObject({verdict: 'denied', exitCode: 1, credential: {source: 'config.json auths', username: 'outsider'}})
  })

  it('unauthorized, not denied: an expired ECR-style token (the token server answers 403 "Your authorization token has expired")', async () => {
    await env.tokenServer.reset()
    const image = await one(`${token}/private/app:1.0`, {dockerConfig: authsConfig({[token]: env.expiredEcrLogin})})
    expect(image).toMatchObject({verdict: 'unauthorized', exitCode: 1, credential: {source: 'config.json auths', username: 'AWS'}})
    // The ECR token carries its own expiry (`expiration`, epoch seconds): the message names it (issue 8).
    expect(image.message).toBe('the authorization token expired at 2020-09-13T12:26:40.000Z (HTTP 403): log in again')
    expect(image.fix).toBe(`docker login ${token}`)
    const stats = await env.tokenServer.stats()
    expect(stats.requests.map((r) => r.status)).toEqual([403])
  })

  it('not-found: a missing tag and a missing repository', async () => {
    const {exitCode, report} = await check([`${token}/public/single:nope`, `${token}/private/nothing-here:1`], {dockerConfig: authsConfig({[token]: pusher})})
    expect(exitCode).toBe(1)
    expect(report.images.map((i) => i.verdict)).toEqual(['not-found', 'not-found'])
    expect(report.images[0]?.message).toMatch(/^manifest not found \(MANIFEST_UNKNOWN/)
    // distribution 2.8 answers MANIFEST_UNKNOWN even for a repository it has never seen.
    expect(report.images[1]?.message).toMatch(/not found \((NAME|MANIFEST)_UNKNOWN/)
  })

  it('platform-missing: lists what the index offers', async () => {
    const image = await one(`${token}/public/multi:1.0`, {}, ['--platform', 'linux/s390x'])
    expect(image).toMatchObject({verdict: 'platform-missing', exitCode: 1, platform: {requested: 'linux/s390x'}})
    expect(image.message).toContain('linux/arm/v7')
  })

  it('platform-missing: an explicit --platform that a single-platform image does not have (its config says)', async () => {
    const wrong = await one(`${token}/public/single:1.0`, {}, ['--platform', 'linux/arm64'])
    expect(wrong).toMatchObject({verdict: 'platform-missing', exitCode: 1, platforms: ['linux/amd64'], platform: {requested: 'linux/arm64'}})
    const right = await one(`${token}/public/single:1.0`, {}, ['--platform', 'linux/amd64'])
    expect(right).toMatchObject({verdict: 'pullable', platforms: ['linux/amd64'], platform: {requested: 'linux/amd64', digest: fixture('token:public/single:1.0').digest}})
  })

  it('one token request per repository, one manifest request per pullable reference', async () => {
    await env.resetRequestCounts()
    const refs = ['1.0', '1.0', 'nope'].map((tag) => `${token}/private/app:${tag}`)
    const {report} = await check(refs, {dockerConfig: authsConfig({[token]: puller})})
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'pullable', 'not-found'])
    const stats = await env.tokenServer.stats()
    expect(stats.total).toBe(1)
    const counts = await env.requestCounts('token')
    // Duplicates are checked once; a 404 HEAD (no body) is followed by one GET to learn why.
    expect(counts.byMethodKind['HEAD manifest']).toBe(2)
    expect(counts.byMethodKind['GET manifest']).toBe(1)
  })

  it('--platform: one manifest GET per reference and no HEAD before it; an image\'s config read once per repository (issue 10)', async () => {
    await env.resetRequestCounts()
    const single = fixture('token:public/single:1.0')
    const multi = fixture('token:public/multi:1.0')
    const refs = [
      `${token}/public/single:1.0`,
      `${token}/public/single@${single.digest}`,
      `${token}/public/multi:1.0`,
      `${token}/public/multi@${multi.digest}`,
      `${token}/private/app:1.0`,
    ]
    const {report} = await check(['--platform', 'linux/amd64', ...refs], {dockerConfig: authsConfig({[token]: puller})})
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'pullable', 'pullable', 'pullable', 'pullable'])
    const counts = await env.requestCounts('token')
    expect(counts.byMethodKind['GET manifest']).toBe(refs.length)
    // The only HEAD: the linux/amd64 manifest of the index, shared by both references to it.
    expect(counts.byMethodKind['HEAD manifest']).toBe(1)
    // One config per image and repository: public/single's once for its two references.
    expect(counts.byMethodKind['GET blob']).toBe(2)
  })

  it('one kept-alive connection per host: every request to the registry over one socket, every token over one more (issue 10)', async () => {
    await env.resetRequestCounts()
    const refs = ['public/single:1.0', 'public/multi:1.0', 'private/app:1.0', 'team/list:1.0'].map((r) => `${front}/${r}`)
    const {report} = await check(['--concurrency', '1', '--platform', 'linux/amd64', ...refs], {dockerConfig: authsConfig({[front]: pusher})})
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'pullable', 'pullable', 'pullable'])
    const counts = await env.requestCounts('front')
    // ping + 4 manifest GETs + 2 platform-manifest HEADs + 2 config GETs, all on one connection.
    expect(counts.total).toBe(9)
    expect(counts.connections).toBe(1)
    const tokens = await env.tokenServer.stats()
    expect(tokens.total).toBe(4)
    expect(tokens.connections).toBe(1)
  })
})

describe('pull-check against basic auth, plain HTTP and broken registries', () => {
  it('htpasswd Basic auth: accepted, rejected, missing', async () => {
    const ok = await one(`${basic}/private/app:1.0`, {dockerConfig: authsConfig({[basic]: alice})})
    expect(ok).toMatchObject({verdict: 'pullable', credential: {source: 'config.json auths', username: 'alice'}, digest: fixture('basic:private/app:1.0').digest})
    const wrong = await one(`${basic}/private/app:1.0`, {dockerConfig: authsConfig({[basic]: {username: 'alice', password: 'nope-nope'}})})
    expect(wrong.verdict).toBe('unauthorized')
    const none = await one(`${basic}/public/single:1.0`)
    expect(none.verdict).toBe('unauthorized')
  })

  it('a loopback registry over plain HTTP (HTTPS tried first, as docker does)', async () => {
    const image = await one(`${plain}/public/multi:1.0`, {}, ['--platform', 'linux/amd64'])
    expect(image).toMatchObject({verdict: 'pullable', digest: fixture('plain:public/multi:1.0').digest})
  })

  it('rate-limited: 429 with the reset time and Docker Hub headers', async () => {
    const image = await one(`${front}/fault/ratelimited:1.0`)
    expect(image).toMatchObject({verdict: 'rate-limited', exitCode: 3})
    expect(image.rateLimit?.resetAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('rate limit headers of a successful response are reported', async () => {
    const image = await one(`${front}/public/single:1.0`)
    expect(image.verdict).toBe('pullable')
    expect(image.rateLimit).toMatchObject({limit: 100, source: '127.0.0.1'})
    expect(typeof image.rateLimit?.remaining).toBe('number')
  })

  it('registry-error: a 500, and (once the body is read, with --blobs) a body that is not the manifest its digest claims', async () => {
    const {exitCode, report} = await check(['--blobs', `${front}/fault/error500:1.0`, `${front}/fault/garbage:1.0`], {dockerConfig: authsConfig({[front]: pusher})})
    expect(report.images.map((i) => i.verdict)).toEqual(['registry-error', 'registry-error'])
    expect(report.images[0]?.message).toContain('500')
    expect(report.images[1]?.message).toMatch(/digest/)
    expect(exitCode).toBe(3)
  })

  it('unreachable: a timeout and a closed port', async () => {
    const closed = await closedPort()
    const {exitCode, report} = await check(['--timeout', '2', `${front}/fault/slow:1.0`, `127.0.0.1:${closed}/x/y:1`])
    expect(report.images.map((i) => i.verdict)).toEqual(['unreachable', 'unreachable'])
    expect(exitCode).toBe(3)
  })

  it('--blobs follows a blob redirect to another host without sending Authorization', async () => {
    await env.blobServer.reset()
    const image = await one(`${front}/redirect/blob:1.0`, {dockerConfig: authsConfig({[front]: pusher})}, ['--blobs'])
    expect(image).toMatchObject({verdict: 'pullable', blobs: {checked: 2, missing: []}})
    const hits = await env.blobServer.hits()
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.every((h) => !h.authorization)).toBe(true)
  })
})

describe('pull-check input handling and exit codes', () => {
  it('invalid references are reported, the rest still checked, exit 2', async () => {
    const {exitCode, report} = await check(['MyOrg/App', `${token}/public/single:1.0`])
    expect(report.images.map((i) => i.verdict)).toEqual(['invalid-reference', 'pullable'])
    expect(report.images[0]?.message).toBe('repository name must be lowercase: MyOrg/App')
    expect(exitCode).toBe(2)
  })

  it('reads references from stdin with -f -', async () => {
    const {report} = await check(['-f', '-'], {stdin: `# images\n${token}/public/single:1.0\n\n${token}/public/multi:1.0  # index\n`})
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'pullable'])
  })

  it('a malformed config file is an error naming the file and position, exit 2', async () => {
    const result = await runCli(['pull-check', '--json', `${token}/public/single:1.0`], {caFile: env.caFile, dockerConfig: '{"auths": {\n  "x": {"auth": "abc"},,\n}}'})
    expect(result.exitCode).toBe(2)
    const doc = JSON.parse(result.stdout) as {error: {code: string; message: string}}
    expect(validateError(doc)).toBe(true)
    expect(doc.error.code).toBe('CONFIG_MALFORMED')
    expect(doc.error.message).toMatch(/config\.json:2:\d+/)
  })

  it('DOCKER_CONFIG naming the config file itself: one line saying DOCKER_CONFIG names a directory and which to set, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regctl-dc-file-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, '{"auths": {}}')
    try {
      const result = await runCli(['pull-check', `${token}/public/single:1.0`], {caFile: env.caFile, env: {DOCKER_CONFIG: file}})
      expect(result.exitCode).toBe(2)
      expect(result.stderr.trim().split('\n')).toEqual([
        `regctl: ${file}/config.json: cannot read: ${file} is not a directory: DOCKER_CONFIG names a directory; if it points at a file, set DOCKER_CONFIG=${dir}`,
      ])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('human output in a pipe: tab-separated rows on stdout, notes and the summary line on stderr, no stack traces', async () => {
    const result = await runCli(['pull-check', `${token}/public/single:1.0`, `${token}/private/app:1.0`], {caFile: env.caFile})
    expect(result.exitCode).toBe(1)
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'))
    expect(rows).toEqual([
      [`${token}/public/single:1.0`, '✓ pullable', fixture('token:public/single:1.0').digest, 'single', 'anonymous'],
      [`${token}/private/app:1.0`, '✗ unauthorized', '', '', 'anonymous'],
    ])
    expect(result.stderr).toMatch(/2 images checked for linux\/\w+: 1 pullable, 1 unauthorized\n$/)
    expect(result.stderr).toContain(`✗ ${token}/private/app:1.0: `)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('-q prints the pullable references; -q --digest pins them as REF@sha256:… (skopeo agrees)', async () => {
    const single = `${token}/public/single:1.0`
    const multi = `${token}/public/multi:1.0`
    const quiet = await runCli(['pull-check', '-q', single, `${token}/private/app:1.0`], {caFile: env.caFile})
    expect(quiet.exitCode).toBe(1)
    expect(quiet.stdout).toBe(`${single}\n`)
    expect(quiet.stderr).toContain(`✗ ${token}/private/app:1.0: `)

    const pinned = await runCli(['pull-check', '-q', '--digest', single, multi], {caFile: env.caFile})
    expect(pinned.exitCode, pinned.stderr).toBe(0)
    expect(pinned.stdout).toBe(`${single}@${fixture('token:public/single:1.0').digest}\n${multi}@${fixture('token:public/multi:1.0').digest}\n`)
    expect(pinned.stderr).toBe('')
  })

  it('--platform arm64 and DOCKER_DEFAULT_PLATFORM=arm64 mean linux/arm64; --platform linux takes this machine\'s architecture', async () => {
    const multi = `${token}/public/multi:1.0`
    const machineArch = process.arch === 'x64' ? 'amd64' : process.arch
    for (const [args, options, expected] of [
      [['--platform', 'arm64'], {}, 'linux/arm64'],
      [[], {env: {DOCKER_DEFAULT_PLATFORM: 'arm64'}}, 'linux/arm64'],
      [['--platform', 'amd64'], {env: {DOCKER_DEFAULT_PLATFORM: 'linux/arm64'}}, 'linux/amd64'],
      [['--platform', 'linux'], {}, `linux/${machineArch}`],
    ] as const) {
      const {exitCode, report} = await check([...args, multi], options)
      expect(exitCode, expected).toBe(0)
      expect(report.platform).toBe(expected)
      expect(report.images[0]?.platform?.requested).toBe(expected)
    }
  })

  it('-v: the 401 challenge, the token exchange and the manifest HEAD on stderr with timings; no password or token', async () => {
    const image = `${token}/private/app:1.0`
    const result = await runCli(['pull-check', '-v', '-q', image], {caFile: env.caFile, dockerConfig: authsConfig({[token]: puller})})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe(`${image}\n`)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toContainEqual(`regctl: > GET https://${token}/v2/`)
    expect(lines.find((line) => line.startsWith(`regctl: < 401 GET https://${token}/v2/ (`))).toMatch(/ ms\); www-authenticate: Bearer realm="https:\/\/[^"]+",service="[^"]+"/)
    expect(lines.some((line) => /^regctl: < 200 GET https:\/\/[^ ]+\/token\?[^ ]*scope=repository%3Aprivate%2Fapp%3Apull/.test(line))).toBe(true)
    expect(lines.some((line) => line.startsWith(`regctl: < 200 HEAD https://${token}/v2/private/app/manifests/1.0 (`))).toBe(true)
    for (const secret of SECRETS) expect(result.stderr).not.toContain(secret)
    expect(result.stderr).not.toMatch(/eyJ[\w-]{10,}/)
  })

  it('-v through the front: Docker Hub-style rate-limit headers are shown', async () => {
    const result = await runCli(['pull-check', '-v', '-q', `${front}/public/single:1.0`], {caFile: env.caFile})
    expect(result.stderr).toMatch(/regctl: < 200 HEAD https:\/\/[^ ]+\/manifests\/1\.0 \(\d+ ms\).*; ratelimit-remaining: /)
  })

  it('usage errors: no image, bad platform, unknown flag → exit 2', async () => {
    for (const args of [[], ['--platform', 'bogus', 'alpine'], ['--bogus', 'alpine']]) {
      const result = await runCli(['pull-check', ...args])
      expect(result.exitCode, args.join(' ')).toBe(2)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })
})

describe('skopeo agrees', () => {
  const execFileAsync = promisify(execFile)
  const creds: Record<string, string> = {token: `${pusher.username}:${pusher.password}`, basic: `${alice.username}:${alice.password}`}

  it('for every fixture, regctl reports the digest that skopeo inspect reports', async () => {
    const fixtures = Object.values(env.fixtures).filter((f) => f.registry in creds || f.registry === 'plain')
    expect(fixtures.length).toBeGreaterThanOrEqual(8)
    for (const registry of ['token', 'basic', 'plain']) {
      const mine = fixtures.filter((f) => f.registry === registry)
      const config = creds[registry] ? authsConfig({[env.registries[registry as 'token'].host]: registry === 'token' ? pusher : alice}) : undefined
      const {report} = await check(['--platform', 'linux/amd64', ...mine.map((f) => f.reference)], config ? {dockerConfig: config} : {})
      for (const [i, f] of mine.entries()) {
        const args = ['inspect', '--no-tags', '--format', '{{.Digest}}', `--cert-dir=${env.certDir}`]
        if (creds[registry]) args.push('--creds', creds[registry])
        if (registry === 'plain') args.push('--tls-verify=false')
        const {stdout} = await execFileAsync('skopeo', [...args, `docker://${f.reference}`], {timeout: 20_000})
        expect(report.images[i]?.verdict, f.reference).toBe('pullable')
        expect(report.images[i]?.digest, f.reference).toBe(stdout.trim())
      }
    }
  })
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
