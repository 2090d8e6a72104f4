/**
 * An empty flag value (`--plan "$PLAN"` with PLAN unset in a CI script) is an input error naming the flag, exit 2: read
 * as a flag left out, the gate would run against the default plan (or the whole folder, the default scale) without a word.
 */
import {describe, expect, it} from 'vitest'

import {fixture, runCli} from '../helpers/cli.js'

const procfile = `${fixture('rails-7-1')}/Procfile`

describe('an empty flag value', () => {
  it.each([
    [['--plan', ''], '--plan is followed by an empty word'],
    [['--root', ''], '--root is followed by an empty word'],
    [['--scale', ''], '--scale is followed by an empty word'],
    [['--plan='], '--plan= has an empty value'],
    [['--explain', ''], '--explain is followed by an empty word'],
  ])('%j is exit 2, said', (args, said) => {
    const r = runCli(['plan', '--procfile', procfile, ...args])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(`conncalc: ${said} (a shell variable with no value?)\n  hint: give it a value, or leave the empty word out\n`)
  })

  it('is not confused with a value that is there', () => {
    expect(runCli(['plan', '--procfile', procfile, '--plan', 'standard-0', '--scale', 'web=1']).code).toBe(0)
  })
})
