/**
 * The images of a Compose file (`services.<name>.image`), each with its line, interpolated the way
 * the compose spec says (`${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR:+alt}`, `$$` for a literal `$`). Parsed with the `yaml` package so that line numbers
 * survive; `<<` merge keys and aliases (`image: *base`) are followed. Pure: text in, data out.
 */
import {isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap} from 'yaml'

import {expandWord, type VariableLookup} from './shell-words.js'

/** The file names Compose looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const
/** The override files Compose merges on top by default (https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/). */
export const COMPOSE_OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'] as const

/** One `image:` of a Compose service. */
export type ComposeImage = {
  service: string
  /** The image as written (`app:${TAG:-latest}`). */
  raw: string
  /** The image after interpolation (`app:latest`). */
  image: string
  /** 1-based line of the `image:` value. */
  line: number
  /** Variables that had neither a value nor a default. */
  unresolved: string[]
  /** The service's `platform:` (`linux/arm64`), interpolated, when it sets one in this file. */
  platform?: string
}

export type ComposeParseResult =
  | {ok: true; images: ComposeImage[]}
  | {ok: false; message: string; line?: number}

/** Bound on merge-key/alias chains followed for one service (a cycle cannot loop forever). */
const MAX_MERGE_DEPTH = 10

function lineOf(node: Node | undefined, counter: LineCounter): number | undefined {
  const start = node?.range?.[0]
  return start === undefined ? undefined : counter.linePos(start).line
}

function resolveNode(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node
}

/** The `image` value node of a service map, following `<<` merge keys (own key wins). */
function findImageNode(service: YAMLMap, doc: Document, depth: number): Node | undefined {
  for (const pair of service.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key
    if (key !== 'image') continue
    const value = pair.value
    if (isAlias(value)) {
      const target = value.resolve(doc)
      return isScalar(target) ? target : undefined
    }

    return isScalar(value) ? value : undefined
  }

  if (depth >= MAX_MERGE_DEPTH) return undefined
  for (const pair of service.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key
    // With `merge: true` the parser gives a merge key the value Symbol(<<).
    if (key !== '<<' && !(typeof key === 'symbol' && key.description === '<<')) continue
    const sources = resolveNode(pair.value, doc)
    const list: unknown[] = isMap(sources) ? [sources] : isSeq(sources) ? sources.items : []
    for (const source of list) {
      const map = resolveNode(source, doc)
      if (!isMap(map)) continue
      const found = findImageNode(map, doc, depth + 1)
      if (found) return found
    }
  }

  return undefined
}

/**
 * Reads the service images of a Compose file. `env` supplies interpolation variables (none by
 * default: an audit does not read the caller's environment). YAML syntax errors give `ok: false`
 * with the first error's line.
 */
export function parseComposeImages(text: string, env: VariableLookup = () => undefined): ComposeParseResult {
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter, merge: true, uniqueKeys: false, prettyErrors: false})
  const error = doc.errors[0]
  if (error) {
    const line = error.linePos?.[0]?.line ?? counter.linePos(error.pos[0]).line
    return {ok: false, message: error.message.split('\n')[0] ?? 'invalid YAML', line}
  }

  const root = doc.contents
  if (!isMap(root)) return {ok: true, images: []}
  const services = resolveNode(root.get('services', true), doc)
  if (!isMap(services)) return {ok: true, images: []}

  const images: ComposeImage[] = []
  for (const pair of services.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
    const service = resolveNode(pair.value, doc)
    if (!isMap(service)) continue
    const node = findImageNode(service, doc, 0)
    if (!isScalar(node) || node.value === null || node.value === undefined) continue
    const raw = String(node.value)
    const {value, unresolved} = expandWord(raw, env, {composeDollar: true})
    const platformNode = service.get('platform', true)
    const platformRaw = isScalar(platformNode) && typeof platformNode.value === 'string' ? platformNode.value : undefined
    const platform = platformRaw === undefined ? undefined : expandWord(platformRaw, env, {composeDollar: true})
    images.push({
      service: name,
      raw,
      image: value.trim(),
      line: lineOf(node, counter) ?? 1,
      unresolved: [...unresolved, ...(platform?.unresolved ?? [])],
      ...(platform && platform.value.trim() !== '' ? {platform: platform.value.trim()} : {}),
    })
  }

  return {ok: true, images}
}
