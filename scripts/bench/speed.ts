/**
 * Issue 10's measurements, for the change and a baseline build side by side, in one run:
 * one reference against `docker manifest inspect`, time to first request and exit lag of every
 * command, the 200-reference bulk check against a `skopeo inspect` loop, CPU per reference and
 * peak RSS for 1,000 references. Wall-clock figures live here and only here (never in tests).
 */
import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {startFakeGitHub, TOKENS} from '../../test/fixtures/github/server.js'
import type {TestEnvironment} from '../../test/harness/environment.js'
import type {Build} from './baseline.js'
import {measure, median, type Sample} from './measure.js'

/** A regctl build and the node that runs it. */
export type Side = Build & {node: string; nodeVersion: string}

/** One row of the report: a value per column (undefined: not measured). */
export type Row = {measure: string; reference?: string | undefined; base?: string | undefined; change?: string | undefined; ratio?: string | undefined; target?: string | undefined}

const RUNS = Number(process.env['BENCH_RUNS'] ?? 11)
/** BENCH_ONLY=single,commands,bulk,memory runs only those parts (all by default), for quick looks while working. */
const ONLY = new Set((process.env['BENCH_ONLY'] ?? 'single,commands,bulk,memory').split(',').map((s) => s.trim()))

const ms = (v: number | undefined): string | undefined => (v === undefined || Number.isNaN(v) ? undefined : `${v.toFixed(0)} ms`)
const ratio = (a: number | undefined, b: number | undefined): string | undefined =>
  a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? undefined : `${(a / b).toFixed(2)}×`

/** Median of one field over samples (undefined when no sample has it). */
function med(samples: Sample[], pick: (s: Sample) => number | undefined): number | undefined {
  const values = samples.map(pick).filter((v): v is number => v !== undefined)
  return values.length === 0 ? undefined : median(values)
}

function assertOk(sample: Sample, what: string, okCodes: number[] = [0]): void {
  if (!okCodes.includes(sample.exitCode)) throw new Error(`${what} exited ${sample.exitCode}:\n${sample.stderr.slice(-2000)}`)
}

