/** The exit-code contract is one fact: the README table and every command's help come from it. */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import AuditCommand from '../../src/commands/audit.js'
import AuthLogin from '../../src/commands/auth/login.js'
import AuthLogout from '../../src/commands/auth/logout.js'
import AuthStatus from '../../src/commands/auth/status.js'
import GhcrLs from '../../src/commands/ghcr/ls.js'
import PullCheck from '../../src/commands/pull-check.js'
import {EXIT_CODES_HELP} from '../../src/help-text.js'
import {EXIT_CODE_CONTRACT} from '../../src/lib/errors.js'

describe('exit-code contract', () => {
  it('the README table lists exactly the contract', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Exit codes'))
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({code: Number(m[1]), meaning: m[2]}))
    expect(rows).toEqual(EXIT_CODE_CONTRACT.map(({code, meaning}) => ({code, meaning})))
  })

  it.each([AuditCommand, AuthLogin, AuthLogout, AuthStatus, GhcrLs, PullCheck])('%o help ends with the shared exit-code text and has no other', (command) => {
    const description = command.description ?? ''
    expect(description.endsWith(EXIT_CODES_HELP)).toBe(true)
    expect(description.match(/Exit codes/g)).toHaveLength(1)
  })
})
