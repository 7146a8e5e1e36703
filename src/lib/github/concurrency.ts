/**
 * Runs `fn` over `items` with at most `limit` calls in flight and yields the results in input
 * order as soon as each one (and all before it) is ready, so a consumer can stop early and
 * pages can be rendered while later ones are still in flight. When the consumer stops, no new
 * calls start; calls already in flight settle in the background (their rejections are handled).
 * The first rejection (in input order) is thrown.
 *
 * Not built on `mapConcurrent` (lib/concurrency.ts), which resolves only once every call is done:
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
