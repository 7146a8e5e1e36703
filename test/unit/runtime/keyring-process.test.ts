/**
 * The keyring's child process (src/runtime/keyring-process.ts) with the real @napi-rs/keyring,
 * in-process (the path of oclif's `execute` and of tests, where nothing calls process.exit): a
 * session bus that accepts and never answers ends the call at its bound with one line, a deadline
 * ends it as a DeadlineError, and afterwards no child, pipe or timer keeps the process alive.
 * Bounded by small timeouts (300 ms) and the test timeout.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {DeadlineError} from '../../../src/lib/errors.js'
import {createKeyringStore, KeyringUnavailableError} from '../../../src/lib/github/keyring.js'
import {keyringLocation, keyringProcessLoader, noSessionBus} from '../../../src/runtime/keyring-process.js'

describe('the keyring in a child process', () => {
  let dir: string
  let server: Server
  let address: string
  const sockets = new Set<Socket>()
  const saved = process.env['DBUS_SESSION_BUS_ADDRESS']
  const savedOptions = process.env['NODE_OPTIONS']

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regctl-keyring-process-'))
    server = createServer((socket) => {
      sockets.add(socket)
      socket.on('data', () => {})
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(join(dir, 'bus'), resolve))
    address = `unix:path=${join(dir, 'bus')}`
  })

  afterEach(() => {
    if (saved === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS']
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = saved
    if (savedOptions === undefined) delete process.env['NODE_OPTIONS']
    else process.env['NODE_OPTIONS'] = savedOptions
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, {recursive: true, force: true})
  })

  /** Handles that would keep a process alive: a child and its pipes (vitest's own timers come and go). */
  const liveHandles = (): string[] => process.getActiveResourcesInfo().filter((kind) => /Process|Pipe/.test(kind))

  const closedBus = async (): Promise<void> => {
    for (let step = 0; step < 100 && sockets.size > 0; step++) await new Promise((resolve) => setTimeout(resolve, 20))
  }

  it('a bus that never answers: one line naming the bus, within the bound; nothing left running', async () => {
    process.env['DBUS_SESSION_BUS_ADDRESS'] = `${address},guid=0123456789abcdef`
    const before = liveHandles()
    const store = createKeyringStore(keyringProcessLoader({timeoutMs: 300}))
    const error = await store.get('regctl', 'github.com').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(KeyringUnavailableError)
    expect((error as Error).message).toBe(`the keyring did not answer within 0.3 s (D-Bus session bus at ${address})`)
    await closedBus()
    expect(sockets.size).toBe(0)
    expect(liveHandles()).toEqual(before)
  })

  it('a write that times out rejects (never a silent success)', async () => {
    process.env['DBUS_SESSION_BUS_ADDRESS'] = address
    const store = createKeyringStore(keyringProcessLoader({timeoutMs: 300}))
    await expect(store.set('regctl', 'github.com', 'ghp_NeverStored')).rejects.toThrow(/^the keyring did not answer within 0\.3 s/)
    await expect(store.delete('regctl', 'github.com')).rejects.toBeInstanceOf(KeyringUnavailableError)
    await closedBus()
    expect(sockets.size).toBe(0)
  })

  it('the run\'s deadline cuts the call as a DeadlineError, at the deadline and not at the longer bound', async () => {
    process.env['DBUS_SESSION_BUS_ADDRESS'] = address
    const controller = new AbortController()
    const deadline = {seconds: 1, signal: controller.signal, remainingMs: () => (controller.signal.aborted ? 0 : 60_000)}
    const store = createKeyringStore(keyringProcessLoader({timeoutMs: 60_000, deadline}))
    const call = store.get('regctl', 'github.com').catch((error_: unknown) => error_)
    // Abort once the child is connected (bounded in steps).
    for (let step = 0; step < 250 && sockets.size === 0; step++) await new Promise((resolve) => setTimeout(resolve, 20))
    controller.abort()
    const error = await call
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as Error).message).toBe('deadline of 1 s reached before the keyring answered')
    // Past the deadline nothing new starts.
    await expect(store.get('regctl', 'github.com')).rejects.toThrow('deadline of 1 s reached; the keyring was not asked')
    await closedBus()
    expect(sockets.size).toBe(0)
  })

  it('no D-Bus at all: the library\'s failure comes back through the child, sorted into one line', async () => {
    process.env['DBUS_SESSION_BUS_ADDRESS'] = `unix:path=${join(dir, 'absent')}`
    const store = createKeyringStore(keyringProcessLoader({timeoutMs: 10_000}))
    await expect(store.get('regctl', 'github.com')).rejects.toThrow('no Secret Service is running (a headless machine?)')
  })

  it('a NODE_OPTIONS preload that prints does not reach the child (its answer stays one JSON object)', async () => {
    const preload = join(dir, 'noisy.cjs')
    writeFileSync(preload, "process.stdout.write('noise from a preload\\n')\n")
    process.env['NODE_OPTIONS'] = `--require=${preload}`
    process.env['DBUS_SESSION_BUS_ADDRESS'] = `unix:path=${join(dir, 'absent')}`
    const store = createKeyringStore(keyringProcessLoader({timeoutMs: 10_000}))
    await expect(store.get('regctl', 'github.com')).rejects.toThrow('no Secret Service is running (a headless machine?)')
  })
})

