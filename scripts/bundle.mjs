// Build step (after tsc): one bundle per command for the direct start-up path of bin/run.js.
// dist/bundle/<command>.js exports `main(argv, {root, pjson})`, which loads oclif's Config and runs
// the command as oclif's `execute` would; code shared between commands and lazily imported modules
// go to dist/bundle/chunks/ (esbuild splitting keeps a dynamic `import()` lazy).
//
// Why: a pull-check used to open about 360 module files before its first request (undici 112,
// @oclif/core and its dependencies about 100, dist 31), and resolving, reading and compiling them
// was most of the start-up time. A single bundle of everything was slower than no bundle (it
// parses code a command never runs), hence one entry per command, with splitting.
//
// The bundle carries its own copy of @oclif/core's config/command/parser/errors: the entry does
// the whole run (Config.load, Command.run, flush, handle), so no object crosses between that copy
// and the one in node_modules that `execute` (help, completion, unknown commands) uses.
// The native keyring binding stays external (a .node file cannot be bundled).
import {readdirSync, rmSync} from 'node:fs'
import {join, relative, resolve, sep} from 'node:path'

import {build} from 'esbuild'

import {assertAscii} from './bundle/ascii.mjs'
import {lazyLoadPatches} from './bundle/lazy-load-patches.mjs'

const root = join(import.meta.dirname, '..')
const commandsDir = join(root, 'dist', 'commands')
const outdir = join(root, 'dist', 'bundle')

function commandFiles(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return commandFiles(path)
    return entry.name.endsWith('.js') ? [path] : []
  })
}

/**
 * `main` for one compiled command: what oclif's `execute` → `Config.runCommand` → `Command.run`
 * do for a command, minus help, version, plugins and oclif's Config (scripts/bundle/command-config.mjs
 * stands in for it). Errors go to oclif's handler, as under `execute`.
 */
function entrySource(commandFile, commandIds) {
  return `
import {flush} from '@oclif/core/flush'
import {handle} from '@oclif/core/handle'
import {commandConfig} from ${JSON.stringify(join(root, 'scripts', 'bundle', 'command-config.mjs'))}
import {exitAfterCommand} from ${JSON.stringify(join(root, 'dist', 'runtime', 'process-exit.js'))}
import Command from ${JSON.stringify(commandFile)}

export async function main(id, argv, {root, pjson}) {
  // bin/run.js exits as soon as this returns: connections need no closing (src/runtime/process-exit.ts).
  exitAfterCommand()
  try {
    Command.id = id
    const command = new Command(argv, commandConfig({root, pjson, id, command: Command, commandIds: ${JSON.stringify(commandIds)}}))
    await command._run()
    await flush()
  } catch (error) {
    await handle(error)
  }
}
`
}

/** Virtual entry modules (`regctl-entry:<command>`) wrapping each compiled command. */
const entries = {
  name: 'regctl-entries',
  setup(b) {
    b.onResolve({filter: /^regctl-entry:/}, (args) => ({path: args.path.slice('regctl-entry:'.length), namespace: 'regctl-entry'}))
    b.onLoad({filter: /.*/, namespace: 'regctl-entry'}, (args) => ({contents: entrySource(args.path, commandIds), loader: 'js', resolveDir: root}))
  },
}

/**
 * `undici` → the registry transport gets only undici's dispatchers
 * (scripts/bundle/undici-dispatchers.cjs); every other importer gets its ESM face
 * (scripts/bundle/undici.mjs).
 */
const undiciShims = {
  name: 'undici-shims',
  setup(b) {
    b.onResolve({filter: /^undici$/}, (args) => ({
      path: join(root, 'scripts', 'bundle', args.importer.endsWith(join('lib', 'registry', 'transport.js')) ? 'undici-dispatchers.cjs' : 'undici.mjs'),
    }))
  },
}

/**
 * Inside @oclif/core, the modules a command run never uses are replaced by small stand-ins
 * (scripts/bundle/*.cjs, each saying why): the Config (plugins, manifest, globbing), help and its
 * ejs templates; oclif's logger gets `debug` on its first use. `Command`, the parser, flags, errors, `ux`, `flush` and `handle` stay oclif's own.
 */
