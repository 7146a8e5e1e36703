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
// Where: the compile-cache directory bin/run.js chose (module.getCompileCacheDir(): per Node version
// and arch, and off with NODE_DISABLE_COMPILE_CACHE=1, which therefore turns this off too), one file
// per bundle file version, `regctl-NAME-VERSION.v8cache` (NAME: the command, `pull-check`,
// `auth.status`, so that a new build replaces its own bundle's caches: src/runtime/compile-cache-prune.ts,
// which bin/run.js runs after saveCache wrote one). V8 itself checks only the source length, V8's version and its flags
// before it uses a cache, so the name says which file version the cache belongs to: the bundle's
// inode, its length and its change time (ctime, in nanoseconds), read from the same open file
// descriptor the source is read from. Any write to the file, or a new file in its place, changes
// the ctime or the inode (a process cannot set ctime back); that costs one fstat, where hashing
// the 1–2.6 MB source (CRC-32, before) cost 3–10 ms of CPU per run and loaded node:zlib.
//
// Trust: V8 runs what a cache holds without checking it against the source (only the length), so a
// cache file is code. One is used only when it is a regular file, reached without a symbolic link,
// owned by this user and writable by no one else (what saveCache writes); anything else (planted by
// another user in a shared directory, say) is ignored and replaced. bin/run.js keeps the directory
// per user too: its own 0700 directory, not the shared os.tmpdir()/node-compile-cache Node defaults to.
import {closeSync, constants, fstatSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import module from 'node:module'
import {dirname, join} from 'node:path'
import vm from 'node:vm'

/** A cache is at most this size; a bigger file is not one saveCache wrote (the largest is ~1 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024

/**
 * The bytes of `cacheFile` when it is a regular file (no symbolic link on its last component), owned
 * by this process's user, writable by no one else and within MAX_CACHE_BYTES; else undefined.
 */
function readOwnCache(cacheFile) {
  let fd
  try {
    fd = openSync(cacheFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    const stat = fstatSync(fd)
    const own = stat.isFile() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0 && stat.size <= MAX_CACHE_BYTES
    return own ? readFileSync(fd) : undefined
  } catch {
    // No cache yet: the first run compiles, and saveCache() writes one.
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Runs the CommonJS file `file` (as `require` would, with its own `require`, `module`,
 * `__filename`, `__dirname`) and returns its exports, and `saveCache()`, which writes the code cache
 * when there was none for this content or V8 rejected it, and returns the path it wrote (else
 * undefined). Call `saveCache` once the work is done, so that the cache holds every function the run
 * compiled. `name` names the bundle in the cache file's name (letters, digits, `-` and `.`).
 */
export function loadWithCodeCache(file, name) {
  const fd = openSync(file, constants.O_RDONLY)
  let source
  let version
  try {
    const stat = fstatSync(fd, {bigint: true})
    version = `${stat.ino.toString(16)}${stat.ctimeNs.toString(16)}-${stat.size}`
    source = readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }

  const dir = module.getCompileCacheDir?.()
  const cacheFile = dir === undefined ? undefined : join(dir, `regctl-${name}-${version}.v8cache`)
  const cachedData = cacheFile === undefined ? undefined : readOwnCache(cacheFile)

  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : {cachedData}),
    // The bundles hold no import(): scripts/bundle.mjs makes them require(), since this constant makes
    // Node print an ExperimentalWarning when used. It stays so that an import() added later still loads.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  const cjs = {exports: {}}
  script.runInThisContext().call(cjs.exports, cjs.exports, module.createRequire(file), cjs, file, dirname(file))
  return {
    exports: cjs.exports,
    saveCache() {
      if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return undefined
      const temporary = `${cacheFile}.${process.pid}.tmp`
      try {
        writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
        renameSync(temporary, cacheFile)
        return cacheFile
      } catch {
        // A cache is an optimisation: a read-only or full disk costs the next run its compile only.
        return undefined
      }
    },
  }
}
