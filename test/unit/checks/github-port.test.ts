/** The `auth status` GitHub port over an injected introspection: verdict mapping and the scope rules. */
import {describe, expect, it} from 'vitest'

import {createGitHubPort, toGitHubIntrospection} from '../../../src/lib/checks/github-port.js'
import {NetworkError, UsageError} from '../../../src/lib/errors.js'
import type {TokenIntrospection} from '../../../src/lib/github/introspect.js'
import {introspectionOf} from '../../fixtures/github/factory.js'

const answer = (overrides: Partial<TokenIntrospection>): TokenIntrospection => introspectionOf({expiry: 'unknown', ...overrides})

describe('toGitHubIntrospection', () => {
  it.each([
    [{}, {status: 'valid', login: 'octocat', scopes: ['read:packages']}],
    [{expiry: 'no-expiry'}, {status: 'valid', login: 'octocat', scopes: ['read:packages'], expiresAt: null}],
    [{expiry: 'ok', expiresAt: '2026-07-01T00:00:00.000Z'}, {status: 'valid', login: 'octocat', scopes: ['read:packages'], expiresAt: '2026-07-01T00:00:00.000Z'}],
    [{login: null, scopes: null}, {status: 'valid', scopes: null}],
    [{status: 'rejected', checkedVia: {method: 'GET', path: '/user', httpStatus: 401}, message: 'Bad credentials'}, {status: 'rejected', message: 'GitHub answered HTTP 401 (Bad credentials)'}],
    [{status: 'rejected', checkedVia: {method: 'GET', path: '/user', httpStatus: 401}}, {status: 'rejected', message: 'GitHub answered HTTP 401'}],
    [{status: 'unknown', notes: ['rate limit exhausted', 'retry later']}, {status: 'error', message: 'rate limit exhausted; retry later'}],
    [{status: 'unknown'}, {status: 'error', message: 'GitHub did not say'}],
  ] as Array<[Partial<TokenIntrospection>, unknown]>)('%j', (overrides, expected) => {
    expect(toGitHubIntrospection(answer(overrides))).toEqual(expected)
  })
})

describe('createGitHubPort', () => {
  it('asks the endpoint resolved at call time, and maps the answer', async () => {
    const asked: string[] = []
    const port = createGitHubPort({apiUrl: () => 'https://ghe.example/api/v3', introspect: async (apiUrl) => (asked.push(apiUrl), answer({}))})
    expect(await port.introspect('ghp_x')).toEqual({status: 'valid', login: 'octocat', scopes: ['read:packages']})
    expect(asked).toEqual(['https://ghe.example/api/v3'])
  })

  it('a failed request is an error verdict; a malformed API URL still throws', async () => {
    const port = createGitHubPort({
      apiUrl: () => 'https://api.github.com',
      introspect: async () => {
        throw new NetworkError('https://api.github.com/user', 'ECONNREFUSED')
      },
    })
    expect(await port.introspect('ghp_x')).toEqual({status: 'error', message: 'could not reach https://api.github.com/user: ECONNREFUSED'})
    const malformed = createGitHubPort({
      apiUrl: () => {
        throw new UsageError('GITHUB_API_URL is not a URL: "x"')
      },
      introspect: async () => answer({}),
    })
    await expect(malformed.introspect('ghp_x')).rejects.toBeInstanceOf(UsageError)
  })

  it('scope rules: write implies read; a required scope is never excessive', () => {
    const port = createGitHubPort({apiUrl: () => '', introspect: async () => answer({})})
    expect(port.scopeSatisfies(['write:packages'], 'read:packages')).toBe(true)
    expect(port.scopeSatisfies(['read:packages'], 'write:packages')).toBe(false)
    expect(port.excessiveScopes(['repo', 'delete:packages', 'read:packages'], [])).toContain('repo')
    expect(port.excessiveScopes(['repo', 'delete:packages'], ['delete:packages'])).not.toContain('delete:packages')
  })
})
