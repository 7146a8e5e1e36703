/**
 * Property tests for the pure parsers (issue 12): on arbitrary input each either answers or throws
 * its own regctl error, never a foreign one (TypeError, RangeError "Invalid time value", a stack
 * overflow). Inputs are bounded in length, so the work per input is bounded; numRuns keeps the
 * suite fast on 2 cores. fast-check prints the first counterexample and stops (endOnFailure).
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseComposeImages} from '../../src/lib/compose.js'
import {parseDockerConfig} from '../../src/lib/credentials/docker-config.js'
import {newPatternMatcher, parseDockerignore, BadPatternError, PatternBoundError} from '../../src/lib/dockerignore.js'
import {parseDockerfile, resolveFroms} from '../../src/lib/dockerfile.js'
import {isRegctlError} from '../../src/lib/errors.js'
import {lastPageOf, parseLinkHeader} from '../../src/lib/link-header.js'
import {parseReference} from '../../src/lib/reference.js'
import {parseTokenResponse} from '../../src/lib/registry/auth.js'
import {parseRateLimit} from '../../src/lib/registry/rate-limit.js'
import {ExpansionDepthError} from '../../src/lib/shell-words.js'
import {parseChallenges} from '../../src/lib/www-authenticate.js'

const RUNS = {numRuns: 300, endOnFailure: true}
/** Text with the characters these grammars care about over-represented. */
const grammarText = (chars: string, maxLength = 300) =>
  fc.oneof(fc.string({maxLength}), fc.array(fc.constantFrom(...chars), {maxLength}).map((parts) => parts.join('')))

/** Runs `f`; a throw must be one of `allowed` (or a regctl error). */
function ownErrorsOnly(f: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void {
  try {
    f()
  } catch (error) {
    if (isRegctlError(error) || allowed.some((type) => error instanceof type)) return
    throw error
  }
}

describe('parsers never throw a foreign error', () => {
  it('parseReference', () => {
    fc.assert(fc.property(grammarText('aZ09:/@._-[]%$ \u0000'), (input) => ownErrorsOnly(() => parseReference(input))), RUNS)
  })

  it('parseChallenges (WWW-Authenticate)', () => {
    fc.assert(fc.property(grammarText('Bearer realm="x",\\ =,;'), (header) => void parseChallenges(header)), RUNS)
  })

  it('parseLinkHeader and lastPageOf (Link)', () => {
    fc.assert(
      fc.property(grammarText('<>;,="rel next last page=9 \\'), (header) => {
        parseLinkHeader(header)
        lastPageOf(header)
      }),
      RUNS,
    )
  })

  it('.dockerignore parsing and matching', () => {
    fc.assert(
      fc.property(grammarText('*?[]\\!/.a-^\n#'), fc.string({maxLength: 60}), (text, path) =>
        ownErrorsOnly(() => newPatternMatcher(parseDockerignore(text)).matchesOrParentMatches(path), BadPatternError, PatternBoundError),
      ),
      RUNS,
    )
  })

  it('Dockerfile parsing and FROM resolution', () => {
    fc.assert(
      fc.property(grammarText('FROM ARG ${}:-+?=AS \\\n\'"`#$', 400), (text) =>
        ownErrorsOnly(() => resolveFroms(parseDockerfile(text)), ExpansionDepthError),
      ),
      RUNS,
    )
  })

  it('Compose images', () => {
    fc.assert(fc.property(grammarText('services:\n image- ${}:-&*<>"\'', 400), (text) => ownErrorsOnly(() => parseComposeImages(text), ExpansionDepthError)), RUNS)
  })

  it('config.json', () => {
    fc.assert(fc.property(fc.oneof(fc.json(), grammarText('{}[]":,auths auth credHelpers')), (text) => ownErrorsOnly(() => parseDockerConfig(text, '/c.json'))), RUNS)
  })

  it('token response', () => {
    fc.assert(fc.property(fc.jsonValue(), (data) => ownErrorsOnly(() => parseTokenResponse(data, 'https://auth.example/token'))), RUNS)
  })

  it('rate-limit headers', () => {
    const value = fc.oneof(fc.string({maxLength: 40}), fc.bigInt({min: 0n, max: 10n ** 30n}).map(String))
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'x-ratelimit-reset'), value), (headers) => {
        const result = parseRateLimit((name) => headers[name], Date.UTC(2026, 0, 1))
        if (result?.resetAt !== undefined) expect(Number.isNaN(Date.parse(result.resetAt))).toBe(false)
      }),
      RUNS,
    )
  })
})
