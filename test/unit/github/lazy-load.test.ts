/**
 * `regctl --help` must stay fast: the ghcr ls command module may not load octokit or the native
 * keyring module at import time; they load on first use inside run().
 */
import {expect, it, vi} from 'vitest'

const loaded: string[] = []

vi.mock('@octokit/rest', async (importOriginal) => {
  loaded.push('@octokit/rest')
  return importOriginal()
})

vi.mock('@napi-rs/keyring', async (importOriginal) => {
  loaded.push('@napi-rs/keyring')
  return importOriginal()
})

it('importing the command loads neither octokit nor @napi-rs/keyring; creating a client loads octokit', async () => {
  await import('../../../src/commands/ghcr/ls.js')
  expect(loaded).toEqual([])
  const {createGitHubClient} = await import('../../../src/lib/github/client.js')
  expect(loaded).toEqual([])
  await createGitHubClient({apiUrl: 'https://api.github.com'})
  expect(loaded).toEqual(['@octokit/rest'])
})
