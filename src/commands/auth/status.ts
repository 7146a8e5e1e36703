import * as Flags from '@oclif/core/flags'

import {progressWanted, startProgress} from '../../runtime/spinner.js'
import {BaseCommand, deadlineFlag} from '../../base-command.js'
import {cutByDeadline, DEADLINE_GRACE_MS} from '../../lib/deadline.js'
import {inertDeep} from '../../lib/sanitize.js'
import type {AuthStatusResult} from '../../lib/checks/auth-status-types.js'
import {renderAuthStatus} from '../../render/auth-status.js'
import {commandHelp} from '../../help-text.js'

export type {AuthStatusResult, RegistryStatus} from '../../lib/checks/auth-status-types.js'

export default class AuthStatus extends BaseCommand {
  static override description = commandHelp(`Show every registry login, verified live and audited

Reads every credential source, read-only: DOCKER_AUTH_CONFIG, Docker's config.json (auths,
credsStore, credHelpers) and the podman/skopeo auth.json files (REGISTRY_AUTH_FILE,
$XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/auth.json), or only --config.
Per registry: provider, user, kind of secret (redacted), whether the registry accepts it, push
rights where the token says, GitHub scopes and expiry for GHCR tokens, and findings with fixes.
Never writes a file; never prints a secret.`)

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> auth status',
    '<%= config.bin %> auth status --registry ghcr.io --require-scope write:packages',
    '<%= config.bin %> auth status --offline --json',
    '<%= config.bin %> auth status --config ./ci/docker-config.json --fail-on warning',
  ]

  static override flags = {
    registry: Flags.string({description: 'Show only this registry (host[:port])'}),
    config: Flags.string({description: 'Read only this Docker-format config file (config.json or auth.json)'}),
    offline: Flags.boolean({default: false, description: 'Do not contact registries or GitHub'}),
    'require-scope': Flags.string({description: 'GitHub scope a GHCR token must have (repeatable; write: implies read:)', multiple: true}),
    repository: Flags.string({
      description: 'Repository to probe push rights on (default: USER/regctl-auth-probe on GHCR, Docker Hub and Quay (for a Quay robot account, its namespace), regctl-auth-probe elsewhere; none on ECR, GCR and Artifact Registry, where push rights stay unknown)',
    }),
    'fail-on': Flags.option({options: ['error', 'warning', 'never'] as const, default: 'error', description: 'Lowest finding severity that makes the exit code 1'})(),
    concurrency: Flags.integer({default: 8, min: 1, max: 32, description: 'Registries checked at the same time'}),
    'insecure-registry': Flags.string({description: 'Registry (host[:port]) that may be reached over plain HTTP or unverified TLS', multiple: true}),
    deadline: deadlineFlag,
  }

  public async run(): Promise<AuthStatusResult> {
    const {flags} = await this.parse(AuthStatus)
    // Heavy modules load only when there is work to do (`--help` stays fast).
    const [{createAuthStatusWiring}, {authStatus}] = await Promise.all([import('../../runtime/auth-status.js'), import('../../lib/checks/auth-status.js')])
    const deadline = this.startDeadline(flags.deadline)
    const wiring = await createAuthStatusWiring({
      deadline,
      offline: flags.offline,
      insecureRegistries: flags['insecure-registry'] ?? [],
      timeoutSeconds: flags.timeout,
      version: this.config.version,
      registry: flags.registry,
      configFile: flags.config,
    })
    // Progress on a terminal for a wait over a second (slow registries), erased when done.
    const progress = startProgress(progressWanted({json: this.jsonEnabled(), verbose: flags.verbose}), 'Checking logins', 'reading credentials')
    try {
      const work = authStatus({
        ...wiring.deps,
        offline: flags.offline,
        requiredScopes: flags['require-scope'] ?? [],
        repository: flags.repository,
        failOn: flags['fail-on'],
        registry: flags.registry,
        concurrency: flags.concurrency,
        onProgress: progress && ((done, total) => progress.update(`${done}/${total} registries`)),
      })
      const result = await (deadline ? deadline.bound(work, () => 'auth status', DEADLINE_GRACE_MS) : work).finally(() => progress?.stop())
      result.exitCode = this.settleDeadline(result.exitCode, () => ({
        done: result.registries.filter((registry) => !cutByDeadline(registry, deadline?.seconds ?? 0)).length,
        total: result.registries.length,
        unit: 'registries',
      }))
      if (!this.jsonEnabled()) this.log(renderAuthStatus(inertDeep(result), this.outputStyle(flags)))
      process.exitCode = result.exitCode
      return result
    } finally {
      progress?.stop()
      await wiring.close()
    }
  }
}
