import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import type {Input, ParserOutput} from '@oclif/core/interfaces'
import {ux} from '@oclif/core/ux'

import {DEADLINE_GRACE_MS, deadlineReached, deadlineSummary} from './lib/deadline.js'
import {inertLine} from './lib/sanitize.js'
import {DeadlineError, ExitCode, isRegctlError, redactText, type ErrorDocument} from './lib/errors.js'
import {readJsonRequest, selectJsonFields, type JsonRequest} from './lib/json-output.js'
import type {OutputStyle, RenderedOutput} from './render/output-style.js'
import {startDeadline, type RunDeadlineControl} from './runtime/deadline.js'
import type {JqSession} from './runtime/jq.js'
import {startSecretGuard} from './runtime/known-secrets.js'
import {outputStyle} from './runtime/terminal.js'

/**
 * `--deadline`: the total time of a run that talks to registries, GitHub or credential helpers
 * (pull-check, ghcr ls, auth status, audit). README "Bounds" gives the worst case.
 */
export const deadlineFlag = Flags.integer({
  description: 'Total seconds the whole run may take: every request, retry and credential helper. Past it, what is unfinished is undetermined (exit 3)',
  min: 1,
  max: 2_147_483,
  env: 'REGCTL_DEADLINE',
  helpGroup: 'GLOBAL',
})

