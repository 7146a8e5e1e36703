/**
 * The "before" side of `npm run bench`: another commit of regctl, built once into
 * ~/.cache/regctl-bench/<commit> (outside any node_modules: TypeScript will not emit declarations for a
 * project inside one) (git archive, then `npm ci` from that commit's own lock
 * file, so no worktree is registered and the baseline runs on the dependencies it shipped with — this
 * checkout's node_modules no longer has what an older commit imports, e.g. cli-table3). Later runs
 * reuse the build.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, rm} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

/**
 * The main of 2026-12-01 before issue 10 ("Speed") landed: what `npm run bench` compares the
 * change with unless BENCH_BASELINE names another commit.
 */
export const DEFAULT_BASELINE = '4ef7f42'

/** A built regctl at some commit. */
export type Build = {label: string; commit: string; bin: string}

/** Builds (or reuses) regctl at `ref` and returns its `bin/run.js`. */
export async function prepareBaseline(root: string, ref: string): Promise<Build> {
  const {stdout} = await run('git', ['-C', root, 'rev-parse', '--verify', `${ref}^{commit}`])
  const commit = stdout.trim()
  const dir = join(homedir(), '.cache', 'regctl-bench', commit.slice(0, 12))
  const bin = join(dir, 'bin', 'run.js')
  if (!existsSync(join(dir, '.built'))) {
    console.error(`building the baseline ${commit.slice(0, 12)} in ${dir}…`)
    await rm(dir, {recursive: true, force: true})
    await mkdir(dir, {recursive: true})
    await run('bash', ['-c', 'git -C "$ROOT" archive "$COMMIT" | tar -x -C "$DIR"'], {env: {...process.env, ROOT: root, COMMIT: commit, DIR: dir}})
    // --ignore-scripts: `prepare` would build before we ask it to; the build runs next, once.
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: dir, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000})
    await run('npm', ['run', 'build', '--silent'], {cwd: dir, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000})
    await run('touch', [join(dir, '.built')])
  }

  return {label: ref, commit: commit.slice(0, 12), bin}
}
