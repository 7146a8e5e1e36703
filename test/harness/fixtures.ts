/**
 * Fixture images: OCI layouts built in Node and pushed with the real `skopeo copy`, then read back
 * with `skopeo inspect --raw` so every recorded digest is what an independent client sees.
 */
import {createHash} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {harnessRequest, isRecord} from './http.js'
import {buildImage, buildIndex, writeLayout, type BuiltLayout, type FixturePlatform} from './oci-layout.js'
import {mapLimit, run} from './processes.js'

/** What a fixture push needs to know about its destination registry. */
export type PushTarget = {
  /** `token`, `basic`, `plain`. */
  name: string
  host: string
  /** `user:password` for skopeo `--creds`. */
  creds: string
  /** Plain HTTP: skopeo needs `--tls-verify=false` (it then falls back to http). */
  insecure: boolean
}

/** A platform-specific child of an index fixture. */
export type FixtureChild = {digest: string; mediaType: string; size: number; platform: FixturePlatform}

/** A pushed fixture; `digest`/`mediaType` are as read back by `skopeo inspect --raw`. */
export type Fixture = {
  registry: string
  repository: string
  tag: string
  /** `host/repository:tag` */
  reference: string
  digest: string
  mediaType: string
  size: number
  /** For indexes and manifest lists: the children, with platforms. */
  children?: FixtureChild[]
}

/** Which layout a fixture is pushed from and how. */
export type FixtureSpec = {
  registry: string
  repository: string
  tag: string
  layout: 'single' | 'multi' | 'app' | 'redirect' | 'bench'
  /** Convert with `--format v2s2` (an OCI index becomes a Docker manifest list). */
  dockerFormat?: boolean
}

const PLATFORMS: FixturePlatform[] = [
  {os: 'linux', architecture: 'amd64'},
  {os: 'linux', architecture: 'arm64'},
  {os: 'linux', architecture: 'arm', variant: 'v7'},
]

/** Build the fixture layouts once under `dir` (content is deterministic). */
export async function buildLayouts(dir: string): Promise<Record<FixtureSpec['layout'], BuiltLayout>> {
  const single = (name: string): Promise<BuiltLayout> => {
    const image = buildImage(`regctl fixture ${name}`, {os: 'linux', architecture: 'amd64'})
    return writeLayout(path.join(dir, name), '1.0', [image], image.manifest)
  }
  const images = PLATFORMS.map((p) => buildImage(`regctl fixture multi ${p.os}/${p.architecture}${p.variant === undefined ? '' : `/${p.variant}`}`, p))
  const [s, m, a, r, b] = await Promise.all([
    single('single'),
    writeLayout(path.join(dir, 'multi'), '1.0', images, buildIndex(images)),
    single('app'),
    single('redirect'),
    single('bench'),
  ])
  return {single: s, multi: m, app: a, redirect: r, bench: b}
}

/** Arguments shared by every skopeo call: our own policy file, no ambient auth files. */
export type SkopeoContext = {policyFile: string; certDir: string; env: NodeJS.ProcessEnv}

/** Write a permissive signature policy so skopeo does not depend on /etc/containers/policy.json. */
export async function makeSkopeoContext(dir: string, certDir: string): Promise<SkopeoContext> {
  await mkdir(dir, {recursive: true})
  const policyFile = path.join(dir, 'policy.json')
  await writeFile(policyFile, JSON.stringify({default: [{type: 'insecureAcceptAnything'}]}))
  // A private HOME and XDG_RUNTIME_DIR: skopeo must not pick up the developer's auth.json.
  const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: dir}
  return {policyFile, certDir, env}
}

function tlsArgs(prefix: '' | 'dest-', target: PushTarget, context: SkopeoContext): string[] {
  return target.insecure ? [`--${prefix}tls-verify=false`] : [`--${prefix}cert-dir`, context.certDir]
}

/** `skopeo copy oci:DIR:TAG docker://HOST/REPO:TAG` (with `--all` for indexes). */
export async function skopeoPush(context: SkopeoContext, layout: BuiltLayout, target: PushTarget, repository: string, tag: string, dockerFormat = false): Promise<void> {
  const args = ['--policy', context.policyFile, 'copy', '--quiet', '--retry-times', '2', ...tlsArgs('dest-', target, context), '--dest-creds', target.creds]
  if (layout.images.length > 1 || layout.top.mediaType.includes('index')) args.push('--all')
  if (dockerFormat) args.push('--format', 'v2s2')
  args.push(`oci:${layout.dir}:${layout.tag}`, `docker://${target.host}/${repository}:${tag}`)
  await run('skopeo', args, {timeoutMs: 60_000, env: context.env})
}

