import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {npmrcHasToken} from '../../../src/lib/checks/build-context.js'
import {findSecretInText} from '../../../src/lib/secrets/detect.js'
import type {Finding} from '../../../src/lib/checks/finding.js'
import {findRule} from '../../../src/lib/checks/rules.js'
import {isDockerfileName, scanRepository, walkRepository} from '../../../src/lib/checks/repo-images.js'
import {UsageError} from '../../../src/lib/errors.js'
import {nodeRepoFs} from '../../../src/runtime/repository-fs.js'
import {memFs} from '../lib/memfs.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/repos/', import.meta.url))
/** The fake token of the leaky fixture: it must never appear in any output. */
export const FAKE_TOKEN = `ghp_${'0'.repeat(36)}`

const summary = (findings: readonly Finding[]): string[] =>
  findings.map((f) => `${f.severity} ${f.ruleId} ${f.location?.file ?? '-'}${f.location?.line ? `:${f.location.line}` : ''}`)

describe('scanRepository on the fixture repositories (node fs)', () => {
  it('reports every leak of the leaky repository, and nothing for templates, public keys and ${VAR} tokens', async () => {
    const result = await scanRepository(`${FIXTURES}leaky`, nodeRepoFs)
    expect(summary(result.findings)).toEqual([
      'warning context/no-dockerignore Dockerfile:5',
      'error context/secret-not-ignored .docker/config.json',
      'error context/secret-not-ignored .env',
      'error context/secret-not-ignored .npmrc',
      'error context/secret-not-ignored id_rsa',
      'error context/secret-not-ignored secrets',
      'error dockerfile/secret-in-env Dockerfile:2',
    ])
    expect(result.images).toEqual([{image: 'node:20-alpine', location: {file: 'Dockerfile', line: 1}}])
    const env = result.findings.find((f) => f.ruleId === 'dockerfile/secret-in-env')
    expect(env?.message).toContain('ghp_…0000')
    expect(JSON.stringify(result)).not.toContain(FAKE_TOKEN)
    expect(JSON.stringify(result)).not.toContain('FAKE-NPM-TOKEN')
    expect(JSON.stringify(result)).not.toContain('fake-password')
    for (const finding of result.findings) expect(findRule(finding.ruleId)).toBeDefined()
  })

  it('finds nothing wrong in the clean repository (its .dockerignore excludes every secret)', async () => {
    const result = await scanRepository(`${FIXTURES}clean`, nodeRepoFs)
    expect(result.findings).toEqual([])
    expect(result.images).toEqual([{image: 'python:3.12-slim', location: {file: 'Dockerfile', line: 1}}])
  })

  it('lets Dockerfile.dockerignore win over .dockerignore for its Dockerfile only', async () => {
    const result = await scanRepository(`${FIXTURES}precedence`, nodeRepoFs)
    expect(summary(result.findings)).toEqual(['error context/secret-not-ignored .env'])
    expect(result.findings[0]?.message).toContain('build context of other.Dockerfile and .dockerignore does not exclude it')
    // Dockerfile.dockerignore is an ignore file, not a Dockerfile.
    expect(result.images.map((i) => i.location.file)).toEqual(['Dockerfile', 'other.Dockerfile'])
  })

  it('resolves multi-stage FROMs and compose images with file and line', async () => {
    const result = await scanRepository(`${FIXTURES}multistage`, nodeRepoFs)
    expect(result.images.map((i) => `${i.image} ${i.location.file}:${i.location.line}`)).toEqual([
      'node:20-alpine Dockerfile:8',
      'ghcr.io/acme/runtime:20 Dockerfile:22',
      'docker.io/library/python:3.12 api/Containerfile:1',
      'docker.io/library/nginx:1.27 compose.yaml:2',
      'postgres:16 compose.yaml:11',
      'redis:7@sha256:0000000000000000000000000000000000000000000000000000000000000000 compose.yaml:13',
    ])
    expect(summary(result.findings)).toEqual(['note repo/unresolved-image Dockerfile:28', 'note repo/unresolved-image compose.yaml:17'])
  })

  it('uses build args and compose variables when given', async () => {
    const result = await scanRepository(`${FIXTURES}multistage`, nodeRepoFs, {buildArgs: {DISTROLESS: 'static'}, composeEnv: {APP_TAG: 'v1'}})
    expect(result.images.map((i) => i.image)).toContain('gcr.io/distroless/static')
    expect(result.images.map((i) => i.image)).toContain('acme/app:v1')
    expect(result.findings).toEqual([])
  })

  it('can exclude the fixture directory when auditing a repository that contains it', async () => {
    const root = fileURLToPath(new URL('../../fixtures/', import.meta.url))
    const all = await scanRepository(root, nodeRepoFs)
    expect(all.findings.some((f) => f.location?.file.startsWith('repos/leaky/'))).toBe(true)
    const excluded = await scanRepository(root, nodeRepoFs, {exclude: ['repos']})
    expect(excluded.findings.filter((f) => f.location?.file.startsWith('repos/'))).toEqual([])
    expect(excluded.images.filter((i) => i.location.file.startsWith('repos/'))).toEqual([])
  })
})

