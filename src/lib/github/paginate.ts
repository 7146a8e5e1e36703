/**
 * Page fetching for GitHub list endpoints. The first page comes from `octokit.paginate.iterator`
 * (https://github.com/octokit/plugin-paginate-rest.js, `iterator.ts`). When its `Link` header names
 * the last page (GitHub's page-number pagination), the remaining pages are known up front and are
 * fetched concurrently, bounded, and yielded in order; otherwise the iterator follows
 * `rel="next"` one page at a time. Either way a consumer that stops early (`--limit`) stops the
 * fetching: no page beyond `maxPages` is requested.
 */
import {lastPageOf, linksByRelation} from '../link-header.js'
import type {RequestContext} from './api-errors.js'
import {MAX_GITHUB_ITEMS, type GitHubClient, type GitHubResponse} from './client.js'
import {mapOrdered} from '../concurrency.js'

/** GitHub's largest page size. */
export const MAX_PER_PAGE = 100

/** Options of {@link paginate}. */
export type PaginateOptions = {
  /** Items per page; default and maximum 100. */
  perPage?: number
  /** Never request more than this many pages (from `--limit`). */
  maxPages?: number
  /** Pages in flight once the last page is known. Default 4. */
  concurrency?: number
  /** Do not fan out even if the last page is known (the consumer may stop at any item). */
  sequential?: boolean
  /**
   * Called when the listing stops at GitHub's 10,000-item window ({@link MAX_GITHUB_ITEMS}) while
   * the server names more pages: the result is truncated, and the message says why.
   */
  onCapped?: (message: string) => void
  /** Called after each page with the count so far and the total when known. */
  onPage?: (fetched: number, total: number | undefined) => void
}

/** Yields the responses of a list endpoint, page by page, in page order. */
export async function* paginate(
  client: GitHubClient,
  route: string,
  params: Record<string, unknown>,
  context: RequestContext,
  options: PaginateOptions = {},
): AsyncGenerator<GitHubResponse, void, undefined> {
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, options.perPage ?? MAX_PER_PAGE))
  // GitHub serves the first 10,000 items of a list: never plan or follow pages beyond them.
  const windowPages = Math.ceil(MAX_GITHUB_ITEMS / perPage)
  const maxPages = Math.min(options.maxPages ?? Number.POSITIVE_INFINITY, windowPages)
  if (maxPages < 1) return
  const capped = (): void =>
    options.onCapped?.(`GitHub's API lists at most ${MAX_GITHUB_ITEMS} items (${windowPages} pages of ${perPage}); the listing stopped there and more exist`)
  const pageParams = {...params, per_page: perPage}
  const iterator = client.pages(route, pageParams, context)
  const first = await iterator.next()
  if (first.done) return
  // `last` comes from the server: it is checked against the window before any work is planned
  // from it (issue 12: page=999999999 exhausted the heap).
  const last = lastPageOf(first.value.headers['link'])
  let fetched = 1
  options.onPage?.(fetched, last === undefined ? undefined : Math.min(last, maxPages))
  yield first.value

  if (last !== undefined && !options.sequential) {
    const wanted = Math.min(last, maxPages)
    if (last > windowPages && maxPages === windowPages) capped()
    const pageNumbers = Array.from({length: Math.max(0, wanted - 1)}, (_, i) => i + 2)
    for await (const response of mapOrdered(pageNumbers, options.concurrency ?? 4, (page) =>
      client.request(route, {...pageParams, page}, context),
    )) {
      fetched++
      options.onPage?.(fetched, wanted)
      yield response
    }

    return
  }

  // Bounded by maxPages (at most the window) and by the client, which never requests a URL twice.
  let latest = first.value
  while (fetched < maxPages) {
    const step = await iterator.next()
    if (step.done) return
    fetched++
    latest = step.value
    options.onPage?.(fetched, undefined)
    yield step.value
  }

  if (maxPages === windowPages && linksByRelation(latest.headers['link']).has('next')) capped()
}
