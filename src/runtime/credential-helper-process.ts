/**
 * The credential helper process: the runner the credential library is given (`child_process.spawn`),
 * and docker's default-store detection from `PATH`. Nothing here runs at import time, and
 * nothing reads the process environment: callers pass it in.
 */
import type {ChildProcessWithoutNullStreams} from 'node:child_process'
import {constants as fsConstants} from 'node:fs'
import {access} from 'node:fs/promises'
import {delimiter, join} from 'node:path'

import {deadlineReached, requestBudgetMs, type RunDeadline} from '../lib/deadline.js'
import {helperProgram, type HelperRunner, type HelperRunResult} from '../lib/credentials/helper.js'

/** Output beyond this (per stream) makes the run fail: helpers print one small JSON object. */
export const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024

/** After the helper exits, how long its pipes may still deliver buffered output (ms). */
const EXIT_DRAIN_MS = 250

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), {code})
}

/**
 * Runs a credential helper: writes `input` to its stdin, collects stdout and stderr (each capped at
 * {@link MAX_HELPER_OUTPUT_BYTES}), and SIGKILLs it after `timeoutMs` — a helper waiting on a
 * locked keychain or an absent D-Bus must not hang regctl. Resolves, never rejects: a missing
 * program resolves `error.code === 'ENOENT'`, a timeout `ETIMEDOUT`, too much output
 * `ERR_OUTPUT_LIMIT`.
 */
