/**
 * TypeORM's PostgresDriver.createPool (0.2 and 0.3, src/driver/postgres/PostgresDriver.ts): `Object.assign({}, {…, max:
 * options.poolSize}, options.extra || {})`, then `new this.postgres.Pool(connectionOptions)`: a `max` in `extra` is
 * assigned over poolSize, so extra.max wins when both are set; poolSize only when extra has no max; pg's 10 when neither.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '8.11.0', typeorm: '0.3.20'}}, null, 2)
const source = (options: string) => ["import {DataSource} from 'typeorm'", `export const db = new DataSource({type: 'postgres', url: process.env.DATABASE_URL, ${options}})`, 'await db.initialize()'].join('\n')
const run = (options: string) => analyzeWith(node, 'node server.mjs', {'package.json': pkg, 'server.mjs': source(options)}, {}, 'standard-1x')

describe('TypeORM poolSize and extra.max', () => {
  it('both set: extra.max, assigned over poolSize', async () => {
    const a = await run('poolSize: 20, extra: {max: 4}')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([4])
  })

  it('poolSize alone, extra without max, neither', async () => {
    expect((await run('poolSize: 20')).pools?.map((p) => p.pool.value)).toEqual([20])
    expect((await run('poolSize: 20, extra: {ssl: true}')).pools?.map((p) => p.pool.value)).toEqual([20])
    expect((await run('extra: {max: 6}')).pools?.map((p) => p.pool.value)).toEqual([6])
    expect((await run('logging: false')).pools?.map((p) => p.pool.value)).toEqual([10])
  })

  it('poolSize beside an extra conncalc cannot read: poolSize, starred (a max in extra would win)', async () => {
    const a = await run('poolSize: 20, extra: {...JSON.parse(process.env.PG_EXTRA ?? "{}")}')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([20])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption')
  })
})
