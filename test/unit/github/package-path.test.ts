import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {parsePackagePath, type PackagePath} from '../../../src/lib/github/package-path.js'

describe('parsePackagePath', () => {
  it.each<[string, PackagePath]>([
    ['acme', {owner: 'acme'}],
    ['acme/app', {owner: 'acme', package: 'app'}],
    ['acme/tools/cli', {owner: 'acme', package: 'tools/cli'}],
    ['ghcr.io/acme/tools/cli', {owner: 'acme', package: 'tools/cli'}],
    ['GHCR.IO/Acme/App', {owner: 'Acme', package: 'App'}],
    ['my-org/a.b_c-d', {owner: 'my-org', package: 'a.b_c-d'}],
    [' octocat ', {owner: 'octocat'}],
  ])('%s', (input, expected) => {
    expect(parsePackagePath(input)).toEqual(expected)
  })

  it.each([
    ['', 'not a GitHub user'],
    ['-acme', 'not a GitHub user'],
    ['acme-', 'not a GitHub user'],
    ['ac--me', 'not a GitHub user'],
    ['a'.repeat(40), 'not a GitHub user'],
    ['acme/', 'not a container package name'],
    ['acme//app', 'not a container package name'],
    ['acme/app/', 'not a container package name'],
    ['acme/-app', 'not a container package name'],
    ['acme/app:1.0', 'without a tag or digest'],
    ['acme/app@sha256:abc', 'without a tag or digest'],
  ])('refuses %j', (input, message) => {
    expect(() => parsePackagePath(input)).toThrow(UsageError)
    expect(() => parsePackagePath(input)).toThrow(message)
  })
})
