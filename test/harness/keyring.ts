/**
 * A private Secret Service for tests: a D-Bus session bus of our own (no service activation) and
 * an unlocked gnome-keyring-daemon whose keyrings live in a temp XDG_DATA_HOME. Nothing touches the
 * developer's real session or keyring. Used by every integration test that needs a Secret Service.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {run} from './processes.js'

/** A running private Secret Service. */
export type PrivateSecretService = {
  /** `unix:path=…` of the private session bus. */
  address: string
  /** HOME, XDG_* and DBUS_SESSION_BUS_ADDRESS for children that should use this keyring. */
  env: Record<string, string>
  /** Stops the keyring and the bus (SIGTERM, then SIGKILL after a bounded wait). */
  stop(): Promise<void>
}

/** Waits for a child to exit, SIGKILLing it after `ms`; bounded either way. */
export function stopChild(child: ChildProcess | undefined, ms = 5_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve()
    }, ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Resolves the first stdout line of a child (the bus address), or rejects after `ms`. */
function firstLine(child: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`no output within ${ms} ms`)), ms)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const newline = buffered.indexOf('\n')
      if (newline !== -1) {
        clearTimeout(timer)
        resolve(buffered.slice(0, newline).trim())
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before printing an address`))
    })
  })
}

/**
 * Starts the bus and the keyring under `dir` (which must exist) and waits, bounded by
 * `timeoutMs`, until `org.freedesktop.secrets` has an owner on the bus.
 */
export async function startPrivateSecretService(dir: string, options: {timeoutMs?: number; password?: string} = {}): Promise<PrivateSecretService> {
  const timeoutMs = options.timeoutMs ?? 20_000
  const runtime = join(dir, 'run')
  await mkdir(runtime, {recursive: true, mode: 0o700})
  const base: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    LANG: 'C.UTF-8',
  }

  // No <servicedir>: with the standard session config a client racing the keyring's registration
  // makes dbus *activate* a second, unmanaged gnome-keyring-daemon (org.freedesktop.secrets.service)
  // that outlives the test.
  const busConfig = join(dir, 'session.conf')
  await writeFile(
    busConfig,
    [
      '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"',
      ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
      '<busconfig>',
      '  <type>session</type>',
      `  <listen>unix:dir=${runtime}</listen>`,
      '  <auth>EXTERNAL</auth>',
      '  <policy context="default">',
      '    <allow send_destination="*" eavesdrop="true"/>',
      '    <allow eavesdrop="true"/>',
      '    <allow own="*"/>',
      '  </policy>',
      '</busconfig>',
      '',
    ].join('\n'),
  )

  const dbus = spawn('dbus-daemon', [`--config-file=${busConfig}`, '--nofork', '--nopidfile', '--print-address=1'], {env: base, stdio: ['ignore', 'pipe', 'ignore']})
  let keyring: ChildProcess | undefined
  const stop = async (): Promise<void> => {
    await stopChild(keyring)
    await stopChild(dbus)
  }

  try {
    const address = await firstLine(dbus, Math.min(timeoutMs, 10_000))
    if (!address.startsWith('unix:')) throw new Error(`unexpected bus address ${address}`)
    const env = {...base, DBUS_SESSION_BUS_ADDRESS: address}
    // --foreground keeps the daemon our child; the password on stdin creates and unlocks the login keyring.
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {env, stdio: ['pipe', 'ignore', 'ignore']})
    keyring.stdin?.end(options.password ?? 'regctl-test-password')

    const deadline = Date.now() + timeoutMs
    let ready = false
    for (let attempt = 0; attempt < 400 && !ready && Date.now() < deadline; attempt++) {
      const result = await run(
        'dbus-send',
        ['--session', '--dest=org.freedesktop.DBus', '--print-reply', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
        {env, timeoutMs: 5_000, allowFailure: true},
      )
      ready = result.stdout.toString('utf8').includes('boolean true')
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50))
    }

    if (!ready) throw new Error(`gnome-keyring-daemon did not own org.freedesktop.secrets within ${timeoutMs} ms`)
    return {address, env, stop}
  } catch (error) {
    await stop()
    throw error
  }
}
