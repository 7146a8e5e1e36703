/**
 * The file system side of the `--insecure-storage` token file (lib/github/token-file.ts says what
 * it is). Hand-written on node:fs because the safety is in the flags: the directory is created
 * 0700 and must be a real directory of this user (a symbolic link planted there is refused, never
 * followed); the file is opened with O_NOFOLLOW, read only when it is a regular file of this
 * user, and written atomically (a 0600 temporary file, opened O_EXCL, synced, then renamed over
 * the old one, so a reader never sees half a token and a planted link is replaced, not followed).
 */
import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {lstat, mkdir, open, rename, unlink} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {describeFileError} from '../lib/errno.js'
import {MAX_TOKEN_FILE_BYTES, parseTokenFile, TokenFileError, tokenDirectory, tokenFileName, type TokenFileStore} from '../lib/github/token-file.js'
import {envValue} from './environment.js'

// Windows has no O_NOFOLLOW; the lstat checks still refuse links there.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

function myUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined
}

/**
 * Checks that `dir` is a real directory of this user. Resolves `false` when it does not exist;
 * a symbolic link or anything else there is a {@link TokenFileError}.
 */
async function checkDirectory(dir: string): Promise<boolean> {
  let info
  try {
    info = await lstat(dir)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false
    throw new TokenFileError(`cannot use ${dir}: ${describeFileError(error)}`, {cause: error})
  }

  if (info.isSymbolicLink()) throw new TokenFileError(`${dir} is a symbolic link: regctl keeps tokens only in a real directory and does not follow it. Remove the link`)
  if (!info.isDirectory()) throw new TokenFileError(`${dir} is not a directory: remove it, or set XDG_CONFIG_HOME elsewhere`)
  const uid = myUid()
  if (uid !== undefined && info.uid !== uid) throw new TokenFileError(`${dir} belongs to another user (uid ${info.uid}): regctl does not keep tokens there`)
  return true
}

/** The token file store under `$XDG_CONFIG_HOME/regctl/` (default `~/.config/regctl/`). */
export function createTokenFileStore(dir: string = tokenDirectory({XDG_CONFIG_HOME: envValue('XDG_CONFIG_HOME')}, envValue('HOME') ?? homedir())): TokenFileStore {
  const pathOf = (host: string): string => join(dir, tokenFileName(host))

  return {
    path: pathOf,

    async read(host) {
      const path = pathOf(host)
      if (!(await checkDirectory(dir))) return undefined
      let handle
      try {
        handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | NOFOLLOW)
      } catch (error) {
        const code = errnoOf(error)
        if (code === 'ENOENT') return undefined
        if (code === 'ELOOP') throw new TokenFileError(`${path} is a symbolic link: regctl does not follow it. Remove it`)
        throw new TokenFileError(`cannot read ${path}: ${describeFileError(error)}`, {cause: error})
      }

      try {
        const info = await handle.stat()
        if (!info.isFile()) throw new TokenFileError(`${path} is not a regular file: remove it`)
        const uid = myUid()
        if (uid !== undefined && info.uid !== uid) throw new TokenFileError(`${path} belongs to another user (uid ${info.uid}): regctl does not read it`)
        if (info.size > MAX_TOKEN_FILE_BYTES) throw new TokenFileError(`${path} is ${info.size} bytes, over the bound of ${MAX_TOKEN_FILE_BYTES}: it does not hold one token`)
        const buffer = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1)
        const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0)
        if (bytesRead > MAX_TOKEN_FILE_BYTES) throw new TokenFileError(`${path} grew past ${MAX_TOKEN_FILE_BYTES} bytes while being read`)
        return {token: parseTokenFile(buffer.subarray(0, bytesRead).toString('utf8'), path), path}
      } finally {
        await handle.close()
      }
    },

    async write(host, token) {
      const path = pathOf(host)
      try {
        // Parents as the user's umask makes them; regctl's own directory 0700 (ignored when it exists).
        await mkdir(join(dir, '..'), {recursive: true})
        await mkdir(dir, {mode: 0o700})
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw new TokenFileError(`cannot create ${dir}: ${describeFileError(error)}`, {cause: error})
      }

      await checkDirectory(dir)
      const temporary = join(dir, `.${tokenFileName(host)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
      let handle
      try {
        handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600)
      } catch (error) {
        throw new TokenFileError(`cannot write in ${dir}: ${describeFileError(error)}`, {cause: error})
      }

      try {
        try {
          await handle.chmod(0o600)
          await handle.writeFile(`${token}\n`, 'utf8')
          await handle.sync()
        } finally {
          await handle.close()
        }

        await rename(temporary, path)
      } catch (error) {
        await unlink(temporary).catch(() => undefined)
        throw error instanceof TokenFileError ? error : new TokenFileError(`cannot write ${path}: ${describeFileError(error)}`, {cause: error})
      }

      return path
    },

    async remove(host) {
      const path = pathOf(host)
      if (!(await checkDirectory(dir))) return false
      try {
        // unlink removes a link itself, never what it points to.
        await unlink(path)
        return true
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return false
        throw new TokenFileError(`cannot remove ${path}: ${describeFileError(error)}`, {cause: error})
      }
    },
  }
}
