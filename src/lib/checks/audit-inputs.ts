/**
 * The inputs of `regctl audit` other than the repository itself, as pure functions: the
 * `--images FILE` list, the `--context DIR` path, the credential findings of an `auth status`
 * result, and where SARIF puts findings without a file in GitHub Actions.
 */
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {UsageError} from '../errors.js'
import {parseReferenceList} from '../reference-list.js'
import type {AuditImage} from './audit.js'
import type {AuthStatusResult} from './auth-status-types.js'
import type {Finding, FindingLocation} from './finding.js'

/** `target` relative to `root` with `/` separators, or undefined when it lies outside. */
export function pathInside(root: string, target: string): string | undefined {
  const rel = relative(root, target)
  if (rel === '') return ''
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined
  return rel.split(sep).join('/')
}

/**
 * The images of `--images FILE` (one reference per line, `#` comments); each is located at its
 * line when the file lies inside the audited root, so findings point at it.
 */
export function imagesFromList(text: string, root: string, file: string): AuditImage[] {
  const path = pathInside(root, resolve(file))
  return parseReferenceList(text).map(({line, input}) => ({image: input, ...(path === undefined ? {} : {location: {file: path, line}})}))
}

/** `--context DIR` as a path relative to the audited root; it must lie inside it. */
export function contextWithin(root: string, dir: string): string {
  const rel = pathInside(root, resolve(dir))
  if (rel === undefined) throw new UsageError(`--context ${dir} is outside the audited directory ${root}`)
  return rel
}

/** The audit's credentials part: the findings about files and helpers, then those of each registry. */
export function credentialFindings(result: Pick<AuthStatusResult, 'findings' | 'registries'>): Finding[] {
  return [...result.findings, ...result.registries.flatMap((registry) => registry.findings)]
}

/** The GitHub Actions variables the audit reads. */
export type GitHubActionsEnv = {
  GITHUB_ACTIONS?: string | undefined
  GITHUB_WORKFLOW_REF?: string | undefined
  GITHUB_WORKSPACE?: string | undefined
}

/**
 * Where SARIF results without a file go in GitHub Actions: the workflow file that ran the audit
 * (from GITHUB_WORKFLOW_REF, `owner/repo/.github/workflows/x.yml@ref`), so credential findings show
 * in code scanning; only when the audited root is the checkout (GITHUB_WORKSPACE).
 */
export function workflowLocation(env: GitHubActionsEnv, root: string): FindingLocation | undefined {
  const ref = env.GITHUB_WORKFLOW_REF
  const workspace = env.GITHUB_WORKSPACE
  if (env.GITHUB_ACTIONS !== 'true' || !ref || !workspace || resolve(workspace) !== root) return undefined
  const match = /^[^/]+\/[^/]+\/(\.github\/workflows\/[^@]+)@/.exec(ref)
  return match?.[1] ? {file: match[1]} : undefined
}
