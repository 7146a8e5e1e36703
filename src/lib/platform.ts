/**
 * OCI platforms (`os/arch[/variant]`): parsing, normalisation and matching, following
 * containerd/platforms (`platforms.go` `Parse`/`Normalize`/`NewMatcher`, `database.go`
 * `normalizeArch`, `compare.go` `Only`/`platformVector`). Pure: the host's values come in as
 * parameters, nothing here reads `process`.
 */
import {UsageError} from './errors.js'
import type {Platform} from './registry/types.js'

export type {Platform} from './registry/types.js'

/** `platforms.go` `osRe`, without the `+feature` list (Platform has no `osFeatures`). */
const OS_COMPONENT = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)\))?$/
/** `platforms.go` `specifierRe`, for the architecture and variant components. */
const SPECIFIER_COMPONENT = /^[A-Za-z0-9_.-]+$/

/**
 * Bound for the variant-compatibility loops: containerd counts down from the wanted variant, so
 * `arm/v99999999` would otherwise build a vector of a hundred million entries. Real variants are
 * below v10 (arm v5–v8, amd64 v1–v4, arm64 v8.x/v9.x).
 */
const MAX_VARIANT_STEPS = 64

function usage(input: string, detail: string): never {
  throw new UsageError(`invalid platform ${JSON.stringify(input)}: ${detail}`)
}

/** Builds a Platform without `undefined` members (exactOptionalPropertyTypes). */
function makePlatform(os: string, architecture: string, variant?: string, osVersion?: string): Platform {
  const p: Platform = {os, architecture}
  if (variant) p.variant = variant
  if (osVersion) p.osVersion = osVersion
  return p
}

/** Operating systems an OCI platform names (GOOS values seen in image indexes). */
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'js', 'linux', 'macos', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows'])

/** `database.go` `isKnownArch`: the GOARCH values a lone `--platform ARCH` may name. */
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm'])

/** `database.go` `normalizeOS`: lowercase, `macos` → `darwin`. */
function normalizeOs(os: string): string {
  const lower = os.toLowerCase()
  return lower === 'macos' ? 'darwin' : lower
}

/** `database.go` `normalizeArch`. */
function normalizeArch(architecture: string, variant: string): {architecture: string; variant: string} {
  let arch = architecture.toLowerCase()
  let v = variant.toLowerCase()
  switch (arch) {
    case 'i386': {
      arch = '386'
      v = ''
      break
    }

    case 'x86_64':
    case 'x86-64':
    case 'amd64': {
      arch = 'amd64'
      if (v === 'v1') v = ''
      break
    }

    case 'aarch64':
    case 'arm64': {
      arch = 'arm64'
      if (v === '8' || v === 'v8') v = ''
      break
    }

    case 'armhf': {
      arch = 'arm'
      v = 'v7'
      break
    }

    case 'armel': {
      arch = 'arm'
      v = 'v6'
      break
    }

    case 'arm': {
      if (v === '' || v === '7') v = 'v7'
      else if (v === '5' || v === '6' || v === '8') v = `v${v}`
      break
    }

    default:
  }

  return {architecture: arch, variant: v}
}

/**
 * Platforms offered when completing `--platform` in a shell (src/render/completion-*.ts): the ones
 * Docker Official Images publish (docker-library/official-images, `Architectures:`), as `os/arch[/variant]`.
 */
export const COMMON_PLATFORMS: readonly string[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64le',
  'windows/amd64',
]

/**
 * Parses a `--platform` value: `os/arch[/variant]`, optionally `os(osVersion)/arch`
 * (`windows(10.0.17763)/amd64`), normalised as containerd's `Parse` does: `linux/x86_64` →
 * `linux/amd64`, `linux/aarch64` → `linux/arm64`, `linux/armhf` and `linux/arm/v7` without
 * variant → `linux/arm`, `linux/armel` → `linux/arm/v6`, `Linux/…` → `linux/…`, `macos` → `darwin`.
 * An explicit variant is kept (`linux/arm64/v8`, `linux/arm/v7`) so the value round-trips.
 *
 * One component is completed as containerd's `Parse` does, with docker's Linux daemon in mind: an
 * OS alone (`linux`) takes `machine`'s architecture and variant; an architecture alone
 * (`arm64`, `x86_64`, `armhf`) means Linux (`linux/arm64`).
 *
 * @throws {UsageError} when the value is empty, a lone component is neither a known OS nor a
 *   known architecture (or an OS when no `machine` is given), it has more than three
 *   components, or a component has characters outside `[A-Za-z0-9_.-]`.
 */
