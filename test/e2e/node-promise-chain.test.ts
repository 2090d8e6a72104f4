/**
 * Calls chained with a promise's then/catch/finally (test/fixtures/node-nest-then-bootstrap and
 * node-knex-instance-then): the call the chain starts from runs first and is read, as with `await`.
 * NestFactory builds the root module it is given and the modules its @Module imports name
 * (https://docs.nestjs.com/modules), however many module classes the files it imports declare.
 * Calling a knex instance (`knex('orders')`) makes a query builder on that instance's pool, not a
 * new pool (knex lib/knex-builder/make-knex.js: `function knex(tableName, options) { return
 * createQueryBuilder(knex.context, tableName, options) }`).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a call chained with then/catch/finally', () => {
  it('NestFactory.create(Root).then(…) builds only Root', () => {
    const r = planJson(procfileOf('node-nest-then-bootstrap'), ['--scale', 'web=2', 'worker=1'])
    // web: `NestFactory.create(ApiModule).then(…).catch(…)` → ApiModule's forRoot pool max 6; QueueModule, declared in the
    // same file, is not built: 2 dynos × 6 = 12 (was 6 + 3 per process, the root lost).
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(r.type('web').databases).toEqual(['sequelize src/modules.ts:7'])
    // worker: `NestFactory.createApplicationContext(QueueModule).then(…)` → pool max 3 (was 9).
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.type('worker').databases).toEqual(['sequelize src/modules.ts:18'])
  })

  it("calling a knex instance is a query, not a knex() with the knexfile's pool", () => {
    // report: one knex instance, pool max 2; `knex('customers').then(…)` and `await knex('orders')` query through it.
    // knexfile.js's production pool (7) is the knex CLI's: this process never reads it. 2 (was 2 + 7).
    const r = planJson(procfileOf('node-knex-instance-then'), ['--scale', 'report=1'])
    expect(r.type('report')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.type('report').databases).toEqual(['knex scripts/nightly-report.js:3'])
    expect(r.total).toBe(2)
  })
})
