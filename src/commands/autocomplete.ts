import * as Args from '@oclif/core/args'

import {BaseCommand} from '../base-command.js'
import {COMPLETION_SHELLS, completionShell, programNames} from '../lib/completion.js'
import {completionInstructions} from '../render/completion-help.js'

/**
 * `regctl autocomplete [SHELL]`: how to install shell completion. It only prints; the script
 * itself comes from `autocomplete script SHELL`. Replaces @oclif/plugin-autocomplete, which wrote a
 * cache directory even when it only printed instructions, had no fish, and completed no flag
 * values in bash (issue 13).
 */
export default class Autocomplete extends BaseCommand {
  static override args = {
    shell: Args.string({description: 'Shell: bash, zsh or fish (default: from SHELL)', options: [...COMPLETION_SHELLS]}),
  }

  static override description = 'Show how to install shell completion (bash, zsh, fish); it writes nothing'

  static override examples = ['<%= config.bin %> autocomplete', '<%= config.bin %> autocomplete fish', '<%= config.bin %> autocomplete script bash > ~/.local/share/bash-completion/completions/regctl']

  public async run(): Promise<void> {
    const {args} = await this.parse(Autocomplete)
    const {envValue} = await import('../runtime/environment.js')
    const bins = programNames(this.config.bin, (this.config.pjson as {bin?: unknown} | undefined)?.bin)
    this.log(completionInstructions(completionShell(args.shell, envValue('SHELL')), bins))
  }
}
