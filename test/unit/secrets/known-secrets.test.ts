/**
 * The run's known secrets (issue 12): every credential loaded or sent is redacted from any text,
 * whichever server or helper echoed it, plain, in base64 or JSON-escaped.
 */
import {describe, expect, it} from 'vitest'

import {KnownSecrets, MAX_KNOWN_SECRETS, MIN_KNOWN_SECRET} from '../../../src/lib/secrets/known-secrets.js'

describe('KnownSecrets', () => {
  it('holds every credential of a Docker config text: auth (and its password), password, identitytoken, registrytoken', () => {
    const secrets = new KnownSecrets()
    const auth = Buffer.from('bob:hunter2-Password').toString('base64')
    secrets.addConfigText(
      JSON.stringify({
        auths: {
          'a.example': {auth},
          'b.example': {username: 'carol', password: 'carol-Passw0rd'},
          'c.example': {identitytoken: 'refresh-token-0123456789'},
          'd.example': {registrytoken: 'registry-token-0123456789'},
        },
      }),
    )
    const text = `a ${auth} b hunter2-Password c carol-Passw0rd d refresh-token-0123456789 e registry-token-0123456789 f bob:hunter2-Password`
    expect(secrets.redact(text)).toBe('a REDACTED b REDACTED c REDACTED d REDACTED e REDACTED f REDACTED')
  })

  it('holds the bearer token and both halves of a Basic pair that were sent, and form secrets', () => {
    const secrets = new KnownSecrets()
    secrets.addAuthorization('Bearer issued-token-for-repo-A')
    secrets.addAuthorization(`Basic ${Buffer.from('bob:basic-Password-1').toString('base64')}`)
    secrets.addForm('grant_type=refresh_token&refresh_token=refresh-0123456789&service=x&scope=repository%3Aa%3Apull')
    expect(secrets.redact('B said: issued-token-for-repo-A / basic-Password-1 / refresh-0123456789 / repository:a:pull')).toBe(
      'B said: REDACTED / REDACTED / REDACTED / repository:a:pull',
    )
  })

  it('holds the Secret of a helper answer, also of one that failed, and nothing from text that is not its JSON', () => {
    const secrets = new KnownSecrets()
    secrets.addHelperOutput('{"ServerURL":"x","Username":"bob","Secret":"helper-Secret-42"}')
    secrets.addHelperOutput('credentials not found in native keychain')
    expect(secrets.redact('echo: helper-Secret-42')).toBe('echo: REDACTED')
    expect(secrets.size).toBeGreaterThan(0)
  })

  it('redacts the JSON-escaped form inside a --json document, keeping it valid JSON', () => {
    const secrets = new KnownSecrets()
    const password = 'quote"and\\back-slash'
    secrets.add(password)
    const document = JSON.stringify({message: `server says ${password}`})
    const redacted = secrets.redact(document)
    expect(JSON.parse(redacted)).toEqual({message: 'server says REDACTED'})
  })

  it('the longer secret wins when one contains another', () => {
    const secrets = new KnownSecrets()
    secrets.add('abcdef')
    secrets.add('abcdef-ghijkl')
    expect(secrets.redact('x abcdef-ghijkl y abcdef')).toBe('x REDACTED y REDACTED')
  })

  it(`ignores secrets shorter than ${MIN_KNOWN_SECRET} characters, non-JSON config text, and holds at most ${MAX_KNOWN_SECRETS}`, () => {
    const secrets = new KnownSecrets()
    secrets.add('12345')
    secrets.add(undefined)
    secrets.addConfigText('{not json')
    secrets.addConfigText('[1,2]')
    expect(secrets.size).toBe(0)
    for (let i = 0; i < 2 * MAX_KNOWN_SECRETS; i++) secrets.add(`secret-number-${i}`)
    expect(secrets.size).toBeLessThanOrEqual(MAX_KNOWN_SECRETS + 1)
    secrets.clear()
    expect(secrets.size).toBe(0)
    expect(secrets.redact('secret-number-1')).toBe('secret-number-1')
  })
})
