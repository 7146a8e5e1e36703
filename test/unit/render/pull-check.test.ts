/**
 * The pull-check renderer (src/render/pull-check.ts), exact output (STYLE.md: assert exact human
 * output) for one fixed result: piped (PLAIN: tab-separated rows, notes and summary as the footer
 * for stderr), an 80-column terminal (TERMINAL: aligned table, blank lines before notes and the
 * summary), colour, a narrow terminal, and `-q` with and without `--digest`.
 */
import {describe, expect, it} from 'vitest'

import type {PullCheckResult} from '../../../src/lib/checks/pull-check.js'
import {PLAIN, TERMINAL} from '../../../src/render/output-style.js'
import {pullCheckNotes, renderPullCheck, renderPullCheckQuiet} from '../../../src/render/pull-check.js'

const INDEX = `sha256:${'1'.repeat(64)}`
const ARM = `sha256:${'2'.repeat(64)}`
const SINGLE = `sha256:${'3'.repeat(64)}`

/**
 * Four images: a multi-platform one, a single-platform one pinned by digest with a login, one not
 * found, one rate-limited; the two docker.io images share one quota note.
 */
const RESULT: PullCheckResult = {
  platform: 'linux/arm64',
  images: [
    {
      input: 'alpine:3.20',
      reference: 'docker.io/library/alpine:3.20',
      registry: 'docker.io',
      repository: 'library/alpine',
      verdict: 'pullable',
      digest: INDEX,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: ['linux/amd64', 'linux/arm64'],
      platform: {requested: 'linux/arm64', digest: ARM},
      credential: {source: 'anonymous'},
      rateLimit: {limit: 100, remaining: 42, source: '203.0.113.7'},
      durationMs: 12,
    },
    {
      input: 'ghcr.io/acme/app:1.0@' + SINGLE,
      reference: `ghcr.io/acme/app:1.0@${SINGLE}`,
      registry: 'ghcr.io',
      repository: 'acme/app',
      verdict: 'pullable',
      digest: SINGLE,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      credential: {source: 'config.json auths', username: 'ci-bot'},
      durationMs: 9,
    },
    {
      input: 'nginx:does-not-exist',
      reference: 'docker.io/library/nginx:does-not-exist',
      registry: 'docker.io',
      repository: 'library/nginx',
      verdict: 'not-found',
      message: 'tag does-not-exist not found in docker.io/library/nginx',
      credential: {source: 'anonymous'},
      rateLimit: {limit: 100, remaining: 42, source: '203.0.113.7'},
      durationMs: 7,
    },
    {
      input: 'quay.io/org/tool:2',
      reference: 'quay.io/org/tool:2',
      registry: 'quay.io',
      repository: 'org/tool',
      verdict: 'rate-limited',
      message: 'quay.io answered 429 Too Many Requests',
      credential: {source: 'anonymous'},
      rateLimit: {resetAt: '2026-12-01T18:00:00.000Z'},
      durationMs: 3,
    },
  ],
  summary: {total: 4, pullable: 2, failed: 1, indeterminate: 1},
  exitCode: 3,
}

const D1 = '1'.repeat(64)
const D3 = '3'.repeat(64)
const NOTES = [
  '✗ docker.io/library/nginx:does-not-exist: tag does-not-exist not found in docker.io/library/nginx',
  '! quay.io/org/tool:2: quay.io answered 429 Too Many Requests',
  '  docker.io: rate limit 42/100 remaining (counted for 203.0.113.7) (2 images)',
  '  quay.io: rate limited until 2026-12-01T18:00:00.000Z (quay.io/org/tool:2)',
]
const SUMMARY = '4 images checked for linux/arm64: 2 pullable, 1 not-found, 1 rate-limited'

