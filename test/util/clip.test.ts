import {describe, expect, it} from 'vitest'

import {dedupeDiagnostics} from '../../src/model/diagnostic.js'
import {clipQuotes} from '../../src/util/clip.js'

describe('clipQuotes', () => {
  it('leaves ordinary messages alone', () => {
    const m = 'cannot read Puma max threads at config/puma.rb:3 (`Integer(ENV.fetch("MAX"))`); using 5'
    expect(clipQuotes(m)).toBe(m)
  })

  it('shortens a long quote to its first 200 characters, keeping the quote marks and the rest', () => {
    const code = 'x + '.repeat(200) // 800 characters with spaces
    expect(clipQuotes(`cannot read \`${code}\`; using 5`)).toBe(`cannot read \`${code.slice(0, 200)}…\`; using 5`)
    expect(clipQuotes(`does not recognise "${code}"; counting 1`)).toBe(`does not recognise "${code.slice(0, 200)}…"; counting 1`)
  })

  it('shortens an unbroken run (no quotes) the same way', () => {
    const run = '$('.repeat(5000)
    expect(clipQuotes(`${run} cannot be read`)).toBe(`${run.slice(0, 200)}… cannot be read`)
  })
})

describe('dedupeDiagnostics', () => {
  it('shortens an over-long file name as it does a quote, so the `file:line:` a finding starts with stays short', () => {
    const deep = `${'d/'.repeat(300)}run.sh` // 606 characters, no component too long for the OS
    const [found] = dedupeDiagnostics([{code: 'unparsable-config', file: deep, message: 'cannot be read (EACCES)', severity: 'warning'}])
    expect(found?.file).toBe(`${deep.slice(0, 200)}…`)
    expect(found?.message).toBe('cannot be read (EACCES)')
  })
})
