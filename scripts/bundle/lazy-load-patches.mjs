// An esbuild plugin (scripts/bundle.mjs): in the command bundles, a few dependencies do expensive
// work when they are used, not when they are loaded (issue 10: time to the first request).
//
// string-width makes an Intl.Segmenter when it loads (ICU's break iterator: 11–15 ms of CPU
// measured, load 10), and every command bundle loads it with its table renderer, although
// regctl's tables call it only for a cell that is not printable ASCII (src/render/table.ts). The
// segmenter is now made on the first such call.
//
// undici's client.js and core/util.js `require('node:http')` at load for two small things
// (the default `maxHeaderSize` and an `instanceof`-like check in `destroy`), and client.js requires
// client-h2.js, which requires node:http2, for HTTP/2 connections regctl never opens (no
// `allowH2`). Node compiles and runs those built-in modules (with node:http's _http_agent,
// _http_client, _http_server and http2's core and compat) before the first request: measured
// 10–25 ms of CPU per command run (npm run bench; issue 10).
//
// Each change below is a literal replacement of undici's own source; when a pattern is not found
// (a new undici version), the build fails with the file and the pattern, rather than silently
// shipping an unpatched bundle. Behaviour stays undici's:
// - `maxHeaderSize` not given: node:http's `maxHeaderSize`, which is Node's default
//   (NODE_DEFAULT_MAX_HEADER_SIZE, checked by test/unit/bundle-undici.test.ts) unless the process
//   was started with --max-http-header-size (argv or NODE_OPTIONS): then node:http is asked;
// - `destroy(stream)`: the IncomingMessage check loads node:http only for an object whose
//   constructor is named IncomingMessage;
// - HTTP/2: client-h2.js (and node:http2) load on the first HTTP/2 connection, as before on load.
//
// ansis (oclif's colours) has the two raw characters ESC and CSI (U+009B) in the regular expression
// of its `strip`. They were the only non-ASCII characters left in the command bundles once esbuild
// drops comments (scripts/bundle.mjs, `minifyWhitespace`), and one is enough to make the whole
// source a two-byte string: Node decodes 1–2.6 MB of UTF-8 instead of taking ASCII as it is, and V8
// holds twice the bytes (bin/code-cache.js). The same characters, written as escapes, match the same.
//
// Bottleneck (octokit's throttling and retry plugins schedule every GitHub request through three of
// its limiters) "yields to the event loop" between the steps of a job (submit, register, free…)
// with `setTimeout(resolve, 0)`, and starts a job with `setTimeout(run, wait)`, wait = 0 unless a
// limit says otherwise; Node runs a 0 ms timer no sooner than 1 ms later. That made 12 waits per
// GitHub request (counted with a setTimeout hook), a dozen milliseconds of doing nothing before each
// request of `ghcr ls` (every page) and after its answer. `setImmediate` yields to the event loop
// as well, without the timer's millisecond; a wait with a delay (t, wait > 0: a minTime, a
// reservoir) is still a timer, and `stop()` clears either kind.
import {readFile} from 'node:fs/promises'

/** Node's default `http.maxHeaderSize` (16 KiB since Node 13.13; `node --max-http-header-size`). */
export const NODE_DEFAULT_MAX_HEADER_SIZE = 16_384

/** The replacements, per file under node_modules (POSIX separators). */
const PATCHES = {
  'ansis/index.js': [['/[\u001b\u009b][[()#;?]', '/[\\x1b\\x9b][[()#;?]']],
  'bottleneck/light.js': [
    ['return setTimeout(resolve, t);', 'return t > 0 ? setTimeout(resolve, t) : setImmediate(resolve);'],
    ['timeout: setTimeout(() => {', 'timeout: (wait > 0 ? setTimeout : (run) => setImmediate(run))(() => {'],
    ['clearTimeout(v.timeout);', "(v.timeout?.constructor?.name === 'Immediate' ? clearImmediate : clearTimeout)(v.timeout);"],
  ],
  'string-width/index.js': [
    ['const segmenter = new Intl.Segmenter();\n', 'let segmenter;\n'],
    ['of segmenter.segment(string)', 'of (segmenter ??= new Intl.Segmenter()).segment(string)'],
  ],
  'undici/lib/dispatcher/client.js': [
    ["const http = require('node:http')\n", ''],
    ["const connectH2 = require('./client-h2.js')\n", "function connectH2 (...args) { return require('./client-h2.js')(...args) }\n"],
    [
      `const getDefaultNodeMaxHeaderSize = http &&
  http.maxHeaderSize &&
  Number.isInteger(http.maxHeaderSize) &&
  http.maxHeaderSize > 0
  ? () => http.maxHeaderSize
  : () => { throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid') }
`,
      `const getDefaultNodeMaxHeaderSize = () => {
  const flag = '--max-http-header-size'
  const set = process.execArgv.some((a) => a.startsWith(flag)) || (process.env.NODE_OPTIONS ?? '').includes(flag)
  const size = set ? require('node:http').maxHeaderSize : ${NODE_DEFAULT_MAX_HEADER_SIZE}
  if (Number.isInteger(size) && size > 0) return size
  throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid')
}
`,
    ],
  ],
  'undici/lib/core/util.js': [
    ["const { IncomingMessage } = require('node:http')\n", ''],
    [
      'if (Object.getPrototypeOf(stream).constructor === IncomingMessage) {',
      "if (Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === require('node:http').IncomingMessage) {",
    ],
  ],
}

/** Applies the replacements of `relative` (a key of PATCHES) to `source`; throws when one is missing. */
export function patchSource(relative, source) {
  let out = source
  for (const [from, to] of PATCHES[relative] ?? []) {
    if (!out.includes(from)) throw new Error(`scripts/bundle/lazy-load-patches.mjs: node_modules/${relative} no longer contains ${JSON.stringify(from.slice(0, 60))}`)
    out = out.replace(from, to)
  }

  return out
}

/**
 * The esbuild plugin. Paths are taken from the first node_modules/ on: nested copies
 * (widest-line/node_modules/string-width, an older version without a segmenter) are left alone.
 */
export const lazyLoadPatches = {
  name: 'lazy-load-patches',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/](string-width[\\/]index|ansis[\\/]index|bottleneck[\\/]light|undici[\\/]lib[\\/](dispatcher[\\/]client|core[\\/]util))\.js$/}, async (args) => {
      const relative = args.path.replace(/\\/g, '/').replace(/^.*?\/node_modules\//, '')
      return {contents: patchSource(relative, await readFile(args.path, 'utf8')), loader: 'js'}
    })
  },
}
