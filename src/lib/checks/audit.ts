/**
 * `regctl audit` (issue #5): the whole check in one CI step. One call, {@link audit}, runs three
 * independent parts concurrently and merges their findings into one {@link AuditReport}:
 *
 * 1. **credentials** — the `auth status` findings, through an injected {@link CredentialsAudit};
 * 2. **images** — `pullCheck` for the images of `--images FILE`, or those the repository uses
 *    (`FROM` lines, Compose `image:` keys, found by `scanRepository`), each verdict that is not
 *    `pullable` turned into a finding at the line that names the image (./image-rules.ts);
 * 3. **context** — the build-context and Dockerfile findings of `scanRepository`.
 *
 * The repository is walked once: the same scan feeds the images part (when no `--images` is
 * given) and the context part. Nothing here prints, reads the process environment or touches the network
 * except through the injected client.
 */
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {BadPatternError, newPatternMatcher} from '../dockerignore.js'
import {redactText, UsageError} from '../errors.js'
import {AuthRuleId} from './auth-rules.js'
import {IMAGE_RULES, ImageRuleId, imageFinding} from './image-rules.js'
import {INDETERMINATE_VERDICTS, pullCheck, type ImageCheck, type PullCheckOptions, type PullCheckSummary} from './pull-check.js'
import type {RepoFs} from '../repo-fs.js'
import {scanRepository, type ScanOptions, type ScanResult} from './repo-images.js'
import {RULES} from './rules.js'
import type {RuleSetting} from './audit-config.js'
import {applyBaseline} from './baseline.js'
import {findingFingerprint} from './fingerprint.js'
import {parsePlatform, type Platform} from '../platform.js'
import {GHCR_PUSH_RULE} from './ghcr-push-rule.js'
import {reachesThreshold, SEVERITY_RANK, type Finding, type FindingLocation, type Rule, type Severity} from './finding.js'
import type {Count, DurationMs} from '../json-types.js'

/** The three parts of an audit, in report order. */
export const AUDIT_PARTS = ['credentials', 'images', 'context'] as const
export type AuditPart = (typeof AUDIT_PARTS)[number]

/**
 * The credentials part: runs the `auth status` checks and returns their findings. The command
 * wires it to `authStatus` (src/lib/checks/auth-status.ts); tests pass a fake.
 */
export type CredentialsAudit = () => Promise<{findings: Finding[]}>

/** An image to check and where it is named (relative to the audited root). */
export type AuditImage = {
  image: string
  location?: FindingLocation
  /** The platform this occurrence is deployed for (Compose `platform:`), overriding `--platform`. */
  platform?: string
}

/** Why a part did not run. */
export type SkipReason = 'disabled' | 'offline' | 'unavailable'

/** What became of one part: part of the `--json` contract. */
export type PartReport =
  | {status: 'ran'; durationMs: DurationMs; findings: Count}
  | {status: 'skipped'; reason: SkipReason}

/** One image occurrence and, when it was checked, its verdict. */
export type AuditedImage = AuditImage & {
  reference?: string
  verdict?: ImageCheck['verdict']
  message?: string
  credential?: ImageCheck['credential']
}

/** The result of {@link audit}: the `--json` contract (docs/json/audit.schema.json). */
export type AuditReport = {
  /** The audited directory as given to {@link audit}. */
  root: string
  offline: boolean
  failOn: Severity | 'never'
  parts: Record<AuditPart, PartReport>
  /** Platform indexes were resolved for (absent when no image was checked). */
  platform?: string
  /** Every image occurrence, in discovery (or `--images`) order. */
  images: AuditedImage[]
  /** All findings: errors first, then by file, line and rule. */
  findings: Finding[]
  summary: {
    /** Findings per severity, baselined ones left out. */
    findings: Record<Severity, Count>
    /** With `--baseline`: findings the baseline records (still listed in `findings`). */
    baselined?: Count
    images: PullCheckSummary & {unchecked: Count}
  }
  /**
   * 1 when a finding reaches `failOn`; else 3 when an image could not be checked (its
   * `image/undetermined` finding neither turned off nor baselined: an unreachable registry is never
   * an all-good gate, as pull-check and auth status say), or when `--deadline` cut the run; else 0.
   */
  exitCode: 0 | 1 | 3
  durationMs: DurationMs
}

