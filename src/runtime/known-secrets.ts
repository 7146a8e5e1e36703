/**
 * The run's one {@link KnownSecrets} (src/lib/secrets/known-secrets.ts) and the output boundary
 * that applies it: every write to stdout and stderr — tables, notes, warnings, errors, `--json`
 * documents, oclif's own messages — goes through {@link KnownSecrets.redact} first. The feeders
 * are the doors credentials come in by: config files read ({@link feedConfigReads}), credential
 * helpers run ({@link feedHelperRuns}), GitHub tokens resolved and `Authorization` values sent
 * (the registry transport's `secrets` option).
 */
import type {ReadTextFile} from '../lib/credentials/docker-config.js'
import type {HelperRunner} from '../lib/credentials/helper.js'
import {KnownSecrets} from '../lib/secrets/known-secrets.js'

/** The credentials of this run. */
export const runSecrets = new KnownSecrets()

/** Token variables regctl may use (src/runtime/github.ts): held from the start, used or not. */
const TOKEN_VARIABLES = ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'] as const

type Write = typeof process.stdout.write
const GUARDED = Symbol.for('regctl.knownSecretsGuard')

/**
 * Starts a run: forgets the previous run's secrets, holds the token variables and
 * `DOCKER_AUTH_CONFIG`'s credentials, and (once per process) puts the redaction in front of
 * stdout and stderr.
 */
export function startSecretGuard(env: NodeJS.ProcessEnv = process.env): void {
  runSecrets.clear()
  for (const name of TOKEN_VARIABLES) runSecrets.add(env[name])
  const dockerAuthConfig = env['DOCKER_AUTH_CONFIG']
  if (dockerAuthConfig) runSecrets.addConfigText(dockerAuthConfig)
  for (const stream of [process.stdout, process.stderr]) guard(stream)
}

function guard(stream: NodeJS.WriteStream): void {
  const marked = stream as NodeJS.WriteStream & {[GUARDED]?: true}
  if (marked[GUARDED]) return
  marked[GUARDED] = true
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (runSecrets.size === 0) return write(chunk, ...rest)
    if (typeof chunk === 'string') return write(runSecrets.redact(chunk), ...rest)
    if (chunk instanceof Uint8Array) return write(runSecrets.redact(Buffer.from(chunk).toString('utf8')), ...rest)
    return write(chunk, ...rest)
  }) as Write
}

/** `readFile` for credential config files, holding every credential of each file read. */
export function feedConfigReads(readFile: ReadTextFile): ReadTextFile {
  return async (path) => {
    const text = await readFile(path)
    runSecrets.addConfigText(text)
    return text
  }
}

/** A helper runner that holds the `Secret` of every helper answer, even of a helper that then failed. */
export function feedHelperRuns(run: HelperRunner): HelperRunner {
  return async (program, args, input, options) => {
    const result = await run(program, args, input, options)
    runSecrets.addHelperOutput(result.stdout)
    return result
  }
}
