/**
 * `audit()` (src/lib/checks/audit.ts): the three parts merged into one report, run concurrently,
 * with fakes for the registry client, the file system and the credentials part.
 */
import {describe, expect, it} from 'vitest'

import {findingFingerprint} from '../../../src/lib/checks/fingerprint.js'
import {audit, auditRules, type AuditOptions, type CredentialsAudit} from '../../../src/lib/checks/audit.js'
import {AUTH_RULES, helperFinding} from '../../../src/lib/checks/auth-rules.js'
import type {Finding} from '../../../src/lib/checks/finding.js'
import {GHCR_PUSH_RULE} from '../../../src/lib/checks/ghcr-push-rule.js'
import {IMAGE_RULES, ImageRuleId, imageFinding} from '../../../src/lib/checks/image-rules.js'
import type {ImageCheck, PullCheckClient} from '../../../src/lib/checks/pull-check.js'
import {RULES} from '../../../src/lib/checks/rules.js'
import {AuthError, ConfigError, NetworkError, RegistryHttpError} from '../../../src/lib/errors.js'
import type {ManifestHead} from '../../../src/lib/registry/types.js'
import {MediaType} from '../../../src/lib/registry/types.js'
import {memFs} from '../lib/memfs.js'

const ROOT = '/repo'
const DIGEST = `sha256:${'a'.repeat(64)}`
const TOKEN = `ghp_${'Z9'.repeat(18)}`

/** Registry answers keyed `registry/repository:reference`: a head, or an error to throw. */
type Answers = Record<string, ManifestHead | Error>

function fakeClient(answers: Answers): PullCheckClient & {calls: string[]} {
  const calls: string[] = []
  const answer = async (registry: string, repository: string, reference: string): Promise<ManifestHead> => {
    const key = `${registry}/${repository}:${reference}`
    calls.push(key)
    const found = answers[key]
    if (found === undefined) throw new RegistryHttpError(404, 'HEAD', `https://${registry}/v2/${repository}/manifests/${reference}`, [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}])
    if (found instanceof Error) throw found
    return found
  }

  return {
    calls,
    headManifest: answer,
    async getManifest(registry, repository, reference) {
      await answer(registry, repository, reference)
      throw new Error('getManifest is not used for single-platform images')
    },
    async headBlob() {
      return {size: 1}
    },
    async getBlob() {
      throw new Error('getBlob is not used without an explicit platform')
    },
  }
}

const head: ManifestHead = {digest: DIGEST, mediaType: MediaType.ociManifest, size: 100}

/** A repository with a Dockerfile (three FROMs), a compose file and a leaking build context. */
const REPO = {
  Dockerfile: [
    'FROM registry.test/ok/base:1 AS build', // line 1: pullable
    'RUN make',
    'FROM registry.test/missing/app:2', // line 3: not found
    'COPY --from=build /out /out',
    'COPY . .',
  ].join('\n'),
  'compose.yaml': ['services:', '  cache:', '    image: down.test/cache:7', '  web:', '    image: "acme/web:${TAG}"'].join('\n'),
  '.env': 'PASSWORD=hunter2',
}

const answers: Answers = {
  'registry.test/ok/base:1': head,
  'down.test/cache:7': new NetworkError('https://down.test/v2/', 'connect ECONNREFUSED 127.0.0.1:443'),
}

function options(overrides: Partial<AuditOptions> = {}, client = fakeClient(answers)): AuditOptions {
  return {
    root: ROOT,
    fs: memFs(ROOT, REPO),
    parts: {credentials: true, images: true, context: true},
    offline: false,
    pull: {client, credentials: async () => undefined, platform: {os: 'linux', architecture: 'amd64'}},
    credentials: async () => ({findings: []}),
    failOn: 'error',
    now: () => 0,
    ...overrides,
  }
}

const ids = (findings: Finding[]): string[] => findings.map((f) => `${f.severity} ${f.ruleId} ${f.location?.file ?? '-'}:${f.location?.line ?? '-'}`)

