/**
 * Every GitHub response the tests (unit, command and integration) serve is checked against
 * GitHub's own OpenAPI schemas, so the fixtures cannot drift from what the API really sends.
 */
import {describe, expect, it} from 'vitest'

import {errorBody, fixtures, makePackage, makePackages, makeVersion, makeVersions, type ErrorName} from '../../fixtures/github/factory.js'
import {githubSchema} from './openapi.js'

const packageSchema = githubSchema('package')
const versionSchema = githubSchema('package-version')
const publicUser = githubSchema('public-user')
const basicError = githubSchema('basic-error')

function expectValid(validate: ReturnType<typeof githubSchema>, value: unknown): void {
  const ok = validate(value)
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([])
  expect(ok).toBe(true)
}

describe('GitHub fixtures match the OpenAPI schemas', () => {
  it.each<[string, unknown]>([
    ['package-linked.json', fixtures.packageLinked],
    ['package-unlinked.json', fixtures.packageUnlinked],
    ...makePackages('acme', 6).map((pkg, index): [string, unknown] => [`generated package ${index}`, pkg]),
    ['generated package with a slash', makePackage('acme', 7, 'tools/cli')],
  ])('package: %s', (_name, value) => {
    expectValid(packageSchema, value)
  })

  it.each<[string, unknown]>([
    ['package-version-tagged.json', fixtures.versionTagged],
    ['package-version-untagged.json', fixtures.versionUntagged],
    ...makeVersions('acme', 'app', 4).map((version, index): [string, unknown] => [`generated version ${index}`, version]),
    ['generated version of tools/cli', makeVersion('acme', 'tools/cli', 2)],
  ])('package-version: %s', (_name, value) => {
    expectValid(versionSchema, value)
  })

  it.each([
    ['user.json', fixtures.user],
    ['organization-as-user.json', fixtures.organization],
  ])('public-user: %s', (_name, value) => {
    expectValid(publicUser, value)
  })

  it.each(Object.keys(fixtures.errors))('basic-error: %s', (name) => {
    expectValid(basicError, errorBody(name as ErrorName))
  })

  it('the schemas do reject drifted fixtures', () => {
    expect(packageSchema({...fixtures.packageLinked, visibility: 'secret'})).toBe(false)
    expect(packageSchema({...fixtures.packageLinked, version_count: '3'})).toBe(false)
    const nameless: Record<string, unknown> = {...fixtures.versionTagged}
    delete nameless['name']
    expect(versionSchema(nameless)).toBe(false)
    expect(versionSchema({...fixtures.versionTagged, metadata: {package_type: 'container', container: {tags: 'latest'}}})).toBe(false)
    // `repository` is a nullable $ref: null is valid, a bare string is not.
    expect(packageSchema({...fixtures.packageLinked, repository: null})).toBe(true)
    expect(packageSchema({...fixtures.packageLinked, repository: 'acme/app'})).toBe(false)
  })
})
