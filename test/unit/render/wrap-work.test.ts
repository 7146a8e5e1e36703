/**
 * Work bound of the terminal word wrap (issue 12): string-width (Intl.Segmenter) runs once per
 * distinct non-ASCII word, not once per line and again per word. 10,000 coloured notes that differ
 * only in their ASCII words measured whole took pull-check -f of 10,000 references on an
 * 100-column terminal from ~130 to ~195 MiB peak RSS, next to the 200 MiB fault bound.
 */
import {describe, expect, it, vi} from 'vitest'

const measured = vi.hoisted(() => ({calls: 0}))
vi.mock('string-width', async (importOriginal) => {
  const real = (await importOriginal<{default: (text: string) => number}>()).default
  return {
    default: (text: string): number => {
      measured.calls++
      return real(text)
    },
  }
})

const {wrapText} = await import('../../../src/render/wrap.js')

describe('wrapText work', () => {
  it('measures each distinct non-ASCII word once across 10,000 lines, and wraps them the same', () => {
    const red = (text: string): string => `\u001B[31m${text}\u001B[39m`
    const lines = Array.from({length: 10_000}, (_, i) => `${red('✗')} 127.0.0.1:40013/team/image-${i}:1: the /v2/ ping to 127.0.0.1:40013 failed: HTTP 500 ✓`)
    const wrapped = wrapText(lines.join('\n'), 60).split('\n')
    // Two distinct non-ASCII words: the coloured ✗ and the ✓.
    expect(measured.calls).toBe(2)
    expect(wrapped).toHaveLength(20_000)
    expect(wrapped[0]).toBe(`${red('✗')} 127.0.0.1:40013/team/image-0:1: the /v2/ ping to`)
    expect(wrapped[1]).toBe('    127.0.0.1:40013 failed: HTTP 500 ✓')
  })
})