/** Inputs of {@link audit}. */
export type AuditOptions = {
  /** The directory audited (absolute, or relative to the process's directory). */
  root: string
  fs: RepoFs
  /** Parts to run; a disabled part is reported as skipped. */
  parts: Readonly<Record<AuditPart, boolean>>
  /** No network: the images part is skipped (the images are still listed). */
  offline: boolean
  /** `--images`: check these instead of the images the repository uses. */
  images?: readonly AuditImage[] | undefined
  /** Walk bounds, `--exclude` patterns and `--context` for `scanRepository`. */
  scan?: ScanOptions | undefined
  /** The registry side of the images part; required unless it is disabled or `offline`. */
  pull?: Omit<PullCheckOptions, 'now'> | undefined
  /** The credentials part; when absent (and enabled) the part is reported `unavailable`. */
  credentials?: CredentialsAudit | undefined
  failOn: Severity | 'never'
  /** Rule severities of the repository config file (`off` drops the rule's findings). */
  ruleSettings?: ReadonlyMap<string, RuleSetting> | undefined
  /** Fingerprints of `--baseline FILE`: those findings are `unchanged` and out of the exit code. */
  baseline?: ReadonlySet<string> | undefined
  now?: (() => number) | undefined
}

/**
 * Every rule an audit can report, for SARIF `tool.driver.rules` and the markdown help: the
 * repository rules, the image rules and any `extra` catalogue (the credentials rules), each id once.
 */
export function auditRules(extra: readonly Rule[] = []): Rule[] {
  const byId = new Map<string, Rule>()
  for (const rule of [...RULES, ...IMAGE_RULES, GHCR_PUSH_RULE, ...extra]) if (!byId.has(rule.id)) byId.set(rule.id, rule)
  return [...byId.values()]
}

/** Scan findings that belong to the images part (discovery), not to the build context. */
const DISCOVERY_RULES = new Set(['repo/unresolved-image', 'repo/parse-error'])

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note']

