import {INDETERMINATE_VERDICTS, type ImageCheck, type PullCheckResult} from '../lib/checks/pull-check.js'
import {mark, PLAIN, type OutputStyle, type RenderedOutput} from './output-style.js'
import {renderTable, shortDigest} from './table.js'
import {oneLine} from '../lib/terminal-text.js'
import {summaryLine} from './summary.js'
import {wrapText} from './wrap.js'
import {paintVerdictCell, verdictCell, verdictMark} from './verdict-mark.js'
import {plural} from '../lib/grammar.js'


function platformsCell(image: ImageCheck): string {
  if (!image.platforms) return image.mediaType ? 'single' : ''
  const chosen = image.platform?.digest ? ` (→ ${image.platform.requested})` : ''
  return `${plural(image.platforms.length, 'platform')}${chosen}`
}

function credentialCell(image: ImageCheck): string {
  return image.credential.username ? `${image.credential.source} (${image.credential.username})` : image.credential.source
}

/** The rate-limit note of an image without its reference, so equal notes collapse into one. */
function rateLimitNote(image: ImageCheck): string | undefined {
  const rl = image.rateLimit
  if (rl?.remaining !== undefined) {
    return `rate limit ${rl.remaining}${rl.limit === undefined ? '' : `/${rl.limit}`} remaining${rl.source ? ` (counted for ${rl.source})` : ''}${rl.resetAt ? `, resets ${rl.resetAt}` : ''}`
  }

  return rl?.resetAt ? `rate limited until ${rl.resetAt}` : undefined
}

/** A stored login that no request carried (issue 8: the CREDENTIAL column says what went on the wire). */
function unusedLoginNote(image: ImageCheck): string | undefined {
  const unused = image.credential.unused
  if (!unused) return undefined
  const login = `${unused.source}${unused.username ? `, ${unused.username}` : ''}`
  return unused.reason === 'not-asked'
    ? `the registry did not ask for credentials, so the stored login (${login}) was not sent`
    : `the stored login (${login}) was not sent: it has no secret the registry's scheme can use`
}

/**
 * The key under which an image's failure is the registry's rather than the image's own: a verdict
 * that says the registry could not be asked (unreachable, its credential helper failing, its
 * errors, its rate limit) with the same message and fix for every image of it. Undefined for
 * anything that is about the image (not-found, denied…: the same words mean a different image).
 */
function registryFailureKey(image: ImageCheck): string | undefined {
  if (image.registry === undefined || !image.message || !INDETERMINATE_VERDICTS.has(image.verdict) || (image.platformChecks?.length ?? 0) > 0) return undefined
  return `${image.registry}\u0000${image.verdict}\u0000${image.message}\u0000${image.fix ?? ''}`
}

/**
 * The lines under the table: each problem with its reason, then rate-limit and unused-login
 * notes, one per registry and note, with the count of images it applies to (six docker.io images share one quota).
 * The same registry failure of several images (10,000 references to a registry that is down) is one
 * line naming the registry and the count, as the rows above name each image: `✗ 127.0.0.1:5000
 * (10000 images): could not reach …`.
 */
