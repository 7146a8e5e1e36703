/** In-memory config files and credential helpers for the auth status unit tests. */
import type {HelperRunner} from '../../../src/lib/credentials/helper.js'
import type {GatherOptions} from '../../../src/lib/credentials/sources.js'

export const b64 = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64')

/** A helper's store: server URL → [username, secret]. `false`: the helper is not installed. */
export type FakeHelpers = Record<string, Record<string, [string, string]> | false | 'broken'>

/** A runner speaking the helper protocol for `helpers`; counts calls per program+action. */
export function fakeRunner(helpers: FakeHelpers): HelperRunner & {calls: string[]} {
  const calls: string[] = []
  const run: HelperRunner = async (program, args, input) => {
    const name = program.replace(/^docker-credential-/, '')
    calls.push(`${name} ${args[0] ?? ''} ${args[0] === 'get' ? input : ''}`.trim())
    const store = helpers[name]
    if (store === undefined || store === false) {
      return {exitCode: null, stdout: '', stderr: '', error: Object.assign(new Error('spawn ENOENT'), {code: 'ENOENT'})}
    }

    if (store === 'broken') return {exitCode: 1, stdout: 'Cannot autolaunch D-Bus without X11 $DISPLAY\n', stderr: ''}
    if (args[0] === 'list') {
      return {exitCode: 0, stdout: JSON.stringify(Object.fromEntries(Object.entries(store).map(([url, [user]]) => [url, user]))), stderr: ''}
    }

    const found = store[input]
    if (!found) return {exitCode: 1, stdout: 'credentials not found in native keychain\n', stderr: ''}
    return {exitCode: 0, stdout: JSON.stringify({ServerURL: input, Username: found[0], Secret: found[1]}), stderr: ''}
  }

  return Object.assign(run, {calls})
}

/** Gather options over in-memory files (path → JSON value or raw text). */
export function fakeGather(files: Record<string, unknown>, helpers: FakeHelpers = {}, extra: Partial<GatherOptions> = {}): GatherOptions & {runHelper: ReturnType<typeof fakeRunner>} {
  const runHelper = fakeRunner(helpers)
  return {
    dockerConfig: {path: '/home/u/.docker/config.json', origin: 'HOME'},
    podmanFiles: [
      {path: '/run/user/1000/containers/auth.json', origin: 'XDG_RUNTIME_DIR', consulted: true},
      {path: '/home/u/.config/containers/auth.json', origin: 'XDG_CONFIG_HOME', consulted: true},
    ],
    readFile: async (path) => {
      if (!(path in files)) throw Object.assign(new Error('ENOENT'), {code: 'ENOENT'})
      const value = files[path]
      return typeof value === 'string' ? value : JSON.stringify(value)
    },
    statFile: async (path) => (path in files ? {mode: 0o100600} : undefined),
    ...extra,
    runHelper,
  }
}

export const DOCKER = '/home/u/.docker/config.json'
export const PODMAN_RUN = '/run/user/1000/containers/auth.json'
export const PODMAN_CFG = '/home/u/.config/containers/auth.json'
