#!/usr/bin/env node
// Production entry point: runs the compiled commands in dist/.
//
// Start-up is most of a one-image check's time, so this file keeps it short:
// - Node's on-disk compile cache (22.1+) keeps the V8 code of every module loaded after it is
//   enabled: later runs skip parsing and compiling them.
// - `--version` (and a lone `-v`, as `docker -v`) is answered without loading oclif: the same string oclif prints, with the npm
//   package's name, so this regctl is told apart from regclient's Go binary of the same command
//   name (`regctl-audit/0.1.0 linux-x64 node-v24.22.3`).
// - A command (`pull-check`, `auth status`, …) without a help flag runs from its bundle
//   (dist/bundle/, scripts/bundle.mjs): the command and the @oclif/core modules it needs (config,
//   command, parser, errors) in a few files, not oclif's index (help, the plugin system); the
//   plugins (help) and the not-found hook are not loaded: they add no hooks and no behaviour to a
//   command run. After it, the process exits at once. Everything else (help, `help X`, completion,
//   unknown commands and their suggestions) goes through oclif's `execute` as before.
import {existsSync, lstatSync, mkdirSync, readFileSync} from 'node:fs'
import module from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setFlagsFromString} from 'node:v8'

// undici parses HTTP with llhttp compiled to WebAssembly. V8 starts it on its baseline compiler
// (Liftoff) and, once a function has run for its tiering budget ("a rough approximation of bytes
// executed", 13,000,000 by default), recompiles it with the optimising compiler (TurboFan) on a
// background thread. For a CLI run that compile is pure cost:
// - one image: Node's exit joins the background threads, so the check waited 60–300 ms for a
//   compile whose result it never used (strace: the main thread in the join, the worker with no
//   system call until it ends);
// - 1,000 images: even a budget of 2,000,000,000 was spent (llhttp's parse loop counts its whole
//   body per turn), and the compile of that one function took ~360 ms of CPU (0.36 ms of the
//   1.5 ms CPU budget per reference) and 24 MB of compiler memory, a fifth of the peak RSS
//   (--trace-wasm-compilation-times, heaptrack; issue 10).
// `--wasm-tier-up-filter=N` tiers up only the function with index N, and V8 makes every other
// function's top tier its baseline tier, Liftoff, which then emits no budget counting at all
// (v8 src/wasm/module-compiler.cc and liftoff-compiler.cc, `wasm_tier_up_filter`). No module has a
// function at index 2^31 - 1 (V8 allows 1,000,000), so no WebAssembly of the run is ever optimised.
// V8 reads the flag when it compiles a module, which is after this line.
setFlagsFromString('--wasm-tier-up-filter=2147483647')
const cacheDir = compileCacheDir()
if (cacheDir !== null) module.enableCompileCache?.(cacheDir)

/**
 * Where the compile caches live: NODE_COMPILE_CACHE when the user set it (undefined lets Node read
 * it); else `regctl-compile-cache-UID` in os.tmpdir(), which this user owns with mode 0700; else
 * null (no cache). Not Node's default, `os.tmpdir()/node-compile-cache`: that directory is shared by
 * every user of the machine, and whoever creates it first can plant cache files, which V8 would run
 * as code (bin/code-cache.js). A directory of ours that another user made, or that others can
 * write, turns the cache off. Not under HOME: a run writes nothing to the user's files.
 */
function compileCacheDir() {
  if (process.env.NODE_COMPILE_CACHE) return undefined
  const uid = process.getuid?.()
  if (uid === undefined) return null
  const dir = join(tmpdir(), `regctl-compile-cache-${uid}`)
  try {
    mkdirSync(dir, {mode: 0o700})
  } catch {
    // There already, or not makeable: the check below decides.
  }

  try {
    const stat = lstatSync(dir)
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0 ? dir : null
  } catch {
    return null
  }
}

/** The bundle of the command named by `words` (dist/bundle/<topic>/<command>.cjs or .js), else undefined. */
function bundleOf(words) {
  for (const extension of ['.cjs', '.js']) {
    const bundle = new URL(`../dist/bundle/${words.join('/')}${extension}`, import.meta.url)
    if (existsSync(bundle)) return bundle
  }

  return undefined
}

