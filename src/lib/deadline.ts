/**
 * The total time budget of one command run (`--deadline`, issue 12): `--timeout` bounds one
 * request, and retries, redirects, token exchanges and many images multiply it; the deadline
 * bounds the whole run, so a CI step's worst case is known. When it is reached, every request in
 * flight is aborted, no new one starts (retries included), and what was not finished is reported
 * undetermined — never an empty success.
 *
 * Pure: the runtime (src/runtime/deadline.ts) owns the clock and the timer and hands this view of
 * them to the transports.
 */

/** The run's deadline as the transports see it. */
export type RunDeadline = {
  /** The budget, in seconds (`--deadline`). */
  readonly seconds: number
  /** Aborts when the deadline is reached. */
  readonly signal: AbortSignal
  /** Milliseconds left (0 once reached). */
  remainingMs(): number
}

/** Where a message about the deadline starts, so that results cut by it can be told apart. */
export const DEADLINE_PREFIX = 'deadline of'

/** `deadline of 60 s reached` — the head of every deadline message. */
export function deadlineReached(seconds: number): string {
  return `${DEADLINE_PREFIX} ${seconds} s reached`
}

/**
 * The one line a command prints when its deadline cut the run: how much was finished, of what.
 * `total` is omitted when it was not known in advance (a paginated listing).
 */
export function deadlineSummary(seconds: number, progress: {done: number; total?: number; unit: string}): string {
  const of = progress.total === undefined ? '' : ` of ${progress.total}`
  return `${deadlineReached(seconds)} after ${progress.done}${of} ${progress.unit}; the rest is undetermined (--deadline)`
}

/**
 * The per-request time left: the smaller of `timeoutMs` and what the deadline leaves plus
 * {@link DEADLINE_SLACK_MS}. The slack lets the run's own timer fire first, so a request cut at the
 * deadline is reported as cut by it; the capped timer is only a backstop.
 */
export function requestBudgetMs(timeoutMs: number, deadline: RunDeadline | undefined): number {
  if (deadline === undefined) return timeoutMs
  return Math.max(1, Math.min(timeoutMs, deadline.remainingMs() + DEADLINE_SLACK_MS))
}

/** See {@link requestBudgetMs} (ms). */
export const DEADLINE_SLACK_MS = 50

/** True when `item` (an image check, a registry status…) carries a deadline message: the deadline cut it. */
export function cutByDeadline(item: unknown, seconds: number): boolean {
  return JSON.stringify(item)?.includes(deadlineReached(seconds)) === true
}

/**
 * How long a command waits, after its deadline, for the aborted work to settle into per-item
 * verdicts before it gives up on the whole run (ms). Aborted requests settle at once; this only
 * bounds what does not honour the abort.
 */
export const DEADLINE_GRACE_MS = 1000
