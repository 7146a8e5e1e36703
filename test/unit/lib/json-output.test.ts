import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {JSON_ITEMS, readJsonRequest, selectJsonFields} from '../../../src/lib/json-output.js'

const schemaItemFields = (file: string, definition: string): string[] => {
  const schema = JSON.parse(readFileSync(new URL(`../../../docs/json/${file}`, import.meta.url), 'utf8')) as {definitions: Record<string, {properties: Record<string, unknown>}>}
  return Object.keys(schema.definitions[definition]!.properties).sort()
}

describe('JSON_ITEMS', () => {
  it.each([
    ['pull-check', 'pull-check.schema.json', 'ImageCheck'],
    ['auth:status', 'auth-status.schema.json', 'RegistryStatus'],
    ['audit', 'audit.schema.json', 'Finding'],
    ['ghcr:ls:packages', 'ghcr-ls.schema.json', 'PackageSummary'],
    ['ghcr:ls:versions', 'ghcr-ls.schema.json', 'PackageVersionSummary'],
  ] as const)('%s: the fields are the properties of %s\'s %s (one contract)', (id, file, definition) => {
    expect([...JSON_ITEMS[id].fields].sort()).toEqual(schemaItemFields(file, definition))
  })
})

describe('readJsonRequest', () => {
  const pullCheck = {id: 'pull-check', takesArguments: true}
  const authStatus = {id: 'auth:status', takesArguments: false}

  it.each([
    [['--json'], pullCheck, {argv: ['--json']}],
    [['alpine', '--json'], pullCheck, {argv: ['--json', 'alpine']}],
    // A word that is not a field list of the command is its argument, as before.
    [['--json', 'alpine'], pullCheck, {argv: ['--json', 'alpine']}],
    [['--json', 'verdict', 'alpine'], pullCheck, {argv: ['--json', 'alpine'], fields: ['verdict']}],
    [['--json', 'input,verdict', 'alpine'], pullCheck, {argv: ['--json', 'alpine'], fields: ['input', 'verdict']}],
    [['--json=input', 'alpine'], pullCheck, {argv: ['--json', 'alpine'], fields: ['input']}],
    [['--json', 'registry'], authStatus, {argv: ['--json'], fields: ['registry']}],
    [['--jq', '.images[].input', 'alpine'], pullCheck, {argv: ['--json', 'alpine'], jq: '.images[].input'}],
    [['--jq=.x', '--json', 'input,input'], pullCheck, {argv: ['--json'], fields: ['input'], jq: '.x'}],
    // After --, everything is an argument.
    [['--', '--json', 'input'], pullCheck, {argv: ['--', '--json', 'input']}],
  ])('%j (%j) → %j', (argv, command, expected) => {
    expect(readJsonRequest(argv, command)).toEqual(expected)
  })

  it('an unknown field is a usage error that lists the available fields, as gh does', () => {
    expect(() => readJsonRequest(['--json', 'registry,bogus'], authStatus)).toThrow(UsageError)
    expect(() => readJsonRequest(['--json=imput'], pullCheck)).toThrow(/unknown JSON field "imput"; available fields: input, reference, registry, .*durationMs$/)
    // No arguments to take: the word is fields, so a typo is caught.
    expect(() => readJsonRequest(['--json', 'regstry'], authStatus)).toThrow(/unknown JSON field "regstry"/)
  })

  it('--jq without an expression, an empty field, and fields for a command that lists nothing are usage errors', () => {
    expect(() => readJsonRequest(['--jq'], pullCheck)).toThrow(/--jq needs a jq expression/)
    expect(() => readJsonRequest(['--jq', ' '], pullCheck)).toThrow(UsageError)
    expect(() => readJsonRequest(['--json=input,'], pullCheck)).toThrow(/not a comma-separated list/)
    expect(() => readJsonRequest(['--json=user'], {id: 'auth:login', takesArguments: true})).toThrow(/auth login --json takes no fields/)
    expect(() => readJsonRequest(['--jq', 'x'.repeat(64 * 1024 + 1)], pullCheck)).toThrow(/over 64 KiB/)
  })

  it('ghcr ls accepts the fields of any of its listings before it knows which one it gets', () => {
    expect(readJsonRequest(['--json', 'name,tags,tag'], {id: 'ghcr:ls', takesArguments: true}).fields).toEqual(['name', 'tags', 'tag'])
  })
})

describe('selectJsonFields', () => {
  it('each item with only the fields asked for, in that order; a field an item lacks is null', () => {
    const document = {images: [{input: 'a', verdict: 'pullable', digest: 'sha256:1'}, {input: 'b', verdict: 'not-found'}], exitCode: 1}
    expect(selectJsonFields('pull-check', document, ['verdict', 'digest'])).toEqual([
      {verdict: 'pullable', digest: 'sha256:1'},
      {verdict: 'not-found', digest: null},
    ])
  })

  it('ghcr ls: the items follow the document\'s kind; a tag is {"tag": …}', () => {
    expect(selectJsonFields('ghcr:ls', {kind: 'tags', tags: ['1.0', 'latest']}, ['tag'])).toEqual([{tag: '1.0'}, {tag: 'latest'}])
    expect(selectJsonFields('ghcr:ls', {kind: 'packages', packages: [{name: 'app', visibility: 'private'}]}, ['name'])).toEqual([{name: 'app'}])
    // A version field on a listing that fell back to the registry's tags: say what a tag has.
    expect(() => selectJsonFields('ghcr:ls', {kind: 'tags', tags: []}, ['digest'])).toThrow(/a listing of tags has no field "digest"; available fields: tag$/)
  })

  it('audit and auth status select findings and registries', () => {
    expect(selectJsonFields('audit', {findings: [{ruleId: 'a/b', severity: 'error', message: 'm'}]}, ['ruleId'])).toEqual([{ruleId: 'a/b'}])
    expect(selectJsonFields('auth:status', {registries: [{registry: 'ghcr.io', status: 'ok'}]}, ['registry', 'status'])).toEqual([{registry: 'ghcr.io', status: 'ok'}])
  })
})