const OCLIF_LIB = /@oclif[\\/]core[\\/]lib[\\/]/
const oclifStandIns = {
  name: 'oclif-stand-ins',
  setup(b) {
    const standIn = (file) => ({path: join(root, 'scripts', 'bundle', file)})
    b.onResolve({filter: /^(\.\.?\/)+config(\/index)?$/}, (args) => (OCLIF_LIB.test(args.importer) ? standIn('oclif-config.cjs') : undefined))
    b.onResolve({filter: /^(\.\.?\/)+help(\/index)?$/}, (args) =>
      OCLIF_LIB.test(args.importer) && !/[\\/]parser[\\/]/.test(args.importer) ? standIn('oclif-help.cjs') : undefined,
    )
    b.onResolve({filter: /^ejs$/}, (args) => (OCLIF_LIB.test(args.importer) ? standIn('ejs.cjs') : undefined))
    // oclif's logger gets its own `debug` on the first logger it makes, not when oclif loads: the
    // Node half of `debug` requires node:tty and node:util and reads every DEBUG_* variable at
    // load, and a command run makes no logger unless something goes wrong or CLI_FLAGS_DEBUG=1
    // asks (issue 10). oclif calls the export only as `debug(namespace)` (lib/logger.js).
    b.onResolve({filter: /^debug$/}, async (args) => {
      if (args.pluginData === 'real' || !/@oclif[\\/]core[\\/]lib[\\/]logger\.js$/.test(args.importer)) return undefined
      const real = await b.resolve('debug', {kind: 'require-call', resolveDir: args.resolveDir, pluginData: 'real'})
      return {path: real.path, namespace: 'debug-on-first-use'}
    })
    b.onLoad({filter: /.*/, namespace: 'debug-on-first-use'}, (args) => ({
      contents: `module.exports = function debugOnFirstUse(namespace) { return require(${JSON.stringify(args.path)})(namespace) }`,
      loader: 'js',
      resolveDir: root,
    }))
  },
}

rmSync(outdir, {recursive: true, force: true})
const commands = commandFiles(commandsDir).map((file) => ({file, name: relative(commandsDir, file).replace(/\.js$/, '')}))
/** oclif's ids of every command (`auth:status`): the bundle's config lists them, as oclif's does. */
const commandIds = commands.map(({name}) => name.split(sep).join(':')).sort()
/**
 * Commands built as one file each, without shared chunks, as CommonJS (below). Node's ESM loader
 * spends about a millisecond per module file (resolve, read, link) before any code runs; split, a
 * pull-check loaded 36 files before its first request. And a one-file script can carry a V8 code
 * cache made after a run (bin/code-cache.js): CPU before the first request −20 to −25 % for
 * pull-check and auth status (npm run bench). The cost is size: each file holds its own undici,
 * oclif command/parser and registry client (pull-check 1 MB, the GitHub-backed ones about 1.8 MB,
 * audit 2.6 MB). `auth login` and `auth logout`, run once per machine, share chunks instead.
 */
const SINGLE_FILE = new Set(['pull-check', 'auth/status', 'ghcr/ls', 'audit'])
const entryPoints = (single) =>
  Object.fromEntries(commands.filter(({name}) => SINGLE_FILE.has(name) === single).map(({file, name}) => [name, `regctl-entry:${file}`]))
const options = {
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  chunkNames: 'chunks/[name]-[hash]',
  // typescript: @oclif/core requires it only to run TypeScript sources in development (bin/dev.js).
  external: ['@napi-rs/keyring', 'typescript'],
  // Bundled CommonJS packages (@oclif/core, undici, cli-table3) call require() for Node built-ins.
  banner: {js: "import {createRequire as __regctlCreateRequire} from 'node:module'; const require = __regctlCreateRequire(import.meta.url);"},
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [entries, undiciShims, oclifStandIns, lazyLoadPatches],
}
await build({...options, entryPoints: entryPoints(false), splitting: true})
// One file, CommonJS: bin/code-cache.js runs it with a V8 code cache made after a run, which V8
// offers for scripts, not for ES modules. `import.meta.url` (src/runtime/jq.ts) becomes the file's URL.
const single = await build({
  ...options,
  entryPoints: entryPoints(true),
  splitting: false,
  format: 'cjs',
  outExtension: {'.js': '.cjs'},
  // import() of the external keyring binding becomes require(): bin/code-cache.js runs the bundle as a
  // vm.Script, where import() needs vm's loader constant, and Node prints an ExperimentalWarning for it
  // on every run that touches the keyring. The binding is CommonJS, so require() loads the same module.
  supported: {'dynamic-import': false},
  banner: {js: "const __regctlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
  define: {'import.meta.url': '__regctlImportMetaUrl'},
  // Whitespace and comments out (names stay; a stack trace points at a column of a long line): the
  // bundle is read and decoded on every run before the first request, audit's 2.6 MB with them and
  // 1.8 MB without. Comments also held most of the non-ASCII characters (… — ’): scripts/bundle/ascii.mjs.
  minifyWhitespace: true,
  metafile: true,
})
// metafile paths are relative to the working directory.
assertAscii(Object.keys(single.metafile.outputs).filter((file) => file.endsWith('.cjs')).map((file) => resolve(file)))

