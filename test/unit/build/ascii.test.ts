/**
 * scripts/bundle/ascii.mjs: the build stops when a one-file command bundle holds a character
 * outside ASCII (one makes V8 hold the whole source as two bytes per character, decoded as UTF-8
 * on every run), and says where.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

// @ts-expect-error -- a build script in plain JavaScript, without type declarations
import {assertAscii} from '../../../scripts/bundle/ascii.mjs'

const check = assertAscii as (files: string[]) => void

describe('assertAscii', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-ascii-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  it('passes ASCII files, escapes included', () => {
    expect(() => check([file('a.cjs', 'const x = "\\u2713"; /[\\x1b\\x9b]/\n'), file('b.cjs', '')])).not.toThrow()
  })

  it('fails on the first character outside ASCII, naming the file and the offset', () => {
    const bad = file('c.cjs', 'var a = 1; var r = /^( *)([\u2713!]) /gm\n')
    expect(() => check([file('d.cjs', 'ok'), bad])).toThrow(`${bad} is not ASCII at offset 27`)
    expect(() => check([file('e.cjs', '// \u2026 a comment\n')])).toThrow(/is not ASCII at offset 3/)
  })
})
