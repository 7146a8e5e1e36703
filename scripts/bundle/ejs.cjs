// Stands in for ejs inside the command bundles (scripts/bundle.mjs): oclif's help/util.js imports
// it for help templates, which a bundled command never renders (help goes through oclif's
// `execute`, bin/run.js).
'use strict'

module.exports = {
  render() {
    throw new Error('ejs templates are not part of a command bundle (scripts/bundle.mjs)')
  },
}
