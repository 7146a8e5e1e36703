/**
 * Sorts the commands of oclif.manifest.json by id. `oclif manifest` lists them in the order their
 * files finished loading, which changes from build to build on a busy machine, and the test run
 * fails when a build changes the committed manifest (scripts/test.sh). Order carries no meaning:
 * oclif sorts commands itself for help and completion.
 */
import {readFileSync, writeFileSync} from 'node:fs'

const file = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(file, JSON.stringify(manifest, null, 2))
