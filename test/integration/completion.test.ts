/**
 * Shell completion end to end: the built CLI prints the scripts, and real bash, zsh and fish load
 * them and complete commands, flags and flag values (`--format`, `--fail-on`, `--platform`).
 * `regctl autocomplete` only prints instructions: a temporary HOME stays exactly as it was.
 * The shells are Debian packages (scripts/test-deps.sh installs them); a missing one fails here,
 * naming the package, rather than skipping.
 */
import {execFile} from 'node:child_process'
import {chmod, mkdtemp, readdir, rm, symlink, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {lookPath} from '../../src/runtime/credential-helper-process.js'
import {BIN, runCli} from './cli.js'

const SHELLS = ['bash', 'zsh', 'fish'] as const
const found = await Promise.all(SHELLS.map((shell) => lookPath(shell, process.env['PATH'])))

/** Runs `shell -c script` (bounded), resolving with stdout; a failure rejects with stderr. */
function shellRun(shell: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(shell, args, {timeout: 20_000, env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, TERM: 'dumb'}}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${shell} failed: ${stderr || error.message}`))
      else resolve(stdout)
    })
  })
}

let dir: string

/** Every path under `root`, sorted: the tree a command must leave as it was. */
async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, {recursive: true})
  return entries.sort()
}

describe('shell completion in real shells', () => {
  const scripts: Record<string, string> = {}

  beforeAll(async () => {
    const missing = SHELLS.filter((_shell, index) => found[index] === undefined)
    if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: apt-get install ${missing.join(' ')}`)
    dir = await mkdtemp(join(tmpdir(), 'regctl-completion-'))
    for (const shell of SHELLS) {
      const result = await runCli(['autocomplete', 'script', shell])
      expect(result.exitCode, result.stderr).toBe(0)
      scripts[shell] = join(dir, `regctl.${shell}`)
      await writeFile(scripts[shell], result.stdout)
    }
  }, 60_000)

  afterAll(async () => {
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('regctl autocomplete prints instructions and writes nothing (no cache, no file) in HOME', async () => {
    const home = join(dir, 'home')
    await mkdir(join(home, '.config'), {recursive: true})
    const before = await tree(home)
    for (const args of [['autocomplete'], ['autocomplete', 'fish'], ['autocomplete', 'zsh'], ['autocomplete', 'script', 'bash']]) {
      const result = await runCli(args, {env: {HOME: home, SHELL: '/bin/bash', XDG_CACHE_HOME: undefined, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined}})
      expect(result.exitCode, result.stderr).toBe(0)
    }

    expect(await tree(home)).toEqual(before)
    const bash = await runCli(['autocomplete'], {env: {HOME: home, SHELL: '/bin/bash'}})
    expect(bash.stdout).toContain('regctl autocomplete script bash > ~/.local/share/bash-completion/completions/regctl')
    const unknown = await runCli(['autocomplete'], {env: {HOME: home, SHELL: '/bin/tcsh'}})
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toBe('regctl: cannot tell the shell from SHELL="/bin/tcsh": name one of bash, zsh, fish\n')
  })

  it('bash: registers both bins and completes commands, flags and flag values', async () => {
    const probe = [
      `source '${scripts['bash']}'`,
      'complete -p regctl regctl-audit',
      't() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _regctl_completion; echo "${COMPREPLY[*]}"; }',
      "t regctl ''",
      "t regctl auth ''",
      "t regctl audit --format ''",
      "t regctl auth status --fail-on = w",
      't regctl pull-check --platform linux/arm',
      't regctl-audit ghcr ls --vis',
    ].join('\n')
    expect((await shellRun('bash', ['--norc', '-c', probe])).split('\n')).toEqual([
      'complete -o default -F _regctl_completion regctl',
      'complete -o default -F _regctl_completion regctl-audit',
      'auth autocomplete ghcr audit help pull-check',
      'login logout status',
      'table json sarif markdown',
      'warning',
      'linux/arm64 linux/arm/v7 linux/arm/v6',
      '--visibility',
      '',
    ])
  })

  it('fish: completes commands, flags and flag values', async () => {
    const complete = async (line: string): Promise<string[]> =>
      (await shellRun('fish', ['--no-config', '-c', `source '${scripts['fish']}'; complete -C '${line}'`]))
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0] ?? '')
    expect(await complete('regctl ')).toEqual(['audit', 'auth', 'autocomplete', 'ghcr', 'help', 'pull-check'])
    expect(await complete('regctl auth ')).toEqual(['login', 'logout', 'status'])
    expect(await complete('regctl audit --format ')).toEqual(['json', 'markdown', 'sarif', 'table'])
    expect(await complete('regctl auth status --fail-on=w')).toEqual(['--fail-on=warning'])
    expect(await complete('regctl pull-check --platform linux/arm')).toEqual(['linux/arm/v6', 'linux/arm/v7', 'linux/arm64'])
    expect(await complete('regctl-audit ghcr ls --visib')).toEqual(['--visibility'])
  })

  it('zsh: the file autoloads from fpath; commands go to _describe, each command\'s flags and values to _arguments', async () => {
    const fpath = join(dir, 'zfunc')
    await mkdir(fpath, {recursive: true})
    const {copyFile} = await import('node:fs/promises')
    await copyFile(scripts['zsh'] ?? '', join(fpath, '_regctl'))
    // compsys itself needs an interactive line editor; its two entry points are stubbed to print
    // what the function asks them to offer (the real function, autoloaded as compinit would).
    const probe = [
      `fpath=('${fpath}' $fpath)`,
      'autoload -Uz _regctl',
      '_arguments() { print -r -- "ARGS ${words[1]} $CURRENT: $*" }',
      '_describe() { print -r -- "DESCRIBE ${(j: :)${(@)${(P)4}%%:*}}" }',
      "words=(regctl ''); CURRENT=2; _regctl",
      "words=(regctl auth ''); CURRENT=3; _regctl",
      "words=(regctl audit --format ''); CURRENT=4; _regctl",
    ].join('\n')
    const lines = (await shellRun('zsh', ['-f', '-c', probe])).split('\n')
    expect(lines[0]).toBe('DESCRIBE auth autocomplete ghcr audit help pull-check')
    expect(lines[1]).toBe('DESCRIBE login logout status')
    expect(lines[2]).toMatch(/^ARGS audit 3: -s /)
    expect(lines[2]).toContain("--format=[Report format]:format:(table json sarif markdown)")
    expect(lines[2]).toContain('--platform=[')
    expect(lines[2]).toContain(':platform:(linux/amd64 linux/arm64 linux/arm/v7')
    expect(lines[2]).toContain('--fail-on=[Lowest finding severity that makes the exit code 1]:fail-on:(error warning never)')
    expect(lines[2]).toContain('--output=[')
    expect(lines[2]).toMatch(/:output:_files/)
  })

  // bash-completion and fish find a completion by the command's name (~/.local/share/bash-completion/
  // completions/NAME, ~/.config/fish/completions/NAME.fish); zsh's compinit reads the #compdef line.
  // The instructions are run as printed, with `regctl` and `regctl-audit` on PATH, in a HOME of their own
  // (and in a working directory with no file starting `pu`, which fish would offer instead).
  it.each(['bash', 'zsh', 'fish'] as const)('%s: the printed instructions, run as they are, make `regctl-audit pu<TAB>` complete', async (shell) => {
    const home = await mkdtemp(join(dir, `home-${shell}-`))
    const bin = join(home, 'bin')
    await mkdir(bin)
    await writeFile(join(bin, 'regctl'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`)
    await chmod(join(bin, 'regctl'), 0o755)
    // npm installs both bin names; fish completes only a command it finds on PATH.
    await symlink('regctl', join(bin, 'regctl-audit'))
    const env = {PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: home, TERM: 'dumb'}
    const instructions = await runCli(['autocomplete', shell])
    expect(instructions.exitCode, instructions.stderr).toBe(0)
    // The command lines: indented, not the ~/.zshrc lines (run below) nor bash's `source` alternative.
    const commands = instructions.stdout
      .split('\n')
      .filter((line) => line.startsWith('  ') && !line.includes('source <(') && !line.includes('fpath=') && !line.includes('compinit'))
      .map((line) => line.trim().replaceAll('~/', '"$HOME"/'))
    expect(commands.length).toBeGreaterThanOrEqual(2)
    await shellIn('bash', ['--norc', '-e', '-c', commands.join('\n')], env)

    const probe = {
      bash: [
        // bash-completion's own loader, as its default completion (-D) calls it on the first <TAB>.
        'source /usr/share/bash-completion/bash_completion',
        '__load_completion regctl-audit || echo "no completion found for regctl-audit"',
        'f=$(complete -p regctl-audit | sed -E "s/.* -F ([^ ]+) .*/\\1/")',
        'COMP_WORDS=(regctl-audit pu); COMP_CWORD=1; COMP_LINE="regctl-audit pu"; COMP_POINT=${#COMP_LINE}',
        '"$f" regctl-audit pu regctl-audit; echo "${COMPREPLY[*]}"',
      ],
      zsh: ['fpath=(~/.zfunc $fpath)', 'autoload -Uz compinit && compinit -u -D', 'print -r -- "regctl-audit -> ${_comps[regctl-audit]:-none}"'],
      fish: ["complete -C 'regctl-audit pu'"],
    }[shell]
    const output = await shellIn(shell, shell === 'bash' ? ['--norc', '-c', probe.join('\n')] : shell === 'zsh' ? ['-f', '-c', probe.join('\n')] : ['-c', probe.join('\n')], env)
    expect(output.split('\n').filter(Boolean).map((line) => line.split('\t')[0])).toEqual([{bash: 'pull-check', zsh: 'regctl-audit -> _regctl', fish: 'pull-check'}[shell]])
  })
})

/** Runs `shell ARGS` with exactly `env` (bounded); resolves with stdout, rejects with stderr. */
function shellIn(shell: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(shell, args, {timeout: 20_000, env, cwd: env['HOME']}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${shell} failed: ${stderr || error.message}`))
      else resolve(stdout)
    })
  })
}
