import {describe, expect, it} from 'vitest'

import {lastPageOf, parseLinkHeader} from '../../../src/lib/github/link.js'

// Real headers as api.github.com sends them (page 1 and a middle page of GET /orgs/{org}/packages).
const FIRST =
  '<https://api.github.com/organizations/4242/packages?package_type=container&per_page=100&page=2>; rel="next", ' +
  '<https://api.github.com/organizations/4242/packages?package_type=container&per_page=100&page=2>; rel="last"'
const MIDDLE =
  '<https://api.github.com/user/packages?package_type=container&page=1>; rel="prev", ' +
  '<https://api.github.com/user/packages?package_type=container&page=3>; rel="next", ' +
  '<https://api.github.com/user/packages?package_type=container&page=7>; rel="last", ' +
  '<https://api.github.com/user/packages?package_type=container&page=1>; rel="first"'

describe('parseLinkHeader', () => {
  it.each<[string, string | undefined, Record<string, string>]>([
    ['absent', undefined, {}],
    ['empty', '', {}],
    ['first page', FIRST, {
      next: 'https://api.github.com/organizations/4242/packages?package_type=container&per_page=100&page=2',
      last: 'https://api.github.com/organizations/4242/packages?package_type=container&per_page=100&page=2',
    }],
    ['unquoted rel and extra params', '</v2/x/tags/list?n=2&last=b>; type="x"; rel=next', {next: '/v2/x/tags/list?n=2&last=b'}],
    ['several relation types', '<https://a/?page=3>; rel="next last"', {next: 'https://a/?page=3', last: 'https://a/?page=3'}],
    ['garbage is skipped', 'nonsense, <https://a/?page=2>; rel="next"', {next: 'https://a/?page=2'}],
    ['no rel is skipped', '<https://a/?page=2>', {}],
  ])('%s', (_name, header, expected) => {
    expect(Object.fromEntries(parseLinkHeader(header))).toEqual(expected)
  })
})

describe('lastPageOf', () => {
  it.each<[string, string | undefined, number | undefined]>([
    ['first page', FIRST, 2],
    ['middle page', MIDDLE, 7],
    ['last page (no last link)', '<https://api.github.com/user/packages?page=6>; rel="prev"', undefined],
    ['no header', undefined, undefined],
    ['last without page', '<https://a/x?cursor=abc>; rel="last"', undefined],
    ['page zero', '<https://a/x?page=0>; rel="last"', undefined],
    ['page not a number', '<https://a/x?page=seven>; rel="last"', undefined],
    ['relative URL', '</x?page=4>; rel="last"', 4],
  ])('%s', (_name, header, expected) => {
    expect(lastPageOf(header)).toBe(expected)
  })
})
