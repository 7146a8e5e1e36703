/**
 * The completion model read from the real oclif.manifest.json (what the package ships), and the
 * plain-word check that keeps manifest text from becoming shell code.
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {completionModel, completionShell, nextWords, programNames} from '../../../src/lib/completion.js'
import {completionInstructions} from '../../../src/render/completion-help.js'
import {UsageError} from '../../../src/lib/errors.js'
import {COMMON_PLATFORMS} from '../../../src/lib/platform.js'
import {bashCompletion} from '../../../src/render/completion-bash.js'
import {fishCompletion} from '../../../src/render/completion-fish.js'
import {zshCompletion} from '../../../src/render/completion-zsh.js'

const manifest = JSON.parse(readFileSync(new URL('../../../oclif.manifest.json', import.meta.url), 'utf8')) as unknown
const model = completionModel(manifest, ['regctl', 'regctl-audit'], {auth: {description: 'Registry logins and their audit'}})
const flag = (command: string, name: string) => model.commands.find((c) => c.words.join(' ') === command)?.flags.find((f) => f.name === name)

describe('completionModel', () => {
  it('has every command of the manifest, plus help, and the topics', () => {
    expect(model.commands.map((command) => command.words.join(' '))).toEqual(
      expect.arrayContaining(['audit', 'auth login', 'auth logout', 'auth status', 'autocomplete', 'autocomplete script', 'ghcr ls', 'help', 'pull-check']),
    )
    expect(nextWords(model, []).map((entry) => entry.word).sort()).toEqual(['audit', 'auth', 'autocomplete', 'ghcr', 'help', 'pull-check'])
    expect(nextWords(model, ['auth'])).toEqual([
      expect.objectContaining({word: 'login'}),
      expect.objectContaining({word: 'logout'}),
      expect.objectContaining({word: 'status'}),
    ])
  })

  it('completes the values of --format, --fail-on and --platform; files only for file flags', () => {
    expect(flag('audit', 'format')?.values).toEqual(['table', 'json', 'sarif', 'markdown'])
    expect(flag('audit', 'fail-on')?.values).toEqual(['error', 'warning', 'never'])
    expect(flag('auth status', 'fail-on')?.values).toEqual(['error', 'warning', 'never'])
    expect(flag('pull-check', 'platform')?.values).toEqual([...COMMON_PLATFORMS])
    expect(flag('audit', 'platform')?.values).toEqual([...COMMON_PLATFORMS])
    expect(flag('audit', 'output')).toMatchObject({takesValue: true, files: true, values: []})
    expect(flag('auth status', 'registry')).toMatchObject({takesValue: true, files: false, values: []})
    expect(flag('pull-check', 'quiet')).toMatchObject({char: 'q', takesValue: false})
    expect(flag('audit', 'color')).toMatchObject({allowNo: true})
  })

  it('refuses a manifest word that is not plain, so it never reaches a script', () => {
    const hostile = (id: string, flags: Record<string, unknown> = {}): unknown => ({commands: {[id]: {id, flags}}})
    expect(() => completionModel(hostile('x;rm -rf ~'), ['regctl'])).toThrow(UsageError)
    expect(() => completionModel(hostile('ok', {f: {name: 'f', type: 'option', options: ["a'b"]}}), ['regctl'])).toThrow(UsageError)
    expect(() => completionModel(hostile('ok', {f: {name: '$(x)', type: 'boolean'}}), ['regctl'])).toThrow(UsageError)
    // Descriptions keep only plain characters.
    const plain = completionModel(hostile('ok', {f: {name: 'f', type: 'boolean', description: "it's `$(x)` [a]: \"b\" \\ c"}}), ['regctl'])
    expect(plain.commands.find((c) => c.words[0] === 'ok')?.flags[0]?.description).toBe('its (x) a b c')
    expect(() => completionModel({}, ['regctl'])).toThrow('oclif.manifest.json has no commands')
  })

  it('every script names both bins and holds no quote a description could break out of', () => {
    for (const script of [bashCompletion(model), zshCompletion(model), fishCompletion(model)]) {
      expect(script).toContain('regctl-audit')
      expect(script).toContain('linux/arm/v7')
      expect(script).toContain('sarif')
    }
  })
})

describe('completionShell', () => {
  it('takes the argument, else the basename of SHELL; anything else is a usage error', () => {
    expect(completionShell('fish', '/bin/bash')).toBe('fish')
    expect(completionShell(undefined, '/usr/bin/zsh')).toBe('zsh')
    expect(() => completionShell(undefined, '/bin/tcsh')).toThrow('cannot tell the shell from SHELL="/bin/tcsh": name one of bash, zsh, fish')
    expect(() => completionShell(undefined, undefined)).toThrow(UsageError)
  })
})

describe('programNames and the instructions', () => {
  it('oclif\'s bin first, then the package\'s other bin names; a name that is not a plain word is refused', () => {
    expect(programNames('regctl', {regctl: './bin/run.js', 'regctl-audit': './bin/run.js'})).toEqual(['regctl', 'regctl-audit'])
    expect(programNames('regctl', './bin/run.js')).toEqual(['regctl'])
    expect(() => programNames('regctl', {'x;rm -rf ~': './bin/run.js'})).toThrow(UsageError)
  })

  it('bash and fish link the file under each other name; zsh needs no link', () => {
    const bins = ['regctl', 'regctl-audit']
    expect(completionInstructions('bash', bins)).toContain('\n  ln -sf regctl ~/.local/share/bash-completion/completions/regctl-audit\n')
    expect(completionInstructions('fish', bins)).toContain('\n  ln -sf regctl.fish ~/.config/fish/completions/regctl-audit.fish\n')
    expect(completionInstructions('zsh', bins)).not.toContain('ln -sf')
    expect(completionInstructions('bash', ['regctl'])).not.toContain('ln -sf')
  })
})
