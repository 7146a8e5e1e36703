/**
 * The "before" side of `npm run bench`: another commit of regctl, built once into
 * node_modules/.cache/regctl-bench/<commit> (git archive + this checkout's node_modules, so no
 * worktree is registered and nothing is downloaded). Later runs reuse the build.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, rm, symlink} from 'node:fs/promises'
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
  const dir = join(root, 'node_modules', '.cache', 'regctl-bench', commit.slice(0, 12))
  const bin = join(dir, 'bin', 'run.js')
  if (!existsSync(join(dir, '.built'))) {
    console.error(`building the baseline ${commit.slice(0, 12)} in ${dir}…`)
    await rm(dir, {recursive: true, force: true})
    await mkdir(dir, {recursive: true})
    await run('bash', ['-c', 'git -C "$ROOT" archive "$COMMIT" | tar -x -C "$DIR"'], {env: {...process.env, ROOT: root, COMMIT: commit, DIR: dir}})
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
    await run('npm', ['run', 'build', '--silent'], {cwd: dir, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000})
    await run('touch', [join(dir, '.built')])
  }

  return {label: ref, commit: commit.slice(0, 12), bin}
}
