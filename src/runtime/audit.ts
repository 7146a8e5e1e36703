/**
 * Wires `audit` (src/lib/checks/audit.ts) to the real world: the audited directory and the files
 * named by flags, the registry client for the images part, the `auth status` wiring for the
 * credentials part, and the GitHub Actions environment the report is shipped to.
 */
import {stat} from 'node:fs/promises'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import type {RunDeadline} from '../lib/deadline.js'
import type {AuditOptions, AuditPart, CredentialsAudit} from '../lib/checks/audit.js'
import {contextWithin, credentialFindings, imagesFromList, workflowLocation} from '../lib/checks/audit-inputs.js'
import type {FindingLocation, Severity} from '../lib/checks/finding.js'
import {readFlagFile} from './files.js'
import {UsageError} from '../lib/errors.js'
import {nodeRepoFs} from './repository-fs.js'
import {parsePlatform} from '../lib/platform.js'
import {envValue, machinePlatform} from './environment.js'
import {directoryProblem} from './files.js'
import {createRuntime, type Runtime} from './registry.js'
import {AUDIT_CONFIG_NAMES, MAX_CONFIG_BYTES, parseAuditConfig, type AuditConfig} from '../lib/checks/audit-config.js'
import {MAX_BASELINE_BYTES, parseBaseline} from '../lib/checks/baseline.js'
import {auditRules} from '../lib/checks/audit.js'
import {AUTH_RULES} from '../lib/checks/auth-rules.js'

/** The arguments and flags of `regctl audit` that decide its wiring. */
export type AuditWiringOptions = {
  /** `DIR`. */
  dir: string
  parts: Readonly<Record<AuditPart, boolean>>
  offline: boolean
  failOn: Severity | 'never'
  /** `--images FILE`. */
  imagesFile?: string | undefined
  /** `--context DIR`. */
  context?: string | undefined
  exclude?: string[] | undefined
  /** `--platform`; default this machine's. */
  platform?: string | undefined
  insecureRegistries: string[]
  concurrency: number
  /** `--require-scope`, passed to the credentials part. */
  requiredScopes: string[]
  timeoutSeconds: number
  version?: string
  /** The run's total deadline (`--deadline`). */
  deadline?: RunDeadline | undefined
  /** `--baseline FILE`. */
  baselineFile?: string | undefined
  /** `--no-config`: ignore `.regctl.yaml`. */
  noConfig?: boolean
}

/** Where the report goes in GitHub Actions (`GITHUB_ACTIONS=true`). */
export type AuditCi = {
  /** Running in GitHub Actions: annotations are printed. */
  active: boolean
  /** `GITHUB_STEP_SUMMARY`, when set: the markdown report is appended to it. */
  stepSummary?: string
  /** The workflow file, for SARIF results without a file. */
  defaultLocation?: FindingLocation
  /**
   * The repository root SARIF and annotations are relative to: GITHUB_WORKSPACE when the audited
   * root lies in it, else the git top level, else the audited root.
   */
  repoRoot: string
  /** The audited root relative to {@link repoRoot} (`''` when they are the same). */
  pathPrefix: string
}

/** The inputs of `audit`, the CI context of the report, and what to close afterwards. */
export type AuditWiring = {
  /** The audited directory, absolute. */
  root: string
  options: AuditOptions
  ci: AuditCi
  /** The repository config file read (relative to the root), when there is one. */
  configFile?: string
  close(): Promise<void>
}

/**
 * Resolves and checks the inputs (usage errors first: a missing directory, an unreadable
 * `--images` file, a `--context` outside the root, a malformed `--platform`), then creates the
 * registry client only when images are checked (not offline, part enabled).
 */
export async function createAuditWiring(options: AuditWiringOptions): Promise<AuditWiring> {
  const root = resolve(options.dir)
  const problem = await directoryProblem(root)
  if (problem !== undefined) throw new UsageError(`${options.dir}: ${problem}`)
  const images = options.imagesFile === undefined ? undefined : imagesFromList(await readFlagFile('--images', options.imagesFile), root, options.imagesFile)
  const context = options.context === undefined ? undefined : contextWithin(root, options.context)
  const version = options.version === undefined ? {} : {version: options.version}
  const config = options.noConfig ? undefined : await readAuditConfig(root)
  const baseline = options.baselineFile === undefined ? undefined : parseBaseline(await readBounded('--baseline', options.baselineFile, MAX_BASELINE_BYTES), options.baselineFile)
  const exclude = [...(config?.config.exclude ?? []), ...(options.exclude ?? [])]
  const ci = await githubActions(root)
  const runtime: Runtime | undefined =
    options.parts.images && !options.offline
      ? await createRuntime({insecureRegistries: options.insecureRegistries, timeoutSeconds: options.timeoutSeconds, deadline: options.deadline, ...version})
      : undefined
  try {
    return {
      root,
      options: {
        root,
        fs: nodeRepoFs,
        parts: options.parts,
        offline: options.offline,
        images,
        scan: {
          ...(exclude.length > 0 ? {exclude} : {}),
          ...(context === undefined ? {} : {contextFor: () => context}),
        },
        pull: runtime
          ? {
              client: runtime.client,
              credentials: runtime.credentials,
              credentialWarnings: (registry: string) => runtime.credentialWarnings(registry),
              concurrency: options.concurrency,
              platform: options.platform ? parsePlatform(options.platform, machinePlatform()) : machinePlatform(),
              platformExplicit: options.platform !== undefined,
            }
          : undefined,
        credentials: options.parts.credentials ? credentialsAudit(options) : undefined,
        failOn: options.failOn,
        ...(config ? {ruleSettings: config.config.rules} : {}),
        ...(baseline ? {baseline} : {}),
      },
      ci,
      ...(config ? {configFile: config.file} : {}),
      close: async () => runtime?.close(),
    }
  } catch (error) {
    await runtime?.close()
    throw error
  }
}

