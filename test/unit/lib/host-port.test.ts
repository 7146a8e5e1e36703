import {describe, expect, it} from 'vitest'

import {joinHostPort, splitHostPort} from '../../../src/lib/host-port.js'

describe('splitHostPort (Go net.SplitHostPort)', () => {
  it.each([
    ['reg', {hostname: 'reg', port: ''}],
    ['reg:5000', {hostname: 'reg', port: '5000'}],
    ['[::1]:5000', {hostname: '::1', port: '5000'}],
    ['[::1]', {hostname: '::1', port: ''}],
    ['reg:', {hostname: 'reg', port: ''}],
    ['[::1', undefined],
    ['[::1]x', undefined],
    ['reg:abc', undefined],
  ])('%s', (input, expected) => {
    expect(splitHostPort(input)).toEqual(expected)
  })

  it('joins back, bracketing IPv6', () => {
    expect(joinHostPort('::1', '5000')).toBe('[::1]:5000')
    expect(joinHostPort('reg', '5000')).toBe('reg:5000')
  })
})
