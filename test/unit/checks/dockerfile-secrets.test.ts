import {describe, expect, it} from 'vitest'

import type {Finding} from '../../../src/lib/checks/finding.js'
import {scanRepository} from '../../../src/lib/checks/repo-images.js'
import {memFs} from '../lib/memfs.js'

const summary = (findings: readonly Finding[]): string[] =>
  findings.map((f) => `${f.severity} ${f.ruleId} ${f.location?.file ?? '-'}${f.location?.line ? `:${f.location.line}` : ''}`)

const TOKEN = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY9a1b2'

describe('Dockerfile secrets (issue #9)', () => {
  it.each([
    [`RUN echo ${TOKEN} > ~/.token`, 'error'],
    [`RUN curl -H "Authorization: token ${TOKEN}" https://api.github.com/user`, 'error'],
    ['RUN git clone https://ci:Pa55w0rd-2024@git.example.com/app.git', 'error'],
    ['RUN export NPM_TOKEN=0a1b2c3d4e5f6a7b && npm ci', 'warning'],
  ])('%s → dockerfile/secret-in-run (%s), value never shown', async (line, severity) => {
    const fs = memFs('/r', {Dockerfile: `FROM alpine:3\n${line}\n`})
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual([`${severity} dockerfile/secret-in-run Dockerfile:2`])
    const text = JSON.stringify(findings)
    for (const secret of [TOKEN, 'Pa55w0rd-2024', '0a1b2c3d4e5f6a7b']) expect(text).not.toContain(secret)
  })

  it('a token in a RUN heredoc is found at the RUN line', async () => {
    const fs = memFs('/r', {Dockerfile: `FROM alpine:3\nRUN <<EOF\necho hello\necho ${TOKEN} > /t\nEOF\n`})
    expect(summary((await scanRepository('/r', fs)).findings)).toEqual(['error dockerfile/secret-in-run Dockerfile:2'])
  })

  it.each([
    ['ENV DB_PASSWORD=s3cr3t-Passw0rd', ['warning dockerfile/secret-in-env Dockerfile:2']],
    ['ARG API_KEY=9f8e7d6c5b4a', ['warning dockerfile/secret-in-env Dockerfile:2']],
    ['ENV DB_PASSWORD=changeme', []],
    ['ARG NPM_TOKEN', []],
    ['ENV NPM_TOKEN=${NPM_TOKEN}', []],
    ['ENV NPM_TOKEN=""', []],
    ['ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', []],
    ['ENV PASSWORD_FILE=/run/secrets/db', []],
    ['RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci', []],
  ])('%s → %j', async (line, expected) => {
    const fs = memFs('/r', {Dockerfile: `FROM alpine:3\n${line}\n`})
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(expected)
    expect(JSON.stringify(findings)).not.toContain('s3cr3t-Passw0rd')
  })

  it('private keys are recognised by content whatever the file is called; quoted in source, they are not', async () => {
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${'K'.repeat(40)}\n-----END OPENSSH PRIVATE KEY-----\n`
    const fs = memFs('/r', {
      Dockerfile: 'FROM alpine:3\nCOPY . /app\n',
      '.dockerignore': 'node_modules\n',
      'deploy/deploy_key': key,
      'certs/server.key.bak': key,
      'certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'src/fixture.ts': `export const KEY = '${key.replaceAll('\n', '\\n')}'\n`,
    })
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(['error context/secret-not-ignored certs/server.key.bak', 'error context/secret-not-ignored deploy/deploy_key'])
    expect(findings[0]?.message).toContain('(private key)')
  })
})
