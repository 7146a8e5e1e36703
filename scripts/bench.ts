/**
 * `npm run bench`: issue 10's figures for a baseline build of regctl and for this checkout, side
 * by side, in one run, on the integration harness's real registries (docker-registry with TLS and
 * token auth on loopback), plus `docker manifest inspect` and a `skopeo inspect` loop as the
 * references. Prints what it measured; asserts nothing (wall-clock figures live here only).
 *
 *   npm run bench
 *   BENCH_BASELINE=<commit> BENCH_BASELINE_NODE=/usr/bin/node BENCH_RUNS=11 npm run bench
 *   BENCH_REPOSITORIES=20 BENCH_TAGS=50 npm run bench   (bulk: 10 tags per repository; memory: all)
 *   BENCH_ONLY=single,commands,bulk,memory,audit npm run bench   (only those parts; all by default)
 *
 * The baseline (default: main before issue 10) is built once into node_modules/.cache/ and run
 * with BENCH_BASELINE_NODE (default /usr/bin/node, the Node it ran on, when present); the change
 * runs on the node running this script.
 */
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {cpus} from 'node:os'
import {resolve} from 'node:path'

import {startEnvironment} from '../test/harness/environment.js'
import {DEFAULT_BASELINE, prepareBaseline} from './bench/baseline.js'
import {benchAudit} from './bench/audit.js'
import {benchSpeed, type Row, type Side} from './bench/speed.js'

const root = resolve(import.meta.dirname, '..')
const REPOSITORIES = Number(process.env['BENCH_REPOSITORIES'] ?? 20)
const TAGS = Number(process.env['BENCH_TAGS'] ?? 50)

function nodeVersion(node: string): string {
  return execFileSync(node, ['--version'], {encoding: 'utf8'}).trim()
}

function printTable(rows: Row[], header: Row): void {
  const columns = ['measure', 'reference', 'base', 'change', 'ratio', 'target'] as const
  const all = [header, ...rows]
  const widths = columns.map((c) => Math.max(...all.map((r) => (r[c] ?? '').length)))
  for (const r of all) console.log(columns.map((c, i) => (r[c] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd())
}

async function main(): Promise<void> {
  const baseNode = process.env['BENCH_BASELINE_NODE'] ?? (existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath)
  const baseline = await prepareBaseline(root, process.env['BENCH_BASELINE'] ?? DEFAULT_BASELINE)
  const head = execFileSync('git', ['-C', root, 'rev-parse', '--short=12', 'HEAD'], {encoding: 'utf8'}).trim()
  const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {encoding: 'utf8'}).trim() !== ''
  const base: Side = {...baseline, node: baseNode, nodeVersion: nodeVersion(baseNode)}
  const change: Side = {label: 'this checkout', commit: `${head}${dirty ? '+changes' : ''}`, bin: resolve(root, 'bin', 'run.js'), node: process.execPath, nodeVersion: process.version}

  console.error(`starting the registries and pushing ${REPOSITORIES}×${TAGS} tags…`)
  const env = await startEnvironment({extraRepositories: REPOSITORIES, tagsPerRepository: TAGS})
  try {
    const rows = await benchSpeed(env, base, change)
    console.log(`regctl bench — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    console.log(`base:   ${base.commit} on node ${base.nodeVersion}`)
    console.log(`change: ${change.commit} on node ${change.nodeVersion}`)
    console.log('medians of paired runs; ratio = change ÷ base; "reference" = docker manifest inspect / skopeo loop')
    printTable(rows, {measure: 'measure', reference: 'reference', base: 'base', change: 'change', ratio: 'ratio', target: 'target'})
    console.log('reproduce: npm run bench  (BENCH_BASELINE, BENCH_BASELINE_NODE, BENCH_RUNS, BENCH_REPOSITORIES, BENCH_TAGS, BENCH_ONLY, BENCH_MEMORY_RUNS)')
    // Issue 9: the audit of a realistic repository (its own generator and figures, scripts/bench/audit.ts).
    if ((process.env['BENCH_ONLY'] ?? 'audit').includes('audit')) benchAudit(change.bin, change.node)
  } finally {
    await env.stop()
  }
}

await main()
