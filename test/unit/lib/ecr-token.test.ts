import {describe, expect, it} from 'vitest'

import {ecrTokenExpiry, parseEcrPassword} from '../../../src/lib/ecr-token.js'

const NOW = new Date('2025-09-06T08:00:00Z')
const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64')

/** The layout `aws ecr get-login-password` prints (payload and datakey shortened, not real). */
const real = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  payload: 'r9D8+xVwz7MPXLyn3yugWNjhBADfsPfwcSnEBgzZdsEH7OvluDarr29d85Hr' + 'A'.repeat(400),
  datakey: 'AQEBAHijEFXGwF1cipVOacG8qRmJoVBPay8LUUvU8RCVV0XoHwAAAH4wfAYJKoZIh' + 'B'.repeat(200),
  version: '2',
  type: 'DATA_KEY',
  expiration: 1757147299,
  ...overrides,
})

describe('parseEcrPassword', () => {
  it('reads the expiration (epoch seconds), version and type of the known layout', () => {
    expect(parseEcrPassword(b64(real()))).toEqual({expiresAt: new Date(1757147299 * 1000), version: '2', type: 'DATA_KEY'})
  })

  it('tolerates surrounding whitespace and a numeric version; version and type are optional', () => {
    expect(parseEcrPassword(`  ${b64(real({version: 2}))}\n`)).toMatchObject({version: '2'})
    expect(parseEcrPassword(b64(real({version: undefined, type: undefined})))).toEqual({expiresAt: new Date(1757147299 * 1000)})
  })

  it.each<[string, string]>([
    ['expiration in milliseconds', b64(real({expiration: 1757147299000}))],
    ['expiration as a string', b64(real({expiration: '1757147299'}))],
    ['fractional expiration', b64(real({expiration: 1757147299.5}))],
    ['no expiration', b64(real({expiration: undefined}))],
    ['no payload', b64(real({payload: undefined}))],
    ['empty datakey', b64(real({datakey: ''}))],
    ['type not a string', b64(real({type: 7}))],
    ['version an object', b64(real({version: {}}))],
    ['a JSON array', b64([real()])],
    ['JSON null', b64('null')],
    ['not JSON', b64('AWS:not-json-at-all')],
    ['base64url alphabet', b64(real()).replace(/\+/g, '-').replace(/\//g, '_') + '-_'],
    ['a plain password', 'hunter2hunter2hunter2'],
    ['too short', 'eyJ9'],
    ['too long', 'A'.repeat(20_000)],
    ['empty', ''],
  ])('%s → undefined (no guessing)', (_name, password) => {
    expect(parseEcrPassword(password)).toBeUndefined()
  })
})

describe('ecrTokenExpiry', () => {
  it('is not expired before the expiration', () => {
    expect(ecrTokenExpiry(b64(real({expiration: NOW.getTime() / 1000 + 3600})), NOW)).toEqual({
      expiresAt: '2025-09-06T09:00:00.000Z',
      expired: false,
      secondsLeft: 3600,
    })
  })

  it('is expired at and after the expiration', () => {
    expect(ecrTokenExpiry(b64(real({expiration: NOW.getTime() / 1000})), NOW)).toMatchObject({expired: true, secondsLeft: 0})
    expect(ecrTokenExpiry(b64(real({expiration: NOW.getTime() / 1000 - 90})), NOW)).toMatchObject({expired: true, secondsLeft: -90})
  })

  it('is undefined when the shape differs', () => {
    expect(ecrTokenExpiry('not-an-ecr-token', NOW)).toBeUndefined()
  })

  it('never returns the secret parts', () => {
    const password = b64(real())
    const text = JSON.stringify([parseEcrPassword(password), ecrTokenExpiry(password, NOW)])
    expect(text).not.toContain('r9D8+xVwz7MP')
    expect(text).not.toContain('AQEBAHijEFXG')
  })
})
