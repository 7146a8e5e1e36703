/** Reading standard input in full, bounded in time and size when the caller asks. */
import {UsageError} from '../lib/errors.js'

/** Bounds of {@link readStdin}; without them it reads until end of input. */
export type ReadStdinOptions = {
  /** Give up after this long (the input was left open); rejects with `timeoutError()`. */
  timeoutMs?: number
  timeoutError?: () => Error
  /** Give up once more than this many bytes arrived; rejects with `tooLargeError()`. */
  maxBytes?: number
  tooLargeError?: () => Error
  /** Default `process.stdin`. */
  stdin?: NodeJS.ReadableStream
}

/** Reads all of stdin as UTF-8. */
export async function readStdin(options: ReadStdinOptions = {}): Promise<string> {
  const stdin = options.stdin ?? process.stdin
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const fail = (error: Error): void => {
      done()
      reject(error)
    }

    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => fail(options.timeoutError?.() ?? new UsageError(`nothing arrived on stdin within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`)), options.timeoutMs)
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
      size += buffer.length
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        fail(options.tooLargeError?.() ?? new UsageError(`stdin holds more than ${options.maxBytes} bytes`))
        return
      }

      chunks.push(buffer)
    }

    const onEnd = (): void => {
      done()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }

    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer)
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.off('error', fail)
      stdin.pause()
    }

    stdin.on('data', onData)
    stdin.once('end', onEnd)
    stdin.once('error', fail)
    stdin.resume()
  })
}
