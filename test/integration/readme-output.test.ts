/**
 * The README's output blocks are real runs (issue 13): re-captures every `<!-- output: NAME -->`
 * block with scripts/readme-output.ts against this run's registries and fails when README.md
 * differs, as scripts/test.sh fails on a stale oclif.manifest.json. Bounded: 7 CLI runs, one at a
 * time, each against loopback registries. Fix a failure with `npm run build && npm run readme:output`.
 */
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'

import {describe, expect, inject, it} from 'vitest'

import {applyOutputs, captureOutputs, EXAMPLES} from '../../scripts/readme-output.js'

const README = resolve(import.meta.dirname, '../../README.md')

describe('README output blocks', () => {
  it('match a fresh capture from the built CLI (npm run readme:output rewrites them)', async () => {
    const readme = readFileSync(README, 'utf8')
    const blocks = await captureOutputs(inject('env'))
    expect([...blocks.keys()]).toEqual(EXAMPLES.map((example) => example.name))
    expect(applyOutputs(readme, blocks)).toBe(readme)
  }, 120_000)
})
