/**
 * Build tiny OCI image layouts (image-spec `image-layout.md`) with Node alone: a hand-written
 * one-file ustar archive, gzipped with node:zlib, a config whose `rootfs.diff_ids` is the digest of
 * the uncompressed tar (image-spec `config.md`), a manifest, optionally an index, and `index.json`.
 */
import {createHash} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

/** OCI media types used by the fixtures. */
export const OciMediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const

/** A platform as in an index descriptor. */
export type FixturePlatform = {os: string; architecture: string; variant?: string}

/** A content-addressed blob. */
export type Blob = {digest: string; size: number; mediaType: string; bytes: Buffer}

/** One single-platform image. */
export type BuiltImage = {manifest: Blob; config: Blob; layer: Blob; platform: FixturePlatform}

/** The result of {@link writeLayout}. */
export type BuiltLayout = {
  dir: string
  tag: string
  /** The top-level manifest (an image manifest or an index). */
  top: Blob
  images: BuiltImage[]
}

/** `sha256:<hex>` of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return {digest: sha256(bytes), size: bytes.length, mediaType, bytes}
}

function octal(value: number, width: number): string {
  // ustar numeric fields: zero-padded octal, NUL-terminated.
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

/** A POSIX ustar archive holding one regular file (mode 0644, uid/gid 0, mtime 0). */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0)
  header.write(name, 0, 100, 'utf8')
  header.write(octal(0o644, 8), 100, 'ascii')
  header.write(octal(0, 8), 108, 'ascii')
  header.write(octal(0, 8), 116, 'ascii')
  header.write(octal(content.length, 12), 124, 'ascii')
  header.write(octal(0, 12), 136, 'ascii')
  header.write('        ', 148, 'ascii') // checksum is computed with this field as spaces
  header.write('0', 156, 'ascii')
  header.write('ustar\0', 257, 'ascii')
  header.write('00', 263, 'ascii')
  header.write('root', 265, 'ascii')
  header.write('root', 297, 'ascii')
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0)
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)])
}

/** Build one image whose single layer holds `/fixture.txt` with `text`. */
export function buildImage(text: string, platform: FixturePlatform): BuiltImage {
  const tar = tarOneFile('fixture.txt', Buffer.from(`${text}\n`, 'utf8'))
  const layer = blob(OciMediaType.layerGzip, gzipSync(tar))
  const configJson = {
    created: '2024-01-01T00:00:00Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : {variant: platform.variant}),
    config: {Cmd: ['/fixture.txt'], Labels: {'org.regctl.fixture': text}},
    rootfs: {type: 'layers', diff_ids: [sha256(tar)]},
    history: [{created: '2024-01-01T00:00:00Z', created_by: 'regctl test harness'}],
  }
  const config = blob(OciMediaType.config, Buffer.from(JSON.stringify(configJson)))
  const manifestJson = {
    schemaVersion: 2,
    mediaType: OciMediaType.manifest,
    config: {mediaType: config.mediaType, digest: config.digest, size: config.size},
    layers: [{mediaType: layer.mediaType, digest: layer.digest, size: layer.size}],
  }
  return {manifest: blob(OciMediaType.manifest, Buffer.from(JSON.stringify(manifestJson))), config, layer, platform}
}

/** Build an OCI image index over `images`, each descriptor carrying its platform. */
export function buildIndex(images: BuiltImage[]): Blob {
  const indexJson = {
    schemaVersion: 2,
    mediaType: OciMediaType.index,
    manifests: images.map((image) => ({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.size,
      platform: image.platform,
    })),
  }
  return blob(OciMediaType.index, Buffer.from(JSON.stringify(indexJson)))
}

/**
 * Write an OCI layout at `dir` whose `index.json` names `top` by `tag`
 * (annotation `org.opencontainers.image.ref.name`, which skopeo's `oci:DIR:TAG` resolves).
 */
export async function writeLayout(dir: string, tag: string, images: BuiltImage[], top: Blob): Promise<BuiltLayout> {
  const blobsDir = path.join(dir, 'blobs', 'sha256')
  await mkdir(blobsDir, {recursive: true})
  const blobs = new Map<string, Blob>()
  for (const image of images) for (const b of [image.manifest, image.config, image.layer]) blobs.set(b.digest, b)
  blobs.set(top.digest, top)
  await Promise.all([...blobs.values()].map((b) => writeFile(path.join(blobsDir, b.digest.slice('sha256:'.length)), b.bytes)))
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({imageLayoutVersion: '1.0.0'}))
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{mediaType: top.mediaType, digest: top.digest, size: top.size, annotations: {'org.opencontainers.image.ref.name': tag}}],
  }))
  return {dir, tag, top, images}
}
