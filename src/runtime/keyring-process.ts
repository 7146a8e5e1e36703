/**
 * The OS keyring in a child process that can be abandoned. `@napi-rs/keyring`'s entry constructor
 * connects to the D-Bus session bus on the calling thread, synchronously; a bus that accepts the
 * connection and never answers (a stale `DBUS_SESSION_BUS_ADDRESS` after an SSH or tmux reattach)
 * blocks that thread in native code for ever. On the main thread that was the whole command, past
 * `--timeout` and `--deadline`.
 *
 * Why a child process and not a `worker_threads` Worker (measured, Node 24, the silent bus of
 * test/integration/keyring-hang.test.ts): with the worker stuck in the constructor, `process.exit()`,
 * a natural exit and `worker.terminate()` all wait for ever, because Node joins worker threads and
 * cannot interrupt native code. A child process is SIGKILLed. It costs one Node start-up per keyring
 * call (README, "Bounds").
 *
 * Hand-written (no library runs a native call out of process with a bound): the child is a few lines
 * of CommonJS given to `node -e`, so it needs no file beside the bundles. The request (with the secret
 * of a write) goes on stdin, never in argv (process lists); the answer is one JSON object on stdout.
 * Every child still running when this process exits is SIGKILLed ('exit' listener), so a command cut
 * by its deadline leaves none behind.
 */
import type {ChildProcessWithoutNullStreams} from 'node:child_process'
import {statSync} from 'node:fs'
import {createRequire} from 'node:module'

import {deadlineReached, requestBudgetMs, type RunDeadline} from '../lib/deadline.js'
import {DeadlineError} from '../lib/errors.js'
import {KeyringUnavailableError, type KeyringLoader} from '../lib/github/keyring.js'
import {envValue} from './environment.js'

/** How long a keyring call of `auth status`, `ghcr ls` and `audit` may take (ms): a few seconds. */
export const KEYRING_READ_TIMEOUT_MS = 5000

/**
 * How long a keyring call of `auth login` / `auth logout` may take (ms): a person may be answering the
 * keyring's unlock prompt.
 */
export const KEYRING_LOGIN_TIMEOUT_MS = 30_000

/** Bytes of the child's answer past which it is refused (a token is at most a few hundred). */
const MAX_ANSWER_BYTES = 64 * 1024

/** The bound of one keyring run: its own timeout, capped by `--timeout` and the run's deadline. */
export type KeyringBound = {timeoutMs: number; deadline?: RunDeadline | undefined}

type Request = {module: string; op: 'get' | 'set' | 'delete'; service: string; account: string; store?: string | undefined; secret?: string}
type Answer = {value?: string | boolean | null; error?: string; load?: boolean}

// The child: reads one request, makes one synchronous call (it has nothing else to do), writes the
// answer, exits. A failure is the library's message, cut short; the parent classifies it.
const CHILD = `'use strict'
let input = ''
process.stdin.setEncoding('utf8').on('data', (c) => { input += c }).on('end', () => {
  const text = (e) => String((e && e.message) || e).slice(0, 2000)
  let answer
  try {
    const req = JSON.parse(input)
    let Entry
    try { ({Entry} = require(req.module)) } catch (e) { answer = {error: text(e), load: true} }
    if (Entry) {
      const entry = req.store ? new Entry(req.service, req.account, {linux: {store: req.store}}) : new Entry(req.service, req.account)
      if (req.op === 'get') answer = {value: entry.getPassword() ?? null}
      else if (req.op === 'set') { entry.setPassword(req.secret); answer = {value: null} }
      else answer = {value: entry.deleteCredential()}
    }
  } catch (e) { answer = {error: text(e)} }
  process.stdout.write(JSON.stringify(answer), () => process.exit(0))
})`

const running = new Set<ChildProcessWithoutNullStreams>()
let exitHookInstalled = false

/** SIGKILLs every keyring child still running when this process exits (a deadline, an error). */
function killOnExit(child: ChildProcessWithoutNullStreams): void {
  running.add(child)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const each of running) each.kill('SIGKILL')
  })
}

/** Where the keyring lives, for the timeout message: the session bus on Linux (no `guid`), else nothing. */
export function keyringLocation(env: {DBUS_SESSION_BUS_ADDRESS?: string | undefined; XDG_RUNTIME_DIR?: string | undefined}, platform = process.platform): string {
  if (platform !== 'linux') return ''
  const address = env.DBUS_SESSION_BUS_ADDRESS?.trim()
  if (address) return ` (D-Bus session bus at ${address.replaceAll(/,?guid=[0-9a-f]*/gi, '').slice(0, 120)})`
  return env.XDG_RUNTIME_DIR ? ` (D-Bus session bus at ${env.XDG_RUNTIME_DIR.slice(0, 100)}/bus)` : ' (D-Bus session bus)'
}

/**
 * True when, on Linux, there is no session bus to ask: `DBUS_SESSION_BUS_ADDRESS` is unset and
 * `$XDG_RUNTIME_DIR/bus` is not a socket. Those are the places libdbus (inside @napi-rs/keyring)
 * looks, and its X11 autolaunch fallback is compiled out ("Using X11 for dbus-daemon autolaunch was
 * disabled at compile time"), so the library would fail with "no Secret Service" too: the caller
 * says so without starting a child (a headless CI run of auth status or audit without a token).
 */
