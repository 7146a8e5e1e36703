import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../base-command.js'
import {COMPLETION_SHELLS, completionModel, completionShell, programNames} from '../../lib/completion.js'
import {bashCompletion} from '../../render/completion-bash.js'
import {fishCompletion} from '../../render/completion-fish.js'
import {zshCompletion} from '../../render/completion-zsh.js'

/** `regctl autocomplete script SHELL`: the completion script on stdout, from the shipped oclif manifest. */
export default class AutocompleteScript extends BaseCommand {
  static override args = {
    shell: Args.string({description: 'Shell: bash, zsh or fish (default: from SHELL)', options: [...COMPLETION_SHELLS]}),
  }

  static override description = 'Print the completion script for bash, zsh or fish (commands, flags, and the values of --format, --fail-on, --platform…)'

  static override examples = ['<%= config.bin %> autocomplete script fish > ~/.config/fish/completions/regctl.fish', 'source <(<%= config.bin %> autocomplete script bash)']

  public async run(): Promise<void> {
    const {args} = await this.parse(AutocompleteScript)
    const [{envValue}, {readManifest}] = await Promise.all([import('../../runtime/environment.js'), import('../../runtime/files.js')])
    const shell = completionShell(args.shell, envValue('SHELL'))
    const pjson = this.config.pjson as {bin?: unknown; oclif?: {topics?: Record<string, {description?: string}>}} | undefined
    const model = completionModel(await readManifest(this.config.root), programNames(this.config.bin, pjson?.bin), pjson?.oclif?.topics ?? {})
    const render = {bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion}[shell]
    process.stdout.write(render(model))
  }
}
