/**
 * Property tests for parseReference with a seeded generator (deterministic, no extra dependency):
 * references built from the grammar parse to what the grammar says, the canonical and familiar
 * forms are fixed points, and arbitrary input either parses to a canonical reference or fails
 * with InvalidReferenceError; adversarial near-misses are rejected (their timing: npm run bench:parsers).
 */
import {describe, expect, it} from 'vitest'

import {InvalidReferenceError} from '../../../src/lib/errors.js'
import {familiarReference, formatReference, parseReference} from '../../../src/lib/reference.js'
import {NEAR_MISS_REFERENCES} from '../../fixtures/reference-near-misses.js'

/** mulberry32: small, fast, good enough to explore a grammar reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d_2b_79_f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Gen = {int: (min: number, max: number) => number; pick: <T>(items: readonly T[]) => T; chars: (alphabet: string, min: number, max: number) => string}

function gen(seed: number): Gen {
  const random = prng(seed)
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T
  const chars = (alphabet: string, min: number, max: number): string =>
    Array.from({length: int(min, max)}, () => alphabet[int(0, alphabet.length - 1)]).join('')
  return {int, pick, chars}
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789'
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'
const HEX = '0123456789abcdef'

function pathComponent(g: Gen, allowDot: boolean): string {
  const separators = allowDot ? ['.', '_', '__', '-', '--', '---'] : ['_', '__', '-', '--']
  let out = g.chars(LOWER, 1, 5)
  for (let i = g.int(0, 2); i > 0; i--) out += g.pick(separators) + g.chars(LOWER, 1, 5)
  return out
}

function domainComponent(g: Gen, upper: boolean): string {
  const alphabet = upper ? 'abcXYZ019' : 'abcxyz019'
  const inner = g.int(0, 1) === 0 ? '' : g.chars(`${alphabet}-`, 0, 4)
  return inner === '' ? g.chars(alphabet, 1, 3) : `${g.chars(alphabet, 1, 1)}${inner}${g.chars(alphabet, 1, 1)}`
}

type Case = {input: string; registry: string; repository: string; tag?: string; digest?: string}

function validCase(g: Gen): Case {
  const port = (): string => (g.int(0, 1) === 0 ? '' : `:${g.int(1, 65_535)}`)
  const registryKind = g.int(0, 7)
  let registry: string | undefined
  switch (registryKind) {
    case 0: {
      registry = 'docker.io'
      break
    }

    case 1: {
      registry = 'index.docker.io'
      break
    }

    case 2: {
      registry = `localhost${port()}`
      break
    }

    case 3: {
      registry = `${g.int(0, 255)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(0, 255)}${port()}`
      break
    }

    case 4: {
      registry = `${g.pick(['[::1]', '[fe80::1:2]', '[2001:db8:0:0:0:0:0:1]'])}${port()}`
      break
    }

    case 5: {
      const upper = g.int(0, 3) === 0
      const parts = Array.from({length: g.int(2, 3)}, () => domainComponent(g, upper))
      registry = `${parts.join('.')}${port()}`
      break
    }

    default: {
      registry = undefined
    }
  }

  const components = Array.from({length: g.int(1, 4)}, (_, i) => pathComponent(g, registry !== undefined || i > 0))
  // Without a registry, a first component with "." or ":" would itself be taken for one.
  const path = components.join('/')
  const tag = g.int(0, 2) === 0 ? undefined : g.chars(WORD, 1, 1) + g.chars(`${WORD}.-`, 0, 20)
  const digest =
    g.int(0, 2) === 0 ? (g.int(0, 1) === 0 ? `sha256:${g.chars(HEX, 64, 64)}` : `sha512:${g.chars(HEX, 128, 128)}`) : undefined

  const input = `${registry === undefined ? '' : `${registry}/`}${path}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`
  const expectedRegistry = registry === undefined || registry === 'index.docker.io' ? 'docker.io' : registry
  const expectedRepository = expectedRegistry === 'docker.io' && !path.includes('/') ? `library/${path}` : path
  const expected: Case = {input, registry: expectedRegistry, repository: expectedRepository}
  if (tag !== undefined) expected.tag = tag
  if (digest !== undefined) expected.digest = digest
  if (tag === undefined && digest === undefined) expected.tag = 'latest'
  return expected
}

const SEED = 20_240_601
const RUNS = 3000

describe(`parseReference properties (seed ${SEED})`, () => {
  it('parses grammar-generated references to their normalised parts', () => {
    const g = gen(SEED)
    for (let i = 0; i < RUNS; i++) {
      const {input, ...expected} = validCase(g)
      const ref = parseReference(input)
      expect(ref, input).toStrictEqual(expected)
      expect(parseReference(formatReference(ref)), input).toStrictEqual(ref)
      expect(parseReference(familiarReference(ref)), input).toStrictEqual(ref)
    }
  })

  it('either parses to a canonical fixed point or throws InvalidReferenceError', () => {
    const g = gen(SEED + 1)
    const alphabet = 'abAZ09._-_/:@[]%# \t'
    let accepted = 0
    for (let i = 0; i < RUNS * 3; i++) {
      const input = g.chars(alphabet, 0, g.int(0, 1) === 0 ? 12 : 300)
      try {
        const ref = parseReference(input)
        accepted++
        expect(parseReference(formatReference(ref)), input).toStrictEqual(ref)
        expect(ref.repository, input).toMatch(/^[a-z0-9._/-]+$/)
      } catch (error) {
        if (!(error instanceof InvalidReferenceError)) throw error
        expect(error.reason.length, input).toBeGreaterThan(0)
        expect(error.reason.length, input).toBeLessThan(400)
      }
    }

    // The alphabet is rich enough that some random strings are valid references.
    expect(accepted).toBeGreaterThan(50)
  })

  it('rejects adversarial near-misses; the regexes never see more than 1024 characters', () => {
    // The work is bounded by the input size: past 1024 characters the parser refuses before any
    // pattern runs. The time each near-miss takes is measured by `npm run bench:parsers`
    // (scripts/bench/parsers.ts), not asserted here: a wall clock under coverage proves nothing.
    for (const input of NEAR_MISS_REFERENCES) {
      expect(input.length, input.slice(0, 20)).toBeLessThanOrEqual(1025)
      expect(() => parseReference(input), input.slice(0, 20)).toThrow(InvalidReferenceError)
    }

    for (const input of NEAR_MISS_REFERENCES.map((near) => `${near}${'a'.repeat(1025)}`)) {
      expect(() => parseReference(input)).toThrow(`reference too long (${input.length} > 1024 characters)`)
    }
  })
})
