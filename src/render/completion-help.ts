/**
 * What `regctl autocomplete [SHELL]` prints: how to install the completion script for that shell.
 * regctl writes nothing itself (no cache, no shell profile): the user runs the lines shown. Pure.
 */
import type {CompletionShell} from '../lib/completion.js'

/**
 * The instructions for `shell`, for the program `bins[0]` and its other names (`regctl-audit`).
 * bash-completion and fish load a command's completion by the command's name, so the file is
 * linked under each other name too; zsh's `#compdef` line names them all.
 */
export function completionInstructions(shell: CompletionShell, bins: readonly string[]): string {
  const bin = bins[0] ?? 'regctl'
  const others = bins.slice(1)
  const script = `${bin} autocomplete script ${shell}`
  switch (shell) {
    case 'bash': {
      return [
        `Completion for ${bin} in bash: install the script where bash-completion finds it.`,
        '',
        '  mkdir -p ~/.local/share/bash-completion/completions',
        `  ${script} > ~/.local/share/bash-completion/completions/${bin}`,
        ...others.map((other) => `  ln -sf ${bin} ~/.local/share/bash-completion/completions/${other}`),
        '',
        `Without the bash-completion package, add this line to ~/.bashrc instead:`,
        '',
        `  source <(${script})`,
        '',
        `Then, in a new shell: ${bin} <TAB><TAB>, ${bin} audit --format <TAB><TAB>`,
      ].join('\n')
    }

    case 'zsh': {
      return [
        `Completion for ${bin} in zsh: install the function in a directory on fpath.`,
        '',
        '  mkdir -p ~/.zfunc',
        `  ${script} > ~/.zfunc/_${bin}`,
        '',
        'and, in ~/.zshrc, before compinit runs (once):',
        '',
        '  fpath=(~/.zfunc $fpath)',
        '  autoload -Uz compinit && compinit',
        '',
        `Then, in a new shell: ${bin} <TAB>, ${bin} pull-check --platform <TAB>`,
      ].join('\n')
    }

    case 'fish': {
      return [
        `Completion for ${bin} in fish: install the script in fish's completions directory.`,
        '',
        '  mkdir -p ~/.config/fish/completions',
        `  ${script} > ~/.config/fish/completions/${bin}.fish`,
        ...others.map((other) => `  ln -sf ${bin}.fish ~/.config/fish/completions/${other}.fish`),
        '',
        `Then: ${bin} <TAB>, ${bin} auth status --fail-on <TAB>`,
      ].join('\n')
    }
  }
}
