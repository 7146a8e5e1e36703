/**
 * Reach a running environment's counters from another process (a vitest worker) through the
 * token server's control endpoints, given the serialisable {@link EnvironmentInfo}.
 */
import {readFileSync} from 'node:fs'

import {harnessRequest, isRecord} from './http.js'
import type {BlobHit, EnvironmentApi, EnvironmentInfo, RegistryName, RequestCounts, TokenStats} from './types.js'

export * from './types.js'

/** Counters and resets of the environment described by `info`, over HTTP. */
export function connectEnvironment(info: EnvironmentInfo): EnvironmentInfo & EnvironmentApi {
  const ca = readFileSync(info.caFile, 'utf8')
  const call = async (method: 'GET' | 'POST', route: string): Promise<unknown> => {
    const response = await harnessRequest(`${info.controlUrl}${route}`, {method, ca, timeoutMs: 10_000})
    if (response.status !== 200) throw new Error(`control ${method} ${route} → ${response.status}`)
    return JSON.parse(response.body.toString('utf8')) as unknown
  }
  // The control endpoint is the harness itself: a shape check is enough to catch route mistakes.
  const expectRecord = <T>(value: unknown, key: string): T => {
    if (!isRecord(value) || !(key in value)) throw new Error(`control endpoint answered without "${key}"`)
    return value as T
  }
  return {
    ...info,
    tokenServer: {
      ...info.tokenServer,
      stats: async () => expectRecord<TokenStats>(await call('GET', '/_stats'), 'byUserScope'),
      reset: async () => {
        await call('POST', '/_stats/reset')
      },
    },
    blobServer: {
      ...info.blobServer,
      hits: async () => {
        const value = await call('GET', '/_blob-hits')
        if (!Array.isArray(value)) throw new Error('control endpoint: blob hits are not a list')
        return value as BlobHit[]
      },
      reset: async () => {
        await call('POST', '/_blob-hits/reset')
      },
    },
    requestCounts: async (name: RegistryName) => expectRecord<RequestCounts>(await call('GET', `/_requests/${name}`), 'byMethodKind'),
    resetRequestCounts: async (name?: RegistryName) => {
      await call('POST', `/_requests/${name ?? 'all'}/reset`)
    },
  }
}
