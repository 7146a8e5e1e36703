import {describe, expect, it} from 'vitest'

import {expandWord, splitWords} from '../../../src/lib/shell-words.js'

const vars: Record<string, string> = {SET: 'value', EMPTY: ''}
const lookup = (name: string): string | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined)

describe('expandWord (BuildKit shell lexer subset)', () => {
  it.each([
    ['$SET', 'value', []],
    ['${SET}', 'value', []],
    ['pre-${SET}-post', 'pre-value-post', []],
    ['${UNSET:-def}', 'def', []],
    ['${EMPTY:-def}', 'def', []],
    ['${EMPTY-def}', '', []],
    ['${UNSET-def}', 'def', []],
    ['${SET:+alt}', 'alt', []],
    ['${EMPTY:+alt}', '', []],
    ['${EMPTY+alt}', 'alt', []],
    ['${UNSET+alt}', '', []],
    ['${UNSET:-${SET}}', 'value', []],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep', []],
    ['${UNSET}', '', ['UNSET']],
    ['$UNSET/x', '/x', ['UNSET']],
    ['${UNSET:?need it}', '', ['UNSET']],
    ['${SET:?need it}', 'value', []],
    ['\\$SET', '$SET', []],
    ["'$SET'", '$SET', []],
    ['"$SET"', 'value', []],
    ['"a\\"b"', 'a"b', []],
    ['a$', 'a$', []],
    ['${SET#pat}', '', ['SET']],
  ])('%s → %j', (word, value, unresolved) => {
    expect(expandWord(word, lookup)).toEqual({value, unresolved})
  })

  it.each([
    ['$$SET', '$SET', []],
    ['${UNSET:-def}', 'def', []],
    ["'${SET}'", "'value'", []],
    ['a\\$SET', 'a\\value', []],
  ])('compose mode %s → %j', (word, value, unresolved) => {
    expect(expandWord(word, lookup, {composeDollar: true})).toEqual({value, unresolved})
  })
})

describe('splitWords', () => {
  it('splits at unquoted whitespace and keeps quotes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', '"b c"', "'d e'", 'f\\ g'])
  })
})
