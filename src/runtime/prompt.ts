/** Interactive input on a terminal. */

/** Options of {@link promptHidden}. */
export type PromptHiddenOptions = {
  /** Give up after this long; rejects with `timeoutError()`. */
  timeoutMs: number
  timeoutError: () => Error
  /** Ctrl-C or Ctrl-D: rejects with `cancelError()`. */
  cancelError: () => Error
}

/**
 * Asks `question` on stderr and reads one line from the terminal without echoing it: raw mode,
 * characters collected until Enter, Backspace honoured, Ctrl-C / Ctrl-D cancel, escape sequences
 * (arrow keys) ignored. stdin must be a TTY.
 */
export async function promptHidden(question: string, options: PromptHiddenOptions): Promise<string> {
  const stdin = process.stdin
  const stderr = process.stderr
  // Echo goes off before the question appears, so nothing typed after it can be echoed.
  stdin.setRawMode(true)
  stderr.write(question)
  return new Promise((resolve, reject) => {
    let value = ''
    const timer = setTimeout(() => {
      done()
      reject(options.timeoutError())
    }, options.timeoutMs)
    const onData = (chunk: Buffer | string): void => {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          done()
          resolve(value)
          return
        }

        if (ch === '\u0003' || ch === '\u0004') {
          done()
          reject(options.cancelError())
          return
        }

        if (ch === '\u007f' || ch === '\b') {
          value = value.slice(0, -1)
        } else if (ch === '\u001b') {
          // The rest of this chunk is an escape sequence, not part of the answer.
          break
        } else if (ch >= ' ') {
          value += ch
        }
      }
    }

    const done = (): void => {
      clearTimeout(timer)
      stdin.off('data', onData)
      if (stdin.isTTY) stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }

    stdin.on('data', onData)
    stdin.resume()
  })
}
