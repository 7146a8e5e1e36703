/**
 * The GitHub client against a hostile or broken API (issue 12), through an injected fetch: work is
 * bounded in requests and bytes, a timeout is never an empty listing, pagination never leaves the
 * API's origin nor repeats a URL, and garbage is a protocol error, never a foreign TypeError.
 */
import {describe, expect, it} from 'vitest'

import {NetworkError, ProtocolError, TimeoutError} from '../../../src/lib/errors.js'
import {createGitHubClient, MAX_GITHUB_BODY_BYTES, type FetchLike} from '../../../src/lib/github/client.js'
import {listPackages, listPackageVersions} from '../../../src/lib/github/packages.js'
import type {ResolvedGitHubToken} from '../../../src/lib/github/types.js'
import {makePackages} from '../../fixtures/github/factory.js'

const API = 'https://api.github.test'
const TOKEN: ResolvedGitHubToken = {token: `ghp_${'Z9'.repeat(18)}`, source: 'GH_TOKEN', kind: 'classic', redacted: 'ghp_…Z9Z9'}

type Sent = {url: string; authorization: string | undefined}

/** A fake API: `answer` builds each response; every request is recorded. */
function fakeApi(answer: (url: URL, n: number) => Response | Promise<Response>): {fetch: FetchLike; sent: Sent[]} {
  const sent: Sent[] = []
  const fakeFetch: FetchLike = async (input, init) => {
    const url = new URL(input)
    const headers = new Headers(init.headers)
    sent.push({url: url.href, authorization: headers.get('authorization') ?? undefined})
    if (init.signal?.aborted) throw init.signal.reason
    return answer(url, sent.length)
  }
  return {fetch: fakeFetch, sent}
}

const json = (body: unknown, headers: Record<string, string> = {}, status = 200): Response =>
  new Response(JSON.stringify(body), {status, headers: {'content-type': 'application/json; charset=utf-8', ...headers}})

async function client(fetch: FetchLike, timeoutMs = 2000) {
  return createGitHubClient({apiUrl: API, token: TOKEN, fetch, timeoutMs, retries: 0, retryUnitMs: 1})
}

const packagesOf = (github: Awaited<ReturnType<typeof client>>) => listPackages(github, {owner: 'acme', ownerType: 'organization'})

describe('GitHub pagination against a hostile API', () => {
  it('does not follow a Link to another origin, and never sends the token there', async () => {
    const api = fakeApi((url) =>
      url.origin === API ? json(makePackages('acme', 2), {link: '<http://evil.test/orgs/acme/packages?page=2>; rel="next"'}) : json([]),
    )
    await expect(packagesOf(await client(api.fetch))).rejects.toThrow(ProtocolError)
    await expect(packagesOf(await client(api.fetch))).rejects.toThrow(/another origin \(http:\/\/evil\.test\)/)
    expect(api.sent.every((request) => request.url.startsWith(API))).toBe(true)
  })

  it('stops when rel="next" points at the page just read (one request)', async () => {
    const api = fakeApi((url) => json(makePackages('acme', 2), {link: `<${url.href}>; rel="next"`}))
    const listing = await packagesOf(await client(api.fetch))
    expect(api.sent).toHaveLength(1)
    expect(listing.items).toHaveLength(2)
  })

  it('stops an endless page+1 chain at the 10,000-item window and says the listing is truncated', async () => {
    const api = fakeApi((url) => {
      const page = Number(url.searchParams.get('page') ?? '1')
      const next = new URL(url)
      next.searchParams.set('page', String(page + 1))
      return json(makePackages('acme', 1), {link: `<${next.href}>; rel="next"`})
    })
    const listing = await packagesOf(await client(api.fetch))
    expect(api.sent).toHaveLength(100)
    expect(listing.truncated).toBe(true)
    expect(listing.cappedBy).toMatch(/at most 10000 items/)
  })

  it('never plans work from an unchecked rel="last" (page=999999999)', async () => {
    const api = fakeApi((url) => {
      const page = Number(url.searchParams.get('page') ?? '1')
      const link = `<${API}/orgs/acme/packages?per_page=100&page=${page + 1}>; rel="next", <${API}/orgs/acme/packages?per_page=100&page=999999999>; rel="last"`
      return json(makePackages('acme', 1), {link})
    })
    const listing = await packagesOf(await client(api.fetch))
    expect(api.sent.length).toBeLessThanOrEqual(100)
    expect(listing.items).toHaveLength(api.sent.length)
    expect(listing.truncated).toBe(true)
  })
})

describe('GitHub bodies against a hostile API', () => {
  it('fails a body over the bound with a clear error, having read no more than the bound', async () => {
    let produced = 0
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const api = fakeApi(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              produced += chunk.byteLength
              controller.enqueue(chunk)
            },
          }),
          {headers: {'content-type': 'application/json'}},
        ),
    )
    await expect(packagesOf(await client(api.fetch))).rejects.toThrow(`body over ${MAX_GITHUB_BODY_BYTES} bytes`)
    expect(produced).toBeLessThanOrEqual(MAX_GITHUB_BODY_BYTES + 4 * chunk.byteLength)
  })

  it('turns a body that never ends within the timeout into a TimeoutError, never an empty listing', async () => {
    const api = fakeApi(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('['))
            },
          }),
          {headers: {'content-type': 'application/json'}},
        ),
    )
    const github = await client(api.fetch, 200)
    const result = packagesOf(github)
    await expect(result).rejects.toThrow(TimeoutError)
    const versions = listPackageVersions(github, {owner: 'acme', ownerType: 'organization', packageName: 'app'})
    await expect(versions).rejects.toMatchObject({exitCode: 3})
  })

  it.each([
    ['not JSON at all', () => new Response('<html>oops', {headers: {'content-type': 'application/json'}})],
    ['a 404 whose body is not JSON', () => new Response('<html>oops', {status: 404, headers: {'content-type': 'application/json'}})],
    ['a 404 whose JSON body is a number', () => new Response('5', {status: 404, headers: {'content-type': 'application/json'}})],
    ['a 500 whose JSON body is a string', () => new Response('"x"', {status: 500, headers: {'content-type': 'application/json'}})],
  ])('answers %s with a ProtocolError (exit 3), not a foreign TypeError', async (_name, answer) => {
    const api = fakeApi(answer)
    const error: unknown = await packagesOf(await client(api.fetch)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error).toMatchObject({exitCode: 3})
  })

  it('reports a closed connection as a NetworkError (exit 3)', async () => {
    const api = fakeApi(() => {
      throw new TypeError('fetch failed', {cause: Object.assign(new Error('other side closed'), {code: 'UND_ERR_SOCKET'})})
    })
    const error: unknown = await packagesOf(await client(api.fetch)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NetworkError)
    expect(String((error as Error).message)).toContain('UND_ERR_SOCKET: other side closed')
  })
})
