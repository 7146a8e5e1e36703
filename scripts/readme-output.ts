/**
 * Re-captures the README's output blocks from real runs (issue 13: "the README shows real captured
 * output in both terminal and piped forms"): starts the integration environment (test/harness:
 * real docker-registry processes, the token server, TLS on loopback), runs the built CLI for each
 * example in a pseudo-terminal (`script -qec … /dev/null`, `COLUMNS`, `NO_COLOR`) or in a pipe, and
 * rewrites the blocks between `<!-- output: NAME -->` and `<!-- /output -->`.
 *
 *   npm run build && npm run readme:output            # rewrite README.md
 *   npm run build && npm run readme:output -- --check # exit 1 when README.md is stale
 *
 * Determinism (so a rerun changes nothing, and test/integration/readme-output.test.ts can compare):
 * - Ports are random, but Linux gives ephemeral ports of five digits (32768–60999), so widths,
 *   alignment, shortening and wrapping do not depend on them. Each registry's port is then shown as
 *   a fixed one ({@link STABLE_PORTS}), in full hosts and in the digits a shortened cell keeps
 *   (`127.0.0…27/team/list:1.0`). The stable ports all end in `000`, so a cell that keeps up to three
 *   digits reads the same whichever registry it was.
 * - HOME is `/tmp/r-XXXXXX`, 13 characters like `/home/octocat`, which it is shown as (same width,
 *   so wrapped lines break where they would).
 * - Digests come from the fixtures, which are built from fixed content.
 * - stderr is not a terminal in the terminal runs (`2>file`), so no progress line can appear however
 *   slow the machine is (gh's rule: progress only when both are terminals).
 * - Durations are shown fixed: `audit`'s `(0.0 s)` as `0.0 s`, and the per-request timings of `-v`
 *   as `(n ms)`.
 */
