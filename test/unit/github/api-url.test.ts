import {describe, expect, it} from 'vitest'

import {resolveApiBaseUrl, type ApiUrlInputs} from '../../../src/lib/github/api-url.js'
import {UsageError} from '../../../src/lib/errors.js'

describe('resolveApiBaseUrl', () => {
  it.each<[string, ApiUrlInputs, string, string]>([
    ['default', {}, 'https://api.github.com', 'github.com'],
    ['GITHUB_API_URL wins over everything', {githubApiUrl: 'https://ghe.corp/api/v3/', hostname: 'other.corp', ghHost: 'x.corp'}, 'https://ghe.corp/api/v3', 'ghe.corp'],
    ['GITHUB_API_URL for github.com', {githubApiUrl: 'https://api.github.com'}, 'https://api.github.com', 'github.com'],
    ['GITHUB_API_URL on loopback keeps the port', {githubApiUrl: 'https://127.0.0.1:8443'}, 'https://127.0.0.1:8443', '127.0.0.1:8443'],
    ['--hostname github.com', {hostname: 'github.com'}, 'https://api.github.com', 'github.com'],
    ['--hostname GHES', {hostname: 'GHE.Example.com'}, 'https://ghe.example.com/api/v3', 'ghe.example.com'],
    ['--hostname wins over GH_HOST', {hostname: 'a.example', ghHost: 'b.example'}, 'https://a.example/api/v3', 'a.example'],
    ['GH_HOST', {ghHost: 'b.example'}, 'https://b.example/api/v3', 'b.example'],
    ['empty GITHUB_API_URL is unset', {githubApiUrl: '  ', ghHost: 'b.example'}, 'https://b.example/api/v3', 'b.example'],
  ])('%s', (_name, inputs, apiUrl, host) => {
    expect(resolveApiBaseUrl(inputs)).toEqual({apiUrl, host})
  })

  it.each<[string, ApiUrlInputs]>([
    ['not a URL', {githubApiUrl: 'api.github.com'}],
    ['not http', {githubApiUrl: 'ftp://api.github.com'}],
    ['a host with a path', {hostname: 'ghe.example/api'}],
  ])('refuses %s', (_name, inputs) => {
    expect(() => resolveApiBaseUrl(inputs)).toThrow(UsageError)
  })
})
