/**
 * The OS keyring through `@napi-rs/keyring` (macOS Keychain, Windows Credential Manager, the
 * Secret Service on Linux): a {@link KeyringReader} for token resolution and a
 * {@link KeyringStore} that `regctl auth login github` / `logout github` write with. The native
 * module is loaded on first use so that commands which never consult the keyring do not pay for
 * it, and so that a platform without a prebuilt binary degrades to "keyring unavailable" instead
 * of a crash at start-up.
 *
 * On Linux the entries are pinned to the Secret Service. Left to itself, @napi-rs/keyring falls
 * back to the kernel keyring (keyutils) when there is no D-Bus session: a token stored there is
 * gone at the next login or reboot, and reads there would never see what `auth login` wrote. So
 * without a Secret Service, reading and writing both fail with {@link KeyringUnavailableError}
 * (one short line, {@link describeKeyringFailure}) and the caller offers GH_TOKEN or
 * `auth login github --insecure-storage`. Other platforms ignore the option.
 *
 * The runtime loads a stand-in whose calls run in a child process with a bound
 * (src/runtime/keyring-process.ts): a D-Bus session bus that never answers blocks the native
 * constructor for ever. Its {@link KeyringUnavailableError} ("did not answer within 5 s") passes
 * through unchanged.
 */
import {DeadlineError, ExitCode, RegctlError} from '../errors.js'

/** Reads one secret from the OS keyring; resolves `undefined` when there is no entry. */
export type KeyringReader = (service: string, account: string) => Promise<string | undefined>

type KeyringEntry = {
  getPassword(): Promise<string | null | undefined>
  setPassword?(password: string): Promise<void>
  deleteCredential?(): Promise<boolean>
  deletePassword?(): Promise<boolean>
}

type EntryOptions = {linux?: {store?: 'secret-service' | 'keyutils'}}

type KeyringModule = {
  AsyncEntry: new (service: string, account: string, options?: EntryOptions) => KeyringEntry
}

/** Loads `@napi-rs/keyring` (or a stand-in, in tests). */
export type KeyringLoader = () => Promise<unknown>

/** Which Linux store entries live in; `auto` is the library's own choice (Secret Service, else keyutils). */
export type LinuxKeyringStore = 'secret-service' | 'keyutils' | 'auto'

/** Options of {@link createKeyringReader} and {@link createKeyringStore}. */
export type KeyringOptions = {
  /** Default `secret-service` (see the module comment). */
  linuxStore?: LinuxKeyringStore
}

/** Reads, writes and deletes one secret per (service, account) in the OS keyring. */
export type KeyringStore = {
  /** Resolves `undefined` when there is no entry. */
  get: KeyringReader
  /** Creates or replaces the entry. */
  set(service: string, account: string, secret: string): Promise<void>
  /** Removes the entry; resolves `false` when there was none (idempotent). */
  delete(service: string, account: string): Promise<boolean>
}

/**
 * Thrown when the keyring cannot be used: the native module does not load, there is no Secret
 * Service on the session bus (no D-Bus session, headless CI), the keyring is locked, or the
 * store refuses. `resolveGitHubToken` turns it into a note; `auth login`/`logout` fail with it
 * (exit 1). The message is one line and never holds a secret.
 */
export class KeyringUnavailableError extends RegctlError {
  readonly code = 'KEYRING_UNAVAILABLE'
  readonly exitCode = ExitCode.failure
}

const defaultLoader: KeyringLoader = () => import('@napi-rs/keyring')

/**
 * Creates a reader over the OS keyring. `load` is injectable for tests; it defaults to a dynamic
 * import of `@napi-rs/keyring`. A missing Secret Service (no D-Bus session, headless CI) rejects
 * with a one-line {@link KeyringUnavailableError}.
 */
export function createKeyringReader(load: KeyringLoader = defaultLoader, options: KeyringOptions = {}): KeyringReader {
  return createKeyringStore(load, options).get
}

