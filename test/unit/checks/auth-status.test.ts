/**
 * The auth status verdicts and findings, over in-memory config files, a fake live verifier and a
 * fake GitHub: one table row per rule, the exit code, push detection from the JWT, and that no
 * secret reaches the result.
 */
import {describe, expect, it} from 'vitest'

import {AUTH_RULES, AuthRuleId, permissionsFinding} from '../../../src/lib/checks/auth-rules.js'
import {authStatus, type AuthStatusOptions} from '../../../src/lib/checks/auth-status.js'
import type {GitHubIntrospection, VerifyCredential} from '../../../src/lib/checks/auth-status-types.js'
import {pushGranted} from '../../../src/lib/checks/live-verifier.js'
import {decodeJwtPayload} from '../../../src/lib/jwt.js'
import {AuthError, NetworkError} from '../../../src/lib/errors.js'
import {excessiveScopes, scopeSatisfies} from '../../../src/lib/github/scopes.js'
import {DOCKER, PODMAN_CFG, b64, fakeGather, type FakeHelpers} from '../credentials/fakes.js'

const NOW = Date.parse('2025-06-01T00:00:00Z')
const DAY = 86_400_000
const CLASSIC = `ghp_${'C'.repeat(32)}abcd`
const FINE = `github_pat_11AAAA_${'F'.repeat(50)}wxyz`
const ECR = 'AWS'

