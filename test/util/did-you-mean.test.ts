import {describe, expect, it} from 'vitest'

import {closest, didYouMean, editDistance} from '../../src/util/did-you-mean.js'

describe('did you mean', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('plan', 'plan')).toBe(0)
    expect(editDistance('pln', 'plan')).toBe(1) // one insertion
    expect(editDistance('procfil', 'procfile')).toBe(1)
    expect(editDistance('sacle', 'scale')).toBe(2) // transposition = two substitutions
    expect(editDistance('', 'web')).toBe(3)
  })

  it('offers the nearest names within two edits (a third of a long name), nearest first', () => {
    expect(closest('pln', ['live', 'plan', 'plans', 'readme'])).toEqual(['plan', 'plans'])
    expect(closest('explian', ['explain', 'env', 'limit'])).toEqual(['explain'])
    expect(closest('bogus', ['plan', 'procfile', 'scale'])).toEqual([])
    expect(closest('WARNAT', ['warnAt', 'plan'])).toEqual(['warnAt'])
  })

  it('counts a prefix and any alias as near', () => {
    expect(closest('warn', ['error', 'warning'])).toEqual(['warning'])
    expect(closest('hobby-dev', [{name: 'essential-0', spellings: ['hobby-dev', 'mini']}, 'standard-0'])).toEqual(['essential-0'])
  })

  it('says nothing when nothing is close', () => {
    expect(didYouMean([])).toBeUndefined()
    expect(didYouMean(['plan', 'plans'])).toBe('did you mean plan, plans?')
  })
})
