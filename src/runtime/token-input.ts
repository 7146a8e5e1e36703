/**
 * Reading a secret the user hands over: all of stdin when it is not a terminal, else a hidden
 * prompt on stderr. Never from an argument (arguments land in shell history and process lists).
 */
import {UsageError} from '../lib/errors.js'
import {runSecrets} from './known-secrets.js'
import {promptHidden} from './prompt.js'
import {readStdin} from './stdin.js'

/** Bytes read from stdin at most: a token is one short line. */
export const MAX_STDIN_BYTES = 64 * 1024

/** What was read, and whether it came from the prompt (`interactive`) or stdin. */
export type TokenInput = {text: string; interactive: boolean}

/**
 * Reads the token input; `timeoutMs` bounds the wait for stdin (a person at the prompt gets at
 * least 5 minutes). What was typed or piped joins the run's redaction registry at once (trimmed, as
 * `parseTokenInput` takes it): a GitHub API or keyring error that echoes it prints `REDACTED`.
 */
export async function readTokenInput(question: string, timeoutMs: number, stdin: NodeJS.ReadStream = process.stdin): Promise<TokenInput> {
  const input = await readRawTokenInput(question, timeoutMs, stdin)
  runSecrets.add(input.text.trim())
  return input
}

async function readRawTokenInput(question: string, timeoutMs: number, stdin: NodeJS.ReadStream): Promise<TokenInput> {
  if (stdin.isTTY) {
    const text = await promptHidden(question, {
      // A person may take a while to find the token; still, never wait forever.
      timeoutMs: Math.max(timeoutMs, 5 * 60_000),
      timeoutError: () => new UsageError('no token entered in time'),
      cancelError: () => new UsageError('cancelled: nothing was stored'),
    })
    return {text, interactive: true}
  }

  const text = await readStdin({
    stdin,
    timeoutMs,
    timeoutError: () => new UsageError(`no token arrived on stdin within ${Math.round(timeoutMs / 1000)} s (is stdin left open?)`),
    maxBytes: MAX_STDIN_BYTES,
    tooLargeError: () => new UsageError(`stdin holds more than ${MAX_STDIN_BYTES} bytes: expected one token`),
  })
  return {text, interactive: false}
}
