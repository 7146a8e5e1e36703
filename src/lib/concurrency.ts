/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * result. Rejects with the first error (the other calls still settle, none is left dangling).
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
