/**
 * Runs the built CLI in a real pseudo-terminal with script(1) (util-linux, Debian's bsdutils), so
 * stdout.isTTY is true exactly as in a user's shell. The pty has no size (stdin is not a
 * terminal), so the width comes from COLUMNS when a test sets it.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {BIN, HELPERLESS_PATH, SYSTEM_PATH, makeHome, type CliResult} from './cli.js'

/** script(1) by its path: the CLI's PATH has no directory ({@link HELPERLESS_PATH}). */
export const SCRIPT = SYSTEM_PATH.split(':').map((dir) => join(dir, 'script')).find((file) => existsSync(file)) ?? '/usr/bin/script'

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`

/** `bin/run.js ARGS` on a pseudo-terminal; stdout and stderr arrive merged, CRLF turned into LF. */
export async function runInTerminal(args: string[], options: {env?: Record<string, string>; caFile?: string; timeoutMs?: number; dockerConfig?: unknown} = {}): Promise<CliResult> {
  const {home, dockerConfigDir} = makeHome(options.dockerConfig)
  const env: Record<string, string> = {PATH: HELPERLESS_PATH, HOME: home, DOCKER_CONFIG: dockerConfigDir, TERM: 'xterm-256color', ...options.env}
  if (options.caFile) env['NODE_EXTRA_CA_CERTS'] = options.caFile
  const command = [process.execPath, BIN, ...args].map((arg) => quote(arg)).join(' ')
  return new Promise((resolve, reject) => {
    const child = execFile(SCRIPT, ['--quiet', '--return', '--command', command, '/dev/null'], {env, timeout: options.timeoutMs ?? 45_000}, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`script ${command} did not exit normally: ${error.message}\n${stderr}`))
        return
      }

      resolve({exitCode: typeof error?.code === 'number' ? error.code : 0, stdout: stdout.replaceAll('\r\n', '\n'), stderr})
    })
    child.stdin?.end()
  })
}

/**
 * What a terminal shows after `text` (output captured by {@link runInTerminal}), one string per
 * row, trailing blanks trimmed: `\r` returns to the row's start and later text overwrites, `ESC[2K`
 * erases the row and `ESC[K` its rest, colour (`ESC[…m`) takes no room. Any other escape is
 * refused, so a test sees every control sequence the CLI sends.
 */
export function screen(text: string): string[] {
  const rows: string[][] = [[]]
  let row = 0
  let column = 0
  let index = 0
  while (index < text.length) {
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequences are what this reads
    const escape = /^\u001B\[([0-9;]*)([A-Za-z])/.exec(text.slice(index, index + 16))
    if (escape) {
      const [sequence, parameter, command] = escape
      if (command === 'K' && parameter === '2') rows[row] = []
      else if (command === 'K' && (parameter === '' || parameter === '0')) rows[row] = rows[row]!.slice(0, column)
      else if (command !== 'm') throw new Error(`unexpected escape sequence ${JSON.stringify(sequence)}`)
      index += sequence.length
      continue
    }

    const char = String.fromCodePoint(text.codePointAt(index)!)
    index += char.length
    if (char === '\n') {
      row++
      column = 0
      rows[row] ??= []
    } else if (char === '\r') {
      column = 0
    } else {
      const cells = rows[row]!
      while (cells.length < column) cells.push(' ')
      cells[column++] = char
    }
  }

  return rows.map((cells) => cells.join('').trimEnd())
}
