/**
 * languages/python/scope.ts: a fork reads exactly as `new Map(parent)` would, names and order, whatever is written
 * afterwards to it, to its parent or to scopes forked from either; a released fork is never read again.
 */
import {describe, expect, it} from 'vitest'

import {CowScope, capture, fork, release} from '../../src/languages/python/scope.js'
import type {EvalValue} from '../../src/languages/python/values.js'

const value = (n: number): EvalValue => ({file: 'settings.py', kind: 'known', line: n, value: n, via: []})
const view = (m: Map<string, EvalValue>): [string, unknown][] => [...m].map(([k, v]) => [k, v.kind === 'known' ? v.value : v.kind])

describe('copy-on-write Python scopes', () => {
  it('read as copies in order after writes to the fork and to the parent', () => {
    const root = new CowScope()
    for (const [i, k] of ['a', 'b', 'c'].entries()) root.set(k, value(i))
    const arm = fork(root)
    arm.set('b', value(10)) // in place
    arm.delete('a')
    arm.set('d', value(11)) // added
    arm.set('a', value(12)) // deleted and set again: after the parent's names, as in a copy
    expect(view(arm)).toEqual([
      ['b', 10],
      ['c', 2],
      ['d', 11],
      ['a', 12],
    ])
    expect(arm.size).toBe(4)
    expect(arm.has('a') && !arm.has('x')).toBe(true)
    root.set('c', value(20))
    root.set('e', value(21))
    root.delete('b')
    expect(view(arm)).toEqual([
      ['b', 10],
      ['c', 2],
      ['d', 11],
      ['a', 12],
    ])
    expect(view(root)).toEqual([
      ['a', 0],
      ['c', 20],
      ['e', 21],
    ])
  })

  it('a function defining scope kept (capture) reads what it read when the function was defined', () => {
    const module = new CowScope()
    module.set('POOL', value(5))
    const arm = fork(module)
    arm.set('SIZE', value(7))
    capture(arm)
    release(arm)
    module.set('POOL', value(9))
    expect(arm.get('POOL')).toEqual(value(5))
    expect(arm.get('SIZE')).toEqual(value(7))
  })

  it('a released fork is not read again', () => {
    const module = new CowScope()
    module.set('POOL', value(5))
    const arm = fork(module)
    release(arm)
    expect(() => arm.get('POOL')).toThrow(/read after its release/)
  })

  it('matches Map copies over random forks, writes, deletes and releases', () => {
    // A seeded generator (mulberry32): the same sequence on every run.
    let seed = 42
    const rand = (n: number): number => {
      seed = (seed + 0x6d_2b_79_f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return (((t ^ (t >>> 14)) >>> 0) % n + n) % n
    }

    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    interface Live {cow: CowScope; kept: boolean; model: Map<string, EvalValue>; parent?: Live}
    const live: Live[] = [{cow: new CowScope(), kept: false, model: new Map()}]
    let checked = 0
    for (let step = 0; step < 3000; step++) {
      const i = rand(live.length)
      const s = live[i]
      const op = rand(10)
      if (op < 3) live.push({cow: fork(s.cow), kept: false, model: new Map(s.model), parent: s})
      else if (op < 7) {
        const k = keys[rand(keys.length)]
        const v = value(step)
        s.cow.set(k, v)
        s.model.set(k, v)
      } else if (op < 9) {
        const k = keys[rand(keys.length)]
        expect(s.cow.delete(k)).toBe(s.model.delete(k))
      } else if (i > 0) {
        if (rand(3) === 0) {
          capture(s.cow)
          // It and every scope it reads through.
          for (let p: Live | undefined = s; p; p = p.parent) p.kept = true
        }

        release(s.cow)
        // One no capture reached is gone. One it did stays, unless it had been copied out of the scope a capture
        // marked by then (its parent changed): then nothing reads through it and it is gone too.
        let gone = false
        try {
          s.cow.get('a')
        } catch (error) {
          expect(String(error)).toMatch(/read after its release/)
          gone = true
        }

        expect(gone || s.kept).toBe(true)
        if (gone) live.splice(i, 1)
      }

      const got = live.map((l) => [view(l.cow), l.cow.size, keys.map((k) => l.cow.get(k))])
      const want = live.map((l) => [view(l.model), l.model.size, keys.map((k) => l.model.get(k))])
      expect(got).toEqual(want)
      checked += live.length
      // Scopes dropped without a release (an evaluation that threw) are copied when their parent changes.
      if (live.length > 24) live.splice(1, 12)
    }

    expect(checked).toBeGreaterThan(10_000)
  })
})
