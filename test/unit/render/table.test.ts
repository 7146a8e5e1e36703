import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'

import {PLAIN, TERMINAL} from '../../../src/render/output-style.js'
import {renderTable, type Column} from '../../../src/render/table.js'
import {wrapIndented} from '../../../src/render/wrap.js'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const COLUMNS: Column[] = [{header: 'IMAGE'}, {header: 'VERDICT'}, {header: 'DIGEST', digest: true}]

function rows(n: number): string[][] {
  return Array.from({length: n}, (_, i) => [`registry.example.com/team/image-${i}:1.0`, i % 2 ? '✓ pullable' : '✗ not-found', DIGEST])
}

describe('renderTable on a terminal', () => {
  it('aligns columns three spaces apart under upper-case headers, shortens digests, no trailing spaces', () => {
    expect(renderTable(COLUMNS, [['alpine', '✓ pullable', DIGEST], ['a/b:c', '✗ denied', '']], TERMINAL)).toBe(
      ['IMAGE    VERDICT      DIGEST', 'alpine   ✓ pullable   sha256:0123456789ab', 'a/b:c    ✗ denied'].join('\n'),
    )
  })

  it('fits COLUMNS by shortening the widest cells with …, never a header or a 12-hex digest', () => {
    const out = renderTable(COLUMNS, rows(3), {...TERMINAL, columns: 50})
    const lines = out.split('\n')
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(50)
    expect(lines[0]).toMatch(/^IMAGE +VERDICT +DIGEST$/)
    expect(lines[1]).toContain('…')
    expect(lines[1]).toContain('sha256:0123456789ab')
  })

  it('keeps a table that already fits unchanged', () => {
    const wide = renderTable(COLUMNS, rows(2), TERMINAL)
    expect(renderTable(COLUMNS, rows(2), {...TERMINAL, columns: 200})).toBe(wide)
  })

  it('colours a cell after layout: the padding is measured on the plain text', () => {
    const green = (text: string): string => `\u001B[32m${text}\u001B[39m`
    const out = renderTable([{header: 'A', paint: green}, {header: 'B'}], [['x', 'y'], ['long', 'z']], TERMINAL)
    expect(out.split('\n')[1]).toBe(`${green('x')}      y`)
  })

  it('a control character or tab from a server cannot break a cell or reach the terminal', () => {
    const out = renderTable([{header: 'A'}, {header: 'B'}], [['evil\u001B]0;title\u0007\tx', 'y']], PLAIN)
    expect(out).toBe('evil\uFFFD]0;title\uFFFD x\ty')
  })
})

describe('renderTable in a pipe', () => {
  it('no header, tab-separated, full digests', () => {
    expect(renderTable(COLUMNS, [['alpine', '✓ pullable', DIGEST]], PLAIN)).toBe(`alpine\t✓ pullable\t${DIGEST}`)
  })
})

describe('renderTable work is linear in the cells (issue 12: rendering was quadratic)', () => {
  function countMeasures(n: number, columns?: number): number {
    let calls = 0
    const measure = (text: string): number => {
      calls++
      return [...text].length
    }

    const out = renderTable(COLUMNS, rows(n), {...TERMINAL, ...(columns === undefined ? {} : {columns})}, measure)
    expect(out.split('\n')).toHaveLength(n + 1)
    return calls
  }

  it('measures each header and cell exactly once when nothing is shortened', () => {
    expect(countMeasures(10_000)).toBe(COLUMNS.length * (10_000 + 1))
    expect(countMeasures(20_000)).toBe(COLUMNS.length * (20_000 + 1))
  })

  it('shortening adds at most one measure per character of a shortened cell', () => {
    const cellChars = rows(1)[0]!.join('').length
    const calls = countMeasures(10_000, 60)
    expect(calls).toBeLessThanOrEqual(COLUMNS.length * 10_001 + 10_000 * cellChars)
    expect(calls / countMeasures(5000, 60)).toBeCloseTo(2, 1)
  })
})

describe('wrapIndented', () => {
  it('breaks at spaces and indents continuation lines four more than the line', () => {
    expect(wrapIndented('  ! warning credentials/plaintext: the secret is stored in plaintext', 30)).toBe(
      ['  ! warning', '      credentials/plaintext:', '      the secret is stored in', '      plaintext'].join('\n'),
    )
  })

  it('leaves a line that fits, and never breaks a long word', () => {
    expect(wrapIndented('short', 30)).toBe('short')
    expect(wrapIndented(`a ${'x'.repeat(40)}`, 30)).toBe(`a\n    ${'x'.repeat(40)}`)
  })
})