/** Code-point order: unlike `localeCompare`, the same on every machine and locale. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Errors first, then file (findings without one last), line, rule, message: stable output for
 * diffs and snapshots.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    byCodePoint(a.location?.file ?? '\uffff', b.location?.file ?? '\uffff') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    byCodePoint(a.ruleId, b.ruleId) ||
    byCodePoint(a.message, b.message)
  )
}

type Timed<T> = {value: T; durationMs: number}

async function timed<T>(now: () => number, task: () => Promise<T>): Promise<Timed<T>> {
  const started = now()
  const value = await task()
  return {value, durationMs: now() - started}
}

/**
 * Runs the audit. Per-image problems, leaks and credential problems are findings, never
 * exceptions. Throws only what makes a part meaningless — a malformed Docker config
 * (`ConfigError`), an unreadable root or invalid `--exclude` pattern (`UsageError`) — and then
 * only after every part has settled, so no request is left running.
 */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const now = options.now ?? Date.now
  const started = now()
  const {parts} = options
  const imagesFromRepo = options.images === undefined
  const checkImages = parts.images && !options.offline
  if (checkImages && !options.pull) throw new TypeError('audit: the images part needs `pull` options unless offline')
  validateExclude(options.scan?.exclude)

  // The findings of the repository walk and of the credentials part are finished (redacted,
  // relative to the root, fingerprinted) as soon as that part is done, while the images may still
  // wait on the network: they are not left for after the last response (issue 10). The fingerprint
  // is taken of the finding as the report shows it, as before. Image findings need the credentials
  // part's findings too (saidOnce), so they are made once every part is done.
  // The one walk of the repository, shared by the images (discovery) and context parts.
  const needScan = parts.context || (parts.images && imagesFromRepo)
  const scanTask: Promise<Timed<ScanResult>> | undefined = needScan
    ? timed(now, async () => scanRepository(options.root, options.fs, options.scan ?? {})).then((scan) => ({
        ...scan,
        value: {...scan.value, findings: scan.value.findings.map(withFingerprint)},
      }))
    : undefined

  const injected = options.credentials
  const credentialsTask =
    parts.credentials && injected
      ? timed(now, injected).then((part) => ({
          ...part,
          value: {findings: part.value.findings.map((f) => withFingerprint(relocate(redactFinding(f), options.root)))},
        }))
      : undefined

  const imageList = async (): Promise<AuditImage[]> => {
    if (options.images !== undefined) return [...options.images]
    const scan = await (scanTask as Promise<Timed<ScanResult>>)
    return scan.value.images.map(({image, location, platform}) => ({image, location, ...(platform ? {platform} : {})}))
  }

  const imagesTask: Promise<Timed<{list: AuditImage[]; checks?: ImageCheck[]; platform?: string}>> | undefined = parts.images
    ? timed(now, async () => {
        const list = await imageList()
        if (!checkImages || list.length === 0) return {list}
        const pull = options.pull as Omit<PullCheckOptions, 'now'>
        // One pull-check per platform: a Compose service's `platform:` is that image's platform
        // (explicit, as `docker compose pull` asks for it); the rest use --platform / the machine's.
        const groups = new Map<string, number[]>()
        for (const [i, entry] of list.entries()) {
          const key = entry.platform ?? ''
          groups.set(key, [...(groups.get(key) ?? []), i])
        }

        const checks: ImageCheck[] = Array.from({length: list.length})
        let platform: string | undefined
        for (const [key, indexes] of groups) {
          const parsed = key === '' ? undefined : safePlatform(key)
          const result = await pullCheck(
            indexes.map((i) => list[i]?.image ?? ''),
            {...pull, ...(parsed ? {platform: parsed, platformExplicit: true} : {}), now},
          )
          for (const [n, i] of indexes.entries()) {
            const check = result.images[n]
            if (check) checks[i] = check
          }

          if (key === '') platform = result.platform
          else platform ??= result.platform
        }

        return {list, checks, ...(platform ? {platform} : {})}
      })
    : undefined

  // allSettled: a failing part must not leave the others' requests running unobserved.
  const [scanSettled, credentialsSettled, imagesSettled] = await Promise.allSettled([scanTask, credentialsTask, imagesTask])
  for (const settled of [scanSettled, credentialsSettled, imagesSettled]) {
    if (settled.status === 'rejected') throw settled.reason
  }

  const scan = (scanSettled as PromiseFulfilledResult<Timed<ScanResult> | undefined>).value
  const credentials = (credentialsSettled as PromiseFulfilledResult<Timed<{findings: Finding[]}> | undefined>).value
  const images = (imagesSettled as PromiseFulfilledResult<Timed<{list: AuditImage[]; checks?: ImageCheck[]; platform?: string}> | undefined>).value

  const partFindings: Record<AuditPart, Finding[]> = {credentials: [], images: [], context: []}
  if (credentials) partFindings.credentials.push(...credentials.value.findings)
  if (scan) {
    for (const finding of scan.value.findings) {
      if (DISCOVERY_RULES.has(finding.ruleId)) {
        if (parts.images && imagesFromRepo) partFindings.images.push(finding)
      } else if (parts.context) {
        partFindings.context.push(finding)
      }
    }
  }

  const audited: AuditedImage[] = []
  if (images) {
    const reported = helpersReportedFailing(partFindings.credentials)
    for (const [i, entry] of images.value.list.entries()) {
      const check = images.value.checks?.[i]
      audited.push(auditedImage(entry, check))
      if (!check) continue
      const finding = imageFinding(saidOnce(check, reported), {location: entry.location})
      if (finding) partFindings.images.push(finding)
    }
  }

  const report = (part: AuditPart, ran: Timed<unknown> | undefined, findings: Finding[]): PartReport => {
    if (!parts[part]) return {status: 'skipped', reason: 'disabled'}
    if (part === 'images' && options.offline) return {status: 'skipped', reason: 'offline'}
    if (!ran) return {status: 'skipped', reason: 'unavailable'}
    return {status: 'ran', durationMs: ran.durationMs, findings: findings.length}
  }

  const tuned = applyRuleSettings([...partFindings.credentials, ...partFindings.images, ...partFindings.context], options.ruleSettings)
  const findings = applyBaseline(tuned, options.baseline).sort(compareFindings)
  const count = (severity: Severity): number => findings.filter((f) => f.severity === severity && f.baselineState !== 'unchanged').length
  const checks = images?.value.checks ?? []
  const pullable = checks.filter((c) => c.verdict === 'pullable').length
  const indeterminate = checks.filter((c) => INDETERMINATE_VERDICTS.has(c.verdict) && !c.deprecated).length
  return {
    root: options.root,
    offline: options.offline,
    failOn: options.failOn,
    parts: {
      credentials: report('credentials', credentials, partFindings.credentials),
      images: report('images', images, partFindings.images),
      context: report('context', scan && parts.context ? scan : undefined, partFindings.context),
    },
    ...(images?.value.platform ? {platform: images.value.platform} : {}),
    images: audited,
    findings,
    summary: {
      findings: Object.fromEntries(SEVERITIES.map((s) => [s, count(s)])) as Record<Severity, number>,
      ...(options.baseline ? {baselined: findings.filter((f) => f.baselineState === 'unchanged').length} : {}),
      images: {
        total: audited.length,
        pullable,
        failed: checks.length - pullable - indeterminate,
        indeterminate,
        unchecked: audited.length - checks.length,
      },
    },
    exitCode: reachesThreshold(findings, options.failOn) ? 1 : findings.some((f) => f.ruleId === ImageRuleId.undetermined && f.baselineState !== 'unchanged') ? 3 : 0,
    durationMs: now() - started,
  }
}

