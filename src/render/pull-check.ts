import type {ImageCheck, PullCheckResult} from '../lib/checks/pull-check.js'
import {createTable, shortDigest} from './table.js'

const MARK: Record<string, string> = {pullable: '✓'}


function platformsCell(image: ImageCheck): string {
  if (!image.platforms) return image.mediaType ? 'single' : ''
  const chosen = image.platform?.digest ? ` (→ ${image.platform.requested})` : ''
  return `${image.platforms.length} platforms${chosen}`
}

function credentialCell(image: ImageCheck): string {
  return image.credential.username ? `${image.credential.source} (${image.credential.username})` : image.credential.source
}

/**
 * The human report: one table row per image, then one line per problem with its reason, then a
 * summary line. Pure: data in, string out.
 */
export function renderPullCheck(result: PullCheckResult): string {
  const table = createTable(['IMAGE', 'VERDICT', 'DIGEST', 'PLATFORMS', 'CREDENTIAL'])
  for (const image of result.images) {
    table.push([
      image.reference ?? image.input,
      `${MARK[image.verdict] ?? '✗'} ${image.verdict}`,
      shortDigest(image.digest),
      platformsCell(image),
      credentialCell(image),
    ])
  }

  const lines = [table.toString()]
  const notes: string[] = []
  for (const image of result.images) {
    if (image.message) notes.push(`${image.verdict === 'pullable' ? '!' : '✗'} ${image.reference ?? image.input}: ${image.message}`)
    for (const p of image.platformChecks ?? []) {
      if (p.verdict !== 'pullable') notes.push(`  ${p.platform} ${shortDigest(p.digest)}: ${p.verdict}${p.message ? ` — ${p.message}` : ''}`)
    }

    const rl = image.rateLimit
    if (rl?.remaining !== undefined) {
      notes.push(`  ${image.reference}: rate limit ${rl.remaining}${rl.limit === undefined ? '' : `/${rl.limit}`} remaining${rl.source ? ` (counted for ${rl.source})` : ''}${rl.resetAt ? `, resets ${rl.resetAt}` : ''}`)
    } else if (rl?.resetAt) {
      notes.push(`  ${image.reference}: rate limited until ${rl.resetAt}`)
    }
  }

  if (notes.length > 0) lines.push('', ...notes)
  const {total, pullable, failed, indeterminate} = result.summary
  lines.push('', `${pullable}/${total} pullable for ${result.platform}${failed ? `, ${failed} failed` : ''}${indeterminate ? `, ${indeterminate} undetermined` : ''}`)
  return lines.join('\n')
}
