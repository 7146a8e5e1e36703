/**
 * The auth-status renderer (src/render/auth-status.ts), exact output for what a pipe, an 80-column
 * terminal (wrapped lines keep their block's indentation) and a colour terminal each get. Built
 * from a realistic result: GHCR through a credential helper store with a GitHub token section,
 * a plaintext login, a rejected one, an unreachable one, a helper that fails, and findings of every
 * severity built with the same rule builders `auth status` uses.
 * (`auth status` has no -q and no markdown form: its only outputs are this report and --json.)
 */
import {describe, expect, it} from 'vitest'

import type {AuthStatusResult, RegistryStatus} from '../../../src/lib/checks/auth-status-types.js'
import {AuthRuleId, authFinding, helperFinding, permissionsFinding, plaintextFinding} from '../../../src/lib/checks/auth-rules.js'
import {renderAuthStatus} from '../../../src/render/auth-status.js'
import {PLAIN, TERMINAL} from '../../../src/render/output-style.js'

const CONFIG = '/home/dev/.docker/config.json'
const PODMAN = '/run/user/1000/containers/auth.json'

const ghcr: RegistryStatus = {
  registry: 'ghcr.io',
  provider: {id: 'ghcr', name: 'GitHub Container Registry'},
  status: 'ok',
  credential: {
    usedBy: ['docker', 'podman'],
    source: 'credsStore secretservice',
    kind: 'credsStore',
    key: 'ghcr.io',
    path: CONFIG,
    helper: 'secretservice',
    username: 'octocat',
    secretKind: 'github-classic-pat',
    secretLabel: 'GitHub classic personal access token',
    secret: 'ghp_…a1b2',
  },
  sources: [
    {kind: 'credsStore', label: 'credsStore secretservice', key: 'ghcr.io', path: CONFIG, helper: 'secretservice', username: 'octocat', plaintext: false, usedBy: ['docker', 'podman']},
    {kind: 'podman-auths', label: 'auth.json auths', key: 'ghcr.io/octocat', path: PODMAN, namespace: 'ghcr.io/octocat', username: 'octocat', plaintext: true, usedBy: [], agreement: 'same'},
  ],
  live: {result: 'accepted', scheme: 'bearer', push: {repository: 'octocat/regctl-auth-probe', granted: true, via: 'jwt-access-claim'}},
  github: {login: 'octocat', loginMatchesUsername: true, scopes: ['read:packages', 'repo', 'write:packages'], missingScopes: [], excessiveScopes: ['repo'], expiresAt: null, status: 'valid'},
  expiry: {expiresAt: null, source: 'github', status: 'never'},
  findings: [
    authFinding(AuthRuleId.excessiveScopes, {
      subject: 'ghcr.io',
      message: 'ghcr.io: the token carries repo, far beyond what a registry login needs',
      fix: 'replace it with a token limited to read:packages (write:packages to push), then: docker login ghcr.io -u octocat --password-stdin',
    }),
    authFinding(AuthRuleId.noExpiry, {
      subject: 'ghcr.io',
      severity: 'note',
      message: 'ghcr.io: the GitHub classic personal access token (ghp_…a1b2) never expires',
    }),
  ],
}

const plaintext: RegistryStatus = {
  registry: '127.0.0.1:5000',
  provider: {id: 'other', name: 'registry'},
  status: 'ok',
  credential: {usedBy: ['docker'], source: 'config.json auths', kind: 'config-auths', key: '127.0.0.1:5000', path: CONFIG, username: 'puller', secretKind: 'password', secretLabel: 'password', secret: '…'},
  sources: [{kind: 'config-auths', label: 'config.json auths', key: '127.0.0.1:5000', path: CONFIG, username: 'puller', plaintext: true, usedBy: ['docker']}],
  live: {result: 'accepted', scheme: 'basic', push: {repository: 'regctl-auth-probe', granted: null, via: 'none'}},
  expiry: {source: 'unknown', status: 'unknown'},
  findings: [plaintextFinding({registry: '127.0.0.1:5000', file: CONFIG, tool: 'docker', store: 'secretservice', login: 'docker login 127.0.0.1:5000'})],
}

const rejected: RegistryStatus = {
  registry: 'registry.example.com:8443',
  provider: {id: 'other', name: 'registry'},
  status: 'rejected',
  credential: {usedBy: ['docker'], source: 'config.json auths', kind: 'config-auths', key: 'registry.example.com:8443', path: CONFIG, username: 'bob', secretKind: 'password', secretLabel: 'password', secret: '…'},
  sources: [],
  live: {result: 'rejected', scheme: 'basic', message: 'registry.example.com:8443: credentials rejected (HTTP 401 from https://registry.example.com:8443/v2/)'},
  expiry: {source: 'unknown', status: 'unknown'},
  findings: [
    authFinding(AuthRuleId.rejected, {
      subject: 'registry.example.com:8443',
      message: 'registry.example.com:8443: the registry rejects the credential of config.json auths for bob',
      fix: 'docker login registry.example.com:8443',
    }),
  ],
  loginCommand: 'docker login registry.example.com:8443',
}