describe('renderPullCheck', () => {
  it('piped (PLAIN): tab-separated rows with full digests and no header; notes and summary in the footer', () => {
    expect(renderPullCheck(RESULT, PLAIN)).toEqual({
      body: [
        `docker.io/library/alpine:3.20\t✓ pullable\tsha256:${D1}\t2 platforms (→ linux/arm64)\tanonymous`,
        `ghcr.io/acme/app:1.0@sha256:${D3}\t✓ pullable\tsha256:${D3}\tsingle\tconfig.json auths (ci-bot)`,
        'docker.io/library/nginx:does-not-exist\t✗ not-found\t\t\tanonymous',
        'quay.io/org/tool:2\t! rate-limited\t\t\tanonymous',
      ].join('\n'),
      footer: [...NOTES, SUMMARY].join('\n'),
    })
  })

  it('a terminal without colour (TERMINAL): aligned columns under a header, short digests, blank lines before the notes and the summary', () => {
    const image = (text: string): string => text.padEnd(95)
    expect(renderPullCheck(RESULT, TERMINAL)).toEqual({
      body: [
        `${image('IMAGE')}VERDICT          DIGEST                PLATFORMS                     CREDENTIAL`,
        `${image('docker.io/library/alpine:3.20')}✓ pullable       sha256:111111111111   2 platforms (→ linux/arm64)   anonymous`,
        `${image(`ghcr.io/acme/app:1.0@sha256:${D3}`)}✓ pullable       sha256:333333333333   single                        config.json auths (ci-bot)`,
        `${image('docker.io/library/nginx:does-not-exist')}✗ not-found                                                          anonymous`,
        `${image('quay.io/org/tool:2')}! rate-limited                                                       anonymous`,
      ].join('\n'),
      footer: ['', ...NOTES, '', SUMMARY].join('\n'),
    })
  })

  it('colour on a terminal: only the verdicts and the marks are painted (green ✓, red ✗, yellow !, SGR 39 resets)', () => {
    const {body, footer} = renderPullCheck(RESULT, {...TERMINAL, color: true})
    const plain = renderPullCheck(RESULT, TERMINAL)
    expect(body).toBe(
      plain.body
        .replace(/✓ pullable/g, '\u001B[32m✓ pullable\u001B[39m')
        .replace('✗ not-found', '\u001B[31m✗ not-found\u001B[39m')
        .replace('! rate-limited', '\u001B[33m! rate-limited\u001B[39m'),
    )
    expect(footer).toBe(['', ...NOTES.map((line) => line.replace(/^✗/, '\u001B[31m✗\u001B[39m').replace(/^!/, '\u001B[33m!\u001B[39m')), '', SUMMARY].join('\n'))
  })

  it('all pullable: no notes, only the summary', () => {
    const result: PullCheckResult = {...RESULT, images: RESULT.images.slice(1, 2), summary: {total: 1, pullable: 1, failed: 0, indeterminate: 0}, exitCode: 0}
    expect(renderPullCheck(result, PLAIN)).toEqual({
      body: `ghcr.io/acme/app:1.0@sha256:${D3}\t✓ pullable\tsha256:${D3}\tsingle\tconfig.json auths (ci-bot)`,
      footer: '1 image checked for linux/arm64: 1 pullable',
    })
    expect(renderPullCheck(result, TERMINAL).footer).toBe('\n1 image checked for linux/arm64: 1 pullable')
  })
})

