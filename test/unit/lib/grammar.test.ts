import {describe, expect, it} from 'vitest'

import {plural} from '../../../src/lib/grammar.js'

describe('plural', () => {
  it.each([
    [0, 'warning', undefined, '0 warnings'],
    [1, 'warning', undefined, '1 warning'],
    [2, 'warning', undefined, '2 warnings'],
    [1, 'registry', 'registries', '1 registry'],
    [3, 'registry', 'registries', '3 registries'],
  ])('%i %s → %s', (count, singular, pluralForm, expected) => {
    expect(plural(count, singular, pluralForm)).toBe(expected)
  })
})
