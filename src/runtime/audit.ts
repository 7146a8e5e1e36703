/**
 * Wires `audit` (src/lib/checks/audit.ts) to the real world: the audited directory and the files
 * named by flags, the registry client for the images part, the `auth status` wiring for the
 * credentials part, and the GitHub Actions environment the report is shipped to.
 */
import {resolve} from 'node:path'

import type {AuditOptions, AuditPart, CredentialsAudit} from '../lib/checks/audit.js'
import {contextWithin, credentialFindings, imagesFromList, workflowLocation} from '../lib/checks/audit-inputs.js'
import type {FindingLocation, Severity} from '../lib/checks/finding.js'
import {readFlagFile} from './files.js'
import {UsageError} from '../lib/errors.js'
import {nodeRepoFs} from './repository-fs.js'
import {parsePlatform} from '../lib/platform.js'
import {envValue, machinePlatform} from './environment.js'
import {isDirectory} from './files.js'
import {createRuntime, type Runtime} from './registry.js'

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
}

/** Where the report goes in GitHub Actions (`GITHUB_ACTIONS=true`). */
export type AuditCi = {
  /** Running in GitHub Actions: annotations are printed. */
  active: boolean
  /** `GITHUB_STEP_SUMMARY`, when set: the markdown report is appended to it. */
  stepSummary?: string
  /** The workflow file, for SARIF results without a file. */
  defaultLocation?: FindingLocation
}

/** The inputs of `audit`, the CI context of the report, and what to close afterwards. */
export type AuditWiring = {
  /** The audited directory, absolute. */
  root: string
  options: AuditOptions
  ci: AuditCi
  close(): Promise<void>
}

/**
 * Resolves and checks the inputs (usage errors first: a missing directory, an unreadable
 * `--images` file, a `--context` outside the root, a malformed `--platform`), then creates the
 * registry client only when images are checked (not offline, part enabled).
 */
export async function createAuditWiring(options: AuditWiringOptions): Promise<AuditWiring> {
  const root = resolve(options.dir)
  if (!(await isDirectory(root))) throw new UsageError(`${options.dir}: no such directory`)
  const images = options.imagesFile === undefined ? undefined : imagesFromList(await readFlagFile('--images', options.imagesFile), root, options.imagesFile)
  const context = options.context === undefined ? undefined : contextWithin(root, options.context)
  const version = options.version === undefined ? {} : {version: options.version}
  const runtime: Runtime | undefined =
    options.parts.images && !options.offline
      ? await createRuntime({insecureRegistries: options.insecureRegistries, timeoutSeconds: options.timeoutSeconds, ...version})
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
          ...(options.exclude ? {exclude: options.exclude} : {}),
          ...(context === undefined ? {} : {contextFor: () => context}),
        },
        pull: runtime
          ? {
              client: runtime.client,
              credentials: runtime.credentials,
              concurrency: options.concurrency,
              platform: options.platform ? parsePlatform(options.platform) : machinePlatform(),
              platformExplicit: options.platform !== undefined,
            }
          : undefined,
        credentials: options.parts.credentials ? credentialsAudit(options) : undefined,
        failOn: options.failOn,
      },
      ci: githubActions(root),
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

/** The GitHub Actions side of the environment. */
function githubActions(root: string): AuditCi {
  const env = {GITHUB_ACTIONS: envValue('GITHUB_ACTIONS'), GITHUB_WORKFLOW_REF: envValue('GITHUB_WORKFLOW_REF'), GITHUB_WORKSPACE: envValue('GITHUB_WORKSPACE')}
  const active = env.GITHUB_ACTIONS === 'true'
  const stepSummary = active ? envValue('GITHUB_STEP_SUMMARY') : undefined
  const defaultLocation = workflowLocation(env, root)
  return {active, ...(stepSummary === undefined ? {} : {stepSummary}), ...(defaultLocation ? {defaultLocation} : {})}
}
