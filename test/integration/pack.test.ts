/**
 * `npm pack` produces a package that installs and runs: the tarball holds the built CLI and
 * nothing private; installed into a fresh prefix with production dependencies only (from the npm
 * cache when it has them), `regctl` answers --version and --help, loads its oclif plugins, and
 * runs an audit — which proves no dev dependency is needed at run time.
 *
 * Needs `npm run build` first (as every integration test). npm may reach the registry for a
 * dependency missing from the cache; every step is bounded in time.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const REPO_ROOT = resolve(import.meta.dirname, '../..')
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}).version

type Result = {exitCode: number; stdout: string; stderr: string}

async function exec(file: string, args: string[], options: {cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, {cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: 32 * 1024 * 1024}, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${file} ${args.join(' ')} did not exit normally: ${error.message}\n${stderr}`))
        return
      }

      resolvePromise({exitCode: typeof error?.code === 'number' ? error.code : 0, stdout, stderr})
    })
  })
}

type PackEntry = {filename: string; size: number; unpackedSize: number; entryCount: number; files: Array<{path: string}>}

let dir: string
let pack: PackEntry
let regctlBin: string
const timings: Record<string, number> = {}

/** Runs the installed `regctl` (the bin link npm created) with a clean, private environment. */
async function regctl(args: string[]): Promise<Result> {
  const home = join(dir, 'home')
  return exec(regctlBin, args, {
    timeoutMs: 30_000,
    env: {PATH: `${join(dir, 'prefix', 'node_modules', '.bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: home, DOCKER_CONFIG: join(home, '.docker'), NO_COLOR: '1', REGCTL_NO_KEYRING: '1'},
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'regctl-pack-'))
  let started = Date.now()
  // --ignore-scripts: `prepare` would rebuild dist/ and the manifest in the working tree; the
  // suite runs on the build that `npm run build` already made.
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: REPO_ROOT, timeoutMs: 60_000})
  expect(packed.stderr.replace(/npm warn .*\n/g, '')).toBe('')
  expect(packed.exitCode).toBe(0)
  pack = (JSON.parse(packed.stdout) as PackEntry[])[0] as PackEntry
  timings['pack'] = Date.now() - started

  started = Date.now()
  const installed = await exec(
    'npm',
    ['install', '--prefix', join(dir, 'prefix'), '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, pack.filename)],
    {cwd: dir, timeoutMs: 180_000},
  )
  if (installed.exitCode !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stderr}`)
  timings['install'] = Date.now() - started
  regctlBin = join(dir, 'prefix', 'node_modules', '.bin', 'regctl')
}, 240_000)

afterAll(() => {
  console.log(`[pack] ${pack?.filename}: ${pack?.entryCount} files, ${pack?.size} bytes packed, ${pack?.unpackedSize} unpacked; pack ${timings['pack']} ms, install ${timings['install']} ms`)
  rmSync(dir, {recursive: true, force: true})
})

describe('npm pack', () => {
  it('holds the built CLI, its manifest, package.json and the JSON Schemas — no sources, tests or secrets', () => {
    const paths = pack.files.map((f) => f.path)
    for (const required of ['package.json', 'bin/run.js', 'oclif.manifest.json', 'dist/commands/audit.js', 'dist/commands/pull-check.js', 'dist/lib/checks/audit.js', 'docs/json/pull-check.schema.json', 'docs/json/error.schema.json']) {
      expect(paths).toContain(required)
    }

    const unexpected = paths.filter((p) => !/^(bin\/|dist\/|docs\/json\/[\w-]+\.schema\.json$|oclif\.manifest\.json$|package\.json$|README\.md$|LICENSE)/.test(p))
    expect(unexpected).toEqual([])
    expect(paths.filter((p) => /(^|\/)(\.env|\.npmrc|id_rsa)|\.(pem|key|p12|pfx)$/.test(p))).toEqual([])
  })

  it('the shipped manifest lists every command, each with examples', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'prefix', 'node_modules', 'regctl', 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {examples?: unknown[]}>
    }
    const ids = Object.keys(manifest.commands).sort()
    expect(ids).toEqual(expect.arrayContaining(['audit', 'auth:status', 'ghcr:ls', 'pull-check']))
    for (const id of ids) expect(manifest.commands[id]?.examples?.length, id).toBeGreaterThan(0)
  })
})

describe('the installed regctl', () => {
  it('--version', async () => {
    const {exitCode, stdout} = await regctl(['--version'])
    expect(exitCode).toBe(0)
    expect(stdout).toBe(`regctl/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`)
  })

  it('pull-check --help and audit --help, with examples', async () => {
    for (const command of ['pull-check', 'audit']) {
      const {exitCode, stdout} = await regctl([command, '--help'])
      expect(exitCode).toBe(0)
      expect(stdout).toContain('USAGE')
      expect(stdout).toContain(`$ regctl ${command}`)
      expect(stdout).toContain('EXAMPLES')
    }
  })

  it('loads @oclif/plugin-autocomplete and @oclif/plugin-not-found', async () => {
    const autocomplete = await regctl(['autocomplete', '--help'])
    expect(autocomplete.exitCode).toBe(0)
    expect(autocomplete.stdout).toContain('$ regctl autocomplete')

    // Not a TTY: the plugin suggests nothing interactively and exits 127 (command not found).
    const typo = await regctl(['pul-check'])
    expect(typo.exitCode).toBe(127)
    expect(typo.stderr).toContain('pul-check is not a regctl command')
  })

  it('runs an audit with production dependencies only', async () => {
    const {exitCode, stdout} = await regctl(['audit', join(REPO_ROOT, 'test/fixtures/repos/leaky'), '--offline', '--no-credentials', '--format', 'json'])
    expect(exitCode).toBe(1)
    const report = JSON.parse(stdout) as {findings: Array<{ruleId: string}>}
    expect(report.findings.map((f) => f.ruleId)).toContain('context/secret-not-ignored')
  })
})