const unreachable: RegistryStatus = {
  registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  provider: {id: 'ecr', name: 'AWS ECR', accountId: '123456789012', region: 'eu-west-1'},
  status: 'unreachable',
  credential: {
    usedBy: ['docker'],
    source: 'credential helper ecr-login',
    kind: 'credHelpers',
    key: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    path: CONFIG,
    helper: 'ecr-login',
    username: 'AWS',
    secretKind: 'ecr-token',
    secretLabel: 'ECR authorization token',
    secret: 'eyJw…',
  },
  sources: [],
  live: {result: 'unreachable', message: 'connection refused'},
  expiry: {expiresAt: '2026-12-02T08:00:00.000Z', source: 'ecr', status: 'valid'},
  findings: [
    authFinding(AuthRuleId.unreachable, {
      subject: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      message: '123456789012.dkr.ecr.eu-west-1.amazonaws.com: could not reach the registry, the login was not verified (connection refused)',
      fix: 'check the network, proxy (HTTPS_PROXY) and TLS trust (NODE_EXTRA_CA_CERTS for a private CA), then run: regctl auth status --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    }),
  ],
}

const helperBroken: RegistryStatus = {
  registry: 'quay.io',
  provider: {id: 'other', name: 'registry'},
  status: 'helper-error',
  sources: [{kind: 'credHelpers', label: 'credential helper pass', key: 'quay.io', path: CONFIG, helper: 'pass', plaintext: false, usedBy: [], error: 'exit status 1: pass store is empty'}],
  live: {result: 'skipped', message: 'docker-credential-pass: exit status 1'},
  expiry: {source: 'unknown', status: 'unknown'},
  findings: [helperFinding({helper: 'pass', missing: false, detail: 'exit status 1', scope: 'credHelpers', registry: 'quay.io', file: CONFIG})],
  loginCommand: 'docker login quay.io',
}

const full: AuthStatusResult = {
  offline: false,
  failOn: 'error',
  requiredScopes: [],
  files: [
    {path: CONFIG, kind: 'docker-config', origin: 'DOCKER_CONFIG', exists: true, consulted: true, mode: '0644'},
    {path: PODMAN, kind: 'podman-auth', origin: 'XDG_RUNTIME_DIR', exists: true, consulted: true, mode: '0600'},
    {path: '/home/dev/.config/containers/auth.json', kind: 'podman-auth', origin: 'XDG_CONFIG_HOME', exists: false, consulted: false},
  ],
  credsStore: 'secretservice',
  registries: [ghcr, plaintext, rejected, unreachable, helperBroken],
  findings: [
    permissionsFinding(CONFIG, 0o644)!,
    authFinding(AuthRuleId.plaintextToken, {
      message: 'GitHub API token stored in plain text at /home/dev/.config/regctl/github-token-github.com (auth login github --insecure-storage)',
      file: '/home/dev/.config/regctl/github-token-github.com',
      fix: 'keep it in the OS keyring instead: regctl auth login github (which removes the file), or regctl auth logout github and set GH_TOKEN',
    }),
  ],
  githubApi: {
    source: 'insecure-file',
    kind: 'classic',
    redacted: 'ghp_…9f3c',
    path: '/home/dev/.config/regctl/github-token-github.com',
    notes: [],
    github: {login: 'octocat', scopes: ['read:packages'], missingScopes: [], excessiveScopes: [], status: 'valid'},
  },
  summary: {registries: 5, accepted: 2, rejected: 1, unreachable: 1, findings: {error: 2, warning: 5, note: 1}},
  exitCode: 1,
}

/** The report as a pipe gets it: no colour, no wrapping, whatever the length. */
const PIPED = [
  'ghcr.io (GitHub Container Registry)',
  '  ✓ Logged in as octocat — credsStore secretservice (/home/dev/.docker/config.json), used by docker and podman',
  '  - Secret: GitHub classic personal access token ghp_…a1b2',
  '  ✓ Credentials accepted by the registry (token exchange)',
  '  ✓ Push rights on octocat/regctl-auth-probe (granted in the token)',
  '  ✓ GitHub account: octocat',
  '  - Token scopes: read:packages, repo, write:packages',
  '  - Expires: never',
  '  - Also in auth.json auths (/run/user/1000/containers/auth.json) for ghcr.io/octocat as octocat — same credential',
  '  ! warning credentials/excessive-scopes: ghcr.io: the token carries repo, far beyond what a registry login needs',
  '    Fix: replace it with a token limited to read:packages (write:packages to push), then: docker login ghcr.io -u octocat --password-stdin',
  '  - note credentials/no-expiry: ghcr.io: the GitHub classic personal access token (ghp_…a1b2) never expires',
  '',
  '127.0.0.1:5000 (registry)',
  '  ✓ Logged in as puller — config.json auths (/home/dev/.docker/config.json), used by docker',
  '  - Secret: password …',
  '  ✓ Credentials accepted by the registry (Basic auth)',
  "  - Push rights: unknown (the registry's token does not say)",
  '  - Expires: unknown',
  '  ! warning credentials/plaintext: 127.0.0.1:5000: the secret is stored in plaintext (base64) in /home/dev/.docker/config.json',
  '    Fix: add "credsStore": "secretservice" to /home/dev/.docker/config.json, then log in again: docker login 127.0.0.1:5000',
  '',
  'registry.example.com:8443 (registry)',
  '  ✗ Logged in as bob — config.json auths (/home/dev/.docker/config.json), used by docker',
  '  - Secret: password …',
  '  ✗ Credentials rejected by the registry: registry.example.com:8443: credentials rejected (HTTP 401 from https://registry.example.com:8443/v2/)',
  '  - Expires: unknown',
  '  ✗ error credentials/rejected: registry.example.com:8443: the registry rejects the credential of config.json auths for bob',
  '    Fix: docker login registry.example.com:8443',
  '  - To log in: docker login registry.example.com:8443',
  '',
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com (AWS ECR, eu-west-1)',
  '  ! Logged in as AWS — credential helper ecr-login (/home/dev/.docker/config.json), used by docker',
  '  - Secret: ECR authorization token eyJw…',
  '  ! Registry unreachable, login not verified: connection refused',
  '  - Expires: 2026-12-02T08:00:00.000Z',
  '  ! warning credentials/unreachable: 123456789012.dkr.ecr.eu-west-1.amazonaws.com: could not reach the registry, the login was not verified (connection refused)',
  '    Fix: check the network, proxy (HTTPS_PROXY) and TLS trust (NODE_EXTRA_CA_CERTS for a private CA), then run: regctl auth status --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  '',
  'quay.io (registry)',
  '  ✗ docker cannot read its credential for this registry',
  '  - Also in credential helper pass (/home/dev/.docker/config.json) — error: exit status 1: pass store is empty',
  "  ✗ error credentials/helper-failing: docker-credential-pass fails (exit status 1): docker 28 warns and pulls anonymously from quay.io (public images pull, private ones are refused); docker 29's docker pull fails",
  "    Fix: run: echo quay.io | docker-credential-pass get   (to see the helper's own error), then fix or unlock its store",
  '  - To log in: docker login quay.io',
  '',
  '! warning credentials/file-permissions: /home/dev/.docker/config.json is readable by group and others (mode 0644)',
  '  Fix: chmod 600 /home/dev/.docker/config.json',
  '! warning credentials/plaintext-github-token: GitHub API token stored in plain text at /home/dev/.config/regctl/github-token-github.com (auth login github --insecure-storage)',
  '  Fix: keep it in the OS keyring instead: regctl auth login github (which removes the file), or regctl auth logout github and set GH_TOKEN',
  '',
  'GitHub API token (ghcr ls): a plain-text file, /home/dev/.config/regctl/github-token-github.com (classic ghp_…9f3c)',
  '  ✓ GitHub accepts it (octocat); scopes: read:packages',
  '',
  'Credential files:',
  '  ✓ /home/dev/.docker/config.json (DOCKER_CONFIG, mode 0644)',
  '  ✓ /run/user/1000/containers/auth.json (XDG_RUNTIME_DIR, mode 0600)',
  '  - /home/dev/.config/containers/auth.json (XDG_CONFIG_HOME, not found, overridden)',
  '',
  '5 registries checked: 2 accepted, 1 rejected, 1 unreachable; 2 errors, 5 warnings, 1 note',
].join('\n')

describe('renderAuthStatus exact output', () => {
  it('piped: every block in full, nothing wrapped, no colour', () => {
    expect(renderAuthStatus(full, PLAIN)).toBe(PIPED)
  })

  it('a terminal without a known width is the piped text (nothing to wrap to)', () => {
    expect(renderAuthStatus(full, TERMINAL)).toBe(PIPED)
  })

  it('COLUMNS=80: long lines wrap at spaces, continuations four deeper than their line; long words stay whole', () => {
    const text = renderAuthStatus(full, {tty: true, color: false, columns: 80})
    expect(text.split('\n').slice(0, 17)).toEqual([
      'ghcr.io (GitHub Container Registry)',
      '  ✓ Logged in as octocat — credsStore secretservice',
      '      (/home/dev/.docker/config.json), used by docker and podman',
      '  - Secret: GitHub classic personal access token ghp_…a1b2',
      '  ✓ Credentials accepted by the registry (token exchange)',
      '  ✓ Push rights on octocat/regctl-auth-probe (granted in the token)',
      '  ✓ GitHub account: octocat',
      '  - Token scopes: read:packages, repo, write:packages',
      '  - Expires: never',
      '  - Also in auth.json auths (/run/user/1000/containers/auth.json) for',
      '      ghcr.io/octocat as octocat — same credential',
      '  ! warning credentials/excessive-scopes: ghcr.io: the token carries repo, far',
      '      beyond what a registry login needs',
      '    Fix: replace it with a token limited to read:packages (write:packages to',
      '        push), then: docker login ghcr.io -u octocat --password-stdin',
      '  - note credentials/no-expiry: ghcr.io: the GitHub classic personal access',
      '      token (ghp_…a1b2) never expires',
    ])
    // The ECR block: the host is one word longer than what is left of the line, so it stays whole.
    const ecr = text.split('\n\n')[3]!.split('\n')
    expect(ecr).toEqual([
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com (AWS ECR, eu-west-1)',
      '  ! Logged in as AWS — credential helper ecr-login',
      '      (/home/dev/.docker/config.json), used by docker',
      '  - Secret: ECR authorization token eyJw…',
      '  ! Registry unreachable, login not verified: connection refused',
      '  - Expires: 2026-12-02T08:00:00.000Z',
      '  ! warning credentials/unreachable:',
      '      123456789012.dkr.ecr.eu-west-1.amazonaws.com: could not reach the',
      '      registry, the login was not verified (connection refused)',
      '    Fix: check the network, proxy (HTTPS_PROXY) and TLS trust',
      '        (NODE_EXTRA_CA_CERTS for a private CA), then run: regctl auth status',
      '        --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ])
    // The summary line is a line like the others: it wraps too, under its own start.
    expect(text.split('\n').slice(-2)).toEqual(['5 registries checked: 2 accepted, 1 rejected, 1 unreachable; 2 errors, 5', '    warnings, 1 note'])
    expect(text.replaceAll(/\n +/g, ' ')).toBe(PIPED.replaceAll(/\n +/g, ' '))
  })

  it('colour on: the marks at line start are green ✓, red ✗, yellow !; nothing else is painted', () => {
    const text = renderAuthStatus(full, {tty: true, color: true})
    const lines = text.split('\n')
    expect(lines[1]).toBe('  \u001B[32m✓\u001B[39m Logged in as octocat — credsStore secretservice (/home/dev/.docker/config.json), used by docker and podman')
    expect(lines[23]).toBe('  \u001B[31m✗\u001B[39m Logged in as bob — config.json auths (/home/dev/.docker/config.json), used by docker')
    expect(lines[9]).toBe('  \u001B[33m!\u001B[39m warning credentials/excessive-scopes: ghcr.io: the token carries repo, far beyond what a registry login needs')
    // Removing the colour codes gives back the plain text: no other byte changed.
    expect(text.replaceAll('\u001B[32m', '').replaceAll('\u001B[31m', '').replaceAll('\u001B[33m', '').replaceAll('\u001B[39m', '')).toBe(PIPED)
  })

  it('offline, nothing stored, no keyring: one line each, and the login advice is a flag auth login has', () => {
    const empty: AuthStatusResult = {
      offline: true,
      failOn: 'error',
      requiredScopes: [],
      files: [{path: '/home/dev/.docker/config.json', kind: 'docker-config', origin: 'HOME', exists: false, consulted: true}],
      registries: [],
      findings: [],
      githubApi: {source: 'none', keyringUnavailable: true, notes: []},
      summary: {registries: 0, accepted: 0, rejected: 0, unreachable: 0, findings: {error: 0, warning: 0, note: 0}},
      exitCode: 0,
    }
    expect(renderAuthStatus(empty, PLAIN)).toBe(
      [
        'No registry logins found.',
        '',
        'GitHub API token (ghcr ls): none found (set GH_TOKEN or run: regctl auth login github --insecure-storage)',
        '',
        'Credential files:',
        '  - /home/dev/.docker/config.json (HOME, not found)',
        '',
        '0 registries found (offline: not verified); 0 errors, 0 warnings, 0 notes',
      ].join('\n'),
    )
  })
})
