import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {
  bestMatch,
  defaultPlatform,
  formatPlatform,
  matchPlatform,
  normalizePlatform,
  parsePlatform,
  type Platform,
} from '../../../src/lib/platform.js'

const p = parsePlatform

describe('parsePlatform (containerd platforms_test.go TestParseSelector)', () => {
  it.each<[string, Platform, string]>([
    ['linux/arm64', {os: 'linux', architecture: 'arm64'}, 'linux/arm64'],
    ['linux/arm64/v8', {os: 'linux', architecture: 'arm64', variant: 'v8'}, 'linux/arm64/v8'],
    ['linux/aarch64', {os: 'linux', architecture: 'arm64'}, 'linux/arm64'],
    ['linux/aarch64/v8', {os: 'linux', architecture: 'arm64', variant: 'v8'}, 'linux/arm64/v8'],
    ['linux/arm', {os: 'linux', architecture: 'arm'}, 'linux/arm'],
    ['linux/arm/v6', {os: 'linux', architecture: 'arm', variant: 'v6'}, 'linux/arm/v6'],
    ['linux/arm/v7', {os: 'linux', architecture: 'arm', variant: 'v7'}, 'linux/arm/v7'],
    ['linux/arm/7', {os: 'linux', architecture: 'arm', variant: 'v7'}, 'linux/arm/v7'],
    ['linux/armhf', {os: 'linux', architecture: 'arm'}, 'linux/arm'],
    ['linux/armel', {os: 'linux', architecture: 'arm', variant: 'v6'}, 'linux/arm/v6'],
    ['linux/x86_64', {os: 'linux', architecture: 'amd64'}, 'linux/amd64'],
    ['Linux/x86_64', {os: 'linux', architecture: 'amd64'}, 'linux/amd64'],
    ['linux/x86-64', {os: 'linux', architecture: 'amd64'}, 'linux/amd64'],
    ['linux/amd64/v1', {os: 'linux', architecture: 'amd64'}, 'linux/amd64'],
    ['linux/amd64/v3', {os: 'linux', architecture: 'amd64', variant: 'v3'}, 'linux/amd64/v3'],
    ['linux/i386', {os: 'linux', architecture: '386'}, 'linux/386'],
    ['linux/s390x', {os: 'linux', architecture: 's390x'}, 'linux/s390x'],
    ['linux/ppc64le', {os: 'linux', architecture: 'ppc64le'}, 'linux/ppc64le'],
    ['linux/riscv64', {os: 'linux', architecture: 'riscv64'}, 'linux/riscv64'],
    ['macOS/arm64', {os: 'darwin', architecture: 'arm64'}, 'darwin/arm64'],
    ['windows/amd64', {os: 'windows', architecture: 'amd64'}, 'windows/amd64'],
    ['windows(10.0.17763)/amd64', {os: 'windows', architecture: 'amd64', osVersion: '10.0.17763'}, 'windows/amd64'],
    ['windows(50%25done)/amd64', {os: 'windows', architecture: 'amd64', osVersion: '50%done'}, 'windows/amd64'],
    ['windows()/amd64', {os: 'windows', architecture: 'amd64'}, 'windows/amd64'],
  ])('%s', (input, expected, formatted) => {
    const parsed = parsePlatform(input)
    expect(parsed).toStrictEqual(expected)
    expect(formatPlatform(parsed)).toBe(formatted)
    // Formatting is stable under a second round trip.
    expect(formatPlatform(parsePlatform(formatted))).toBe(formatted)
    // The parsed value matches what it was parsed from, in containerd's sense.
    expect(matchPlatform(parsed, expected)).toBe(true)
  })

  it.each([
    ['', /expected os\/arch\[\/variant\], e\.g\. linux\/amd64/],
    ['/linux/arm', /missing operating system/],
    ['linux/arm/', /empty variant/],
    ['linux/', /empty architecture/],
    ['linux /arm', /contains whitespace/],
    ['linux/&arm', /invalid architecture "&arm"/],
    ['linux/arm/foo/bar', /too many components/],
    ['linux', /expected os\/arch\[\/variant\], e\.g\. linux\/amd64$/],
    ['windows', /e\.g\. windows\/amd64$/],
    ['amd65', /unknown operating system or architecture/],
    ['*/arm64', /wildcards/],
    ['linux(+gpu)/amd64', /invalid operating system "linux\(\+gpu\)"/],
    ['windows(%zz)/amd64', /invalid percent-encoding/],
    [`linux/${'a'.repeat(300)}`, /too long/],
  ])('rejects %j', (input, message) => {
    let caught: unknown
    try {
      parsePlatform(input)
    } catch (error) {
      caught = error
    }

    expect(caught).toBeInstanceOf(UsageError)
    const error = caught as UsageError
    expect(error.code).toBe('USAGE')
    expect(error.exitCode).toBe(2)
    expect(error.message).toMatch(/^invalid platform "/)
    expect(error.message).toMatch(message)
  })
})

describe('parsePlatform with one component (containerd Parse; docker --platform arm64)', () => {
  const machine = {os: 'linux', architecture: 'arm', variant: 'v6'}
  it.each([
    ['arm64', 'linux/arm64'],
    ['amd64', 'linux/amd64'],
    ['x86_64', 'linux/amd64'],
    ['aarch64', 'linux/arm64'],
    ['armhf', 'linux/arm'],
    ['armel', 'linux/arm/v6'],
    ['s390x', 'linux/s390x'],
    ['linux', 'linux/arm/v6'],
    ['Linux', 'linux/arm/v6'],
    ['windows', 'windows/arm/v6'],
  ])('%s → %s (on a linux/arm/v6 machine)', (input, expected) => {
    expect(formatPlatform(parsePlatform(input, machine))).toBe(expected)
  })

  it('still refuses what is neither an OS nor an architecture', () => {
    expect(() => parsePlatform('bogus', machine)).toThrow(/unknown operating system or architecture/)
  })
})

describe('formatPlatform', () => {
  it('omits an empty variant and the OS version by default', () => {
    expect(formatPlatform({os: 'linux', architecture: 'arm', variant: 'v7'})).toBe('linux/arm/v7')
    expect(formatPlatform({os: 'linux', architecture: 'amd64', variant: ''})).toBe('linux/amd64')
    expect(formatPlatform({os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.5820'})).toBe('windows/amd64')
  })

  it.each([
    [{os: 'windows', architecture: 'amd64', osVersion: '10.0.17763+build.42'}, 'windows(10.0.17763%2Bbuild.42)/amd64'],
    [{os: 'windows', architecture: 'amd64', osVersion: '50%done'}, 'windows(50%25done)/amd64'],
    [{os: 'windows', architecture: 'amd64', osVersion: '1.0(beta)'}, 'windows(1.0%28beta%29)/amd64'],
    [{os: 'windows', architecture: 'amd64', osVersion: 'a/b'}, 'windows(a%2Fb)/amd64'],
    [{os: 'windows', architecture: 'amd64', osVersion: '10.0.17763'}, 'windows(10.0.17763)/amd64'],
  ])('withOsVersion %j → %s (containerd TestFormatAllEncoding)', (platform, expected) => {
    expect(formatPlatform(platform, {withOsVersion: true})).toBe(expected)
    // The encoded form reads back to the same OS version.
    expect(parsePlatform(expected).osVersion).toBe(platform.osVersion)
  })
})

describe('normalizePlatform (containerd database.go normalizeArch)', () => {
  it.each<[Platform, Platform]>([
    [{os: 'linux', architecture: 'x86_64'}, {os: 'linux', architecture: 'amd64'}],
    [{os: 'linux', architecture: 'x86-64'}, {os: 'linux', architecture: 'amd64'}],
    [{os: 'linux', architecture: 'amd64', variant: 'v1'}, {os: 'linux', architecture: 'amd64'}],
    [{os: 'linux', architecture: 'amd64', variant: 'v2'}, {os: 'linux', architecture: 'amd64', variant: 'v2'}],
    [{os: 'linux', architecture: 'aarch64'}, {os: 'linux', architecture: 'arm64'}],
    [{os: 'linux', architecture: 'arm64', variant: 'v8'}, {os: 'linux', architecture: 'arm64'}],
    [{os: 'linux', architecture: 'arm64', variant: '8'}, {os: 'linux', architecture: 'arm64'}],
    [{os: 'linux', architecture: 'arm64', variant: 'v8.2'}, {os: 'linux', architecture: 'arm64', variant: 'v8.2'}],
    [{os: 'linux', architecture: 'armhf'}, {os: 'linux', architecture: 'arm', variant: 'v7'}],
    [{os: 'linux', architecture: 'armel'}, {os: 'linux', architecture: 'arm', variant: 'v6'}],
    [{os: 'linux', architecture: 'arm'}, {os: 'linux', architecture: 'arm', variant: 'v7'}],
    [{os: 'linux', architecture: 'arm', variant: '6'}, {os: 'linux', architecture: 'arm', variant: 'v6'}],
    [{os: 'linux', architecture: 'i386', variant: 'x'}, {os: 'linux', architecture: '386'}],
    [{os: 'MacOS', architecture: 'ARM64'}, {os: 'darwin', architecture: 'arm64'}],
    [{os: 'Windows', architecture: 'AMD64', osVersion: '10.0.17763.1'}, {os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1'}],
  ])('%j → %j', (input, expected) => {
    expect(normalizePlatform(input)).toStrictEqual(expected)
    // Idempotent.
    expect(normalizePlatform(normalizePlatform(input))).toStrictEqual(expected)
  })
})

describe('defaultPlatform', () => {
  it.each<[string, string, string | undefined, 'BE' | 'LE' | undefined, Platform]>([
    ['linux', 'x64', undefined, undefined, {os: 'linux', architecture: 'amd64'}],
    ['linux', 'arm64', undefined, undefined, {os: 'linux', architecture: 'arm64'}],
    ['linux', 'arm', '7', undefined, {os: 'linux', architecture: 'arm', variant: 'v7'}],
    ['linux', 'arm', '6', undefined, {os: 'linux', architecture: 'arm', variant: 'v6'}],
    ['linux', 'arm', 'v8', undefined, {os: 'linux', architecture: 'arm', variant: 'v8'}],
    ['linux', 'arm', undefined, undefined, {os: 'linux', architecture: 'arm'}],
    ['linux', 'arm', 'default', undefined, {os: 'linux', architecture: 'arm'}],
    ['linux', 'ia32', undefined, undefined, {os: 'linux', architecture: '386'}],
    ['linux', 'ppc64', undefined, undefined, {os: 'linux', architecture: 'ppc64le'}],
    ['linux', 'ppc64', undefined, 'BE', {os: 'linux', architecture: 'ppc64'}],
    ['aix', 'ppc64', undefined, undefined, {os: 'linux', architecture: 'ppc64'}],
    ['linux', 's390x', undefined, undefined, {os: 'linux', architecture: 's390x'}],
    ['linux', 'riscv64', undefined, undefined, {os: 'linux', architecture: 'riscv64'}],
    ['linux', 'loong64', undefined, undefined, {os: 'linux', architecture: 'loong64'}],
    ['linux', 'mipsel', undefined, undefined, {os: 'linux', architecture: 'mipsle'}],
    ['linux', 'mips64el', undefined, undefined, {os: 'linux', architecture: 'mips64le'}],
    ['darwin', 'arm64', undefined, undefined, {os: 'linux', architecture: 'arm64'}],
    ['darwin', 'x64', undefined, undefined, {os: 'linux', architecture: 'amd64'}],
    ['freebsd', 'x64', undefined, undefined, {os: 'linux', architecture: 'amd64'}],
    ['win32', 'x64', undefined, undefined, {os: 'windows', architecture: 'amd64'}],
    ['win32', 'arm64', undefined, undefined, {os: 'windows', architecture: 'arm64'}],
  ])('%s/%s (arm %s, %s)', (nodePlatform, nodeArch, armVersion, endianness, expected) => {
    expect(defaultPlatform(nodePlatform, nodeArch, armVersion, endianness)).toStrictEqual(expected)
  })
})

/** containerd compare_test.go TestOnlyStrict: the strict matcher. */
const strictTable: [string, string[], string[]][] = [
  ['linux/amd64', ['linux/amd64'], ['linux/386', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/386', ['linux/386'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['windows/amd64', ['windows/amd64', 'windows(10.0.17763)/amd64'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm']],
  ['windows(10.0.17763)/amd64', ['windows/amd64', 'windows(10.0.17763)/amd64'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm']],
  ['linux/arm/v8', ['linux/arm/v8'], ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/amd64', 'linux/arm/v4', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v7', ['linux/arm', 'linux/arm/v7'], ['linux/arm/v5', 'linux/arm/v6', 'linux/amd64', 'linux/arm/v4', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v6', ['linux/arm/v6'], ['linux/arm/v5', 'linux/amd64', 'linux/arm', 'linux/arm/v4', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v5', ['linux/arm/v5'], ['linux/amd64', 'linux/arm', 'linux/arm/v4', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v4', ['linux/arm/v4'], ['linux/amd64', 'linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm64/v9', ['linux/arm64/v9'], ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/amd64', 'linux/arm/v4', 'linux/arm/v9', 'linux/arm64/v8', 'linux/arm64/v8.1', 'windows/amd64', 'windows/arm']],
  ['linux/arm64/v8.1', ['linux/arm64/v8.1'], ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/amd64', 'linux/arm/v4', 'linux/arm/v9', 'linux/arm64/v8', 'linux/arm64/v9', 'windows/amd64', 'windows/arm']],
  ['linux/arm64', ['linux/arm64', 'linux/arm64/v8', 'linux/aarch64'], ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/amd64', 'linux/arm/v4', 'linux/arm/v9', 'linux/arm64/v9', 'windows/amd64', 'windows/arm']],
]

/** containerd compare_test.go TestOnly: what `Only(wanted)` accepts (bestMatch's compatible mode). */
const onlyTable: [string, string[], string[]][] = [
  ['linux/amd64', ['linux/amd64', 'linux/386'], ['linux/amd64/v2', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/amd64/v2', ['linux/amd64', 'linux/amd64/v1', 'linux/amd64/v2', 'linux/386'], ['linux/amd64/v3', 'linux/amd64/v4', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/386', ['linux/386'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['windows/amd64', ['windows/amd64', 'windows(10.0.17763)/amd64'], ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm']],
  ['linux/arm/v8', ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8'], ['linux/amd64', 'linux/arm/v4', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v7', ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7'], ['linux/amd64', 'linux/arm/v4', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v6', ['linux/arm/v5', 'linux/arm/v6'], ['linux/amd64', 'linux/arm', 'linux/arm/v4', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v5', ['linux/arm/v5'], ['linux/amd64', 'linux/arm', 'linux/arm/v4', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  ['linux/arm/v4', ['linux/arm/v4'], ['linux/amd64', 'linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'windows/amd64', 'windows/arm']],
  [
    'linux/arm64/v9',
    ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'linux/arm64/v8', 'linux/arm64/v8.1', 'linux/arm64/v8.2', 'linux/arm64/v8.3', 'linux/arm64/v8.4', 'linux/arm64/v8.5', 'linux/arm64/v9'],
    ['linux/amd64', 'linux/arm/v4', 'windows/amd64', 'windows/arm', 'linux/arm64/v8.6'],
  ],
  [
    'linux/arm64/v8.1',
    ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'linux/arm64/v8', 'linux/arm64/v8.1'],
    ['linux/amd64', 'linux/arm/v4', 'linux/arm/v9', 'linux/arm64/v9', 'windows/amd64', 'windows/arm'],
  ],
  [
    'linux/arm64',
    ['linux/arm', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm64', 'linux/arm64/v8'],
    ['linux/amd64', 'linux/arm/v4', 'linux/arm/v9', 'linux/arm64/v9', 'windows/amd64', 'windows/arm'],
  ],
]

function expand(table: [string, string[], string[]][]): [string, string, boolean][] {
  return table.flatMap(([wanted, yes, no]) => [
    ...yes.map((c): [string, string, boolean] => [wanted, c, true]),
    ...no.map((c): [string, string, boolean] => [wanted, c, false]),
  ])
}

describe('matchPlatform (containerd TestOnlyStrict)', () => {
  it.each(expand(strictTable))('%s vs %s → %s', (wanted, candidate, expected) => {
    expect(matchPlatform(p(wanted), p(candidate))).toBe(expected)
  })

  it('normalises raw manifest values, not only parsed ones', () => {
    expect(matchPlatform({os: 'linux', architecture: 'arm64'}, {os: 'linux', architecture: 'arm64', variant: 'v8'})).toBe(true)
    expect(matchPlatform({os: 'linux', architecture: 'arm', variant: 'v7'}, {os: 'linux', architecture: 'arm'})).toBe(true)
    expect(matchPlatform({os: 'linux', architecture: 'arm', variant: 'v7'}, {os: 'linux', architecture: 'arm', variant: 'v6'})).toBe(false)
    expect(matchPlatform({os: 'linux', architecture: 'amd64'}, {os: 'linux', architecture: 'x86_64'})).toBe(true)
    expect(matchPlatform({os: 'linux', architecture: 'amd64'}, {os: 'unknown', architecture: 'unknown'})).toBe(false)
  })
})

describe('bestMatch compatible mode (containerd TestOnly)', () => {
  it.each(expand(onlyTable))('%s accepts %s → %s', (wanted, candidate, expected) => {
    expect(bestMatch(p(wanted), [p(candidate)])).toBe(expected ? 0 : -1)
  })
})

describe('bestMatch ordering (containerd Only: exact first, then compatible in order)', () => {
  const list = (...specs: string[]): Platform[] => specs.map((s) => p(s))
  it.each<[string, string[], number]>([
    ['linux/arm/v7', ['linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7'], 2],
    ['linux/arm/v7', ['linux/arm/v5', 'linux/arm/v6'], 1],
    ['linux/arm/v7', ['linux/arm/v8', 'linux/arm64'], -1],
    ['linux/arm/v8', ['linux/arm/v6', 'linux/arm/v7'], 1],
    ['linux/amd64', ['linux/386', 'linux/amd64'], 1],
    ['linux/amd64', ['linux/386', 'linux/arm64'], 0],
    ['linux/amd64/v3', ['linux/386', 'linux/amd64', 'linux/amd64/v2'], 2],
    ['linux/amd64/v3', ['linux/amd64/v4', 'linux/amd64/v3'], 1],
    ['linux/arm64', ['linux/arm/v7', 'linux/arm64/v8'], 1],
    ['linux/arm64', ['linux/arm/v6', 'linux/arm/v7'], 1],
    ['linux/arm64', ['linux/amd64', 'linux/arm/v6'], 1],
    ['linux/arm64/v9.2', ['linux/arm64/v8', 'linux/arm64/v8.7', 'linux/arm64/v9.1'], 2],
    ['linux/arm64/v9.2', ['linux/arm64/v8', 'linux/arm64/v8.7', 'linux/arm64/v8.8'], 1],
    ['linux/arm64/v9.2', ['linux/arm64/v8.8'], -1],
    // Equally good candidates: the first listed wins, as a stable sort would.
    ['linux/amd64', ['linux/amd64', 'linux/amd64'], 0],
    ['linux/arm64', ['linux/arm64/v8', 'linux/aarch64'], 0],
    ['linux/amd64', [], -1],
    ['windows(10.0.17763)/amd64', ['windows(10.0.20348)/amd64', 'windows(10.0.17763)/amd64'], 1],
  ])('%s in %j → %i', (wanted, candidates, expected) => {
    expect(bestMatch(p(wanted), list(...candidates))).toBe(expected)
  })

  it('strict mode accepts only exact (normalised) matches', () => {
    expect(bestMatch(p('linux/arm/v7'), list('linux/arm/v6', 'linux/arm'), 'strict')).toBe(1)
    expect(bestMatch(p('linux/arm/v7'), list('linux/arm/v6'), 'strict')).toBe(-1)
    expect(bestMatch(p('linux/amd64'), list('linux/386'), 'strict')).toBe(-1)
    expect(bestMatch(p('linux/arm64'), list('linux/arm/v7', 'linux/arm64/v8'), 'strict')).toBe(1)
  })

  it('stays bounded for absurd variants: the count-down tries at most 64 variants', () => {
    expect(bestMatch({os: 'linux', architecture: 'arm', variant: 'v999999999'}, list('linux/arm/v5'))).toBe(0)
    expect(bestMatch({os: 'linux', architecture: 'amd64', variant: 'v999999999'}, list('linux/386'))).toBe(0)
    expect(bestMatch({os: 'linux', architecture: 'arm64', variant: 'v9.9'}, list('linux/arm/v5'))).toBe(0)
    // The work bound itself (MAX_VARIANT_STEPS in src/lib/platform.ts), not the clock: counting
    // down from v999999999 starts at v64, so v64 is a candidate and v65 is never tried.
    expect(bestMatch({os: 'linux', architecture: 'arm', variant: 'v999999999'}, list('linux/arm/v65', 'linux/arm/v64'))).toBe(1)
    expect(bestMatch({os: 'linux', architecture: 'arm', variant: 'v999999999'}, list('linux/arm/v65'))).toBe(-1)
    expect(bestMatch({os: 'linux', architecture: 'amd64', variant: 'v999999999'}, list('linux/amd64/v65', 'linux/amd64/v64'))).toBe(1)
    expect(bestMatch({os: 'linux', architecture: 'amd64', variant: 'v999999999'}, list('linux/amd64/v65'))).toBe(-1)
  })
})

describe('Windows OS versions (containerd platform_windows_compat.go)', () => {
  const win = (osVersion?: string): Platform => (osVersion ? {os: 'windows', architecture: 'amd64', osVersion} : {os: 'windows', architecture: 'amd64'})
  it.each<[string | undefined, string | undefined, boolean]>([
    ['10.0.17763', '10.0.17763.5820', true],
    ['10.0.17763.1', '10.0.17763.5820', true],
    ['10.0.17763', '10.0.20348.1', false],
    ['10.0.20348', '10.0.17763.1', false],
    ['10.0.20348', '10.0.20348.2527', true],
    ['10.0.26100', '10.0.20348.2527', true],
    ['10.0.26100', '10.0.26100.1', true],
    ['10.0.20348', '10.0.26100.1', false],
    ['6.3.9600', '10.0.9600', false],
    [undefined, '10.0.17763.1', true],
    ['10.0.17763', undefined, true],
    ['not-a-version', '10.0.17763.1', true],
  ])('wanted %s, image %s → %s', (wanted, image, expected) => {
    expect(matchPlatform(win(wanted), win(image))).toBe(expected)
  })

  it('ignores OS versions on Linux', () => {
    expect(matchPlatform({os: 'linux', architecture: 'amd64', osVersion: '1'}, {os: 'linux', architecture: 'amd64', osVersion: '2'})).toBe(true)
  })
})
