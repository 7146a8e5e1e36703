/**
 * The image rules of `regctl audit` (issue #5): a `pull-check` verdict for an image the repository
 * uses (a `FROM` line, a Compose `image:`, a line of `--images FILE`) turned into a finding with a
 * stable rule id. Definitive failures ("the registry said no", "that is not a reference") are
 * errors; answers that could not be had (unreachable, rate limited, a registry fault) are warnings,
 * because failing a build on a registry's bad minute would teach people to ignore the check.
 */
import type {ImageCheck, Verdict} from './pull-check.js'
import type {Finding, FindingLocation, Rule} from './finding.js'

/** Stable rule ids. Never renamed: scripts and SARIF baselines match on them. */
export const ImageRuleId = {
  notFound: 'image/not-found',
  unauthorized: 'image/unauthorized',
  denied: 'image/denied',
  platformMissing: 'image/platform-missing',
  invalidReference: 'image/invalid-reference',
  deprecatedManifest: 'image/deprecated-manifest',
  undetermined: 'image/undetermined',
} as const

export type ImageRuleIdValue = (typeof ImageRuleId)[keyof typeof ImageRuleId]

/** The catalogue (SARIF `tool.driver.rules[]`, the help of the markdown report). */
export const IMAGE_RULES: readonly Rule[] = [
  {
    id: ImageRuleId.notFound,
    name: 'ImageNotFound',
    defaultSeverity: 'error',
    shortDescription: 'An image the repository uses does not exist in its registry',
    help: [
      'The registry answered 404 for the image: the repository (`NAME_UNKNOWN`) or the tag or digest (`MANIFEST_UNKNOWN`) does not exist. `docker build` or `docker compose pull` will fail on this line.',
      'Fix: check the spelling of the name and tag, push the image, or pin a tag that exists (`regctl pull-check IMAGE` shows the registry\'s answer; `skopeo list-tags docker://IMAGE` lists the tags).',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.unauthorized,
    name: 'ImagePullUnauthorized',
    defaultSeverity: 'error',
    shortDescription: 'Pulling an image needs credentials that are missing or rejected',
    help: [
      'The registry asked for authentication and either no credential for it is configured here, or the configured one was rejected (wrong password, expired or revoked token). Some registries also answer this way for a repository that does not exist, to avoid revealing names.',
      'Fix: `docker login REGISTRY` with an account that can pull the image (in CI, a `docker/login-action` step before the build); `regctl auth status` shows which logins work.',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.denied,
    name: 'ImagePullDenied',
    defaultSeverity: 'error',
    shortDescription: 'The credential in use is valid but not allowed to pull the image',
    help: [
      'The registry accepted the login but refused the pull (HTTP 403, or a token issued without the `pull` action). The account lacks read access to the repository.',
      'Fix: grant the account read access (on GHCR: the package\'s "Manage Actions access" or a token with `read:packages`), or log in as an account that has it.',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.platformMissing,
    name: 'ImagePlatformMissing',
    defaultSeverity: 'error',
    shortDescription: 'A multi-platform image has no manifest for the platform checked',
    help: [
      'The image is an index (manifest list) without an entry for the platform regctl resolved it for, so `docker pull` on that platform fails with "no matching manifest".',
      'Fix: build and push the image for that platform (`docker buildx build --platform …`), or pick a tag that includes it.',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.invalidReference,
    name: 'InvalidImageReference',
    defaultSeverity: 'error',
    shortDescription: 'An image reference is not valid',
    help: [
      'The text is not a valid image reference under the distribution reference grammar (upper-case repository names, a tag longer than 128 characters, a malformed digest…). Docker refuses it before contacting any registry.',
      'Fix: correct the reference on the reported line.',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.deprecatedManifest,
    name: 'ImageManifestSchema1',
    defaultSeverity: 'error',
    shortDescription: 'An image uses the Docker schema 1 manifest format, which docker no longer pulls',
    help: [
      'Docker Image Manifest V2, Schema 1 was deprecated in 2015 and docker v28.2 removed support for pulling it. The image exists but cannot be pulled by current docker releases.',
      'Fix: re-push the image with a current builder (`skopeo copy` or `docker buildx` write schema 2 / OCI manifests), or move to a maintained tag.',
    ].join('\n\n'),
  },
  {
    id: ImageRuleId.undetermined,
    name: 'ImagePullUndetermined',
    defaultSeverity: 'warning',
    shortDescription: 'Whether an image can be pulled could not be determined',
    help: [
      'The registry could not be reached (DNS, connection, TLS, timeout), rate-limited the check (HTTP 429), or answered with an error of its own (HTTP 5xx, a malformed response); or the credential helper docker runs for the registry failed, where docker 29 stops the pull (docker 28 pulled anonymously). This says nothing definitive about the image, so it is a warning rather than an error.',
      'Fix: run the audit again; if it persists, `regctl pull-check IMAGE` shows the details (a proxy, a firewall, Docker Hub\'s pull limit for anonymous users: log in to raise it; a credential helper\'s store to make reachable).',
    ].join('\n\n'),
  },
]

/** The rule for each verdict that is not `pullable`. */
const RULE_OF: Record<Exclude<Verdict, 'pullable'>, ImageRuleIdValue> = {
  'not-found': ImageRuleId.notFound,
  unauthorized: ImageRuleId.unauthorized,
  denied: ImageRuleId.denied,
  'platform-missing': ImageRuleId.platformMissing,
  'invalid-reference': ImageRuleId.invalidReference,
  'credential-error': ImageRuleId.undetermined,
  'rate-limited': ImageRuleId.undetermined,
  'registry-error': ImageRuleId.undetermined,
  unreachable: ImageRuleId.undetermined,
}

/** What the user can do, per rule; `image` is the reference as written. */
function fixFor(rule: ImageRuleIdValue, check: ImageCheck): string {
  const image = check.reference ?? check.input
  switch (rule) {
    case ImageRuleId.notFound: {
      return `Check the name and tag, push the image, or pin a tag that exists (regctl pull-check ${image} shows the registry's answer).`
    }

    case ImageRuleId.unauthorized: {
      return check.credential.source === 'anonymous' || check.credential.source === 'none'
        ? `Log in to ${check.registry ?? 'the registry'} before the build: docker login ${check.registry ?? 'REGISTRY'}.`
        : `The ${check.credential.source} login for ${check.registry ?? 'the registry'} was rejected: log in again (docker login ${check.registry ?? 'REGISTRY'}); regctl auth status shows why.`
    }

    case ImageRuleId.denied: {
      return `Grant ${check.credential.username ?? 'the account'} read access to ${check.repository ?? 'the repository'}, or log in as an account that has it.`
    }

    case ImageRuleId.platformMissing: {
      return `Build and push the image for ${check.platform?.requested ?? 'the platform'} (docker buildx build --platform …) or use a tag that includes it.`
    }

    case ImageRuleId.invalidReference: {
      return 'Correct the reference (lower-case repository, tag of at most 128 characters, algorithm:hex digest).'
    }

    case ImageRuleId.deprecatedManifest: {
      return `Re-push ${image} with a current builder (skopeo copy, docker buildx) or move to a maintained tag.`
    }

    case ImageRuleId.undetermined: {
      // Running again does not mend a failing helper (docker 29 fails the same way every time).
      return check.verdict === 'credential-error'
        ? `Make the credential helper docker runs for ${check.registry ?? 'the registry'} answer (unlock or start its store), or take it off PATH if you do not use it; then run the audit again.`
        : `Run the audit again; regctl pull-check ${image} shows the details.`
    }
  }
}

/**
 * The finding for an image check, or undefined when the image is pullable. `where` describes the
 * place the image is named (`Dockerfile line 3`), and `location` is attached as is.
 */
export function imageFinding(check: ImageCheck, where: {location?: FindingLocation | undefined}): Finding | undefined {
  if (check.verdict === 'pullable') return undefined
  // A schema1 manifest is "registry-error" to pull-check (docker says so, not the registry), but it
  // is a definitive answer: today's docker will not pull it.
  const rule = check.deprecated ? ImageRuleId.deprecatedManifest : RULE_OF[check.verdict]
  const severity = rule === ImageRuleId.undetermined ? 'warning' : 'error'
  const image = check.reference ?? check.input
  const prefix = where.location ? `${where.location.file}${where.location.line === undefined ? '' : ` line ${where.location.line}`}: ` : ''
  const as = check.credential.source === 'none' ? '' : ` (as ${check.credential.username ? `${check.credential.username} via ` : ''}${check.credential.source})`
  const what = severity === 'error' ? 'cannot be pulled' : 'could not be checked'
  return {
    ruleId: rule,
    severity,
    message: `${prefix}image ${image} ${what}${as}: ${check.verdict}${check.message ? ` — ${check.message}` : ''}`,
    ...(where.location ? {location: where.location} : {}),
    fix: fixFor(rule, check),
    subject: image,
  }
}
