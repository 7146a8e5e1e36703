/**
 * `npm run bench:parsers`: how long the pure parsers take on their worst inputs — the adversarial
 * near-miss references (catastrophic backtracking would show here), a 50,000-line reference list,
 * and platform matching for absurd variants. The unit tests assert the behaviour and the work
 * bounds (input size, variant steps); the wall clock is measured here and asserts nothing.
 *
 *   npm run bench:parsers
 *   BENCH_RUNS=50 npm run bench:parsers
 */
import {performance} from 'node:perf_hooks'

import {bestMatch} from '../../src/lib/platform.js'
import {parseReferenceList} from '../../src/lib/reference-list.js'
import {parseReference} from '../../src/lib/reference.js'
import {NEAR_MISS_REFERENCES} from '../../test/fixtures/reference-near-misses.js'

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20)

/** Median and maximum milliseconds of `RUNS` calls of `work`. */
function measure(work: () => void): {median: number; max: number} {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    work()
    times.push(performance.now() - started)
  }

  times.sort((a, b) => a - b)
  return {median: times[Math.floor(times.length / 2)] ?? 0, max: times.at(-1) ?? 0}
}

function row(name: string, work: () => void): void {
  const {median, max} = measure(work)
  console.log(`${name.padEnd(44)} median ${median.toFixed(3).padStart(9)} ms   max ${max.toFixed(3).padStart(9)} ms`)
}

function rejects(input: string): () => void {
  return () => {
    try {
      parseReference(input)
    } catch {
      return
    }

    throw new Error(`expected a rejection: ${input.slice(0, 20)}`)
  }
}

console.log(`regctl parser bench — ${new Date().toISOString()} — ${RUNS} runs each, node ${process.version}`)
for (const input of NEAR_MISS_REFERENCES) row(`parseReference ${JSON.stringify(input.slice(0, 12))}… (${input.length})`, rejects(input))
const list = Array.from({length: 50_000}, (_, i) => `registry.example.com/app-${i}:v${i}  # entry ${i}`).join('\n')
row('parseReferenceList 50,000 lines', () => void parseReferenceList(list))
const candidates = [{os: 'linux', architecture: 'arm', variant: 'v5'}]
row('bestMatch linux/arm/v999999999 → arm/v5', () => void bestMatch({os: 'linux', architecture: 'arm', variant: 'v999999999'}, candidates))
