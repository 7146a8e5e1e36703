import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {ghcrPushFindings} from '../../../src/lib/checks/ghcr-push-rule.js'
import {scanRepository} from '../../../src/lib/checks/repo-images.js'
import {parseComposeImages} from '../../../src/lib/compose.js'
import {parseManifestImages} from '../../../src/lib/kubernetes.js'
import {isWorkflowPath, parseWorkflow} from '../../../src/lib/workflows.js'
import {nodeRepoFs} from '../../../src/runtime/repository-fs.js'

const DEPLOY = fileURLToPath(new URL('../../fixtures/repos/deploy', import.meta.url))

describe('image sources of a repository (issue #9)', () => {
  it('finds the images of workflows, Kubernetes manifests, Compose and its override, with file and line; skips node_modules', async () => {
    const {images, findings} = await scanRepository(DEPLOY, nodeRepoFs)
    expect(images.map((i) => `${i.location.file}:${i.location.line} ${i.image}${i.platform ? ` (${i.platform})` : ''}`)).toEqual([
      '.github/workflows/release.yml:7 node:20-bookworm',
      '.github/workflows/release.yml:10 postgres:16',
      '.github/workflows/release.yml:15 alpine:3.20',
      '.github/workflows/release.yml:37 ghcr.io/acme/builder:1',
      'compose.override.yaml:3 redis:7',
      'compose.yaml:3 registry.example.com/acme/api:3.0 (linux/arm64)',
      'k8s/app.yaml:18 registry.example.com/acme/migrate:2.1',
      'k8s/app.yaml:21 registry.example.com/acme/web:2.1',
      'k8s/app.yaml:23 envoyproxy/envoy:v1.31.0',
      'k8s/app.yaml:37 registry.example.com/acme/report:1.0',
      'k8s/app.yaml:46 busybox:1.36',
      'k8s/app.yaml:49 nicolaka/netshoot:v0.13',
    ])
    expect(JSON.stringify(images)).not.toContain('should-not-be-found')
    const notes = findings.filter((f) => f.ruleId === 'repo/unresolved-image')
    expect(notes.map((f) => `${f.location?.file}:${f.location?.line}`)).toEqual(['.github/workflows/release.yml:12'])
    expect(notes[0]?.message).toContain('GitHub Actions expression')
  })

  it('the GHCR push rule: error with explicit permissions, warning with none, note for a PAT, nothing with packages: write', async () => {
    const {findings} = await scanRepository(DEPLOY, nodeRepoFs)
    const ghcr = findings.filter((f) => f.ruleId === 'workflow/ghcr-push-permissions')
    expect(ghcr.map((f) => `${f.severity} ${f.location?.line} ${/job (\S+)/.exec(f.message)?.[1]}`)).toEqual([
      'error 21 push-denied',
      'warning 34 push-default',
      'note 48 push-pat',
    ])
  })

  it.each([
    ['workflow-level read-all', 'permissions: read-all\njobs:\n  p:\n    steps:\n      - run: echo ${{ secrets.GITHUB_TOKEN }} | docker login ghcr.io -u x --password-stdin && docker push ghcr.io/a/b:1\n', ['error']],
    ['workflow-level write-all', 'permissions: write-all\njobs:\n  p:\n    steps:\n      - run: echo ${{ secrets.GITHUB_TOKEN }} | docker login ghcr.io -u x --password-stdin && docker push ghcr.io/a/b:1\n', []],
    ['job permissions win over the workflow\'s', 'permissions:\n  packages: write\njobs:\n  p:\n    permissions: {}\n    steps:\n      - run: echo ${{ github.token }} | docker login ghcr.io -u x --password-stdin\n      - run: docker buildx build --push -t ghcr.io/a/b:1 .\n', ['error']],
    ['a push to another registry', 'jobs:\n  p:\n    steps:\n      - run: echo ${{ github.token }} | docker login ghcr.io -u x --password-stdin\n      - run: docker push docker.io/a/b:1\n', []],
    ['push: false', 'jobs:\n  p:\n    permissions: {}\n    steps:\n      - uses: docker/login-action@v3\n        with: {registry: ghcr.io, password: "${{ secrets.GITHUB_TOKEN }}"}\n      - uses: docker/build-push-action@v6\n        with: {push: false, tags: ghcr.io/a/b:1}\n', []],
  ])('%s', (_name, text, severities) => {
    const result = parseWorkflow(text)
    if (!result.ok) throw new Error(result.message)
    expect(ghcrPushFindings('.github/workflows/x.yml', result.ghcrPushes).map((f) => f.severity)).toEqual(severities)
  })

  it('workflow paths: only .github/workflows/*.yml|yaml', () => {
    expect(isWorkflowPath('.github/workflows/ci.yml')).toBe(true)
    expect(isWorkflowPath('svc/.github/workflows/ci.yaml')).toBe(true)
    expect(isWorkflowPath('.github/workflows/sub/ci.yml')).toBe(false)
    expect(isWorkflowPath('.github/dependabot.yml')).toBe(false)
  })

  it('Kubernetes: a List\'s items, PodTemplate, ReplicaSet; documents without apiVersion are not manifests; a YAML error is reported with its line', () => {
    const list = parseManifestImages(
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: PodTemplate\n    template:\n      spec:\n        containers:\n          - name: a\n            image: a:1\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    spec:\n      template:\n        spec:\n          containers:\n            - {name: b, image: "b:2"}\n---\nkind: Pod\nspec:\n  containers:\n    - image: c:3\n',
    )
    expect(list.ok && list.images.map((i) => `${i.kind} ${i.image} ${i.line}`)).toEqual(['PodTemplate a:1 10', 'ReplicaSet b:2 17'])
    const broken = parseManifestImages('apiVersion: v1\nkind: Pod\nspec: [\n')
    expect(broken.ok).toBe(false)
  })

  it('Compose: platform: per service, interpolated', () => {
    const result = parseComposeImages('services:\n  a:\n    image: app:1\n    platform: ${ARCH:-linux/amd64}\n  b:\n    image: b:1\n')
    expect(result.ok && result.images.map((i) => [i.image, i.platform])).toEqual([
      ['app:1', 'linux/amd64'],
      ['b:1', undefined],
    ])
  })
})