/** Creates a {@link KeyringStore} over the OS keyring (lazily loaded, like the reader). */
export function createKeyringStore(load: KeyringLoader = defaultLoader, options: KeyringOptions = {}): KeyringStore {
  const linuxStore = options.linuxStore ?? 'secret-service'
  const entryOptions: EntryOptions | undefined = linuxStore === 'auto' ? undefined : {linux: {store: linuxStore}}
  let loaded: Promise<KeyringModule> | undefined

  const entry = async (service: string, account: string): Promise<KeyringEntry> => {
    let mod: KeyringModule
    try {
      mod = await (loaded ??= load().then(toKeyringModule))
    } catch (error) {
      loaded = undefined
      throw new KeyringUnavailableError(`cannot load @napi-rs/keyring: ${firstLine(error).slice(0, 120)}`, {cause: error})
    }

    try {
      // The constructor itself throws when the pinned store is unreachable (no D-Bus session).
      return entryOptions ? new mod.AsyncEntry(service, account, entryOptions) : new mod.AsyncEntry(service, account)
    } catch (error) {
      throw unavailable(error)
    }
  }

  return {
    async get(service, account) {
      const item = await entry(service, account)
      try {
        const secret = await item.getPassword()
        return secret ?? undefined
      } catch (error) {
        // The Secret Service answers "no such item" as an error on some versions: that is "no entry".
        if (!(error instanceof RegctlError) && isNoEntry(error)) return undefined
        throw unavailable(error)
      }
    },

    async set(service, account, secret) {
      const item = await entry(service, account)
      if (typeof item.setPassword !== 'function') throw new KeyringUnavailableError('this @napi-rs/keyring cannot store secrets (no setPassword)')
      try {
        await item.setPassword(secret)
      } catch (error) {
        throw unavailable(error)
      }
    },

    async delete(service, account) {
      const item = await entry(service, account)
      const remove = item.deleteCredential ?? item.deletePassword
      if (typeof remove !== 'function') throw new KeyringUnavailableError('this @napi-rs/keyring cannot delete secrets (no deleteCredential)')
      try {
        // @napi-rs/keyring 2 resolves false when there was nothing to delete; older versions reject
        // with "No matching entry".
        return (await remove.call(item)) !== false
      } catch (error) {
        if (!(error instanceof RegctlError) && isNoEntry(error)) return false
        throw unavailable(error)
      }
    },
  }
}

/** Why the keyring could not be used, in the words a user acts on. */
export type KeyringFailure = 'no-secret-service' | 'locked' | 'other'

/**
 * One short line for a keyring failure, without the D-Bus internals (socket paths, autolaunch,
 * service files: they are in the error's `cause`): "no Secret Service is running (a headless
 * machine?)" or "the keyring is locked". Anything else keeps the library's first line, cut short.
 */
export function describeKeyringFailure(error: unknown): string {
  const failure = classifyKeyringFailure(error)
  if (failure === 'no-secret-service') return 'no Secret Service is running (a headless machine?)'
  if (failure === 'locked') return 'the keyring is locked'
  return firstLine(error).slice(0, 120)
}

/** Sorts a failure of `@napi-rs/keyring` by what the user can do about it. */
export function classifyKeyringFailure(error: unknown): KeyringFailure {
  const line = firstLine(error).slice(0, 400)
  if (
    /DBUS_SESSION_BUS_ADDRESS|dbus-daemon autolaunch|Failed to connect to socket|Unable to autolaunch|no such file or directory.*bus|org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service files/i.test(line)
  ) {
    return 'no-secret-service'
  }

  return /locked|prompt|dismissed|cancel/i.test(line) ? 'locked' : 'other'
}

/**
 * A failure of the store as a {@link KeyringUnavailableError}. One already (the runtime's keyring
 * process did not answer in time) passes as is, and so does a {@link DeadlineError}: the run's
 * deadline cut the call, whose outcome is then undetermined (exit 3), not a missing keyring.
 */
function unavailable(error: unknown): KeyringUnavailableError | DeadlineError {
  if (error instanceof KeyringUnavailableError || error instanceof DeadlineError) return error
  return new KeyringUnavailableError(describeKeyringFailure(error), {cause: error})
}

function isNoEntry(error: unknown): boolean {
  return /no (matching )?entry|not found/i.test(firstLine(error))
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