export const runHelperProcess: HelperRunner = (program, args, input, options) =>
  new Promise<HelperRunResult>((resolve) => {

    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    const sizes = {stdout: 0, stderr: 0}
    let settled = false
    let failure: NodeJS.ErrnoException | undefined

    let child: ChildProcessWithoutNullStreams
    try {
      // node:child_process loads with the first helper, not at start-up (issue 10): most runs
      // read a config without helpers and never spawn one.
      child = process.getBuiltinModule('node:child_process').spawn(program, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        ...(options.env ? {env: options.env} : {}),
      })
    } catch (error) {
      // spawn throws synchronously on invalid arguments (a NUL byte in the program name…).
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'ERR_SPAWN'
      resolve({exitCode: null, stdout: '', stderr: '', error: errnoError(code, `could not start ${program}`)})
      return
    }

    // `abort` is defined below; the timer cannot fire before this callback returns.
    const timer = setTimeout(() => {
      abort(errnoError('ETIMEDOUT', `${program} timed out after ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    let drain: NodeJS.Timeout | undefined

    const finish = (exitCode: number | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (drain) clearTimeout(drain)
      const result: HelperRunResult = {
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }
      if (failure) result.error = failure
      resolve(result)
    }

    // Stop the process and settle at once: a grandchild holding the pipes open must not keep us
    // waiting for 'close'.
    const abort = (error: NodeJS.ErrnoException): void => {
      failure ??= error
      child.kill('SIGKILL')
      child.stdout.destroy()
      child.stderr.destroy()
      finish(null)
    }

    const collect = (name: 'stdout' | 'stderr', chunks: Buffer[]) => (chunk: Buffer) => {
      sizes[name] += chunk.length
      if (sizes[name] > MAX_HELPER_OUTPUT_BYTES) {
        abort(errnoError('ERR_OUTPUT_LIMIT', `${program} printed more than ${MAX_HELPER_OUTPUT_BYTES} bytes on ${name}`))
        return
      }

      chunks.push(chunk)
    }

    child.stdout.on('data', collect('stdout', stdout))
    child.stderr.on('data', collect('stderr', stderr))
    child.on('error', (error: NodeJS.ErrnoException) => {
      // ENOENT and EACCES arrive here; no 'exit' follows a failed spawn.
      failure ??= error
      finish(null)
    })
    // The helper's exit is what counts, not its pipes' close: a grandchild it left behind may hold
    // them open for ever (issue 12). Output already written is drained for a moment, then dropped.
    child.on('exit', (code) => {
      drain = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        finish(code)
      }, EXIT_DRAIN_MS)
    })
    child.on('close', (code) => finish(code))
    // A helper that exits without reading stdin makes our write fail with EPIPE: its exit status
    // and output tell what happened, so the write error itself is not interesting.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })

/**
 * A {@link runHelperProcess} for one command run, within its `deadline`, that gives each helper one timeout: `auth
 * status` asks a helper for `list` and then `get`, and a hanging helper cost both timeouts
 * (issue 12). After a helper timed out, its later calls fail at once.
 */
export function createHelperRunner(run: HelperRunner = runHelperProcess, deadline?: RunDeadline): HelperRunner {
  const timedOut = new Set<string>()
  return async (program, args, input, options) => {
    if (timedOut.has(program)) {
      return {exitCode: null, stdout: '', stderr: '', error: errnoError('ETIMEDOUT', `${program} timed out earlier in this run; not asked again`)}
    }

    // The run's --deadline bounds the helpers too: none starts past it, none runs beyond it.
    if (deadline?.signal.aborted) return {exitCode: null, stdout: '', stderr: '', error: errnoError('ETIMEDOUT', `${program} not run: ${deadlineReached(deadline.seconds)}`)}
    const result = await run(program, args, input, {...options, timeoutMs: requestBudgetMs(options.timeoutMs, deadline)})
    if (deadline?.signal.aborted && result.error?.code === 'ETIMEDOUT') {
      return {...result, error: errnoError('ETIMEDOUT', `${program} stopped: ${deadlineReached(deadline.seconds)}`)}
    }

    if (result.error?.code === 'ETIMEDOUT') timedOut.add(program)
    return result
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds `program` in a `PATH` value like `exec.LookPath`; resolves its full path or `undefined`.
 * Every directory is checked at once and the first one in PATH order that holds it wins: one round
 * of `access()` calls instead of one awaited call per directory, before the first request (issue 10).
 */
export async function lookPath(program: string, pathEnv: string | undefined): Promise<string | undefined> {
  const candidates = (pathEnv ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, program))
  const executable = await Promise.all(candidates.map(isExecutable))
  return candidates[executable.indexOf(true)]
}

/**
 * docker/cli `credentials.DetectDefaultStore` (cli/config/credentials/default_store.go and
 * default_store_linux.go, unchanged from v28.2.2 to v29.7.2): on Linux the candidate is `pass` when
 * a `pass` binary is in PATH (`exec.LookPath("pass")`; docker has not run pass to see whether it is
 * initialised since docker/cli 056015c3d8, 2018), else `secretservice`; it is the default store only
 * if `docker-credential-<candidate>` is in PATH too. macOS: `osxkeychain`; Windows: `wincred`.
 *
 * Looked up once per process for a PATH and platform: audit's credentials and images parts both ask,
 * before their first requests.
 */
export async function detectDefaultCredsStore(options: {pathEnv: string | undefined; platform: NodeJS.Platform}): Promise<string | undefined> {
  const key = `${options.platform}\u0000${options.pathEnv ?? ''}`
  let detected = defaultStores.get(key)
  if (detected === undefined) {
    detected = detectDefaultStore(options)
    defaultStores.set(key, detected)
  }

  return detected
}

/** {@link detectDefaultCredsStore}'s answers, by platform and PATH. */
const defaultStores = new Map<string, Promise<string | undefined>>()

async function detectDefaultStore(options: {pathEnv: string | undefined; platform: NodeJS.Platform}): Promise<string | undefined> {
  const found = async (candidate: string) => (await lookPath(helperProgram(candidate) + (options.platform === 'win32' ? '.exe' : ''), options.pathEnv)) !== undefined
  if (options.platform === 'darwin') return (await found('osxkeychain')) ? 'osxkeychain' : undefined
  if (options.platform === 'win32') return (await found('wincred')) ? 'wincred' : undefined
  if (options.platform !== 'linux') return undefined
  // The three lookups at once; the answer is docker's: pass when `pass` is in PATH, else secretservice.
  const [pass, passHelper, secretserviceHelper] = await Promise.all([lookPath('pass', options.pathEnv), found('pass'), found('secretservice')])
  if (pass !== undefined) return passHelper ? 'pass' : undefined
  return secretserviceHelper ? 'secretservice' : undefined
}