describe('renderPullCheck on a narrow terminal (COLUMNS=60, 40)', () => {
  it('COLUMNS=60: the verdict whole; images shortened in the middle (registry start, tag end); CREDENTIAL and PLATFORMS left out before the image goes under 16; 12-hex digests', () => {
    expect(renderPullCheck(RESULT, {...TERMINAL, columns: 60}).body).toBe(
      [
        'IMAGE                   VERDICT          DIGEST',
        'docker…ry/alpine:3.20   ✓ pullable       sha256:111111111111',
        'ghcr.i…33333333333333   ✓ pullable       sha256:333333333333',
        'docker…does-not-exist   ✗ not-found',
        'quay.io/org/tool:2      ! rate-limited',
      ].join('\n'),
    )
  })

  it('COLUMNS=40: the verdict whole; the image shortened in the middle; DIGEST left out too', () => {
    expect(renderPullCheck(RESULT, {...TERMINAL, columns: 40}).body).toBe(
      [
        'IMAGE                     VERDICT',
        'docker.…ary/alpine:3.20   ✓ pullable',
        'ghcr.io…333333333333333   ✓ pullable',
        'docker.…:does-not-exist   ✗ not-found',
        'quay.io/org/tool:2        ! rate-limited',
      ].join('\n'),
    )
  })

  it('every line fits and every verdict is whole, from 20 to 120 columns', () => {
    for (let columns = 20; columns <= 120; columns++) {
      const {body} = renderPullCheck(RESULT, {...TERMINAL, columns})
      const lines = body.split('\n')
      if (columns >= 40) for (const line of lines) expect(line.length, `${columns}: ${line}`).toBeLessThanOrEqual(columns)
      for (const verdict of ['✓ pullable', '✗ not-found', '! rate-limited']) expect(body, `${columns}`).toContain(verdict)
    }
  })
})

describe('pullCheckNotes for --all-platforms', () => {
  // alpine without its rate-limit note: these tests are about the platform lines.
  const alpine = Object.fromEntries(Object.entries(RESULT.images[0]!).filter(([key]) => key !== 'rateLimit')) as PullCheckResult['images'][number]
  const platformFailure = {platform: 'linux/arm/v7', digest: ARM, verdict: 'not-found' as const, message: 'manifest unknown'}

  it('a failed platform line names its image (in a pipe it is on stderr, read alone)', () => {
    const failed: PullCheckResult = {
      ...RESULT,
      images: [{...alpine, verdict: 'not-found', message: '1 of 2 platform manifests are not pullable; linux/arm/v7: manifest unknown', platformChecks: [platformFailure]}],
    }
    expect(pullCheckNotes(failed)).toEqual([
      '✗ docker.io/library/alpine:3.20: 1 of 2 platform manifests are not pullable; linux/arm/v7: manifest unknown',
      '  docker.io/library/alpine:3.20 linux/arm/v7 sha256:222222222222: not-found — manifest unknown',
    ])
  })

  it('a pullable image without a message of its own: the platform line stands alone, with its mark and the image', () => {
    const pullable: PullCheckResult = {...RESULT, images: [{...alpine, platformChecks: [platformFailure]}]}
    expect(pullCheckNotes(pullable)).toEqual(['✗ docker.io/library/alpine:3.20 linux/arm/v7 sha256:222222222222: not-found — manifest unknown'])
  })
})

describe('pullCheckNotes', () => {
  it('one line per problem, then one rate-limit note per registry and note, counting its images', () => {
    expect(pullCheckNotes(RESULT)).toEqual(NOTES)
  })
})

