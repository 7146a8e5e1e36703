import {describe, expect, it} from 'vitest'

import {parseReferenceList, type ReferenceListEntry} from '../../../src/lib/reference-list.js'

describe('parseReferenceList', () => {
  it.each<[string, string, ReferenceListEntry[]]>([
    ['empty text', '', []],
    ['only blanks and comments', '\n   \n# all\n\t# indented\n', []],
    ['one per line', 'alpine\nghcr.io/o/a:1\n', [{line: 1, input: 'alpine'}, {line: 2, input: 'ghcr.io/o/a:1'}]],
    ['no trailing newline', 'alpine', [{line: 1, input: 'alpine'}]],
    ['CRLF', 'alpine\r\nbusybox:1\r\n', [{line: 1, input: 'alpine'}, {line: 2, input: 'busybox:1'}]],
    ['lone CR (classic Mac)', 'alpine\rbusybox', [{line: 1, input: 'alpine'}, {line: 2, input: 'busybox'}]],
    ['blank lines keep numbering', '\n\nalpine\n\n\nbusybox\n', [{line: 3, input: 'alpine'}, {line: 6, input: 'busybox'}]],
    ['surrounding whitespace', '  alpine:3 \t\n', [{line: 1, input: 'alpine:3'}]],
    ['trailing comment after space', 'alpine:3  # pinned for CVE-2024-1', [{line: 1, input: 'alpine:3'}]],
    ['trailing comment after tab', 'alpine:3\t#x', [{line: 1, input: 'alpine:3'}]],
    ['whole-line comment with a reference in it', '# alpine\nbusybox', [{line: 2, input: 'busybox'}]],
    ['# glued to text is kept for the parser to reject', 'alpine#x', [{line: 1, input: 'alpine#x'}]],
    ['duplicates are kept', 'alpine\nalpine\n', [{line: 1, input: 'alpine'}, {line: 2, input: 'alpine'}]],
    ['UTF-8 BOM', '\uFEFFalpine\n', [{line: 1, input: 'alpine'}]],
    ['CRLF with comments', '# list\r\nalpine # a\r\n\r\nbusybox\r\n', [{line: 2, input: 'alpine'}, {line: 4, input: 'busybox'}]],
    ['inner whitespace is left for the parser', 'alp ine', [{line: 1, input: 'alp ine'}]],
    [
      'digests survive',
      `ghcr.io/o/a@sha256:${'a'.repeat(64)} # prod`,
      [{line: 1, input: `ghcr.io/o/a@sha256:${'a'.repeat(64)}`}],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseReferenceList(text)).toStrictEqual(expected)
  })

  it('handles a large list: 50,000 lines, every one kept with its line number', () => {
    // Its time is measured by `npm run bench:parsers` (scripts/bench/parsers.ts), not asserted here.
    const text = Array.from({length: 50_000}, (_, i) => `registry.example.com/app-${i}:v${i}  # entry ${i}`).join('\n')
    const entries = parseReferenceList(text)
    expect(entries).toHaveLength(50_000)
    expect(entries[49_999]).toStrictEqual({line: 50_000, input: 'registry.example.com/app-49999:v49999'})
  })
})
