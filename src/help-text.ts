import {EXIT_CODE_CONTRACT} from './lib/errors.js'

/**
 * Command help is written in the source as wrapped paragraphs; oclif re-wraps help to the
 * terminal width but keeps every newline, which leaves ragged half-lines. This joins the lines of
 * each paragraph (paragraphs are separated by a blank line) so oclif's wrapping is the only one.
 */
export function helpText(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()).join(' '))
    .join('\n\n')
}

/** The exit-code contract as a help section, the same text in every command's help. */
export const EXIT_CODES_HELP = ['Exit codes (the same under --json, whose document carries exitCode):', ...EXIT_CODE_CONTRACT.map(({code, meaning}) => `  ${code}  ${meaning.replaceAll('`', '')}`)].join('\n')

/** {@link helpText} followed by the shared exit-code section. */
export function commandHelp(text: string): string {
  return `${helpText(text)}\n\n${EXIT_CODES_HELP}`
}
