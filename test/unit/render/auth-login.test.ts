/**
 * The `auth login github` / `auth logout github` stderr lines (src/render/auth-login.ts), exact
 * output for fixed results (STYLE.md: assert exact human output).
 */
import {describe, expect, it} from 'vitest'

import type {AuthLoginResult, AuthLogoutResult} from '../../../src/lib/github/login.js'
import {renderLogin, renderLogout} from '../../../src/render/auth-login.js'

const KEYRING = {service: 'regctl:github', account: 'github.com'}

const VERIFIED: AuthLoginResult = {
  provider: 'github',
  host: 'github.com',
  apiUrl: 'https://api.github.com',
  storage: 'keyring',
  keyring: KEYRING,
  token: {kind: 'classic', secretKind: 'github-classic-pat', label: 'GitHub classic personal access token', redacted: 'ghp_…abcd'},
  verified: true,
  login: 'octocat',
  scopes: ['read:packages', 'repo'],
  expiresAt: '2027-01-31T00:00:00.000Z',
  expiry: 'ok',
  warnings: ['GH_TOKEN is set and takes precedence over the keyring'],
  exitCode: 0,
}

describe('renderLogin', () => {
  it('verified, with scopes, an expiry and a warning', () => {
    expect(renderLogin(VERIFIED, 'classic PAT')).toBe(
      [
        '✓ Logged in to github.com as octocat (classic PAT ghp_…abcd, scopes: read:packages, repo)',
        '  Token expires 2027-01-31T00:00:00.000Z',
        '  Stored in the OS keyring (service regctl:github, account github.com)',
        '! GH_TOKEN is set and takes precedence over the keyring',
      ].join('\n'),
    )
  })

  it('verified, no scopes reported and no expiry', () => {
    const result: AuthLoginResult = {...VERIFIED, login: null, scopes: null, expiresAt: null, expiry: 'no-expiry', warnings: []}
    expect(renderLogin(result, 'fine-grained PAT')).toBe(
      [
        '✓ Logged in to github.com as an unknown login (fine-grained PAT ghp_…abcd, scopes: not reported)',
        '  Token does not expire',
        '  Stored in the OS keyring (service regctl:github, account github.com)',
      ].join('\n'),
    )
  })

  it('--no-verify: stored without verifying; an empty scope list reads "none" when verified', () => {
    const unverified: AuthLoginResult = {...VERIFIED, verified: false, login: null, scopes: null, expiresAt: null, expiry: 'unknown', warnings: []}
    expect(renderLogin(unverified, 'classic PAT')).toBe(
      ['✓ Stored a token for github.com without verifying it (classic PAT ghp_…abcd)', '  Stored in the OS keyring (service regctl:github, account github.com)'].join('\n'),
    )
    expect(renderLogin({...VERIFIED, scopes: [], expiresAt: null, expiry: 'unknown', warnings: []}, 'classic PAT').split('\n')[0]).toBe(
      '✓ Logged in to github.com as octocat (classic PAT ghp_…abcd, scopes: none)',
    )
  })
})

describe('renderLogout', () => {
  const result: AuthLogoutResult = {provider: 'github', host: 'github.com', keyring: KEYRING, removed: true, warnings: [], exitCode: 0}

  it('removed', () => {
    expect(renderLogout(result)).toBe('✓ Logged out of github.com: removed the token from the OS keyring (service regctl:github, account github.com)')
  })

  it('nothing to remove, with a warning', () => {
    expect(renderLogout({...result, removed: false, warnings: ['GH_TOKEN is still set']})).toBe(
      ['No token for github.com in the OS keyring (service regctl:github, account github.com): nothing to remove', '! GH_TOKEN is still set'].join('\n'),
    )
  })
})
