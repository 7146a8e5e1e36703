/** Files the user or the CI runner named on the command line or in the environment. */
import {appendFile, readFile, stat} from 'node:fs/promises'

import type {ReadTextFile} from '../lib/credentials/docker-config.js'
import {UsageError} from '../lib/errors.js'
import {readStdin} from './stdin.js'

/**
 * Reads the file a flag names (`--file`, `--images`); with `stdin: true`, `-` means standard
 * input. A file that cannot be read is a usage error naming the flag and the error code.
 */
export async function readFlagFile(flag: string, file: string, options: {stdin?: boolean} = {}): Promise<string> {
  try {
    return options.stdin && file === '-' ? await readStdin() : await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/**
 * Appends `text` to `file` (e.g. `$GITHUB_STEP_SUMMARY`). Resolves `undefined` on success, else
 * the reason (the error code, `EACCES`…) for a one-line warning: the report itself was delivered.
 */
export async function appendText(file: string, text: string): Promise<string | undefined> {
  try {
    await appendFile(file, text)
    return undefined
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error)
  }
}

/** Reads a UTF-8 file (`fs.promises.readFile`); rejects with the errno error, e.g. `ENOENT`. */
export const readTextFile: ReadTextFile = (path) => readFile(path, 'utf8')

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return Boolean((await stat(path).catch(() => undefined))?.isDirectory())
}

/** True when `path` is an existing regular file. */
export async function isFile(path: string): Promise<boolean> {
  return Boolean((await stat(path).catch(() => undefined))?.isFile())
}