export function parsePlatform(s: string, machine?: Platform): Platform {
  if (s === '') usage(s, 'expected os/arch[/variant], e.g. linux/amd64')
  if (s.length > 256) usage(`${s.slice(0, 32)}…`, 'too long')
  if (/\s/.test(s)) usage(s, 'contains whitespace')
  if (s.includes('*')) usage(s, 'wildcards are not supported')

  const parts = s.split('/')
  if (parts.length < 2) return parseOneComponent(s, machine)
  if (parts.length > 3) usage(s, 'too many components: expected os/arch[/variant]')

  const [osPart = '', archPart = '', variantPart] = parts
  const osMatch = OS_COMPONENT.exec(osPart)
  if (!osMatch) {
    usage(s, osPart === '' ? 'missing operating system before "/"' : `invalid operating system ${JSON.stringify(osPart)}`)
  }

  for (const [label, value] of [['architecture', archPart], ['variant', variantPart]] as const) {
    if (value === undefined) continue
    if (value === '') usage(s, `empty ${label}`)
    if (!SPECIFIER_COMPONENT.test(value)) usage(s, `invalid ${label} ${JSON.stringify(value)}`)
  }

  let osVersion = osMatch[2] ?? ''
  if (osVersion.includes('%')) {
    try {
      osVersion = decodeURIComponent(osVersion)
    } catch {
      usage(s, `invalid percent-encoding in OS version ${JSON.stringify(osMatch[2])}`)
    }
  }

  const {architecture, variant} = normalizeArch(archPart, variantPart ?? '')
  let finalVariant = variant
  if (variantPart === undefined && architecture === 'arm' && variant === 'v7') finalVariant = ''
  if (variantPart !== undefined && architecture === 'arm64' && variant === '') finalVariant = 'v8'

  return makePlatform(normalizeOs(osMatch[1] ?? ''), architecture, finalVariant, osVersion)
}

/** containerd `Parse` with one component: an OS (→ the machine's architecture) or an architecture (→ linux). */
function parseOneComponent(s: string, machine: Platform | undefined): Platform {
  const osMatch = OS_COMPONENT.exec(s)
  const os = normalizeOs(osMatch?.[1] ?? '')
  if (osMatch && KNOWN_OS.has(os)) {
    if (!machine) usage(s, `expected os/arch[/variant], e.g. ${os}/amd64`)
    return makePlatform(os, machine.architecture, machine.variant, osMatch[2])
  }

  if (!SPECIFIER_COMPONENT.test(s)) usage(s, 'expected os/arch[/variant], e.g. linux/amd64')
  const {architecture, variant} = normalizeArch(s, '')
  if (!KNOWN_ARCH.has(architecture)) usage(s, 'unknown operating system or architecture: expected os/arch[/variant], e.g. linux/amd64')
  // containerd drops arm's default v7 here too, so `--platform arm` formats as `linux/arm`.
  return makePlatform('linux', architecture, architecture === 'arm' && variant === 'v7' ? '' : variant)
}

/**
 * `os/arch[/variant]` (containerd `Format`), e.g. `linux/arm/v7`. With `withOsVersion`, an OS
 * version is shown as `windows(10.0.17763)/amd64` (containerd `FormatAll`), which
 * {@link parsePlatform} reads back.
 */
export function formatPlatform(p: Platform, options: {withOsVersion?: boolean} = {}): string {
  const os = options.withOsVersion && p.osVersion ? `${p.os}(${encodeOsVersion(p.osVersion)})` : p.os
  return [os, p.architecture, p.variant].filter((part) => part !== undefined && part !== '').join('/')
}

/** containerd `osOptionReplacer`: characters that clash with the specifier syntax. */
function encodeOsVersion(v: string): string {
  return v.replaceAll('%', '%25').replaceAll('+', '%2B').replaceAll('(', '%28').replaceAll(')', '%29').replaceAll('/', '%2F')
}

