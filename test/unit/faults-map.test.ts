/**
 * docs/faults.md (issue 12, "one case per item") stays true:
 * - every row names a test that exists, in the file it names, under the title it quotes;
 * - a fault-suite row's exit code is the one its case expects (`expect(run.code).toBe(N)`), and is
 *   one of the contract's codes;
 * - every case of the fault suite is in the map, and every case checks for planted secrets and
 *   peak RSS (`expectClean`), so no case can skip the RSS bound.
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {EXIT_CODE_CONTRACT} from '../../src/lib/errors.js'

const FAULT_FILES = ['faults.test.ts', 'faults-bounds.test.ts']
const doc = readFileSync(new URL('../../docs/faults.md', import.meta.url), 'utf8')
const tableLines = doc.split('\n').filter((line) => line.startsWith('| ') && !/^\| (item|parser) \|/.test(line) && !line.startsWith('| ---'))
const rows = tableLines.flatMap((line) => {
  const m = /^\| (.+?) \|(?: .+? \|)? (\d|—) \| `([\w./-]+\.test\.ts)` › (.+) \|$/.exec(line)
  return m ? [{item: m[1] ?? '', code: m[2] === '—' ? undefined : Number(m[2]), file: m[3] ?? '', title: m[4] ?? ''}] : []
})

/** The source of a test file (integration first, then unit), with `\'` read as `'`. */
function source(file: string): string {
  for (const dir of ['integration', 'unit']) {
    try {
      return readFileSync(new URL(`../${dir}/${file}`, import.meta.url), 'utf8').replaceAll("\\'", "'")
    } catch {
      // Not in this directory.
    }
  }

  throw new Error(`no test file ${file} under test/integration or test/unit`)
}

/** The tests of a file: title and body (up to the next test). */
function tests(file: string): Array<{title: string; body: string}> {
  const text = source(file)
  const starts = [...text.matchAll(/\bit\((['"`])(.+?)\1, /g)]
  return starts.map((m, k) => ({title: m[2] ?? '', body: text.slice(m.index, starts[k + 1]?.index ?? text.length)}))
}

describe('docs/faults.md, the map of issue 12 to its cases', () => {
  it('is there, with every table row parsed', () => {
    expect(rows.length).toBe(tableLines.length)
    expect(rows.length).toBeGreaterThan(40)
  })

  it.each(rows)('$item → $file › $title', ({code, file, title}) => {
    const found = tests(file).filter((test) => test.title.startsWith(title))
    expect(found, `${file} has no test titled "${title}…"`).toHaveLength(1)
    if (!FAULT_FILES.includes(file)) return
    expect(code, 'a fault-suite row gives an exit code').toBeDefined()
    expect(EXIT_CODE_CONTRACT.map((entry) => entry.code as number)).toContain(code)
    const expected = [...(found[0]?.body ?? '').matchAll(/expect\(run\.code\b[^\n]*?\)\.toBe\((\d)\)/g)].map((m) => Number(m[1]))
    expect(expected.length, 'the case expects an exit code').toBeGreaterThan(0)
    expect(new Set(expected)).toEqual(new Set([code]))
  })

  it.each(FAULT_FILES)('every case of %s is in the map and checks secrets and peak RSS', (file) => {
    const mapped = rows.filter((row) => row.file === file)
    for (const test of tests(file)) {
      expect(
        mapped.some((row) => test.title.startsWith(row.title)),
        `"${test.title}" is not in docs/faults.md`,
      ).toBe(true)
      expect(test.body, `"${test.title}" does not call expectClean`).toContain('expectClean(')
    }
  })
})
