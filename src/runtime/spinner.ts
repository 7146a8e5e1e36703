/** A progress spinner on stderr (oclif's `ux.action`), for long listings on a terminal. */
import {ux} from '@oclif/core/ux'

/** A running spinner. `stop` is idempotent: stopping a stopped spinner does nothing. */
export type Spinner = {
  update(status: string): void
  stop(outcome: string): void
}

/**
 * Starts a spinner on stderr when `enabled` (the caller decides: stderr is a TTY and stdout is not
 * JSON), else returns `undefined` so progress costs nothing.
 */
export function startSpinner(enabled: boolean, action: string, status: string): Spinner | undefined {
  if (!enabled) return undefined
  ux.action.start(action, status, {stdout: false})
  return {
    update(next) {
      ux.action.status = next
    },
    stop(outcome) {
      ux.action.stop(outcome)
    },
  }
}
