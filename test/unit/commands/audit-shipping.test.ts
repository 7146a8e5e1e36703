/**
 * The files that ship regctl, checked for the practices issue #5 asks for: the Dockerfile (pinned
 * slim base, manifests and `npm ci --omit=dev` before the code, multi-stage, non-root, exec-form
 * ENTRYPOINT, OCI labels, no keyring), the composite action (Node 24, the published package
 * instead of a build per run, SARIF upload even on failure, inputs never spliced into scripts),
 * and the oclif plugins in package.json (issues #5 and #13).
 * There is no Docker daemon here: the Dockerfile is parsed, not built.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {parseDockerfile, resolveFroms} from '../../../src/lib/dockerfile.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

describe('Dockerfile', () => {
  const parsed = parseDockerfile(read('Dockerfile'))
  const instructions = parsed.instructions
  const froms = resolveFroms(parsed)
  const stageStart = instructions.findLastIndex((i) => i.keyword === 'FROM')
  const runtime = instructions.slice(stageStart)
  const indexOf = (predicate: (keyword: string, args: string) => boolean): number => runtime.findIndex((i) => predicate(i.keyword, i.args))

  it('builds in one stage and runs from a second, both on the same pinned slim Node 24 base', () => {
    expect(froms).toHaveLength(2)
    for (const from of froms) {
      expect(from.unresolved).toEqual([])
      expect(from.image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/)
    }

    expect(froms[0]?.image).toBe(froms[1]?.image)
    expect(instructions[stageStart]?.args).toMatch(/ AS runtime$/)
  })

  it('runtime stage: WORKDIR, manifests + npm ci --omit=dev before the compiled code, non-root, exec-form ENTRYPOINT', () => {
    const workdir = indexOf((k) => k === 'WORKDIR')
    const manifests = indexOf((k, a) => k === 'COPY' && a.includes('package.json') && a.includes('package-lock.json'))
    const install = indexOf((k, a) => k === 'RUN' && /npm ci\b.*--omit=dev/.test(a))
    const dist = indexOf((k, a) => k === 'COPY' && a.startsWith('--from=build') && a.includes('/app/dist'))
    const user = indexOf((k, a) => k === 'USER' && a === 'node')
    const entrypoint = runtime.find((i) => i.keyword === 'ENTRYPOINT')
    expect([workdir, manifests, install, dist].every((i) => i >= 0)).toBe(true)
    expect(workdir).toBeLessThan(manifests)
    expect(manifests).toBeLessThan(install)
    expect(install).toBeLessThan(dist)
    expect(user).toBeGreaterThan(dist)
    expect(JSON.parse(entrypoint?.args ?? 'null')).toEqual(['node', '/app/bin/run.js'])
    // Nothing copies the whole context: the image gets what it needs and no more.
    expect(instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && /(^|\s)\.\s/.test(`${i.args} `))).toEqual([])
  })

  it('runtime stage: OCI labels (source links the GHCR package; version and revision from build args), no keyring, one config path for any uid', () => {
    const labels = runtime.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ')
    for (const key of ['title', 'description', 'licenses', 'source', 'version', 'revision']) expect(labels).toContain(`org.opencontainers.image.${key}=`)
    const pkg = JSON.parse(read('package.json')) as {repository: {url: string}; license: string}
    expect(pkg.repository.url).toContain(/org\.opencontainers\.image\.source="([^"]+)"/.exec(labels)?.[1] ?? 'missing')
    expect(labels).toContain('org.opencontainers.image.version="${VERSION}"')
    expect(labels).toContain('org.opencontainers.image.revision="${REVISION}"')
    expect(runtime.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0])).toEqual(expect.arrayContaining(['VERSION', 'REVISION']))
    const env = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ')
    expect(env).toMatch(/\bREGCTL_NO_KEYRING=1\b/)
    expect(env).toMatch(/\bDOCKER_CONFIG=\/home\/node\/\.docker\b/)
  })
})

describe('action.yml', () => {
  type Step = {name?: string; id?: string; if?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; with?: Record<string, unknown>; 'working-directory'?: string}
  const action = parse(read('action.yml')) as {inputs: Record<string, {default?: string}>; runs: {using: string; steps: Step[]}}
  const steps = action.runs.steps

  it('is a composite action: Node 24, the published package of its own version (no npm ci + tsc per run), audit to SARIF, uploaded even on failure', () => {
    expect(action.runs.using).toBe('composite')
    expect(steps[0]).toMatchObject({uses: 'actions/setup-node@v6', with: {'node-version': 24}})
    const install = steps.find((s) => s.id === 'install')
    expect(install?.['working-directory']).toBe('${{ github.action_path }}')
    expect(install?.run).toContain('npm install --global --prefix "$prefix" --omit=dev')
    expect(install?.run).toContain('"regctl-audit@$version"')
    for (const step of steps) expect(step.run ?? '', step.name).not.toMatch(/npm ci|npm run build|\btsc\b/)
    const audit = steps.find((s) => s.id === 'audit')
    expect(audit?.run).toContain('--format sarif --output "$INPUT_SARIF_FILE" --fail-on "$INPUT_FAIL_ON"')
    expect(audit?.run).toContain('--require-scope "$scope"')
    expect(audit?.run).toContain('--images "$INPUT_IMAGES"')
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))
    expect(upload?.uses).toBe('github/codeql-action/upload-sarif@v4')
    expect(upload?.if).toMatch(/^always\(\)/)
    expect(upload?.with).toMatchObject({sarif_file: '${{ inputs.sarif-file }}'})
    expect(action.inputs['fail-on']?.default).toBe('error')
    expect(Object.keys((action as unknown as {outputs: Record<string, unknown>}).outputs).sort()).toEqual(['errors', 'exit-code', 'sarif-file', 'warnings'])
  })

  it('never splices an input into a script (they arrive through env)', () => {
    for (const step of steps) {
      if (step.run) expect(step.run, step.name).not.toMatch(/\$\{\{/)
    }

    const audit = steps.find((s) => s.id === 'audit')
    for (const name of ['images', 'fail-on', 'require-scope', 'exclude', 'args', 'sarif-file', 'path']) {
      expect(Object.values(audit?.env ?? {})).toContain(`\${{ inputs.${name} }}`)
    }
  })
})

describe('package.json', () => {
  const pkg = JSON.parse(read('package.json')) as {oclif: {plugins?: string[]}; dependencies: Record<string, string>; engines: {node: string}}

  // plugin-not-found is replaced by src/hooks/command-not-found.ts: it exits 127 and prompts (Y/n) on a terminal.
  // @oclif/plugin-autocomplete is replaced by src/commands/autocomplete*.ts (fish, flag values, writes nothing).
  it('loads the help plugin, as a runtime dependency on a major that supports oclif 4 and Node 20', () => {
    expect(pkg.oclif.plugins).toEqual(['@oclif/plugin-help'])
    expect(pkg.dependencies['@oclif/plugin-autocomplete']).toBeUndefined()
    expect(pkg.dependencies['@oclif/plugin-not-found']).toBeUndefined()
    for (const plugin of pkg.oclif.plugins ?? []) {
      expect(pkg.dependencies[plugin]).toMatch(plugin === '@oclif/plugin-help' ? /^[~^]6\./ : /^[~^]3\./)
      const installed = JSON.parse(read(`node_modules/${plugin}/package.json`)) as {engines?: {node?: string}; dependencies?: Record<string, string>}
      expect(installed.engines?.node).toBe('>=18.0.0')
      expect(installed.dependencies?.['@oclif/core']).toMatch(/^\^4/)
    }
  })
})
