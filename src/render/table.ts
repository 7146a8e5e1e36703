import Table from 'cli-table3'

const NONE = ''

/** A table being filled: rows in, text out. */
export type TextTable = {push(row: string[]): void; toString(): string}

/**
 * The one table style of regctl, the `docker ps` / `kubectl get` look: upper-case headers,
 * columns separated by three spaces, no borders, no colours, no trailing spaces — the same in a
 * terminal, a pipe and a CI log, and easy to `grep`/`awk`.
 */
export function createTable(head: string[]): TextTable {
  const table = new Table({
    head,
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
    chars: {
      top: NONE, 'top-mid': NONE, 'top-left': NONE, 'top-right': NONE,
      bottom: NONE, 'bottom-mid': NONE, 'bottom-left': NONE, 'bottom-right': NONE,
      left: NONE, 'left-mid': NONE, mid: NONE, 'mid-mid': NONE, right: NONE, 'right-mid': NONE,
      middle: '   ',
    },
  })
  return {
    push: (row) => {
      table.push(row)
    },
    toString: () =>
      table
        .toString()
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n'),
  }
}

/** `sha256:<64 hex>` → `sha256:<12 hex>` for tables; JSON output keeps the whole digest. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return ''
  const [algorithm, hex] = digest.split(':')
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest
}
