/**
 * createKeyringStore over a stand-in for @napi-rs/keyring: which store entries are pinned to,
 * write/delete semantics, and the one-line failures people see. The real module against a real
 * Secret Service is exercised by test/integration/auth-login.test.ts.
 */
import {describe, expect, it} from 'vitest'

import {DeadlineError, isRegctlError} from '../../../src/lib/errors.js'
import {createKeyringReader, createKeyringStore, describeKeyringFailure, KeyringUnavailableError} from '../../../src/lib/github/keyring.js'

type Call = {op: string; service: string; account: string; options?: unknown; secret?: string}

/** An in-memory AsyncEntry with optional failures per operation. */
function fakeModule(fail: Partial<Record<'construct' | 'get' | 'set' | 'delete', Error>> = {}, store = new Map<string, string>()) {
  const calls: Call[] = []
  const module = {
    AsyncEntry: class {
      constructor(
        readonly service: string,
        readonly account: string,
        readonly options?: unknown,
      ) {
        calls.push({op: 'new', service, account, options})
        if (fail.construct) throw fail.construct
      }

      async getPassword(): Promise<string | null> {
        if (fail.get) throw fail.get
        return store.get(`${this.service}/${this.account}`) ?? null
      }

      async setPassword(secret: string): Promise<void> {
        calls.push({op: 'set', service: this.service, account: this.account, secret})
        if (fail.set) throw fail.set
        store.set(`${this.service}/${this.account}`, secret)
      }

      async deleteCredential(): Promise<boolean> {
        if (fail.delete) throw fail.delete
        return store.delete(`${this.service}/${this.account}`)
      }
    },
  }
  return {load: async () => module, calls, store}
}

const DBUS_MISSING = new Error(
  'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead\n  backtrace…',
)

describe('createKeyringStore', () => {
  it('writes, reads back and deletes; deleting twice answers false', async () => {
    const fake = fakeModule()
    const store = createKeyringStore(fake.load)
    await store.set('regctl', 'github.com', 'ghp_secret')
    await expect(store.get('regctl', 'github.com')).resolves.toBe('ghp_secret')
    await expect(store.delete('regctl', 'github.com')).resolves.toBe(true)
    await expect(store.delete('regctl', 'github.com')).resolves.toBe(false)
    await expect(store.get('regctl', 'github.com')).resolves.toBeUndefined()
  })

  it('pins entries to the Secret Service on Linux unless told otherwise', async () => {
    const pinned = fakeModule()
    await createKeyringStore(pinned.load).get('regctl', 'github.com')
    expect(pinned.calls[0]).toEqual({op: 'new', service: 'regctl', account: 'github.com', options: {linux: {store: 'secret-service'}}})

    const auto = fakeModule()
    await createKeyringReader(auto.load, {linuxStore: 'auto'})('regctl', 'github.com')
    expect(auto.calls[0]?.options).toBeUndefined()
  })

  it('loads the module once', async () => {
    let loads = 0
    const fake = fakeModule()
    const store = createKeyringStore(async () => {
      loads++
      return fake.load()
    })
    await store.get('regctl', 'a')
    await store.set('regctl', 'b', 'x')
    await store.delete('regctl', 'b')
    expect(loads).toBe(1)
  })

  it('an older module that rejects "No matching entry" on delete means nothing to delete', async () => {
    const fake = fakeModule({delete: new Error('No matching entry found in secure storage')})
    await expect(createKeyringStore(fake.load).delete('regctl', 'github.com')).resolves.toBe(false)
  })

  it.each([
    ['construct', DBUS_MISSING, 'no Secret Service is running (a headless machine?)'],
    ['set', new Error('Couldn\'t access platform storage: Prompt dismissed'), 'the keyring is locked'],
    ['delete', new Error('Platform failure: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'), 'no Secret Service is running (a headless machine?)'],
  ] as const)('a failure in %s is a one-line KeyringUnavailableError', async (where, error, start) => {
    const fake = fakeModule({[where]: error})
    const store = createKeyringStore(fake.load)
    const failed = await (where === 'delete' ? store.delete('regctl', 'h') : store.set('regctl', 'h', 'ghp_secret')).then(
      () => undefined,
      (error_: unknown) => error_,
    )
    expect(failed).toBeInstanceOf(KeyringUnavailableError)
    expect(isRegctlError(failed)).toBe(true)
    expect(failed).toMatchObject({code: 'KEYRING_UNAVAILABLE', exitCode: 1})
    expect((failed as Error).message).toBe(start)
    expect((failed as Error).message).not.toContain('\n')
    expect((failed as Error).message).not.toContain('ghp_secret')
  })

  it('a timeout of the runtime\'s keyring process passes as it is: not sorted, not read as "no entry"', async () => {
    // "not found" in the bus path must not turn a silent keyring into "no entry".
    const timeout = new KeyringUnavailableError('the keyring did not answer within 5 s (D-Bus session bus at unix:path=/not found/bus)')
    for (const where of ['get', 'set', 'delete'] as const) {
      const store = createKeyringStore(fakeModule({[where]: timeout}).load)
      const call = where === 'get' ? store.get('regctl', 'h') : where === 'set' ? store.set('regctl', 'h', 's') : store.delete('regctl', 'h')
      await expect(call).rejects.toBe(timeout)
    }
  })

  it('a call cut by the run\'s deadline stays a DeadlineError (undetermined, exit 3), not "keyring unavailable"', async () => {
    const cut = new DeadlineError('OS keyring', 2, 'deadline of 2 s reached before the keyring answered')
    for (const where of ['get', 'set', 'delete'] as const) {
      const store = createKeyringStore(fakeModule({[where]: cut}).load)
      const call = where === 'get' ? store.get('regctl', 'h') : where === 'set' ? store.set('regctl', 'h', 's') : store.delete('regctl', 'h')
      await expect(call).rejects.toMatchObject({exitCode: 3, message: 'deadline of 2 s reached before the keyring answered'})
    }
  })

  it('a module without write support is refused plainly', async () => {
    const store = createKeyringStore(async () => ({
      AsyncEntry: class {
        async getPassword(): Promise<null> {
          return null
        }
      },
    }))
    await expect(store.set('regctl', 'h', 's')).rejects.toThrow('this @napi-rs/keyring cannot store secrets (no setPassword)')
    await expect(store.delete('regctl', 'h')).rejects.toThrow('this @napi-rs/keyring cannot delete secrets (no deleteCredential)')
  })
})

describe('describeKeyringFailure', () => {
  it.each([
    ['Platform failure: DBus error: Failed to connect to socket /nonexistent/bus: No such file or directory', 'no Secret Service is running (a headless machine?)'],
    ['Couldn\'t access platform storage: collection is locked', 'the keyring is locked'],
    ['something else entirely', 'something else entirely'],
  ])('%s', (message, line) => {
    // One short line: never the socket path or other D-Bus internals.
    expect(describeKeyringFailure(new Error(`${message}\nstack`))).toBe(line)
  })
})
