/**
 * A finding: a problem (or a note) that a check found, as data. Commands decide the exit code from
 * the severities (`--fail-on`); renderers turn findings into tables, markdown, SARIF and GitHub
 * Actions annotations. Shared by `auth status` and `audit`.
 */
import type {Count} from '../json-types.js'

export type Severity = 'error' | 'warning' | 'note'

/** Severity order for `--fail-on`: a finding fails the run when its rank ≥ the threshold's. */
export const SEVERITY_RANK: Record<Severity, number> = {note: 0, warning: 1, error: 2}

export type FindingLocation = {
  /** Path relative to the audited root (SARIF `%SRCROOT%`), `/`-separated. */
  file: string
  line?: Count
  column?: Count
}

export type Finding = {
  /**
   * Stable rule id, e.g. `context/secret-not-ignored`, `credentials/plaintext`. Never renamed.
   *
   * @pattern ^[a-z]+/[a-z0-9-]+$
   */
  ruleId: string
  severity: Severity
  /** One line saying what is wrong. Never contains a secret (redact first). */
  message: string
  location?: FindingLocation
  /** What the user can do about it (a command when there is one). */
  fix?: string
  /** The registry or image the finding is about, when it is about one. */
  subject?: string
  /**
   * Stable identity across runs (./fingerprint.ts): SARIF `partialFingerprints`, baseline key.
   *
   * @pattern ^[0-9a-f]{64}$
   */
  fingerprint?: string
  /**
   * With `audit --baseline`: `unchanged` when the baseline records this finding (reported, but out
   * of the exit code), `new` otherwise. SARIF `result.baselineState`.
   */
  baselineState?: 'new' | 'unchanged'
}

/** A rule's fixed metadata (SARIF `tool.driver.rules[]`, the help text of `--format markdown`). */
export type Rule = {
  id: string
  name: string
  defaultSeverity: Severity
  shortDescription: string
  help: string
}

/**
 * True when `findings` contain one at or above `threshold` (`never` never fails). Baselined
 * findings (`baselineState: 'unchanged'`) never count.
 */
export function reachesThreshold(findings: readonly Finding[], threshold: Severity | 'never'): boolean {
  if (threshold === 'never') return false
  return findings.some((f) => f.baselineState !== 'unchanged' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold])
}
