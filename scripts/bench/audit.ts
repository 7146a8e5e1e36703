/**
 * `npm run bench`, the audit part (issue #9): `regctl audit` on a generated repository of realistic
 * size — 2,000 files, among them 30 Dockerfiles and 30 GitHub Actions workflows, Compose files and
 * Kubernetes manifests — offline, so the figure is the audit's own time beyond the network
 * (target: under 2 s, process start included). Prints the median of BENCH_AUDIT_RUNS (default 7)
 * runs; asserts nothing.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

/** Files of the generated repository. */
export const AUDIT_BENCH_FILES = 2000

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), {recursive: true})
  writeFileSync(join(root, path), text)
}

/** Writes the repository and returns its directory and file count. */
export function generateAuditRepository(): {dir: string; files: number} {
  const dir = mkdtempSync(join(tmpdir(), 'regctl-bench-audit-'))
  let files = 0
  const add = (path: string, text: string): void => {
    write(dir, path, text)
    files++
  }

  for (let i = 0; i < 30; i++) {
    add(`services/svc${i}/Dockerfile`, `# syntax=docker/dockerfile:1\nARG NODE=20\nFROM node:\${NODE}-alpine AS build\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app/dist /app\nENV PORT=8080\nCMD ["/app/index.js"]\n`)
    add(`services/svc${i}/.dockerignore`, 'node_modules\n.git\n**/.env*\n')
    add(`services/svc${i}/compose.yaml`, `services:\n  svc${i}:\n    image: registry.example.com/acme/svc${i}:1.${i}\n    platform: linux/amd64\n  db:\n    image: postgres:16\n`)
    add(`.github/workflows/svc${i}.yml`, `name: svc${i}\non: push\npermissions:\n  contents: read\n  packages: write\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: node:20\n    services:\n      redis:\n        image: redis:7\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          username: \${{ github.actor }}\n          password: \${{ secrets.GITHUB_TOKEN }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/svc${i}:latest\n`)
    add(`deploy/k8s/svc${i}.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc${i}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${i}\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: migrate\n          image: registry.example.com/acme/svc${i}-migrate:1\n      containers:\n        - name: app\n          image: registry.example.com/acme/svc${i}:1.${i}\n`)
  }

  for (let i = 0; files < AUDIT_BENCH_FILES; i++) {
    const svc = i % 30
    const kind = i % 4
    if (kind === 0) add(`services/svc${svc}/src/module${i}.ts`, `export function f${i}(x: number): number {\n  return x * ${i}\n}\n`.repeat(20))
    else if (kind === 1) add(`services/svc${svc}/test/module${i}.test.ts`, `import {f${i - 1}} from '../src/module${i - 1}.js'\n// test\n`.repeat(10))
    else if (kind === 2) add(`docs/page${i}.md`, `# Page ${i}\n\nSome documentation text.\n`.repeat(30))
    else add(`services/svc${svc}/config/settings${i}.json`, JSON.stringify({name: `svc${svc}`, index: i, flags: Array.from({length: 20}, (_, n) => n)}, null, 2))
  }

  return {dir, files}
}

/** Runs the audit `runs` times on a generated repository; prints and returns the median in ms. */
export function benchAudit(bin: string, node: string, runs = Number(process.env['BENCH_AUDIT_RUNS'] ?? 7)): number {
  const {dir, files} = generateAuditRepository()
  try {
    const times: number[] = []
    let images = 0
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint()
      const out = execFileSync(node, [bin, 'audit', dir, '--offline', '--no-credentials', '--fail-on', 'never', '--format', 'json'], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
      times.push(Number(process.hrtime.bigint() - started) / 1e6)
      images = (JSON.parse(out) as {images: unknown[]}).images.length
    }

    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN
    console.log(`audit of a generated repository: ${files} files (30 Dockerfiles, 30 workflows, 30 Compose files, 30 manifests), ${images} images listed, offline`)
    console.log(`  median ${median.toFixed(0)} ms of ${runs} runs (min ${times[0]?.toFixed(0)}, max ${times.at(-1)?.toFixed(0)}), process start included; target < 2000 ms beyond network time`)
    return median
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

// `tsx scripts/bench/audit.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) benchAudit(join(import.meta.dirname, '..', '..', 'bin', 'run.js'), process.execPath)
