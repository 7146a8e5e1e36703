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
import {readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

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

/** `main` for one compiled command: oclif's `execute` minus the help, version and plugin paths. */
function entrySource(commandFile) {
  return `
import {Config} from '@oclif/core/config'
import {flush} from '@oclif/core/flush'
import {handle} from '@oclif/core/handle'
import Command from ${JSON.stringify(commandFile)}

export async function main(id, argv, {root, pjson}) {
  try {
    const config = await Config.load({root, pjson})
    Command.id = id
    await Command.run(argv, config)
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
    b.onLoad({filter: /.*/, namespace: 'regctl-entry'}, (args) => ({contents: entrySource(args.path), loader: 'js', resolveDir: root}))
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
 * oclif sorts a plugin's command ids with `localeCompare` when it loads the config; that first call
 * initialises ICU collation, about 10–30 ms of a command's start-up. The ids are ASCII, so
 * code-point order is the same order. Only the bundled copy (command runs) is changed; help
 * listings go through the untouched @oclif/core in node_modules.
 */
const LOCALE_SORT = 'a.id.localeCompare(b.id)'
const oclifPluginSort = {
  name: 'oclif-plugin-sort',
  setup(b) {
    b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes(LOCALE_SORT)) throw new Error(`${args.path}: "${LOCALE_SORT}" not found; update scripts/bundle.mjs for this @oclif/core`)
      return {contents: source.replace(LOCALE_SORT, '(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)'), loader: 'js'}
    })
  },
}

rmSync(outdir, {recursive: true, force: true})
const entryPoints = Object.fromEntries(
  commandFiles(commandsDir).map((file) => [relative(commandsDir, file).replace(/\.js$/, ''), `regctl-entry:${file}`]),
)
await build({
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
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
  plugins: [entries, undiciShims, oclifPluginSort],
})
