import {describe, expect, it} from 'vitest'

import {assumed, fromDefault, fromFile, sourced} from '../../src/model/source.js'

// A default or an assumption said in the same words for every process type is one frozen object,
// and so is a number on it: a Procfile of 100,000 types kept 100,000 equal copies of each alive.
describe('shared sources', () => {
  it('the same default or assumption is one object, and a value on it too; a different value is its own', () => {
    const a = fromDefault('Puma 5+ default max threads on MRI', 'https://github.com/puma/puma/blob/master/lib/puma/configuration.rb')
    expect(fromDefault('Puma 5+ default max threads on MRI', 'https://github.com/puma/puma/blob/master/lib/puma/configuration.rb')).toBe(a)
    expect(assumed('1 dyno assumed')).toBe(assumed('1 dyno assumed'))
    expect(sourced(5, a)).toBe(sourced(5, a))
    expect(sourced(5, a)).not.toBe(sourced(16, a))
    expect(sourced(16, a)).toEqual({source: a, value: 16})
    expect(sourced(16, a)).toBe(sourced(16, a))
    expect(sourced(5, a)).toBe(sourced(5, a))
  })

  it('wording that differs per type does not stop other defaults from being shared', () => {
    const early = assumed('Puma version unknown')
    for (let i = 0; i < 5000; i++) fromDefault(`Heroku sets DYNO in every dyno (t${i}.1 for the first)`, 'dyno-ref')
    for (let i = 0; i < 5000; i++) assumed(`t${i} is not in --scale or app.json formation; 1 dyno assumed`)
    expect(fromDefault('ActiveRecord default pool size', 'hash_config')).toBe(fromDefault('ActiveRecord default pool size', 'hash_config'))
    expect(assumed('Puma version unknown')).toBe(early)
    // Past the cap a wording is made as before: equal, not shared.
    expect(fromDefault('Heroku sets DYNO in every dyno (t4999.1 for the first)', 'dyno-ref')).toEqual({kind: 'default', ref: 'dyno-ref', what: 'Heroku sets DYNO in every dyno (t4999.1 for the first)'})
  })

  it('a shared value cannot be changed in place (it would change every type that cites it)', () => {
    const v = sourced(5, fromDefault('ActiveRecord default pool size', 'hash_config.rb'))
    expect(Object.isFrozen(v) && Object.isFrozen(v.source)).toBe(true)
    expect(() => {
      ;(v as {value: number}).value = 6
    }).toThrow(TypeError)
  })

  it('a value from a file, or with what it depended on, is a new object each time', () => {
    expect(sourced(3, fromFile('config/puma.rb', 3))).not.toBe(sourced(3, fromFile('config/puma.rb', 3)))
    const via = [assumed('Puma version unknown')]
    const d = fromDefault('Puma 5+ default max threads on MRI', 'ref')
    expect(sourced(5, d, via)).not.toBe(sourced(5, d, via))
    expect(sourced(5, d, via)).toEqual({source: d, value: 5, via})
  })
})
