/** Progress on stderr, on a terminal only: one self-erasing line, the same for every command. */
/**
 * Whether a command shows progress on stderr (issue 13), as gh does: only when both stdout and
 * stderr are terminals (`regctl … | jq` or `> file` shows none), never under `--json`, `-q` or
 * `--verbose` (whose request lines are the progress), in CI (`CI` set, not `false`, as oclif's
 * `ux.action` decides) or with `TERM=dumb`. `NO_COLOR` does not matter: the line has no colour.
 */
export function progressWanted(flags: {json: boolean; quiet?: boolean; verbose?: boolean}): boolean {
  const ci = process.env['CI']
  return (
    Boolean(process.stderr.isTTY) &&
    Boolean(process.stdout.isTTY) &&
    !flags.json &&
    !flags.quiet &&
    !flags.verbose &&
    (ci === undefined || ci === '' || ci === 'false') &&
    process.env['TERM'] !== 'dumb'
  )
}

/** A progress line on stderr: {@link Progress.update} its status; {@link Progress.stop} erases it. */
export type Progress = {
  update(status: string): void
  /** Erases the line (if it was ever shown) and stops; idempotent. */
  stop(): void
}

/** Frames of the progress line's spinner (oclif's `dots2`). */
const FRAMES = ['⣾', '⣽', '⣻', '⢿', '⡿', '⣟', '⣯', '⣷']
/** A wait shorter than this shows nothing. */
export const PROGRESS_DELAY_MS = 1000

/**
 * Starts a one-line progress display on stderr when `enabled` ({@link progressWanted}), shown only
 * once the work has taken {@link PROGRESS_DELAY_MS}: `⣾ Checking images… 3/10`. It redraws in place
 * (carriage return, erase line), cut to the terminal's width so it never wraps, and `stop` erases
 * it, so the output that follows starts on a clean line. Its timers are unref'd: it never keeps
 * the process alive. Returns `undefined` when disabled, so progress costs nothing.
 */
export function startProgress(enabled: boolean, action: string, status: string, stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!enabled) return undefined
  let current = status
  let frame = 0
  let shown = false
  let stopped = false
  let interval: NodeJS.Timeout | undefined
  const draw = (): void => {
    const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80
    const text = `${FRAMES[frame++ % FRAMES.length]} ${action}… ${current}`
    stream.write(`\r\u001B[2K${[...text].slice(0, columns - 1).join('')}`)
  }

  const delay = setTimeout(() => {
    if (stopped) return
    shown = true
    draw()
    interval = setInterval(draw, 120)
    interval.unref()
  }, PROGRESS_DELAY_MS)
  delay.unref()
  return {
    update(next) {
      current = next
    },
    stop() {
      if (stopped) return
      stopped = true
      clearTimeout(delay)
      clearInterval(interval)
      if (shown) stream.write('\r\u001B[2K')
    },
  }
}
