/** Files the user or the CI runner named on the command line or in the environment. */
import {constants} from 'node:fs'
import {appendFile, open, readFile, stat, writeFile} from 'node:fs/promises'

import type {ReadTextFile} from '../lib/credentials/docker-config.js'
import {describeFileError} from '../lib/errno.js'
import {UsageError} from '../lib/errors.js'
import {readStdin} from './stdin.js'

/**
 * Reads the file a flag names (`--file`, `--images`); with `stdin: true`, `-` means standard
 * input. A file that cannot be read is a usage error naming the flag and the reason in words.
 */
export async function readFlagFile(flag: string, file: string, options: {stdin?: boolean} = {}): Promise<string> {
  try {
    return options.stdin && file === '-' ? await readStdin() : await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${describeFileError(error)}`)
  }
}

/**
 * Appends `text` to `file` (e.g. `$GITHUB_STEP_SUMMARY`). Resolves `undefined` on success, else
 * the reason ("permission denied"…) for a one-line warning: the report itself was delivered.
 */
export async function appendText(file: string, text: string): Promise<string | undefined> {
  try {
    await appendFile(file, text)
    return undefined
  } catch (error) {
    return describeFileError(error)
  }
}

/** The largest credential or config file read (a real `config.json` is a few KiB). */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024

/** What a non-regular file is, for a message: `a FIFO`, `a directory`, `a character device`. */
function kindOf(info: {isFIFO(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean}): string {
  if (info.isFIFO()) return 'a FIFO'
  if (info.isDirectory()) return 'a directory'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Reads a UTF-8 config file: only a regular file, at most {@link MAX_CONFIG_FILE_BYTES}. Opened
 * non-blocking, so a FIFO cannot hang the command, and checked on the open handle (no race with a
 * swap after a stat); `/dev/zero` is refused, not read to the heap's end (issue 12). Rejects with
 * the errno error (`ENOENT`…) or an Error saying what the file is.
 */
export const readTextFile: ReadTextFile = async (path) => {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    // A directory in place of the file: EISDIR, as read(2) would say (docker reads it and fails so).
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
    if (!info.isFile()) throw new Error(`${kindOf(info)}, not a regular file`)
    if (info.size > MAX_CONFIG_FILE_BYTES) throw new Error(`${info.size} bytes, over the bound of ${MAX_CONFIG_FILE_BYTES}`)
    const buffer = Buffer.alloc(Math.min(info.size, MAX_CONFIG_FILE_BYTES) + 1)
    let length = 0
    // The file may grow after the stat: read at most the bound plus one byte to notice it.
    while (length < buffer.length) {
      const {bytesRead} = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }

    if (length > MAX_CONFIG_FILE_BYTES) throw new Error(`over the bound of ${MAX_CONFIG_FILE_BYTES} bytes`)
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    await handle.close()
  }
}

/**
 * Why `path` cannot be audited as a directory, in words (`is a file, not a directory`, `is a
 * symbolic link loop`, `no such directory`), or `undefined` when it is a directory (following
 * symbolic links). Issue 12: a loop or a file is not "no such directory".
 */
export async function directoryProblem(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path)
    if (info.isDirectory()) return undefined
    return info.isFile() ? 'is a file, not a directory' : `is ${kindOf(info)}, not a directory`
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') return 'is a symbolic link loop'
    if (code === 'ENOENT') return 'no such directory'
    if (code === 'ENOTDIR') return 'no such directory (a part of the path is a file)'
    return describeFileError(error)
  }
}

/**
 * Why `path` cannot be read as a file a flag names, in words (`no such file`, `is a directory, not
 * a regular file`, `is a symbolic link loop`), or `undefined` when it is a regular file.
 */
export async function fileProblem(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path)
    return info.isFile() ? undefined : `is ${kindOf(info)}, not a regular file`
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') return 'is a symbolic link loop'
    if (code === 'ENOENT') return 'no such file'
    return describeFileError(error)
  }
}


/**
 * Writes `text` to the file `--output` names. A file that cannot be written is an output error
 * (exit 2) naming the flag and the reason in words, never an internal error.
 */
export async function writeFlagFile(flag: string, file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text)
  } catch (error) {
    throw new UsageError(`cannot write ${flag} ${file}: ${describeFileError(error)}`)
  }
}

/**
 * The oclif manifest shipped in the package root (`npm run build` writes it): what shell completion
 * is generated from. A missing or broken one is a usage error saying to reinstall.
 */
export async function readManifest(root: string): Promise<unknown> {
  const path = `${root.replace(/\/+$/, '')}/oclif.manifest.json`
  try {
    return JSON.parse(await readTextFile(path)) as unknown
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof SyntaxError ? 'not JSON' : describeFileError(error)}; reinstall regctl`)
  }
}

