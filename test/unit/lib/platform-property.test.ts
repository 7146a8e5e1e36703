/**
 * `--platform` forms against containerd's platforms.Parse rules (platforms.go, database.go), as
 * properties over the OS and architecture spellings it knows, in any letter case:
 * - case folds: any casing parses as the lower-case form does;
 * - formatting round-trips: parse(format(parse(x))) is parse(x);
 * - one component: an architecture alone means linux (`arm64` → linux/arm64, whatever the machine);
 *   an OS alone takes this machine's architecture and variant (`linux`, `windows`);
 * - arm64 is arm64/v8 and `linux/arm` is arm/v7 when matched (containerd's normalised defaults).
 * Table cases are in platform.test.ts; this file adds only the properties.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {formatPlatform, matchPlatform, normalizePlatform, parsePlatform, type Platform} from '../../../src/lib/platform.js'

/** Spellings containerd's normalizeOS / normalizeArch accept, and what each means. */
const OSES: ReadonlyArray<[string, string]> = [['linux', 'linux'], ['windows', 'windows'], ['darwin', 'darwin'], ['macos', 'darwin']]
const ARCHES: ReadonlyArray<[string, string]> = [
  ['amd64', 'amd64'], ['x86_64', 'amd64'], ['x86-64', 'amd64'], ['arm64', 'arm64'], ['aarch64', 'arm64'], ['arm', 'arm'],
  ['armhf', 'arm'], ['armel', 'arm'], ['386', '386'], ['i386', '386'], ['s390x', 's390x'], ['ppc64le', 'ppc64le'], ['riscv64', 'riscv64'],
]
const MACHINES: Platform[] = [{os: 'linux', architecture: 'amd64'}, {os: 'linux', architecture: 'arm', variant: 'v6'}, {os: 'darwin', architecture: 'arm64'}]

/** `word` with each letter's case chosen by fast-check. */
const anyCase = (word: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), {minLength: word.length, maxLength: word.length}).map((upper) => [...word].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join(''))
const os = fc.constantFrom(...OSES).chain(([spelling, meaning]) => anyCase(spelling).map((text) => ({text, meaning})))
const arch = fc.constantFrom(...ARCHES).chain(([spelling, meaning]) => anyCase(spelling).map((text) => ({text, meaning})))
const machine = fc.constantFrom(...MACHINES)

describe('--platform forms (containerd platforms.Parse), as properties', () => {
  it('any letter case parses as the lower-case form; os and architecture are the normalised names', () => {
    fc.assert(
      fc.property(os, arch, (o, a) => {
        const parsed = parsePlatform(`${o.text}/${a.text}`)
        expect(parsed).toStrictEqual(parsePlatform(`${o.text}/${a.text}`.toLowerCase()))
        expect(parsed.os).toBe(o.meaning)
        expect(parsed.architecture).toBe(a.meaning)
      }),
    )
  })

  it('formatting round-trips, and the formatted form is lower case', () => {
    fc.assert(
      fc.property(os, arch, fc.option(fc.constantFrom('v5', 'v6', 'v7', 'v8', '7', 'v2', 'v3')), (o, a, variant) => {
        const input = `${o.text}/${a.text}${variant === null ? '' : `/${variant}`}`
        const parsed = parsePlatform(input)
        const formatted = formatPlatform(parsed)
        expect(formatted).toBe(formatted.toLowerCase())
        expect(parsePlatform(formatted)).toStrictEqual(parsed)
      }),
    )
  })

  it('an architecture alone means linux on any machine; an OS alone takes the machine\'s architecture', () => {
    fc.assert(
      fc.property(arch, machine, (a, m) => {
        expect(parsePlatform(a.text, m)).toStrictEqual(parsePlatform(`linux/${a.text}`))
      }),
    )
    fc.assert(
      fc.property(os, machine, (o, m) => {
        const parsed = parsePlatform(o.text, m)
        expect(parsed.os).toBe(o.meaning)
        expect(normalizePlatform({...parsed, os: m.os})).toStrictEqual(normalizePlatform(m))
      }),
    )
  })

  it('arm64 is linux/arm64/v8 and linux/arm is arm/v7 when matched; amd64 is linux/amd64', () => {
    fc.assert(
      fc.property(anyCase('arm64'), anyCase('linux/arm'), anyCase('amd64'), (arm64, arm, amd64) => {
        expect(matchPlatform(parsePlatform(arm64), parsePlatform('linux/arm64/v8'))).toBe(true)
        expect(normalizePlatform(parsePlatform(arm))).toStrictEqual({os: 'linux', architecture: 'arm', variant: 'v7'})
        expect(matchPlatform(parsePlatform(arm), parsePlatform('linux/arm/v7'))).toBe(true)
        expect(matchPlatform(parsePlatform(arm), parsePlatform('linux/arm/v6'))).toBe(false)
        expect(formatPlatform(parsePlatform(amd64))).toBe('linux/amd64')
      }),
    )
  })
})
