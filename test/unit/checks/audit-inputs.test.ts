/** The pure inputs of `regctl audit`: --images lists, --context, credential findings, the SARIF default location. */
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {contextWithin, credentialFindings, imagesFromList, pathInside, workflowLocation} from '../../../src/lib/checks/audit-inputs.js'
import type {Finding} from '../../../src/lib/checks/finding.js'
import {UsageError} from '../../../src/lib/errors.js'

const ROOT = '/work/repo'

describe('pathInside', () => {
  it.each([
    [ROOT, ''],
    [join(ROOT, 'a', 'b.txt'), 'a/b.txt'],
    ['/work/repo-other/x', undefined],
    ['/work', undefined],
    ['/elsewhere', undefined],
  ])('%s', (target, expected) => {
    expect(pathInside(ROOT, target)).toBe(expected)
  })
})

describe('imagesFromList', () => {
  const text = '# base images\nalpine:3.20\n\nghcr.io/acme/api:1.4  # pinned\n'

  it('locates each image at its line when the list lies inside the root', () => {
    expect(imagesFromList(text, ROOT, join(ROOT, 'ci', 'images.txt'))).toEqual([
      {image: 'alpine:3.20', location: {file: 'ci/images.txt', line: 2}},
      {image: 'ghcr.io/acme/api:1.4', location: {file: 'ci/images.txt', line: 4}},
    ])
  })

  it('leaves images of a list outside the root unlocated', () => {
    expect(imagesFromList(text, ROOT, '/tmp/images.txt')).toEqual([{image: 'alpine:3.20'}, {image: 'ghcr.io/acme/api:1.4'}])
  })
})

describe('contextWithin', () => {
  it('is relative to the root, and refuses a directory outside it', () => {
    expect(contextWithin(ROOT, join(ROOT, 'service'))).toBe('service')
    expect(contextWithin(ROOT, ROOT)).toBe('')
    expect(() => contextWithin(ROOT, '/tmp')).toThrow(UsageError)
    expect(() => contextWithin(ROOT, '/tmp')).toThrow('--context /tmp is outside the audited directory /work/repo')
  })
})

describe('credentialFindings', () => {
  it('takes the file findings first, then each registry’s in order', () => {
    const finding = (ruleId: string): Finding => ({ruleId, severity: 'warning', message: ruleId})
    expect(
      credentialFindings({findings: [finding('a')], registries: [{findings: [finding('b'), finding('c')]}, {findings: []}, {findings: [finding('d')]}] as never}).map(
        (f) => f.ruleId,
      ),
    ).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('workflowLocation', () => {
  const ci = {GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/audit.yml@refs/heads/main', GITHUB_WORKSPACE: ROOT}

  it.each([
    ['in the checkout', ci, {file: '.github/workflows/audit.yml'}],
    ['outside Actions', {...ci, GITHUB_ACTIONS: undefined}, undefined],
    ['a root other than the checkout', {...ci, GITHUB_WORKSPACE: '/elsewhere'}, undefined],
    ['no workflow ref', {...ci, GITHUB_WORKFLOW_REF: undefined}, undefined],
    ['a ref of another shape', {...ci, GITHUB_WORKFLOW_REF: 'audit.yml@main'}, undefined],
  ])('%s', (_name, env, expected) => {
    expect(workflowLocation(env, ROOT)).toEqual(expected)
  })
})
