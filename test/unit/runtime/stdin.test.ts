/** Bounded stdin reads and flag files, over an in-memory stream and a temporary directory. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {appendText, readFlagFile} from '../../../src/runtime/files.js'
import {readStdin} from '../../../src/runtime/stdin.js'
import {UsageError} from '../../../src/lib/errors.js'

describe('readStdin', () => {
  it('reads every chunk until the end, as UTF-8', async () => {
    const stdin = new PassThrough()
    const read = readStdin({stdin})
    stdin.write(Buffer.from('alpine\nnode:2'))
    stdin.end('0 – ok\n')
    expect(await read).toBe('alpine\nnode:20 – ok\n')
  })

  it('gives up with the caller’s error when more than maxBytes arrive', async () => {
    const stdin = new PassThrough()
    const read = readStdin({stdin, maxBytes: 4, tooLargeError: () => new UsageError('too much')})
    stdin.write('12345')
    await expect(read).rejects.toThrow('too much')
  })

  it('gives up with the caller’s error when the input stays open', async () => {
    const stdin = new PassThrough()
    await expect(readStdin({stdin, timeoutMs: 20, timeoutError: () => new UsageError('left open')})).rejects.toThrow('left open')
    // The listeners are gone: a late write is not read by anyone.
    expect(stdin.listenerCount('data')).toBe(0)
  })

  it('passes a stream error on', async () => {
    const stdin = new PassThrough()
    const read = readStdin({stdin})
    stdin.destroy(new Error('EIO'))
    await expect(read).rejects.toThrow('EIO')
  })
})

describe('flag files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-io-'))

  it('readFlagFile reads a file, and names the flag and the error code when it cannot', async () => {
    writeFileSync(join(dir, 'images.txt'), 'alpine\n')
    expect(await readFlagFile('--images', join(dir, 'images.txt'))).toBe('alpine\n')
    await expect(readFlagFile('--images', join(dir, 'missing.txt'))).rejects.toThrow(`cannot read --images ${join(dir, 'missing.txt')}: no such file or directory`)
    // "-" is a file name unless stdin is allowed.
    await expect(readFlagFile('--images', '-')).rejects.toThrow('cannot read --images -: no such file or directory')
  })

  it('appendText appends, or resolves the reason it could not', async () => {
    const file = join(dir, 'summary.md')
    expect(await appendText(file, 'one\n')).toBeUndefined()
    expect(await appendText(file, 'two\n')).toBeUndefined()
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n')
    expect(await appendText(join(dir, 'no', 'such', 'dir.md'), 'x')).toBe('no such file or directory')
  })
})
