/**
 * The README's table of edges (issue 8) stays true: every exit code it gives is one of the
 * contract's (`EXIT_CODE_CONTRACT`), and every row names a test that exists, in the file it names,
 * under the title it quotes. A row whose test was renamed or deleted fails here.
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {EXIT_CODE_CONTRACT} from '../../src/lib/errors.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const start = readme.indexOf('### The edges: what each answers')
const section = readme.slice(start, readme.indexOf('\n## ', start))
const rows = [...section.matchAll(/^\| (.+?) \| (.+?) \| ([\d /]+) \| `([\w.-]+\.test\.ts)` › (.+) \|$/gm)].map((m) => ({
  edge: m[1] ?? '',
  codes: (m[3] ?? '').split('/').map((code) => Number(code.trim())),
  file: m[4] ?? '',
  title: m[5] ?? '',
}))

describe('the README table of edges', () => {
  it('is there, with every row parsed', () => {
    expect(start).toBeGreaterThan(0)
    const tableRows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| edge') && !line.startsWith('| ---'))
    expect(rows.length).toBe(tableRows.length)
    expect(rows.length).toBeGreaterThan(10)
  })

  it.each(rows)('$edge: exit $codes, pinned by $file', ({codes, file, title}) => {
    const known = new Set(EXIT_CODE_CONTRACT.map((entry) => entry.code))
    for (const code of codes) expect(known.has(code as (typeof EXIT_CODE_CONTRACT)[number]['code'])).toBe(true)
    const text = readFileSync(new URL(`../integration/${file}`, import.meta.url), 'utf8')
    // The quoted words open (or, after an it.each `%s: `, continue) a test title in that file.
    const titled = text.split('\n').some((line) => line.includes(title) && (/\bit\((['"`])/.test(line) || /\)\((['"`])/.test(line)))
    expect(titled, `${file} has no test titled "${title}…"`).toBe(true)
  })

  // The lead's decision (session 4): a gate must not pass what a current docker refuses. docker 29+
  // stops `docker pull` at a failing helper (docker/cli ad776d1e10), so every failing-helper row
  // answers undetermined, and only the helper's absence may be a pass.
  it('a failing credential helper is never a pass: its rows exit 3', () => {
    const failing = rows.filter((row) => /helper|implicit store/.test(row.edge) && !/credentials not found/.test(row.edge))
    expect(failing.length).toBeGreaterThanOrEqual(3)
    for (const row of failing) expect(row.codes[0], row.edge).toBe(3)
  })
})
