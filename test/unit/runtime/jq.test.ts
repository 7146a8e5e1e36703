/**
 * The real jq-wasm (jq 1.8) in its worker: output as gh's --jq prints it, jq's own error message
 * as a usage error, and both bounds (time, output size) hit on purpose with small limits.
 */
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {runJq} from '../../../src/runtime/jq.js'

const DOCUMENT = JSON.stringify({images: [{input: 'alpine', verdict: 'pullable'}, {input: 'nope', verdict: 'not-found'}], exitCode: 1})

describe('runJq', () => {
  it('strings print raw, one per line; other values as jq prints them', async () => {
    expect((await runJq(DOCUMENT, '.images[].input')).trimEnd()).toBe('alpine\nnope')
    expect(JSON.parse(await runJq(DOCUMENT, '[.images[] | select(.verdict != "pullable") | .input]'))).toEqual(['nope'])
    expect((await runJq(DOCUMENT, '.exitCode')).trim()).toBe('1')
    expect(await runJq(DOCUMENT, 'empty')).toBe('')
  })

  it('a syntax error is a usage error with jq\'s message in one line, without the echoed expression', async () => {
    const error = await runJq(DOCUMENT, '.images |||').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(/^--jq: syntax error, unexpected .* compile error$/)
    expect((error as Error).message).not.toContain('\n')
  })

  it('a run-time error is a usage error with jq\'s message', async () => {
    await expect(runJq(DOCUMENT, '.images | error("no such thing")')).rejects.toThrow(/^--jq: no such thing/)
    await expect(runJq(DOCUMENT, '.images.input')).rejects.toThrow('--jq: Cannot index array with string ("input")')
  })

  it('an expression that never ends is stopped at the time bound', async () => {
    await expect(runJq(DOCUMENT, 'repeat(.)', {timeoutMs: 500})).rejects.toThrow(/^--jq: the expression ran for over 0.5 s and was stopped$/)
  })

  it('output past the size bound is refused', async () => {
    await expect(runJq(DOCUMENT, '[range(100000)]', {maxOutput: 10_000})).rejects.toThrow(/^--jq: the output is over/)
  })
})