/** `finding` with its fingerprint (./fingerprint.ts), computed once. */
function withFingerprint(finding: Finding): Finding {
  return finding.fingerprint === undefined ? {...finding, fingerprint: findingFingerprint(finding)} : finding
}

/** A Compose `platform:` value parsed, or undefined when malformed (the default platform is used). */
function safePlatform(text: string): Platform | undefined {
  try {
    return parsePlatform(text)
  } catch {
    return undefined
  }
}

/** The config file's rule severities: a finding's severity replaced, `off` dropped. */
function applyRuleSettings(findings: readonly Finding[], settings: ReadonlyMap<string, RuleSetting> | undefined): Finding[] {
  if (!settings || settings.size === 0) return [...findings]
  return findings.flatMap((finding) => {
    const setting = settings.get(finding.ruleId)
    if (setting === undefined) return [finding]
    return setting === 'off' ? [] : [{...finding, severity: setting}]
  })
}

/**
 * Compiles `--exclude` patterns up front: a pattern whose regexp cannot compile (`[z-a]`) would
 * otherwise fail in the middle of the walk.
 */
function validateExclude(patterns: readonly string[] | undefined): void {
  if (!patterns || patterns.length === 0) return
  try {
    newPatternMatcher(patterns).validate()
  } catch (error) {
    if (error instanceof BadPatternError) throw new UsageError(`invalid exclude pattern: ${error.message}`)
    throw error
  }
}

/** The credential helpers (`docker-credential-NAME`) a credentials/helper-failing finding reports failing. */
function helpersReportedFailing(credentials: Finding[]): Set<string> {
  const programs = new Set<string>()
  for (const finding of credentials) {
    const program = finding.ruleId === AuthRuleId.helperFailing ? HELPER_PROGRAM.exec(finding.message)?.[1] : undefined
    if (program !== undefined) programs.add(program)
  }

  return programs
}

const HELPER_PROGRAM = /^(docker-credential-[\w.-]+) /

/**
 * The check an image finding is made of, its helper failure said once: when the credentials part
 * reports the image's credential helper failing (with the helper's error and the fix), each
 * `credential-error` image's finding names the helper and points there instead of repeating the
 * whole failure (two images of one Dockerfile printed it twice under the credentials finding). The
 * image's own `message` in `images` (JSON) keeps it whole.
 */
function saidOnce(check: ImageCheck, reported: Set<string>): ImageCheck {
  if (check.verdict !== 'credential-error' || check.message === undefined) return check
  const program = HELPER_PROGRAM.exec(check.message)?.[1]
  if (program === undefined || !reported.has(program)) return check
  return {...check, message: `${program} failed for ${check.registry ?? 'its registry'} (its error and the fix: the ${AuthRuleId.helperFailing} finding); docker 29+ stops \`docker pull\` at this error`}
}

function auditedImage(entry: AuditImage, check: ImageCheck | undefined): AuditedImage {
  if (!check) return {...entry}
  return {
    ...entry,
    ...(check.reference ? {reference: check.reference} : {}),
    verdict: check.verdict,
    ...(check.message ? {message: redactText(check.message)} : {}),
    credential: check.credential,
  }
}

/**
 * A location relative to the audited root, as SARIF `%SRCROOT%` and annotations need. The
 * credentials part reports absolute paths (`~/.docker/config.json`): inside the root they become
 * relative; outside it the location is dropped (the message names the file), since a path outside
 * the checkout cannot be shown in code scanning and would only publish the runner's home directory.
 */
function relocate(finding: Finding, root: string): Finding {
  const file = finding.location?.file
  if (file === undefined || !isAbsolute(file)) return finding
  const rel = relative(resolve(root), file)
  const {location, ...rest} = finding
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return rest
  return {...rest, location: {...(location as FindingLocation), file: rel.split(sep).join('/')}}
}

/** A finding from an injected part, redacted once more: the report is printed and uploaded. */
function redactFinding(finding: Finding): Finding {
  return {
    ...finding,
    message: redactText(finding.message),
    ...(finding.fix === undefined ? {} : {fix: redactText(finding.fix)}),
  }
}
