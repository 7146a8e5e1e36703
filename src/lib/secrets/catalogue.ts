/**
 * The one catalogue of secret patterns (issue #9): every credential format regctl recognises in
 * text, used both to **detect** (the audit's Dockerfile and build-context checks, `secret-kind.ts`)
 * and to **redact** (`redactSecrets`, behind `redactText` in `../errors.ts`). A format added here
 * is found by the scanner and hidden from every message at once.
 *
 * Prefixes are the issuers' documented token formats:
 * - GitHub (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/):
 *   `ghp_`, `github_pat_`, `gho_`, `ghu_`, `ghs_`, `ghr_`.
 * - Docker Hub: `dckr_pat_`, `dckr_oat_` (https://docs.docker.com/security/for-developers/access-tokens/).
 * - GitLab: `glpat-` (https://docs.gitlab.com/ee/security/tokens/#token-prefixes).
 * - Slack: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-` (https://api.slack.com/authentication/token-types).
 * - npm: `npm_` + 36 characters (https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/).
 * - Google: `ya29.` OAuth2 access tokens.
 * - AWS: access key ids `AKIA`/`ASIA` + 16 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids);
 *   secret access keys are 40 characters of base64 with no prefix, so only recognised next to
 *   their name (`aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY=…`).
 * - PEM private keys by their armour line (RFC 7468 §2), whatever the file is called.
 *
 * Linear time: every pattern is a literal (or short alternation) followed by single character
 * classes, with a look-behind so a match can only start at a word boundary; no quantified group
 * contains a quantifier, so V8's backtracking cannot blow up (a unit test checks the shape, another
 * runs each pattern on large adversarial input). Pure: no I/O.
 */

/** Stable ids of the catalogue (part of finding messages' meaning; never rename). */
export type SecretPatternId =
  | 'github-fine-grained-pat'
  | 'github-classic-pat'
  | 'github-oauth'
  | 'github-app-user'
  | 'github-app-installation'
  | 'github-refresh'
  | 'dockerhub-pat'
  | 'dockerhub-oat'
  | 'gitlab-pat'
  | 'slack-token'
  | 'npm-token'
  | 'gcp-access-token'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'private-key'
  | 'jwt'

/** Who issued a secret, as far as its shape tells. */
export type SecretProvider = 'github' | 'dockerhub' | 'gitlab' | 'slack' | 'npm' | 'aws' | 'gcp'

/** How a match may be shown: `prefix…last4`, `…last4`, or only a label. */
export type SecretDisplay = 'prefix-last4' | 'last4' | 'label'

/** One credential format. */
export type SecretPattern = {
  id: SecretPatternId
  /** `GitHub classic personal access token`. */
  label: string
  /** The indefinite article of {@link label}: `an AWS access key ID`. */
  article: 'a' | 'an'
  /** Short form for one-line output: `classic PAT`. */
  short: string
  provider?: SecretProvider
  /** The literal prefix a redaction may keep (`ghp_`), `''` when there is none. */
  prefix: string
  /** When the shown prefix varies (`xoxb-`, `ASIA`): how many leading characters to show instead. */
  lead?: number
  /**
   * Global, linear-time. Group `secret` is the credential itself; text before it in the match
   * (a variable name, for AWS secret keys) is kept by redaction.
   */
  pattern: RegExp
  display: SecretDisplay
  /** A real-shaped fake that must match (built at run time, so this file holds no token). */
  example: string
  /** Text that looks close but must not match this pattern. */
  nearMiss: string
}

/** Start of a token: not preceded by a character that could belong to it. */
const START = '(?<![A-Za-z0-9_])'

const token = (prefix: string, body: string, tail = '(?![A-Za-z0-9_])'): RegExp =>
  new RegExp(`${START}(?<secret>${prefix.replaceAll('.', '\\.')}${body})${tail}`, 'dg')

const repeat = (text: string, count: number): string => text.repeat(count)

