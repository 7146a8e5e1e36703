/**
 * `npm run bench`: regctl pull-check versus a shell loop of `skopeo inspect`, on the local
 * token-auth registry of the integration harness (real docker-registry, TLS, JWT tokens), plus
 * `regctl --version` versus bare node start-up. Prints what it measured; asserts nothing.
 *
 * Counters come from the servers, not from regctl: manifest requests from the registry's access
 * log, token requests from the token server.
 */
import {execFile, spawn} from 'node:child_process'
import {mkdtemp, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {startEnvironment} from '../test/harness/environment.js'

const execFileAsync = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const REPOSITORIES = Number(process.env['BENCH_REPOSITORIES'] ?? 20)
const TAGS = Number(process.env['BENCH_TAGS'] ?? 10)

type Timed = {seconds: number; maxRssKiB: number; exitCode: number; stdout: string}

/** Runs a command under /usr/bin/time for wall time and peak RSS. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '__TIME__ %e %M', command, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20 * 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const m = /__TIME__ ([\d.]+) (\d+)/.exec(stderr)
      if (!m) return reject(new Error(`no timing for ${command}: ${stderr.slice(-500)}`))
      resolvePromise({seconds: Number(m[1]), maxRssKiB: Number(m[2]), exitCode: code ?? -1, stdout})
    })
  })
}

const START_SAMPLES = 21

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

async function median(times: number, fn: () => Promise<number>): Promise<number> {
  const values: number[] = []
  for (let i = 0; i < times; i++) values.push(await fn())
  return middle(values)
}

async function wall(command: string, args: string[]): Promise<number> {
  const started = process.hrtime.bigint()
  await execFileAsync(command, args)
  return Number(process.hrtime.bigint() - started) / 1e9
}

async function main(): Promise<void> {
  console.error(`starting the registries and pushing ${REPOSITORIES}×${TAGS} tags…`)
  const env = await startEnvironment({extraRepositories: REPOSITORIES, tagsPerRepository: TAGS})
  try {
    const bench = env.bench
    if (!bench) throw new Error('the harness made no bench tags')
    const refs = bench.references
    const work = await mkdtemp(join(tmpdir(), 'regctl-bench-'))
    const dockerDir = join(work, '.docker')
    await mkdir(dockerDir)
    const {username, password} = env.users.pusher
    await writeFile(join(dockerDir, 'config.json'), JSON.stringify({auths: {[env.registries.token.host]: {auth: Buffer.from(`${username}:${password}`).toString('base64')}}}), {mode: 0o600})
    const refsFile = join(work, 'refs.txt')
    await writeFile(refsFile, `${refs.join('\n')}\n`)
    const childEnv = {PATH: process.env['PATH'], HOME: work, DOCKER_CONFIG: dockerDir, NODE_EXTRA_CA_CERTS: env.caFile}

    // 1. regctl: one process, all references.
    await env.resetRequestCounts()
    const regctl = await timed(process.execPath, [bin, 'pull-check', '--json', '-f', refsFile], childEnv)
    const report = JSON.parse(regctl.stdout) as {summary: {total: number; pullable: number}}
    const counts = await env.requestCounts('token')
    const tokens = await env.tokenServer.stats()
    const manifestRequests = counts.byKind['manifest'] ?? 0
    const tokenRequests = tokens.total

    // 2. skopeo: the loop people write today.
    const script = `while read -r ref; do skopeo inspect --no-tags --cert-dir "$CERT_DIR" --creds "$CREDS" "docker://$ref" >/dev/null || exit 1; done < "$REFS"`
    await env.resetRequestCounts()
    const skopeo = await timed('bash', ['-c', script], {...childEnv, CERT_DIR: env.certDir, CREDS: `${username}:${password}`, REFS: refsFile})
    const skopeoCounts = await env.requestCounts('token')
    const skopeoTokens = await env.tokenServer.stats()

    // 3. Start-up.
    // Alternate the two commands so drift in machine load hits both alike.
    const versionTimes: number[] = []
    const nodeTimes: number[] = []
    for (let i = 0; i < START_SAMPLES; i++) {
      versionTimes.push(await wall(process.execPath, [bin, '--version']))
      nodeTimes.push(await wall(process.execPath, ['-e', '0']))
    }

    const version = middle(versionTimes)
    const nodeStart = middle(nodeTimes)
    const help = await median(5, () => wall(process.execPath, [bin, '--help']))

    const ratio = skopeo.seconds / regctl.seconds
    const rows: Array<[string, string, string]> = [
      ['references checked', `${report.summary.total} (${report.summary.pullable} pullable) in ${bench.repositories.length} repositories`, ''],
      ['regctl pull-check -f (wall)', `${regctl.seconds.toFixed(2)} s`, ''],
      ['skopeo inspect loop (wall)', `${skopeo.seconds.toFixed(2)} s`, `exit ${skopeo.exitCode}`],
      ['speed-up', `${ratio.toFixed(1)}×`, 'target ≥ 10×'],
      ['manifest requests / reference', (manifestRequests / refs.length).toFixed(3), 'target ≤ 1.05'],
      ['token requests / repository', (tokenRequests / bench.repositories.length).toFixed(2), 'target ≤ 1'],
      ['skopeo: manifest req / ref, token req / repo', `${((skopeoCounts.byKind['manifest'] ?? 0) / refs.length).toFixed(2)}, ${(skopeoTokens.total / bench.repositories.length).toFixed(2)}`, 'for comparison'],
      ['regctl peak RSS', `${(regctl.maxRssKiB / 1024).toFixed(1)} MiB`, ''],
      ['regctl --version (median of 21)', `${(version * 1000).toFixed(0)} ms`, ''],
      ['node -e 0 (median of 21)', `${(nodeStart * 1000).toFixed(0)} ms`, ''],
      ['--version / node start-up', `${(version / nodeStart).toFixed(2)}×`, 'target ≤ 1.6×'],
      ['regctl --help (median of 5)', `${(help * 1000).toFixed(0)} ms`, ''],
    ]
    const width = Math.max(...rows.map((r) => r[0].length))
    console.log(`regctl bench — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
    for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(28)} ${note}`)
    console.log('reproduce: npm run build && npm run bench  (BENCH_REPOSITORIES, BENCH_TAGS to resize)')
    if (regctl.exitCode !== 0) console.log(`note: regctl exited ${regctl.exitCode}`)
  } finally {
    await env.stop()
  }
}

await main()