/**
 * containerd's `Normalize`: canonical OS and architecture names, and canonical variants —
 * `x86_64`/`x86-64` → `amd64` (`v1` dropped), `aarch64` → `arm64` (`v8` dropped: it is
 * arm64's default), `armhf` → `arm/v7`, `armel` → `arm/v6`, `arm` without variant → `arm/v7`,
 * `i386` → `386`. Two platforms are the same iff their normalised os, architecture and variant
 * are equal.
 */
export function normalizePlatform(p: Platform): Platform {
  const {architecture, variant} = normalizeArch(p.architecture, p.variant ?? '')
  return makePlatform(normalizeOs(p.os), architecture, variant, p.osVersion)
}

/**
 * The platform `docker pull` would ask for on this host, from Node's `process.platform`,
 * `process.arch`, `process.config.variables.arm_version` and `os.endianness()` (passed in).
 * The OS is `windows` on win32 and `linux` everywhere else: Docker Desktop on macOS runs Linux
 * containers. Architectures map to Go's GOARCH names (`x64` → `amd64`, `ia32` → `386`,
 * `mipsel` → `mipsle`, …); `arm` gets the variant `v<armVersion>` when it is known; `ppc64` is
 * `ppc64le` unless big-endian (Node's Linux ppc64 builds are little-endian; AIX is big-endian).
 */
export function defaultPlatform(
  nodePlatform: string,
  nodeArch: string,
  armVersion?: string,
  endianness?: 'BE' | 'LE',
): Platform {
  const os = nodePlatform === 'win32' ? 'windows' : 'linux'
  switch (nodeArch) {
    case 'x64': {
      return makePlatform(os, 'amd64')
    }

    case 'ia32': {
      return makePlatform(os, '386')
    }

    case 'arm': {
      const version = /^v?(\d+)$/.exec(armVersion ?? '')?.[1]
      return makePlatform(os, 'arm', version === undefined ? undefined : `v${version}`)
    }

    case 'ppc64': {
      const bigEndian = endianness === undefined ? nodePlatform === 'aix' : endianness === 'BE'
      return makePlatform(os, bigEndian ? 'ppc64' : 'ppc64le')
    }

    case 'mipsel': {
      return makePlatform(os, 'mipsle')
    }

    case 'mips64el': {
      return makePlatform(os, 'mips64le')
    }

    default: {
      // arm64, s390x, s390, riscv64, loong64, mips, ppc: Node and Go agree on the name.
      return makePlatform(os, nodeArch)
    }
  }
}

/** containerd `matcher.Match`, with the Windows OS-version check of `windowsVersionMatcher`. */
function matchNormalized(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false
  if ((wanted.variant ?? '') !== (candidate.variant ?? '')) return false
  if (wanted.os === 'windows') return windowsVersionCompatible(wanted.osVersion, candidate.osVersion)
  return true
}

/**
 * The strict matcher (containerd `NewMatcher(wanted).Match(candidate)` / `OnlyStrict`): equal
 * after normalisation, so `linux/arm64` matches `linux/arm64/v8` and `linux/aarch64`, and
 * `linux/arm` matches `linux/arm/v7`; but `linux/arm/v7` does not match `linux/arm/v6` and
 * `linux/amd64` does not match `linux/386` — that fallback is {@link bestMatch}'s job.
 * On Windows a wanted OS version must be compatible with the candidate's
 * (same major.minor, and the same build before Windows Server 2022).
 */
export function matchPlatform(wanted: Platform, candidate: Platform): boolean {
  return matchNormalized(normalizePlatform(wanted), normalizePlatform(candidate))
}

/**
 * Index of the candidate the wanted platform should use, or -1 when none fits.
 *
 * In `'compatible'` mode (default) this is containerd's `Only(wanted)` ordering: the exact
 * platform first, then compatible older ones in preference order — `amd64/v3` → `v2` → `v1` →
 * `386`; `arm/v8` → `v7` → `v6` → `v5`; `arm64/v9.x` → `v9.(x-1)`… → `v8.(x+5)`… → `v8`, then
 * `arm/v8`… (32-bit arm). Among equally good candidates the first listed wins (containerd
 * sorts stably). `'strict'` accepts only {@link matchPlatform} matches.
 */
