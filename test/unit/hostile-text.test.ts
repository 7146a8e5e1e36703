/**
 * Text from servers and helpers is data (issue 12): sanitised to one inert bounded line, and
 * credentials regctl sent or holds never quoted back.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {helperGet, type HelperRunner} from '../../src/lib/credentials/helper.js'
import {parseOciErrors} from '../../src/lib/registry/oci-errors.js'
import {inertDeep, inertLine, MAX_ECHO_CHARS, sanitizeText} from '../../src/lib/sanitize.js'

const SECRET = 'plain-Passw0rd-never-shown'

describe('sanitizeText', () => {
  it('removes ANSI escapes and control characters, folds newlines, escapes a leading ::', () => {
    expect(sanitizeText('\u001B[31mred\u001B[0m\nline\r\n::error title=x::pwned\u0007')).toBe('red line ::error title=x::pwned')
    expect(sanitizeText('::warning::x')).toBe('\\::warning::x')
    expect(sanitizeText('\u001B]8;;http://evil\u0007link\u001B]8;;\u0007')).toBe('link')
  })

  it('cuts with an ellipsis', () => {
    expect(sanitizeText('x'.repeat(1000))).toBe(`${'x'.repeat(MAX_ECHO_CHARS)}…`)
  })

  it('always yields one bounded line that no runner reads as a workflow command (property)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 2000}), fc.integer({min: 1, max: 400}), (text, max) => {
        const out = sanitizeText(text, max)
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/)
        expect(out.trimStart().startsWith('::')).toBe(false)
        expect([...out].length).toBeLessThanOrEqual(max + 1)
      }),
      {numRuns: 500, endOnFailure: true},
    )
  })
})

describe('server and helper text', () => {
  it('an OCI error message is redacted and sanitised before it reaches a message', () => {
    const body = new TextEncoder().encode(JSON.stringify({errors: [{code: 'NAME_UNKNOWN', message: `token ghp_${'a'.repeat(36)}\n::error::x \u001B[2J`}]}))
    const [error] = parseOciErrors(body)
    expect(error?.message).not.toContain('a'.repeat(36))
    // eslint-disable-next-line no-control-regex
    expect(error?.message).not.toMatch(/[\n\u001B]/)
  })

  it.each([
    ['its protocol JSON with Secret on stdout, exit 1', {exitCode: 1, stdout: JSON.stringify({ServerURL: 'h', Username: 'u', Secret: SECRET}), stderr: ''}],
    ['Secret unquoted-ish on stderr, exit 1', {exitCode: 1, stdout: '', stderr: `failed: secret: ${SECRET}`}],
    ['a token on stderr, exit 1', {exitCode: 1, stdout: '', stderr: `error storing ghp_${'Q'.repeat(36)}`}],
  ])('a failing helper that prints %s is quoted without the secret', async (_name, result) => {
    const runHelper: HelperRunner = async () => result
    const error: Error = await helperGet('broken', 'registry.example', {runHelper}).then(
      () => new Error('expected a failure'),
      (caught: unknown) => caught as Error,
    )
    expect(error.message).toMatch(/docker-credential-broken/)
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('Q'.repeat(36))
  })
})

describe('inertDeep / inertLine: the render boundary', () => {
  it('makes every string of a result one inert line, keys and other values untouched, without cutting', () => {
    const long = 'y'.repeat(5000)
    const result = {
      images: [{input: 'app:1', message: `nope\n::error title=x::pwned \u001B[31mred\u001B]0;t\u0007`, count: 3}],
      tags: ['::warning::x', 'ok', long],
      nested: {deep: {value: 'a\tb\r\nc'}, none: null, flag: true},
    }
    expect(inertDeep(result)).toEqual({
      images: [{input: 'app:1', message: 'nope ::error title=x::pwned red', count: 3}],
      tags: ['\\::warning::x', 'ok', long],
      nested: {deep: {value: 'a b c'}, none: null, flag: true},
    })
    // The input is not changed (--json prints the data as it is).
    expect(result.tags[0]).toBe('::warning::x')
  })

  it('never yields a control character or a line break (property)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 500}), (text) => {
        const out = inertLine(text)
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/)
        expect(out.startsWith('::')).toBe(false)
      }),
    )
  })
})
