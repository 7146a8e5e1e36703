/**
 * Small regressions of issue 12 ("Hostile and broken inputs"): each input crashed with a foreign
 * error ("Invalid time value", "Invalid URL") and now gets a regctl answer.
 */
import {describe, expect, it} from 'vitest'

import {InvalidReferenceError} from '../../src/lib/errors.js'
import {parseReference} from '../../src/lib/reference.js'
import {parseRateLimit} from '../../src/lib/registry/rate-limit.js'

const headers = (values: Record<string, string>) => (name: string) => values[name]

describe('hostile inputs', () => {
  it.each(['99999999999999999999', '9'.repeat(400), 'Sat, 99 Xyz 99999 99:99:99 GMT'])('ignores an unusable Retry-After %s', (value) => {
    expect(parseRateLimit(headers({'retry-after': value}), Date.UTC(2026, 0, 1))?.resetAt).toBeUndefined()
  })

  it('still reads a usable Retry-After', () => {
    expect(parseRateLimit(headers({'retry-after': '120'}), Date.UTC(2026, 0, 1))?.resetAt).toBe('2026-01-01T00:02:00.000Z')
  })

  it('rejects a registry port past 65535 as an invalid reference (usage, exit 2)', () => {
    expect(() => parseReference('localhost:99999/x')).toThrow(InvalidReferenceError)
    expect(() => parseReference('localhost:99999/x')).toThrow(/invalid registry port 99999/)
    expect(parseReference('localhost:65535/x').registry).toBe('localhost:65535')
  })
})
