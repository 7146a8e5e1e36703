// Build step (scripts/bundle.mjs): the one-file command bundles must be ASCII.
//
// esbuild writes strings and identifiers as escapes (its default `charset: 'ascii'`), but keeps
// regular expression literals as written (ansis: scripts/bundle/lazy-load-patches.mjs; our own
// src/render/auth-status.ts). One character outside ASCII makes V8 keep the whole source as a
// two-byte string, and Node decode all of it as UTF-8 rather than take it as one-byte text. Measured
// on audit's bundle (2.6 MB then, with comments), 12–15 ms of CPU against 5–6 ms, on every run and
// before the first request (bin/code-cache.js reads the file).
import {readFileSync} from 'node:fs'

/** Throws, naming the file, the offset and the text around it, when one of `files` holds a byte above 0x7f. */
export function assertAscii(files) {
  for (const file of files) {
    const text = readFileSync(file, 'latin1')
    const at = text.search(/[\x80-\xff]/)
    if (at !== -1) throw new Error(`scripts/bundle/ascii.mjs: ${file} is not ASCII at offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`)
  }
}
