import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {scanRepository} from '../../../src/lib/checks/repo-images.js'
import {RULES} from '../../../src/lib/checks/rules.js'
import {nodeRepoFs} from '../../../src/runtime/repository-fs.js'
import {escapeMarkdown, renderMarkdown} from '../../../src/render/markdown.js'

describe('escapeMarkdown', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a|b', 'a\\|b'],
    ['*bold* _it_ [x](y) #h ~~s~~', '\\*bold\\* \\_it\\_ \\[x\\](y) #h \\~\\~s\\~\\~'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['line1\nline2', 'line1<br>line2'],
    ['back\\slash', 'back\\\\slash'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected)
  })
})

describe('renderMarkdown', () => {
  it('renders heading, counts, a table sorted by severity, and help in <details>', () => {
    const text = renderMarkdown({
      rules: RULES,
      findings: [
        {ruleId: 'repo/unresolved-image', severity: 'note', message: 'n', location: {file: 'compose.yaml', line: 4}},
        {ruleId: 'context/secret-not-ignored', severity: 'error', message: '`a|b/.env` is | sent', location: {file: 'a|b/.env'}, fix: 'Add `**/.env` to *.dockerignore*'},
      ],
    })
    const lines = text.split('\n')
    expect(lines[0]).toBe('## regctl audit')
    expect(text).toContain('**1 error** · **0 warnings** · **1 note**')
    expect(text).toContain('| Severity | Rule | Location | Message |')
    expect(text).toContain('| ❌ error | `context/secret-not-ignored` | `a\\|b/.env` | `a\\|b/.env` is \\| sent<br>**Fix:** Add `**/.env` to \\*.dockerignore\\* |')
    // Errors first.
    expect(text.indexOf('❌ error')).toBeLessThan(text.indexOf('ℹ️ note'))
    expect(text).toContain('<details><summary><code>context/secret-not-ignored</code>: A file that looks like a secret is sent to the Docker build context</summary>')
    // Only rules with findings get help.
    expect(text).not.toContain('<code>context/no-dockerignore</code>')
    // Every table row has exactly 5 unescaped pipes.
    for (const row of lines.filter((l) => l.startsWith('| ❌') || l.startsWith('| ℹ️'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6)
    }
  })

  it('says so when there are no findings, and lists images when given', () => {
    const text = renderMarkdown({rules: RULES, findings: [], images: [{image: 'node:20', location: {file: 'Dockerfile', line: 1}}]})
    expect(text).toContain('**0 errors** · **0 warnings** · **0 notes**')
    expect(text).toContain('No findings.')
    expect(text).toContain('| `node:20` | `Dockerfile:1` |')
  })

  it('escapes a message with unbalanced backticks entirely and redacts tokens', () => {
    const text = renderMarkdown({rules: [], findings: [{ruleId: 'x', severity: 'warning', message: `odd \` ghp_${'b'.repeat(36)}`}]})
    expect(text).toContain('odd \\` ghp\\_…bbbb')
    expect(text).not.toContain('b'.repeat(36))
  })

  it('shows no secret of the leaky fixture', async () => {
    const result = await scanRepository(fileURLToPath(new URL('../../fixtures/repos/leaky', import.meta.url)), nodeRepoFs)
    const text = renderMarkdown({rules: RULES, findings: result.findings, images: result.images})
    expect(text).not.toContain(`ghp_${'0'.repeat(36)}`)
    expect(text).not.toContain('FAKE-NPM-TOKEN')
    expect(text).toContain('**6 errors** · **1 warning** · **0 notes**')
  })
})
