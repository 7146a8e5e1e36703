/**
 * Redaction with the one catalogue (./catalogue.ts, ./context.ts): {@link redactSecrets} hides every
 * credential regctl can recognise in free text — server and helper messages, URLs, finding text —
 * before it reaches stdout, stderr, JSON or an error. Token formats keep their prefix and last
 * four characters (`ghp_…a1b2`), private keys become `[private key]` through their END line, and
 * contextual secrets (`TOKEN=…`, `Authorization: Bearer …`, `user:pass@`) become `REDACTED`.
 * Unlike detection, redaction does not spare placeholders: hiding `${X}` costs nothing.
 */
import {SECRET_PATTERNS, type SecretPattern} from './catalogue.js'
import {isSecretName, SECRET_CONTEXTS, SECRET_NAME_WORDS, type SecretContextId} from './context.js'

/** Named groups of a catalogue match. */
export type Groups = Record<string, string | undefined>

/**
 * Shows a secret as its recognisable prefix and last four characters: `ghp_…a1b2`. Secrets shorter
 * than 12 characters show nothing but `…`, so short passwords cannot leak.
 */
export function redactSecret(secret: string, prefix = ''): string {
  if (secret.length < 12) return '…'
  return `${prefix}…${secret.slice(-4)}`
}

/** How a catalogue match is shown. */
export function displayMatch(entry: Pick<SecretPattern, 'display' | 'prefix' | 'lead'>, secret: string): string {
  switch (entry.display) {
    case 'label': {
      return '[private key]'
    }

    case 'last4': {
      return redactSecret(secret)
    }

    default: {
      return redactSecret(secret, entry.lead === undefined ? entry.prefix : secret.slice(0, entry.lead))
    }
  }
}

const BEGIN_PRIVATE = /-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----/g

/**
 * Replaces each PEM private key — from its BEGIN line through the matching END line, or to the end
 * of the text when it is cut off — by `[private key]`. One forward pass (indexOf), linear.
 */
function redactPrivateKeys(text: string): string {
  let out = ''
  let from = 0
  BEGIN_PRIVATE.lastIndex = 0
  for (let match = BEGIN_PRIVATE.exec(text); match; match = BEGIN_PRIVATE.exec(text)) {
    const endMarker = match[0].replace('BEGIN', 'END')
    const end = text.indexOf(endMarker, match.index)
    const stop = end === -1 ? text.length : end + endMarker.length
    out += `${text.slice(from, match.index)}[private key]`
    from = stop
    BEGIN_PRIVATE.lastIndex = stop
  }

  return out + text.slice(from)
}

/**
 * Replaces group `secret` of every match of `pattern` (global, with the `d` flag) by what `show`
 * returns, or leaves it when `show` returns undefined. Scanning resumes after the secret when it
 * was replaced, else right after the `name` group, so a rejected name never hides an assignment
 * that follows it (`failed: password=…`). Linear: every pattern's groups are bounded.
 */
export function replaceSecretGroups(text: string, pattern: RegExp, show: (secret: string, groups: Groups) => string | undefined): string {
  let out = ''
  let from = 0
  pattern.lastIndex = 0
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const groups = (match.groups ?? {}) as Groups
    const span = match.indices?.groups?.['secret']
    const secret = groups['secret']
    const shown = secret === undefined || span === undefined ? undefined : show(secret, groups)
    if (shown === undefined || span === undefined) {
      const name = match.indices?.groups?.['name']
      pattern.lastIndex = name ? Math.max(name[1], match.index + 1) : match.index + Math.max(match[0].length, 1)
      continue
    }

    out += text.slice(from, span[0]) + shown
    from = span[1]
    pattern.lastIndex = Math.max(span[1], match.index + 1)
  }

  pattern.lastIndex = 0
  return out + text.slice(from)
}

/** For each context pattern, a word every match of it contains (case-insensitively). */
const CONTEXT_NEEDLES: Record<Exclude<SecretContextId, 'secret-assignment'>, string> = {
  'authorization-header': 'authorization',
  'url-credentials': '//',
  'login-password': 'login',
}

/**
 * Text that contains none of these, in any case, holds nothing {@link redactSecrets} would change:
 * each token format starts with its prefix (and the AWS key id's other prefix `ASIA`), a private
 * key with its armour, an AWS secret key stands after a name with `secret` in it, each context
 * pattern has its word, and a secret-named variable has a secret word in its name
 * (SECRET_NAME_WORDS). A unit test checks every example of the catalogue passes, and a property
 * test that text this refuses comes out of the full redaction unchanged.
 */
const MAY_HOLD_SECRET = new RegExp(
  [
    ...SECRET_PATTERNS.map((entry) => entry.prefix).filter((prefix) => prefix !== ''),
    'ASIA',
    '-----BEGIN',
    'secret',
    ...Object.values(CONTEXT_NEEDLES),
    ...SECRET_NAME_WORDS,
  ]
    .map((needle) => needle.replaceAll(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
    .join('|'),
  'i',
)

/**
 * False when `text` cannot hold anything {@link redactSecrets} redacts (one linear scan for a few
 * words, instead of the ~20 patterns): most text regctl echoes — image references, URLs, registry
 * messages — has none of them.
 */
export function mayHoldSecret(text: string): boolean {
  return MAY_HOLD_SECRET.test(text)
}

/**
 * Redacts every credential the catalogue recognises in `text`: token formats, private keys, JWTs,
 * `Authorization` values, URL passwords, `login -p` passwords and values of secret-named variables.
 * Safe to call twice (a redaction is not itself matched).
 */
export function redactSecrets(text: string): string {
  return mayHoldSecret(text) ? redactEverySecret(text) : text
}

/** {@link redactSecrets} without the quick check (exported for the test that keeps the check honest). */
export function redactEverySecret(text: string): string {
  let out = redactPrivateKeys(text)
  for (const entry of SECRET_PATTERNS) {
    if (entry.id === 'private-key') continue
    out = replaceSecretGroups(out, entry.pattern, (secret) => displayMatch(entry, secret))
  }

  for (const context of SECRET_CONTEXTS) {
    out = replaceSecretGroups(out, context.pattern, (secret, groups) => {
      if (context.id === 'secret-assignment' && !isSecretName(groups['name'] ?? '')) return undefined
      // Already shown redacted by a token format (`TOKEN=ghp_…a1b2`).
      if (secret === 'REDACTED' || secret.includes('…') || secret.startsWith('[private')) return undefined
      return 'REDACTED'
    })
  }

  return out
}
