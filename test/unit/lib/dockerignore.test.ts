/**
 * The test tables of moby/patternmatcher, ported verbatim (non-Windows cases):
 * - `patternmatcher_test.go` at moby/patternmatcher@1d6a3f429bf0541b7f69372adecc787fabc0c701
 *   (TestWildcardMatches … TestCleanPatternsErrorSingleException, TestMatches' `tests` and
 *   `multiPatternTests` for the MatchesExact and MatchesOrParentMatches subtests, `matchTests`,
 *   `compileTests`, and the moby/moby#52203 regression test);
 * - `ignorefile/ignorefile_test.go` at moby/patternmatcher@08a7a10cdec96b1990f699a6d522b91b56adfe51
 *   (TestReadAll).
 * Upstream's MatchesUsingParentResult(s) subtests assert the same expectations through caching
 * APIs we do not port; MatchesOrParentMatches covers them. The deprecated package-level `Matches`
 * (one parent only) that upstream's TestMatch calls is replaced by the current
 * `MatchesOrParentMatches`; every `matchTests` row has the same expectation under it.
 */
import {describe, expect, it} from 'vitest'

import {
  BadPatternError,
  cleanPath,
  compilePattern,
  dirPath,
  matchesOrParentMatches,
  newPatternMatcher,
  parseDockerignore,
  parseIgnoreEntries,
  type MatchKind,
} from '../../../src/lib/dockerignore.js'

type Pass = 'fail' | 'exact' | 'inexact'

// TestMatches `tests` (plus the non-Windows additions).
const tests: Array<[pattern: string, text: string, pass: Pass]> = [
  ['**', 'file', 'exact'],
  ['**', 'file/', 'exact'],
  ['**/', 'file', 'exact'], // weird one
  ['**/', 'file/', 'exact'],
  ['**', '/', 'exact'],
  ['**/', '/', 'exact'],
  ['**', 'dir/file', 'exact'],
  ['**/', 'dir/file', 'exact'],
  ['**', 'dir/file/', 'exact'],
  ['**/', 'dir/file/', 'exact'],
  ['**/**', 'dir/file', 'exact'],
  ['**/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/file', 'exact'],
  ['dir/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/dir2/file', 'exact'],
  ['dir/**', 'dir/dir2/file/', 'exact'],
  ['**/dir', 'dir', 'exact'],
  ['**/dir', 'dir/file', 'inexact'],
  ['**/dir2/*', 'dir/dir2/file', 'exact'],
  ['**/dir2/*', 'dir/dir2/file/', 'inexact'],
  ['**/dir2/**', 'dir/dir2/dir3/file', 'exact'],
  ['**/dir2/**', 'dir/dir2/dir3/file/', 'exact'],
  ['**file', 'file', 'exact'],
  ['**file', 'dir/file', 'exact'],
  ['**/file', 'dir/file', 'exact'],
  ['**file', 'dir/dir/file', 'exact'],
  ['**/file', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file.txt', 'exact'],
  ['**/file*txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt*', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt2', 'dir/dir/file.txt', 'fail'],
  ['**/*.txt', 'file.txt', 'exact'],
  ['**/**/*.txt', 'file.txt', 'exact'],
  ['a**/*.txt', 'a/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/dir/file.txt', 'exact'],
  ['a/*.txt', 'a/dir/file.txt', 'fail'],
  ['a/*.txt', 'a/file.txt', 'exact'],
  ['a/*.txt**', 'a/file.txt', 'exact'],
  ['a[b-d]e', 'ae', 'fail'],
  ['a[b-d]e', 'ace', 'exact'],
  ['a[b-d]e', 'aae', 'fail'],
  ['a[^b-d]e', 'aze', 'exact'],
  ['.*', '.foo', 'exact'],
  ['.*', 'foo', 'fail'],
  ['abc.def', 'abcdef', 'fail'],
  ['abc.def', 'abc.def', 'exact'],
  ['abc.def', 'abcZdef', 'fail'],
  ['abc?def', 'abcZdef', 'exact'],
  ['abc?def', 'abcdef', 'fail'],
  ['**/foo/bar', 'foo/bar', 'exact'],
  ['**/foo/bar', 'dir/foo/bar', 'exact'],
  ['**/foo/bar', 'dir/dir2/foo/bar', 'exact'],
  ['abc/**', 'abc', 'fail'],
  ['abc/**', 'abc/def', 'exact'],
  ['abc/**', 'abc/def/ghi', 'exact'],
  ['**/.foo', '.foo', 'exact'],
  ['**/.foo', 'bar.foo', 'fail'],
  ['a(b)c/def', 'a(b)c/def', 'exact'],
  ['a(b)c/def', 'a(b)c/xyz', 'fail'],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', 'exact'],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  // runtime.GOOS != "windows"
  ['a\\\\', 'a\\', 'exact'],
  ['a\\*b', 'a*b', 'exact'],
]

// TestMatches `multiPatternTests`.
const multiPatternTests: Array<[patterns: string[], text: string, pass: Pass]> = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', 'fail'],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', 'exact'],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'fail'],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'fail'],
]

