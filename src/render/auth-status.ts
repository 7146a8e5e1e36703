/**
 * The human report of `regctl auth status`, grouped per registry like `gh auth status`: ✓/✗/!
 * lines, then each finding with its fix, and the login command when a login is missing or broken.
 * Pure: data in, string out. Holds no secret because the result holds none.
 */
import type {AuthStatusResult, GitHubTokenReport, LiveCheck, RegistryStatus} from '../lib/checks/auth-status-types.js'
import type {Finding} from '../lib/checks/finding.js'
import {describeTokenSource} from '../lib/github/token.js'
import {mark, PLAIN, type OutputStyle} from './output-style.js'
import {printable} from '../lib/terminal-text.js'
import {wrapText} from './wrap.js'
import {findingCounts, summaryLine} from './summary.js'

type Marks = {ok: string; bad: string; warn: string; info: string}

const PLAIN_MARKS: Marks = {ok: '✓', bad: '✗', warn: '!', info: '-'}
// ✓ and ✗ as escapes: esbuild keeps a regular expression's characters as written, and the command
// bundles must be ASCII (scripts/bundle.mjs, assertAscii).
const MARK_AT_LINE_START = /^( *)([\u2713\u2717!]) /gm
const KIND = {'✓': 'ok', '✗': 'bad', '!': 'warn'} as const

/** Colours the mark that starts a line (after the text was made printable, so no escape gets in). */
function colourMarks(text: string, style: OutputStyle): string {
  if (!style.color) return text
  return text.replace(MARK_AT_LINE_START, (_, indent: string, m: keyof typeof KIND) => `${indent}${mark(style, KIND[m])} `)
}


function liveLine(live: LiveCheck, MARK: Marks): string {
  switch (live.result) {
    case 'accepted': {
      return `${MARK.ok} Credentials accepted by the registry (${live.scheme === 'bearer' ? 'token exchange' : live.scheme === 'basic' ? 'Basic auth' : (live.scheme ?? 'auth')})`
    }

    case 'rejected': {
      return `${MARK.bad} Credentials rejected by the registry${live.message ? `: ${live.message}` : ''}`
    }

    case 'unreachable': {
      return `${MARK.warn} Registry unreachable, login not verified${live.message ? `: ${live.message}` : ''}`
    }

    case 'error': {
      return `${MARK.warn} Could not verify the login${live.message ? `: ${live.message}` : ''}`
    }

    case 'not-required': {
      return `${MARK.info} The registry needs no authentication; the credential is not checked`
    }

    case 'skipped': {
      return `${MARK.info} Not verified (${live.message ?? 'offline'})`
    }
  }
}

function pushLine(live: LiveCheck, MARK: Marks): string | undefined {
  if (!live.push) return undefined
  if (live.push.repository === undefined) return `${MARK.info} Push rights: unknown (pass --repository)`
  if (live.push.granted === null) return `${MARK.info} Push rights: unknown (the registry's token does not say)`
  return live.push.granted
    ? `${MARK.ok} Push rights on ${live.push.repository} (granted in the token)`
    : `${MARK.info} No push rights on ${live.push.repository} (pull only)`
}

function findingLines(finding: Finding, indent: string, MARK: Marks): string[] {
  const mark = finding.severity === 'error' ? MARK.bad : finding.severity === 'warning' ? MARK.warn : MARK.info
  const lines = [`${indent}${mark} ${finding.severity} ${finding.ruleId}: ${finding.message}`]
  if (finding.fix) lines.push(`${indent}  Fix: ${finding.fix}`)
  return lines
}

