/**
 * Runs an oclif command in-process the way the shell would see it: what it printed on stdout and
 * stderr and the exit code it set. Shared by the command tests (test/unit/commands).
 */
import {format} from 'node:util'

import {vi} from 'vitest'

/** The repository root: where oclif finds package.json and the commands. */
const ROOT = new URL('../../../', import.meta.url).pathname

/** What a command run left behind. */
export type CommandOutput = {stdout: string; stderr: string; exitCode: number}

/** An oclif command class (its static `run`), e.g. `GhcrLs`. */
export type RunnableCommand = {run(argv: string[], root: string): Promise<unknown>}

/**
 * Runs `command` with `argv` under `env` (each variable stubbed for the run, `undefined` unsets it;
 * all restored afterwards). oclif's ux.stdout/ux.stderr print through console.log/console.error;
 * direct `process.stdout.write`s count as stdout too. The exit code is `process.exitCode` as the
 * command (BaseCommand.catch) left it, 0 when unset, and is reset after the run. An error the
 * command did not handle is rethrown (the test fails on it) once the spies, the environment and
 * the exit code are restored.
 */
export async function runCommand(command: RunnableCommand, argv: string[], env: Record<string, string | undefined> = {}): Promise<CommandOutput> {
  const stdout: string[] = []
  const stderr: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(`${format(...args)}\n`))
  const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(`${format(...args)}\n`))
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value)
  process.exitCode = undefined
  let exitCode = 0
  try {
    await command.run(argv, ROOT)
  } finally {
    log.mockRestore()
    error.mockRestore()
    write.mockRestore()
    vi.unstubAllEnvs()
    exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0
    // The test runner's own exit code must not inherit the command's.
    process.exitCode = undefined
  }

  return {stdout: stdout.join(''), stderr: stderr.join(''), exitCode}
}