// `matchTests` ("stolen from go's filepath Match tests"): [pattern, s, match, bad pattern].
const matchTests: Array<[pattern: string, s: string, match: boolean, err: boolean]> = [
  ['abc', 'abc', true, false],
  ['*', 'abc', true, false],
  ['*c', 'abc', true, false],
  ['a*', 'a', true, false],
  ['a*', 'abc', true, false],
  ['a*', 'ab/c', true, false],
  ['a*/b', 'abc/b', true, false],
  ['a*/b', 'a/c/b', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, false],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, false],
  ['ab[c]', 'abc', true, false],
  ['ab[b-d]', 'abc', true, false],
  ['ab[e-g]', 'abc', false, false],
  ['ab[^c]', 'abc', false, false],
  ['ab[^b-d]', 'abc', false, false],
  ['ab[^e-g]', 'abc', true, false],
  ['a\\*b', 'a*b', true, false],
  ['a\\*b', 'ab', false, false],
  ['a?b', 'a☺b', true, false],
  ['a[^a]b', 'a☺b', true, false],
  ['a???b', 'a☺b', false, false],
  ['a[^a][^a][^a]b', 'a☺b', false, false],
  ['[a-ζ]*', 'α', true, false],
  ['*[a-ζ]', 'A', false, false],
  ['a?b', 'a/b', false, false],
  ['a*b', 'a/b', false, false],
  ['[\\]a]', ']', true, false],
  ['[\\-]', '-', true, false],
  ['[x\\-]', 'x', true, false],
  ['[x\\-]', '-', true, false],
  ['[x\\-]', 'z', false, false],
  ['[\\-x]', 'x', true, false],
  ['[\\-x]', '-', true, false],
  ['[\\-x]', 'a', false, false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true], // was nil but IMO its wrong
  ['a[', 'ab', false, true],
  ['*x', 'xxx', true, false],
]

// `compileTests` (the "slash" variant): [pattern, matchType, compiledRegexp].
const compileTests: Array<[pattern: string, kind: MatchKind, regexp: string]> = [
  ['*', 'regexp', '^[^/]*$'],
  ['file*', 'regexp', '^file[^/]*$'],
  ['*file', 'regexp', '^[^/]*file$'],
  ['a*/b', 'regexp', '^a[^/]*/b$'],
  ['**', 'suffix', ''],
  ['**/**', 'regexp', '^(.*/)?.*$'],
  ['dir/**', 'prefix', ''],
  ['**/dir', 'suffix', ''],
  ['**/dir2/*', 'regexp', '^(.*/)?dir2/[^/]*$'],
  ['**/dir2/**', 'regexp', '^(.*/)?dir2/.*$'],
  ['**file', 'suffix', ''],
  ['**/file*txt', 'regexp', '^(.*/)?file[^/]*txt$'],
  ['**/**/*.txt', 'regexp', '^(.*/)?(.*/)?[^/]*\\.txt$'],
  ['a[b-d]e', 'regexp', '^a[b-d]e$'],
  ['.*', 'regexp', '^\\.[^/]*$'],
  ['abc.def', 'exact', ''],
  ['abc?def', 'regexp', '^abc[^/]def$'],
  ['**/foo/bar', 'suffix', ''],
  ['a(b)c/def', 'exact', ''],
  ['a.|)$(}+{bc', 'exact', ''],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact', ''],
]

