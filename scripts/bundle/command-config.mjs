// The configuration a bundled command runs with (scripts/bundle.mjs): the part of oclif's Config
// (@oclif/core lib/config/config.js) that `Command` and its parser read, built from package.json
// without loading oclif's Config class. The real one finds and loads plugins, reads
// oclif.manifest.json and globs for commands, which a command run needs none of; bin/run.js sends
// help, completion and unknown commands to oclif's `execute` with the real Config.
//
// Left out on purpose: oclif's `init`/`prerun`/`postrun` hooks (regctl has none, and the plugins it
// ships add none to a command run) and oclif's colour theme files (`theme.json` in oclif's config
// directory), which only colour `--json` output on a terminal.

/** `[bin, ...binAliases]` as `BIN_KEY` names, as oclif's `Config.scopedEnvVarKeys` spells them. */
function envKeys(bins, key) {
  return bins.filter(Boolean).map((bin) => [bin.replaceAll('@', '').replaceAll(/[/-]/g, '_'), key].join('_').toUpperCase())
}

/**
 * A config for `new Command(argv, config)`: what `Command` (`bin`, `version`, `userAgent`,
 * `scopedEnvVar*`, `runHook`, `theme`) and oclif's `normalizeArgv` (`topicSeparator`,
 * `commandIDs`, `findCommand`) read.
 */
export function commandConfig({root, pjson, id, command, commandIds}) {
  const oclif = pjson.oclif ?? {}
  const bin = oclif.bin ?? pjson.name
  const bins = [bin, ...(oclif.binAliases ?? [])]
  const scopedEnvVarKeys = (key) => envKeys(bins, key)
  const scopedEnvVar = (key) => process.env[scopedEnvVarKeys(key).find((k) => process.env[k])]
  return {
    root,
    pjson,
    name: pjson.name,
    version: pjson.version,
    bin,
    binAliases: oclif.binAliases,
    dirname: oclif.dirname ?? pjson.name,
    platform: process.platform,
    arch: process.arch,
    topicSeparator: oclif.topicSeparator ?? ':',
    userAgent: `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}`,
    theme: undefined,
    commandIDs: commandIds,
    findCommand: (wanted) => (wanted === id ? command : undefined),
    scopedEnvVarKeys,
    scopedEnvVarKey: (key) => envKeys([bin], key)[0],
    scopedEnvVar,
    scopedEnvVarTrue(key) {
      const value = scopedEnvVar(key)
      return value === '1' || value === 'true'
    },
    // No hook of any plugin runs for a bundled command (see the header): an empty result, as
    // oclif's runHook returns when no plugin has the hook.
    runHook: async () => ({successes: [], failures: []}),
  }
}
