import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {flowNestingOver, MAX_YAML_FLOW_DEPTH} from '../../../src/lib/checks/repo-images.js'
import {parseComposeImages} from '../../../src/lib/compose.js'

const fixture = readFileSync(new URL('../../fixtures/repos/multistage/compose.yaml', import.meta.url), 'utf8')

describe('parseComposeImages', () => {
  it('lists service images with their lines, interpolating defaults and following merge keys', () => {
    const result = parseComposeImages(fixture)
    expect(result).toEqual({
      ok: true,
      images: [
        // `web` takes its image from the `&defaults` anchor through `<<: *defaults` (line 2).
        {service: 'web', raw: '${REGISTRY:-docker.io}/library/nginx:${NGINX_TAG:-1.27}', image: 'docker.io/library/nginx:1.27', line: 2, unresolved: []},
        {service: 'db', raw: 'postgres:16', image: 'postgres:16', line: 11, unresolved: []},
        {
          service: 'cache',
          raw: 'redis:7@sha256:0000000000000000000000000000000000000000000000000000000000000000',
          image: 'redis:7@sha256:0000000000000000000000000000000000000000000000000000000000000000',
          line: 13,
          unresolved: [],
        },
        {service: 'tagless', raw: 'acme/app:${APP_TAG}', image: 'acme/app:', line: 17, unresolved: ['APP_TAG']},
      ],
    })
  })

  it('uses injected variables over defaults', () => {
    const env: Record<string, string> = {NGINX_TAG: '1.25', APP_TAG: 'v3'}
    const result = parseComposeImages(fixture, (name) => env[name])
    expect(result.ok && result.images.map((i) => i.image)).toEqual([
      'docker.io/library/nginx:1.25',
      'postgres:16',
      'redis:7@sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'acme/app:v3',
    ])
  })

  it('takes a service own image over a merged one, and an aliased scalar', () => {
    const text = 'x: &img busybox:1\nbase: &base\n  image: alpine:3\nservices:\n  a:\n    <<: *base\n    image: own:1\n  b:\n    image: *img\n'
    const result = parseComposeImages(text)
    expect(result.ok && result.images.map((i) => [i.service, i.image, i.line])).toEqual([
      ['a', 'own:1', 7],
      ['b', 'busybox:1', 1],
    ])
  })

  it('keeps $$ as a literal dollar', () => {
    const result = parseComposeImages('services:\n  a:\n    image: "x:$$HOME"\n')
    expect(result.ok && result.images[0]?.image).toBe('x:$HOME')
  })

  it('reports a YAML syntax error with its line', () => {
    expect(parseComposeImages('services:\n  a:\n    image: [unclosed\n')).toMatchObject({ok: false, line: expect.any(Number)})
  })

  it.each(['', 'services: []\n', 'version: "3"\n', 'services:\n  a: 1\n'])('has no images for %j', (text) => {
    expect(parseComposeImages(text)).toEqual({ok: true, images: []})
  })
})

describe('flowNestingOver: the guard before the yaml parser (issue 12)', () => {
  it('counts [ and { nesting, not brackets in quoted scalars or comments', () => {
    expect(flowNestingOver('a: [[{b: 1}]]', 3)).toBe(false)
    expect(flowNestingOver('a: [[{b: [1]}]]', 3)).toBe(true)
    expect(flowNestingOver(`a: "${'['.repeat(1000)}"\nb: '${'{'.repeat(1000)}'\n# ${'['.repeat(1000)}\nc: it's [x]`, 2)).toBe(false)
    expect(flowNestingOver('['.repeat(70_000), MAX_YAML_FLOW_DEPTH)).toBe(true)
    expect(flowNestingOver('{a: '.repeat(300), MAX_YAML_FLOW_DEPTH)).toBe(true)
    expect(flowNestingOver(`${'['.repeat(200)}${']'.repeat(200)}`.repeat(100), MAX_YAML_FLOW_DEPTH)).toBe(false)
  })
})
