/**
 * Kubernetes manifests as `regctl audit` reads them (issue #9): every document of a multi-document
 * YAML file that has `apiVersion` and `kind`, and the `image` of each entry of `containers`,
 * `initContainers` and `ephemeralContainers` in its pod spec, with its line. Pod-bearing kinds
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/): Pod (`spec`),
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job (`spec.template.spec`),
 * CronJob (`spec.jobTemplate.spec.template.spec`), PodTemplate (`template.spec`); a `List`'s `items`
 * are read too. Pure: text in, data out.
 */
import {isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type YAMLMap} from 'yaml'

/** An image a manifest names. */
export type ManifestImage = {kind: string; name: string; container: string; image: string; line: number; templated: boolean}

export type ManifestParseResult = {ok: true; images: ManifestImage[]} | {ok: false; message: string; line?: number}

/** Documents read from one file: a bound against a generated file with thousands of documents. */
export const MAX_MANIFEST_DOCUMENTS = 1000

/** Path from a kind's document to its pod spec. */
const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const

/** Cheap pre-check before parsing: a manifest names both keys at the start of a line. */
export function mayBeManifest(text: string): boolean {
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text)
}

function get(map: YAMLMap, key: string): unknown {
  for (const pair of map.items) if (isScalar(pair.key) && pair.key.value === key) return pair.value
  return undefined
}

const text = (node: unknown): string | undefined => (isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined)

function imagesOf(resource: YAMLMap, counter: LineCounter, out: ManifestImage[], depth: number): void {
  const kind = text(get(resource, 'kind')) ?? ''
  if (!text(get(resource, 'apiVersion'))) return
  if (kind === 'List' && depth === 0) {
    const items = get(resource, 'items')
    for (const item of isSeq(items) ? items.items : []) if (isMap(item)) imagesOf(item, counter, out, depth + 1)
    return
  }

  const path = POD_SPEC_PATH[kind]
  if (!path) return
  let node: unknown = resource
  for (const key of path) node = isMap(node) ? get(node, key) : undefined
  if (!isMap(node)) return
  const metadata = get(resource, 'metadata')
  const name = (isMap(metadata) ? text(get(metadata, 'name')) : undefined) ?? '?'
  for (const list of CONTAINER_LISTS) {
    const containers = get(node, list)
    for (const container of isSeq(containers) ? containers.items : []) {
      if (!isMap(container)) continue
      const imageNode = get(container, 'image') as Node | undefined
      const image = text(imageNode)
      if (image === undefined || image.trim() === '') continue
      const start = imageNode?.range?.[0]
      out.push({
        kind,
        name,
        container: text(get(container, 'name')) ?? '?',
        image: image.trim(),
        line: start === undefined ? 1 : counter.linePos(start).line,
        templated: image.includes('{{') || image.includes('${'),
      })
    }
  }
}

/** Reads the images of every pod-bearing document. YAML errors give `ok: false` with the line. */
export function parseManifestImages(source: string): ManifestParseResult {
  const counter = new LineCounter()
  const docs = parseAllDocuments(source, {lineCounter: counter, prettyErrors: false, uniqueKeys: false})
  const list = Array.isArray(docs) ? docs : [docs]
  const images: ManifestImage[] = []
  for (const doc of list.slice(0, MAX_MANIFEST_DOCUMENTS)) {
    const error = doc.errors[0]
    if (error) return {ok: false, message: error.message.split('\n')[0] ?? 'invalid YAML', line: counter.linePos(error.pos[0]).line}
    if (isMap(doc.contents)) imagesOf(doc.contents, counter, images, 0)
  }

  return {ok: true, images}
}
