import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {redactText} from '../../../src/lib/errors.js'
import {SECRET_PATTERNS, withArticle} from '../../../src/lib/secrets/catalogue.js'
import {isPlaceholder, isSecretName, SECRET_CONTEXTS} from '../../../src/lib/secrets/context.js'
import {containsPrivateKey, findSecretInAssignment, findSecretInText} from '../../../src/lib/secrets/detect.js'
import {mayHoldSecret, redactEverySecret, redactSecrets} from '../../../src/lib/secrets/redact.js'

/** The part of an example that is the secret (after `NAME=` for name-bound formats). */
const secretOf = (example: string): string => example.replace(/^[A-Z_]+=/, '')

describe('the secret catalogue: token formats', () => {
  it.each(SECRET_PATTERNS.map((entry) => [entry.id, entry] as const))('%s: the real-shaped example is found and never shown', (id, entry) => {
    const match = findSecretInText(`prefix ${entry.example} suffix`)
    expect(match?.id).toBe(id)
    expect(match?.kindWithArticle).toBe(withArticle(entry))
    const secret = secretOf(entry.example)
    expect(match?.redacted).not.toContain(secret)
    const redacted = redactSecrets(`x ${entry.example} y`)
    expect(redacted).not.toContain(secret)
    // The last characters of a long secret must not survive beyond the four shown.
    expect(redacted).not.toContain(secret.slice(-12))
    expect(redacted.startsWith('x ')).toBe(true)
    expect(redacted.endsWith(' y')).toBe(true)
  })

  it.each(SECRET_PATTERNS.map((entry) => [entry.id, entry.nearMiss] as const))('%s: the near-miss %j is not this format', (id, nearMiss) => {
    expect(findSecretInText(nearMiss)?.id).not.toBe(id)
  })

  it('the issue\'s list is redacted: glpat-, xoxb-, dckr_oat_, ya29., npm_', () => {
    const text = [
      'glpat-abcdefghij0123456789',
      'xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx',
      `dckr_oat_${'a'.repeat(27)}`,
      `ya29.${'b'.repeat(60)}`,
      `npm_${'c'.repeat(36)}`,
    ]
    const out = redactText(text.join(' '))
    for (const secret of text) expect(out).not.toContain(secret)
    expect(out).toContain('glpat-…6789')
    expect(out).toContain('xoxb-…uvwx')
  })

  it('a private key is redacted through its END line, or to the end when cut off', () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA${'Q'.repeat(64)}\n-----END RSA PRIVATE KEY-----`
    expect(redactSecrets(`before\n${key}\nafter`)).toBe('before\n[private key]\nafter')
    expect(redactSecrets(`cut: ${key.slice(0, 60)}`)).toBe('cut: [private key]')
    expect(containsPrivateKey(key)).toBe(true)
    expect(containsPrivateKey('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toBe(false)
  })

  it('redaction is idempotent', () => {
    const text = `TOKEN=ghp_${'a'.repeat(36)} https://u:pw123456@h Authorization: Bearer abcdefghijkl`
    const once = redactSecrets(text)
    expect(redactSecrets(once)).toBe(once)
    expect(once).toBe('TOKEN=ghp_…aaaa https://u:REDACTED@h Authorization: Bearer REDACTED')
  })
})

describe('the secret catalogue: secrets by context', () => {
  it.each(SECRET_CONTEXTS.map((context) => [context.id, context] as const))('%s: the example is found and redacted', (id, context) => {
    const match = findSecretInText(context.example)
    expect(match?.id).toBe(id)
    expect(redactSecrets(context.example)).toContain('REDACTED')
  })

  it.each(SECRET_CONTEXTS.map((context) => [context.id, context.nearMiss] as const))('%s: the near-miss %j is not found', (_id, nearMiss) => {
    expect(findSecretInText(nearMiss)).toBeUndefined()
  })

  it.each([
    ['RUN echo ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY9a1b2 > ~/.token', 'github-classic-pat'],
    ['RUN curl -H "Authorization: token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY9a1b2" https://api.github.com', 'github-classic-pat'],
    ['RUN curl -H "Authorization: Bearer 0123456789abcdefABCDEF" https://x', 'authorization-header'],
    ['RUN echo "//registry.npmjs.org/:_authToken=abcdef0123456789" > .npmrc', 'secret-assignment'],
    ['RUN docker login -u ci -p Sup3rS3cret registry.example.com', 'login-password'],
  ])('a RUN line: %s → %s', (text, id) => {
    expect(findSecretInText(text)?.id).toBe(id)
  })

  it.each([
    'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc',
    'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci',
    'RUN mkdir -p /app && echo "login ok"',
    'RUN curl -H "Authorization: Bearer $(cat /run/secrets/token)" https://x',
  ])('no secret in %j', (text) => {
    expect(findSecretInText(text)).toBeUndefined()
  })
})