describe('noSessionBus', () => {
  const socketAt = (path: string) => (candidate: string) => candidate === path
  it.each([
    ['no address, no runtime dir', {}, socketAt(''), 'linux', true],
    ['no address, a runtime dir without a bus', {XDG_RUNTIME_DIR: '/run/user/1000'}, socketAt('/elsewhere'), 'linux', true],
    ['no address, a bus socket in the runtime dir (libdbus uses it)', {XDG_RUNTIME_DIR: '/run/user/1000'}, socketAt('/run/user/1000/bus'), 'linux', false],
    ['an address, even a dead one (the library decides)', {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent'}, socketAt(''), 'linux', false],
    ['not Linux', {}, socketAt(''), 'darwin', false],
  ] as const)('%s', (_what, env, isSocket, platform, expected) => {
    expect(noSessionBus(env, isSocket, platform)).toBe(expected)
  })

  it('without a bus the store says "no Secret Service", as the library does', async () => {
    const saved = {bus: process.env['DBUS_SESSION_BUS_ADDRESS'], runtime: process.env['XDG_RUNTIME_DIR']}
    const runtime = mkdtempSync(join(tmpdir(), 'regctl-no-bus-'))
    try {
      delete process.env['DBUS_SESSION_BUS_ADDRESS']
      process.env['XDG_RUNTIME_DIR'] = runtime
      const store = createKeyringStore(keyringProcessLoader({timeoutMs: 10_000}))
      await expect(store.get('regctl', 'github.com')).rejects.toThrow(/^no Secret Service is running \(a headless machine\?\)$/)
    } finally {
      for (const [name, value] of [['DBUS_SESSION_BUS_ADDRESS', saved.bus], ['XDG_RUNTIME_DIR', saved.runtime]] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }

      rmSync(runtime, {recursive: true})
    }
  })
})

describe('keyringLocation', () => {
  it.each([
    [{DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus,guid=8f2c'}, 'linux', ' (D-Bus session bus at unix:path=/run/user/1000/bus)'],
    [{XDG_RUNTIME_DIR: '/run/user/1000'}, 'linux', ' (D-Bus session bus at /run/user/1000/bus)'],
    [{}, 'linux', ' (D-Bus session bus)'],
    [{DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x'}, 'darwin', ''],
  ] as const)('%j on %s', (env, platform, expected) => {
    expect(keyringLocation(env, platform)).toBe(expected)
  })
})