/**
 * The token formats, most specific first: {@link findSecretInText} reports the first entry that
 * matches, and `github_pat_` must win over anything shorter.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    id: 'github-fine-grained-pat',
    label: 'GitHub fine-grained personal access token',
    article: 'a',
    short: 'fine-grained PAT',
    provider: 'github',
    prefix: 'github_pat_',
    pattern: token('github_pat_', '[A-Za-z0-9_]{20,}', ''),
    display: 'prefix-last4',
    example: `github_pat_11AAAAAAA0_${repeat('q', 55)}Zz9Z`,
    nearMiss: 'github_pat_short',
  },
  {
    id: 'github-classic-pat',
    label: 'GitHub classic personal access token',
    article: 'a',
    short: 'classic PAT',
    provider: 'github',
    prefix: 'ghp_',
    pattern: token('ghp_', '[A-Za-z0-9]{20,}'),
    display: 'prefix-last4',
    example: `ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY9a1b2`,
    nearMiss: 'ghp_short1234',
  },
  {
    id: 'github-oauth',
    label: 'GitHub OAuth token',
    article: 'a',
    short: 'OAuth token',
    provider: 'github',
    prefix: 'gho_',
    pattern: token('gho_', '[A-Za-z0-9]{20,}'),
    display: 'prefix-last4',
    example: `gho_${repeat('C', 32)}oath`,
    nearMiss: 'mongho_ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  },
  {
    id: 'github-app-user',
    label: 'GitHub App user-to-server token',
    article: 'a',
    short: 'GitHub App user token',
    provider: 'github',
    prefix: 'ghu_',
    pattern: token('ghu_', '[A-Za-z0-9]{20,}'),
    display: 'prefix-last4',
    example: `ghu_${repeat('D', 32)}usr1`,
    nearMiss: 'ghu_ABCDEFGHIJKLMNOPQRS',
  },
  {
    id: 'github-app-installation',
    label: 'GitHub App installation token',
    article: 'a',
    short: 'installation token',
    provider: 'github',
    prefix: 'ghs_',
    pattern: token('ghs_', '[A-Za-z0-9]{20,}'),
    display: 'prefix-last4',
    example: `ghs_${repeat('E', 32)}ins1`,
    nearMiss: 'ghs_ABCD-EFGH-IJKL-MNOP-QRST',
  },
  {
    id: 'github-refresh',
    label: 'GitHub App refresh token',
    article: 'a',
    short: 'refresh token',
    provider: 'github',
    prefix: 'ghr_',
    pattern: token('ghr_', '[A-Za-z0-9]{20,}'),
    display: 'prefix-last4',
    example: `ghr_${repeat('F', 72)}ref1`,
    nearMiss: 'ghr_',
  },
  {
    id: 'dockerhub-pat',
    label: 'Docker Hub personal access token',
    article: 'a',
    short: 'Docker Hub PAT',
    provider: 'dockerhub',
    prefix: 'dckr_pat_',
    pattern: token('dckr_pat_', '[A-Za-z0-9_-]{10,}', '(?![A-Za-z0-9_-])'),
    display: 'prefix-last4',
    example: `dckr_pat_${repeat('G', 27)}hub1`,
    nearMiss: 'dckr_pat_abc',
  },
  {
    id: 'dockerhub-oat',
    label: 'Docker Hub organization access token',
    article: 'a',
    short: 'Docker Hub OAT',
    provider: 'dockerhub',
    prefix: 'dckr_oat_',
    pattern: token('dckr_oat_', '[A-Za-z0-9_-]{10,}', '(?![A-Za-z0-9_-])'),
    display: 'prefix-last4',
    example: `dckr_oat_${repeat('H', 27)}oat1`,
    nearMiss: 'dckr_oat_',
  },
  {
    id: 'gitlab-pat',
    label: 'GitLab personal access token',
    article: 'a',
    short: 'GitLab PAT',
    provider: 'gitlab',
    prefix: 'glpat-',
    pattern: token('glpat-', '[A-Za-z0-9_-]{20,}', '(?![A-Za-z0-9_-])'),
    display: 'prefix-last4',
    example: `glpat-${repeat('x', 16)}Ab12`,
    nearMiss: 'glpat-tooShort',
  },
  {
    id: 'slack-token',
    label: 'Slack token',
    article: 'a',
    short: 'Slack token',
    provider: 'slack',
    prefix: 'xox',
    lead: 5,
    // xoxb-<team id digits>-<digits>-<alphanumerics>; the digit run cannot contain '-', so no overlap.
    pattern: token('xox', '[abprs]-[0-9]{6,}-[A-Za-z0-9-]{6,}', '(?![A-Za-z0-9-])'),
    display: 'prefix-last4',
    example: `xoxb-${repeat('1', 12)}-${repeat('2', 13)}-${repeat('s', 20)}lk01`,
    nearMiss: 'xoxa-0000000000',
  },
  {
    id: 'npm-token',
    label: 'npm access token',
    article: 'an',
    short: 'npm token',
    provider: 'npm',
    prefix: 'npm_',
    pattern: token('npm_', '[A-Za-z0-9]{36}'),
    display: 'prefix-last4',
    example: `npm_${repeat('N', 32)}npm1`,
    nearMiss: 'npm_install_flags_are_not_tokens',
  },
  {
    id: 'gcp-access-token',
    label: 'Google Cloud OAuth2 access token',
    article: 'a',
    short: 'GCP access token',
    provider: 'gcp',
    prefix: 'ya29.',
    pattern: token('ya29.', '[A-Za-z0-9_-]{20,}', '(?![A-Za-z0-9_-])'),
    display: 'prefix-last4',
    example: `ya29.a0AfH6SM${repeat('I', 150)}gcp1`,
    nearMiss: 'ya29.short',
  },
  {
    id: 'aws-access-key-id',
    label: 'AWS access key ID',
    article: 'an',
    short: 'AWS access key ID',
    provider: 'aws',
    prefix: 'AKIA',
    // An access key id is an identifier, not the secret: its type prefix may be shown.
    lead: 4,
    pattern: new RegExp(`${START}(?<secret>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])`, 'dg'),
    display: 'prefix-last4',
    example: 'AKIAIOSFODNN7EXAMPLE',
    nearMiss: 'AKIA0000',
  },
  {
    id: 'aws-secret-access-key',
    label: 'AWS secret access key',
    article: 'an',
    short: 'AWS secret key',
    provider: 'aws',
    prefix: '',
    // 40 base64 characters after the key's name: `aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY=…`,
    // `"SecretAccessKey": "…"` (the shapes of ~/.aws/credentials, env files and `aws sts` JSON).
    pattern: new RegExp(
      `${START}(?:aws_?)?secret_?access_?key["']?[ \\t]{0,8}[:=][ \\t]{0,8}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'dgi',
    ),
    display: 'last4',
    example: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    nearMiss: 'AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}',
  },
  {
    id: 'private-key',
    label: 'private key',
    article: 'a',
    short: 'private key',
    prefix: '',
    // RFC 7468 armour: RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP (…PRIVATE KEY BLOCK) and plain PKCS#8.
    pattern: new RegExp(`(?<secret>-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----)`, 'dg'),
    display: 'label',
    example: `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${repeat('K', 40)}\n-----END OPENSSH PRIVATE KEY-----`,
    nearMiss: '-----BEGIN PUBLIC KEY-----',
  },
  {
    id: 'jwt',
    label: 'JSON Web Token',
    article: 'a',
    short: 'JWT',
    prefix: 'eyJ',
    // RFC 7519: base64url header (always `{"…` → `eyJ`), payload, optional signature.
    pattern: token('eyJ', '[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*', '(?![A-Za-z0-9_-])'),
    display: 'prefix-last4',
    example: `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.${repeat('s', 40)}sig1`,
    nearMiss: 'eyJhbGciOi.short',
  },
]

/** `an AWS access key ID`, `a GitHub classic personal access token`. */
export function withArticle(entry: Pick<SecretPattern, 'article' | 'label'>): string {
  return `${entry.article} ${entry.label}`
}
