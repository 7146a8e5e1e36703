import {describe, expect, it} from 'vitest'

import {helpText} from '../../src/help-text.js'

describe('helpText', () => {
  it('joins the wrapped lines of each paragraph and keeps paragraphs apart', () => {
    expect(helpText('\nSummary line\n\nFirst paragraph\n  wrapped here.\n\nExit codes: 0 ok;\n1 failed.\n')).toBe(
      'Summary line\n\nFirst paragraph wrapped here.\n\nExit codes: 0 ok; 1 failed.',
    )
  })
})