/** `skopeo inspect --raw`: the manifest bytes as the registry serves them. */
export async function skopeoInspectRaw(context: SkopeoContext, target: PushTarget | null, host: string, reference: string, insecure = false): Promise<Buffer> {
  const args = ['inspect', '--raw', '--retry-times', '2']
  if (target === null) args.push('--no-creds', ...(insecure ? ['--tls-verify=false'] : ['--cert-dir', context.certDir]))
  else args.push('--creds', target.creds, ...tlsArgs('', target, context))
  args.push(`docker://${host}/${reference}`)
  return (await run('skopeo', args, {timeoutMs: 60_000, env: context.env})).stdout
}

function parseChildren(manifest: Record<string, unknown>): FixtureChild[] | undefined {
  const list = manifest['manifests']
  if (!Array.isArray(list)) return undefined
  return list.filter(isRecord).map((entry) => {
    const platform = isRecord(entry['platform']) ? entry['platform'] : {}
    const variant = platform['variant']
    return {
      digest: String(entry['digest']),
      mediaType: String(entry['mediaType']),
      size: Number(entry['size']),
      platform: {
        os: String(platform['os']),
        architecture: String(platform['architecture']),
        ...(typeof variant === 'string' ? {variant} : {}),
      },
    }
  })
}

/**
 * Push `specs` with skopeo (at most `concurrency` at once), read each back with
 * `skopeo inspect --raw` and cross-check OCI pushes against the locally computed digest.
 */
export async function pushFixtures(
  context: SkopeoContext,
  layouts: Record<FixtureSpec['layout'], BuiltLayout>,
  targets: Record<string, PushTarget>,
  specs: FixtureSpec[],
  concurrency = 3,
): Promise<Record<string, Fixture>> {
  const fixtures = await mapLimit(specs, concurrency, async (spec): Promise<Fixture> => {
    const target = targets[spec.registry]
    if (target === undefined) throw new Error(`no push target ${spec.registry}`)
    const layout = layouts[spec.layout]
    await skopeoPush(context, layout, target, spec.repository, spec.tag, spec.dockerFormat === true)
    const raw = await skopeoInspectRaw(context, target, target.host, `${spec.repository}:${spec.tag}`)
    const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`
    if (spec.dockerFormat !== true && digest !== layout.top.digest) {
      throw new Error(`fixture ${spec.registry}:${spec.repository}:${spec.tag}: registry serves ${digest}, pushed ${layout.top.digest}`)
    }
    const parsed: unknown = JSON.parse(raw.toString('utf8'))
    if (!isRecord(parsed) || typeof parsed['mediaType'] !== 'string') throw new Error(`fixture ${spec.repository}: manifest without mediaType`)
    const children = parseChildren(parsed)
    return {
      registry: spec.registry,
      repository: spec.repository,
      tag: spec.tag,
      reference: `${target.host}/${spec.repository}:${spec.tag}`,
      digest,
      mediaType: parsed['mediaType'],
      size: raw.length,
      ...(children === undefined ? {} : {children}),
    }
  })
  return Object.fromEntries(fixtures.map((f) => [`${f.registry}:${f.repository}:${f.tag}`, f]))
}

/**
 * Add `tags` to `repository` by PUTting the same manifest bytes under each new tag
 * (distribution spec "Pushing Manifests"), with a bearer token minted for push.
 */
export async function addTags(options: {
  baseUrl: string
  caPem: string
  repository: string
  tags: string[]
  manifest: Buffer
  mediaType: string
  bearer: string
  concurrency?: number
}): Promise<void> {
  await mapLimit(options.tags, options.concurrency ?? 8, async (tag) => {
    const response = await harnessRequest(`${options.baseUrl}/v2/${options.repository}/manifests/${tag}`, {
      method: 'PUT',
      ca: options.caPem,
      headers: {'content-type': options.mediaType, authorization: `Bearer ${options.bearer}`},
      body: options.manifest,
    })
    if (response.status !== 201) throw new Error(`PUT ${options.repository}:${tag} → ${response.status} ${response.body.toString('utf8').slice(0, 300)}`)
  })
}
