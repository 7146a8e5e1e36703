import {describe, expect, it} from 'vitest'

import {mapConcurrent} from '../../src/lib/concurrency.js'

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