describe('audit', () => {
  it('checks the images the repository uses and reports each failure at its line, with the context findings', async () => {
    const report = await audit(options())
    expect(ids(report.findings)).toEqual([
      'error context/secret-not-ignored .env:-',
      'error image/not-found Dockerfile:3',
      'warning context/no-dockerignore Dockerfile:5',
      'warning image/undetermined compose.yaml:3',
      'note repo/unresolved-image compose.yaml:5',
    ])
    expect(report.images.map((i) => [i.image, i.verdict, i.location?.line])).toEqual([
      ['registry.test/ok/base:1', 'pullable', 1],
      ['registry.test/missing/app:2', 'not-found', 3],
      ['down.test/cache:7', 'unreachable', 3],
    ])
    expect(report.summary).toEqual({
      findings: {error: 2, warning: 2, note: 1},
      images: {total: 3, pullable: 1, failed: 1, indeterminate: 1, unchecked: 0},
    })
    expect(report.parts).toEqual({
      credentials: {status: 'ran', durationMs: 0, findings: 0},
      images: {status: 'ran', durationMs: 0, findings: 3},
      context: {status: 'ran', durationMs: 0, findings: 2},
    })
    expect(report.platform).toBe('linux/amd64')
    const notFound = report.findings.find((f) => f.ruleId === 'image/not-found')
    expect(notFound).toMatchObject({
      message: 'Dockerfile line 3: image registry.test/missing/app:2 cannot be pulled (as anonymous): not-found — manifest not found (MANIFEST_UNKNOWN: manifest unknown)',
      subject: 'registry.test/missing/app:2',
    })
  })

  it.each([
    ['error', 1],
    ['warning', 1],
    // Nothing fails at `never`, but the fixture's down.test image could not be checked: 3, not 0.
    ['never', 3],
  ] as const)('--fail-on %s → exit code %d when errors are present', async (failOn, exitCode) => {
    const report = await audit(options({failOn}))
    expect(report.exitCode).toBe(exitCode)
  })

  it.each([
    // Only a warning (an unreachable registry): a finding at --fail-on warning (1); otherwise
    // undetermined (3), as pull-check and auth status answer an unreachable registry; never 0.
    ['error', 3],
    ['warning', 1],
    ['never', 3],
  ] as const)('with only an undetermined image, --fail-on %s → exit %d', async (failOn, exitCode) => {
    const report = await audit(
      options({failOn, parts: {credentials: false, images: true, context: false}, images: [{image: 'down.test/cache:7'}]}),
    )
    expect(ids(report.findings)).toEqual(['warning image/undetermined -:-'])
    expect(report.exitCode).toBe(exitCode)
  })

  it('an undetermined image the user turned off (rules) or baselined is out of the exit code', async () => {
    const only = {parts: {credentials: false, images: true, context: false}, images: [{image: 'down.test/cache:7'}]}
    const off = await audit(options({...only, ruleSettings: new Map([['image/undetermined', 'off' as const]])}))
    expect(off.findings).toEqual([])
    expect(off.exitCode).toBe(0)
    const first = await audit(options(only))
    const baselined = await audit(options({...only, baseline: new Set(first.findings.map((f) => f.fingerprint ?? findingFingerprint(f)))}))
    expect(baselined.findings.map((f) => f.baselineState)).toEqual(['unchanged'])
    expect(baselined.exitCode).toBe(0)
  })

  it('--images replaces discovery: entries keep their file and line, discovery notes are dropped', async () => {
    const client = fakeClient(answers)
    const report = await audit(
      options(
        {
          images: [
            {image: 'registry.test/ok/base:1', location: {file: 'images.txt', line: 1}},
            {image: 'Registry.Test/UPPER:1', location: {file: 'images.txt', line: 4}},
            {image: 'registry.test/ok/base:1', location: {file: 'images.txt', line: 5}},
          ],
          parts: {credentials: false, images: true, context: false},
        },
        client,
      ),
    )
    expect(ids(report.findings)).toEqual(['error image/invalid-reference images.txt:4'])
    // The duplicate is checked once, reported at both lines.
    expect(client.calls).toEqual(['registry.test/ok/base:1'])
    expect(report.images.map((i) => i.verdict)).toEqual(['pullable', 'invalid-reference', 'pullable'])
  })

  it('skips disabled parts and says so; --no-context keeps image discovery but drops context findings', async () => {
    const report = await audit(options({parts: {credentials: false, images: true, context: false}}))
    expect(report.parts.credentials).toEqual({status: 'skipped', reason: 'disabled'})
    expect(report.parts.context).toEqual({status: 'skipped', reason: 'disabled'})
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['image/not-found', 'image/undetermined', 'repo/unresolved-image'])
  })

  it('--no-images: no registry call and no image-discovery notes', async () => {
    const client = fakeClient(answers)
    const report = await audit(options({parts: {credentials: false, images: false, context: true}}, client))
    expect(client.calls).toEqual([])
    expect(report.images).toEqual([])
    expect(report.parts.images).toEqual({status: 'skipped', reason: 'disabled'})
    expect(report.findings.map((f) => f.ruleId)).toEqual(['context/secret-not-ignored', 'context/no-dockerignore'])
  })

  it('offline: images are listed but not checked, without a client', async () => {
    const report = await audit(options({offline: true, pull: undefined}))
    expect(report.parts.images).toEqual({status: 'skipped', reason: 'offline'})
    expect(report.images.map((i) => [i.image, i.verdict])).toEqual([
      ['registry.test/ok/base:1', undefined],
      ['registry.test/missing/app:2', undefined],
      ['down.test/cache:7', undefined],
    ])
    expect(report.summary.images).toEqual({total: 3, pullable: 0, failed: 0, indeterminate: 0, unchecked: 3})
    expect(report.findings.some((f) => f.ruleId.startsWith('image/'))).toBe(false)
  })

  it('refuses to check images online without registry options (a wiring bug, not a finding)', async () => {
    await expect(audit(options({pull: undefined}))).rejects.toThrow(/needs `pull`/)
  })

  it('merges the credentials findings, redacted once more; without a credentials part it is "unavailable"', async () => {
    const credentials: CredentialsAudit = async () => ({
      findings: [{ruleId: 'credentials/plaintext', severity: 'warning', message: `token ${TOKEN} stored in config.json`, fix: `rotate ${TOKEN}`, subject: 'ghcr.io'}],
    })
    const report = await audit(options({credentials, parts: {credentials: true, images: false, context: false}}))
    expect(report.findings).toHaveLength(1)
    expect(JSON.stringify(report)).not.toContain(TOKEN)
    expect(report.parts.credentials).toEqual({status: 'ran', durationMs: 0, findings: 1})

    const without = await audit(options({credentials: undefined, parts: {credentials: true, images: false, context: false}}))
    expect(without.parts.credentials).toEqual({status: 'skipped', reason: 'unavailable'})
  })

  it('a failing credential helper is said once: the credentials finding has its error and fix, each image finding names the helper and points there; JSON images keep the whole message', async () => {
    const stopped = {
      warning: 'docker-credential-secretservice failed …',
      cause: 'docker-credential-secretservice failed',
      undetermined: 'docker-credential-secretservice (docker\'s default credential store) failed for registry.test: get exited with status 1: Cannot autolaunch D-Bus. Undetermined: docker 29+ stops … Fix: …',
    }
    const fs = memFs(ROOT, {Dockerfile: 'FROM registry.test/ok/base:1\nFROM registry.test/missing/app:2\n'})
    const pull = {...options().pull!, credentialWarnings: (registry: string) => (registry === 'registry.test' ? [stopped] : [])}
    const failing = helperFinding({helper: 'secretservice', missing: false, detail: 'list exited with status 1: no D-Bus', scope: 'credsStore'})
    const report = await audit(options({fs, pull, credentials: async () => ({findings: [failing]}), parts: {credentials: true, images: true, context: false}}))
    const imageMessages = report.findings.filter((f) => f.ruleId === ImageRuleId.undetermined).map((f) => f.message)
    expect(imageMessages).toEqual([
      'Dockerfile line 1: image registry.test/ok/base:1 could not be checked: credential-error — docker-credential-secretservice failed for registry.test (its error and the fix: the credentials/helper-failing finding); docker 29+ stops `docker pull` at this error',
      'Dockerfile line 2: image registry.test/missing/app:2 could not be checked: credential-error — docker-credential-secretservice failed for registry.test (its error and the fix: the credentials/helper-failing finding); docker 29+ stops `docker pull` at this error',
    ])
    expect(report.images.map((image) => image.message)).toEqual([stopped.undetermined, stopped.undetermined])
    // The fix is the helper's, not "run the audit again", which fails the same way.
    expect(report.findings.find((f) => f.ruleId === ImageRuleId.undetermined)?.fix).toBe(
      'Make the credential helper docker runs for registry.test answer (unlock or start its store), or take it off PATH if you do not use it; then run the audit again.',
    )

    // Without the credentials finding (that part off, or another helper), the image finding says it all.
    const alone = await audit(options({fs, pull, credentials: async () => ({findings: []}), parts: {credentials: true, images: true, context: false}}))
    expect(alone.findings.filter((f) => f.ruleId === ImageRuleId.undetermined).map((f) => f.message)[0]).toContain('Cannot autolaunch D-Bus')
  })

  it('credential findings with absolute paths: relative inside the root, no location outside it', async () => {
    const credentials: CredentialsAudit = async () => ({
      findings: [
        {ruleId: 'credentials/file-permissions', severity: 'warning', message: 'inside', location: {file: `${ROOT}/ci/docker/config.json`, line: 2}},
        {ruleId: 'credentials/plaintext', severity: 'warning', message: 'outside', location: {file: '/home/runner/.docker/config.json'}},
        {ruleId: 'credentials/plaintext', severity: 'warning', message: 'sibling', location: {file: `${ROOT}-other/config.json`}},
      ],
    })
    const report = await audit(options({credentials, parts: {credentials: true, images: false, context: false}}))
    expect(report.findings.map((f) => [f.message, f.location])).toEqual([
      ['inside', {file: 'ci/docker/config.json', line: 2}],
      ['outside', undefined],
      ['sibling', undefined],
    ])
  })

  it('runs the three parts concurrently', async () => {
    // Each part waits for the others to have started: run one after another, this deadlocks and
    // the bounded race below rejects.
    const started = {credentials: false, images: false}
    const waitFor = async (name: keyof typeof started): Promise<void> => {
      for (let i = 0; i < 200 && !started[name]; i++) await new Promise((r) => setTimeout(r, 5))
      if (!started[name]) throw new Error(`${name} never started`)
    }

    const client = fakeClient(answers)
    const slowClient: PullCheckClient = {
      ...client,
      async headManifest(registry, repository, reference) {
        started.images = true
        await waitFor('credentials')
        return client.headManifest(registry, repository, reference)
      },
    }
    const credentials: CredentialsAudit = async () => {
      started.credentials = true
      await waitFor('images')
      return {findings: []}
    }

    const report = await audit(options({credentials, pull: {client: slowClient, credentials: async () => undefined, platform: {os: 'linux', architecture: 'amd64'}}}))
    expect(report.parts.credentials.status).toBe('ran')
    expect(report.summary.images.total).toBe(3)
  })

  it('a part that throws fails the audit, but only after the other parts have settled', async () => {
    let imagesFinished = false
    const client = fakeClient(answers)
    const slowClient: PullCheckClient = {
      ...client,
      async headManifest(registry, repository, reference) {
        await new Promise((r) => setTimeout(r, 20))
        imagesFinished = true
        return client.headManifest(registry, repository, reference)
      },
    }
    const credentials: CredentialsAudit = async () => {
      throw new ConfigError('/home/u/.docker/config.json', 'invalid JSON')
    }

    await expect(audit(options({credentials, pull: {client: slowClient, credentials: async () => undefined, platform: {os: 'linux', architecture: 'amd64'}}}))).rejects.toBeInstanceOf(ConfigError)
    expect(imagesFinished).toBe(true)
  })
})

