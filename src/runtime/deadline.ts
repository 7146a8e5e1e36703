/**
 * The clock and timer behind `--deadline` (src/lib/deadline.ts): started once per command run,
 * handed to every transport (registry, GitHub API, credential helpers), stopped when the run ends.
 */
import type {RunDeadline} from '../lib/deadline.js'
import {DeadlineError} from '../lib/errors.js'

/** A started deadline: the transports' view, plus what the command does with it. */
export type RunDeadlineControl = RunDeadline & {
  /** True once the deadline has passed. */
  reached(): boolean
  /**
   * `work`, or a {@link DeadlineError} `graceMs` after the deadline when `work` has not settled by
   * then: the backstop for anything that does not honour the signal (a helper's drain, a retry's
   * back-off, a secondary-rate-limit wait). `what` names what was cut, for the message.
   */
  bound<T>(work: Promise<T>, what: () => string, graceMs?: number): Promise<T>
  /** Clears the timer. */
  stop(): void
}

/** Starts the deadline of a run of `seconds` (undefined: no deadline). */
export function startDeadline(seconds: number | undefined, now: () => number = Date.now): RunDeadlineControl | undefined {
  if (seconds === undefined) return undefined
  const controller = new AbortController()
  const end = now() + seconds * 1000
  const timer = setTimeout(() => controller.abort(), seconds * 1000)
  // The run ends when its work does; the deadline timer alone never keeps the process alive.
  timer.unref()
  const backstops = new Set<NodeJS.Timeout>()
  return {
    seconds,
    signal: controller.signal,
    remainingMs: () => Math.max(0, end - now()),
    reached: () => controller.signal.aborted,
    async bound(work, what, graceMs = 0) {
      let backstop: NodeJS.Timeout | undefined
      let onAbort: (() => void) | undefined
      const cut = new Promise<never>((_resolve, reject) => {
        onAbort = () => {
          backstop = setTimeout(() => reject(new DeadlineError(what(), seconds)), graceMs)
          backstops.add(backstop)
        }

        if (controller.signal.aborted) onAbort()
        else controller.signal.addEventListener('abort', onAbort, {once: true})
      })
      try {
        return await Promise.race([work, cut])
      } finally {
        if (onAbort) controller.signal.removeEventListener('abort', onAbort)
        if (backstop) {
          clearTimeout(backstop)
          backstops.delete(backstop)
        }
      }
    },
    stop() {
      clearTimeout(timer)
      for (const backstop of backstops) clearTimeout(backstop)
    },
  }
}
