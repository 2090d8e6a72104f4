/**
 * What a deploy hook's script holds at once is read from the code that runs (src/languages/node/at-once.ts): its
 * modules' top-level code and the functions that code names, not every function of every module it loads.
 * test/fixtures/node-deploy-script-reach, lib/db.js: pg Pool max 8.
 * - web `npm start` = `node server.js`: 8.
 * - release `node scripts/post-migrate.js`: main() inserts three plans in a for-of loop, each `assertSlug(slug)` (a sync
 *   helper of lib/db.js: a regexp test and a throw) then an awaited query; then seedPrices(pool) chains its updates with
 *   `reduce(async (previous, …) => { await previous; … }, Promise.resolve())`, one after another; then pool.end(). The
 *   Promise.all of lib/db.js's refreshAll and of prices.js's seedEverything are in functions the script never names
 *   (listing them in module.exports runs nothing): 1 connection at a time. Peak 8 + 1 = 9. Before: 8*, "the call at
 *   scripts/post-migrate.js:6 in a loop is not awaited" (and, past it, the reduce callback and both Promise.all).
 * - Procfile.refresh, release `node scripts/refresh.js`: calls refreshAll(['plan_usage', 'plan_revenue']), whose
 *   Promise.all runs over its parameter's list (read at run time): the pool, 8*, as before.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a deploy hook script read from the code it runs', () => {
  it('holds one connection when the code it reaches awaits its queries in turn', () => {
    const r = planJson(procfileOf('node-deploy-script-reach'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('awaits its queries one after another (3 modules of the app read')})
    expect(r.deployPeak).toBe(9)
  })

  it('still counts the pool when a function it does call runs a run-time list at once', () => {
    const r = planJson(procfileOf('node-deploy-script-reach/Procfile.refresh'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('release').connectionsPerDyno).toBe(8)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('Promise.all at lib/db.js:10 runs a list built at run time')})
    expect(r.deployPeak).toBe(16)
  })
})
