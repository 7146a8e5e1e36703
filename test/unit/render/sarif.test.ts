import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Ajv2020} from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import {describe, expect, it} from 'vitest'

import type {Finding} from '../../../src/lib/checks/finding.js'
import {scanRepository} from '../../../src/lib/checks/repo-images.js'
import {RULES} from '../../../src/lib/checks/rules.js'
import {nodeRepoFs} from '../../../src/runtime/repository-fs.js'
import {fileUriOfDirectory, renderSarif} from '../../../src/render/sarif.js'

const schema: unknown = JSON.parse(readFileSync(new URL('../../fixtures/sarif-schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8'))
const ajv = new Ajv2020({strict: false, allErrors: true})
// ajv-formats is CommonJS: under Node16 resolution its plugin is the `default` property.
formats.default(ajv)
const validate = ajv.compile(schema as object)

const LEAKY = fileURLToPath(new URL('../../fixtures/repos/leaky', import.meta.url))

type SarifLog = {
  runs: Array<{
    tool: {driver: {name: string; version: string; informationUri?: string; rules: Array<Record<string, unknown> & {id: string}>}}
    originalUriBaseIds?: Record<string, {uri: string}>
    invocations?: Array<{executionSuccessful: boolean; toolExecutionNotifications?: Array<{message: {text: string}}>}>
    results: Array<{
      ruleId: string
      ruleIndex: number
      level: string
      message: {text: string}
      locations?: Array<{physicalLocation: {artifactLocation: {uri: string; uriBaseId: string}; region?: {startLine: number}}}>
      partialFingerprints: Record<string, string>
    }>
  }>
}

function expectValid(text: string): SarifLog {
  const log: unknown = JSON.parse(text)
  const ok = validate(log)
  expect(ok ? [] : validate.errors).toEqual([])
  return log as SarifLog
}

const extraFindings: Finding[] = [
  {ruleId: 'credentials/plaintext', severity: 'warning', message: 'a login with no file', subject: 'ghcr.io'},
  {ruleId: 'context/secret-not-ignored', severity: 'note', message: 'odd path', location: {file: 'dir with space/#hash%.env', line: 0, column: 3}},
]

describe('renderSarif', () => {
  it('renders the leaky repository as SARIF that validates against the official 2.1.0 schema', async () => {
    const {findings} = await scanRepository(LEAKY, nodeRepoFs)
    const text = renderSarif(findings, RULES, {toolVersion: '0.1.0', srcRoot: LEAKY, informationUri: 'https://example.com/regctl'})
    const log = expectValid(text)
    const run = log.runs[0]
    expect(run?.tool.driver).toMatchObject({name: 'regctl', version: '0.1.0', informationUri: 'https://example.com/regctl'})
    expect(run?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(fileUriOfDirectory(LEAKY))
    expect(run?.results).toHaveLength(findings.length)
    expect(text).not.toContain(`ghp_${'0'.repeat(36)}`)
    expect(text).toContain('ghp_…0000')
  })

  it('meets GitHub code scanning requirements the schema does not enforce', async () => {
    const {findings} = await scanRepository(LEAKY, nodeRepoFs)
    const log = expectValid(renderSarif([...findings, ...extraFindings], RULES, {toolVersion: '0.1.0'}))
    const run = log.runs[0]
    if (!run) throw new Error('no run')
    for (const rule of run.tool.driver.rules) {
      expect(rule).toMatchObject({
        shortDescription: {text: expect.any(String)},
        fullDescription: {text: expect.any(String)},
        help: {text: expect.any(String), markdown: expect.any(String)},
        defaultConfiguration: {level: expect.stringMatching(/^(error|warning|note)$/)},
        properties: {'security-severity': expect.stringMatching(/^\d+\.\d$/)},
      })
    }

    for (const result of run.results) {
      // ruleIndex points at the rule with the same id.
      expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId)
      expect(['error', 'warning', 'note']).toContain(result.level)
      for (const location of result.locations ?? []) {
        const {artifactLocation, region} = location.physicalLocation
        expect(artifactLocation.uriBaseId).toBe('%SRCROOT%')
        expect(artifactLocation.uri).not.toMatch(/^([a-z]+:|\/)/i)
        if (region) expect(region.startLine).toBeGreaterThanOrEqual(1)
      }
    }

    // Every result has a location (GitHub rejects one without: GH1015); one with no file is left
    // out, with a note in the invocation.
    for (const result of run.results) expect(result.locations?.length).toBe(1)
    expect(run.results.find((r) => r.ruleId === 'credentials/plaintext')).toBeUndefined()
    expect(run.invocations?.[0]?.toolExecutionNotifications?.[0]?.message.text).toMatch(/^1 finding without a file \(credentials\/plaintext\) is not in this SARIF log/)
    // Line 0 is not a valid region: the location keeps the file only; the path is percent-encoded.
    const odd = run.results.find((r) => r.message.text === 'odd path')
    expect(odd?.locations?.[0]?.physicalLocation).toEqual({artifactLocation: {uri: 'dir%20with%20space/%23hash%25.env', uriBaseId: '%SRCROOT%'}})
  })

  it('prefixes the audited root\'s path in the repository (regctl audit api)', () => {
    const log = expectValid(renderSarif([{ruleId: 'x/y', severity: 'error', message: 'm', location: {file: '.env'}}], [], {toolVersion: 'dev', srcRoot: '/repo', pathPrefix: 'api'}))
    expect(log.runs[0]?.results[0]?.locations?.[0]?.physicalLocation.artifactLocation.uri).toBe('api/.env')
    expect(log.runs[0]?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe('file:///repo/')
  })

  it('attaches location-less findings to defaultLocation when given', () => {
    const log = expectValid(renderSarif(extraFindings.slice(0, 1), RULES, {toolVersion: '0.1.0', defaultLocation: {file: '.github/workflows/ci.yml', line: 12}}))
    expect(log.runs[0]?.results[0]?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: {uri: '.github/workflows/ci.yml', uriBaseId: '%SRCROOT%'},
      region: {startLine: 12},
    })
  })

  it('gives stable fingerprints that ignore line moves but tell findings apart', () => {
    const a: Finding = {ruleId: 'dockerfile/secret-in-env', severity: 'error', message: 'Dockerfile line 2: ARG GH', location: {file: 'Dockerfile', line: 2}}
    const moved: Finding = {...a, message: 'Dockerfile line 9: ARG GH', location: {file: 'Dockerfile', line: 9}}
    const other: Finding = {...a, message: 'Dockerfile line 3: ARG GL'}
    const log = expectValid(renderSarif([a, moved, other], RULES, {toolVersion: '0.1.0'}))
    const prints = log.runs[0]?.results.map((r) => r.partialFingerprints['regctlFinding/v1'])
    expect(prints?.[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(prints?.[0]).toBe(prints?.[1])
    expect(prints?.[2]).not.toBe(prints?.[0])
  })

  it('redacts a token that slipped into a message', () => {
    const text = renderSarif([{ruleId: 'x/y', severity: 'error', message: `token ghp_${'a'.repeat(36)} leaked`}], [], {toolVersion: 'dev'})
    expectValid(text)
    expect(text).not.toContain('a'.repeat(36))
  })

  it('is checked by a live validator: the schema rejects a broken log', () => {
    const log = JSON.parse(renderSarif(extraFindings, RULES, {toolVersion: '0.1.0'})) as {runs: Array<{results: Array<{level: string}>}>}
    const first = log.runs[0]?.results[0]
    if (first) first.level = 'fatal'
    expect(validate(log)).toBe(false)
    // Formats are checked too (ajv-formats): `$schema` must be a URI.
    const badUri = JSON.parse(renderSarif([], RULES, {toolVersion: '0.1.0'})) as Record<string, unknown>
    expect(validate(badUri)).toBe(true)
    badUri['$schema'] = 'not a uri'
    expect(validate(badUri)).toBe(false)
  })

  it('renders an empty run when there are no findings', () => {
    const log = expectValid(renderSarif([], RULES, {toolVersion: '0.1.0'}))
    expect(log.runs[0]?.results).toEqual([])
    expect(log.runs[0]?.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id))
  })

  it.each([
    ['/home/u/my repo', 'file:///home/u/my%20repo/'],
    ['/', 'file:///'],
    ['C:\\work\\repo', 'file:///C:/work/repo/'],
  ])('fileUriOfDirectory(%j) = %s', (path, uri) => {
    expect(fileUriOfDirectory(path)).toBe(uri)
  })
})
