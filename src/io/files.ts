/** Files the user or the CI runner named on the command line or in the environment. */
import {appendFile, readFile} from 'node:fs/promises'

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