describe('imageFinding', () => {
  const base: ImageCheck = {
    input: 'ghcr.io/acme/app:1',
    reference: 'ghcr.io/acme/app:1',
    registry: 'ghcr.io',
    repository: 'acme/app',
    verdict: 'pullable',
    credential: {source: 'config.json auths', username: 'bot'},
    durationMs: 1,
  }

  it.each([
    ['pullable', undefined, undefined],
    ['not-found', ImageRuleId.notFound, 'error'],
    ['unauthorized', ImageRuleId.unauthorized, 'error'],
    ['denied', ImageRuleId.denied, 'error'],
    ['platform-missing', ImageRuleId.platformMissing, 'error'],
    ['invalid-reference', ImageRuleId.invalidReference, 'error'],
    ['credential-error', ImageRuleId.undetermined, 'warning'],
    ['rate-limited', ImageRuleId.undetermined, 'warning'],
    ['registry-error', ImageRuleId.undetermined, 'warning'],
    ['unreachable', ImageRuleId.undetermined, 'warning'],
  ] as const)('%s → %s (%s)', (verdict, ruleId, severity) => {
    const finding = imageFinding({...base, verdict}, {location: {file: 'Dockerfile', line: 2}})
    if (ruleId === undefined) {
      expect(finding).toBeUndefined()
      return
    }

    expect(finding).toMatchObject({ruleId, severity, location: {file: 'Dockerfile', line: 2}, subject: 'ghcr.io/acme/app:1'})
    expect(finding?.message).toContain('as bot via config.json auths')
    expect(finding?.fix).toBeTruthy()
  })

  it('a schema1 manifest is a definitive error, not an undetermined warning', () => {
    const finding = imageFinding({...base, verdict: 'registry-error', deprecated: 'Docker Image manifest v2 schema 1'}, {})
    expect(finding).toMatchObject({ruleId: ImageRuleId.deprecatedManifest, severity: 'error'})
    expect(finding?.location).toBeUndefined()
  })

  it('tells an anonymous user to log in, and a rejected login to log in again', () => {
    expect(imageFinding({...base, verdict: 'unauthorized', credential: {source: 'anonymous'}}, {})?.fix).toBe('Log in to ghcr.io before the build: docker login ghcr.io.')
    expect(imageFinding({...base, verdict: 'unauthorized'}, {})?.fix).toMatch(/^The config.json auths login for ghcr.io was rejected/)
  })

  it('maps real client errors through pull-check verdicts (AuthError → unauthorized)', async () => {
    const client = fakeClient({'ghcr.io/acme/app:1': new AuthError('no', {reason: 'no-credentials', registry: 'ghcr.io', status: 401})})
    const report = await audit(options({images: [{image: 'ghcr.io/acme/app:1'}], parts: {credentials: false, images: true, context: false}}, client))
    expect(ids(report.findings)).toEqual(['error image/unauthorized -:-'])
  })
})

describe('auditRules', () => {
  it('no two catalogues share a rule id or a SARIF rule name (auditRules keeps the first of a collision)', () => {
    // The raw catalogues, before auditRules de-duplicates: a collision here would silently drop a rule.
    const all = [...RULES, ...IMAGE_RULES, GHCR_PUSH_RULE, ...AUTH_RULES]
    const ids = all.map((rule) => rule.id)
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([])
    const names = all.map((rule) => rule.name)
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([])
  })

  it('holds every repository, image and credentials rule once, each with help', () => {
    const rules = auditRules([...AUTH_RULES, ...IMAGE_RULES])
    const idsOf = rules.map((r) => r.id)
    for (const rule of [...RULES, ...IMAGE_RULES, ...AUTH_RULES]) expect(idsOf).toContain(rule.id)
    for (const rule of IMAGE_RULES) {
      expect(rule.id).toMatch(/^image\/[a-z-]+$/)
      expect(rule.help.length).toBeGreaterThan(80)
    }
  })

  it('has a rule for every rule id imageFinding can produce', () => {
    const known = new Set(IMAGE_RULES.map((r) => r.id))
    for (const id of Object.values(ImageRuleId)) expect(known.has(id)).toBe(true)
  })
})
