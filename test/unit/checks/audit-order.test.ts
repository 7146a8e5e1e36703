/**
 * `audit()` finishes each part's findings (redaction, paths relative to the root, fingerprints) as
 * soon as that part is done, while another part still waits on the network (issue 10: only the last
 * part's findings are left for after the last response). Observed through the order of calls: the
 * fingerprint function is wrapped to record each call, and the registry answers only after a turn
 * of the event loop, as any network answer does.
 */
import {describe, expect, it, vi} from 'vitest'

import {audit} from '../../../src/lib/checks/audit.js'
import type * as Fingerprint from '../../../src/lib/checks/fingerprint.js'
import type {PullCheckClient} from '../../../src/lib/checks/pull-check.js'
import type {ManifestHead} from '../../../src/lib/registry/types.js'
import {MediaType} from '../../../src/lib/registry/types.js'
import {memFs} from '../lib/memfs.js'

const events = vi.hoisted(() => [] as string[])

vi.mock('../../../src/lib/checks/fingerprint.js', async (importOriginal) => {
  const real = await importOriginal<typeof Fingerprint>()
  return {
    ...real,
    findingFingerprint(finding: Parameters<typeof real.findingFingerprint>[0]) {
      events.push(`fingerprint ${finding.ruleId}`)
      return real.findingFingerprint(finding)
    },
  }
})

const ROOT = '/repo'
const TOKEN = `ghp_${'Z9'.repeat(18)}`
const head: ManifestHead = {digest: `sha256:${'a'.repeat(64)}`, mediaType: MediaType.ociManifest, size: 100}

function slowClient(): PullCheckClient {
  const answer = async (registry: string, repository: string, reference: string): Promise<ManifestHead> => {
    events.push(`registry asked ${registry}/${repository}:${reference}`)
    await new Promise((resolve) => setImmediate(resolve))
    events.push('registry answered')
    return head
  }

  return {
    headManifest: answer,
    async getManifest() {
      throw new Error('not used')
    },
    async headBlob() {
      return {size: 1}
    },
    async getBlob() {
      throw new Error('not used')
    },
  }
}

describe('audit finishes a part as soon as it is done', () => {
  it('fingerprints the credentials and context findings before the images answer; the report is the same', async () => {
    events.length = 0
    const report = await audit({
      root: ROOT,
      fs: memFs(ROOT, {Dockerfile: 'FROM registry.test/ok/base:1\nCOPY . .\n'}),
      parts: {credentials: true, images: true, context: true},
      offline: false,
      pull: {client: slowClient(), credentials: async () => undefined, platform: {os: 'linux', architecture: 'amd64'}},
      credentials: async () => ({findings: [{ruleId: 'auth/plaintext', severity: 'warning', message: `a token ${TOKEN} in plain text`, location: {file: `${ROOT}/.docker/config.json`}}]}),
      failOn: 'error',
      now: () => 0,
    })
    const answered = events.indexOf('registry answered')
    expect(answered).toBeGreaterThan(-1)
    expect(events.indexOf('fingerprint auth/plaintext')).toBeGreaterThan(-1)
    expect(events.indexOf('fingerprint auth/plaintext')).toBeLessThan(answered)
    expect(events.indexOf('fingerprint context/no-dockerignore')).toBeLessThan(answered)
    // Each finding fingerprinted once, of what the report shows: redacted, relative to the root.
    expect(events.filter((e) => e.startsWith('fingerprint'))).toHaveLength(report.findings.length)
    const credential = report.findings.find((f) => f.ruleId === 'auth/plaintext')
    expect(credential?.message).not.toContain(TOKEN)
    expect(credential?.location?.file).toBe('.docker/config.json')
    const {findingFingerprint} = await vi.importActual<typeof Fingerprint>('../../../src/lib/checks/fingerprint.js')
    for (const finding of report.findings) expect(finding.fingerprint).toBe(findingFingerprint(finding))
  })
})
