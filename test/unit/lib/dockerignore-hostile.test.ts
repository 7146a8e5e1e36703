/**
 * Hostile `.dockerignore` and COPY patterns (issue 12): matching runs on RE2 (re2js), so it is
 * linear in the path; the pattern index must never change an answer; bounds fail with a clear
 * PatternBoundError instead of costing unbounded work. No wall-clock assertion: the vitest timeout
 * is the kill bound (the backtracking matcher ran for more than 60 s on these inputs).
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {BadPatternError, IGNORE_BOUNDS, newPatternMatcher, PatternBoundError, type PatternMatcher} from '../../../src/lib/dockerignore.js'

/** Upstream's MatchesOrParentMatches loop, over every pattern in order: the reference the index must agree with. */
function naive(matcher: PatternMatcher, file: string): boolean {
  let matched = false
  const dirs = file.split('/').slice(0, -1)
  const parents = dirs.map((_, i) => dirs.slice(0, i + 1).join('/'))
  for (const pattern of matcher.patterns) {
    if (pattern.exclusion !== matched) continue
    let match = pattern.match(file)
    for (const parent of parents) match ||= pattern.match(parent)
    if (match) matched = !pattern.exclusion
  }

  return matched
}

describe('hostile .dockerignore patterns', () => {
  it('matches the 26-byte backtracking bomb from issue 12 correctly on long paths', {timeout: 10_000}, () => {
    const matcher = newPatternMatcher(['.env*a*a*a*a*a*a*a*a*a*b'])
    expect(matcher.matchesOrParentMatches(`.env${'a'.repeat(20_000)}`)).toBe(false)
    expect(matcher.matchesOrParentMatches(`.env${'a'.repeat(20)}b`)).toBe(true)
  })

  it('matches repeated **/ forms on deep paths', {timeout: 10_000}, () => {
    const matcher = newPatternMatcher([`${'**/'.repeat(500)}x`])
    expect(matcher.matchesOrParentMatches(`${'a/'.repeat(500)}y`)).toBe(false)
    expect(matcher.matchesOrParentMatches(`${'a/'.repeat(500)}x`)).toBe(true)
  })

  it('evaluates thousands of patterns over thousands of files', {timeout: 20_000}, () => {
    const matcher = newPatternMatcher([...Array.from({length: 5000}, (_, i) => `dir${i}/*.txt`), '!dir7/keep.txt'])
    let excluded = 0
    for (let i = 0; i < 2000; i++) if (matcher.matchesOrParentMatches(`dir${i % 10}/file${i}.txt`)) excluded++
    expect(excluded).toBe(2000)
    expect(matcher.matchesOrParentMatches('dir7/keep.txt')).toBe(false)
    expect(matcher.matchesOrParentMatches('src/dir7/a.txt')).toBe(false)
  })

  it('rejects more patterns than the bound, and over-long patterns, with PatternBoundError', () => {
    expect(() => newPatternMatcher(Array.from({length: IGNORE_BOUNDS.patterns + 1}, (_, i) => `f${i}`))).toThrow(PatternBoundError)
    expect(() => newPatternMatcher(['a'.repeat(IGNORE_BOUNDS.patternLength + 1)])).toThrow(/over the bound of 4096/)
    expect(() => newPatternMatcher(Array.from({length: IGNORE_BOUNDS.patterns}, (_, i) => `f${i}`))).not.toThrow()
  })

  it('still fails on use when a pattern does not compile, wherever it sits in the index', () => {
    const matcher = newPatternMatcher(['abc/[z-a]'])
    expect(() => matcher.matchesOrParentMatches('abc/x')).toThrow(BadPatternError)
  })

  it('gives the same answer as the unindexed upstream loop (property)', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', '.env', 'x.pem', 'dir', '*', '**', '?', 'a*', '[ab]', '*.pem', '.*')
    const pattern = fc
      .tuple(fc.boolean(), fc.array(segment, {minLength: 1, maxLength: 4}))
      .map(([negate, parts]) => `${negate ? '!' : ''}${parts.join('/')}`)
    const file = fc.array(fc.constantFrom('a', 'b', 'ab', '.env', 'x.pem', 'dir', '.envab'), {minLength: 1, maxLength: 5}).map((parts) => parts.join('/'))
    fc.assert(
      fc.property(fc.array(pattern, {minLength: 1, maxLength: 8}), fc.array(file, {minLength: 1, maxLength: 8}), (patterns, files) => {
        let matcher: PatternMatcher
        try {
          matcher = newPatternMatcher(patterns)
        } catch (error) {
          expect(error).toBeInstanceOf(BadPatternError)
          return
        }

        for (const f of files) expect(matcher.matchesOrParentMatches(f)).toBe(naive(matcher, f))
      }),
      {numRuns: 300, endOnFailure: true},
    )
  })
})
