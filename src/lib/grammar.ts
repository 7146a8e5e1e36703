/**
 * English for counted and named things in messages and reports, one way everywhere: "1 warning",
 * "2 warnings", "1 registry". (A secret's label carries its own article: ./secrets/catalogue.ts.)
 */

/** `1 warning`, `0 warnings`, `2 registries` (pass the plural form when it is not `singular + s`). */
export function plural(count: number, singular: string, pluralForm: string = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
