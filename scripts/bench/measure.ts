/**
 * How the bench runs one process and what it reads from it. regctl runs are traced with
 * scripts/bench/trace-requests.mjs (undici's diagnostics channels): time to the first request,
 * time from the last response to the process's exit, requests, connections, CPU and peak RSS.
 */
import {spawn} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const TRACE = join(import.meta.dirname, 'trace-requests.mjs')
const TIMEOUT_MS = 10 * 60_000

/** One finished process. Times in milliseconds. */
export type Sample = {
  wallMs: number
  exitCode: number
  stdout: string
  stderr: string
  /** regctl (traced) only: */
  ttfrMs?: number
  /** CPU (user + sys) spent before the first request: steadier than wall time on a loaded machine. */
  cpuFirstMs?: number
  exitLagMs?: number
  requests?: number
  connections?: number
  cpuMs?: number
  maxRssMiB?: number
}

type Trace = {created: number[]; cpuAtFirstRequest: number; connected: unknown[]; completed: number[]; cpuAtExit: number; maxRssKiB: number}

let traceCounter = 0

/** Runs `command args` to its end; with `trace`, `command` is node and the trace is preloaded. */
export async function measure(command: string, args: string[], env: NodeJS.ProcessEnv, options: {trace?: boolean; stdin?: string} = {}): Promise<Sample> {
  const traceFile = join(tmpdir(), `regctl-bench-trace-${process.pid}-${traceCounter++}.json`)
  const fullArgs = options.trace ? ['--import', TRACE, ...args] : args
  const childEnv = options.trace ? {...env, REGCTL_TRACE_FILE: traceFile} : env
  const started = performance.timeOrigin + performance.now()
  const result = await new Promise<{code: number; exited: number; stdout: string; stderr: string}>((resolve, reject) => {
    const child = spawn(command, fullArgs, {env: childEnv, stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let exited = 0
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    child.on('error', reject)
    // 'exit' is the process's end; 'close' also waits for its pipes to drain.
    child.on('exit', () => (exited = performance.timeOrigin + performance.now()))
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? -1, exited, stdout, stderr})
    })
  })
  const sample: Sample = {wallMs: result.exited - started, exitCode: result.code, stdout: result.stdout, stderr: result.stderr}
  if (!options.trace) return sample
  const trace = JSON.parse(await readFile(traceFile, 'utf8')) as Trace
  await rm(traceFile, {force: true})
  const first = trace.created[0]
  const last = trace.completed.length > 0 ? Math.max(...trace.completed) : undefined
  return {
    ...sample,
    ...(first === undefined ? {} : {ttfrMs: first - started, cpuFirstMs: trace.cpuAtFirstRequest}),
    ...(last === undefined ? {} : {exitLagMs: result.exited - last}),
    requests: trace.created.length,
    connections: trace.connected.length,
    cpuMs: trace.cpuAtExit,
    maxRssMiB: trace.maxRssKiB / 1024,
  }
}

/** The median of some numbers (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
