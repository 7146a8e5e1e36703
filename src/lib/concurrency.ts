/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * result. Rejects with the first error (the other calls still settle, none is left dangling).
 *
 * Not built on {@link mapOrdered} on purpose: that one is a window that counts
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

/**
 * Runs `fn` over `items` with at most `limit` calls in flight and yields the results in input
 * order as soon as each one (and all before it) is ready, so a consumer can stop early and
 * pages can be rendered while later ones are still in flight. When the consumer stops, no new
 * calls start; calls already in flight settle in the background (their rejections are handled).
 * The first rejection (in input order) is thrown.
 *
 * Not built on {@link mapConcurrent}, which resolves only once every call is done:
 * pagination needs results as they arrive and must start no call after `--limit` is reached.
 */
export async function* mapOrdered<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R, void, undefined> {
  const width = Math.max(1, Math.floor(limit))
  const inFlight = new Map<number, Promise<R>>()
  let next = 0
  const launch = (): void => {
    while (inFlight.size < width && next < items.length) {
      const index = next++
      const promise = fn(items[index] as T, index)
      // Mark as handled: if the consumer stops early, an in-flight rejection must not crash the process.
      promise.catch(() => undefined)
      inFlight.set(index, promise)
    }
  }

  for (let index = 0; index < items.length; index++) {
    launch()
    const promise = inFlight.get(index)
    if (!promise) throw new Error(`mapOrdered: item ${index} was never started`)
    try {
      yield await promise
    } finally {
      inFlight.delete(index)
    }
  }
}
