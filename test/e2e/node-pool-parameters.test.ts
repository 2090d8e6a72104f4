/**
 * Pool options that reach the pool through the app's own functions (test/fixtures/node-pool-parameters):
 * a convict schema read with `config.get('pg.pool.max')` inside `knexConfig(config)`, called with the
 * convict object; and a factory `makePool(url, {max = 10} = {})` called from two places, each making its
 * own pg Pool, with `env` taken from `require('node:process')`. The numbers a user sees from `conncalc plan --json`.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('node-pool-parameters'), ['--scale', 'web=1', 'worker=1', ...args])
const reports = 'pg src/make-pool.js:5 (called at src/server.js:6)'
const sessions = 'pg src/make-pool.js:5 (called at src/server.js:7)'

describe("a pool size passed through the app's own function", () => {
  it('convict default through knexConfig(config), and one pg Pool per makePool() call', () => {
    const r = plan()
    // knex: pool.max = config.get('pg.pool.max') = the convict default Math.floor((22 - 2) / 4) = 5 (src/config.js:25),
    // PG_POOL_MAX unset. makePool(url, {max: Number(env.REPORTS_POOL_MAX) || 3}) → NaN || 3 = 3 (server.js:6);
    // makePool(url) → the destructured default max = 10 (make-pool.js:4); start()'s makePool(url, {max: 1}) at server.js:19 → 1,
    // once (start() is read where it is written and again where it is called: one place, one pool).
    // web: 5 + 3 + 10 + 1 = 19; worker loads only src/db.js: 5.
    expect(r.type('web')).toMatchObject({connections: 19, poolPerProcess: 19})
    expect(r.type('web').databases).toEqual(['knex src/db.js:5', reports, sessions, 'pg src/make-pool.js:5 (called at src/server.js:19)'])
    expect(r.type('web').sources['pool.knex src/db.js:5']).toMatchObject({source: {file: 'src/config.js', kind: 'file', line: 25}, value: 5})
    expect(r.type('web').sources[`pool.${reports}`]).toMatchObject({source: {file: 'src/server.js', line: 6}, value: 3})
    expect(r.type('web').sources[`pool.${sessions}`]).toMatchObject({source: {file: 'src/make-pool.js', line: 4}, value: 10})
    expect(r.type('worker')).toMatchObject({connections: 5, poolPerProcess: 5})
    // Nothing here is a guess: no unknown value, no assumed default.
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it("the convict setting's env var overrides its default, and env from node:process is process.env", () => {
    // PG_POOL_MAX=8 (format Number): knex max 8; REPORTS_POOL_MAX=6: the reports pool 6. web 8 + 6 + 10 + 1 = 25, worker 8.
    const r = plan('--env', 'PG_POOL_MAX=8', '--env', 'REPORTS_POOL_MAX=6')
    expect(r.type('web').connections).toBe(25)
    expect(r.type('web').sources[`pool.${reports}`]).toMatchObject({value: 6, via: expect.arrayContaining([expect.objectContaining({kind: 'env', name: 'REPORTS_POOL_MAX'})])})
    expect(r.type('worker').connections).toBe(8)
    // Read at the setting (src/config.js:22, `max: {…}`), from the variable.
    expect(r.type('worker').sources['pool.knex src/db.js:5']).toMatchObject({source: {file: 'src/config.js', line: 22}, value: 8, via: [{kind: 'env', name: 'PG_POOL_MAX'}]})
  })

  it('a pool the function makes under a branch at its call site follows that branch', () => {
    // server.js:9 `env.REPLICA_URL ? makePool(env.REPLICA_URL, {max: 2}) : undefined`: REPLICA_URL unset, so the pool
    // make-pool.js:5 would make there is named, not counted; web stays 5 + 3 + 10 + 1 = 19.
    const r = plan()
    expect(r.type('web').connections).toBe(19)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'src/make-pool.js', line: 5}))
    // Set, on another host than DATABASE_URL: listed on that server, not added to this one.
    const set = plan('--env', 'DATABASE_URL=postgres://u:p@primary.example.com/app', '--env', 'REPLICA_URL=postgres://u:p@replica.example.com/app')
    expect(set.type('web').connections).toBe(19)
    expect(set.type('web').otherServerPools).toContainEqual(expect.objectContaining({database: 'pg src/make-pool.js:5 (called at src/server.js:9)', server: 'REPLICA_URL'}))
  })
})
