/**
 * Runs a `--jq` expression with jq-wasm (jq 1.8 compiled to WebAssembly; MIT, github.com/owenthereal/jq-wasm),
 * bounded: in a worker thread that is terminated after {@link JQ_TIMEOUT_MS} (an expression such as
 * `repeat(.)` never ends) and whose output past {@link JQ_MAX_OUTPUT} bytes is refused.
 *
 * A run opens one {@link JqSession} before the command does anything (BaseCommand.init): the
 * expression is compiled there, so a bad one is a usage error before any request or credential
 * helper (issue 13); the same worker, with jq-wasm loaded once, then filters the document.
 *
 * Loaded only when `--jq` is used (BaseCommand imports this module lazily): jq-wasm and its 1 MB
 * of wasm are never read by a command without it. The worker's code is a string (`eval`) that
 * requires jq-wasm by the absolute path resolved here, so it works the same from dist/ and from the
 * per-command bundles (scripts/bundle.mjs), which never see jq-wasm.
 */
import {createRequire} from 'node:module'
import {Worker} from 'node:worker_threads'
// Types only: the worker loads jq-wasm itself, so this module costs nothing until --jq runs.
import type {JqResult} from 'jq-wasm'

import {UsageError} from '../lib/errors.js'

/** A jq run (or compile) longer than this is stopped: a usage error, not a hang. */
export const JQ_TIMEOUT_MS = 10_000
/** jq output larger than this is refused (bytes of UTF-16 text; 64 MiB). */
export const JQ_MAX_OUTPUT = 64 * 1024 * 1024

type WorkerAnswer = JqResult | {tooLarge: true} | {failed: string}

// One jq-wasm instance for the worker's life; each message is one jq run. jq compiles the
// expression before it reads its input, and an empty input text has no JSON value to run it on:
// `raw('', expression)` is jq's compile step alone (exit 3 on a compile error, else 0, output
// empty, whatever the expression would do when run: `repeat(.)`, `input`, `halt_error`).
const WORKER = `
const {parentPort, workerData} = require('node:worker_threads')
const {loadJq} = require(workerData.module)
const loading = loadJq()
parentPort.on('message', ({input, expression, maxOutput}) => {
  loading.then((jq) => {
    // -r: strings print raw, as gh's --jq does; other values print as jq prints them.
    const result = jq.raw(input, expression, ['-r'])
    if (result.stdout.length > maxOutput) parentPort.postMessage({tooLarge: true})
    else parentPort.postMessage({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode})
  }, (error) => parentPort.postMessage({failed: String(error && error.message || error)}))
})
`

/** Bounds of a {@link JqSession}'s runs. */
export type JqLimits = {timeoutMs?: number; maxOutput?: number}

/** A jq worker for one expression: compiled by {@link openJq}, then {@link JqSession.run} over documents. */
export type JqSession = {
  /** jq's output for the expression over `json` (a JSON text), as jq -r prints it. */
  run(json: string): Promise<string>
  /** Stops the worker; idempotent. */
  close(): Promise<void>
}

/**
 * Starts a jq worker and compiles `expression` in it (nothing is run). A compile error is a
 * {@link UsageError} with jq's message (exit 2), as is a compile past the time bound; the worker is
 * then stopped. The worker does not keep the process alive between runs.
 */
export async function openJq(expression: string, limits: JqLimits = {}): Promise<JqSession> {
  const timeoutMs = limits.timeoutMs ?? JQ_TIMEOUT_MS
  const maxOutput = limits.maxOutput ?? JQ_MAX_OUTPUT
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {module: createRequire(import.meta.url).resolve('jq-wasm')},
    resourceLimits: {maxOldGenerationSizeMb: 512},
    stdout: true,
    stderr: true,
  })
  worker.unref()
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await worker.terminate()
  }

  const ask = async (input: string): Promise<string> => {
    if (closed) throw new Error('jq session is closed')
    let timer: NodeJS.Timeout | undefined
    let settle: {resolve(answer: WorkerAnswer): void; reject(error: Error): void} | undefined
    const onMessage = (message: WorkerAnswer): void => settle?.resolve(message)
    const onError = (error: Error): void => settle?.reject(new UsageError(`--jq: ${error.message}`))
    const onExit = (code: number): void => settle?.reject(new UsageError(`--jq: jq stopped (exit ${code}) before it answered`))
    worker.once('message', onMessage).once('error', onError).once('exit', onExit)
    worker.ref()
    try {
      const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
        settle = {resolve, reject}
        timer = setTimeout(() => reject(new UsageError(`--jq: the expression ran for over ${timeoutMs / 1000} s and was stopped`)), timeoutMs)
        worker.postMessage({input, expression, maxOutput})
      })
      if ('failed' in answer) throw new Error(`jq-wasm did not load: ${answer.failed}`)
      if ('tooLarge' in answer) throw new UsageError(`--jq: the output is over ${maxOutput / 1024 / 1024} MiB`)
      if (answer.exitCode !== 0) throw new UsageError(`--jq: ${jqMessage(answer.stderr, expression) || `jq exited with status ${answer.exitCode}`}`)
      return answer.stdout
    } catch (error) {
      // A worker that timed out is still running the expression; one that failed is unusable.
      await close()
      throw error
    } finally {
      clearTimeout(timer)
      worker.off('message', onMessage).off('error', onError).off('exit', onExit)
      if (!closed) worker.unref()
    }
  }

  await ask('')
  return {run: ask, close}
}

/**
 * jq's output for `expression` over `json` (a JSON text), as jq -r prints it: {@link openJq} and
 * one run. A compile or run-time error of the expression is a {@link UsageError} with jq's message
 * (exit 2); so are a run past {@link JQ_TIMEOUT_MS} and output past {@link JQ_MAX_OUTPUT}.
 */
export async function runJq(json: string, expression: string, limits: JqLimits = {}): Promise<string> {
  const session = await openJq(expression, limits)
  try {
    return await session.run(json)
  } finally {
    await session.close()
  }
}

/**
 * jq's stderr in one line, without the echoed expression and its caret line:
 * "syntax error, unexpected '|' at <top-level>, line 1, column 7; jq: 1 compile error".
 */
function jqMessage(stderr: string, expression: string): string {
  const echoed = new Set(expression.split('\n').map((line) => line.trim()))
  return stderr
    .split('\n')
    .map((line) => line.trim().replace(/:$/, ''))
    .filter((line) => line !== '' && !/^[\s^~]+$/.test(line) && !echoed.has(line))
    .join('; ')
    .replace(/^jq: error(?: \(at [^)]*\))?: /, '')
}
