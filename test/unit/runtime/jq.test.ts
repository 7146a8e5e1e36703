/**
 * The real jq-wasm (jq 1.8) in its worker: output as gh's --jq prints it, jq's own error message
 * as a usage error, and both bounds (time, output size) hit on purpose with small limits.
 */
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {openJq, runJq} from '../../../src/runtime/jq.js'

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

  it('openJq compiles without running: a compile error is refused, a filter that never ends is not run', async () => {
    await expect(openJq('$nope')).rejects.toThrow(/^--jq: \$nope is not defined .*compile error$/)
    await expect(openJq('nosuchfunction(1)')).rejects.toBeInstanceOf(UsageError)
    // Compiling only: these would loop, read missing input or stop jq if they ran.
    for (const expression of ['repeat(.)', 'input', 'halt_error(9)']) {
      const session = await openJq(expression, {timeoutMs: 5000})
      await session.close()
    }
  })

  it('one session runs its expression over several documents', async () => {
    const session = await openJq('.exitCode')
    try {
      expect((await session.run(DOCUMENT)).trimEnd()).toBe('1')
      expect((await session.run('{"exitCode": 3}')).trimEnd()).toBe('3')
    } finally {
      await session.close()
    }

    await expect(session.run(DOCUMENT)).rejects.toThrow('jq session is closed')
  })
})
