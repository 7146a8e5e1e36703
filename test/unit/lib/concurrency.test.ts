import {describe, expect, it} from 'vitest'

import {mapConcurrent, mapOrdered} from '../../../src/lib/concurrency.js'

describe('mapConcurrent', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let inFlight = 0
    let peak = 0
    const result = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((resolve) => setTimeout(resolve, n * 3))
      inFlight--
      return n * 10
    })
    expect(result).toEqual([50, 10, 40, 20, 30, 0])
    expect(peak).toBe(2)
  })

  it('rejects with the first error and starts no new work after it', async () => {
    const started: number[] = []
    await expect(
      mapConcurrent([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n)
        if (n === 2) throw new Error('boom 2')
        return n
      }),
    ).rejects.toThrow('boom 2')
    expect(started).toEqual([1, 2])
  })

  it('handles an empty list', async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([])
  })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('mapOrdered', () => {
  it('yields in input order while running at most `limit` calls at once', async () => {
    let active = 0
    let peak = 0
    const delays = [30, 5, 20, 1, 15, 2, 8]
    const out: number[] = []
    for await (const value of mapOrdered(delays, 3, async (delay, index) => {
      active++
      peak = Math.max(peak, active)
      await sleep(delay)
      active--
      return index
    })) {
      out.push(value)
    }

    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(peak).toBe(3)
  })

  it('starts no new call once the consumer stops', async () => {
    const started: number[] = []
    for await (const value of mapOrdered([0, 1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      started.push(item)
      await sleep(1)
      return item
    })) {
      if (value === 1) break
    }

    await sleep(20)
    // 0 and 1 ran; at most one more was in flight when the consumer stopped.
    expect(started.length).toBeLessThanOrEqual(3)
  })

  it('throws the first failure in input order', async () => {
    const run = async () => {
      const out: number[] = []
      for await (const value of mapOrdered([1, 2, 3], 3, async (item) => {
        await sleep(item === 3 ? 1 : 10)
        if (item >= 2) throw new Error(`item ${item}`)
        return item
      })) {
        out.push(value)
      }

      return out
    }

    await expect(run()).rejects.toThrow('item 2')
  })

  it('treats a limit below 1 as 1 and handles no items', async () => {
    const out: number[] = []
    for await (const value of mapOrdered([5, 6], 0, async (item) => item * 2)) out.push(value)
    expect(out).toEqual([10, 12])
    for await (const value of mapOrdered([], 4, async () => 1)) out.push(value)
    expect(out).toEqual([10, 12])
  })
})
