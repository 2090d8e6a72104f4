import {describe, expect, it} from 'vitest'

import {bracketDepth} from '../../src/util/nesting.js'

describe('bracketDepth', () => {
  it('counts (, [ and { in code, not in strings, comments or template text', () => {
    expect(bracketDepth('f(a[{b: (1)}])', 'js')).toBe(4)
    // Brackets inside strings, comments and a template's text do not count; a ${…} inside a template does.
    expect(bracketDepth('const s = "((((" + \'[[[\' // ((((\n/* {{{{ */ x', 'js')).toBe(0)
    expect(bracketDepth('const t = `((( ${f(g(1))} )))`', 'js')).toBe(3)
    expect(bracketDepth('x = """ ((( \n ((( """ # [[[[\ny = f((1))', 'python')).toBe(2)
    expect(bracketDepth("s = 'it\\'s ('\nz = [1]", 'python')).toBe(1)
  })

  it('stops once past the limit, so a huge file costs no more than its first levels', () => {
    expect(bracketDepth('('.repeat(1_000_000), 'js', 10)).toBe(11)
  })
})
