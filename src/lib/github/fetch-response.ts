/**
 * The part of a fetch `Response` the GitHub client and octokit read, and a buffered one made from
 * bytes already read. Why not `new Response(…)`: in Node, `Response`, `Headers` and `fetch` are
 * getters that load Node's own copy of undici (its fetch, WebIDL, web streams, node:http and
 * node:http2): 50–80 ms of CPU the first time (issue 10). The copy the client hands octokit is a
 * {@link BufferedResponse}, so it loads nothing, and the commands send the requests with a fetch on
 * the bundle's undici (src/runtime/github-fetch.ts), not `globalThis.fetch`. Nothing here may touch
 * those globals. Pure.
 */

/** Response headers as fetch exposes them: `get` by any case, iteration in lower case. */
export type FetchHeaders = {
  get(name: string): string | null
  [Symbol.iterator](): Iterator<[string, string]>
}

/** A body read chunk by chunk (a web ReadableStream satisfies it). */
export type FetchBody = {
  getReader(): {read(): Promise<{done: true; value?: undefined} | {done: false; value: Uint8Array}>; cancel(reason?: unknown): Promise<void>}
}

/** What the client reads of a fetch answer (a global `Response` satisfies it). */
export type FetchResponse = {
  readonly status: number
  readonly statusText: string
  readonly url: string
  readonly headers: FetchHeaders
  readonly body: FetchBody | null
}

/** Lower-cased header names, several values of one name joined with `, ` (as fetch's Headers). */
export class HeaderList implements FetchHeaders {
  readonly #map = new Map<string, string>()

  constructor(entries: Iterable<readonly [string, string]>) {
    for (const [name, value] of entries) {
      const key = name.toLowerCase()
      const seen = this.#map.get(key)
      this.#map.set(key, seen === undefined ? value : `${seen}, ${value}`)
    }
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null
  }

  /** Sorted by name, as fetch's Headers iterate. */
  [Symbol.iterator](): Iterator<[string, string]> {
    return [...this.#map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]()
  }
}

/**
 * An answer whose body is already in memory: what the client hands octokit. `body` is a fresh
 * object per response (octokit returns it as `data` when it does not parse the body; the client
 * keys the bytes by it) with a one-chunk reader.
 */
export class BufferedResponse implements FetchResponse {
  readonly headers: HeaderList
  readonly body: FetchBody | null
  readonly #bytes: Uint8Array | null

  constructor(
    bytes: Uint8Array | null,
    readonly status: number,
    readonly statusText: string,
    headers: Iterable<readonly [string, string]>,
    readonly url: string,
  ) {
    this.#bytes = bytes
    this.headers = new HeaderList(headers)
    this.body = bytes === null ? null : oneChunk(bytes)
  }

  async text(): Promise<string> {
    return this.#bytes === null ? '' : new TextDecoder().decode(this.#bytes)
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes ?? new Uint8Array(0)
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown
  }
}

function oneChunk(bytes: Uint8Array): FetchBody {
  return {
    getReader() {
      let sent = false
      return {
        async read() {
          if (sent) return {done: true}
          sent = true
          return {done: false, value: bytes}
        },
        async cancel() {
          sent = true
        },
      }
    },
  }
}
