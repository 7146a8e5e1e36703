/**
 * Secrets recognised by where they stand rather than by their shape: the value of a variable whose
 * name says secret (`NPM_TOKEN=…`, `_authToken=…`, `DB_PASSWORD: …`), an `Authorization` header
 * value, the password of a URL (`https://user:pass@host`), the password of a `login -p …` command.
 * Part of the one catalogue (./catalogue.ts holds the token formats): detection skips
 * placeholders, redaction hides every value.
 *
 * Linear time: each pattern starts only where no identifier character precedes it, then runs single
 * character classes (bounded where followed by an overlapping class). Pure.
 */

/** Ids of the context patterns. */
export type SecretContextId = 'secret-assignment' | 'authorization-header' | 'url-credentials' | 'login-password'

/** One context pattern: group `secret` is the value; group `name` (when present) the variable. */
export type SecretContext = {
  id: SecretContextId
  label: string
  article: 'a' | 'an'
  pattern: RegExp
  example: string
  nearMiss: string
}

/** Last name segments that say "this holds a secret" (`*_TOKEN`, `*_SECRET`, `*_KEY`, `authToken`…). */
const SECRET_TAILS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'pass', 'key', 'apikey', 'auth', 'credentials', 'passphrase'])
/** Segments anywhere in the name that say secret (`*PASSWORD*`: `DB_PASSWORD_PRIMARY`). */
const SECRET_ANYWHERE = new Set(['password', 'passwd', 'passphrase'])
/** A last segment that names metadata about a secret, not the secret (`TOKEN_FILE`, `PASSWORD_PATH`). */
const META_TAILS = new Set(['file', 'path', 'dir', 'url', 'uri', 'name', 'id', 'arn', 'type', 'length', 'env', 'var', 'header', 'field', 'policy', 'ref', 'command', 'cmd', 'prefix', 'hint', 'expiry', 'expires', 'ttl', 'at'])
/** `*_KEY` names that are not secrets: keys of caches, databases, public halves. */
const NON_SECRET_KEY_QUALIFIERS = new Set(['public', 'pub', 'cache', 'sort', 'primary', 'partition', 'foreign', 'host', 'idempotency', 'routing', 'object', 'lookup', 'map', 'dedup', 'dedupe', 'group', 'gpg', 'sign', 'signing-public'])
/** Single-word names that are secret on their own (`TOKEN`, `password`). */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'apikey', 'passphrase'])

/**
 * Every word whose presence makes {@link isSecretName} true: a secret name has one of them as a
 * segment, so its lower-cased text contains it (redaction's quick check, ./redact.ts).
 */
export const SECRET_NAME_WORDS: readonly string[] = [...new Set([...SECRET_TAILS, ...SECRET_ANYWHERE, ...SECRET_WORDS])]

/** Splits `DB_PASSWORD`, `_authToken`, `api-key`, `aws.secretKey` into lower-case segments. */
export function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter((segment) => segment !== '')
}

/**
 * True when a variable or key name says it holds a secret: a last segment `TOKEN`, `SECRET`,
 * `PASSWORD`, `KEY`, `AUTH`… (not `PUBLIC_KEY`, `CACHE_KEY`), or `PASSWORD` anywhere, unless the
 * name ends in metadata (`_FILE`, `_PATH`, `_URL`, `_ID`…).
 */
export function isSecretName(name: string): boolean {
  const segments = nameSegments(name)
  const last = segments.at(-1)
  if (last === undefined || META_TAILS.has(last)) return false
  if (segments.length === 1) return SECRET_WORDS.has(last)
  if (segments.some((segment) => SECRET_ANYWHERE.has(segment))) return true
  if (!SECRET_TAILS.has(last)) return false
  if (last === 'key') return !NON_SECRET_KEY_QUALIFIERS.has(segments.at(-2) ?? '')
  return true
}

/** Values that stand for a secret without being one. */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'replaceme', 'replace_me', 'replace-me', 'placeholder', 'example', 'secret',
  'password', 'passwd', 'token', 'dummy', 'test', 'testing', 'none', 'null', 'nil', 'undefined', 'todo', 'tbd', 'fixme', 'redacted',
  'true', 'false', 'yes', 'no', 'on', 'off', 'empty', 'unset', 'default', 'xxx', 'notset', 'not-set', 'required', 'optional',
])

