/**
 * oclif `command_not_found` hook: an unknown command is a usage error (exit 2) with the nearest
 * command on the same line. It replaces @oclif/plugin-not-found, which exits 127 and, on a
 * terminal, stops at an interactive "Did you mean …? (Y/n)" prompt — a script must never block on
 * a question, and 127 is the shell's "command not found", not a regctl answer.
 *
 * The edit distance is hand-written: command ids are a handful of short words, and 20 lines do
 * not justify a dependency.
 */
import type {Hook} from '@oclif/core'

import {ExitCode} from '../lib/errors.js'

/** Levenshtein distance of two short strings (O(|a|·|b|), bounded below by the input cap). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }

    previous = current
  }

  return previous[b.length] ?? 0
}

/** The command id nearest to `id`, or undefined when nothing is close (more than half the word differs). */
export function closestCommand(id: string, ids: readonly string[]): string | undefined {
  const wanted = id.slice(0, 100)
  let best: {id: string; distance: number} | undefined
  for (const candidate of ids) {
    const distance = editDistance(wanted, candidate)
    if (best === undefined || distance < best.distance) best = {id: candidate, distance}
  }

  return best !== undefined && best.distance <= Math.max(2, Math.ceil(wanted.length / 2)) ? best.id : undefined
}

const hook: Hook.CommandNotFound = async function (options) {
  const {config} = options
  const visible = config.commands.filter((command) => !command.hidden).map((command) => command.id)
  const spaced = (id: string): string => id.replaceAll(':', ' ')
  // With a space as topic separator oclif joins every word into the id ("pull-chek:alpine"): the
  // unknown command is the known topics plus the first word that is not one.
  const words = options.id.split(':')
  const topicDepth = words.findIndex((_, index) => config.findTopic(words.slice(0, index + 1).join(':')) === undefined)
  const wanted = words.slice(0, topicDepth === -1 ? words.length : topicDepth + 1).join(':')
  const shown = JSON.stringify(spaced(wanted).slice(0, 100))
  const suggestion = closestCommand(wanted, visible)
  const hint = suggestion === undefined ? '' : `; did you mean "${config.bin} ${spaced(suggestion)}"?`
  process.stderr.write(`${config.bin}: ${shown} is not a ${config.bin} command${hint} (${config.bin} help lists the commands)\n`)
  this.exit(ExitCode.usage)
}

export default hook
