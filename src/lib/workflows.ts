/**
 * GitHub Actions workflows (`.github/workflows/*.yml`) as `regctl audit` reads them (issue #9): the
 * images a workflow runs — `jobs.<id>.container` (a string or `{image}`), `jobs.<id>.services.<name>.image`
 * and `uses: docker://IMAGE` steps — each with its line, and per job what the GHCR push rule needs:
 * whether it pushes to ghcr.io, with which token it logs in, and its effective `permissions`.
 * Syntax: https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions.
 * Values holding an expression (`${{ … }}`) cannot be known before the run and are reported as
 * such. Parsed with the `yaml` package so that line numbers survive. Pure: text in, data out.
 */
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap} from 'yaml'

/** An image a workflow names. */
export type WorkflowImage = {
  job: string
  /** `container`, `service <name>`, `step`. */
  role: string
  image: string
  line: number
  /** True when the value holds `${{ … }}`: not checked. */
  expression: boolean
}

/** The token a job logs in to ghcr.io with. */
export type GhcrLogin = 'workflow-token' | 'secret' | 'unknown'

/** Permissions in force: the job's, else the workflow's. */
export type EffectivePermissions =
  | {kind: 'none'}
  | {kind: 'explicit'; packagesWrite: boolean; from: 'job' | 'workflow'; line: number; text: string}

/** A job that pushes an image to ghcr.io. */
export type GhcrPushJob = {
  job: string
  /** Line of the job's key. */
  line: number
  /** Line of the step that pushes. */
  pushLine: number
  login: GhcrLogin
  /** Line of the login step, when there is one. */
  loginLine?: number
  permissions: EffectivePermissions
}

export type WorkflowParseResult =
  | {ok: true; images: WorkflowImage[]; ghcrPushes: GhcrPushJob[]}
  | {ok: false; message: string; line?: number}

/** True for files GitHub runs as workflows: `.github/workflows/*.yml|yaml` (not in subfolders). */
export function isWorkflowPath(path: string): boolean {
  return /^(?:.*\/)?\.github\/workflows\/[^/]+\.ya?ml$/.test(path)
}

const EXPRESSION = '${{'

const lineOf = (node: Node | null | undefined, counter: LineCounter): number => {
  const start = node?.range?.[0]
  return start === undefined ? 1 : counter.linePos(start).line
}

const scalarText = (node: unknown): string | undefined => (isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined)

function mapGet(map: YAMLMap, key: string): Node | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && pair.key.value === key) return (pair.value ?? undefined) as Node | undefined
  }

  return undefined
}

/** Line of `key:` in a map (where the user edits), 1 when absent. */
function keyLine(map: YAMLMap, key: string, counter: LineCounter): number {
  for (const pair of map.items) if (isScalar(pair.key) && pair.key.value === key) return lineOf(pair.key, counter)
  return 1
}

/** Effective `packages` write permission of `permissions:` in `owner` (a map, `write-all`, `read-all`). */
function permissionsOf(owner: YAMLMap, from: 'job' | 'workflow', counter: LineCounter): EffectivePermissions | undefined {
  const node = mapGet(owner, 'permissions')
  if (node === undefined) return undefined
  const line = keyLine(owner, 'permissions', counter)
  const text = scalarText(node)
  if (text !== undefined) return {kind: 'explicit', packagesWrite: text === 'write-all', from, line, text}
  if (isMap(node)) {
    const packages = scalarText(mapGet(node, 'packages'))
    return {kind: 'explicit', packagesWrite: packages === 'write', from, line, text: packages === undefined ? 'no packages entry' : `packages: ${packages}`}
  }

  // `permissions: {}` parses as a map; anything else grants nothing.
  return {kind: 'explicit', packagesWrite: false, from, line, text: 'none'}
}

/** Does a `run:` script push to ghcr.io? (docker/podman/buildah push, buildx build --push). Line-by-line, linear. */
function runPushesToGhcr(script: string): boolean {
  return script.split('\n').some((line) => {
    if (!line.includes('ghcr.io/')) return false
    if (/\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b/.test(line)) return true
    return /\bbuildx\s+build\b/.test(line) && /(?:^|\s)--push\b/.test(line)
  })
}

/** The token of a `docker login ghcr.io` in a script, if any. */
function runLogin(script: string): GhcrLogin | undefined {
  for (const line of script.split('\n')) {
    if (!/\b(?:docker|podman|buildah)\s+login\b/.test(line) || !line.includes('ghcr.io')) continue
    return tokenKind(line) ?? 'unknown'
  }

  return undefined
}

/** `secrets.GITHUB_TOKEN` / `github.token` → the workflow token; another secret → a PAT secret. */
function tokenKind(text: string): GhcrLogin | undefined {
  if (/secrets\.GITHUB_TOKEN\b|\bgithub\.token\b/.test(text)) return 'workflow-token'
  if (/secrets\.[A-Za-z_]/.test(text)) return 'secret'
  return undefined
}

