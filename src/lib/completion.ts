/**
 * What shell completion offers, read from the oclif manifest (oclif.manifest.json, written by
 * `npm run build` and shipped in the package): the command words, each command's flags, and the
 * values of the flags that have a known set: `options` (`--format`, `--fail-on`, …) and
 * `--platform` ({@link COMMON_PLATFORMS}). The scripts for bash, zsh and fish are rendered from this
 * model (src/render/completion-*.ts). Pure.
 *
 * Every word that reaches a script is checked against a plain shape here, so the scripts can
 * quote them simply and no manifest text can become shell code.
 */
import {UsageError} from './errors.js'
import {COMMON_PLATFORMS} from './platform.js'

/** The shells regctl writes completion for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number]

/** One flag as completion needs it. */
export type CompletionFlag = {
  /** Without dashes: `format`. */
  name: string
  /** The short form without the dash: `q`. */
  char?: string
  /** First line of the description, made safe for every shell's quoting (no quotes, no `$`, no backslash). */
  description: string
  /** True when the flag takes a value. */
  takesValue: boolean
  /** The values to offer; empty when any value goes. */
  values: string[]
  /** The value is a file or directory name: the shell offers files. */
  files: boolean
  /** The flag may be repeated. */
  multiple: boolean
  /** `--no-NAME` exists too. */
  allowNo: boolean
}

/** One command: its words (`['auth', 'status']`), description and flags. */
export type CompletionCommand = {words: string[]; description: string; flags: CompletionFlag[]}

/** Everything the scripts complete. */
export type CompletionModel = {
  /** The program names completed: `regctl` and its other bin names. */
  bins: string[]
  commands: CompletionCommand[]
  /** Topics (command words with sub-commands) and their descriptions: `auth`, `ghcr`. */
  topics: Array<{words: string[]; description: string}>
}

/**
 * The program names to complete: oclif's `bin` first, then the package's other `bin` names
 * (package.json: `regctl` and `regctl-audit`, the same program), each a plain word.
 */
export function programNames(bin: string, packageBins: unknown): string[] {
  const others = typeof packageBins === 'object' && packageBins !== null ? Object.keys(packageBins).filter((name) => name !== bin) : []
  return [bin, ...others].map((name) => word(name, 'the program'))
}

/** Flags whose value names a file or directory (file names are offered for no other flag). */
const FILE_FLAGS: ReadonlySet<string> = new Set(['output', 'images', 'context', 'baseline', 'write-baseline', 'config', 'file', 'exclude'])

const WORD = /^[A-Za-z0-9][A-Za-z0-9._/:+-]*$/

/** A word that goes into a script unquoted or in single quotes: refused unless plainly safe. */
function word(value: string, what: string): string {
  if (!WORD.test(value) || value.length > 100) throw new UsageError(`cannot complete ${what} ${JSON.stringify(value.slice(0, 40))}: not a plain word`)
  return value
}

/** One line of description that every shell's quoting takes as text. */
function describe(text: unknown): string {
  const line = typeof text === 'string' ? (text.split('\n')[0] ?? '') : ''
  return line.replace(/[^A-Za-z0-9 ,.;()/+=_-]/g, '').replace(/\s+/g, ' ').trim().slice(0, 100)
}

type ManifestFlag = {name?: unknown; char?: unknown; type?: unknown; options?: unknown; multiple?: unknown; allowNo?: unknown; hidden?: unknown; description?: unknown; summary?: unknown}
type ManifestCommand = {id?: unknown; hidden?: unknown; summary?: unknown; description?: unknown; flags?: Record<string, ManifestFlag>}

/**
 * The model of `manifest` (the parsed oclif.manifest.json) for the program `bins`. Hidden commands
 * and flags are left out; `help` is added (oclif's plugin provides it, so it is not in our
 * manifest). `topics` gives the topic descriptions of package.json's `oclif.topics`.
 */
export function completionModel(manifest: unknown, bins: readonly string[], topics: Record<string, {description?: string}> = {}): CompletionModel {
  const commandsObject = (manifest as {commands?: unknown} | null)?.commands
  if (typeof commandsObject !== 'object' || commandsObject === null) throw new UsageError('oclif.manifest.json has no commands: reinstall regctl')
  const commands: CompletionCommand[] = []
  for (const [id, raw] of Object.entries(commandsObject as Record<string, ManifestCommand>)) {
    if (raw.hidden === true) continue
    const flags = Object.values(raw.flags ?? {})
      .filter((flag) => flag.hidden !== true)
      .map((flag) => completionFlag(flag))
    commands.push({words: id.split(':').map((part) => word(part, 'the command')), description: describe(raw.summary ?? raw.description), flags})
  }

  commands.push({words: ['help'], description: 'Display help for regctl', flags: []})
  commands.sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')))
  const topicWords = new Set(commands.filter((command) => command.words.length > 1).map((command) => command.words.slice(0, -1).join(' ')))
  return {
    bins: bins.map((bin) => word(bin, 'the program')),
    commands,
    topics: [...topicWords].sort().map((words) => ({words: words.split(' '), description: describe(topics[words.split(' ').join(':')]?.description)})),
  }
}

function completionFlag(flag: ManifestFlag): CompletionFlag {
  const name = word(String(flag.name), 'the flag')
  const takesValue = flag.type === 'option'
  const options = Array.isArray(flag.options) ? flag.options.map((option) => word(String(option), `a value of --${name}`)) : []
  return {
    name,
    ...(typeof flag.char === 'string' ? {char: word(flag.char, 'the short flag')} : {}),
    description: describe(flag.summary ?? flag.description),
    takesValue,
    values: takesValue ? (options.length > 0 ? options : name === 'platform' ? [...COMMON_PLATFORMS] : []) : [],
    files: takesValue && FILE_FLAGS.has(name),
    multiple: flag.multiple === true,
    allowNo: flag.allowNo === true,
  }
}

/** The words that may follow `prefix` (`[]`: the top level): sub-commands and topics. */
export function nextWords(model: CompletionModel, prefix: readonly string[]): Array<{word: string; description: string}> {
  const seen = new Map<string, string>()
  const depth = prefix.length
  const matches = (words: readonly string[]): boolean => words.length > depth && prefix.every((part, index) => words[index] === part)
  for (const topic of model.topics) if (matches(topic.words) && topic.words.length === depth + 1) seen.set(topic.words[depth] ?? '', topic.description)
  for (const command of model.commands) {
    if (!matches(command.words)) continue
    const next = command.words[depth] ?? ''
    if (!seen.has(next) || command.words.length === depth + 1) seen.set(next, seen.get(next) || command.description)
  }

  return [...seen].map(([next, description]) => ({word: next, description}))
}

/** The shell named by `shell`, or by the basename of `$SHELL`; a usage error names the ones there are. */
export function completionShell(shell: string | undefined, loginShell: string | undefined): CompletionShell {
  const name = shell ?? loginShell?.split('/').pop() ?? ''
  if ((COMPLETION_SHELLS as readonly string[]).includes(name)) return name as CompletionShell
  throw new UsageError(`${shell === undefined ? `cannot tell the shell from SHELL=${JSON.stringify((loginShell ?? '').slice(0, 60))}` : `no completion for ${JSON.stringify(shell.slice(0, 40))}`}: name one of ${COMPLETION_SHELLS.join(', ')}`)
}
