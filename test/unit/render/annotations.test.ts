import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {scanRepository} from '../../../src/lib/checks/repo-images.js'
import {nodeRepoFs} from '../../../src/runtime/repository-fs.js'
import {escapeData, escapeProperty, renderAnnotations} from '../../../src/render/annotations.js'

describe('GitHub Actions annotation escaping (@actions/core command.ts)', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100%25'],
    ['a\nb', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['%0A literal', '%250A literal'],
    ['a:b,c', 'a:b,c'],
  ])('escapeData(%j) = %j', (input, expected) => {
    expect(escapeData(input)).toBe(expected)
  })

  it.each([
    ['dir/file.txt', 'dir/file.txt'],
    ['a:b,c', 'a%3Ab%2Cc'],
    ['50%,\n', '50%25%2C%0A'],
  ])('escapeProperty(%j) = %j', (input, expected) => {
    expect(escapeProperty(input)).toBe(expected)
  })
})

describe('renderAnnotations', () => {
  it('maps severities to error/warning/notice with file, line, col and title', () => {
    const text = renderAnnotations([
      {ruleId: 'a/b', severity: 'error', message: 'bad', location: {file: 'x/Dockerfile', line: 3, column: 2}},
      {ruleId: 'a/c', severity: 'warning', message: 'meh', location: {file: '.env'}, fix: 'do this'},
      {ruleId: 'a/d', severity: 'note', message: 'fyi'},
    ])
    expect(text).toBe(
      [
        '::error file=x/Dockerfile,line=3,col=2,title=a/b::bad',
        '::warning file=.env,title=a/c::meh%0AFix: do this',
        '::notice title=a/d::fyi',
        '',
      ].join('\n'),
    )
  })

  it('cannot be broken out of: newlines, "::" and commas in data and properties are escaped', () => {
    const text = renderAnnotations([
      {ruleId: 'r,1:x', severity: 'error', message: 'evil\n::error::injected\r\n100%', location: {file: 'a,b:c.txt', line: 1}},
    ])
    expect(text.split('\n')).toHaveLength(2)
    expect(text).toBe('::error file=a%2Cb%3Ac.txt,line=1,title=r%2C1%3Ax::evil%0A::error::injected%0D%0A100%25\n')
  })

  it('exact output with a path prefix (the audited directory under the repository root): file= is from the root; a line 0 or column 0 is left out; baselined findings are not annotated', () => {
    const text = renderAnnotations(
      [
        {ruleId: 'context/secret-not-ignored', severity: 'error', message: '.env is in the build context', location: {file: '.env', line: 0, column: 0}, fix: 'add .env to .dockerignore'},
        {ruleId: 'image/not-pullable', severity: 'error', message: 'old finding', location: {file: 'Dockerfile', line: 1}, baselineState: 'unchanged'},
        {ruleId: 'image/not-pullable', severity: 'warning', message: 'new finding', location: {file: 'Dockerfile', line: 7}, baselineState: 'new'},
      ],
      {pathPrefix: 'services/api/'},
    )
    expect(text).toBe(
      [
        '::error file=services/api/.env,title=context/secret-not-ignored::.env is in the build context%0AFix: add .env to .dockerignore',
        '::warning file=services/api/Dockerfile,line=7,title=image/not-pullable::new finding',
        '',
      ].join('\n'),
    )
    // Only baselined findings: nothing at all (not an empty line).
    expect(renderAnnotations([{ruleId: 'a/b', severity: 'error', message: 'm', baselineState: 'unchanged'}])).toBe('')
  })

  it('is empty for no findings', () => {
    expect(renderAnnotations([])).toBe('')
  })

  it('shows no secret of the leaky fixture', async () => {
    const {findings} = await scanRepository(fileURLToPath(new URL('../../fixtures/repos/leaky', import.meta.url)), nodeRepoFs)
    const text = renderAnnotations(findings)
    expect(text.trim().split('\n')).toHaveLength(findings.length)
    expect(text).not.toContain(`ghp_${'0'.repeat(36)}`)
    expect(text).not.toContain('FAKE-NPM-TOKEN')
    expect(text).toContain('::error file=Dockerfile,line=2,title=dockerfile/secret-in-env::')
  })
})
