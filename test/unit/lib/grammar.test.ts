import {describe, expect, it} from 'vitest'

import {plural, withArticle} from '../../../src/lib/grammar.js'

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

describe('withArticle', () => {
  it.each([
    ['AWS ECR token', 'an AWS ECR token'],
    ['ECR token', 'an ECR token'],
    ['OAuth token (gho_)', 'an OAuth token (gho_)'],
    ['identity token', 'an identity token'],
    ['classic PAT', 'a classic PAT'],
    ['GitHub App user token', 'a GitHub App user token'],
    ['GCP access token', 'a GCP access token'],
    ['URL', 'a URL'],
    ['fine-grained PAT', 'a fine-grained PAT'],
  ])('%s → %s', (phrase, expected) => {
    expect(withArticle(phrase)).toBe(expected)
  })
})
