/**
 * Runs the real CLI (`bin/run.js`, the built dist/) as a user would, in a private HOME and
 * DOCKER_CONFIG, with the test CA trusted through NODE_EXTRA_CA_CERTS.
 */
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const BIN = resolve(import.meta.dirname, '../../bin/run.js')

/** The test runner's PATH: for a test of docker's credential helpers as installed on this machine. */
export const SYSTEM_PATH = process.env['PATH'] ?? '/usr/bin:/bin'

/**
 * The CLI's PATH unless a test passes its own: no directory, so no credential helper and no docker
 * implicit default store (docker/cli `DetectDefaultStore` looks `docker-credential-secretservice`
 * up in PATH). This machine has that helper and no D-Bus session, where docker 29, and so
 * pull-check, stop every pull as undetermined (issue 8, session 4); the tests of that pass
 * {@link SYSTEM_PATH}. The CLI spawns nothing but helpers (node is started by its path).
 */
export const HELPERLESS_PATH = '/nonexistent'

export type CliResult = {exitCode: number; stdout: string; stderr: string}

export type RunOptions = {
  /** Contents of `$DOCKER_CONFIG/config.json` (omitted: no file). */
  dockerConfig?: unknown
  env?: Record<string, string | undefined>
  caFile?: string
  stdin?: string
  timeoutMs?: number
  /** Working directory (default: the test runner's). */
  cwd?: string
  /**
   * Under root, run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (util-linux `setpriv`), so a
   * file's mode binds as it does for any user (mode 000 → EACCES). No effect for another user.
   */
  fileModesBind?: boolean
  /**
   * Run under strace(1), following threads and children, writing the `syscalls` it names (e.g.
   * `openat,access`) to `file`: which files a run opened or probed.
   */
  strace?: {file: string; syscalls: string}
}

/** The capabilities that let root read any file whatever its mode (capabilities(7)). */
const DROP_FILE_OVERRIDE = ['--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search']

/** A fresh HOME with an optional Docker config (`$HOME/.docker/config.json`, mode 0600). */
export function makeHome(dockerConfig?: unknown): {home: string; dockerConfigDir: string} {
  const home = mkdtempSync(join(tmpdir(), 'regctl-it-home-'))
  const dockerConfigDir = join(home, '.docker')
  if (dockerConfig !== undefined) {
    mkdirSync(dockerConfigDir, {recursive: true})
    const text = typeof dockerConfig === 'string' ? dockerConfig : JSON.stringify(dockerConfig, null, 2)
    writeFileSync(join(dockerConfigDir, 'config.json'), text, {mode: 0o600})
  }

  return {home, dockerConfigDir}
}

/** Runs `bin/run.js ARGS` and resolves with its exit code and output (never rejects on exit ≠ 0). */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const {home, dockerConfigDir} = makeHome(options.dockerConfig)
  const env: Record<string, string> = {
    PATH: HELPERLESS_PATH,
    HOME: home,
    DOCKER_CONFIG: dockerConfigDir,
    // No proxies from the developer's shell: tests talk to loopback only.
    NO_COLOR: '1',
  }
  if (options.caFile) env['NODE_EXTRA_CA_CERTS'] = options.caFile
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }

  return new Promise((resolvePromise, reject) => {
    const asRoot = options.fileModesBind === true && process.getuid?.() === 0
    const trace = options.strace === undefined ? [] : ['strace', '-f', '-qq', '-o', options.strace.file, '-e', `trace=${options.strace.syscalls}`]
    const command = [...(asRoot ? ['/usr/bin/setpriv', ...DROP_FILE_OVERRIDE] : []), ...trace, process.execPath, BIN, ...args]
    const child = execFile(
      command[0]!,
      command.slice(1),
      {env, timeout: options.timeoutMs ?? 45_000, maxBuffer: 16 * 1024 * 1024, ...(options.cwd === undefined ? {} : {cwd: options.cwd})},
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`bin/run.js ${args.join(' ')} did not exit normally: ${error.message}\n${stderr}`))
          return
        }

        resolvePromise({exitCode: typeof error?.code === 'number' ? error.code : 0, stdout, stderr})
      },
    )
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    else child.stdin?.end()
  })
}

/** `{"auths": {host: {"auth": base64(user:pass)}}}` */
export function authsConfig(entries: Record<string, {username: string; password: string}>): unknown {
  return {
    auths: Object.fromEntries(
      Object.entries(entries).map(([host, c]) => [host, {auth: Buffer.from(`${c.username}:${c.password}`).toString('base64')}]),
    ),
  }
}