describe('secret names and placeholders', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['NPM_TOKEN', true],
    ['API_SECRET', true],
    ['DB_PASSWORD', true],
    ['POSTGRES_PASSWORD_PRIMARY', true],
    ['STRIPE_API_KEY', true],
    ['_authToken', true],
    ['apiKey', true],
    ['password', true],
    ['TOKEN', true],
    ['PASSWORD_FILE', false],
    ['GITHUB_TOKEN_PATH', false],
    ['PUBLIC_KEY', false],
    ['CACHE_KEY', false],
    ['GPG_KEY', false],
    ['TOKENIZER', false],
    ['KEY', false],
    ['PATH', false],
    ['SECRET_NAME', false],
  ])('isSecretName(%j) = %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected)
  })

  it.each([
    ['', true],
    ['changeme', true],
    ['${GITHUB_TOKEN}', true],
    ['$TOKEN', true],
    ['${{ secrets.NPM_TOKEN }}', true],
    ['<your-token>', true],
    ['your-token-here', true],
    ['********', true],
    ['/run/secrets/db', true],
    ['ghp_…a1b2', true],
    ['s3cr3t-Passw0rd', false],
    ['postgres', false],
    ['0a1b2c3d4e5f', false],
  ])('isPlaceholder(%j) = %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected)
  })

  it('an assignment: a format wins; a secret name needs a literal value', () => {
    expect(findSecretInAssignment('X', `ghp_${'z'.repeat(36)}`)?.id).toBe('github-classic-pat')
    expect(findSecretInAssignment('DB_PASSWORD', 'hunter2hunter2')).toMatchObject({id: 'secret-assignment', format: false, redacted: '…'})
    expect(findSecretInAssignment('DB_PASSWORD', 'changeme')).toBeUndefined()
    expect(findSecretInAssignment('DB_HOST', 'db.internal')).toBeUndefined()
  })
})

/** Quantifiers of a regexp source, after removing escapes and character classes. */
function nestedQuantifier(source: string): boolean {
  const flat = source.replace(/\\./g, 'e').replace(/\[[^\]]*\]/g, 'c')
  // A group whose body has a quantifier and that is itself quantified: `(a+)*`, `(?:x{2,})+`.
  return /\((?:[^()]*[*+?}][^()]*)\)(?:[*+]|\{\d*,\d*\})/.test(flat.replace(/\(\?<?[=!]/g, '(').replace(/\?(?=[)|])/g, ''))
}

describe('linear time', () => {
  it.each([...SECRET_PATTERNS.map((entry) => [entry.id, entry.pattern] as const), ...SECRET_CONTEXTS.map((context) => [context.id, context.pattern] as const)])(
    '%s has no quantified group containing a quantifier',
    (_id, pattern) => {
      expect(nestedQuantifier(pattern.source)).toBe(false)
    },
  )

  it('the shape check itself catches a nested quantifier', () => {
    expect(nestedQuantifier('(a+)+b')).toBe(true)
    expect(nestedQuantifier('(?:[a-z]+ )*x')).toBe(true)
    expect(nestedQuantifier('ghp_[A-Za-z0-9]{20,}')).toBe(false)
  })

  it('adversarial input is processed in one pass (bounded size, every pattern)', () => {
    // 64 KiB of near-misses: every pattern's prefix followed by text that almost completes it.
    const chunk = 'ghp_ github_pat_ AKIA glpat- xoxb-1234567- eyJabc.eyJ login -p a:a:a:a= //u:p TOKEN: authorization: bearer '
    const text = chunk.repeat(Math.ceil(65_536 / chunk.length))
    const out = redactSecrets(text)
    expect(out.length).toBeGreaterThan(0)
    expect(findSecretInText(text)).toBeDefined()
  })
})

describe('redaction quick check (mayHoldSecret)', () => {
  it('lets every example of the catalogue through to the full redaction', () => {
    for (const entry of [...SECRET_PATTERNS, ...SECRET_CONTEXTS]) expect(mayHoldSecret(entry.example), entry.id).toBe(true)
  })

  it('refuses plain image references, so echoing one skips the ~20 patterns', () => {
    expect(mayHoldSecret('127.0.0.1:5000/bench/repo-00:v1')).toBe(false)
    expect(mayHoldSecret('ghcr.io/acme/api@sha256:0123456789abcdef')).toBe(false)
  })

  it('never changes what is redacted: the quick path equals the full redaction (property)', () => {
    // Fragments near every pattern: prefixes, names, separators, base64 runs.
    const fragments = [
      ...SECRET_PATTERNS.flatMap((entry) => [entry.prefix, entry.example, entry.example.slice(0, 12), entry.nearMiss]),
      ...SECRET_CONTEXTS.flatMap((context) => [context.example, context.example.slice(0, 16), context.nearMiss]),
      'A'.repeat(24), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'Bearer ', '://', ':', '=', '@', '/', ' ', '\n', '"', 'KEY', 'Pass', '_',
    ]
    const text = fc.oneof(fc.string({maxLength: 80}), fc.array(fc.constantFrom(...fragments), {maxLength: 8}).map((parts) => parts.join('')))
    fc.assert(
      fc.property(text, (input) => {
        expect(redactSecrets(input)).toBe(redactEverySecret(input))
      }),
      {numRuns: 2000},
    )
  })
})
