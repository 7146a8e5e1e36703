/**
 * `--json FIELDS` and `--jq EXPR`, as gh does (issue 13): which items a command's JSON lists, which
 * top-level fields each item has, how the two flags are read from the command line, and the
 * selection itself. Pure: the jq run is src/runtime/jq.ts.
 *
 * - `--json` alone prints the command's whole document, as before.
 * - `--json FIELDS` (comma-separated) prints an array of the command's items, each with only those
 *   top-level fields (gh: `gh pr list --json number,title`). An unknown field is a usage error
 *   listing the available ones, before any request.
 * - `--jq EXPR` filters what `--json` would print (the document, or the selected items) and
 *   implies `--json`.
 */
import {UsageError} from './errors.js'

/** The items of one command's JSON document: the array under `key`, each item's top-level fields. */
export type JsonItems = {
  /** What an item is, for messages ("image", "registry"). */
  noun: string
  /** The document's array of items. */
  key: string
  /** Top-level fields of an item (docs/json: the item definition's properties; a test keeps them equal). */
  fields: readonly string[]
}

const PACKAGE_FIELDS = ['name', 'visibility', 'repository', 'htmlUrl', 'createdAt', 'updatedAt', 'versionCount', 'newestTags'] as const
const VERSION_FIELDS = ['id', 'digest', 'tags', 'createdAt', 'updatedAt', 'htmlUrl'] as const

/**
 * The items of each command that lists some (oclif command id → items). `ghcr ls` lists packages,
 * versions (OWNER/PACKAGE through the API) or tags (through the registry; each tag is the item
 * `{"tag": …}`); its kind is the document's `kind`.
 */
export const JSON_ITEMS = {
  'pull-check': {noun: 'image', key: 'images', fields: ['input', 'reference', 'registry', 'repository', 'verdict', 'message', 'digest', 'mediaType', 'deprecated', 'platforms', 'platform', 'platformChecks', 'blobs', 'fix', 'credential', 'rateLimit', 'durationMs']},
  'auth:status': {noun: 'registry', key: 'registries', fields: ['registry', 'provider', 'sources', 'credential', 'status', 'live', 'github', 'expiry', 'loginCommand', 'findings']},
  audit: {noun: 'finding', key: 'findings', fields: ['ruleId', 'severity', 'message', 'location', 'fix', 'subject', 'fingerprint', 'baselineState']},
  'ghcr:ls:packages': {noun: 'package', key: 'packages', fields: PACKAGE_FIELDS},
  'ghcr:ls:versions': {noun: 'version', key: 'versions', fields: VERSION_FIELDS},
  'ghcr:ls:tags': {noun: 'tag', key: 'tags', fields: ['tag']},
} as const satisfies Record<string, JsonItems>

/** The field names a command accepts before it runs (for `ghcr ls`, any of its kinds). */
export function jsonFieldsOf(commandId: string): readonly string[] | undefined {
  if (commandId === 'ghcr:ls') return [...new Set([...PACKAGE_FIELDS, ...VERSION_FIELDS, 'tag'])]
  const items: JsonItems | undefined = (JSON_ITEMS as Record<string, JsonItems>)[commandId]
  return items?.fields
}

/** What `--json` and `--jq` asked for, and the argv left for oclif (with a plain `--json`). */
export type JsonRequest = {argv: string[]; fields?: string[]; jq?: string}

const FIELD_LIST = /^[A-Za-z][A-Za-z0-9]*(?:,[A-Za-z][A-Za-z0-9]*)*$/
/** jq expressions past this size are refused (a command line is not a program file). */
export const MAX_JQ_EXPRESSION = 64 * 1024

/**
 * Reads `--json[=FIELDS]`, `--json FIELDS` and `--jq[=]EXPR` out of `argv` (before `--` only).
 *
 * `--json=FIELDS` is always fields. `--json FIELDS` (a space) takes the next word as fields when it
 * is a comma-separated list of names and either the command takes no arguments, or it has a comma,
 * or it is a field of the command; otherwise the word is the command's argument
 * (`pull-check --json alpine` checks alpine, as before).
 */
