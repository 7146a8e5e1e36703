/**
 * The OS keyring as a {@link KeyringReader}, through `@napi-rs/keyring` (macOS Keychain, Windows
 * Credential Manager, the Secret Service on Linux). The native module is loaded on first use so
 * that commands which never consult the keyring do not pay for it, and so that a platform without
 * a prebuilt binary degrades to "keyring unavailable" instead of a crash at start-up.
 */
import type {KeyringReader} from './token.js'

type KeyringModule = {
  AsyncEntry: new (service: string, account: string) => {getPassword(): Promise<string | null | undefined>}
}

/** Thrown (and turned into a note by `resolveGitHubToken`) when the keyring cannot be used. */
export class KeyringUnavailableError extends Error {
  constructor(detail: string, options?: {cause?: unknown}) {
    super(detail, options)
    this.name = 'KeyringUnavailableError'
  }
}

/**
 * Creates a reader over the OS keyring. `load` is injectable for tests; it defaults to a dynamic
 * import of `@napi-rs/keyring`. A missing Secret Service (no D-Bus session, headless CI) rejects
 * with a one-line {@link KeyringUnavailableError}.
 */
export function createKeyringReader(load: () => Promise<unknown> = () => import('@napi-rs/keyring')): KeyringReader {
  return async (service, account) => {
    let mod: KeyringModule
    try {
      mod = toKeyringModule(await load())
    } catch (error) {
      throw new KeyringUnavailableError(`cannot load @napi-rs/keyring: ${firstLine(error)}`, {cause: error})
    }

    try {
      const secret = await new mod.AsyncEntry(service, account).getPassword()
      return secret ?? undefined
    } catch (error) {
      const line = firstLine(error)
      // The Secret Service answers "no such item" as an error on some versions: that is "no entry".
      if (/no (matching )?entry|not found/i.test(line)) return undefined
      throw new KeyringUnavailableError(line, {cause: error})
    }
  }
}

function toKeyringModule(value: unknown): KeyringModule {
  const candidate = value as {AsyncEntry?: unknown; default?: {AsyncEntry?: unknown}} | null
  const ctor = candidate?.AsyncEntry ?? candidate?.default?.AsyncEntry
  if (typeof ctor !== 'function') throw new Error('module has no AsyncEntry export')
  return {AsyncEntry: ctor as KeyringModule['AsyncEntry']}
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]?.trim() || 'unknown error'
}
