/**
 * The `--insecure-storage` token file on the real file system (a temp dir): modes, atomic writes,
 * and symbolic links planted where the directory or the file should be, which are refused or
 * replaced, never followed.
 */
import {lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {TokenFileError, tokenDirectory, tokenFileName} from '../../../src/lib/github/token-file.js'
import {createTokenFileStore} from '../../../src/runtime/token-file.js'

const TOKEN = 'ghp_' + 'T0k3nF1l3'.repeat(4)

let base: string
let dir: string

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'regctl-token-file-'))
  dir = join(base, 'config', 'regctl')
})

afterEach(async () => {
  await rm(base, {recursive: true, force: true})
})

describe('tokenDirectory and tokenFileName', () => {
  it('follows XDG: $XDG_CONFIG_HOME/regctl, else HOME/.config/regctl; a relative XDG_CONFIG_HOME is ignored', () => {
    expect(tokenDirectory({XDG_CONFIG_HOME: '/x/cfg/'}, '/home/u')).toBe('/x/cfg/regctl')
    expect(tokenDirectory({}, '/home/u/')).toBe('/home/u/.config/regctl')
    expect(tokenDirectory({XDG_CONFIG_HOME: 'rel'}, '/home/u')).toBe('/home/u/.config/regctl')
  })

  it('names one file per host and refuses anything that is not a plain host', () => {
    expect(tokenFileName('GitHub.com')).toBe('github-token-github.com')
    expect(tokenFileName('ghe.example.com:8443')).toBe('github-token-ghe.example.com_8443')
    for (const host of ['../etc', 'a/b', '', 'a..b', 'host name', '.hidden']) expect(() => tokenFileName(host), host).toThrow(TokenFileError)
  })
})

describe('createTokenFileStore', () => {
  it('writes the file 0600 in a new 0700 directory, reads it back, leaves no temporary file', async () => {
    const store = createTokenFileStore(dir)
    await expect(store.read('github.com')).resolves.toBeUndefined()
    const path = await store.write('github.com', TOKEN)
    expect(path).toBe(join(dir, 'github-token-github.com'))
    expect((await lstat(dir)).mode & 0o777).toBe(0o700)
    expect((await lstat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['github-token-github.com'])
    await expect(store.read('github.com')).resolves.toEqual({token: TOKEN, path})
    // Replacing keeps one file and the mode.
    await store.write('github.com', `${TOKEN}2`)
    await expect(store.read('github.com')).resolves.toEqual({token: `${TOKEN}2`, path})
    expect(await readdir(dir)).toEqual(['github-token-github.com'])
  })

  it('removes the file once; a second remove finds nothing', async () => {
    const store = createTokenFileStore(dir)
    await store.write('github.com', TOKEN)
    await expect(store.remove('github.com')).resolves.toBe(true)
    await expect(store.remove('github.com')).resolves.toBe(false)
    await expect(store.read('github.com')).resolves.toBeUndefined()
  })

  it('a symbolic link planted as the directory is refused for reading, writing and removing', async () => {
    const elsewhere = join(base, 'elsewhere')
    await mkdir(elsewhere)
    await mkdir(join(base, 'config'))
    await symlink(elsewhere, dir)
    const store = createTokenFileStore(dir)
    await expect(store.write('github.com', TOKEN)).rejects.toThrow(/is a symbolic link: regctl keeps tokens only in a real directory/)
    await expect(store.read('github.com')).rejects.toThrow(TokenFileError)
    await expect(store.remove('github.com')).rejects.toThrow(TokenFileError)
    expect(await readdir(elsewhere)).toEqual([])
  })

  it('a symbolic link planted as the file is never followed: reading refuses it, writing replaces the link', async () => {
    const target = join(base, 'target')
    await writeFile(target, 'precious\n')
    await mkdir(dir, {recursive: true})
    const path = join(dir, 'github-token-github.com')
    await symlink(target, path)
    const store = createTokenFileStore(dir)
    const error = await store.read('github.com').catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(TokenFileError)
    expect((error as Error).message).toBe(`${path} is a symbolic link: regctl does not follow it. Remove it`)
    await store.write('github.com', TOKEN)
    expect(await readFile(target, 'utf8')).toBe('precious\n')
    expect((await lstat(path)).isSymbolicLink()).toBe(false)
    await expect(store.read('github.com')).resolves.toMatchObject({token: TOKEN})
    // Removing a link removes the link, not what it points to.
    await rm(path)
    await symlink(target, path)
    await expect(store.remove('github.com')).resolves.toBe(true)
    expect(await readFile(target, 'utf8')).toBe('precious\n')
  })

  it('a file that is not one token, or too large, is an error that does not quote it', async () => {
    await mkdir(dir, {recursive: true})
    const path = join(dir, 'github-token-github.com')
    const store = createTokenFileStore(dir)
    await writeFile(path, `${TOKEN} ${TOKEN}\n`, {mode: 0o600})
    const error = await store.read('github.com').catch((error_: unknown) => error_)
    expect((error as Error).message).toBe(`${path} does not hold one token: remove it (regctl auth logout github) and log in again`)
    await writeFile(path, 'x'.repeat(9000), {mode: 0o600})
    await expect(store.read('github.com')).rejects.toThrow(/over the bound of 8192/)
    await rm(path)
    await mkdir(path)
    await expect(store.read('github.com')).rejects.toThrow(/is not a regular file/)
  })
})