export function noSessionBus(
  env: {DBUS_SESSION_BUS_ADDRESS?: string | undefined; XDG_RUNTIME_DIR?: string | undefined},
  isSocket: (path: string) => boolean,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform !== 'linux' || env.DBUS_SESSION_BUS_ADDRESS?.trim()) return false
  return !(env.XDG_RUNTIME_DIR?.trim() && isSocket(`${env.XDG_RUNTIME_DIR}/bus`))
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket()
  } catch {
    return false
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

/**
 * Runs one request in a child; resolves its answer or rejects with a one-line
 * {@link KeyringUnavailableError} (its own bound, a failed child), or a {@link DeadlineError} when the
 * run's deadline cut it: then the answer is undetermined, and the command says so (exit 3).
 */
async function runChild(request: Request, bound: KeyringBound): Promise<Answer> {
  const {deadline} = bound
  if (deadline?.signal.aborted) throw new DeadlineError('OS keyring', deadline.seconds, `${deadlineReached(deadline.seconds)}; the keyring was not asked`)
  const timeoutMs = requestBudgetMs(bound.timeoutMs, deadline)
  return new Promise<Answer>((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams
    try {
      // node:child_process loads with the first keyring call, not at start-up.
      // NODE_OPTIONS stays behind: the child needs none of it, and a preload that prints would spoil its answer.
      const env = {...process.env}
      delete env['NODE_OPTIONS']
      child = process.getBuiltinModule('node:child_process').spawn(process.execPath, ['-e', CHILD], {stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env})
    } catch (error) {
      reject(new KeyringUnavailableError(`could not start the keyring process: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}`))
      return
    }

    killOnExit(child)
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (outcome: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      deadline?.signal.removeEventListener('abort', onDeadline)
      running.delete(child)
      child.kill('SIGKILL')
      child.stdout.destroy()
      child.stderr.destroy()
      outcome()
    }

    const timer = setTimeout(() => {
      settle(() => reject(new KeyringUnavailableError(`the keyring did not answer within ${seconds(timeoutMs)}${keyringLocation(childEnv())}`)))
    }, timeoutMs)
    const onDeadline = (): void => {
      settle(() => reject(new DeadlineError('OS keyring', deadline?.seconds ?? 0, `${deadlineReached(deadline?.seconds ?? 0)} before the keyring answered`)))
    }

    deadline?.signal.addEventListener('abort', onDeadline, {once: true})
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_ANSWER_BYTES) settle(() => reject(new KeyringUnavailableError(`the keyring process answered more than ${MAX_ANSWER_BYTES} bytes`)))
      else chunks.push(chunk)
    })
    // stderr is drained and dropped: a crash report is no message for the user, and stays off the terminal.
    child.stderr.resume()
    child.on('error', (error) => {
      settle(() => reject(new KeyringUnavailableError(`could not start the keyring process: ${error.message.split('\n')[0]}`)))
    })
    child.on('close', (code, signal) => {
      settle(() => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer)
        } catch {
          reject(new KeyringUnavailableError(`the keyring process failed (${signal ?? `exit ${code}`}) without an answer`))
        }
      })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(JSON.stringify(request))
  })
}

function childEnv(): {DBUS_SESSION_BUS_ADDRESS?: string | undefined; XDG_RUNTIME_DIR?: string | undefined} {
  return {DBUS_SESSION_BUS_ADDRESS: envValue('DBUS_SESSION_BUS_ADDRESS'), XDG_RUNTIME_DIR: envValue('XDG_RUNTIME_DIR')}
}

/**
 * A {@link KeyringLoader} for lib/github/keyring.ts whose `AsyncEntry` runs each call in a child
 * process bounded by `bound`. The native module is located here and loaded only in the child.
 */
export function keyringProcessLoader(bound: KeyringBound): KeyringLoader {
  return async () => {
    const module = createRequire(import.meta.url).resolve('@napi-rs/keyring')
    const call = async (request: Omit<Request, 'module'>): Promise<Answer['value']> => {
      // Pinned to the Secret Service with no bus at all: the library's own failure, without a child.
      if (request.store === 'secret-service' && noSessionBus(childEnv(), isSocket)) {
        throw new Error('no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset and XDG_RUNTIME_DIR has no bus socket')
      }

      const answer = await runChild({...request, module}, bound)
      if (answer.load) throw new KeyringUnavailableError(`cannot load @napi-rs/keyring: ${(answer.error ?? '').split('\n')[0]?.slice(0, 120)}`)
      // The library's own message: lib/github/keyring.ts sorts it (no entry, no Secret Service, locked).
      if (answer.error !== undefined) throw new Error(answer.error)
      return answer.value
    }

    class AsyncEntry {
      readonly #key: {service: string; account: string; store?: string | undefined}
      constructor(service: string, account: string, options?: {linux?: {store?: string}}) {
        this.#key = {service, account, store: options?.linux?.store}
      }

      async getPassword(): Promise<string | null> {
        const value = await call({...this.#key, op: 'get'})
        return typeof value === 'string' ? value : null
      }

      async setPassword(secret: string): Promise<void> {
        await call({...this.#key, op: 'set', secret})
      }

      async deleteCredential(): Promise<boolean> {
        return (await call({...this.#key, op: 'delete'})) !== false
      }
    }

    return {AsyncEntry}
  }
}