export function bestMatch(wanted: Platform, candidates: Platform[], mode: 'compatible' | 'strict' = 'compatible'): number {
  const normalizedWanted = normalizePlatform(wanted)
  const vector = mode === 'strict' ? [normalizedWanted] : platformVector(normalizedWanted)
  const normalizedCandidates = candidates.map((c) => normalizePlatform(c))
  for (const preferred of vector) {
    const want = normalizePlatform(preferred)
    const index = normalizedCandidates.findIndex((c) => matchNormalized(want, c))
    if (index !== -1) return index
  }

  return -1
}

/** Go's `strconv.Atoi` for the non-negative decimals containerd reads out of variants. */
function atoi(s: string): number | undefined {
  return /^\d{1,9}$/.test(s) ? Number(s) : undefined
}

/** containerd `compare.go` `platformVector`: the wanted platform, then what it can also run. */
function platformVector(p: Platform): Platform[] {
  const vector: Platform[] = [p]
  const like = (architecture: string, variant?: string): Platform => makePlatform(p.os, architecture, variant, p.osVersion)
  const variant = p.variant ?? ''

  switch (p.architecture) {
    case 'amd64': {
      const version = atoi(variant.replace(/^v/, ''))
      if (version !== undefined && version > 1) {
        for (let v = Math.min(version - 1, MAX_VARIANT_STEPS); v >= 1; v--) vector.push(like('amd64', `v${v}`))
      }

      vector.push(like('386'))
      break
    }

    case 'arm': {
      const version = atoi(variant.replace(/^v/, ''))
      if (version !== undefined && version > 5) {
        for (let v = Math.min(version - 1, MAX_VARIANT_STEPS); v >= 5; v--) vector.push(like('arm', `v${v}`))
      }

      break
    }

    case 'arm64': {
      let armVariant = variant === '' ? 'v8' : variant
      const dot = armVariant.indexOf('.')
      const majorPart = dot === -1 ? armVariant : armVariant.slice(0, dot)
      let major = atoi(majorPart.replace(/^v/, ''))
      if (major !== undefined && major >= 8) {
        let minor = 0
        // containerd only reads a minor from four-character variants such as "v8.2".
        if (armVariant.length === 4 && dot !== -1) minor = atoi(armVariant.slice(dot + 1)) ?? 0
        if (major === 9) {
          for (let m = minor - 1; m >= 0; m--) vector.push(like('arm64', m === 0 ? 'v9' : `v9.${m}`))
          // Armv9.0 diverged from Armv8.5, so v9.x can run v8.(x+5).
          minor += 5
          major = 8
          vector.push(like('arm64', `v8.${minor}`))
        }

        for (let m = minor - 1; m >= 0; m--) vector.push(like('arm64', m === 0 ? `v${major}` : `v${major}.${m}`))
      }

      if (armVariant.startsWith('v8.') || armVariant.startsWith('v9.')) armVariant = 'v8'
      vector.push(...platformVector(like('arm', armVariant)))
      break
    }

    default:
  }

  return vector
}

/** Windows `major.minor.build` from an OS version such as `10.0.17763.1234`, or undefined. */
function windowsVersion(v: string | undefined): {major: number; minor: number; build: number} | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,5})(?:\.|$)/.exec(v ?? '')
  if (!match) return undefined
  const [major, minor, build] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (major > 255 || minor > 255 || build > 65_535) return undefined
  if (major === 0 && minor === 0 && build === 0) return undefined
  return {major, minor, build}
}

/** Windows Server 2022 (`v21H2Server`): from this build on, older LTSC images keep working. */
const WINDOWS_SERVER_2022_BUILD = 20_348

/** containerd `windowsVersionMatcher.Match` / `checkWindowsHostAndContainerCompat`. */
function windowsVersionCompatible(hostVersion: string | undefined, containerVersion: string | undefined): boolean {
  const host = windowsVersion(hostVersion)
  if (host === undefined || !containerVersion) return true
  const container = windowsVersion(containerVersion) ?? {major: 0, minor: 0, build: 0}
  if (host.major !== container.major || host.minor !== container.minor) return false
  if (host.build < WINDOWS_SERVER_2022_BUILD) return host.build === container.build
  return container.build >= WINDOWS_SERVER_2022_BUILD && container.build <= host.build
}
