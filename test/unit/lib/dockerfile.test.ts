import {describe, expect, it} from 'vitest'

import {findContextCopies, parseDockerfile, parseKeyValues, resolveFroms} from '../../../src/lib/dockerfile.js'

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and blank lines inside them, keeps the first line number', () => {
    const parsed = parseDockerfile('FROM a\n\n# comment\nRUN echo 1 \\\n  # dropped\n\n  && echo 2\nCOPY x y\n')
    expect(parsed.instructions).toEqual([
      {keyword: 'FROM', args: 'a', line: 1},
      {keyword: 'RUN', args: 'echo 1   && echo 2', line: 4},
      {keyword: 'COPY', args: 'x y', line: 8},
    ])
  })

  it('reads parser directives only at the top, and honours escape=`', () => {
    const parsed = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN dir `\n  c:\\\n# escape=\\\n')
    expect(parsed.directives).toEqual({syntax: 'docker/dockerfile:1', escape: '`'})
    expect(parsed.escape).toBe('`')
    expect(parsed.instructions[1]).toEqual({keyword: 'RUN', args: 'dir   c:\\', line: 4})
  })

  it('stops directives at the first non-directive line (a later escape= is a comment)', () => {
    const parsed = parseDockerfile('# hello\n# escape=`\nFROM a\n')
    expect(parsed.directives).toEqual({})
    expect(parsed.escape).toBe('\\')
  })

  it('does not parse heredoc bodies as instructions (<<EOF and <<-EOF with tabs)', () => {
    const parsed = parseDockerfile('FROM a\nRUN <<EOF\nFROM evil\nEOF\nRUN <<-"END"\n\tFROM evil2\n\tEND\nFROM b\n')
    expect(parsed.instructions.map((i) => `${i.keyword} ${i.args}`)).toEqual(['FROM a', 'RUN <<EOF', 'RUN <<-"END"', 'FROM b'])
    expect(parsed.instructions[1]?.heredocs).toEqual(['FROM evil'])
    expect(parsed.instructions[3]?.line).toBe(8)
  })

  it('handles CRLF, a BOM and lower-case keywords', () => {
    expect(parseDockerfile('\uFEFFfrom a as B\r\ncopy . .\r\n').instructions).toEqual([
      {keyword: 'FROM', args: 'a as B', line: 1},
      {keyword: 'COPY', args: '. .', line: 2},
    ])
  })
})

describe('parseKeyValues', () => {
  it.each([
    ['ARG', 'A', [{key: 'A'}]],
    ['ARG', 'A=1 B="two words"', [{key: 'A', value: '1', raw: '1'}, {key: 'B', value: 'two words', raw: '"two words"'}]],
    ['ENV', 'KEY value with spaces', [{key: 'KEY', value: 'value with spaces', raw: 'value with spaces'}]],
    ['ENV', "A='$NOT' B=$ALSO_NOT", [{key: 'A', value: '$NOT', raw: "'$NOT'"}, {key: 'B', value: '$ALSO_NOT', raw: '$ALSO_NOT'}]],
  ] as const)('%s %s', (keyword, args, expected) => {
    expect(parseKeyValues(keyword, args)).toEqual(expected)
  })
})

describe('resolveFroms', () => {
  const dockerfile = [
    'ARG REGISTRY=ghcr.io',
    'ARG TAG=1.0',
    'ARG BASE=${REGISTRY}/acme/base:${TAG}',
    'ARG NOVALUE',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS Builder',
    'ARG TAG=ignored-stage-scope',
    'FROM builder AS test',
    'FROM ${BASE}',
    'FROM scratch',
    'FROM SCRATCH',
    'FROM img:${TAG}',
    'FROM app:${NOVALUE}',
  ].join('\n')

  it('resolves global ARG defaults (chained), skips scratch and earlier stages case-insensitively', () => {
    const froms = resolveFroms(parseDockerfile(dockerfile))
    expect(froms.map((f) => [f.line, f.image, f.internal, f.unresolved])).toEqual([
      [5, 'golang:1.22', false, []],
      [7, 'builder', true, []],
      [8, 'ghcr.io/acme/base:1.0', false, []],
      [9, 'scratch', true, []],
      [10, 'SCRATCH', true, []],
      // ARGs after the first FROM are stage-scoped: FROM sees the global TAG.
      [11, 'img:1.0', false, []],
      [12, 'app:', false, ['NOVALUE']],
    ])
    expect(froms[0]).toMatchObject({stage: 'builder', platform: '$BUILDPLATFORM'})
  })

  it('lets build args override global defaults', () => {
    const froms = resolveFroms(parseDockerfile(dockerfile), {TAG: '2.0', NOVALUE: 'x'})
    expect(froms.map((f) => f.image)).toEqual(['golang:1.22', 'builder', 'ghcr.io/acme/base:2.0', 'scratch', 'SCRATCH', 'img:2.0', 'app:x'])
  })

  it('does not treat a later stage name as a stage for earlier FROMs', () => {
    const froms = resolveFroms(parseDockerfile('FROM base\nFROM alpine AS base\nFROM base\n'))
    expect(froms.map((f) => f.internal)).toEqual([false, false, true])
  })
})

describe('findContextCopies', () => {
  it.each([
    ['COPY . .', true],
    ['COPY ./ /app/', true],
    ['COPY . /app', true],
    ['ADD . /app', true],
    ['COPY --chown=1000:1000 --link . /app', true],
    ['COPY * /app/', true],
    ['COPY / /app', true],
    ['COPY [".", "/app"]', true],
    ['COPY package.json . ./', true],
    ['COPY src/ /app/src', false],
    ['COPY --from=build . /app', false],
    ['COPY --from=build /src /app', false],
    ['ADD https://example.com/x.tgz /app', false],
    ['COPY <<EOF /app/x\nhello\nEOF', false],
  ])('%s → whole context %s', (line, whole) => {
    const copies = findContextCopies(parseDockerfile(`FROM a\n${line}\n`))
    expect(copies.some((copy) => copy.wholeContext)).toBe(whole)
  })

  it('keeps the cleaned sources of partial copies', () => {
    expect(findContextCopies(parseDockerfile('FROM a\nCOPY ./src/ "conf/app.yml" /app/\n'))[0]).toMatchObject({
      line: 2,
      sources: ['src', 'conf/app.yml'],
      wholeContext: false,
    })
  })
})

describe('heredocs start only at a word that begins with << (BuildKit parser.go reHeredoc)', () => {
  const keywords = (text: string): string[] => parseDockerfile(text).instructions.map((i) => `${i.line} ${i.keyword}`)

  it.each([
    ['arithmetic shift', 'FROM a\nRUN echo $((1<<4))\nFROM b\nCOPY . /app\n', ['1 FROM', '2 RUN', '3 FROM', '4 COPY']],
    ['<< inside quotes', 'FROM a\nRUN echo "x<<EOF"\nFROM b\nCOPY . /app\n', ['1 FROM', '2 RUN', '3 FROM', '4 COPY']],
    ['a real heredoc whose body looks like an instruction', 'FROM a\nRUN cat <<EOF > /x\nFROM not-an-instruction\nEOF\nFROM b\n', ['1 FROM', '2 RUN', '5 FROM']],
    ['fd-prefixed, tab-chomping heredoc (dockerfile-ast reads its body as instructions)', 'FROM a\nRUN 3<<-EOT cat <&3\n\tCOPY x y\n\tEOT\nCOPY . .\n', ['1 FROM', '2 RUN', '5 COPY']],
  ])('%s', (_name, text, expected) => {
    expect(keywords(text)).toEqual(expected)
  })
})
