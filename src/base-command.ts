import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import {ux} from '@oclif/core/ux'

import {ExitCode, isRegctlError, redactText, type ErrorDocument} from './lib/errors.js'
import type {OutputStyle, RenderedOutput} from './render/output-style.js'
import {outputStyle} from './runtime/terminal.js'

/**
 * Every regctl command extends this. It owns the error → exit-code mapping so that commands stay
 * thin and the exit code stays meaningful under `--json` (unlike `gh auth status --json`).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    timeout: Flags.integer({
      description: 'Per-request timeout in seconds',
      default: 30,
      min: 1,
      // Node's timers hold at most 2^31-1 ms; above that every request would time out at once.
      max: 2_147_483,
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Colour ✓ ✗ ! on a terminal (off with --no-color, NO_COLOR, TERM=dumb or when piped)',
      helpGroup: 'GLOBAL',
    }),
  }

  /** How human output looks on this stdout (a terminal or a pipe), given `--[no-]color`. */
  protected outputStyle(flags: {color: boolean}): OutputStyle {
    return outputStyle(flags)
  }

  /**
   * Prints a rendered report: the body on stdout; the footer (notes, summary, quota) on stdout on
   * a terminal, on stderr in a pipe so that stdout holds only rows. Silent under `--json`.
   */
  protected printRendered(rendered: RenderedOutput, style: OutputStyle): void {
    if (rendered.body !== '') this.log(rendered.body)
    if (rendered.footer === '') return
    if (style.tty) this.log(rendered.footer)
    else this.logToStderr(rendered.footer)
  }

  /**
   * Known errors (the lib/errors model) become one clear line and their stable exit code; under
   * `--json` they become `{"error": {"code", "message"}}` on stdout. oclif's own usage errors
   * keep exit code 2. Anything else is a bug: one line, the stack only with DEBUG set.
   */
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (isRegctlError(error)) {
      this.fail(error.code, error.message, error.exitCode)
      return
    }

    // oclif exits (this.exit(n)) and help requests pass through untouched.
    if (error instanceof Errors.ExitError || error.message?.startsWith('EEXIT')) throw error
    const oclifExit = error.oclif?.exit
    if (oclifExit !== undefined) {
      // Flag/argument parsing problems: oclif marks them with exit 2.
      this.fail('USAGE', error.message, oclifExit === 2 ? ExitCode.usage : oclifExit)
      return
    }

    if (process.env['DEBUG']) this.logToStderr(error.stack ?? String(error))
    this.fail('INTERNAL', `internal error: ${error.message} (set DEBUG=1 for details)`, ExitCode.failure)
  }

  private fail(code: ErrorDocument['error']['code'], message: string, exitCode: number): void {
    const safe = redactText(message)
    if (this.jsonEnabled()) {
      // this.log is silenced under --json; the error document is the JSON output.
      const document: ErrorDocument = {error: {code, message: safe}}
      ux.stdout(JSON.stringify(document, null, 2))
    } else {
      this.logToStderr(`${this.config.bin}: ${safe}`)
    }

    process.exitCode = exitCode
  }
}
