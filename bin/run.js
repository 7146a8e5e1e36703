#!/usr/bin/env node
// Production entry point: runs the compiled commands in dist/.
//
// `--version` is answered without loading oclif: it is what scripts and shells call most often,
// and importing @oclif/core alone costs several times node's own start-up. The output is the same
// string oclif prints: the npm package's name, so this regctl is told apart from regclient's Go
// binary of the same command name (`regctl-audit/0.1.0 linux-x64 node-v24.22.3`).
//
// Node's on-disk compile cache (22.1+) keeps the V8 code of every module loaded after this line:
// later runs skip parsing and compiling them (about a third of start-up). Older Nodes lack it.
import module from 'node:module'

module.enableCompileCache?.()
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
