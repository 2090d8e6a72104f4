/**
 * pg-promise's initialiser and its Database made in one expression (test/fixtures/node-pg-promise-at-once):
 * `pgp()(cn)` and `require('pg-promise')(options)(cn)`. The library's root function returns the function that
 * makes a Database (https://github.com/vitaly-t/pg-promise#database), which opens a pg Pool of the connection's
 * `max` (pg's default 10). Before, the call on a call's result was not read: the web type got an assumed default
 * (10*, "no pool found") and the report type, which calls the result at once, none at all (0).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pg-promise initialised and called in one expression', () => {
  const r = planJson(procfileOf('node-pg-promise-at-once'), ['--scale', 'web=1', '--scale', 'report=1'])

  it('reads the Database made by pgp()(cn) in a callback of an awaited promise: its max', () => {
    // src/db.js:6 `pgp()({connectionString, max: 6})`: 1 dyno × 1 process × 6 = 6.
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('web').databases).toEqual(['pg-promise src/db.js:6'])
  })

  it("counts require('pg-promise')(options)(url): pg's default max 10", () => {
    // src/report.cjs:1: a connection string, no max: pg Pool's default 10; 1 × 10 = 10.
    expect(r.type('report')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.total).toBe(16)
  })
})
