// Stands in for @oclif/core's config module (lib/config/index.js) inside the command bundles
// (scripts/bundle.mjs). A bundled command runs with the small configuration `main` builds
// (scripts/bundle/command-config.mjs), never with oclif's Config: loading that (plugins, the
// manifest, tinyglobby, minimatch, ejs, lilconfig) was a third of a one-image check's start-up.
// The only user of this module in the bundle is `Command.run`'s `Config.load`, which `main` does
// not call (it constructs the command itself); reaching it is a bug in scripts/bundle.mjs.
'use strict'

function unavailable() {
  throw new Error("oclif's Config is not part of a command bundle (scripts/bundle.mjs): run the command through bin/run.js")
}

module.exports = {Config: {load: unavailable}, Plugin: unavailable, tsPath: unavailable}
