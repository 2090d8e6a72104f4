/**
 * A call made on another call's result (`knex(o).withSchema('catalog')`): JS makes the inner call first, so its pool is
 * made whatever the outer method does (src/languages/node/js.ts call). test/fixtures/node-chained-calls: db.js keeps
 * `knex({client: 'pg', …, pool: {min: 0, max: 4}}).withSchema('catalog')`; web `node server.js` loads it: 4. Before,
 * the inner knex(…) call was never read: knex's default from package.json, 10*.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a pool made by a call another method is chained on', () => {
  it('reads the inner call', () => {
    const r = planJson(procfileOf('node-chained-calls'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(4)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'db.js', kind: 'file', line: 4}))
  })
})