/**
 * Every regctl command extends this. It owns the error → exit-code mapping so that commands stay
 * thin and the exit code stays meaningful under `--json` (unlike `gh auth status --json`).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    // Documentation and completion only: BaseCommand.init reads --json FIELDS and --jq out of argv
    // before oclif parses it (oclif's --json is a boolean; src/lib/json-output.ts).
    json: Flags.boolean({
      description: 'Print JSON: alone, the whole document; --json FIELDS (comma-separated), each item with only those fields, as gh does',
      helpGroup: 'GLOBAL',
    }),
    jq: Flags.string({
      description: 'Filter the JSON output with a jq expression (implies --json); strings print raw',
      helpGroup: 'GLOBAL',
    }),
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
      description: 'Color ✓ ✗ ! on a terminal (off with --no-color, NO_COLOR, TERM=dumb or when piped)',
      helpGroup: 'GLOBAL',
    }),
    verbose: Flags.boolean({
      char: 'v',
      description: 'Print every HTTP request and response (method, URL, status, auth and rate-limit headers, time) on stderr, credentials redacted',
      helpGroup: 'GLOBAL',
    }),
  }

  /** `--json FIELDS` / `--jq EXPR` of this run (set by {@link init}); empty for plain `--json` or none. */
  private jsonRequest: Omit<JsonRequest, 'argv'> = {}
  /** The JSON oclif would have printed, held back for field selection and jq. */
  private heldJson: {value: unknown} | undefined
  /** The `--jq` worker, its expression compiled by {@link init}; undefined without `--jq`. */
  private jqSession: JqSession | undefined

  /**
   * Reads `--json FIELDS` and `--jq EXPR` out of argv (src/lib/json-output.ts) and leaves oclif a
   * plain `--json`, so that `jsonEnabled()` and the returned document work as before. An unknown
   * field, or a jq expression that does not compile, is a usage error here, before any request or
   * credential helper (jq-wasm loads only when `--jq` is given).
   */
  public override async init(): Promise<void> {
    await super.init()
    // Every credential this run loads or is issued is redacted from everything it prints.
    startSecretGuard()
    if (!this.ctor.enableJsonFlag) return
    const takesArguments = Object.keys(this.ctor.args ?? {}).length > 0 || this.ctor.strict === false
    try {
      const {argv, ...request} = readJsonRequest(this.argv, {id: this.id ?? '', takesArguments})
      this.argv = argv
      this.jsonRequest = request
    } catch (error) {
      // Still a JSON run when --json or --jq was given: the error takes that form (catch/fail).
      if (!this.argv.includes('--json')) this.argv = ['--json', ...this.argv]
      this.jsonRequest = {fields: []}
      throw error
    }

    if (this.jsonRequest.jq !== undefined) {
      const {openJq} = await import('./runtime/jq.js')
      this.jqSession = await openJq(this.jsonRequest.jq)
    }
  }

  /**
   * oclif calls this with the document (or the error document) under `--json`. With fields or jq
   * it is held for {@link _run}, which selects and filters it (jq runs asynchronously).
   */
  public override logJson(json: unknown): void {
    if (this.jsonRequest.fields === undefined && this.jsonRequest.jq === undefined) {
      this.printJson(json)
      return
    }

    this.heldJson = {value: json}
  }

  /**
   * oclif's `logJson` output (two-space indented JSON, coloured by the user's theme on a terminal),
   * without its cost when nothing is coloured: `ux.colorizeJson` cuts the whole document into one
   * object per token with a regular expression and joins them back, even when no theme colours a
   * token. For 1,000 images (710 KB of JSON) that pass was most of the run's peak heap (issue 10).
   */
  private printJson(json: unknown): void {
    const theme = this.config.theme?.json
    ux.stdout(theme === undefined ? JSON.stringify(json, null, 2) : ux.colorizeJson(json, {pretty: true, theme}))
  }

  /**
   * The command's run, then `--json FIELDS` / `--jq` applied to its document. The exit code stays
   * the command's verdict; a jq expression that fails is a usage error (exit 2).
   */
  public override async _run<T>(): Promise<T> {
    try {
      return await this.selectHeldJson(await super._run<T>())
    } finally {
      await this.jqSession?.close()
    }
  }

  /** Prints the held `--json` document with `--json FIELDS` and `--jq` applied; returns `result`. */
  private async selectHeldJson<T>(result: T): Promise<T> {
    const held = this.heldJson
    if (held === undefined) return result
    this.heldJson = undefined
    try {
      const {fields, jq} = this.jsonRequest
      const selected = fields === undefined ? held.value : selectJsonFields(this.id ?? '', held.value, fields)
      if (jq === undefined) {
        this.printJson(selected)
      } else {
        // init opened the session; a command that skipped init still gets its jq run.
        if (this.jqSession === undefined) {
          const {openJq} = await import('./runtime/jq.js')
          this.jqSession = await openJq(jq)
        }

        const output = await this.jqSession.run(JSON.stringify(selected))
        if (output !== '') ux.stdout(output.replace(/\n$/, ''))
      }
    } catch (error) {
      if (!isRegctlError(error)) throw error
      this.fail(error.code, error.message, error.exitCode)
    }

    return result
  }

  /** The run's deadline, once {@link startDeadline} ran. */
  protected runDeadline: RunDeadlineControl | undefined

  /** Starts the run's deadline (`--deadline` / `REGCTL_DEADLINE`); a no-op without one. */
  protected startDeadline(seconds: number | undefined): RunDeadlineControl | undefined {
    this.runDeadline?.stop()
    this.runDeadline = startDeadline(seconds)
    return this.runDeadline
  }

  /**
   * When the deadline cut the run: one line on stderr (under `--json` too) saying how much was
   * done, and an exit code that is never 0 — 3 (undetermined) unless a definitive failure (1) was
   * already found. Returns the exit code to use.
   */
  protected settleDeadline<C extends number>(exitCode: C, progress: () => {done: number; total?: number; unit: string}): C | 3 {
    const deadline = this.runDeadline
    deadline?.stop()
    if (deadline === undefined || !deadline.reached()) return exitCode
    ux.stderr(`${this.config.bin}: ${deadlineSummary(deadline.seconds, progress())}`)
    return exitCode === ExitCode.ok ? ExitCode.indeterminate : exitCode
  }

  /**
   * `work` within the run's deadline (as is, without one). Past the deadline and its grace, a
   * {@link DeadlineError} (exit 3) saying `what` did not finish and what is therefore
   * `undetermined` — for commands whose one piece of work cannot report partial progress
   * (`auth login`, `auth logout`: a keyring on a D-Bus that never answers, a GitHub API that stalls).
   */
  protected async boundByDeadline<T>(work: Promise<T>, what: string, undetermined: string): Promise<T> {
    const deadline = this.runDeadline
    if (deadline === undefined) return work
    try {
      return await deadline.bound(work, () => what, DEADLINE_GRACE_MS)
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error
      throw new DeadlineError(error.url, error.seconds, `${deadlineReached(error.seconds)} before ${what} finished (--deadline): ${undetermined}`)
    }
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.runDeadline?.stop()
    return super.finally(error)
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
   * Two rules for every command's arguments, applied here so that no command can forget them:
   * - a repeatable flag takes one value per occurrence (`multipleNonGreedy`), so
   *   `--insecure-registry H IMAGE` leaves IMAGE a positional argument, as docker, gh and crane do;
   * - piped stdin is never taken as a missing argument (`ignoreStdin`; oclif reads stdin for a
   *   missing argument by default): stdin is data only where a flag says so (`-f -`, `auth login`).
   * Then `--verbose` starts the request log (src/runtime/verbose.ts), before any request.
   */
  protected override async parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Input<F, B, A>)
    const flags = Object.fromEntries(
      Object.entries(input.flags ?? {}).map(([name, flag]) => [name, flag.type === 'option' && flag.multiple ? {...flag, multipleNonGreedy: true} : flag]),
    )
    const baseFlags = Object.fromEntries(
      Object.entries(input.baseFlags ?? {}).map(([name, flag]) => [name, flag.type === 'option' && flag.multiple ? {...flag, multipleNonGreedy: true} : flag]),
    )
    const args = Object.fromEntries(Object.entries(input.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
    const parsed = await super.parse({...input, flags, baseFlags, args} as Input<F, B, A>, argv)
    if ((parsed.flags as {verbose?: unknown}).verbose === true) {
      const {startVerbose} = await import('./runtime/verbose.js')
      startVerbose((line) => process.stderr.write(`${this.config.bin}: ${line}\n`))
    }

    return parsed
  }

  /**
   * Every `--json` document carries the exit code of the run (the README's exit-code contract):
   * a script that reads the document need not also capture `$?`. Commands set `process.exitCode`
   * from their result before returning it.
   */
  protected override toSuccessJson(result: unknown): unknown {
    if (result === null || typeof result !== 'object' || Array.isArray(result)) return result
    const exitCode = typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok
    return {...result, exitCode}
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
      const id = this.id === undefined ? '' : ` ${this.id.replaceAll(':', ' ')}`
      this.fail('USAGE', oneLineUsageError(error.message), oclifExit === 2 ? ExitCode.usage : ExitCode.failure, ` (${this.config.bin}${id} --help shows the usage)`)
      return
    }

    if (process.env['DEBUG']) this.logToStderr(error.stack ?? String(error))
    this.fail('INTERNAL', `internal error: ${error.message} (set DEBUG=1 for details)`, ExitCode.internal)
  }

  /** One line on stderr, or under `--json` the error document (with the exit code, like every document). */
  private fail(code: ErrorDocument['error']['code'], message: string, exitCode: ErrorDocument['exitCode'], humanHint = ''): void {
    // An error may quote a server, a helper or an input: one inert line (no escapes, no line that
    // could start a workflow command).
    const safe = inertLine(redactText(message))
    // With --json FIELDS or --jq a script reads items or jq's output from stdout, never an error
    // document: the error is one line on stderr, as gh does.
    if (this.jsonEnabled() && this.jsonRequest.fields === undefined && this.jsonRequest.jq === undefined) {
      // this.log is silenced under --json; the error document is the JSON output.
      const document: ErrorDocument = {exitCode, error: {code, message: safe}}
      ux.stdout(JSON.stringify(document, null, 2))
    } else {
      // ux.stderr: oclif mutes logToStderr under --json, which --json FIELDS and --jq still are.
      ux.stderr(`${this.config.bin}: ${safe}${humanHint}`)
    }

    process.exitCode = exitCode
  }
}

/**
 * oclif's parse errors span several lines ("Missing 1 required arg:\nprovider  What…\nSee more
 * help with --help"). A message is one line: the parts are joined, oclif's help pointer is dropped
 * (it would also land inside a JSON error document) and a shorter one is added for people.
 */
export function oneLineUsageError(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim().replaceAll(/\s{2,}/g, ' '))
    .filter((line) => line !== '' && !/^See more help with/i.test(line))
  let text = ''
  for (const line of lines) text = text === '' ? line : text.endsWith(':') ? `${text} ${line}` : `${text}; ${line}`
  return text
}
