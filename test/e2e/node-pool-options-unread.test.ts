/**
 * Pool options conncalc cannot read (fixture node-pool-options-unread, in the shape of Unleash's
 * `knex({…, pool: db.pool})` with `db` a parameter): before, an options object that could not be
 * read was taken as "no max set" and the library's default counted as a plain default, without a
 * word. Now the default is an assumption, and a warning names the line.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pool options that cannot be read', () => {
  const r = planJson(procfileOf('node-pool-options-unread'), ['--plan', 'standard-0'])

  it('counts each library default as an assumption: knex 10 + pg Pool 10 = 20', () => {
    // knex's pool max default is 10 (knex lib/client.js); pg Pool's max default is 10 (pg-pool). 1 × (10 + 10) = 20.
    expect(r.total).toBe(20)
    const why = JSON.stringify(r.type('web').sources.threadsPerProcess)
    expect(why).toContain('the options that would set knex pool max at server.js:7 cannot be read')
    expect(why).toContain('the options that would set pg Pool max at server.js:10 cannot be read (they spread in an object conncalc cannot read, which may set it)')
  })

  it('says so with a warning at each line', () => {
    const warnings = r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => [d.file, d.line, d.severity])
    expect(warnings).toEqual([['server.js', 7, 'warning'], ['server.js', 10, 'warning']])
  })
})
