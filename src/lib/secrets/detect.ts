/**
 * Detection with the one catalogue (./catalogue.ts, ./context.ts): what credential, if any, a piece
 * of text holds, shown only redacted. Used by the audit's Dockerfile checks (`ENV`, `ARG`, `RUN`
 * lines and heredocs) and by the build-context scan (private keys by content).
 */
import {SECRET_PATTERNS, withArticle, type SecretPatternId} from './catalogue.js'
import {isPlaceholder, isSecretName, SECRET_CONTEXTS, type SecretContextId} from './context.js'
import {displayMatch} from './redact.js'

/** A secret found in text: what it looks like and how it may be shown. Never holds the secret. */
export type SecretMatch = {
  id: SecretPatternId | SecretContextId
  /** `GitHub classic personal access token`. */
  kind: string
  /** `a GitHub classic personal access token`. */
  kindWithArticle: string
  /** Safe to print: `ghp_…a1b2`, `…MPLE`, `[private key]`, `…`. */
  redacted: string
  /** True for a known token format (high confidence); false for a secret found by its context. */
  format: boolean
  /** For a secret-named variable: its name. */
  name?: string
}

type Groups = Record<string, string | undefined>

/** Every token-format match in `text`, in catalogue order (one per format). */
function formatMatch(text: string): SecretMatch | undefined {
  for (const entry of SECRET_PATTERNS) {
    entry.pattern.lastIndex = 0
    const match = entry.pattern.exec(text)
    entry.pattern.lastIndex = 0
    if (!match) continue
    const secret = (match.groups as Groups | undefined)?.['secret'] ?? match[0]
    return {id: entry.id, kind: entry.label, kindWithArticle: withArticle(entry), redacted: displayMatch(entry, secret), format: true}
  }

  return undefined
}

/** The first context secret (not a placeholder) in `text`. */
function contextMatch(text: string, only?: ReadonlySet<SecretContextId>): SecretMatch | undefined {
  for (const context of SECRET_CONTEXTS) {
    if (only && !only.has(context.id)) continue
    context.pattern.lastIndex = 0
    for (let match = context.pattern.exec(text); match; match = context.pattern.exec(text)) {
      const groups = (match.groups ?? {}) as Groups
      const secret = groups['secret'] ?? ''
      const name = groups['name'] ?? ''
      if (context.id === 'secret-assignment' && !isSecretName(name)) continue
      if (isPlaceholder(secret)) continue
      context.pattern.lastIndex = 0
      return {
        id: context.id,
        kind: context.label,
        kindWithArticle: withArticle(context),
        // A value found by its context may be a human-chosen password: show none of it.
        redacted: '…',
        format: false,
        ...(context.id === 'secret-assignment' ? {name} : {}),
      }
    }
  }

  return undefined
}

/**
 * Finds a credential in `text`: a known token format first (the catalogue's order), else a secret
 * by its context (a secret-named assignment, an `Authorization` value, a URL or `login -p`
 * password) whose value is not a placeholder. `redacted` is safe to print.
 */
export function findSecretInText(text: string): SecretMatch | undefined {
  return formatMatch(text) ?? contextMatch(text)
}

/**
 * The value of a variable named `name` (an `ENV`, an `ARG` default, a Compose `environment:`
 * entry): a known token format, else — when the name says secret (`*_TOKEN`, `*PASSWORD*`…) and
 * the value is a literal, not a placeholder — a secret by its name.
 */
export function findSecretInAssignment(name: string, value: string): SecretMatch | undefined {
  // `name=value` too: some formats are recognised only next to their name (AWS secret keys).
  const format = formatMatch(value) ?? formatMatch(`${name}=${value}`)
  if (format) return format
  if (!isSecretName(name) || isPlaceholder(value)) return undefined
  return {
    id: 'secret-assignment',
    kind: 'secret-named variable with a literal value',
    kindWithArticle: 'a literal secret (by its name)',
    redacted: '…',
    format: false,
    name,
  }
}

/** True when `text` holds a PEM private key block (RFC 7468), whatever the file is called. */
export function containsPrivateKey(text: string): boolean {
  const entry = SECRET_PATTERNS.find((candidate) => candidate.id === 'private-key')
  if (!entry) return false
  entry.pattern.lastIndex = 0
  const found = entry.pattern.test(text)
  entry.pattern.lastIndex = 0
  return found
}
