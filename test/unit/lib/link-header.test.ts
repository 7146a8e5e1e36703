/**
 * `Link` header parsing (RFC 8288 §3) for registry tag-list pagination and GitHub's REST
 * pagination: the registry cases (distribution-spec "Listing Tags") and real api.github.com headers.
 */
import {describe, expect, it} from 'vitest'

import {type Link, lastPageOf, linksByRelation, nextLink, parseLinkHeader} from '../../../src/lib/link-header.js'

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
  it.each<[string, string | readonly string[] | undefined, Link[]]>([
    ['distribution', '</v2/x/tags/list?n=2&last=b>; rel="next"', [{target: '/v2/x/tags/list?n=2&last=b', params: {rel: 'next'}}]],
    ['unquoted rel, extra params', '<https://h/p?a=1,2>;rel=next;title="a, b"', [{target: 'https://h/p?a=1,2', params: {rel: 'next', title: 'a, b'}}]],
    [
      'several links',
      '<https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel="last"',
      [
        {target: 'https://api/x?page=2', params: {rel: 'next'}},
        {target: 'https://api/x?page=9', params: {rel: 'last'}},
      ],
    ],
    ['empty', '', []],
    ['absent', undefined, []],
    ['garbage', 'not a link', []],
    ['several header lines', ['<a>; rel="prev"', '<b>; rel="next"'], [{target: 'a', params: {rel: 'prev'}}, {target: 'b', params: {rel: 'next'}}]],
    [
      'parameter names lowercased, the first occurrence wins (RFC 8288 §3.3), escapes and BWS',
      '<u>; REL = "next"; rel="last"; title="say \\"hi\\""; anchor',
      [{target: 'u', params: {rel: 'next', title: 'say "hi"', anchor: ''}}],
    ],
    ['a malformed element is skipped, the next link-value is read', 'nonsense, <a>; rel="x" junk, <b>; rel=next', [{target: 'b', params: {rel: 'next'}}]],
    ['a target holding "<" is malformed', '<a, <b>; rel=next', [{target: 'b', params: {rel: 'next'}}]],
    ['empty list elements are ignored (RFC 9110 §5.6.1)', ', <a>; rel=next, ,', [{target: 'a', params: {rel: 'next'}}]],
    ['an unclosed "<" is malformed', '<https://a/?page=2; rel="next"', []],
    ['"__proto__" is not a parameter', '<a>; __proto__=x; rel=next', [{target: 'a', params: {rel: 'next'}}]],
  ])('%s', (_name, header, expected) => {
    expect(parseLinkHeader(header)).toEqual(expected)
  })

  it('reads a hostile header with many parameters in linear time', () => {
    // A backtracking regex takes 2^n steps here (quoted-string or token for each value).
    const header = `<a>${'; a="x"'.repeat(5_000)} junk, <b>; rel=next`
    expect(parseLinkHeader(header)).toEqual([{target: 'b', params: {rel: 'next'}}])
  })
})

describe('linksByRelation', () => {
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
    ['relation types are case-insensitive, the first link wins', '<a>; rel="NEXT", <b>; rel=next', {next: 'a'}],
  ])('%s', (_name, header, expected) => {
    expect(Object.fromEntries(linksByRelation(header))).toEqual(expected)
  })
})

describe('nextLink', () => {
  it('resolves against the base and reads multi-valued rel', () => {
    const base = new URL('https://r.example/v2/x/tags/list?n=2')
    expect(nextLink('</v2/x/tags/list?last=b>; rel="next"', base)?.href).toBe('https://r.example/v2/x/tags/list?last=b')
    expect(nextLink('<https://other/p>; rel="prev next"', base)?.href).toBe('https://other/p')
    expect(nextLink('<https://other/p>; rel="prev"', base)).toBeUndefined()
    expect(nextLink(undefined, base)).toBeUndefined()
    expect(nextLink(['<a>; rel="prev"', '<b>; rel="next"'], base)?.href).toBe('https://r.example/v2/x/tags/b')
  })

  it('is undefined when the next target is not a URL', () => {
    expect(nextLink('<http://[broken>; rel="next"', new URL('https://r.example/'))).toBeUndefined()
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