type JobScan = {images: WorkflowImage[]; push?: GhcrPushJob}

function scanJob(name: string, job: YAMLMap, keyLine: number, workflowPermissions: EffectivePermissions | undefined, counter: LineCounter): JobScan {
  const images: WorkflowImage[] = []
  const image = (role: string, node: Node | undefined): void => {
    const value = scalarText(node)
    if (value === undefined || value.trim() === '') return
    images.push({job: name, role, image: value.trim(), line: lineOf(node, counter), expression: value.includes(EXPRESSION)})
  }

  const container = mapGet(job, 'container')
  if (isMap(container)) image('container', mapGet(container, 'image'))
  else image('container', container)

  const services = mapGet(job, 'services')
  if (isMap(services)) {
    for (const pair of services.items) {
      const service = pair.value as Node | null
      const serviceName = scalarText(pair.key) ?? '?'
      if (isMap(service)) image(`service ${serviceName}`, mapGet(service, 'image'))
    }
  }

  let pushLine: number | undefined
  let login: GhcrLogin | undefined
  let loginLine: number | undefined
  let metadataGhcr = false
  let expressionTags: number | undefined
  let loginToGhcr = false
  const steps = mapGet(job, 'steps')
  for (const step of isSeq(steps) ? (steps.items as Node[]) : []) {
    if (!isMap(step)) continue
    const uses = scalarText(mapGet(step, 'uses')) ?? ''
    const withNode = mapGet(step, 'with')
    const withMap = isMap(withNode) ? withNode : undefined
    const arg = (key: string): string => (withMap ? (scalarText(mapGet(withMap, key)) ?? '') : '')
    if (uses.startsWith('docker://')) image('step', mapGet(step, 'uses'))
    // For docker:// the image is the value after the scheme.
    if (uses.startsWith('docker://')) {
      const last = images.at(-1)
      if (last) last.image = last.image.slice('docker://'.length)
    }

    const action = uses.split('@')[0]?.toLowerCase() ?? ''
    if (action === 'docker/login-action' && arg('registry').startsWith('ghcr.io')) {
      login = tokenKind(arg('password')) ?? 'unknown'
      loginLine = lineOf(step, counter)
      loginToGhcr = true
    } else if (action === 'docker/metadata-action' && arg('images').includes('ghcr.io/')) {
      metadataGhcr = true
    } else if (action === 'docker/build-push-action') {
      const push = arg('push')
      const pushes = push === 'true' || push.includes(EXPRESSION)
      const tags = arg('tags')
      if (pushes && tags.includes('ghcr.io/')) pushLine ??= lineOf(step, counter)
      else if (pushes && tags.includes(EXPRESSION)) expressionTags ??= lineOf(step, counter)
    }

    const run = scalarText(mapGet(step, 'run'))
    if (run !== undefined) {
      if (runPushesToGhcr(run)) pushLine ??= lineOf(step, counter)
      const runToken = runLogin(run)
      if (runToken !== undefined) {
        login = runToken === 'unknown' ? (tokenKind(JSON.stringify(step.toJSON())) ?? 'unknown') : runToken
        loginLine = lineOf(step, counter)
        loginToGhcr = true
      }
    }
  }

  // Tags from docker/metadata-action (`${{ steps.meta.outputs.tags }}`) go to ghcr.io when its
  // `images` do, or when the job logs in to ghcr.io.
  if (pushLine === undefined && expressionTags !== undefined && (metadataGhcr || loginToGhcr)) pushLine = expressionTags
  if (pushLine === undefined) return {images}
  const permissions = permissionsOf(job, 'job', counter) ?? workflowPermissions ?? {kind: 'none'}
  return {images, push: {job: name, line: keyLine, pushLine, login: login ?? 'unknown', ...(loginLine === undefined ? {} : {loginLine}), permissions}}
}

/** Reads a workflow file. YAML errors give `ok: false` with the line. */
export function parseWorkflow(text: string): WorkflowParseResult {
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter, prettyErrors: false, uniqueKeys: false})
  const error = doc.errors[0]
  if (error) return {ok: false, message: error.message.split('\n')[0] ?? 'invalid YAML', line: counter.linePos(error.pos[0]).line}
  const root = doc.contents
  if (!isMap(root)) return {ok: true, images: [], ghcrPushes: []}
  const workflowPermissions = permissionsOf(root, 'workflow', counter)
  const jobs = mapGet(root, 'jobs')
  const images: WorkflowImage[] = []
  const ghcrPushes: GhcrPushJob[] = []
  if (isMap(jobs)) {
    for (const pair of jobs.items) {
      if (!isMap(pair.value)) continue
      const scan = scanJob(scalarText(pair.key) ?? '?', pair.value, lineOf(pair.key as Node, counter), workflowPermissions, counter)
      images.push(...scan.images)
      if (scan.push) ghcrPushes.push(scan.push)
    }
  }

  return {ok: true, images, ghcrPushes}
}
