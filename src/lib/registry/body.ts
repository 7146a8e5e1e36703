/**
 * Reading a response body within a bound (the registry transport, ./transport.ts): a 2xx body past
 * its limit is a {@link ProtocolError}; an error body is cut at its limit and the rest dropped.
 */
import {ProtocolError, redactUrl} from '../errors.js'

/** A response body as undici gives it: a Readable of byte chunks. */
type BodyStream = {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown
  on(event: 'end' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  destroy(): unknown
}

/**
 * Reads a body chunk by chunk until it ends; `take` sees each chunk and returns false to stop
 * (having destroyed the body or not). Plain `data` events, not `for await`: the async iterator
 * costs a promise and an iterator record per chunk and stream bookkeeping per response, which at
 * 1,000 manifests was a visible part of the CPU per reference (issue 10). A body that closes
 * before its end (aborted by the deadline, the connection dropped) rejects with that error, or
 * with one saying so: it never hangs.
 */
function readChunks(body: BodyStream, take: (chunk: Uint8Array) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      if (error === undefined) resolve()
      else reject(error)
    }

    body.on('data', (chunk) => {
      if (!settled && !take(chunk)) settle()
    })
    body.on('end', () => settle())
    body.on('error', (error) => settle(error))
    body.on('close', () => settle(new Error('the response body closed before its end')))
  })
}

/** A 2xx body, at most `limit` bytes (a larger Content-Length fails before reading); past it a ProtocolError. */
export async function readBounded(body: BodyStream, limit: number, url: URL, contentLength: string | undefined): Promise<Uint8Array> {
  if (contentLength !== undefined && Number(contentLength) > limit) {
    body.destroy()
    throw new ProtocolError(redactUrl(url), `response body of ${contentLength} bytes exceeds the ${limit}-byte limit`)
  }

  const chunks: Uint8Array[] = []
  let total = 0
  let over = false
  await readChunks(body, (chunk) => {
    total += chunk.byteLength
    if (total > limit) {
      over = true
      body.destroy()
      return false
    }

    chunks.push(chunk)
    return true
  })
  if (over) throw new ProtocolError(redactUrl(url), `response body exceeds the ${limit}-byte limit`)
  return concat(chunks, total)
}

/** An error body, its first `limit` bytes; the rest is dropped with the connection. */
export async function readTruncated(body: BodyStream, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  await readChunks(body, (chunk) => {
    const room = limit - total
    if (chunk.byteLength >= room) {
      chunks.push(chunk.subarray(0, room))
      total += room
      // Drop the rest (and the connection): an error page larger than this carries nothing we use.
      body.destroy()
      return false
    }

    chunks.push(chunk)
    total += chunk.byteLength
    return true
  })
  return concat(chunks, total)
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }

  return out
}
