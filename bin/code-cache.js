// Loads a command bundle that is one CommonJS file (dist/bundle/<command>.cjs, scripts/bundle.mjs)
// with a V8 code cache made after the command ran.
//
// Why not only Node's compile cache (module.enableCompileCache, which bin/run.js also turns on):
// Node makes that cache when it compiles a file, before it runs, so it holds the top-level code
// only; V8 compiles every function lazily, on its first call, and a one-image check calls a few
// hundred KB of them (oclif's parser, undici, the registry client) on every run. A cache made after
// the run (`script.createCachedData()`, V8's API for this) holds those functions too: measured on
// pull-check, CPU before the first request −25 % (npm run bench). v8-compile-cache did the same
// for CommonJS `require`; it does not cover a bundle loaded this way, hence this file.
//
// Where: Node's compile-cache directory (module.getCompileCacheDir(): per Node version, arch and
// user, and off with NODE_DISABLE_COMPILE_CACHE=1, which therefore turns this off too), one file
// per bundle content. The name carries the CRC-32 and length of the source because V8 itself
// checks only the source length, V8's version and its flags before it uses a cache.
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import module from 'node:module'
import {dirname, join} from 'node:path'
import vm from 'node:vm'
import {crc32} from 'node:zlib'

/**
 * Runs the CommonJS file `file` (as `require` would, with its own `require`, `module`,
 * `__filename`, `__dirname`) and returns its exports, and `saveCache()`, which writes the code cache
 * when there was none for this content or V8 rejected it. Call `saveCache` once the work is done,
 * so that the cache holds every function the run compiled.
 */
export function loadWithCodeCache(file) {
  const source = readFileSync(file, 'utf8')
  const dir = module.getCompileCacheDir?.()
  const cacheFile = dir === undefined ? undefined : join(dir, `regctl-${crc32(source).toString(16)}-${source.length}.v8cache`)
  let cachedData
  try {
    if (cacheFile !== undefined) cachedData = readFileSync(cacheFile)
  } catch {
    // No cache yet: the first run compiles, and saveCache() writes one.
  }

  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : {cachedData}),
    // `import()` in the bundle (of the external keyring binding) resolves as in any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  const cjs = {exports: {}}
  script.runInThisContext().call(cjs.exports, cjs.exports, module.createRequire(file), cjs, file, dirname(file))
  return {
    exports: cjs.exports,
    saveCache() {
      if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return
      const temporary = `${cacheFile}.${process.pid}.tmp`
      try {
        writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
        renameSync(temporary, cacheFile)
      } catch {
        // A cache is an optimisation: a read-only or full disk costs the next run its compile only.
      }
    },
  }
}
