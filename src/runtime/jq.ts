/**
 * Runs a `--jq` expression with jq-wasm (jq 1.8 compiled to WebAssembly; MIT, github.com/owenthereal/jq-wasm),
 * bounded: in a worker thread that is terminated after {@link JQ_TIMEOUT_MS} (an expression such as
 * `repeat(.)` never ends) and whose output past {@link JQ_MAX_OUTPUT} bytes is refused.
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

/** A jq run longer than this is stopped: a usage error, not a hang. */
export const JQ_TIMEOUT_MS = 10_000
/** jq output larger than this is refused (bytes of UTF-16 text; 64 MiB). */
export const JQ_MAX_OUTPUT = 64 * 1024 * 1024

type WorkerAnswer = JqResult | {tooLarge: true} | {failed: string}

const WORKER = `
const {parentPort, workerData} = require('node:worker_threads')
const {loadJq} = require(workerData.module)
loadJq().then((jq) => {
  // -r: strings print raw, as gh's --jq does; other values print as jq prints them.
  const result = jq.raw(workerData.input, workerData.expression, ['-r'])
  if (result.stdout.length > workerData.maxOutput) parentPort.postMessage({tooLarge: true})
  else parentPort.postMessage({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode})
}, (error) => parentPort.postMessage({failed: String(error && error.message || error)}))
`

/**
 * jq's output for `expression` over `json` (a JSON text), as jq -r prints it. A compile or run-time
 * error of the expression is a {@link UsageError} with jq's message (exit 2); so are a run past
 * {@link JQ_TIMEOUT_MS} and output past {@link JQ_MAX_OUTPUT}.
 */
export async function runJq(json: string, expression: string, limits: {timeoutMs?: number; maxOutput?: number} = {}): Promise<string> {
  const timeoutMs = limits.timeoutMs ?? JQ_TIMEOUT_MS
  const maxOutput = limits.maxOutput ?? JQ_MAX_OUTPUT
  const module = createRequire(import.meta.url).resolve('jq-wasm')
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {module, input: json, expression, maxOutput},
    resourceLimits: {maxOldGenerationSizeMb: 512},
    stdout: true,
    stderr: true,
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
      timer = setTimeout(() => reject(new UsageError(`--jq: the expression ran for over ${timeoutMs / 1000} s and was stopped`)), timeoutMs)
      worker.once('message', (message: WorkerAnswer) => resolve(message))
      worker.once('error', (error) => reject(new UsageError(`--jq: ${error.message}`)))
      worker.once('exit', (code) => reject(new UsageError(`--jq: jq stopped (exit ${code}) before it answered`)))
    })
    if ('failed' in answer) throw new Error(`jq-wasm did not load: ${answer.failed}`)
    if ('tooLarge' in answer) throw new UsageError(`--jq: the output is over ${maxOutput / 1024 / 1024} MiB`)
    if (answer.exitCode !== 0) throw new UsageError(`--jq: ${jqMessage(answer.stderr, expression) || `jq exited with status ${answer.exitCode}`}`)
    return answer.stdout
  } finally {
    clearTimeout(timer)
    await worker.terminate()
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
