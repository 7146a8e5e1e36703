/** `secretExpiry`: the expiry a secret carries itself (JWT `exp`, ECR `expiration`), for "token expired at <date>" (issue 8). */
import {describe, expect, it} from 'vitest'

import {secretExpiry} from '../../../src/lib/jwt.js'

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (payload: unknown): string => `${part({alg: 'RS256'})}.${part(payload)}.c2ln`
const ecr = (expiration: unknown): string =>
  Buffer.from(JSON.stringify({payload: 'p'.repeat(40), datakey: 'd'.repeat(40), version: '2', type: 'DATA_KEY', expiration})).toString('base64')

describe('secretExpiry', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['a JWT with exp', jwt({exp: 1_600_000_000}), '2020-09-13T12:26:40.000Z'],
    ['an ECR token', ecr(1_600_000_000), '2020-09-13T12:26:40.000Z'],
    ['a JWT without exp', jwt({sub: 'x'}), undefined],
    ['a JWT with a string exp', jwt({exp: '1600000000'}), undefined],
    ['a JWT with an absurd exp (milliseconds)', jwt({exp: 1_600_000_000_000}), undefined],
    ['a password', 'hunter2', undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_name, secret, expected) => {
    expect(secretExpiry(secret)).toBe(expected)
  })
})
