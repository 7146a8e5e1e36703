/**
 * scripts/bundle/lazy-load-patches.mjs: the source patches that keep undici's node:http and
 * node:http2 and string-width's Intl.Segmenter out of a command's start (issue 10). The patches
 * apply to the installed versions, a missing pattern fails the build instead of shipping an
 * unpatched bundle, and the default header size the patch assumes is Node's.
 */
import http from 'node:http'
import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

// @ts-expect-error -- a build script in plain JavaScript, without type declarations
import {NODE_DEFAULT_MAX_HEADER_SIZE, patchSource} from '../../../scripts/bundle/lazy-load-patches.mjs'

const NODE_MODULES = resolve(import.meta.dirname, '../../../node_modules')
const patch = patchSource as (relative: string, source: string) => string
const source = (relative: string) => readFileSync(join(NODE_MODULES, relative), 'utf8')

describe('lazy-load patches', () => {
  it('apply to the installed undici and string-width, and remove their load-time work', () => {
    const client = patch('undici/lib/dispatcher/client.js', source('undici/lib/dispatcher/client.js'))
    expect(client).not.toMatch(/^const http = require\('node:http'\)/m)
    expect(client).not.toMatch(/^const connectH2 = require/m)
    const util = patch('undici/lib/core/util.js', source('undici/lib/core/util.js'))
    expect(util).not.toContain("const { IncomingMessage } = require('node:http')")
    const width = patch('string-width/index.js', source('string-width/index.js'))
    expect(width).not.toContain('const segmenter = new Intl.Segmenter()')
    expect(width).toContain('(segmenter ??= new Intl.Segmenter())')
  })

  it('fail when a pattern is gone (a new version): the build stops', () => {
    expect(() => patch('undici/lib/core/util.js', '// nothing to patch\n')).toThrow(/undici\/lib\/core\/util\.js no longer contains/)
    expect(() => patch('string-width/index.js', '')).toThrow(/string-width\/index\.js no longer contains/)
  })

  it("write ansis's raw ESC and CSI as escapes: the same expression, ASCII text", () => {
    const original = source('ansis/index.js')
    const patched = patch('ansis/index.js', original)
    expect(/[\u0080-\uffff]/.test(patched)).toBe(false)
    expect(/[\u0080-\uffff]/.test(original)).toBe(true)
    // The literal of ansis's `strip`, before and after, matches the same on every escape form.
    const literal = (text: string) => {
      const match = /replace\(\/(\[[^\]]+\]\[\[\(\)#;\?\]\*[^/]+)\/g/.exec(text)
      if (!match?.[1]) throw new Error('no strip expression')
      return new RegExp(match[1], 'g')
    }

    const before = literal(original)
    const after = literal(patched)
    expect(after.source).not.toBe(before.source)
    for (const text of ['\u001b[31mred\u001b[0m', '\u009b1;2mx', 'plain', '\u001b]8;;x', '\u001b[38;5;196mz', '\u009b']) {
      expect(text.replace(after, '')).toBe(text.replace(before, ''))
    }
  })

  it('leave other files alone', () => {
    expect(patch('widest-line/node_modules/string-width/index.js', 'same')).toBe('same')
  })

  it("assume Node's own default header size when no --max-http-header-size is given", () => {
    expect(process.execArgv.some((a) => a.startsWith('--max-http-header-size'))).toBe(false)
    expect(process.env['NODE_OPTIONS'] ?? '').not.toContain('--max-http-header-size')
    expect(NODE_DEFAULT_MAX_HEADER_SIZE).toBe(http.maxHeaderSize)
  })
})
