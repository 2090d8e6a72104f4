/**
 * boundArgument: a keyword argument that reads a parameter of the app's own function, bound at
 * the places the app calls that function (evaluate.ts walks the body again with the arguments).
 */
import {describe, expect, it} from 'vitest'

import {boundArgument} from '../../src/languages/python/bound-arguments.js'
import {asInteger, evaluatePython} from '../../src/languages/python/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

async function engineArg(text: string, key: string, env: Record<string, string> = {}) {
  const m = await evaluatePython('db.py', text, {env: envOf(env)})
  const call = m.calls.find((c) => c.callee === 'sqlalchemy.create_engine' && c.within)
  if (!call) throw new Error('no create_engine call inside a function')
  return boundArgument(call, key)
}

const MAKE = ['from sqlalchemy import create_engine', '', 'def make(url, size=5):', '    return create_engine(url, pool_size=size)', '']

describe('boundArgument', () => {
  it('every caller passes a value: that value, via the call site', async () => {
    // make(url, size=int("6")) at line 6 and make(url, 6) at line 7: both 6.
    const v = await engineArg([...MAKE, 'a = make("postgres://x", size=int("6"))', 'b = make("postgres://y", 6)'].join('\n'), 'pool_size')
    expect(asInteger(v)).toBe(6)
    expect(v?.kind === 'known' && v.via).toContainEqual({file: 'db.py', kind: 'file', line: 6})
  })

  it('a caller that leaves the parameter out binds its default; with another caller passing 9, the largest is assumed', async () => {
    const v = await engineArg([...MAKE, 'a = make("postgres://x")', 'b = make("postgres://y", size=9)'].join('\n'), 'pool_size')
    expect(asInteger(v)).toBe(9)
    expect(v?.kind === 'known' && v.via).toContainEqual({kind: 'assumed', why: 'the callers of `make()` (db.py:3) pass different pool_size: 5 (db.py:6), 9 (db.py:7); the largest, 9, is assumed'})
  })

  it('a caller passing an env var set nowhere keeps the value unknown, naming the variable', async () => {
    const v = await engineArg([...MAKE, 'import os', 'a = make("postgres://x", size=int(os.environ["POOL"]))'].join('\n'), 'pool_size')
    expect(v).toMatchObject({kind: 'unknown', missingEnv: [{line: 7, name: 'POOL'}]})
    // With the variable set, it is read.
    const set = await engineArg([...MAKE, 'import os', 'a = make("postgres://x", size=int(os.environ["POOL"]))'].join('\n'), 'pool_size', {POOL: '12'})
    expect(asInteger(set)).toBe(12)
  })

  it('only a caller that passes its own parameter, itself never called: unknown, with why (the default is not taken)', async () => {
    const v = await engineArg([...MAKE, 'def wrapper(n):', '    return make("postgres://x", size=n)'].join('\n'), 'pool_size')
    expect(v).toMatchObject({kind: 'unknown', reason: expect.stringContaining('`size` is a parameter of `make()` (line 3)')})
  })

  it('an expression of the parameter with no caller stays unknown, saying no call was found', async () => {
    const v = await engineArg(['from sqlalchemy import create_engine', 'def make(url, size=5):', '    return create_engine(url, pool_size=size * 2)'].join('\n'), 'pool_size')
    expect(v).toMatchObject({kind: 'unknown', reason: expect.stringContaining('conncalc found no call of `make()` (db.py:2)')})
  })

  it('recursion stops at the call depth bound rather than hanging', async () => {
    const v = await engineArg(['from sqlalchemy import create_engine', 'def make(url, size=5):', '    create_engine(url, pool_size=size)', '    return make(url, size + 1)', 'e = make("postgres://x", 1)'].join('\n'), 'pool_size')
    // Depths 1..8 (MAX_CALL_DEPTH) bind size 1..8; they disagree, so the largest is assumed.
    expect(asInteger(v)).toBe(8)
  })
})