describe('moby/patternmatcher TestMatches', () => {
  it.each(tests)('MatchesExact %j on %j (%s)', (pattern, text, pass) => {
    expect(newPatternMatcher([pattern]).matchesExact(text)).toBe(pass === 'exact')
  })

  it.each(tests)('MatchesOrParentMatches %j on %j (%s)', (pattern, text, pass) => {
    expect(newPatternMatcher([pattern]).matchesOrParentMatches(text)).toBe(pass !== 'fail')
  })

  it.each(multiPatternTests)('MatchesOrParentMatches %j on %j (%s)', (patterns, text, pass) => {
    expect(newPatternMatcher(patterns).matchesOrParentMatches(text)).toBe(pass !== 'fail')
  })
})

describe('moby/patternmatcher TestMatch (filepath.Match table)', () => {
  it.each(matchTests)('%j on %j → %s (bad pattern: %s)', (pattern, s, match, err) => {
    if (err) {
      expect(() => matchesOrParentMatches(s, [pattern])).toThrow(BadPatternError)
    } else {
      expect(matchesOrParentMatches(s, [pattern])).toBe(match)
    }
  })
})

describe('moby/patternmatcher TestCompile (slash)', () => {
  it.each(compileTests)('%j compiles to %s %s', (pattern, kind, regexp) => {
    const compiled = compilePattern(cleanPath(pattern))
    expect(compiled.kind).toBe(kind)
    if (kind === 'regexp') expect(compiled.goRegexp).toBe(regexp)
  })
})

describe('moby/patternmatcher single tests', () => {
  const cases: Array<[name: string, file: string, patterns: string[], expected: boolean]> = [
    ['TestWildcardMatches', 'fileutils.go', ['*'], true],
    ['TestPatternMatches', 'fileutils.go', ['*.go'], true],
    ['TestExclusionPatternMatchesPatternBefore', 'fileutils.go', ['!fileutils.go', '*.go'], true],
    ['TestPatternMatchesFolderExclusions', 'docs/README.md', ['docs', '!docs/README.md'], false],
    ['TestPatternMatchesFolderWithSlashExclusions', 'docs/README.md', ['docs/', '!docs/README.md'], false],
    ['TestPatternMatchesFolderWildcardExclusions', 'docs/README.md', ['docs/*', '!docs/README.md'], false],
    ['TestExclusionPatternMatchesPatternAfter', 'fileutils.go', ['*.go', '!fileutils.go'], false],
    ['TestExclusionPatternMatchesWholeDirectory', '.', ['*.go'], false],
    ['TestMatchesWithNoPatterns', '/any/path/there', [], false],
  ]
  it.each(cases)('%s', (_name, file, patterns, expected) => {
    expect(matchesOrParentMatches(file, patterns)).toBe(expected)
  })

  it('TestSingleExclamationError / TestCleanPatternsErrorSingleException', () => {
    expect(() => newPatternMatcher(['!'])).toThrow(BadPatternError)
  })

  it('TestMatchesWithMalformedPatterns', () => {
    expect(() => matchesOrParentMatches('/any/path/there', ['['])).toThrow(BadPatternError)
  })

  it('TestCleanPatterns / TestCleanPatternsStripEmptyPatterns', () => {
    expect(newPatternMatcher(['docs', 'config']).patterns).toHaveLength(2)
    expect(newPatternMatcher(['docs', 'config', '']).patterns).toHaveLength(2)
  })

  it.each([
    [['docs', '!docs/README.md']],
    [['docs', '  !docs/README.md']],
    [['docs', '!docs/README.md  ']],
  ])('TestCleanPatternsExceptionFlag and whitespace variants %j', (patterns) => {
    expect(newPatternMatcher(patterns).exclusions).toBe(true)
  })

  it('regression moby/moby#52203: a pattern valid for filepath.Match but not as a regexp fails on every use', () => {
    const matcher = newPatternMatcher(['[Local-Only]/'])
    expect(() => matcher.matchesOrParentMatches('x')).toThrow(BadPatternError)
    expect(() => matcher.matchesOrParentMatches('x')).toThrow(BadPatternError)
    expect(() => matcher.validate()).toThrow(BadPatternError)
  })
})

