/**
 * Runs the built CLI in a real pseudo-terminal with script(1) (util-linux, Debian's bsdutils), so
 * stdout.isTTY is true exactly as in a user's shell. The pty has no size (stdin is not a
 * terminal), so the width comes from COLUMNS when a test sets it.
 */
import {execFile} from 'node:child_process'

import {BIN, makeHome, type CliResult} from './cli.js'

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`

/** `bin/run.js ARGS` on a pseudo-terminal; stdout and stderr arrive merged, CRLF turned into LF. */
export async function runInTerminal(args: string[], options: {env?: Record<string, string>; caFile?: string; timeoutMs?: number} = {}): Promise<CliResult> {
  const {home, dockerConfigDir} = makeHome()
  const env: Record<string, string> = {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: dockerConfigDir, TERM: 'xterm-256color', ...options.env}
  if (options.caFile) env['NODE_EXTRA_CA_CERTS'] = options.caFile
  const command = [process.execPath, BIN, ...args].map((arg) => quote(arg)).join(' ')
  return new Promise((resolve, reject) => {
    const child = execFile('script', ['--quiet', '--return', '--command', command, '/dev/null'], {env, timeout: options.timeoutMs ?? 45_000}, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`script ${command} did not exit normally: ${error.message}\n${stderr}`))
        return
      }

      resolve({exitCode: typeof error?.code === 'number' ? error.code : 0, stdout: stdout.replaceAll('\r\n', '\n'), stderr})
    })
    child.stdin?.end()
  })
}
