import {spawnSync} from 'node:child_process'
import {chmod, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {MAX_HELPER_OUTPUT_BYTES, createHelperRunner, detectDefaultCredsStore, lookPath, runHelperProcess} from '../../../src/runtime/credential-helper-process.js'
import {MAX_CONFIG_FILE_BYTES, readTextFile} from '../../../src/runtime/files.js'

const NODE = process.execPath

describe('runHelperProcess', () => {
  it('writes stdin and collects stdout, stderr and the exit code', async () => {
    const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stdout.write('got:'+s);process.stderr.write('err');process.exit(3)})`
    const result = await runHelperProcess(NODE, ['-e', script], 'ghcr.io', {timeoutMs: 10_000})
    expect(result).toEqual({exitCode: 3, stdout: 'got:ghcr.io', stderr: 'err'})
  })

  it('resolves ENOENT for a missing program', async () => {
    const result = await runHelperProcess('docker-credential-does-not-exist-regctl', ['get'], 'x', {timeoutMs: 10_000})
    expect(result.error?.code).toBe('ENOENT')
    expect(result.exitCode).toBeNull()
  })

  it('kills a program that outlives its timeout', async () => {
    // The program prints its pid and never exits: after the timeout it must be gone. No
    // wall-clock assertion: a hang is bounded by the test timeout, the wait below by steps.
    // sh prints at once and `exec` keeps the pid (a Node child missed a 300 ms timeout before
    // printing, at load ~14); 2 s leaves room for a loaded machine.
    const result = await runHelperProcess('/bin/sh', ['-c', 'echo $$; exec sleep 1000'], '', {timeoutMs: 2000})
    expect(result.error?.code).toBe('ETIMEDOUT')
    expect(result.error?.message).toBe('/bin/sh timed out after 2000 ms')
    const pid = Number(result.stdout.trim())
    expect(Number.isInteger(pid) && pid > 0).toBe(true)
    // SIGKILL is sent before the promise settles; the kernel reaps the process shortly after.
    const alive = (): boolean => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }

    let steps = 0
    while (alive() && steps < 100) {
      steps++
      await new Promise((resolve) => setTimeout(resolve, 20))
    }

    expect(alive()).toBe(false)
  })

  it('stops a program that prints too much', async () => {
    const script = `const b=Buffer.alloc(65536,120);let n=0;const w=()=>{while(n++<64){if(!process.stdout.write(b))return process.stdout.once('drain',w)}};w()`
    const result = await runHelperProcess(NODE, ['-e', script], '', {timeoutMs: 10_000})
    expect(result.error?.code).toBe('ERR_OUTPUT_LIMIT')
    expect(result.stdout.length).toBeLessThanOrEqual(MAX_HELPER_OUTPUT_BYTES)
  })

  it('survives a program that exits without reading stdin', async () => {
    const result = await runHelperProcess(NODE, ['-e', 'process.exit(0)'], 'x'.repeat(4 * 1024 * 1024), {timeoutMs: 10_000})
    expect(result.exitCode).toBe(0)
    expect(result.error).toBeUndefined()
  })

  it('settles on the helper exit even when a grandchild keeps its pipes open (issue 12)', {timeout: 20_000}, async () => {
    // The helper prints its answer, starts a grandchild that inherits stdout/stderr and sleeps, and exits.
    const script = `process.stdout.write('{"Username":"u","Secret":"s"}');require('child_process').spawn(process.execPath,['-e','setTimeout(()=>{},8000)'],{stdio:['ignore','inherit','inherit']});process.exit(0)`
    const result = await runHelperProcess(NODE, ['-e', script], '', {timeoutMs: 5000})
    expect(result.error).toBeUndefined()
    expect(result).toMatchObject({exitCode: 0, stdout: '{"Username":"u","Secret":"s"}'})
  })

  it('createHelperRunner spends one timeout per helper per run', async () => {
    let runs = 0
    const runner = createHelperRunner(async () => {
      runs++
      return {exitCode: null, stdout: '', stderr: '', error: Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})}
    })
    await runner('docker-credential-slow', ['list'], '', {timeoutMs: 10})
    const second = await runner('docker-credential-slow', ['get'], 'x', {timeoutMs: 10})
    expect(runs).toBe(1)
    expect(second.error?.message).toContain('timed out earlier in this run')
  })

  it('replaces the environment when env is given', async () => {
    const script = `process.stdout.write(JSON.stringify([process.env.REGCTL_TEST_VAR ?? null, process.env.HOME ?? null]))`
    const result = await runHelperProcess(NODE, ['-e', script], '', {timeoutMs: 10_000, env: {REGCTL_TEST_VAR: 'yes'}})
    expect(JSON.parse(result.stdout)).toEqual(['yes', null])
  })
})

describe('readTextFile (config files)', () => {
  it.each([
    ['a FIFO', 'fifo', /a FIFO, not a regular file/],
    ['/dev/zero', 'zero', /a character device, not a regular file/],
  ])('refuses %s at once instead of blocking or reading without end', {timeout: 10_000}, async (_name, kind, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'regctl-special-'))
    const path = join(dir, 'config.json')
    if (kind === 'fifo') spawnSync('mkfifo', [path])
    else await symlink('/dev/zero', path)
    await expect(readTextFile(path)).rejects.toThrow(message)
    await rm(dir, {recursive: true, force: true})
  })

  it('refuses a file over the bound', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'regctl-big-'))
    const path = join(dir, 'config.json')
    await writeFile(path, Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1, 0x20))
    await expect(readTextFile(path)).rejects.toThrow(/over the bound of 4194304/)
    await rm(dir, {recursive: true, force: true})
  })
})

describe('lookPath and detectDefaultCredsStore', () => {
  let dir: string
  let withPass: string
  let passOnly: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'regctl-lookpath-'))
    withPass = await mkdtemp(join(tmpdir(), 'regctl-lookpath-pass-'))
    passOnly = await mkdtemp(join(tmpdir(), 'regctl-lookpath-pass-only-'))
    const files = [[dir, 'docker-credential-secretservice'], [withPass, 'pass'], [withPass, 'docker-credential-pass'], [passOnly, 'pass'], [dir, 'not-executable']] as const
    for (const [where, name] of files) {
      await writeFile(join(where, name), '#!/bin/sh\nexit 0\n')
      await chmod(join(where, name), name === 'not-executable' ? 0o644 : 0o755)
    }
  })

  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
    await rm(withPass, {recursive: true, force: true})
    await rm(passOnly, {recursive: true, force: true})
  })

  it('finds executables only', async () => {
    await expect(lookPath('docker-credential-secretservice', `/nonexistent:${dir}`)).resolves.toBe(join(dir, 'docker-credential-secretservice'))
    await expect(lookPath('not-executable', dir)).resolves.toBeUndefined()
    await expect(lookPath('docker-credential-secretservice', undefined)).resolves.toBeUndefined()
  })

  it('takes the first directory in PATH order that holds the program, as exec.LookPath', async () => {
    await expect(lookPath('pass', `/nonexistent:${passOnly}:${withPass}`)).resolves.toBe(join(passOnly, 'pass'))
    await expect(lookPath('pass', `${withPass}:${passOnly}`)).resolves.toBe(join(withPass, 'pass'))
  })

  it('detects the default store once per PATH and platform: audit asks from two parts', async () => {
    const once = await mkdtemp(join(tmpdir(), 'regctl-lookpath-once-'))
    const helper = join(once, 'docker-credential-secretservice')
    await writeFile(helper, '#!/bin/sh\nexit 0\n')
    await chmod(helper, 0o755)
    await expect(detectDefaultCredsStore({pathEnv: once, platform: 'linux'})).resolves.toBe('secretservice')
    await rm(once, {recursive: true, force: true})
    // The same PATH: the first answer, without looking again; another PATH is looked up.
    await expect(detectDefaultCredsStore({pathEnv: once, platform: 'linux'})).resolves.toBe('secretservice')
    await expect(detectDefaultCredsStore({pathEnv: `${once}:/nonexistent`, platform: 'linux'})).resolves.toBeUndefined()
  })

  it.each<[string, () => string, NodeJS.Platform, string | undefined]>([
    ['secretservice in PATH', () => dir, 'linux', 'secretservice'],
    // docker/cli default_store_linux.go: `pass` in PATH makes pass the candidate, however set up.
    ['pass and docker-credential-pass in PATH', () => `${withPass}:${dir}`, 'linux', 'pass'],
    ['pass in PATH but not docker-credential-pass: none (not secretservice)', () => `${passOnly}:${dir}`, 'linux', undefined],
    ['nothing in PATH', () => '/nonexistent', 'linux', undefined],
    ['macOS without osxkeychain', () => dir, 'darwin', undefined],
    ['unsupported platform', () => dir, 'aix', undefined],
  ])('%s', async (_name, pathEnv, platform, expected) => {
    await expect(detectDefaultCredsStore({pathEnv: pathEnv(), platform})).resolves.toBe(expected)
  })
})

describe('readTextFile', () => {
  it('rejects ENOENT for a missing file', async () => {
    await expect(readTextFile(join(tmpdir(), 'regctl-missing-', String(Date.now())))).rejects.toMatchObject({code: 'ENOENT'})
  })
})