/**
 * True when a value is not a literal secret: empty or short (< 4 characters), a variable or
 * template (`$X`, `${X}`, `${{ secrets.X }}`, `{{ .X }}`, `%X%`, `<your token>`), a repeated
 * character (`xxxxxxxx`, `********`), a path to a secrets file (`/run/secrets/x`), a placeholder
 * word (`changeme`, `example`, `your-token-here`), or a redaction (`REDACTED`, `ghp_…abcd`).
 */
export function isPlaceholder(raw: string): boolean {
  const value = raw.trim().replace(/^["']|["']$/g, '')
  if (value.length < 4) return true
  if (/^[$%]/.test(value) || value.includes('${') || value.includes('{{') || value.includes('$(')) return true
  if (/^<[^>]*>$/.test(value) || /^\[[^\]]*\]$/.test(value)) return true
  if (/^(.)\1*$/.test(value)) return true
  if (value.startsWith('/') || value.startsWith('./') || value.startsWith('~/')) return true
  if (value.includes('…') || /^REDACTED/i.test(value)) return true
  const lower = value.toLowerCase()
  if (PLACEHOLDER_WORDS.has(lower)) return true
  return /^(your|my|insert|enter|put|add)[-_ ]/.test(lower) || /[-_ ](here|goes[-_ ]here)$/.test(lower) || lower.includes('example') || lower.includes('placeholder')
}

const START = '(?<![A-Za-z0-9_$.-])'

/** The context patterns, in the order detection tries them. */
export const SECRET_CONTEXTS: readonly SecretContext[] = [
  {
    id: 'authorization-header',
    label: 'Authorization header value',
    article: 'an',
    // `Authorization: Bearer …`, `authorization=token …` (GitHub's `token` scheme), `Basic …`.
    pattern: /(?<![A-Za-z0-9_])(?<name>authorization)(?<sep>[ \t]{0,8}[:=][ \t]{0,8}(?<scheme>basic|bearer|token)[ \t]{1,8})(?<secret>[^\s"',;]{1,4096})/dgi,
    example: 'curl -H "Authorization: Bearer abcdef0123456789abcdef"',
    nearMiss: 'curl -H "Authorization: Bearer $TOKEN"',
  },
  {
    id: 'url-credentials',
    label: 'password in a URL',
    article: 'a',
    pattern: /(?<name>\/\/[^/\s:@]{1,256}):(?<secret>[^/\s@]{1,256})@/dg,
    example: 'git clone https://deploy:s3cr3t-Passw0rd@git.example.com/app.git',
    nearMiss: 'git clone https://deploy:${GIT_PASSWORD}@git.example.com/app.git',
  },
  {
    id: 'login-password',
    label: 'password on a login command line',
    article: 'a',
    // `docker login -u x -p …`, `npm login --password=…`; bounded look-ahead within one command.
    pattern: /(?<![A-Za-z0-9_])(?<name>login[^\n;|&]{0,200}?[ \t](?:-p|--password)(?:[ \t]{1,8}|=))(?<secret>[^\s;|&"']{1,512})/dg,
    example: 'docker login -u ci -p Sup3rS3cretPass registry.example.com',
    nearMiss: 'docker login -u ci --password-stdin registry.example.com',
  },
  {
    id: 'secret-assignment',
    label: 'secret-named variable with a literal value',
    article: 'a',
    // NAME=value, NAME: value, "name": "value"; the name decides (see isSecretName).
    pattern: new RegExp(`${START}(?<name>[A-Za-z_][A-Za-z0-9_.-]{0,127})(?<sep>["']?[ \\t]{0,8}[:=][ \\t]{0,8}["']?)(?<secret>[^\\s"'&,;}]{1,512})`, 'dg'),
    example: 'export NPM_TOKEN=0a1b2c3d4e5f6a7b8c9d',
    nearMiss: 'export NPM_TOKEN=${NPM_TOKEN}',
  },
]
