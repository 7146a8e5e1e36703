/**
 * English for counted and named things in messages and reports, one way everywhere: "1 warning",
 * "2 warnings", "1 registry", "an AWS ECR token".
 */

/** `1 warning`, `0 warnings`, `2 registries` (pass the plural form when it is not `singular + s`). */
export function plural(count: number, singular: string, pluralForm: string = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}

/**
 * `a classic PAT`, `an AWS ECR token`, `an OAuth token`: the indefinite article by the first
 * letter's sound as written. Words spelled out letter by letter and starting with a vowel sound
 * (`an SSH key`, `an ECR token`) count by the letter, as acronyms in capitals are read.
 */
export function withArticle(phrase: string): string {
  const first = phrase.split(/\s/, 1)[0] ?? ''
  // An all-capitals acronym is read letter by letter: A, E, F, H, I, L, M, N, O, R, S, X sound like a vowel.
  const acronym = /^[A-Z][A-Z0-9]+$/.test(first)
  const vowelSound = acronym ? /^[AEFHILMNORSX]/.test(first) : /^[aeiou]/i.test(first)
  return `${vowelSound ? 'an' : 'a'} ${phrase}`
}
