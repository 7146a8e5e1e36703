/**
 * vitest globalSetup of the integration project: start the registries, token server, front and
 * fixtures once, hand their serialisable description to the workers with `provide('env', …)`, and
 * stop everything in the returned teardown.
 *
 * In a test: `const env = connectEnvironment(inject('env'))` (test/harness/client.ts) gives the
 * hosts, CA file, users, fixture digests and the counters (read over the control endpoint).
 * Set REGCTL_IT_DIR to keep the environment's files (logs, storage) in a directory of your choice.
 */
import type {TestProject} from 'vitest/node'

import {startEnvironment, type EnvironmentInfo} from '../harness/environment.js'

declare module 'vitest' {
  export interface ProvidedContext {
    env: EnvironmentInfo
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = process.env['REGCTL_IT_DIR']
  const env = await startEnvironment(dir === undefined || dir === '' ? {} : {dir})
  project.provide('env', env.info())
  console.log(`[integration] environment ready in ${env.timings['total'] ?? '?'} ms (${JSON.stringify(env.timings)})`)
  return async () => {
    await env.stop()
  }
}
