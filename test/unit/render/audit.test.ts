/**
 * The `audit --format table` renderer and `-q` (src/render/audit.ts), exact output for one fixed
 * report (STYLE.md: assert exact human output): plain, coloured, a clean report, --fail-on never.
 */
import {describe, expect, it} from 'vitest'

import type {AuditReport} from '../../../src/lib/checks/audit.js'
import {renderAuditQuiet, renderAuditTable} from '../../../src/render/audit.js'
import {PLAIN, TERMINAL} from '../../../src/render/output-style.js'

const REPORT: AuditReport = {
  root: '/work/app',
  offline: false,
  failOn: 'error',
  platform: 'linux/amd64',
  parts: {
    credentials: {status: 'ran', durationMs: 120, findings: 1},
    images: {status: 'ran', durationMs: 1450, findings: 1},
    context: {status: 'skipped', reason: 'disabled'},
  },
  images: [
    {image: 'node:24-slim', reference: 'docker.io/library/node:24-slim', verdict: 'pullable', location: {file: 'Dockerfile', line: 1}},
    {image: 'ghcr.io/acme/gone:1', reference: 'ghcr.io/acme/gone:1', verdict: 'not-found', location: {file: 'compose.yaml', line: 4}},
  ],
  findings: [
    {ruleId: 'image/not-found', severity: 'error', message: 'ghcr.io/acme/gone:1 does not exist', location: {file: 'compose.yaml', line: 4}, fix: 'Push the tag or fix the reference.', subject: 'ghcr.io/acme/gone:1'},
    {ruleId: 'credentials/plaintext', severity: 'warning', message: 'the login for registry.example.com is stored in plain text in config.json', subject: 'registry.example.com'},
    {ruleId: 'dockerfile/no-user', severity: 'note', message: 'the image runs as root', location: {file: 'Dockerfile'}, baselineState: 'unchanged'},
  ],
  summary: {findings: {error: 1, warning: 1, note: 0}, baselined: 1, images: {total: 2, pullable: 1, failed: 1, indeterminate: 0, unchecked: 0}},
  exitCode: 1,
  durationMs: 1600,
}

const EXPECTED = [
  'regctl audit /work/app',
  '',
  'Credentials   1 finding (0.1 s)',
  'Images        2 images: 1 pullable, 1 not pullable for linux/amd64 (1.4 s)',
  'Build context skipped (disabled)',
  '',
  'IMAGE                            VERDICT       WHERE',
  'docker.io/library/node:24-slim   ✓ pullable    Dockerfile:1',
  'ghcr.io/acme/gone:1              ✗ not-found   compose.yaml:4',
  '',
  '✗ error   image/not-found  compose.yaml:4',
  '          ghcr.io/acme/gone:1 does not exist',
  '          Fix: Push the tag or fix the reference.',
  '',
  '! warning credentials/plaintext  registry.example.com',
  '          the login for registry.example.com is stored in plain text in config.json',
  '',
  'i note    dockerfile/no-user  Dockerfile  (baselined)',
  '          the image runs as root',
  '',
  '2 findings reported: 1 error, 1 warning, 0 notes (1 baselined not counted); fails: findings at or above error (exit 1)',
]

describe('renderAuditTable', () => {
  it('piped or in a CI log (PLAIN): parts, the aligned image table, one block per finding, the verdict', () => {
    expect(renderAuditTable(REPORT, PLAIN)).toBe(EXPECTED.join('\n'))
  })

  it('on a terminal without colour: the same text', () => {
    expect(renderAuditTable(REPORT, TERMINAL)).toBe(EXPECTED.join('\n'))
  })

  it('colour: only the verdicts and the error and warning labels are painted', () => {
    const painted = EXPECTED.map((line) =>
      line
        .replace('✓ pullable', '\u001B[32m✓ pullable\u001B[39m')
        .replace('✗ not-found', '\u001B[31m✗ not-found\u001B[39m')
        .replace(/^✗ error/, '\u001B[31m✗ error\u001B[39m')
        .replace(/^! warning/, '\u001B[33m! warning\u001B[39m'),
    )
    expect(renderAuditTable(REPORT, {...TERMINAL, color: true})).toBe(painted.join('\n'))
  })

  it('a clean offline report with --fail-on never', () => {
    const clean: AuditReport = {
      ...REPORT,
      offline: true,
      failOn: 'never',
      parts: {credentials: {status: 'skipped', reason: 'unavailable'}, images: {status: 'skipped', reason: 'offline'}, context: {status: 'ran', durationMs: 40, findings: 0}},
      images: [],
      findings: [],
      summary: {findings: {error: 0, warning: 0, note: 0}, images: {total: 0, pullable: 0, failed: 0, indeterminate: 0, unchecked: 0}},
      exitCode: 0,
    }
    delete clean.platform
    expect(renderAuditTable(clean, PLAIN)).toBe(
      [
        'regctl audit /work/app',
        '',
        'Credentials   skipped (not available in this build)',
        'Images        skipped (offline, not contacted)',
        'Build context 0 findings (0.0 s)',
        '',
        'No findings.',
        '',
        '0 findings reported: 0 errors, 0 warnings, 0 notes; not failing (--fail-on never)',
      ].join('\n'),
    )
  })
})

describe('renderAuditQuiet (-q)', () => {
  it('RULE<TAB>LOCATION per finding; the subject when there is no file', () => {
    expect(renderAuditQuiet(REPORT)).toBe(['image/not-found\tcompose.yaml:4', 'credentials/plaintext\tregistry.example.com', 'dockerfile/no-user\tDockerfile'].join('\n'))
  })
})
