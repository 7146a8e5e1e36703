/**
 * Where human output goes, as the runtime finds it (src/runtime/terminal.ts) and the renderers
 * read it (src/render/output-style.ts). A type only: it lives in src/lib so that the runtime need
 * not import from src/render (runtime → lib, render → lib; never runtime → render).
 */

/** Where and how human output is shown. */
export type OutputStyle = {
  /** stdout is a terminal: aligned tables, headers, footers on stdout. */
  tty: boolean
  /** ANSI colour for the ✓ ✗ ! marks (only ever true on a terminal). */
  color: boolean
  /** Terminal width to fit tables and wrap lines to; undefined: never shorten or wrap. */
  columns?: number | undefined
}