describe('moby/patternmatcher ignorefile TestReadAll', () => {
  it('reads patterns: comments, blank lines, leading slash, inverted, lone !', () => {
    const content = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! '
    expect(parseDockerignore(content)).toEqual(['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!'])
  })

  it('reads an empty file as no patterns', () => {
    expect(parseDockerignore('')).toEqual([])
  })
})

describe('ignore file details beyond the upstream table', () => {
  it('strips a UTF-8 BOM, CRLF line ends, cleans ./ and .., and keeps line numbers', () => {
    expect(parseIgnoreEntries('\uFEFF./a/\r\n  # not a comment once indented?\r\nb/../c\r\n')).toEqual([
      {pattern: 'a', line: 1},
      // Upstream checks `#` before trimming: an indented `#` line is a pattern.
      {pattern: '# not a comment once indented?', line: 2},
      {pattern: 'c', line: 3},
    ])
  })

  it.each([
    ['', '.'],
    ['a//b/./c/', 'a/b/c'],
    ['../a/../../b', '../../b'],
    ['/../a', '/a'],
    ['/', '/'],
  ])('cleanPath(%j) = %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected)
  })

  it.each([
    ['a/b/', 'a/b'],
    ['a', '.'],
    ['/a', '/'],
    ['/', '/'],
  ])('dirPath(%j) = %j', (input, expected) => {
    expect(dirPath(input)).toBe(expected)
  })

  it('excludes everything under an excluded directory at any depth (all parents checked)', () => {
    const matcher = newPatternMatcher(['secrets'])
    expect(matcher.matchesOrParentMatches('secrets/a/b/c/key.pem')).toBe(true)
    expect(matcher.matchesOrParentMatches('app/secrets/key.pem')).toBe(false)
  })

  it('anchors patterns at the context root: *.pem does not reach subdirectories, **/*.pem does', () => {
    expect(matchesOrParentMatches('certs/key.pem', ['*.pem'])).toBe(false)
    expect(matchesOrParentMatches('certs/key.pem', ['**/*.pem'])).toBe(true)
    // The leading `/` is dropped by the ignore-file reader (ReadAll), not by New.
    expect(matchesOrParentMatches('certs/key.pem', parseDockerignore('/certs\n'))).toBe(true)
    expect(matchesOrParentMatches('certs/key.pem', ['/certs'])).toBe(false)
  })

  it('lets the last matching pattern win', () => {
    expect(matchesOrParentMatches('.env', ['.env*', '!.env', '.env'])).toBe(true)
    expect(matchesOrParentMatches('.env', ['.env*', '!.env'])).toBe(false)
  })

  it('follows RE2 for a class starting with ], POSIX classes and [ inside a class', () => {
    expect(matchesOrParentMatches('a', ['[[:alpha:]]'])).toBe(true)
    expect(matchesOrParentMatches('1', ['[[:alpha:]]'])).toBe(false)
    expect(matchesOrParentMatches('x]', ['x]'])).toBe(true)
    expect(() => matchesOrParentMatches('a', ['[[:nope:]]'])).toThrow(BadPatternError)
  })
})