import {execFile} from 'node:child_process'
import {chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import type {EnvironmentInfo} from '../test/harness/types.js'

const run = promisify(execFile)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const HOME_SHOWN = '/home/octocat'

/** The port each harness server is shown with. */
const STABLE_PORTS = {token: '45000', basic: '46000', plain: '47000', front: '48000', tokenServer: '49000'} as const

/** One README block: the command, how it is run, and how the block shows it. */
type Example = {
  name: string
  /** Arguments, with `T` and `B` standing for the token and basic registry hosts. */
  args: string[]
  /** How many arguments the `$ regctl …` line shows before `…` (all when absent). */
  shownArgs?: number
  /** A terminal of this width (a pseudo-terminal), or a pipe. */
  columns?: number
  /** Piped only: show stderr lines after stdout, each marked `(stderr)`. */
  stderr?: boolean
  /** Omit the `$ regctl …` line (a continuation of the block before). */
  noCommand?: boolean
  /** Run in the fixture repository (`~/src/app`), shown as this command line. */
  inApp?: string
}

const PULL_CHECK = ['pull-check', '--platform', 'linux/arm64', 'T/public/multi:1.0', 'T/private/app:1.0', 'T/private/app:2.0', 'T/team/list:1.0', 'Bad/Ref']

/** The README's captured blocks, in the order they appear. */
export const EXAMPLES: Example[] = [
  {name: 'pull-check-terminal', args: PULL_CHECK, shownArgs: 4, columns: 80},
  {name: 'pull-check-narrow', args: PULL_CHECK, columns: 40, noCommand: true},
  {name: 'pull-check-piped', args: PULL_CHECK, shownArgs: 3, stderr: true},
  {name: 'pull-check-pin', args: ['pull-check', '-q', '--digest', 'T/public/multi:1.0', 'T/team/list:1.0'], stderr: true},
  {name: 'pull-check-verbose', args: ['pull-check', '-v', '-q', 'T/private/app:1.0'], stderr: true},
  {
    name: 'pull-check-wide',
    args: ['pull-check', '--platform', 'linux/arm64', 'T/public/multi:1.0', 'T/private/app:1.0', 'T/private/app:2.0', 'T/team/list:1.0', 'T/public/single:1.0', 'B/private/app:1.0', 'Bad/Ref'],
    shownArgs: 4,
    columns: 160,
  },
  {name: 'auth-status-terminal', args: ['auth', 'status'], columns: 80},
  {name: 'audit-terminal', args: ['audit', '--offline', '--no-credentials'], columns: 80, inApp: '$ cd ~/src/app && regctl audit --offline --no-credentials'},
]

/** The README's audit example: a copy of test/fixtures/repos/leaky (secrets in the build context, no .dockerignore). */
function makeApp(home: string): string {
  const app = path.join(home, 'src', 'app')
  cpSync(path.join(ROOT, 'test', 'fixtures', 'repos', 'leaky'), app, {recursive: true})
  return app
}

type Hosts = {token: string; basic: string}

/** A HOME with a Docker config: puller on the token registry, bob with a wrong password on basic, mode 0644. */
function makeHome(env: EnvironmentInfo): string {
  const home = mkdtempSync('/tmp/r-')
  if (home.length !== HOME_SHOWN.length) throw new Error(`${home}: not ${HOME_SHOWN.length} characters`)
  mkdirSync(path.join(home, '.docker'))
  const auth = (username: string, password: string) => ({auth: Buffer.from(`${username}:${password}`).toString('base64')})
  const config = path.join(home, '.docker', 'config.json')
  writeFileSync(config, `${JSON.stringify({auths: {[env.registries.token.host]: auth(env.users.puller.username, env.users.puller.password), [env.registries.basic.host]: auth('bob', 'wrong-password')}}, null, 2)}\n`)
  chmodSync(config, 0o644)
  return home
}

/** Shows each random port as its stable one, in full hosts and in shortened cells. */
function normalise(text: string, env: EnvironmentInfo, home: string): string {
  let out = text.replaceAll(home, HOME_SHOWN).replaceAll(/\(\d\.\d s\)/g, '(0.0 s)').replaceAll(/\(\d+ ms\)/g, '(n ms)')
  const ports: Array<[string, string]> = [
    [env.registries.token.host.split(':')[1]!, STABLE_PORTS.token],
    [env.registries.basic.host.split(':')[1]!, STABLE_PORTS.basic],
    [env.registries.plain.host.split(':')[1]!, STABLE_PORTS.plain],
    [env.registries.front.host.split(':')[1]!, STABLE_PORTS.front],
    [new URL(env.tokenServer.url).port, STABLE_PORTS.tokenServer],
  ]
  for (const [actual, stable] of ports) {
    if (actual.length !== stable.length) throw new Error(`port ${actual} is not five digits: the widths would change`)
    out = out.replaceAll(`127.0.0.1:${actual}`, `127.0.0.1:${stable}`)
  }

  // A cell shortened in the middle keeps the port's last digits after the `…`.
  for (const [actual, stable] of ports) {
    for (let keep = actual.length - 1; keep > 0; keep--) out = out.replaceAll(`…${actual.slice(-keep)}/`, `…${stable.slice(-keep)}/`)
  }

  return out
}

function commandLine(example: Example, hosts: Hosts): string {
  if (example.inApp !== undefined) return example.inApp
  const shown = example.shownArgs === undefined ? example.args : example.args.slice(0, example.shownArgs)
  const more = example.shownArgs !== undefined && example.shownArgs < example.args.length ? ' …' : ''
  const pipe = example.columns === undefined && !example.args.includes('-q') ? ' | cat' : ''
  return `$ regctl ${shown.map((a) => substitute(a, hosts)).join(' ')}${more}${pipe}`
}

function substitute(arg: string, hosts: Hosts): string {
  return arg.startsWith('T/') ? `${hosts.token}${arg.slice(1)}` : arg.startsWith('B/') ? `${hosts.basic}${arg.slice(1)}` : arg
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`

/** Runs one example; resolves with the block's text, before normalisation. */
async function capture(example: Example, env: EnvironmentInfo, home: string, app: string): Promise<string> {
  const hosts = {token: env.registries.token.host, basic: env.registries.basic.host}
  const args = example.args.map((a) => substitute(a, hosts))
  const childEnv: NodeJS.ProcessEnv = {
    // Only node on PATH: no docker-credential-secretservice, so no implicit store (docker/cli
    // DetectDefaultStore), as on a machine with only docker's config.
    PATH: path.dirname(process.execPath),
    HOME: home,
    DOCKER_CONFIG: path.join(home, '.docker'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_RUNTIME_DIR: '/run/user/1000',
    NODE_EXTRA_CA_CERTS: env.caFile,
    REGCTL_NO_KEYRING: '1',
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
  }
  if (example.columns === undefined) {
    const result = await run(process.execPath, [BIN, ...args], {env: childEnv, maxBuffer: 1 << 24}).catch((error: {stdout?: string; stderr?: string}) => ({stdout: error.stdout ?? '', stderr: error.stderr ?? ''}))
    const stderr = example.stderr ? result.stderr.split('\n').filter(Boolean).map((line) => `(stderr) ${line}\n`).join('') : ''
    return `${result.stdout.replaceAll('\t', '⇥')}${stderr}`
  }

  const errFile = path.join(home, 'stderr.txt')
  const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')} 2>${quote(errFile)}`
  const cwd = example.inApp === undefined ? ROOT : app
  const result = await run('/usr/bin/script', ['-qec', command, '/dev/null'], {cwd, env: {...childEnv, COLUMNS: String(example.columns)}, maxBuffer: 1 << 24}).catch(
    (error: {stdout?: string}) => ({stdout: error.stdout ?? ''}),
  )
  return result.stdout.replaceAll('\r\n', '\n')
}

/** Every example's block (command line and output), normalised. */
export async function captureOutputs(env: EnvironmentInfo): Promise<Map<string, string>> {
  const home = makeHome(env)
  const app = makeApp(home)
  try {
    const blocks = new Map<string, string>()
    const hosts = {token: env.registries.token.host, basic: env.registries.basic.host}
    // One at a time: the examples share the registries, and order keeps the runs comparable.
    for (const example of EXAMPLES) {
      const output = await capture(example, env, home, app)
      const text = example.noCommand ? output : `${commandLine(example, hosts)}\n${output}`
      blocks.set(example.name, normalise(text.trimEnd(), env, home))
    }

    return blocks
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

const BLOCK = /(<!-- output: ([a-z-]+) -->\n)```\n[\s\S]*?\n```\n(<!-- \/output -->)/g

/** `readme` with each marked block replaced; throws on a marker with no example or an example with no marker. */
export function applyOutputs(readme: string, blocks: Map<string, string>): string {
  const seen = new Set<string>()
  const out = readme.replaceAll(BLOCK, (_match, open: string, name: string, close: string) => {
    const block = blocks.get(name)
    if (block === undefined) throw new Error(`README marker output: ${name} has no example in scripts/readme-output.ts`)
    seen.add(name)
    return `${open}\`\`\`\n${block}\n\`\`\`\n${close}`
  })
  const missing = [...blocks.keys()].filter((name) => !seen.has(name))
  if (missing.length > 0) throw new Error(`README has no block for: ${missing.join(', ')}`)
  return out
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const print = process.argv.includes('--print')
  const {startEnvironment} = await import('../test/harness/environment.js')
  const env = await startEnvironment()
  try {
    const readmePath = path.join(ROOT, 'README.md')
    const readme = readFileSync(readmePath, 'utf8')
    const blocks = await captureOutputs(env.info())
    if (print) {
      for (const [name, block] of blocks) process.stdout.write(`<!-- output: ${name} -->\n${block}\n\n`)
      return
    }

    const updated = applyOutputs(readme, blocks)
    if (check) {
      if (updated !== readme) {
        process.stderr.write('README.md output blocks are stale: run npm run build && npm run readme:output\n')
        process.exitCode = 1
      }
    } else if (updated === readme) {
      process.stdout.write('README.md is up to date\n')
    } else {
      writeFileSync(readmePath, updated)
      process.stdout.write('README.md output blocks rewritten\n')
    }
  } finally {
    await env.stop()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
