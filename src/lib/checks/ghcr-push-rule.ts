/**
 * The rule `workflow/ghcr-push-permissions` (issue #9): the most common GHCR failure in CI is a job
 * that logs in with the workflow token and pushes without `permissions: packages: write` ("denied:
 * installation not allowed to Create organization package", or a 403 on push). GitHub's docs:
 * https://docs.github.com/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions
 * and https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token.
 *
 * Severities: explicit permissions (the job's, else the workflow's) without `packages: write` →
 * error; no `permissions` anywhere → warning (the default depends on a repository/organisation
 * setting); a PAT secret instead of the workflow token → note (GHCR takes only classic PATs with
 * `write:packages`). Pure.
 */
import type {Finding, Rule} from './finding.js'
import type {GhcrPushJob} from '../workflows.js'

export const GHCR_PUSH_RULE: Rule = {
  id: 'workflow/ghcr-push-permissions',
  name: 'GhcrPushWithoutPackagesWrite',
  defaultSeverity: 'error',
  shortDescription: 'A workflow job pushes to ghcr.io with GITHUB_TOKEN but lacks permissions: packages: write',
  help: [
    'A job pushes an image to `ghcr.io` (`docker/build-push-action` with `push: true` and a ghcr.io tag, `docker push ghcr.io/…`, `buildx build --push`) after logging in with the workflow token (`secrets.GITHUB_TOKEN` or `github.token`). That token can push only when the job\'s effective permissions (the job\'s `permissions:`, else the workflow\'s) grant `packages: write`; otherwise the push fails with "denied: installation not allowed to Create organization package" or HTTP 403.',
    'Severity: explicit permissions without `packages: write` is an error; no `permissions:` at all is a warning, because the default depends on the repository or organization setting ("Read repository contents and packages permissions" is the default for new repositories); a PAT secret instead of the workflow token is a note: GHCR accepts only classic personal access tokens with `write:packages`, not fine-grained ones.',
    'Fix: add to the job (or the workflow):\n\n```yaml\npermissions:\n  contents: read\n  packages: write\n```',
  ].join('\n\n'),
}

const BLOCK = 'permissions:\n  contents: read\n  packages: write'

/** The findings for the ghcr.io pushes of one workflow file. */
export function ghcrPushFindings(file: string, pushes: readonly GhcrPushJob[]): Finding[] {
  const findings: Finding[] = []
  for (const push of pushes) {
    const where = `${file} job ${push.job}`
    if (push.login === 'secret') {
      findings.push({
        ruleId: GHCR_PUSH_RULE.id,
        severity: 'note',
        message: `${where} pushes to ghcr.io with a secret other than GITHUB_TOKEN: GHCR accepts only classic personal access tokens with write:packages (fine-grained tokens are refused)`,
        location: {file, line: push.loginLine ?? push.pushLine},
        fix: 'Prefer the workflow token (password: ${{ secrets.GITHUB_TOKEN }}) with permissions: packages: write; otherwise use a classic PAT with write:packages.',
      })
      continue
    }

    if (push.login !== 'workflow-token') continue
    const {permissions} = push
    if (permissions.kind === 'none') {
      findings.push({
        ruleId: GHCR_PUSH_RULE.id,
        severity: 'warning',
        message: `${where} pushes to ghcr.io with GITHUB_TOKEN and neither the job nor the workflow sets permissions: whether the token may write packages depends on the repository's default workflow permissions`,
        location: {file, line: push.line},
        fix: `Add an explicit block to the job: ${BLOCK.replaceAll('\n', ' ')}`,
      })
    } else if (!permissions.packagesWrite) {
      findings.push({
        ruleId: GHCR_PUSH_RULE.id,
        severity: 'error',
        message: `${where} pushes to ghcr.io with GITHUB_TOKEN but its ${permissions.from === 'job' ? 'job' : 'workflow'} permissions (line ${permissions.line}: ${permissions.text}) do not grant packages: write, so the push is denied`,
        location: {file, line: permissions.line},
        fix: `Add packages: write to the ${permissions.from}'s permissions (${BLOCK.replaceAll('\n', ' ')}).`,
      })
    }
  }

  return findings
}