function jwt(payload: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({alg: 'RS256', typ: 'JWT'})}.${part(payload)}.c2ln`
}

function ecrPassword(expirationMs: number): string {
  return Buffer.from(JSON.stringify({payload: 'p'.repeat(40), datakey: 'd'.repeat(40), version: '2', type: 'DATA_KEY', expiration: Math.floor(expirationMs / 1000)})).toString('base64')
}

const accept: VerifyCredential = async (_registry, _credential, scopes) => {
  const repository = scopes[0]?.split(':')[1] ?? ''
  return {scheme: 'bearer', withCredentials: true, token: jwt({access: [{type: 'repository', name: repository, actions: ['pull', 'push']}]})}
}

function github(answer: GitHubIntrospection) {
  return {
    introspect: async () => answer,
    scopeSatisfies,
    excessiveScopes: (granted: readonly string[], required: readonly string[]) => excessiveScopes(granted).filter((s) => !required.some((r) => scopeSatisfies([s], r))),
  }
}

function options(files: Record<string, unknown>, extra: Partial<AuthStatusOptions> = {}, helpers: FakeHelpers = {}): AuthStatusOptions {
  return {
    gather: fakeGather(files, helpers),
    offline: false,
    requiredScopes: [],
    failOn: 'error',
    concurrency: 4,
    now: () => NOW,
    platform: 'linux',
    verify: accept,
    ...extra,
  }
}

const ghcr = (user: string, secret: string) => ({[DOCKER]: {auths: {'ghcr.io': {auth: b64(user, secret)}}}})
const valid = (scopes: string[] | null, expiresAt: string | null | undefined, login = 'octocat'): GitHubIntrospection => ({status: 'valid', login, scopes, expiresAt})

describe('auth status findings (one row per rule)', () => {
  it.each([
    {rule: AuthRuleId.plaintext, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))}},
    {rule: AuthRuleId.ghcrTokenKind, files: ghcr('octocat', FINE), extra: {offline: true}},
    {rule: AuthRuleId.excessiveScopes, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['repo', 'write:packages', 'delete_repo'], '2026-01-01T00:00:00.000Z'))}},
    {rule: AuthRuleId.noExpiry, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['read:packages'], null))}},
    {rule: AuthRuleId.expiringSoon, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['read:packages'], new Date(NOW + 3 * DAY).toISOString()))}},
    {rule: AuthRuleId.expired, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['read:packages'], new Date(NOW - DAY).toISOString()))}},
    {rule: AuthRuleId.ecrTokenExpired, files: {[DOCKER]: {auths: {'123456789012.dkr.ecr.eu-west-1.amazonaws.com': {auth: b64(ECR, ecrPassword(NOW - 3600_000))}}}}, extra: {}},
    {rule: AuthRuleId.missingScope, files: ghcr('octocat', CLASSIC), extra: {requiredScopes: ['write:packages'], github: github(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))}},
    {rule: AuthRuleId.loginMismatch, files: ghcr('octocat', CLASSIC), extra: {github: github(valid(['read:packages'], '2026-01-01T00:00:00.000Z', 'hubot'))}},
    {
      rule: AuthRuleId.rejected,
      files: ghcr('octocat', CLASSIC),
      extra: {
        verify: async () => {
          throw new AuthError('x: the token server refused the credentials (HTTP 401)', {reason: 'credentials-rejected', registry: 'ghcr.io', status: 401})
        },
      },
    },
    {rule: AuthRuleId.rejected, files: ghcr('octocat', CLASSIC), extra: {github: github({status: 'rejected', message: 'Bad credentials'})}},
    {
      rule: AuthRuleId.unreachable,
      files: ghcr('octocat', CLASSIC),
      extra: {
        verify: async () => {
          throw new NetworkError('https://ghcr.io/v2/', 'ECONNREFUSED')
        },
      },
    },
    {
      rule: AuthRuleId.conflictingUsers,
      files: {...ghcr('octocat', CLASSIC), [PODMAN_CFG]: {auths: {'ghcr.io': {auth: b64('hubot', CLASSIC)}}}},
      extra: {offline: true},
    },
    {rule: AuthRuleId.helperMissing, files: {[DOCKER]: {credHelpers: {'gcr.io': 'gcloud'}}}, extra: {offline: true}},
    {rule: AuthRuleId.helperFailing, files: {[DOCKER]: {credsStore: 'secretservice'}}, extra: {offline: true}, helpers: {secretservice: 'broken' as const}},
  ])('$rule', async ({rule, files, extra, helpers}) => {
    const result = await authStatus(options(files, extra, helpers))
    const all = [...result.findings, ...result.registries.flatMap((r) => r.findings)]
    const found = all.filter((f) => f.ruleId === rule)
    expect(found.length, JSON.stringify(all, null, 2)).toBeGreaterThan(0)
    for (const finding of found) expect(finding.fix ?? '').not.toBe('')
    const text = JSON.stringify(result)
    for (const secret of [CLASSIC, FINE]) expect(text).not.toContain(secret)
  })

  it('every rule id is in the catalogue, once', () => {
    const ids = AUTH_RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(Object.values(AuthRuleId).sort()).toEqual([...ids].sort())
  })

  it.each([
    [0o600, undefined],
    [0o640, 'group'],
    [0o604, 'others'],
    [0o644, 'group and others'],
  ])('permissions %s', (mode, who) => {
    const finding = permissionsFinding('/x/config.json', mode)
    if (who === undefined) expect(finding).toBeUndefined()
    else expect(finding).toMatchObject({message: `/x/config.json is readable by ${who} (mode 0${mode.toString(8)})`, fix: 'chmod 600 /x/config.json'})
  })
})

describe('auth status verdicts', () => {
  it('GHCR fine-grained token: a warning offline, only a note once the registry accepted it', async () => {
    const offline = await authStatus(options(ghcr('octocat', FINE), {offline: true}))
    const live = await authStatus(options(ghcr('octocat', FINE), {github: github(valid(null, null))}))
    const kind = (r: typeof offline) => r.registries[0]?.findings.find((f) => f.ruleId === AuthRuleId.ghcrTokenKind)?.severity
    expect(kind(offline)).toBe('warning')
    expect(kind(live)).toBe('note')
  })

  it('reads push rights from the JWT access claim', async () => {
    const pullOnly: VerifyCredential = async () => ({scheme: 'bearer', withCredentials: true, token: jwt({access: [{type: 'repository', name: 'regctl-auth-probe', actions: ['pull']}]})})
    const opaque: VerifyCredential = async () => ({scheme: 'bearer', withCredentials: true, token: 'djE6b3BhcXVl'})
    const files = {[DOCKER]: {auths: {'registry.example.com': {auth: b64('u', 'p')}}}}
    const push = (await authStatus(options(files))).registries[0]?.live.push
    expect(push).toEqual({repository: 'regctl-auth-probe', granted: true, via: 'jwt-access-claim'})
    expect((await authStatus(options(files, {verify: pullOnly}))).registries[0]?.live.push?.granted).toBe(false)
    expect((await authStatus(options(files, {verify: opaque}))).registries[0]?.live.push).toEqual({repository: 'regctl-auth-probe', granted: null, via: 'none'})
  })

  it('probes GHCR under the user namespace, or --repository', async () => {
    const seen: string[] = []
    const verify: VerifyCredential = async (registry, credential, scopes) => {
      seen.push(...scopes)
      return accept(registry, credential, scopes)
    }
    await authStatus(options(ghcr('OctoCat', CLASSIC), {verify}))
    await authStatus(options(ghcr('OctoCat', CLASSIC), {verify, repository: 'acme/app'}))
    expect(seen).toEqual(['repository:octocat/regctl-auth-probe:push,pull', 'repository:acme/app:push,pull'])
  })

  // issue 8: Docker Hub asked about `regctl-auth-probe` (= library/regctl-auth-probe, which no user
  // owns) and said "no push rights" for a token that can push to its own namespace.
  it.each([
    {host: 'docker.io', key: 'https://index.docker.io/v1/', user: 'Alice', scopes: ['repository:alice/regctl-auth-probe:push,pull'], push: {repository: 'alice/regctl-auth-probe', granted: true, via: 'jwt-access-claim'}},
    {host: 'docker.io', key: 'https://index.docker.io/v1/', user: 'alice@example.com', scopes: [], push: {granted: null, via: 'none'}},
    {host: 'europe-west4-docker.pkg.dev', key: 'europe-west4-docker.pkg.dev', user: 'oauth2accesstoken', scopes: [], push: {granted: null, via: 'none'}},
    {host: 'registry.example.com', key: 'registry.example.com', user: 'ci', scopes: ['repository:regctl-auth-probe:push,pull'], push: {repository: 'regctl-auth-probe', granted: true, via: 'jwt-access-claim'}},
    // Quay has no root-level repositories: NAMESPACE/NAME, a robot's namespace before its `+`
    // (quay/quay util/validation.py VALID_USERNAME_REGEX); `$oauthtoken` is no namespace.
    {host: 'quay.io', key: 'quay.io', user: 'Octo_cat', scopes: ['repository:octo_cat/regctl-auth-probe:push,pull'], push: {repository: 'octo_cat/regctl-auth-probe', granted: true, via: 'jwt-access-claim'}},
    {host: 'quay.io', key: 'quay.io', user: 'acme+ci_bot', scopes: ['repository:acme/regctl-auth-probe:push,pull'], push: {repository: 'acme/regctl-auth-probe', granted: true, via: 'jwt-access-claim'}},
    {host: 'quay.io', key: 'quay.io', user: '$oauthtoken', scopes: [], push: {granted: null, via: 'none'}},
  ])('push probe on $host for $user: $scopes', async ({host, key, user, scopes, push}) => {
    const seen: string[][] = []
    const verify: VerifyCredential = async (registry, credential, asked) => {
      seen.push([...asked])
      return accept(registry, credential, asked)
    }
    const result = await authStatus(options({[DOCKER]: {auths: {[key]: {auth: b64(user, 'dckr_pat_secret')}}}}, {verify}))
    expect(seen).toEqual([scopes])
    expect(result.registries.find((r) => r.registry === host)?.live).toMatchObject({result: 'accepted', push})
  })

  it('--repository decides the probe wherever the registry has no per-user layout', async () => {
    const seen: string[][] = []
    const verify: VerifyCredential = async (registry, credential, asked) => {
      seen.push([...asked])
      return accept(registry, credential, asked)
    }
    await authStatus(options({[DOCKER]: {auths: {'europe-west4-docker.pkg.dev': {auth: b64('oauth2accesstoken', 'ya29.secret')}}}}, {verify, repository: 'proj/repo/app'}))
    expect(seen).toEqual([['repository:proj/repo/app:push,pull']])
  })

  it.each([
    {name: 'all good', extra: {github: github(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))}, files: {[DOCKER]: {credsStore: 'store'}}, exit: 0},
    {name: 'a warning does not fail with --fail-on error', extra: {github: github(valid(['read:packages'], null))}, files: {[DOCKER]: {credsStore: 'store'}}, exit: 0},
    {name: 'a warning fails with --fail-on warning', extra: {failOn: 'warning' as const, github: github(valid(['read:packages'], null))}, files: {[DOCKER]: {credsStore: 'store'}}, exit: 1},
    {
      name: 'a missing scope fails even with --fail-on never',
      extra: {failOn: 'never' as const, requiredScopes: ['write:packages'], github: github(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))},
      files: {[DOCKER]: {credsStore: 'store'}},
      exit: 1,
    },
    {
      name: 'write: implies read:',
      extra: {requiredScopes: ['read:packages'], github: github(valid(['write:packages'], '2026-01-01T00:00:00.000Z'))},
      files: {[DOCKER]: {credsStore: 'store'}},
      exit: 0,
    },
  ])('exit code: $name', async ({extra, files, exit}) => {
    const result = await authStatus(options(files, extra, {store: {'ghcr.io': ['octocat', CLASSIC]}}))
    expect(result.registries[0]?.credential).toMatchObject({kind: 'credsStore', username: 'octocat', secretKind: 'github-classic-pat', secret: 'ghp_…abcd'})
    expect(result.exitCode).toBe(exit)
  })

  describe('--require-scope with a fine-grained token (no X-OAuth-Scopes): what the registry proved decides (issue 8)', () => {
    const pullOnly: VerifyCredential = async (_registry, _credential, scopes) => ({
      scheme: 'bearer',
      withCredentials: true,
      token: jwt({access: [{type: 'repository', name: scopes[0]?.split(':')[1] ?? '', actions: ['pull']}]}),
    })
    const opaque: VerifyCredential = async () => ({scheme: 'bearer', withCredentials: true, token: 'djE6b3BhcXVl'})
    const run = async (requiredScopes: string[], extra: Partial<AuthStatusOptions> = {}) => {
      const result = await authStatus(options(ghcr('octocat', FINE), {requiredScopes, github: github(valid(null, null)), ...extra}))
      const registry = result.registries[0]
      return {result, github: registry?.github, scopeFindings: registry?.findings.filter((f) => f.ruleId === AuthRuleId.missingScope).map((f) => f.message) ?? []}
    }

    it('a push probe that granted push proves write:packages and read:packages: exit 0', async () => {
      const {result, github: report, scopeFindings} = await run(['write:packages', 'read:packages'])
      expect(report).toMatchObject({scopes: null, missingScopes: [], unverifiableScopes: [], provenScopes: [{scope: 'write:packages', by: 'push-probe'}, {scope: 'read:packages', by: 'push-probe'}]})
      expect(scopeFindings).toEqual([])
      expect(result.exitCode).toBe(0)
    })

    it('an accepted login proves read:packages; a probe that refused push is a missing write:packages: exit 1', async () => {
      const read = await run(['read:packages'], {verify: pullOnly})
      expect(read.github?.provenScopes).toEqual([{scope: 'read:packages', by: 'token-exchange'}])
      expect(read.result.exitCode).toBe(0)
      const write = await run(['write:packages'], {verify: pullOnly})
      expect(write.github).toMatchObject({missingScopes: ['write:packages'], unverifiableScopes: []})
      expect(write.scopeFindings).toEqual(['ghcr.io: the token lacks write:packages: the registry refused push on octocat/regctl-auth-probe'])
      expect(write.result.exitCode).toBe(1)
    })

    it('nothing decides (an opaque registry token, or a scope no registry answer proves): "cannot be verified for a fine-grained token", exit 1', async () => {
      const opaqueRun = await run(['write:packages'], {verify: opaque})
      expect(opaqueRun.github).toMatchObject({missingScopes: [], unverifiableScopes: ['write:packages']})
      expect(opaqueRun.scopeFindings).toHaveLength(1)
      expect(opaqueRun.scopeFindings[0]).toContain('ghcr.io: write:packages cannot be verified for a fine-grained token')
      expect(opaqueRun.result.exitCode).toBe(1)
      const other = await run(['delete:packages'])
      expect(other.github?.unverifiableScopes).toEqual(['delete:packages'])
      expect(other.result.exitCode).toBe(1)
    })

    it('--offline, or GitHub not answering: a required scope is not verified, so it fails (exit 1), never a silent pass', async () => {
      const offline = await authStatus(options(ghcr('octocat', FINE), {offline: true, requiredScopes: ['read:packages']}))
      expect(offline.registries[0]?.findings.find((f) => f.ruleId === AuthRuleId.missingScope)?.message).toBe('ghcr.io: read:packages cannot be verified with --offline')
      expect(offline.exitCode).toBe(1)
      const down = await authStatus(options(ghcr('octocat', CLASSIC), {requiredScopes: ['read:packages'], github: github({status: 'error', message: 'could not reach api.github.com'})}))
      expect(down.registries[0]?.findings.find((f) => f.ruleId === AuthRuleId.missingScope)?.message).toBe('ghcr.io: read:packages cannot be verified (GitHub could not be asked: could not reach api.github.com)')
      expect(down.exitCode).toBe(1)
    })

    it('without --require-scope nothing changes', async () => {
      const {result, github: report} = await run([])
      expect(report?.unverifiableScopes).toBeUndefined()
      expect(result.exitCode).toBe(0)
    })
  })

  it('ECR: expiry from the token; the login command names the region', async () => {
    const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    const result = await authStatus(options({[DOCKER]: {auths: {[host]: {auth: b64('AWS', ecrPassword(NOW + 6 * 3600_000))}}}}, {offline: true}))
    expect(result.registries[0]).toMatchObject({
      provider: {id: 'ecr', region: 'eu-west-1', partition: 'aws'},
      credential: {secretKind: 'ecr-token'},
      expiry: {source: 'ecr', status: 'expiring', expiresAt: new Date(NOW + 6 * 3600_000).toISOString()},
    })
  })

  it('a registry nothing holds, asked with --registry, gets the login command', async () => {
    const opts = options({[DOCKER]: {}})
    opts.gather.registry = 'ghcr.io'
    const result = await authStatus(opts)
    expect(result.registries).toMatchObject([{registry: 'ghcr.io', status: 'no-credential', loginCommand: 'docker login ghcr.io -u USER --password-stdin'}])
  })

  it('asks GitHub about its token while the registries are checked, not after them', async () => {
    // The registry check waits until GitHub has been asked: run one after the other, this never
    // settles and the test fails (by its timeout). Together, both answers are in the result.
    let asked!: () => void
    const githubAsked = new Promise<void>((resolve) => (asked = resolve))
    const port = github(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))
    const result = await authStatus(
      options({[DOCKER]: {auths: {'registry.example.com': {auth: b64('builder', 'not-a-real-password')}}}}, {
        verify: async (...args) => (await githubAsked, accept(...args)),
        githubApiToken: async () => ({token: {token: CLASSIC, source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd'}, notes: []}),
        github: {...port, introspect: async () => (asked(), port.introspect())},
      }),
    )
    expect(result.registries.map((r) => r.status)).toEqual(['ok'])
    expect(result.githubApi?.github?.status).toBe('valid')
  }, 5000)

  it('reports the GitHub API token source ghcr ls would use', async () => {
    const result = await authStatus(options({}, {githubApiToken: async () => ({token: {token: CLASSIC, source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd'}, notes: []})}))
    expect(result.githubApi).toEqual({source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…abcd', notes: []})
    expect(JSON.stringify(result)).not.toContain(CLASSIC)
  })

  describe('the GitHub API token is verified live (GET /user), as the registry logins are (issue 8)', () => {
    const apiToken = (token: string, kind: 'classic' | 'fine-grained' = 'classic') => async () => ({token: {token, source: 'GH_TOKEN' as const, kind, redacted: 'ghp_…abcd'}, notes: []})
    const run = async (answer: GitHubIntrospection, extra: Partial<AuthStatusOptions> = {}) => {
      const asked: string[] = []
      const port = github(answer)
      const result = await authStatus(options({}, {githubApiToken: apiToken(CLASSIC), github: {...port, introspect: async (token: string) => (asked.push(token), port.introspect())}, ...extra}))
      return {result, asked, findings: result.findings.map((f) => [f.ruleId, f.message])}
    }

    it('accepted with read:packages: reported, no finding, exit 0', async () => {
      const {result, asked, findings} = await run(valid(['read:packages', 'repo'], '2026-01-01T00:00:00.000Z'))
      expect(asked).toEqual([CLASSIC])
      expect(result.githubApi?.github).toMatchObject({status: 'valid', login: 'octocat', scopes: ['read:packages', 'repo'], missingScopes: []})
      expect(findings).toEqual([])
      expect(result.exitCode).toBe(0)
      expect(JSON.stringify(result)).not.toContain(CLASSIC)
    })

    it('revoked or expired (GitHub 401): a rejected finding with the fix, exit 1', async () => {
      const {result, findings} = await run({status: 'rejected', message: 'GitHub answered HTTP 401 (Bad credentials)'})
      expect(findings).toEqual([[AuthRuleId.rejected, 'GitHub rejects the GitHub API token (ghp_…abcd from GH_TOKEN): it is invalid, expired or revoked (GitHub answered HTTP 401 (Bad credentials))']])
      expect(result.findings[0]?.fix).toContain('gh auth refresh -s read:packages')
      expect(result.exitCode).toBe(1)
    })

    it('a classic token without read:packages: missing-scope, exit 1', async () => {
      const {result, findings} = await run(valid(['repo', 'gist'], '2026-01-01T00:00:00.000Z'))
      expect(findings).toEqual([[AuthRuleId.missingScope, 'the GitHub API token (ghp_…abcd from GH_TOKEN) lacks read:packages (it has repo, gist): ghcr ls cannot list packages with it']])
      expect(result.exitCode).toBe(1)
    })

    it('GitHub could not be asked: a warning, exit 3 (undetermined)', async () => {
      const {result, findings} = await run({status: 'error', message: 'could not reach https://api.github.com/user'})
      expect(findings).toEqual([[AuthRuleId.unreachable, 'could not ask GitHub about the GitHub API token (ghp_…abcd from GH_TOKEN): could not reach https://api.github.com/user']])
      expect(result.exitCode).toBe(3)
    })

    it('--offline asks nothing', async () => {
      const {result, asked} = await run({status: 'rejected', message: 'x'}, {offline: true})
      expect(asked).toEqual([])
      expect(result.githubApi?.github).toBeUndefined()
      expect(result.exitCode).toBe(0)
    })

    // GitHub's Packages API takes only a classic PAT (docs.github.com/en/rest/packages/packages):
    // `ghcr ls OWNER` fails with a fine-grained token, whatever GET /user says about it.
    describe('a fine-grained API token', () => {
      const fineGrained = (answer: GitHubIntrospection, extra: Partial<AuthStatusOptions> = {}) =>
        authStatus(options({}, {githubApiToken: apiToken(FINE, 'fine-grained'), github: github(answer), ...extra}))
      const KIND_MESSAGE =
        "the GitHub API token (ghp_…abcd from GH_TOKEN) is a fine-grained token: GitHub's Packages API accepts only a classic PAT, so ghcr ls OWNER cannot list packages with it (ghcr ls OWNER/PACKAGE falls back to the registry's tag list)"

      it.each([
        ['accepted by GET /user (no scopes named)', {status: 'valid', login: 'octocat', scopes: null} as GitHubIntrospection, {}],
        ['--offline: known from the prefix alone', {status: 'rejected', message: 'x'} as GitHubIntrospection, {offline: true}],
      ])('%s: a ghcr-token-kind warning naming the classic PAT fix', async (_name, answer, extra) => {
        const result = await fineGrained(answer, extra)
        expect(result.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([[AuthRuleId.ghcrTokenKind, 'warning', KIND_MESSAGE]])
        expect(result.findings[0]?.fix).toContain('https://github.com/settings/tokens/new?scopes=read:packages')
        expect(JSON.stringify(result)).not.toContain(FINE)
      })

      it('rejected by GitHub: only the rejected finding (the kind is moot)', async () => {
        const result = await fineGrained({status: 'rejected', message: 'GitHub answered HTTP 401 (Bad credentials)'})
        expect(result.findings.map((f) => f.ruleId)).toEqual([AuthRuleId.rejected])
      })

      it('from the ghcr.io Docker login: no second finding (the login has its own, with the same fix)', async () => {
        const fromDocker = async () => ({token: {token: FINE, source: 'docker-config' as const, kind: 'fine-grained' as const, redacted: 'github_pat_…wxyz'}, notes: []})
        const result = await authStatus(options({}, {githubApiToken: fromDocker, offline: true}))
        expect(result.findings).toEqual([])
      })

      it('a classic token with read:packages gets no such finding', async () => {
        const {findings} = await run(valid(['read:packages'], '2026-01-01T00:00:00.000Z'))
        expect(findings).toEqual([])
      })
    })
  })
})

describe('JWT helpers', () => {
  it.each([
    [jwt({access: [{type: 'repository', name: 'a/b', actions: ['pull', 'push']}]}), 'a/b', true],
    [jwt({access: [{type: 'repository', name: 'a/b', actions: ['*']}]}), 'a/b', true],
    [jwt({access: [{type: 'repository', name: 'a/c', actions: ['push']}]}), 'a/b', false],
    [jwt({access: []}), 'a/b', false],
    [jwt({sub: 'x'}), 'a/b', null],
    ['not-a-jwt', 'a/b', null],
    ['a.!!!.c', 'a/b', null],
  ])('pushGranted(%s, %s) = %s', (token, repository, want) => {
    expect(pushGranted(token, repository)).toBe(want)
  })

  it('decodeJwtPayload rejects arrays and non-JSON', () => {
    expect(decodeJwtPayload(`x.${Buffer.from('[1]').toString('base64url')}.y`)).toBeUndefined()
    expect(decodeJwtPayload(`x.${Buffer.from('{"a":1}').toString('base64url')}.y`)).toEqual({a: 1})
  })
})
