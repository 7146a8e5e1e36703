/**
 * The markdown renderer (src/render/markdown.ts; the GITHUB_STEP_SUMMARY report), exact output for
 * one small audit: counts, rows sorted by severity (errors first) with code spans kept and the fix,
 * a subject as the location of a location-less finding, help only for rules that have findings,
 * and the collapsed image list.
 */
import {describe, expect, it} from 'vitest'

import type {Rule} from '../../../src/lib/checks/finding.js'
import {renderMarkdown} from '../../../src/render/markdown.js'

const SECRET_RULE: Rule = {id: 'context/secret-not-ignored', name: 'SecretNotIgnored', defaultSeverity: 'error', shortDescription: 'A secret is in the `build` context', help: 'Add it to `.dockerignore`.'}
const UNUSED_RULE: Rule = {id: 'image/unused', name: 'Unused', defaultSeverity: 'note', shortDescription: 'never shown', help: 'never shown'}

describe('renderMarkdown exact output', () => {
  it('heading, counts, rows errors first, help of the rules with findings only, the image list', () => {
    const text = renderMarkdown({
      rules: [SECRET_RULE, UNUSED_RULE],
      findings: [
        {ruleId: 'image/not-pullable', severity: 'warning', message: 'ghcr.io/acme/app:1.0 is not pullable', subject: 'ghcr.io/acme/app:1.0'},
        {ruleId: 'context/secret-not-ignored', severity: 'error', message: '`.env` is in the build context', location: {file: '.env', line: 3}, fix: 'add `.env` to .dockerignore'},
      ],
      images: [{image: 'alpine:3.20', location: {file: 'Dockerfile', line: 1}}],
    })
    expect(text).toBe(
      [
        '## regctl audit',
        '',
        '**1 error** · **1 warning** · **0 notes**',
        '',
        '| Severity | Rule | Location | Message |',
        '| --- | --- | --- | --- |',
        '| ❌ error | `context/secret-not-ignored` | `.env:3` | `.env` is in the build context<br>**Fix:** add `.env` to .dockerignore |',
        '| ⚠️ warning | `image/not-pullable` | `ghcr.io/acme/app:1.0` | ghcr.io/acme/app:1.0 is not pullable |',
        '',
        '<details><summary><code>context/secret-not-ignored</code>: A secret is in the build context</summary>',
        '',
        'Add it to `.dockerignore`.',
        '',
        '</details>',
        '',
        '<details><summary>1 image found in the repository</summary>',
        '',
        '| Image | Where |',
        '| --- | --- |',
        '| `alpine:3.20` | `Dockerfile:1` |',
        '',
        '</details>',
        '',
      ].join('\n'),
    )
  })

  it('no findings and no images: heading, zero counts, "No findings."', () => {
    expect(renderMarkdown({rules: [SECRET_RULE], findings: []})).toBe('## regctl audit\n\n**0 errors** · **0 warnings** · **0 notes**\n\nNo findings.\n')
  })
})