/**
 * The credentials part: the checks of `regctl auth status --fail-on never` with the same wiring
 * (credential sources, live checks, GitHub introspection, keyring), whose findings — about files
 * and helpers, and per registry — join the audit's.
 */
function credentialsAudit(options: AuditWiringOptions): CredentialsAudit {
  return async () => {
    const [{createAuthStatusWiring}, {authStatus}] = await Promise.all([import('./auth-status.js'), import('../lib/checks/auth-status.js')])
    const wiring = await createAuthStatusWiring({
      offline: options.offline,
      insecureRegistries: options.insecureRegistries,
      timeoutSeconds: options.timeoutSeconds,
      deadline: options.deadline,
      ...(options.version === undefined ? {} : {version: options.version}),
    })
    try {
      const result = await authStatus({
        ...wiring.deps,
        offline: options.offline,
        requiredScopes: options.requiredScopes,
        repository: undefined,
        failOn: 'never',
        // auth status's default --concurrency.
        concurrency: 8,
      })
      return {findings: credentialFindings(result)}
    } finally {
      await wiring.close()
    }
  }
}

/** The GitHub Actions side of the environment, and the repository root paths are relative to. */
async function githubActions(root: string): Promise<AuditCi> {
  const env = {GITHUB_ACTIONS: envValue('GITHUB_ACTIONS'), GITHUB_WORKFLOW_REF: envValue('GITHUB_WORKFLOW_REF'), GITHUB_WORKSPACE: envValue('GITHUB_WORKSPACE')}
  const active = env.GITHUB_ACTIONS === 'true'
  const stepSummary = active ? envValue('GITHUB_STEP_SUMMARY') : undefined
  const repoRoot = await repositoryRoot(root, env.GITHUB_WORKSPACE)
  const defaultLocation = workflowLocation(env, repoRoot)
  const pathPrefix = relative(repoRoot, root).split(sep).join('/')
  return {active, repoRoot, pathPrefix, ...(stepSummary === undefined ? {} : {stepSummary}), ...(defaultLocation ? {defaultLocation} : {})}
}

/** Directories walked up from the audited root looking for `.git`: a bound on a deep tree. */
const MAX_PARENT_LEVELS = 64

/**
 * The repository root (issue #9): GITHUB_WORKSPACE when the audited root lies inside it, else the
 * nearest ancestor (or the root itself) holding `.git` (a directory, or a file for worktrees and
 * submodules), else the audited root.
 */
export async function repositoryRoot(root: string, workspace: string | undefined): Promise<string> {
  if (workspace) {
    const ws = resolve(workspace)
    const rel = relative(ws, root)
    if (!rel.startsWith('..') && !isAbsolute(rel)) return ws
  }

  let dir = root
  for (let level = 0; level < MAX_PARENT_LEVELS; level++) {
    if (await stat(join(dir, '.git')).then(() => true, () => false)) return dir
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }

  return root
}

/** A file a flag names, refused past `limit` bytes with a one-line usage error. */
async function readBounded(flag: string, file: string, limit: number): Promise<string> {
  const size = (await stat(file).catch(() => undefined))?.size
  if (size !== undefined && size > limit) throw new UsageError(`${flag} ${file} is larger than ${limit} bytes`)
  return readFlagFile(flag, file)
}

/** `.regctl.yaml` (or `.regctl.yml`) at the audited root, parsed; undefined when there is none. */
async function readAuditConfig(root: string): Promise<{file: string; config: AuditConfig} | undefined> {
  for (const name of AUDIT_CONFIG_NAMES) {
    const path = join(root, name)
    const info = await stat(path).catch(() => undefined)
    if (!info?.isFile()) continue
    if (info.size > MAX_CONFIG_BYTES) throw new UsageError(`${path} is larger than ${MAX_CONFIG_BYTES} bytes`)
    const text = await readFlagFile('config file', path)
    const known = new Set(auditRules(AUTH_RULES).map((rule) => rule.id))
    return {file: name, config: parseAuditConfig(text, name, known)}
  }

  return undefined
}