/** Runs every measurement; returns the rows to print. */
export async function benchSpeed(env: TestEnvironment, base: Side, change: Side): Promise<Row[]> {
  const bench = env.bench
  if (!bench) throw new Error('the harness made no bench tags')
  const work = await mkdtemp(join(tmpdir(), 'regctl-bench-'))
  const dockerDir = join(work, '.docker')
  await mkdir(dockerDir)
  const token = env.registries.token.host
  const {pusher, alice} = env.users
  const basicAuth = (u: {username: string; password: string}) => ({auth: Buffer.from(`${u.username}:${u.password}`).toString('base64')})
  await writeFile(
    join(dockerDir, 'config.json'),
    JSON.stringify({auths: {[token]: basicAuth(pusher), [env.registries.basic.host]: basicAuth(alice), [env.registries.front.host]: basicAuth(pusher)}}),
    {mode: 0o600},
  )

  // The fake GitHub API (HTTPS with its own self-signed certificate) for ghcr ls.
  const key = join(work, 'github-key.pem')
  const cert = join(work, 'github-cert.pem')
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
  const github = await startFakeGitHub({key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8')})
  const caFile = join(work, 'ca.pem')
  await writeFile(caFile, `${await readFile(env.caFile, 'utf8')}\n${await readFile(cert, 'utf8')}`)

  // A repository for audit: one Dockerfile whose image is on the token registry.
  const repo = join(work, 'repo')
  await mkdir(repo)
  await writeFile(join(repo, 'Dockerfile'), `FROM ${token}/public/single:1.0\nCOPY app /app\n`)
  await writeFile(join(repo, '.dockerignore'), '.git\n')

  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: work,
    DOCKER_CONFIG: dockerDir,
    NODE_EXTRA_CA_CERTS: caFile,
    REGCTL_NO_KEYRING: '1',
    GITHUB_API_URL: github.url,
    GH_TOKEN: TOKENS.good,
  }
  const single = `${token}/public/single:1.0`
  const regctl = (side: Side, args: string[]) => measure(side.node, [side.bin, ...args], childEnv, {trace: true})
  const rows: Row[] = []

  try {
    // 1. One reference: docker manifest inspect, baseline and change, paired (rotating order).
    if (ONLY.has('single')) {
      console.error(`single reference, ${RUNS} paired runs…`)
      const docker: Sample[] = []
      const one: Record<'base' | 'change', Sample[]> = {base: [], change: []}
      const dockerRun = async () => {
        const s = await measure('docker', ['manifest', 'inspect', '--insecure', single], childEnv)
        assertOk(s, 'docker manifest inspect')
        docker.push(s)
    }
    const sideRun = (name: 'base' | 'change', side: Side) => async () => {
      const s = await regctl(side, ['pull-check', single])
      assertOk(s, `regctl pull-check (${name})`)
      one[name].push(s)
    }
    const order = [dockerRun, sideRun('base', base), sideRun('change', change)]
    for (let i = 0; i < RUNS; i++) for (let k = 0; k < order.length; k++) await (order[(i + k) % order.length] as () => Promise<void>)()
    const dockerWall = med(docker, (s) => s.wallMs)
    const baseWall = med(one.base, (s) => s.wallMs)
    const changeWall = med(one.change, (s) => s.wallMs)
    rows.push(
      {measure: 'pull-check REF, wall (docker manifest inspect in the first column)', reference: ms(dockerWall), base: ms(baseWall), change: ms(changeWall), ratio: ratio(changeWall, baseWall)},
      {measure: '  ÷ docker manifest inspect', base: ratio(baseWall, dockerWall), change: ratio(changeWall, dockerWall), target: '≤ 3×'},
      {measure: '  time to first request', base: ms(med(one.base, (s) => s.ttfrMs)), change: ms(med(one.change, (s) => s.ttfrMs)), ratio: ratio(med(one.change, (s) => s.ttfrMs), med(one.base, (s) => s.ttfrMs)), target: '≤ 150 ms'},
      {measure: '    CPU before it', base: ms(med(one.base, (s) => s.cpuFirstMs)), change: ms(med(one.change, (s) => s.cpuFirstMs)), ratio: ratio(med(one.change, (s) => s.cpuFirstMs), med(one.base, (s) => s.cpuFirstMs))},
      {measure: '  exit after the last response', base: ms(med(one.base, (s) => s.exitLagMs)), change: ms(med(one.change, (s) => s.exitLagMs)), target: '≤ 20 ms'},
      {measure: '  requests / connections', base: `${med(one.base, (s) => s.requests)} / ${med(one.base, (s) => s.connections)}`, change: `${med(one.change, (s) => s.requests)} / ${med(one.change, (s) => s.connections)}`},
    )
    }

    // 2. Every other command: wall, time to first request, exit lag.
    const commands: Array<{name: string; args: string[]; ok: number[]}> = [
      {name: 'auth status (3 registries)', args: ['auth', 'status', '--json'], ok: [0, 1]},
      {name: 'ghcr ls acme (fake GitHub API)', args: ['ghcr', 'ls', 'acme', '--json'], ok: [0]},
      {name: 'audit (a one-Dockerfile repository)', args: ['audit', repo, '--format', 'json'], ok: [0, 1]},
    ]
    const runsPerCommand = Math.max(3, Math.ceil(RUNS / 2))
    for (const command of ONLY.has('commands') ? commands : []) {
      console.error(`${command.name}, ${runsPerCommand} paired runs…`)
      const samples: Record<'base' | 'change', Sample[]> = {base: [], change: []}
      for (let i = 0; i < runsPerCommand; i++) {
        for (const [name, side] of (i % 2 === 0 ? [['base', base], ['change', change]] : [['change', change], ['base', base]]) as Array<['base' | 'change', Side]>) {
          const s = await regctl(side, command.args)
          assertOk(s, `regctl ${command.args.join(' ')} (${name})`, command.ok)
          samples[name].push(s)
        }
      }

      const wall = (k: 'base' | 'change') => med(samples[k], (s) => s.wallMs)
      const ttfr = (k: 'base' | 'change') => med(samples[k], (s) => s.ttfrMs)
      const lag = (k: 'base' | 'change') => med(samples[k], (s) => s.exitLagMs)
      const cpuFirst = (k: 'base' | 'change') => med(samples[k], (s) => s.cpuFirstMs)
      rows.push(
        {measure: `${command.name}, wall`, base: ms(wall('base')), change: ms(wall('change')), ratio: ratio(wall('change'), wall('base'))},
        {measure: '  time to first request', base: ms(ttfr('base')), change: ms(ttfr('change')), ratio: ratio(ttfr('change'), ttfr('base')), target: '≤ 150 ms'},
        {measure: '    CPU before it', base: ms(cpuFirst('base')), change: ms(cpuFirst('change')), ratio: ratio(cpuFirst('change'), cpuFirst('base'))},
        {measure: '  exit after the last response', base: ms(lag('base')), change: ms(lag('change')), target: '≤ 20 ms'},
      )
    }

    // 3. Bulk: 200 references in 20 repositories with --platform, against a skopeo loop.
    if (ONLY.has('bulk')) {
      const bulkRefs = bench.repositories.flatMap((repository) => bench.tags.slice(0, 10).map((tag) => `${token}/${repository}:${tag}`))
      const refsFile = join(work, 'refs-200.txt')
      await writeFile(refsFile, `${bulkRefs.join('\n')}\n`)
      const bulkArgs = ['pull-check', '--json', '--platform', 'linux/amd64', '-f', refsFile]
      type Bulk = Sample & {manifestRequests: number; tokenRequests: number}
      const bulk: Partial<Record<'base' | 'change', Bulk>> = {}
      for (const [name, side] of [['base', base], ['change', change]] as const) {
        console.error(`bulk: ${bulkRefs.length} references with --platform (${name})…`)
        await env.resetRequestCounts()
        const s = await regctl(side, bulkArgs)
        assertOk(s, `regctl pull-check -f (${name})`)
        const report = JSON.parse(s.stdout) as {summary: {total: number; pullable: number}}
        if (report.summary.pullable !== bulkRefs.length) throw new Error(`bulk (${name}): ${report.summary.pullable}/${bulkRefs.length} pullable`)
        bulk[name] = {...s, manifestRequests: (await env.requestCounts('token')).byKind['manifest'] ?? 0, tokenRequests: (await env.tokenServer.stats()).total}
    }

    console.error(`bulk: a skopeo inspect loop over the same ${bulkRefs.length} references…`)
    const loop = `while read -r ref; do skopeo --override-os linux --override-arch amd64 inspect --no-tags --cert-dir "$CERT_DIR" --creds "$CREDS" "docker://$ref" >/dev/null || exit 1; done < "$REFS"`
    await env.resetRequestCounts()
    const skopeo = await measure('bash', ['-c', loop], {...childEnv, CERT_DIR: env.certDir, CREDS: `${pusher.username}:${pusher.password}`, REFS: refsFile})
    assertOk(skopeo, 'the skopeo loop')
    const skopeoManifests = (await env.requestCounts('token')).byKind['manifest'] ?? 0
    const b = bulk.base as Bulk
    const c = bulk.change as Bulk
    const perRef = (v: number | undefined) => (v === undefined ? undefined : v / bulkRefs.length)
    rows.push(
      {measure: `bulk: ${bulkRefs.length} refs / ${bench.repositories.length} repos --platform, wall (skopeo loop first)`, reference: ms(skopeo.wallMs), base: ms(b.wallMs), change: ms(c.wallMs), ratio: ratio(c.wallMs, b.wallMs)},
      {measure: '  speed-up over the skopeo loop', base: ratio(skopeo.wallMs, b.wallMs), change: ratio(skopeo.wallMs, c.wallMs), target: '≥ 10×'},
      {measure: '  manifest requests / reference', reference: (skopeoManifests / bulkRefs.length).toFixed(3), base: (b.manifestRequests / bulkRefs.length).toFixed(3), change: (c.manifestRequests / bulkRefs.length).toFixed(3), target: '≤ 1.05'},
      {measure: '  token requests / repository', base: (b.tokenRequests / bench.repositories.length).toFixed(2), change: (c.tokenRequests / bench.repositories.length).toFixed(2)},
      {measure: '  connections', base: String(b.connections), change: String(c.connections)},
      {measure: '  CPU (user + sys) / reference', base: `${perRef(b.cpuMs)?.toFixed(2)} ms`, change: `${perRef(c.cpuMs)?.toFixed(2)} ms`, target: '≤ 1.5 ms'},
      {measure: '  peak RSS', base: `${b.maxRssMiB?.toFixed(1)} MiB`, change: `${c.maxRssMiB?.toFixed(1)} MiB`},
    )
    }

    // 4. Peak RSS for every bench reference (1,000 by default), --platform.
    if (!ONLY.has('memory')) return rows
    const allFile = join(work, 'refs-all.txt')
    await writeFile(allFile, `${bench.references.join('\n')}\n`)
    // Peak RSS and CPU vary from run to run (GC timing, the machine's load): the median of a few
    // runs per side, paired (BENCH_MEMORY_RUNS, default 3).
    const memoryRuns = Math.max(1, Number(process.env['BENCH_MEMORY_RUNS'] ?? 3))
    const rss: Record<'base' | 'change', Sample[]> = {base: [], change: []}
    for (let i = 0; i < memoryRuns; i++) {
      for (const [name, side] of [['base', base], ['change', change]] as const) {
        console.error(`memory: ${bench.references.length} references (${name}, run ${i + 1}/${memoryRuns})…`)
        const s = await regctl(side, ['pull-check', '--json', '--platform', 'linux/amd64', '-f', allFile])
        assertOk(s, `regctl pull-check ${bench.references.length} refs (${name})`)
        rss[name].push(s)
      }
    }

    const peak = (k: 'base' | 'change') => med(rss[k], (s) => s.maxRssMiB)
    const cpuPerRef = (k: 'base' | 'change') => (med(rss[k], (s) => s.cpuMs) ?? Number.NaN) / bench.references.length
    rows.push({
      measure: `peak RSS, ${bench.references.length} distinct references (median of ${memoryRuns})`,
      base: `${peak('base')?.toFixed(1)} MiB`,
      change: `${peak('change')?.toFixed(1)} MiB`,
      ratio: ratio(peak('change'), peak('base')),
      target: '≤ 120 MiB',
    }, {
      measure: '  CPU (user + sys) / reference',
      base: `${cpuPerRef('base').toFixed(2)} ms`,
      change: `${cpuPerRef('change').toFixed(2)} ms`,
      target: '≤ 1.5 ms',
    })
    return rows
  } finally {
    await github.close()
  }
}
