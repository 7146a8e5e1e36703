import {describe, expect, it} from 'vitest'

import {ACR_TOKEN_USERNAME, classifySecret, isJwt, type SecretInput, type SecretKind} from '../../../src/lib/secret-kind.js'

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64')
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

// Secrets shaped like the real ones (random-looking bodies; none of them is a live credential).
const S = {
  classic: 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY9a1b2',
  fine: 'github_pat_11AAAAAAA0_' + 'q'.repeat(55) + 'Zz9Zfine',
  oauth: 'gho_' + 'C'.repeat(32) + 'oath',
  appUser: 'ghu_' + 'D'.repeat(32) + 'usr1',
  installation: 'ghs_' + 'E'.repeat(32) + 'ins1',
  refresh: 'ghr_' + 'F'.repeat(72) + 'ref1',
  legacy: '0123456789abcdef0123456789abcdef01234567',
  hubPat: 'dckr_pat_' + 'G'.repeat(27) + 'hub1',
  hubOat: 'dckr_oat_' + 'H'.repeat(27) + 'oat1',
  ecr: b64({payload: 'P'.repeat(300), datakey: 'K'.repeat(200), version: '2', type: 'DATA_KEY', expiration: 1757147299}),
  gcpAccess: 'ya29.' + 'a0AfH6SM' + 'I'.repeat(150) + 'gcp1',
  gcpKey: JSON.stringify({type: 'service_account', project_id: 'acme', private_key: '-----BEGIN PRIVATE KEY-----\nMIIEv' + 'J'.repeat(60) + '\n-----END PRIVATE KEY-----\n', client_email: 'pusher@acme.iam.gserviceaccount.com'}),
  jwt: `${b64url({alg: 'RS256', typ: 'JWT'})}.${b64url({sub: 'alice', exp: 1_900_000_000})}.${'s'.repeat(40)}sig1`,
  password: 'correct horse battery staple',
  shortPassword: 'hunter2',
  opaque: 'a1b2c3d4e5f6-opaque-refresh-token-0001',
}

type Row = [name: string, input: SecretInput, expected: Partial<SecretKind>]

