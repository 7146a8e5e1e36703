/**
 * Child-process helpers: run a CLI to completion with a time limit, pick free loopback ports, and
 * make sure long-running children (the registries) die with the harness process.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import net from 'node:net'

/** The result of {@link run}. */
export type RunResult = {code: number | null; stdout: Buffer; stderr: string}

/**
 * Run `command args…` and buffer its output. Rejects when it exits non-zero (unless
 * `allowFailure`) or runs past `timeoutMs` (then it is killed).
 */
export function run(
  command: string,
  args: readonly string[],
  options: {timeoutMs?: number; allowFailure?: boolean; env?: NodeJS.ProcessEnv; cwd?: string} = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : {cwd: options.cwd}),
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const result = {code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8')}
      if (timedOut) {
        reject(new Error(`${command} ${args[0] ?? ''} timed out after ${timeoutMs} ms\n${result.stderr}`))
      } else if (code !== 0 && options.allowFailure !== true) {
        reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}\n${result.stderr}`))
      } else {
        resolve(result)
      }
    })
  })
}

/** Ask the kernel for a free TCP port on `host` (bind to port 0, read it back, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))))
    })
  })
}

const children = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Track a long-running child so that it is SIGKILLed if the harness process exits without calling
 * `stop()` (a crashed test run must not leave registries bound to ports).
 */
export function trackChild(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL')
    })
  }
}

/** Stop a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Sleep (bounded waits in polling loops). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Run `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const lanes = Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await worker(items[index] as T, index)
    }
  })
  await Promise.all(lanes)
  return results
}