describe('pullCheckNotes: one registry\'s failure, said once', () => {
  const down = (n: number, registry = '127.0.0.1:5000', message = `could not reach https://${registry}/v2/: connection refused`): PullCheckResult['images'][number] => ({
    input: `${registry}/team/image-${n}:1`,
    reference: `${registry}/team/image-${n}:1`,
    registry,
    repository: `team/image-${n}`,
    verdict: 'unreachable',
    message,
    credential: {source: 'none'},
    durationMs: 1,
  })
  const of = (images: PullCheckResult['images']): PullCheckResult => ({platform: 'linux/amd64', images, summary: {total: images.length, pullable: 0, failed: 0, indeterminate: images.length}, exitCode: 3})

  it('10,000 images of one unreachable registry: one line naming the registry and the count', () => {
    const images = Array.from({length: 10_000}, (_, i) => down(i))
    expect(pullCheckNotes(of(images))).toEqual(['! 127.0.0.1:5000 (10000 images): could not reach https://127.0.0.1:5000/v2/: connection refused'])
    // The table keeps a row per image, and the output stays within a row per image and a few lines.
    const {body, footer} = renderPullCheck(of(images), PLAIN)
    expect(body.split('\n')).toHaveLength(10_000)
    expect(footer.split('\n')).toHaveLength(2)
  })

  it('a lone image keeps its own line; groups keep the order of their first image; a fix is said once', () => {
    const helper = {...down(9, 'docker.io'), verdict: 'credential-error' as const, message: 'docker-credential-secretservice failed', fix: 'unlock the keyring'}
    const notes = pullCheckNotes(of([down(1), down(2, 'quay.io'), helper, down(3), {...helper, input: 'b', reference: 'docker.io/library/b:latest'}]))
    expect(notes).toEqual([
      '! 127.0.0.1:5000 (2 images): could not reach https://127.0.0.1:5000/v2/: connection refused',
      '! quay.io/team/image-2:1: could not reach https://quay.io/v2/: connection refused',
      '! docker.io (2 images): docker-credential-secretservice failed',
      '  Fix: unlock the keyring',
    ])
  })

  it('the same reference twice (two rows): its problem and fix are said once', () => {
    const notFound = {...down(1), verdict: 'not-found' as const, message: 'manifest unknown', fix: 'push it'}
    const result = of([notFound, down(2), {...notFound, input: '127.0.0.1:5000/team/image-1:1'}])
    expect(renderPullCheck(result, PLAIN).body.split('\n')).toHaveLength(3)
    expect(pullCheckNotes(result)).toEqual([
      '✗ 127.0.0.1:5000/team/image-1:1: manifest unknown',
      '  Fix: push it',
      '! 127.0.0.1:5000/team/image-2:1: could not reach https://127.0.0.1:5000/v2/: connection refused',
    ])
  })

  it('different messages, verdicts about the image (not-found), or platform lines are not folded together', () => {
    const notFound = {...down(1), verdict: 'not-found' as const, message: 'manifest unknown'}
    const other = down(2, '127.0.0.1:5000', 'the /v2/ ping to 127.0.0.1:5000 failed: HTTP 500')
    const notes = pullCheckNotes(of([notFound, {...notFound, input: 'x', reference: '127.0.0.1:5000/team/x:1'}, down(3), other]))
    expect(notes).toEqual([
      '✗ 127.0.0.1:5000/team/image-1:1: manifest unknown',
      '✗ 127.0.0.1:5000/team/x:1: manifest unknown',
      '! 127.0.0.1:5000/team/image-3:1: could not reach https://127.0.0.1:5000/v2/: connection refused',
      '! 127.0.0.1:5000/team/image-2:1: the /v2/ ping to 127.0.0.1:5000 failed: HTTP 500',
    ])
  })
})

describe('pullCheckNotes: the fix line', () => {
  it('prints a failure\'s fix on its own indented line under the reason', () => {
    const result: PullCheckResult = {
      platform: 'linux/amd64',
      images: [
        {
          input: 'ghcr.io/acme/private:1',
          reference: 'ghcr.io/acme/private:1',
          registry: 'ghcr.io',
          repository: 'acme/private',
          verdict: 'unauthorized',
          message: 'authentication required',
          fix: 'docker login ghcr.io -u USER --password-stdin',
          credential: {source: 'anonymous'},
          durationMs: 1,
        },
      ],
      summary: {total: 1, pullable: 0, failed: 1, indeterminate: 0},
      exitCode: 1,
    }
    expect(pullCheckNotes(result)).toEqual(['✗ ghcr.io/acme/private:1: authentication required', '  Fix: docker login ghcr.io -u USER --password-stdin'])
  })
})

describe('renderPullCheckQuiet (-q)', () => {
  it('the pullable references as given, one per line', () => {
    expect(renderPullCheckQuiet(RESULT, false)).toBe(`alpine:3.20\nghcr.io/acme/app:1.0@sha256:${D3}`)
  })

  it('--digest pins each to its digest, replacing a digest already given', () => {
    expect(renderPullCheckQuiet(RESULT, true)).toBe(`alpine:3.20@sha256:${D1}\nghcr.io/acme/app:1.0@sha256:${D3}`)
  })
})