function registryBlock(status: RegistryStatus, MARK: Marks): string[] {
  const lines = [`${status.registry} (${status.provider.name}${status.provider.region ? `, ${status.provider.region}` : ''})`]
  const i = '  '
  const cred = status.credential
  if (cred) {
    const who = cred.username ? `as ${cred.username}` : 'with a token'
    const mark = status.status === 'ok' ? MARK.ok : status.status === 'rejected' ? MARK.bad : MARK.warn
    lines.push(`${i}${mark} Logged in ${who} — ${cred.source}${cred.path ? ` (${cred.path})` : ''}${cred.usedBy.length > 0 ? `, used by ${cred.usedBy.join(' and ')}` : ''}`)
    lines.push(`${i}${MARK.info} Secret: ${cred.secretLabel} ${cred.secret}`)
  } else if (status.status === 'helper-error') {
    lines.push(`${i}${MARK.bad} docker cannot read its credential for this registry`)
  } else {
    lines.push(`${i}${MARK.bad} Not logged in`)
  }

  if (cred) lines.push(`${i}${liveLine(status.live, MARK)}`)
  const push = pushLine(status.live, MARK)
  if (push) lines.push(`${i}${push}`)

  const gh = status.github
  if (gh) {
    if (gh.status === 'valid') {
      lines.push(`${i}${MARK.ok} GitHub account: ${gh.login ?? 'unknown'}`)
      lines.push(`${i}${MARK.info} Token scopes: ${gh.scopes === null ? 'not reported (fine-grained or app token)' : gh.scopes.length > 0 ? gh.scopes.join(', ') : 'none'}`)
    } else {
      lines.push(`${i}${gh.status === 'rejected' ? MARK.bad : MARK.warn} GitHub API: ${gh.message ?? gh.status}`)
    }
  }

  const expiry = status.expiry
  if (cred) {
    const text =
      expiry.status === 'never'
        ? 'never'
        : expiry.expiresAt
          ? `${expiry.expiresAt}${expiry.status === 'expired' ? ' (expired)' : expiry.status === 'expiring' ? ' (soon)' : ''}`
          : 'unknown'
    lines.push(`${i}${MARK.info} Expires: ${text}`)
  }

  for (const source of status.sources) {
    if (source.usedBy.length > 0 && cred && source.key === cred.key && source.kind === cred.kind) continue
    const agreement = source.agreement === 'same' ? 'same credential' : source.agreement === 'different-user' ? 'DIFFERENT USER' : source.agreement === 'different-secret' ? 'different secret' : source.error ? `error: ${source.error}` : ''
    lines.push(`${i}${MARK.info} Also in ${source.label}${source.path ? ` (${source.path})` : ''}${source.namespace ? ` for ${source.namespace}` : ''}${source.username ? ` as ${source.username}` : ''}${agreement ? ` — ${agreement}` : ''}`)
  }

  for (const finding of status.findings) lines.push(...findingLines(finding, i, MARK))
  if (status.loginCommand) lines.push(`${i}${MARK.info} To log in: ${status.loginCommand}`)
  return lines
}

/**
 * Renders the whole report; on a terminal with a known width, long lines wrap with their
 * indentation (never in a pipe).
 */
export function renderAuthStatus(result: AuthStatusResult, style: OutputStyle = PLAIN): string {
  const MARK = PLAIN_MARKS
  const blocks: string[] = []
  if (result.registries.length === 0) blocks.push('No registry logins found.')
  for (const registry of result.registries) blocks.push(registryBlock(registry, MARK).join('\n'))

  const general: string[] = []
  for (const finding of result.findings) general.push(...findingLines(finding, '', MARK))
  if (general.length > 0) blocks.push(general.join('\n'))

  const api = result.githubApi
  if (api) {
    // auth status has no --token: advise only what works here (no keyring: the plain-text file).
    const login = api.keyringUnavailable ? 'regctl auth login github --insecure-storage' : 'regctl auth login github'
    const apiLine =
      api.source === 'none'
        ? `GitHub API token (ghcr ls): none found (set GH_TOKEN or run: ${login})`
        : `GitHub API token (ghcr ls): ${api.path ? `a plain-text file, ${api.path}` : describeTokenSource(api.source)}${api.redacted ? ` (${api.kind ?? 'token'} ${api.redacted})` : ''}`
    const verified = api.github === undefined ? [] : [`  ${githubApiLine(api.github, MARK)}`]
    blocks.push([apiLine, ...verified, ...api.notes.map((note) => `  ${MARK.info} ${note}`)].join('\n'))
  }

  const fileState = (f: AuthStatusResult['files'][number]): string =>
    f.unreadable === undefined ? (f.exists ? (f.mode ? `, mode ${f.mode}` : '') : ', not found') : `, cannot be read: ${f.unreadable}`
  const files = result.files.map((f) => `  ${f.unreadable === undefined ? (f.exists ? MARK.ok : MARK.info) : MARK.bad} ${f.path} (${f.origin}${fileState(f)}${f.consulted ? '' : ', overridden'})`)
  if (files.length > 0) blocks.push(['Credential files:', ...files].join('\n'))

  const s = result.summary
  blocks.push(
    summaryLine({
      count: s.registries,
      noun: 'registry',
      nouns: 'registries',
      done: result.offline ? 'found' : 'checked',
      scope: result.offline ? '(offline: not verified)' : undefined,
      outcomes: result.offline ? [] : [['accepted', s.accepted], ['rejected', s.rejected], ['unreachable', s.unreachable]],
      rest: [findingCounts(s.findings)],
    }),
  )
  return colourMarks(wrapText(printable(blocks.join('\n\n')), style.tty ? style.columns : undefined), style)
}

/** What GitHub said about the API token, in one line (the findings carry the fix). */
function githubApiLine(github: GitHubTokenReport, MARK: Marks): string {
  if (github.status === 'rejected') return `${MARK.bad} GitHub rejects it (invalid, expired or revoked)`
  if (github.status === 'error') return `${MARK.warn} Not verified: ${github.message ?? 'GitHub did not answer'}`
  const scopes = github.scopes === null ? 'no scopes listed (not a classic token)' : `scopes: ${github.scopes.join(', ') || 'none'}`
  return `${github.missingScopes.length > 0 ? MARK.bad : MARK.ok} GitHub accepts it${github.login ? ` (${github.login})` : ''}; ${scopes}${github.missingScopes.length > 0 ? `; lacks ${github.missingScopes.join(', ')}` : ''}`
}
