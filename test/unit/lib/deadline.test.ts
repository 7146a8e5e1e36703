/**
 * `--deadline` (issue 12): the run's total budget aborts requests in flight, keeps new ones (and
 * retries) from starting, and names itself; bounded by request counts, not by the clock.
 */
import {describe, expect, it} from 'vitest'

import {cutByDeadline, deadlineSummary, requestBudgetMs, type RunDeadline} from '../../../src/lib/deadline.js'
import {DeadlineError, TimeoutError} from '../../../src/lib/errors.js'
import {createGitHubClient, type FetchLike} from '../../../src/lib/github/client.js'
import {BodyLimit, Transport} from '../../../src/lib/registry/transport.js'
import {createHelperRunner} from '../../../src/runtime/credential-helper-process.js'
import {startDeadline} from '../../../src/runtime/deadline.js'
import {closeAfterEach, startServer} from '../registry/harness.js'

/** A deadline the test reaches by hand. */
function manualDeadline(seconds = 7): RunDeadline & {reach(): void} {
  const controller = new AbortController()
  return {seconds, signal: controller.signal, remainingMs: () => (controller.signal.aborted ? 0 : 60_000), reach: () => controller.abort()}
}

const track = closeAfterEach()

describe('lib/deadline', () => {
  it('the per-request budget is the smaller of --timeout and what the deadline leaves (plus the slack that lets the run timer fire first)', () => {
    const deadline = manualDeadline()
    expect(requestBudgetMs(30_000, undefined)).toBe(30_000)
    expect(requestBudgetMs(30_000, deadline)).toBe(30_000)
    expect(requestBudgetMs(90_000, deadline)).toBe(60_050)
    deadline.reach()
    expect(requestBudgetMs(30_000, deadline)).toBe(50)
  })

  it('says how much was done, of how much, and marks items cut by it', () => {
    expect(deadlineSummary(60, {done: 3, total: 10, unit: 'images'})).toBe('deadline of 60 s reached after 3 of 10 images; the rest is undetermined (--deadline)')
    expect(deadlineSummary(5, {done: 2, unit: 'GitHub API requests sent'})).toBe('deadline of 5 s reached after 2 GitHub API requests sent; the rest is undetermined (--deadline)')
    expect(cutByDeadline({verdict: 'unreachable', message: new DeadlineError('https://r/v2/', 60).message}, 60)).toBe(true)
    expect(cutByDeadline({verdict: 'unreachable', message: 'timed out after 30000 ms: https://r/v2/'}, 60)).toBe(false)
  })

  it('a DeadlineError is a TimeoutError (exit 3) that names the deadline', () => {
    const error = new DeadlineError('https://r/v2/', 60)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.exitCode).toBe(3)
    expect(error.code).toBe('TIMEOUT')
    expect(error.message).toBe('deadline of 60 s reached (--deadline): https://r/v2/')
  })
})

describe('registry transport under a deadline', () => {
  it('aborts a request in flight when the deadline is reached, and sends nothing after it', async () => {
    const s = await startServer(() => {
      /* never answers */
    })
    track.server(s)
    const deadline = manualDeadline()
    const transport = new Transport({timeoutMs: 600_000, deadline})
    track.client(transport)
    const pending = transport.send({method: 'GET', url: new URL(`${s.origin}/v2/`), maxBodyBytes: BodyLimit.manifest}).catch((error: unknown) => error)
    while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    deadline.reach()
    const error = await pending
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as Error).message).toContain('deadline of 7 s reached')
    await expect(transport.send({method: 'GET', url: new URL(`${s.origin}/v2/x`), maxBodyBytes: BodyLimit.manifest})).rejects.toBeInstanceOf(DeadlineError)
    expect(s.requests).toHaveLength(1)
    expect(transport.requests).toBe(1)
  })
})

describe('GitHub client under a deadline', () => {
  it('retries never pass the deadline: a request after it is not sent', async () => {
    const deadline = manualDeadline()
    let sent = 0
    const fetch: FetchLike = async (_input, init) => {
      sent++
      // The first request fails (a 5xx the retry plugin would retry); the deadline is reached meanwhile.
      deadline.reach()
      if (init.signal?.aborted) throw init.signal.reason
      return new Response('{"message":"boom"}', {status: 502, headers: {'content-type': 'application/json'}})
    }
    const client = await createGitHubClient({apiUrl: 'https://api.github.test', fetch, retries: 3, retryUnitMs: 1, deadline})
    const error = await client.request('GET /users/{username}', {username: 'acme'}, {resource: 'user acme'}).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(sent).toBe(1)
  })
})

describe('credential helpers under a deadline', () => {
  it('a helper is given at most what the deadline leaves, and none runs past it', async () => {
    const deadline = manualDeadline()
    const timeouts: number[] = []
    const runner = createHelperRunner(async (_program, _args, _input, options) => {
      timeouts.push(options.timeoutMs)
      return {exitCode: 0, stdout: '{}', stderr: ''}
    }, {...deadline, remainingMs: () => (deadline.signal.aborted ? 0 : 1234)})
    await runner('docker-credential-x', ['get'], 'r', {timeoutMs: 10_000})
    expect(timeouts).toEqual([1284])
    deadline.reach()
    const late = await runner('docker-credential-x', ['get'], 'r', {timeoutMs: 10_000})
    expect(late.error?.message).toContain('deadline of 7 s reached')
    expect(timeouts).toHaveLength(1)
  })
})

describe('runtime/deadline', () => {
  it('bound() gives up on work that ignores the abort, with a DeadlineError', async () => {
    const deadline = startDeadline(1)
    expect(deadline).toBeDefined()
    const never = new Promise<never>(() => undefined)
    const error = await deadline!.bound(never, () => 'pull-check of 2 images').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(deadline!.reached()).toBe(true)
    expect(deadline!.remainingMs()).toBe(0)
    deadline!.stop()
    expect(startDeadline(undefined)).toBeUndefined()
  })

  it('bound() returns settled work untouched', async () => {
    const deadline = startDeadline(60)!
    await expect(deadline.bound(Promise.resolve(42), () => 'x')).resolves.toBe(42)
    deadline.stop()
  })
})
