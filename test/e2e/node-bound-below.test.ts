/**
 * Names a function reads that are bound further down its module: a function runs once the module has loaded (it is
 * called later), when they are bound, so its calls are read with them (src/languages/node/js.ts postponed).
 * test/fixtures/node-bound-below, pg:
 * - web `node server.js`: `const pool = makePool()` above `function makePool() { new Pool({max: poolSize()}) }` and
 *   `function poolSize() { return 7 }` (both hoisted): 7 (before: 10*, "poolSize() is defined below").
 * - worker `node worker.js`: start() reads `settings.db.max`, `const settings = {db: {max: 4}}` at the end, start()
 *   called from a timer: 4 (before: 10*, "settings is not defined in this file").
 * - clock `node clock.js`: `tasks.open()` (a method of an object above) reads `limits.max`, bound at the end: 3 (before 10*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a function reading names bound below it in its module', () => {
  it('reads them as bound: the function runs after the module has loaded', () => {
    const r = planJson(procfileOf('node-bound-below'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,clock=1'])
    expect(r.type('web').connectionsPerDyno).toBe(7)
    expect(r.type('worker').connectionsPerDyno).toBe(4)
    expect(r.type('clock').connectionsPerDyno).toBe(3)
    expect(r.total).toBe(14)
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
