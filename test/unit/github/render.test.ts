import {describe, expect, it} from 'vitest'

import type {GhcrPackagesResult, GhcrTagsResult, GhcrVersionsResult} from '../../../src/lib/github/types.js'
import {formatTimestamp, renderGhcrLs as renderStyled, renderGhcrLsQuiet, shortDigest} from '../../../src/render/ghcr.js'
import {TERMINAL} from '../../../src/render/output-style.js'

/** The terminal rendering as one text (body, then footer), as a user sees it. */
function renderGhcrLs(result: Parameters<typeof renderStyled>[0]): string {
  const {body, footer} = renderStyled(result, TERMINAL)
  return [body, footer].filter((part) => part !== '').join('\n')
}

const common = {auth: {source: 'none' as const}, warnings: [], truncated: false, exitCode: 0 as const}

const packages: GhcrPackagesResult = {
  ...common,
  kind: 'packages',
  exitCode: 0,
  source: 'api',
  apiUrl: 'https://api.github.com',
  owner: 'acme',
  ownerType: 'organization',
  rateLimit: {limit: 5000, remaining: 4990, reset: '2030-03-17T17:46:40.000Z'},
  packages: [
    {name: 'app', visibility: 'public', repository: 'acme/app', versionCount: 250, createdAt: '2023-03-01T10:00:00Z', updatedAt: '2024-06-12T08:30:00Z', htmlUrl: 'x'},
    {name: 'tools/cli', visibility: 'private', repository: null, versionCount: 3, createdAt: '2023-03-01T10:00:00Z', updatedAt: '2024-06-01T00:00:59Z', htmlUrl: 'y'},
  ],
}

const versions: GhcrVersionsResult = {
  ...common,
  kind: 'versions',
  exitCode: 0,
  source: 'api',
  apiUrl: 'https://api.github.com',
  owner: 'acme',
  ownerType: 'organization',
  package: 'tools/cli',
  truncated: true,
  versions: [
    {id: 2, digest: 'sha256:08a44bab0bddaddd8837a8b381aebc2e4b933768b981685a9e088360af0d3dd9', tags: ['1.2', 'latest'], createdAt: '2024-06-01T10:00:00Z', updatedAt: '2024-06-02T10:00:00Z'},
    {id: 1, digest: 'sha256:b3a0e7e3f3b6cfd8b8a6f4b3c0e6e9bba6bde5a2d2c1a0f9e8d7c6b5a4938271', tags: [], createdAt: '2024-05-01T10:00:00Z', updatedAt: '2024-05-01T10:00:00Z'},
  ],
}

const tags: GhcrTagsResult = {
  ...common,
  kind: 'tags',
  exitCode: 0,
  source: 'registry',
  owner: 'acme',
  package: 'App',
  repository: 'ghcr.io/acme/app',
  tags: ['1.0', 'latest'],
  fallbackReason: 'no GitHub token found',
}

describe('renderGhcrLs', () => {
  it('packages: name, visibility, linked repository, updated; summary with the quota', () => {
    expect(renderGhcrLs(packages)).toBe(
      [
        'NAME        VISIBILITY   REPOSITORY   UPDATED',
        'app         public       acme/app     2024-06-12 08:30Z',
        'tools/cli   private                   2024-06-01 00:00Z',
        '2 container packages listed for acme; API quota 4990/5000, resets 2030-03-17 17:46Z',
      ].join('\n'),
    )
  })

  it('packages --with-tags: adds version count and newest tags', () => {
    const out = renderGhcrLs({...packages, packages: packages.packages.map((p) => ({...p, newestTags: p.name === 'app' ? ['1.2', 'latest'] : []}))})
    expect(out.split('\n')[0]).toBe('NAME        VISIBILITY   REPOSITORY   UPDATED             VERSIONS   NEWEST TAGS')
    expect(out.split('\n')[1]).toBe('app         public       acme/app     2024-06-12 08:30Z   250        1.2, latest')
  })

  it('versions: short digest, tags, created, updated; says when --limit cut the list', () => {
    expect(renderGhcrLs(versions)).toBe(
      [
        'DIGEST                TAGS          CREATED             UPDATED',
        'sha256:08a44bab0bdd   1.2, latest   2024-06-01 10:00Z   2024-06-02 10:00Z',
        'sha256:b3a0e7e3f3b6                 2024-05-01 10:00Z   2024-05-01 10:00Z',
        '2 versions listed for acme/tools/cli; more exist (raise --limit)',
      ].join('\n'),
    )
  })

  it('tags from the registry', () => {
    expect(renderGhcrLs(tags)).toBe(
      ['TAG', '1.0', 'latest', '2 tags listed for ghcr.io/acme/app (from the registry)'].join('\n'),
    )
  })

  it('empty listings are one line, no empty table', () => {
    const noQuota: GhcrPackagesResult = {...packages, owner: null, ownerType: 'authenticated-user', packages: []}
    delete noQuota.rateLimit
    expect(renderGhcrLs(noQuota)).toBe(
      '0 container packages listed for the authenticated user',
    )
    expect(renderGhcrLs({...versions, versions: [], truncated: false})).toBe('0 versions listed for acme/tools/cli')
    expect(renderGhcrLs({...tags, tags: []})).toBe('0 tags listed for ghcr.io/acme/app (from the registry)')
  })
})

describe('renderGhcrLs in a pipe', () => {
  it('rows only, tab-separated, full digests; the summary is the footer (stderr)', () => {
    const {body, footer} = renderStyled(versions)
    expect(body).toBe(
      [
        'sha256:08a44bab0bddaddd8837a8b381aebc2e4b933768b981685a9e088360af0d3dd9\t1.2, latest\t2024-06-01 10:00Z\t2024-06-02 10:00Z',
        'sha256:b3a0e7e3f3b6cfd8b8a6f4b3c0e6e9bba6bde5a2d2c1a0f9e8d7c6b5a4938271\t\t2024-05-01 10:00Z\t2024-05-01 10:00Z',
      ].join('\n'),
    )
    expect(footer).toBe('2 versions listed for acme/tools/cli; more exist (raise --limit)')
  })

  it('-q: names, full digests or tags, one per line', () => {
    expect(renderGhcrLsQuiet(packages)).toBe('app\ntools/cli')
    expect(renderGhcrLsQuiet(versions).split('\n')).toEqual(versions.versions.map((v) => v.digest))
    expect(renderGhcrLsQuiet(tags)).toBe('1.0\nlatest')
  })
})

describe('formatting helpers', () => {
  it.each([
    ['2024-06-12T08:30:59Z', '2024-06-12 08:30Z'],
    ['2024-06-12T10:30:00+02:00', '2024-06-12 08:30Z'],
    ['not a date', 'not a date'],
  ])('formatTimestamp(%s)', (input, expected) => {
    expect(formatTimestamp(input)).toBe(expected)
  })

  it.each([
    ['sha256:08a44bab0bddaddd8837a8b381aebc2e4b933768b981685a9e088360af0d3dd9', 'sha256:08a44bab0bdd'],
    ['latest', 'latest'],
  ])('shortDigest(%s)', (input, expected) => {
    expect(shortDigest(input)).toBe(expected)
  })
})