export function pullCheckNotes(result: PullCheckResult, style: OutputStyle = PLAIN): string[] {
  const lines: string[] = []
  const rateLimits = new Map<string, string[]>()
  const shared = new Map<string, number>()
  for (const image of result.images) {
    const key = registryFailureKey(image)
    if (key !== undefined) shared.set(key, (shared.get(key) ?? 0) + 1)
  }

  // An image's own lines, once: the same reference given twice (or as `alpine` and
  // `docker.io/library/alpine:latest`) has two rows, and its problem is said once.
  const said = new Set<string>()
  for (const image of result.images) {
    const name = oneLine(image.reference ?? image.input)
    const key = registryFailureKey(image)
    const count = key === undefined ? 1 : (shared.get(key) ?? 1)
    const own: string[] = []
    if (key !== undefined && count > 1) {
      // The first image of the group says it for all of them (0: said already); the rows name each.
      own.push(`${mark(style, verdictMark(image.verdict))} ${oneLine(image.registry ?? name)} (${plural(count, 'image')}): ${oneLine(image.message ?? '')}`)
      if (image.fix) own.push(`  Fix: ${oneLine(image.fix)}`)
      shared.set(key, 0)
    } else if (count === 1) {
      if (image.message) own.push(`${mark(style, image.verdict === 'pullable' ? 'warn' : verdictMark(image.verdict))} ${name}: ${oneLine(image.message)}`)
      if (image.fix) own.push(`  Fix: ${oneLine(image.fix)}`)
    }

    for (const p of image.platformChecks ?? []) {
      if (p.verdict === 'pullable') continue
      // Each line names its image: in a pipe the notes go to stderr, where `grep not-found` must
      // still say which image. Under the image's own line it is indented; alone, it has its mark.
      const platformLine = `${name} ${p.platform} ${shortDigest(p.digest)}: ${p.verdict}${p.message ? ` — ${oneLine(p.message)}` : ''}`
      own.push(image.message ? `  ${platformLine}` : `${mark(style, verdictMark(p.verdict))} ${platformLine}`)
    }

    const block = `${name}\u0000${own.join('\n')}`
    if (own.length > 0 && !said.has(block)) {
      said.add(block)
      lines.push(...own)
    }

    for (const note of [rateLimitNote(image), unusedLoginNote(image)]) {
      if (!note) continue
      const key = `${image.registry ?? name}: ${note}`
      const images = rateLimits.get(key)
      // In place: a copy per image was quadratic in a run of 10,000 rate-limited references.
      if (images === undefined) rateLimits.set(key, [name])
      else images.push(name)
    }
  }

  for (const [note, images] of rateLimits) {
    lines.push(`  ${note}${images.length === 1 ? ` (${images[0]})` : ` (${plural(images.length, 'image')})`}`)
  }

  return lines
}

/** The one summary line (render/summary.ts): `7 images checked for linux/arm64: 4 pullable, 3 unauthorized`. */
function pullCheckSummary(result: PullCheckResult): string {
  const byVerdict = new Map<string, number>([['pullable', 0]])
  for (const image of result.images) byVerdict.set(image.verdict, (byVerdict.get(image.verdict) ?? 0) + 1)
  return summaryLine({count: result.summary.total, noun: 'image', done: 'checked', scope: `for ${result.platform}`, outcomes: [...byVerdict]})
}

/**
 * The human report: one table row per image (the body), then one line per problem with its
 * reason and a summary line (the footer: on stderr when piped, so stdout holds only rows).
 * Pure: data in, strings out.
 */
export function renderPullCheck(result: PullCheckResult, style: OutputStyle = PLAIN): RenderedOutput {
  const rows = result.images.map((image) => [
    image.reference ?? image.input,
    verdictCell(image.verdict),
    image.digest ?? '',
    platformsCell(image),
    credentialCell(image),
  ])
  const verdictPaint = (text: string): string => paintVerdictCell(style, text)
  const body = renderTable(
    // Narrow terminals (COLUMNS=60, 40): the verdict stays whole; the image is shortened in the
    // middle and the digest to 12 hex first, then CREDENTIAL, PLATFORMS and DIGEST are left out.
    [
      {header: 'IMAGE', middle: true, minWidth: 16},
      {header: 'VERDICT', paint: verdictPaint, keep: true},
      {header: 'DIGEST', digest: true, drop: 3},
      {header: 'PLATFORMS', drop: 2},
      {header: 'CREDENTIAL', drop: 1},
    ],
    rows,
    style,
  )
  const noteLines = pullCheckNotes(result, style)
  const footer = [...(noteLines.length > 0 ? [...(style.tty ? [''] : []), ...noteLines] : []), ...(style.tty ? [''] : []), pullCheckSummary(result)]
  return {body, footer: wrapText(footer.join('\n'), style.tty ? style.columns : undefined)}
}

/**
 * `-q`: one reference per line for the images that are pullable — with `digest`, pinned as
 * `REF@sha256:…` (the reference as given, so `FROM` lines keep their tag), ready for a Dockerfile.
 */
export function renderPullCheckQuiet(result: PullCheckResult, digest: boolean): string {
  const lines: string[] = []
  for (const image of result.images) {
    if (image.verdict !== 'pullable') continue
    const ref = oneLine(image.input.trim())
    if (!digest || !image.digest) lines.push(ref)
    else lines.push(ref.includes('@') ? `${ref.slice(0, ref.indexOf('@'))}@${image.digest}` : `${ref}@${image.digest}`)
  }

  return lines.join('\n')
}
