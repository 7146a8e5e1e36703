/**
 * `npm pack` produces a package that installs and runs: the tarball holds the built CLI and
 * nothing private or dangling (no bin/dev.js, which needs tsx; no source maps pointing at sources
 * not shipped); installed the way a user does, `npm install -g` into a fresh prefix (production
 * dependencies only, from the npm cache when it has them), both bins `regctl` and `regctl-audit`
 * answer --version with the package name, load the oclif plugins, run an audit and a real
 * pull-check against the suite's registry — which proves no dev dependency is needed at run time.
 *
 * Needs `npm run build` first (as every integration test). npm may reach the registry for a
 * dependency missing from the cache; every step is bounded in time.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {connectEnvironment} from '../harness/client.js'

const REPO_ROOT = resolve(import.meta.dirname, '../..')
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {name: string; version: string; license: string}
const VERSION = PACKAGE.version
const env = connectEnvironment(inject('env'))

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
let prefix: string
const timings: Record<string, number> = {}

/**
 * Runs an installed bin (`regctl` or `regctl-audit`, the links `npm install -g` made in
 * PREFIX/bin) with a clean, private environment, PREFIX/bin first on PATH as a user would have it,
 * then node's own directory (the bins start with `#!/usr/bin/env node`) and nothing else: no docker
 * credential helper, so no docker implicit store (cli.ts HELPERLESS_PATH).
 */
async function regctl(args: string[], bin = 'regctl'): Promise<Result> {
  const home = join(dir, 'home')
  return exec(join(prefix, 'bin', bin), args, {
    timeoutMs: 30_000,
    env: {
      PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`,
      HOME: home,
      DOCKER_CONFIG: join(home, '.docker'),
      NO_COLOR: '1',
      REGCTL_NO_KEYRING: '1',
      NODE_EXTRA_CA_CERTS: env.caFile,
    },
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
  prefix = join(dir, 'prefix')
  const installed = await exec(
    'npm',
    ['install', '--global', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, pack.filename)],
    {cwd: dir, timeoutMs: 180_000},
  )
  if (installed.exitCode !== 0) throw new Error(`npm install -g of the tarball failed:\n${installed.stderr}`)
  timings['install'] = Date.now() - started
}, 240_000)

afterAll(() => {
  console.log(`[pack] ${pack?.filename}: ${pack?.entryCount} files, ${pack?.size} bytes packed, ${pack?.unpackedSize} unpacked; pack ${timings['pack']} ms, install ${timings['install']} ms`)
  rmSync(dir, {recursive: true, force: true})
})

describe('npm pack', () => {
  it('is named regctl-audit (the npm name regctl belongs to someone else) and says where it comes from', () => {
    expect(PACKAGE.name).toBe('regctl-audit')
    expect(pack.filename).toBe(`regctl-audit-${VERSION}.tgz`)
    const license = readFileSync(join(prefix, 'lib', 'node_modules', 'regctl-audit', 'LICENSE'), 'utf8')
    expect(PACKAGE.license).toBe('MIT')
    expect(license).toMatch(/^MIT License\n/)
    const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'regctl-audit', 'package.json'), 'utf8')) as Record<string, unknown>
    for (const field of ['repository', 'homepage', 'bugs']) expect(installed[field], field).toBeDefined()
  })

  it('ships no bin/dev.js and no source maps or declaration files (they would point at sources not shipped)', () => {
    const paths = pack.files.map((f) => f.path)
    expect(paths).not.toContain('bin/dev.js')
    expect(paths.filter((p) => /\.(map|d\.ts)$/.test(p))).toEqual([])
    expect(paths.filter((p) => p.endsWith('.js') && readFileSync(join(REPO_ROOT, p), 'utf8').includes('sourceMappingURL'))).toEqual([])
  })

  it('holds the built CLI, its manifest, package.json, LICENSE and the JSON Schemas — no sources, tests or secrets', () => {
    const paths = pack.files.map((f) => f.path)
    for (const required of ['package.json', 'LICENSE', 'bin/run.js', 'bin/code-cache.js', 'dist/bundle/pull-check.cjs', 'oclif.manifest.json', 'dist/commands/audit.js', 'dist/commands/pull-check.js', 'dist/lib/checks/audit.js', 'docs/json/pull-check.schema.json', 'docs/json/error.schema.json']) {
      expect(paths).toContain(required)
    }

    const unexpected = paths.filter((p) => !/^(bin\/(run|code-cache)\.js$|dist\/|docs\/json\/[\w-]+\.schema\.json$|oclif\.manifest\.json$|package\.json$|README\.md$|LICENSE)/.test(p))
    expect(unexpected).toEqual([])
    expect(paths.filter((p) => /(^|\/)(\.env|\.npmrc|id_rsa)|\.(pem|key|p12|pfx)$/.test(p))).toEqual([])
  })

  it('the shipped manifest lists every command, each with examples', () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'regctl-audit', 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {examples?: unknown[]}>
    }
    const ids = Object.keys(manifest.commands).sort()
    expect(ids).toEqual(expect.arrayContaining(['audit', 'auth:status', 'ghcr:ls', 'pull-check']))
    for (const id of ids) expect(manifest.commands[id]?.examples?.length, id).toBeGreaterThan(0)
  })
})

describe('the installed regctl', () => {
  it('--version names the package, from both bins and from oclif itself', async () => {
    const expected = `regctl-audit/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`
    for (const bin of ['regctl', 'regctl-audit']) {
      const {exitCode, stdout} = await regctl(['--version'], bin)
      expect(exitCode, bin).toBe(0)
      expect(stdout, bin).toBe(expected)
    }

    // `version` goes through oclif (bin/run.js answers only a lone --version itself).
    const oclif = await regctl(['--version', '--help'])
    expect(oclif.stdout).toContain(`regctl-audit/${VERSION}`)
  })

  it('runs a real pull-check against the suite registry, as regctl-audit too', async () => {
    const image = `${env.registries.token.host}/public/single:1.0`
    const {exitCode, stdout, stderr} = await regctl(['pull-check', '-q', '--digest', image], 'regctl-audit')
    expect(exitCode, stderr).toBe(0)
    expect(stdout).toBe(`${image}@${env.fixtures['token:public/single:1.0']?.digest}\n`)
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

  it('ships shell completion (from the packed manifest), @oclif/plugin-help and the command_not_found hook', async () => {
    const autocomplete = await regctl(['autocomplete', '--help'])
    expect(autocomplete.exitCode).toBe(0)
    expect(autocomplete.stdout).toContain('$ regctl autocomplete')
    const script = await regctl(['autocomplete', 'script', 'fish'])
    expect(script.exitCode, script.stderr).toBe(0)
    expect(script.stdout).toContain("-l format -x -a 'table json sarif markdown'")

    const help = await regctl(['help', 'pull-check'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('$ regctl pull-check')

    // An unknown command is a usage error (2) with the suggestion on one line (src/hooks).
    const typo = await regctl(['pul-check'])
    expect(typo.exitCode).toBe(2)
    expect(typo.stderr).toBe('regctl: "pul-check" is not a regctl command; did you mean "regctl pull-check"? (regctl help lists the commands)\n')
  })

  it('runs an audit with production dependencies only', async () => {
    const {exitCode, stdout} = await regctl(['audit', join(REPO_ROOT, 'test/fixtures/repos/leaky'), '--offline', '--no-credentials', '--format', 'json'])
    expect(exitCode).toBe(1)
    const report = JSON.parse(stdout) as {findings: Array<{ruleId: string}>}
    expect(report.findings.map((f) => f.ruleId)).toContain('context/secret-not-ignored')
  })
})