describe('scanRepository build-context rules (in-memory fs)', () => {
  const dockerfile = 'FROM alpine:3\nCOPY . /app\n'

  it.each([
    [undefined, ['warning context/no-dockerignore Dockerfile:2', 'warning context/secret-not-ignored .git']],
    ['.git\n', []],
    ['.git/**\n', []],
    ['.git\n!.git/HEAD\n', ['warning context/secret-not-ignored .git']],
  ])('.git/ with .dockerignore %j', async (ignore, expected) => {
    const fs = memFs('/r', {Dockerfile: dockerfile, '.git/HEAD': 'ref: refs/heads/main\n', '.git/config': '[core]\n', ...(ignore === undefined ? {} : {'.dockerignore': ignore})})
    expect(summary((await scanRepository('/r', fs)).findings)).toEqual(expected)
  })

  it('re-includes a secret through a ! exception (the last matching pattern wins)', async () => {
    const fs = memFs('/r', {Dockerfile: dockerfile, '.dockerignore': '**/.env*\n!app/.env\n', '.env': 'A=1', 'app/.env': 'A=1'})
    expect(summary((await scanRepository('/r', fs)).findings)).toEqual(['error context/secret-not-ignored app/.env'])
  })

  it('is a warning when the secret is only sent to the builder, an error when a COPY names it', async () => {
    const fs = memFs('/r', {
      Dockerfile: 'FROM alpine:3\nCOPY src/ /app/src/\n',
      '.dockerignore': 'node_modules\n',
      'src/.env': 'A=1',
      'keys/deploy.key': 'k',
    })
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(['warning context/secret-not-ignored keys/deploy.key', 'error context/secret-not-ignored src/.env'])
    expect(findings[1]?.message).toContain('`COPY src/ /app/src/` (line 2) copies it into the image')
  })

  it('uses contextFor for the build context, and skips a context outside the root', async () => {
    const tree = {'docker/Dockerfile': dockerfile, '.env': 'A=1', 'docker/.env': 'B=2'}
    const byDir = await scanRepository('/r', memFs('/r', tree))
    expect(summary(byDir.findings)).toEqual(['warning context/no-dockerignore docker/Dockerfile:2', 'error context/secret-not-ignored docker/.env'])
    const rootContext = await scanRepository('/r', memFs('/r', tree), {contextFor: () => '.'})
    expect(summary(rootContext.findings)).toEqual([
      'warning context/no-dockerignore docker/Dockerfile:2',
      'error context/secret-not-ignored .env',
      'error context/secret-not-ignored docker/.env',
    ])
    const outside = await scanRepository('/r', memFs('/r', tree), {contextFor: () => '../elsewhere'})
    expect(outside.findings).toEqual([])
  })

  it('reports a .dockerignore over the pattern bound as repo/input-bound naming the bound, not a silent skip', async () => {
    const ignore = Array.from({length: 10_001}, (_, i) => `generated-${i}`).join('\n')
    const fs = memFs('/r', {Dockerfile: dockerfile, '.dockerignore': ignore, '.env': 'A=1'})
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(['warning repo/input-bound .dockerignore'])
    expect(findings[0]?.message).toContain('10001 patterns, over the bound of 10000')
    expect(findRule('repo/input-bound')).toBeDefined()
  })

  it.each([
    ['a FROM nested 3,000 deep', {Dockerfile: `FROM ${'${A:-'.repeat(3000)}alpine${'}'.repeat(3000)}\n`}, 'Dockerfile', /nested more than 64 deep/],
    ['a Compose image: nested 3,000 deep', {'compose.yaml': `services:\n  a:\n    image: "${'${A:-'.repeat(3000)}alpine${'}'.repeat(3000)}"\n`}, 'compose.yaml', /nested more than 64 deep/],
    ['a Dockerfile over 1 MiB', {Dockerfile: `FROM alpine\n${'# x\n'.repeat(300_000)}COPY . .\n`}, 'Dockerfile', /over the bound of 1048576 bytes/],
  ])('reports %s as repo/input-bound on that file and goes on with the audit', async (_name, tree, file, message) => {
    const fs = memFs('/r', {...tree, 'other/Dockerfile': 'FROM node:20\n'})
    const result = await scanRepository('/r', fs)
    const bound = result.findings.filter((f) => f.ruleId === 'repo/input-bound')
    expect(bound).toEqual([expect.objectContaining({severity: 'warning', location: {file}})])
    expect(bound[0]?.message).toMatch(message)
    expect(result.images.map((i) => i.image)).toContain('node:20')
  })

  it('reports a Dockerfile over the line bound: what follows was not seen', async () => {
    const fs = memFs('/r', {Dockerfile: `FROM alpine\n${'\n'.repeat(100_000)}ARG T=ghp_${'0'.repeat(36)}\n`})
    const findings = (await scanRepository('/r', fs)).findings
    expect(findings.filter((f) => f.ruleId === 'repo/input-bound').map((f) => f.message)).toEqual([
      'Dockerfile: more than 100000 lines, the bound per Dockerfile; what lies beyond the bound was not checked',
    ])
  })

  it('reports an invalid .dockerignore pattern with its line and does not guess what it excludes', async () => {
    const fs = memFs('/r', {Dockerfile: dockerfile, '.dockerignore': '# ok\nnode_modules\n[unclosed\n', '.env': 'A=1'})
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(['warning context/dockerignore-invalid .dockerignore:3'])
    expect(findings[0]?.message).toContain('"[unclosed"')
  })

  it.each([
    ['ENV TOKEN=ghp_0123456789abcdefghij0123456789ABCDEF', 'a GitHub classic personal access token', 'ghp_…CDEF'],
    ['ENV PAT github_pat_11AAAAAAA0000000000000_abcdefghijklmnopqrstuvwxyz', 'a GitHub fine-grained personal access token', 'github_pat_…wxyz'],
    ['ARG HUB=dckr_pat_0000000000000000000000000000', 'a Docker Hub personal access token', 'dckr_pat_…0000'],
    ['ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'an AWS access key ID', 'AKIA…MPLE'],
    ['ENV GL="glpat-00000000000000000000"', 'a GitLab personal access token', 'glpat-…0000'],
    ['ENV SLACK=xoxb-0000000000-0000000000000', 'a Slack token', 'xoxb-…0000'],
    ['ENV KEY="-----BEGIN RSA PRIVATE KEY-----MIIEFAKE"', 'a private key', '[private key]'],
    ['ENV NPM_CONFIG_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789', 'an npm access token', 'npm_…6789'],
    ['ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvutsrq', 'an AWS secret access key', '…tsrq'],
  ])('%s → secret-in-env showing only %s', async (line, kind, redacted) => {
    const fs = memFs('/r', {Dockerfile: `FROM alpine:3\n${line}\n`})
    const findings = (await scanRepository('/r', fs)).findings
    expect(summary(findings)).toEqual(['error dockerfile/secret-in-env Dockerfile:2'])
    expect(findings[0]?.message).toContain(`looks like ${kind} (${redacted})`)
    const secret = line.split(/[= ]/).slice(2).join('=').replace(/"/g, '')
    expect(JSON.stringify(findings)).not.toContain(secret)
  })

  it('does not flag ordinary ENV values', async () => {
    const fs = memFs('/r', {Dockerfile: 'FROM alpine:3\nENV PATH=/usr/local/bin:$PATH GH_HOST=github.com\nARG VERSION=1.2.3\n'})
    expect((await scanRepository('/r', fs)).findings).toEqual([])
  })
})

describe('walking', () => {
  it('skips node_modules, .git contents, symlinks, and files named like Dockerfiles without FROM', async () => {
    const fs = memFs('/r', {
      'node_modules/pkg/Dockerfile': 'FROM evil:1\n',
      '.git/Dockerfile': 'FROM evil:2\n',
      'link/Dockerfile': {symlink: '/etc'},
      'Dockerfile.md': '# Notes about the Dockerfile\n',
      'web.Dockerfile': 'FROM nginx:1\n',
      'Containerfile.prod': 'FROM fedora:40\n',
    })
    const result = await scanRepository('/r', fs)
    expect(result.images.map((i) => `${i.image} ${i.location.file}`)).toEqual(['fedora:40 Containerfile.prod', 'nginx:1 web.Dockerfile'])
  })

  it('stops at the entry bound and says so', async () => {
    const tree: Record<string, string> = {}
    for (let i = 0; i < 50; i++) tree[`d${String(i).padStart(2, '0')}/f`] = 'x'
    const fs = memFs('/r', tree)
    const listing = await walkRepository('/r', fs, {maxEntries: 10})
    expect(listing.truncated).toEqual({bound: 'entries', path: 'd10'})
    // The root listing alone holds 50 entries: the walk stops inside it.
    expect(fs.calls.readdir).toBe(1)
    expect(listing.dirs).toHaveLength(10)
    const result = await scanRepository('/r', memFs('/r', tree), {maxEntries: 10})
    expect(summary(result.findings)).toEqual(['note repo/scan-truncated -'])
  })

  it('stops at the depth bound and says so', async () => {
    const fs = memFs('/r', {'a/b/c/d/Dockerfile': 'FROM deep:1\n', 'a/Dockerfile': 'FROM shallow:1\n'})
    const result = await scanRepository('/r', fs, {maxDepth: 2})
    expect(result.images.map((i) => i.image)).toEqual(['shallow:1'])
    expect(result.findings[0]?.message).toContain('(depth 2) at a/b/c')
  })

  it('throws a UsageError when the root cannot be read, and for an invalid exclude pattern', async () => {
    await expect(scanRepository('/missing', memFs('/r', {}))).rejects.toThrow(UsageError)
    await expect(scanRepository('/r', memFs('/r', {}), {exclude: ['[']})).rejects.toThrow(UsageError)
  })

  it.each([
    ['Dockerfile', true],
    ['dockerfile', true],
    ['Containerfile', true],
    ['api.Dockerfile', true],
    ['Dockerfile.prod', true],
    ['Dockerfile.dockerignore', false],
    ['api.Dockerfile.dockerignore', false],
    ['Dockerfiles', false],
    ['.Dockerfile', false],
  ])('isDockerfileName(%j) = %s', (name, expected) => {
    expect(isDockerfileName(name)).toBe(expected)
  })
})

describe('content rules', () => {
  it.each([
    ['//npm.example.com/:_authToken=abc123', true],
    ['_auth = dXNlcjpwYXNz', true],
    ['//npm.example.com/:_password="c2VjcmV0"', true],
    ['//npm.example.com/:_authToken=${NPM_TOKEN}', false],
    ['registry=https://npm.example.com/', false],
    ['; _authToken=commented-out', false],
    ['# _authToken=commented-out', false],
    ['_authToken=', false],
  ])('npmrcHasToken(%j) = %s', (text, expected) => {
    expect(npmrcHasToken(text)).toBe(expected)
  })

  it.each([
    ['ghp_short', undefined],
    ['version 1.2.3', undefined],
    ['AKIA0000', undefined],
    ['xoxa-0000000000', undefined],
  ])('findSecretInText(%j) finds nothing', (text, expected) => {
    expect(findSecretInText(text)).toBe(expected)
  })
})