/**
 * The command words at the start of `argv` (a topic and its command, or one command) that have a
 * bundle (dist/bundle/<topic>/<command>.cjs or .js, scripts/bundle.mjs), and that bundle; else undefined.
 */
function commandAt(argv) {
  for (const count of [2, 1]) {
    const words = argv.slice(0, count)
    if (words.length !== count || words[0] === 'chunks' || !words.every((w) => /^[a-z][a-z0-9-]*$/.test(w))) continue
    const bundle = bundleOf(words)
    if (bundle !== undefined) return {words, bundle}
  }

  return undefined
}

/**
 * The command id (topic separator ':'), its argv and bundle when `argv` names a bundled command and
 * asks for no help; else undefined. `known` is what {@link verboseFirst} already found at the start
 * of `argv`, so the bundle is looked up once per run (null: nothing to reuse).
 */
function directCommand(argv, known) {
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) return undefined
  const found = known ?? commandAt(argv)
  return found && {id: found.words.join(':'), argv: argv.slice(found.words.length), bundle: found.bundle}
}

/**
 * `-v` means what docker, gh and crane users expect (issue 13):
 * - `regctl -v` alone is the version, as `docker -v` (there is no command to be verbose about);
 * - `regctl -v COMMAND …` (or `--verbose` first) is that command's `-v/--verbose`, as crane's global
 *   `-v` before a subcommand (`crane -v digest IMAGE`): the flag moves after the command words, where
 *   oclif parses it; `regctl COMMAND -v …` is the same thing.
 * `--version` is always the version, wherever it is (oclif's own rule).
 */
function verboseFirst(argv) {
  if (argv.length < 2 || (argv[0] !== '-v' && argv[0] !== '--verbose')) return {args: argv, found: null}
  const rest = argv.slice(1)
  const found = commandAt(rest)
  // The command words now start the argv: directCommand reuses `found` rather than probe again.
  return found ? {args: [...found.words, argv[0], ...rest.slice(found.words.length)], found} : {args: argv, found: null}
}

const {args, found} = verboseFirst(process.argv.slice(2))
const direct = directCommand(args, found)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (direct) {
  // dist/bundle/<command>.js (scripts/bundle.mjs): the command with the parts of @oclif/core it
  // needs, in a few files instead of hundreds. Its `main` loads the config, runs, flushes, and
  // hands errors to oclif's handler, as `execute` does.
  const {fileURLToPath} = await import('node:url')
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  // A one-file CommonJS bundle (pull-check) runs with a code cache made after a run (code-cache.js).
  const loaded = direct.bundle.pathname.endsWith('.cjs')
    ? (await import('./code-cache.js')).loadWithCodeCache(fileURLToPath(direct.bundle), direct.id.replaceAll(':', '.'))
    : {exports: await import(direct.bundle.href), saveCache() {}}
  await loaded.exports.main(direct.id, direct.argv, {
    root: fileURLToPath(new URL('..', import.meta.url)),
    pjson: {...pjson, oclif: {...pjson.oclif, plugins: []}},
  })
  // The command is done and its output written: exit now. Left to itself, Node would first tear
  // down the whole V8 heap (and wait for whatever handle a library left open), 100 ms and more
  // after the last response. Save the compile caches first, which a normal exit would have done;
  // not after a usage error (exit 2), which ran too little of the command to be worth caching.
  const written = process.exitCode === 2 ? undefined : loaded.saveCache()
  module.flushCompileCache?.()
  // A new cache (a new build, install or Node version): keep the directory bounded. Only then, so a
  // run that found its cache, the common one, does no more than before (src/runtime/compile-cache-prune.ts).
  if (written !== undefined) {
    const {pruneCompileCache} = await import('../dist/runtime/compile-cache-prune.js')
    pruneCompileCache({current: module.getCompileCacheDir(), ownRoot: cacheDir ?? undefined, written, uid: process.getuid(), now: Date.now()})
  }

  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))))
  process.exit()
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url, args})
}
