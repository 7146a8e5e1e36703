/**
 * The progress line of pull-check, auth status and audit (src/runtime/spinner.ts): shown only after
 * a second, redrawn in place, never wider than the terminal, erased by stop; and when it is wanted.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {PROGRESS_DELAY_MS, progressWanted, startProgress} from '../../../src/runtime/spinner.js'

function fakeStream(columns = 80): {stream: NodeJS.WriteStream; written: string[]} {
  const written: string[] = []
  const stream = {columns, write: (text: string) => written.push(text) > 0} as unknown as NodeJS.WriteStream
  return {stream, written}
}

describe('startProgress', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a wait under a second shows nothing, not even an erase', () => {
    const {stream, written} = fakeStream()
    const progress = startProgress(true, 'Checking images', '0/3', stream)!
    vi.advanceTimersByTime(PROGRESS_DELAY_MS - 1)
    progress.update('2/3')
    progress.stop()
    vi.advanceTimersByTime(5000)
    expect(written).toEqual([])
  })

  it('after a second: the action and the latest status, redrawn in place; stop erases the line once', () => {
    const {stream, written} = fakeStream()
    const progress = startProgress(true, 'Checking images', '0/3', stream)!
    vi.advanceTimersByTime(PROGRESS_DELAY_MS)
    expect(written).toEqual(['\r\u001B[2K⣾ Checking images… 0/3'])
    progress.update('1/3')
    vi.advanceTimersByTime(120)
    expect(written.at(-1)).toBe('\r\u001B[2K⣽ Checking images… 1/3')
    progress.stop()
    progress.stop()
    vi.advanceTimersByTime(5000)
    expect(written.at(-1)).toBe('\r\u001B[2K')
    expect(written.filter((text) => text === '\r\u001B[2K')).toHaveLength(1)
  })

  it('never wider than the terminal: the line is cut to columns − 1, so it cannot wrap', () => {
    const {stream, written} = fakeStream(20)
    const progress = startProgress(true, 'Checking images', 'x'.repeat(100), stream)!
    vi.advanceTimersByTime(PROGRESS_DELAY_MS)
    progress.stop()
    expect([...written[0]!.replace('\r\u001B[2K', '')]).toHaveLength(19)
  })

  it('disabled: undefined, no timer', () => {
    expect(startProgress(false, 'Checking images', '0/1')).toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('progressWanted', () => {
  const saved = {stdout: process.stdout.isTTY, stderr: process.stderr.isTTY, CI: process.env['CI'], TERM: process.env['TERM']}
  const setTty = (stdout: boolean, stderr: boolean): void => {
    Object.defineProperty(process.stdout, 'isTTY', {value: stdout, configurable: true})
    Object.defineProperty(process.stderr, 'isTTY', {value: stderr, configurable: true})
  }

  afterEach(() => {
    setTty(saved.stdout, saved.stderr)
    for (const key of ['CI', 'TERM'] as const) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  })

  it('only with stdout and stderr on a terminal, not for --json, -q, --verbose, CI or TERM=dumb (gh\'s rule)', () => {
    delete process.env['CI']
    process.env['TERM'] = 'xterm-256color'
    setTty(true, true)
    expect(progressWanted({json: false})).toBe(true)
    expect(progressWanted({json: true})).toBe(false)
    expect(progressWanted({json: false, quiet: true})).toBe(false)
    expect(progressWanted({json: false, verbose: true})).toBe(false)
    process.env['CI'] = 'false'
    expect(progressWanted({json: false})).toBe(true)
    process.env['CI'] = 'true'
    expect(progressWanted({json: false})).toBe(false)
    delete process.env['CI']
    process.env['TERM'] = 'dumb'
    expect(progressWanted({json: false})).toBe(false)
    process.env['TERM'] = 'xterm-256color'
    setTty(false, true)
    expect(progressWanted({json: false})).toBe(false)
    setTty(true, false)
    expect(progressWanted({json: false})).toBe(false)
  })
})
