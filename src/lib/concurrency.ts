/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * result. Rejects with the first error (the other calls still settle, none is left dangling).
 *
 * Not built on `mapOrdered` (github/concurrency.ts) on purpose: that one is a window that counts
 * finished-but-unconsumed results (one slow item holds back the rest) and lets calls in flight
 * run on after it throws; here a free lane takes the next item at once and nothing outlives us.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  let firstError: unknown
  const workers = Array.from({length: Math.max(1, Math.min(limit, items.length))}, async () => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index] as T, index)
      } catch (error) {
        if (!failed) firstError = error
        failed = true
      }
    }
  })
  await Promise.all(workers)
  if (failed) throw firstError
  return results
}