export function readJsonRequest(argv: readonly string[], command: {id: string; takesArguments: boolean}): JsonRequest {
  const known = jsonFieldsOf(command.id)
  const out: string[] = []
  let fields: string[] | undefined
  let jq: string | undefined
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }

    if (arg === '--jq' || arg.startsWith('--jq=')) {
      const value = arg === '--jq' ? argv[++i] : arg.slice('--jq='.length)
      if (value === undefined || value.trim() === '') throw new UsageError('--jq needs a jq expression, e.g. --jq \'.[].name\'')
      if (value.length > MAX_JQ_EXPRESSION) throw new UsageError(`--jq expression is over ${MAX_JQ_EXPRESSION / 1024} KiB`)
      jq = value
      json = true
      continue
    }

    if (arg.startsWith('--json=')) {
      fields = splitFields(arg.slice('--json='.length))
      json = true
      continue
    }

    if (arg === '--json') {
      json = true
      const next = argv[i + 1]
      if (next !== undefined && FIELD_LIST.test(next) && (!command.takesArguments || next.includes(',') || known?.includes(next))) {
        fields = splitFields(next)
        i++
      }

      continue
    }

    out.push(arg)
  }

  if (fields !== undefined) checkFields(fields, command.id, known)
  if (json) out.unshift('--json')
  return {argv: out, ...(fields === undefined ? {} : {fields}), ...(jq === undefined ? {} : {jq})}
}

function splitFields(text: string): string[] {
  const fields = text.split(',').map((field) => field.trim())
  if (fields.some((field) => field === '')) throw new UsageError(`--json: "${text}" is not a comma-separated list of fields`)
  return [...new Set(fields)]
}

function checkFields(fields: string[], commandId: string, known: readonly string[] | undefined): void {
  const name = commandId.replaceAll(':', ' ')
  if (known === undefined) throw new UsageError(`${name} --json takes no fields (its document is not a list): use --json alone, or --jq`)
  const unknown = fields.filter((field) => !known.includes(field))
  if (unknown.length > 0) {
    // gh: 'Unknown JSON field: "x"' followed by the available fields.
    throw new UsageError(`unknown JSON field${unknown.length === 1 ? '' : 's'} ${unknown.map((f) => `"${f}"`).join(', ')}; available fields: ${known.join(', ')}`)
  }
}

/**
 * The items of `document` with only `fields` (a field an item lacks is `null`, as gh prints it),
 * for the items definition that fits the document (`ghcr ls`: its `kind`).
 */
export function selectJsonFields(commandId: string, document: unknown, fields: readonly string[]): Array<Record<string, unknown>> {
  const record = (document ?? {}) as Record<string, unknown>
  const itemsId = commandId === 'ghcr:ls' ? `ghcr:ls:${String(record['kind'])}` : commandId
  const items: JsonItems | undefined = (JSON_ITEMS as Record<string, JsonItems>)[itemsId]
  if (items === undefined) throw new UsageError(`${commandId.replaceAll(':', ' ')} --json takes no fields`)
  const unknown = fields.filter((field) => !items.fields.includes(field))
  if (unknown.length > 0) {
    throw new UsageError(`a listing of ${items.noun}s has no field${unknown.length === 1 ? '' : 's'} ${unknown.map((f) => `"${f}"`).join(', ')}; available fields: ${items.fields.join(', ')}`)
  }

  const list = record[items.key]
  if (!Array.isArray(list)) return []
  return list.map((item: unknown) => {
    const source = (itemsId === 'ghcr:ls:tags' ? {tag: item} : item) as Record<string, unknown>
    return Object.fromEntries(fields.map((field) => [field, source[field] ?? null]))
  })
}
