/**
 * `auth status --registry X` shows only what concerns X: the GitHub API token only for GHCR, and
 * only the credential files that hold X's login (every existing one when none does). The
 * `--insecure-storage` token file is a warning finding. In-memory configs, offline.
 */
import {describe, expect, it} from 'vitest'

import {AuthRuleId} from '../../../src/lib/checks/auth-rules.js'
import {authStatus, type AuthStatusOptions} from '../../../src/lib/checks/auth-status.js'
import {TokenFileError} from '../../../src/lib/github/token-file.js'
import {DOCKER, PODMAN_CFG, b64, fakeGather} from '../credentials/fakes.js'

const CLASSIC = `ghp_${'C'.repeat(32)}abcd`

const FILES = {
  [DOCKER]: {auths: {'ghcr.io': {auth: b64('octocat', CLASSIC)}}},
  [PODMAN_CFG]: {auths: {'quay.io': {auth: b64('robot', 'secret-password')}}},
}

function options(registry: string | undefined, extra: Partial<AuthStatusOptions> = {}): AuthStatusOptions {
  return {
    gather: fakeGather(FILES, {}, registry === undefined ? {} : {registry}),
    offline: true,
    requiredScopes: [],
    failOn: 'error',
    concurrency: 2,
    now: () => Date.parse('2025-06-01T00:00:00Z'),
    platform: 'linux',
    registry,
    githubApiToken: async () => ({token: {token: CLASSIC, source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd'}, notes: []}),
    ...extra,
  }
}

describe('auth status --registry filters the GitHub token and files sections', () => {
  it('without --registry: every file and the GitHub token', async () => {
    const result = await authStatus(options(undefined))
    expect(result.files.map((file) => file.path)).toEqual(expect.arrayContaining([DOCKER, PODMAN_CFG]))
    expect(result.githubApi).toMatchObject({source: 'GH_TOKEN'})
  })

  it('--registry quay.io: no GitHub token section, only the podman file that holds the login', async () => {
    const result = await authStatus(options('quay.io'))
    expect(result.registries.map((registry) => registry.registry)).toEqual(['quay.io'])
    expect(result.githubApi).toBeUndefined()
    expect(result.files.map((file) => file.path)).toEqual([PODMAN_CFG])
  })

  it('--registry ghcr.io: the GitHub token, and only the Docker config', async () => {
    const result = await authStatus(options('ghcr.io'))
    expect(result.githubApi).toMatchObject({source: 'GH_TOKEN', redacted: 'ghp_…abcd'})
    expect(result.files.map((file) => file.path)).toEqual([DOCKER])
  })

  it('--registry with no login anywhere: the files that exist (where a login would be looked for)', async () => {
    const result = await authStatus(options('registry.example.com'))
    expect(result.githubApi).toBeUndefined()
    expect(result.files.map((file) => file.path).sort()).toEqual([DOCKER, PODMAN_CFG].sort())
  })
})

describe('the --insecure-storage token file is a finding', () => {
  it('a warning naming the path; none when there is no file; not under --registry quay.io', async () => {
    const path = '/home/u/.config/regctl/github-token-github.com'
    const withFile = await authStatus(options(undefined, {plaintextTokenFile: async () => path}))
    expect(withFile.findings.filter((finding) => finding.ruleId === AuthRuleId.plaintextToken)).toEqual([
      expect.objectContaining({severity: 'warning', message: `GitHub API token stored in plain text at ${path} (auth login github --insecure-storage)`, location: {file: path}}),
    ])
    expect(withFile.summary.findings.warning).toBeGreaterThanOrEqual(1)
    const without = await authStatus(options(undefined, {plaintextTokenFile: async () => undefined}))
    expect(without.findings.some((finding) => finding.ruleId === AuthRuleId.plaintextToken)).toBe(false)
    const quay = await authStatus(options('quay.io', {plaintextTokenFile: async () => path}))
    expect(quay.findings.some((finding) => finding.ruleId === AuthRuleId.plaintextToken)).toBe(false)
  })

  it('a token file that cannot be used safely (a planted link) is still a finding, saying why', async () => {
    const result = await authStatus(
      options(undefined, {
        plaintextTokenFile: async () => {
          throw new TokenFileError('/home/u/.config/regctl is a symbolic link: regctl keeps tokens only in a real directory and does not follow it. Remove the link')
        },
      }),
    )
    const finding = result.findings.find((candidate) => candidate.ruleId === AuthRuleId.plaintextToken)
    expect(finding?.message).toBe('GitHub token file: /home/u/.config/regctl is a symbolic link: regctl keeps tokens only in a real directory and does not follow it. Remove the link')
  })
})
