/**
 * One mark per verdict class (src/render/verdict-mark.ts), tied to the exit code the verdict alone
 * gives (pullCheckExitCode), not to a list typed twice: ✓ exactly when it exits 0, ! exactly when it
 * exits 3 (could not tell), ✗ for a definitive answer (1, or 2 for an invalid reference).
 */
import {describe, expect, it} from 'vitest'

import {pullCheckExitCode, summarize, type ImageCheck, type Verdict} from '../../../src/lib/checks/pull-check.js'
import {PLAIN} from '../../../src/render/output-style.js'
import {paintVerdictCell, verdictCell, verdictMark} from '../../../src/render/verdict-mark.js'

const VERDICTS: Verdict[] = ['pullable', 'invalid-reference', 'unauthorized', 'denied', 'not-found', 'platform-missing', 'rate-limited', 'registry-error', 'unreachable', 'credential-error']

function exitCodeOf(verdict: Verdict): number {
  const images: ImageCheck[] = [{input: 'x', verdict, credential: {source: 'none'}, durationMs: 0}]
  return pullCheckExitCode({images, summary: summarize(images)})
}

describe('verdictMark', () => {
  it.each(VERDICTS)('%s: its mark says its exit-code class', (verdict) => {
    const code = exitCodeOf(verdict)
    expect(verdictMark(verdict)).toBe(code === 0 ? 'ok' : code === 3 ? 'warn' : 'bad')
  })

  it('cells read ✓ / ✗ / ! and are painted green / red / yellow', () => {
    expect(VERDICTS.map((v) => verdictCell(v).slice(0, 2))).toEqual(['✓ ', '✗ ', '✗ ', '✗ ', '✗ ', '✗ ', '! ', '! ', '! ', '! '])
    const colour = {...PLAIN, color: true}
    expect(paintVerdictCell(colour, verdictCell('pullable'))).toBe('\u001B[32m✓ pullable\u001B[39m')
    expect(paintVerdictCell(colour, verdictCell('not-found'))).toBe('\u001B[31m✗ not-found\u001B[39m')
    expect(paintVerdictCell(colour, verdictCell('unreachable'))).toBe('\u001B[33m! unreachable\u001B[39m')
    expect(paintVerdictCell(colour, '-')).toBe('-')
    expect(paintVerdictCell(PLAIN, verdictCell('unreachable'))).toBe('! unreachable')
  })
})
