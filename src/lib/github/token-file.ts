/**
 * The plain-text token file of `regctl auth login github --insecure-storage`, gh's fallback for a
 * machine without a keyring (cli/cli `--insecure-storage`, which writes `oauth_token` to
 * hosts.yml): one file per GitHub host, `github-token-HOST`, mode 0600, in
 * `$XDG_CONFIG_HOME/regctl/` (default `~/.config/regctl/`). This module names the files and
 * checks what is read; src/runtime/token-file.ts does the file system work. Pure.
 */
import {ExitCode, RegctlError} from '../errors.js'

/** The store behind `--insecure-storage`: read by token resolution, written by login, removed by logout. */
export type TokenFileStore = {
  /** Where the token of `host` is, or would be, stored. */
  path(host: string): string
  /** The token of `host` and its path; `undefined` when there is no file. */
  read(host: string): Promise<{token: string; path: string} | undefined>
  /** Creates or replaces the file (0600, atomically); resolves its path. */
  write(host: string, token: string): Promise<string>
  /** Removes the file; resolves `false` when there was none. */
  remove(host: string): Promise<boolean>
}

/**
 * Thrown when the token file or its directory cannot be used safely or at all: a symbolic link
 * where the directory or the file should be (regctl never follows one there), a file of another
 * user, something other than one token inside, or an I/O failure. Exit 2 (I/O). One line, never
 * the file's content.
 */
export class TokenFileError extends RegctlError {
  readonly code = 'TOKEN_FILE'
  readonly exitCode = ExitCode.usage
}

/** Longest file accepted: one token (MAX_TOKEN_LENGTH in login.ts) and a line break, with room. */
export const MAX_TOKEN_FILE_BYTES = 8192

/** `$XDG_CONFIG_HOME/regctl`, else `HOME/.config/regctl` (the XDG Base Directory default). */
export function tokenDirectory(env: {XDG_CONFIG_HOME?: string | undefined}, home: string): string {
  // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : `${home.replace(/\/+$/, '')}/.config`
  return `${base.replace(/\/+$/, '')}/regctl`
}

/**
 * The file name of a host's token: `github-token-github.com`, `github-token-ghe.example.com_8443`.
 * Only a plain host name (and port) is accepted, so the name can never leave the directory.
 */
export function tokenFileName(host: string): string {
  const name = host.toLowerCase()
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/.test(name) || name.includes('..')) {
    throw new TokenFileError(`cannot name a token file for the host ${JSON.stringify(host.slice(0, 80))}: not a plain host name`)
  }

  return `github-token-${name.replace(':', '_')}`
}

/** The token in a token file's text: exactly one printable token, else a {@link TokenFileError} that names only the path. */
export function parseTokenFile(text: string, path: string): string {
  const token = text.trim()
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) throw new TokenFileError(`${path} does not hold one token: remove it (regctl auth logout github) and log in again`)
  return token
}
