/**
 * The SARIF renderer (src/render/sarif.ts), exact output for one small audit: a located finding
 * with a fix, fingerprint and baseline state under a path prefix, and a location-less finding,
 * which GitHub code scanning would refuse and which becomes a tool notification instead.
 */
import {describe, expect, it} from 'vitest'

import type {Finding, Rule} from '../../../src/lib/checks/finding.js'
import {renderSarif} from '../../../src/render/sarif.js'

const RULE: Rule = {id: 'context/secret-not-ignored', name: 'SecretNotIgnored', defaultSeverity: 'error', shortDescription: 'A secret is in the build context', help: 'Add it to .dockerignore.'}
const FINDINGS: Finding[] = [
  {ruleId: RULE.id, severity: 'error', message: '.env is in the build context', location: {file: '.env', line: 3, column: 2}, fix: 'add .env to .dockerignore', fingerprint: 'a'.repeat(64), baselineState: 'new'},
  {ruleId: RULE.id, severity: 'note', message: 'no location'},
]

describe('renderSarif exact output', () => {
  it('one run: the driver with its rule, the notification for the location-less finding, %SRCROOT%, the located result', () => {
    const text = renderSarif(FINDINGS, [RULE], {toolVersion: '1.2.3', srcRoot: '/repo', pathPrefix: 'api', informationUri: 'https://example.com/regctl'})
    const expected = {
      $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'regctl',
              version: '1.2.3',
              semanticVersion: '1.2.3',
              informationUri: 'https://example.com/regctl',
              rules: [
                {
                  id: 'context/secret-not-ignored',
                  name: 'SecretNotIgnored',
                  shortDescription: {text: 'A secret is in the build context'},
                  fullDescription: {text: 'Add it to .dockerignore.'},
                  help: {text: 'Add it to .dockerignore.', markdown: 'Add it to .dockerignore.'},
                  defaultConfiguration: {level: 'error'},
                  // GitHub code scanning: security-severity 7.5 is "high" for an error-level rule.
                  properties: {tags: ['security'], precision: 'high', 'security-severity': '7.5'},
                },
              ],
            },
          },
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: [
                {
                  level: 'note',
                  message: {
                    text: '1 finding without a file (context/secret-not-ignored) is not in this SARIF log: GitHub code scanning accepts only results with a location. They are listed in the table and JSON reports (regctl audit --format json).',
                  },
                },
              ],
            },
          ],
          originalUriBaseIds: {'%SRCROOT%': {uri: 'file:///repo/'}},
          columnKind: 'utf16CodeUnits',
          results: [
            {
              ruleId: 'context/secret-not-ignored',
              ruleIndex: 0,
              level: 'error',
              message: {text: '.env is in the build context\nFix: add .env to .dockerignore'},
              locations: [{physicalLocation: {artifactLocation: {uri: 'api/.env', uriBaseId: '%SRCROOT%'}, region: {startLine: 3, startColumn: 2}}}],
              partialFingerprints: {'regctlFinding/v1': 'a'.repeat(64)},
              baselineState: 'new',
            },
          ],
        },
      ],
    }
    expect(JSON.parse(text)).toEqual(expected)
    // Two-space JSON, as written to --output: the text is exactly the document.
    expect(text.trimEnd()).toBe(JSON.stringify(expected, null, 2))
  })
})
