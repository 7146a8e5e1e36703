// Stands in for @oclif/core's help module (lib/help/index.js) inside the command bundles
// (scripts/bundle.mjs). bin/run.js sends every help request (`-h`, `--help`, `help X`) through
// oclif's `execute` and the untouched @oclif/core, never to a bundle; in a bundle, help is
// referenced by `Flags.help()` (no regctl command has that flag) and by oclif's error handler for
// a parse error that asks for help, which never reaches it (BaseCommand.catch turns parse errors
// into one line). The help renderer and its templates (ejs) are about 100 KB the bundle need
// not load.
'use strict'

function unavailable() {
  throw new Error('help is not part of a command bundle (scripts/bundle.mjs): run `regctl COMMAND --help`')
}

class Help {
  constructor() {
    unavailable()
  }
}

module.exports = {Help, CommandHelp: Help, HelpBase: Help, loadHelpClass: unavailable, getHelpFlagAdditions: () => [], normalizeArgv: (_config, argv) => argv, standardizeIDFromArgv: (argv) => argv}
