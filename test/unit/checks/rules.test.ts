import {describe, expect, it} from 'vitest'

import {findRule, REPOSITORY_RULES, RULES} from '../../../src/lib/checks/rules.js'

describe('rule catalogue', () => {
  it('has unique ids and names', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length)
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length)
  })

  it.each(REPOSITORY_RULES.map((r) => [r.id, r] as const))('%s is complete and found by id', (id, rule) => {
    expect(id).toMatch(/^[a-z]+\/[a-z-]+$/)
    expect(rule.shortDescription.length).toBeGreaterThan(10)
    expect(rule.help).toMatch(/Fix|Audit a subdirectory/)
    expect(findRule(id)).toBe(rule)
  })

  it('finds nothing for an unknown id', () => {
    expect(findRule('nope/nope')).toBeUndefined()
  })
})