const rows: Row[] = [
  ['GitHub classic PAT', {registry: 'ghcr.io', username: 'octocat', secret: S.classic, kind: 'password'}, {id: 'github-classic-pat', short: 'classic PAT', redacted: 'ghp_…a1b2', provider: 'github'}],
  ['GitHub fine-grained PAT', {registry: 'ghcr.io', username: 'octocat', secret: S.fine, kind: 'password'}, {id: 'github-fine-grained-pat', redacted: 'github_pat_…fine', provider: 'github'}],
  ['GitHub OAuth token', {registry: 'ghcr.io', username: 'octocat', secret: S.oauth, kind: 'password'}, {id: 'github-oauth', redacted: 'gho_…oath'}],
  ['GitHub App user token', {registry: 'ghcr.io', username: 'octocat', secret: S.appUser, kind: 'password'}, {id: 'github-app-user', redacted: 'ghu_…usr1'}],
  ['Actions GITHUB_TOKEN', {registry: 'ghcr.io', username: 'github-actions[bot]', secret: S.installation, kind: 'password'}, {id: 'github-app-installation', redacted: 'ghs_…ins1'}],
  ['GitHub refresh token', {registry: 'ghcr.io', username: 'x', secret: S.refresh, kind: 'password'}, {id: 'github-refresh', redacted: 'ghr_…ref1'}],
  ['pre-2021 GitHub token on ghcr.io', {registry: 'ghcr.io', username: 'octocat', secret: S.legacy, kind: 'password'}, {id: 'github-legacy-token', redacted: '…4567', provider: 'github'}],
  ['40 hex elsewhere is a password', {registry: 'registry.example.com', username: 'bob', secret: S.legacy, kind: 'password'}, {id: 'password', redacted: '…'}],
  ['Docker Hub PAT', {registry: 'docker.io', username: 'alice', secret: S.hubPat, kind: 'password'}, {id: 'dockerhub-pat', redacted: 'dckr_pat_…hub1', provider: 'dockerhub'}],
  ['Docker Hub OAT', {registry: 'docker.io', username: 'acme', secret: S.hubOat, kind: 'password'}, {id: 'dockerhub-oat', redacted: 'dckr_oat_…oat1', provider: 'dockerhub'}],
  ['ECR token', {registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS', secret: S.ecr, kind: 'password'}, {id: 'ecr-token', provider: 'aws'}],
  ['ECR token on a FIPS host, undecodable', {registry: '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', username: 'AWS', secret: 'opaque-'.repeat(5), kind: 'password'}, {id: 'ecr-token'}],
  ['ECR token, dual-stack host with scheme and port', {registry: 'https://123456789012.dkr-ecr.us-east-1.on.aws:443', username: 'AWS', secret: 'opaque-'.repeat(5), kind: 'password'}, {id: 'ecr-token'}],
  ['ECR token found under another host name', {registry: 'mirror.example.com', username: 'AWS', secret: S.ecr, kind: 'password'}, {id: 'ecr-token'}],
  ['user AWS on a private registry with a plain password', {registry: 'registry.example.com', username: 'AWS', secret: S.password, kind: 'password'}, {id: 'password'}],
  ['GCP access token (oauth2accesstoken)', {registry: 'europe-docker.pkg.dev', username: 'oauth2accesstoken', secret: S.gcpAccess, kind: 'password'}, {id: 'gcp-access-token', redacted: 'ya29.…gcp1', provider: 'gcp'}],
  ['GCP access token by prefix alone', {registry: 'gcr.io', username: 'someone', secret: S.gcpAccess, kind: 'password'}, {id: 'gcp-access-token', provider: 'gcp'}],
  [
    'GCP service-account key (_json_key)',
    {registry: 'gcr.io', username: '_json_key', secret: S.gcpKey, kind: 'password'},
    {id: 'gcp-service-account-key', redacted: '{…}', serviceAccount: 'pusher@acme.iam.gserviceaccount.com', label: 'Google Cloud service-account key (JSON)'},
  ],
  [
    'GCP service-account key (_json_key_base64)',
    {registry: 'us-docker.pkg.dev', username: '_json_key_base64', secret: b64(S.gcpKey), kind: 'password'},
    {id: 'gcp-service-account-key', serviceAccount: 'pusher@acme.iam.gserviceaccount.com', label: 'Google Cloud service-account key (base64 JSON)'},
  ],
  ['GCP key that does not parse', {registry: 'gcr.io', username: '_json_key', secret: '{broken', kind: 'password'}, {id: 'gcp-service-account-key', redacted: '{…}'}],
  ['ACR refresh token', {registry: 'acme.azurecr.io', username: ACR_TOKEN_USERNAME, secret: S.jwt, kind: 'password'}, {id: 'acr-refresh-token', redacted: 'eyJ…sig1', provider: 'azure', jwt: true}],
  ['identity token', {registry: 'registry.example.com', secret: S.opaque, kind: 'identityToken'}, {id: 'identity-token', redacted: '…0001', jwt: false}],
  ['identity token that is a JWT', {registry: 'registry.example.com', username: '<token>', secret: S.jwt, kind: 'identityToken'}, {id: 'identity-token', redacted: 'eyJ…sig1', jwt: true}],
  ['registry token', {registry: 'registry.example.com', secret: S.jwt, kind: 'registryToken'}, {id: 'registry-token', jwt: true}],
  ['a GitHub prefix wins over the field', {registry: 'ghcr.io', secret: S.classic, kind: 'identityToken'}, {id: 'github-classic-pat'}],
  ['JWT as a password', {registry: 'registry.example.com', username: 'ci', secret: S.jwt, kind: 'password'}, {id: 'jwt', redacted: 'eyJ…sig1', jwt: true}],
  ['plain password', {registry: 'registry.example.com', username: 'bob', secret: S.password, kind: 'password'}, {id: 'password', redacted: '…', provider: null}],
  ['short password', {registry: 'localhost:5000', username: 'bob', secret: S.shortPassword, kind: 'password'}, {id: 'password', redacted: '…'}],
  ['empty secret', {registry: 'localhost:5000', username: 'bob', secret: '  ', kind: 'password'}, {id: 'empty', redacted: ''}],
  ['a short GitHub-prefixed secret shows nothing', {registry: 'ghcr.io', username: 'x', secret: 'ghp_abc', kind: 'password'}, {id: 'github-classic-pat', redacted: '…'}],
]

describe('classifySecret', () => {
  it.each(rows)('%s', (_name, input, expected) => {
    expect(classifySecret(input)).toMatchObject(expected)
  })

  it.each(rows)('%s: no returned field holds the secret', (_name, input) => {
    const result = JSON.stringify(classifySecret(input))
    const secret = input.secret.trim()
    if (secret === '') return
    expect(result).not.toContain(secret)
    if (input.username?.startsWith('_json_key')) {
      // A service-account key is JSON: its identity (client_email) may show, its private key never.
      expect(result).not.toContain('PRIVATE KEY')
      expect(result).not.toContain('MIIEv')
      return
    }

    // Nor any 8-character run of it beyond the public prefix and the last four characters.
    const body = secret.replace(/^(github_pat_|gh[pousr]_|dckr_(pat|oat)_|ya29\.|eyJ)/, '').slice(0, -4)
    for (let index = 0; index + 8 <= body.length; index += 4) {
      const run = body.slice(index, index + 8)
      // Runs of one repeated character or JSON keys can occur in labels by chance; real secrets do not.
      if (/^(.)\1+$/.test(run)) continue
      expect(result, run).not.toContain(run)
    }
  })

  it('every row has a label and a short label', () => {
    for (const [, input] of rows) {
      const kind = classifySecret(input)
      expect(kind.label.length).toBeGreaterThan(3)
      expect(kind.short.length).toBeGreaterThanOrEqual(3)
    }
  })
})

describe('isJwt', () => {
  it.each<[string, boolean]>([
    [S.jwt, true],
    [`${b64url({alg: 'none'})}.${b64url({})}.`, true],
    [`${b64url({typ: 'JWT'})}.${b64url({})}.sig`, false],
    ['a.b.c', false],
    ['eyJhbGciOiJSUzI1NiJ9.eyJ9', false],
    [`${b64url({alg: 'RS256'})}.pay load.sig`, false],
    ['', false],
  ])('%s → %s', (value, expected) => {
    expect(isJwt(value)).toBe(expected)
  })
})
