/**
 * pg-promise used only for its static query formatting (test/fixtures/node-pg-promise-helpers): the
 * library's root carries `as.format`, `errors`, `utils` before initialisation; only
 * `require('pg-promise')(options)` and then `pgp(cn)` make a Database with a pg Pool. No file does,
 * so no pg-promise pool is counted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pg-promise for its formatting helpers only', () => {
  it('counts the knex pool and no pg-promise default beside it, saying why', () => {
    const r = planJson(procfileOf('node-pg-promise-helpers'), ['--scale', 'web=1'])
    // knex pool.max 4 (server.js:5); pg-promise is never initialised, so no Database: 1 dyno × 4 = 4 (before: 4 + 10 assumed = 14).
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('web').databases).toEqual(['knex server.js:5'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'package.json', line: 12, severity: 'info'}))
    expect(r.diagnostics.find((d) => d.file === 'package.json')!.message).toContain('makes no Database and no pool')
  })
})
