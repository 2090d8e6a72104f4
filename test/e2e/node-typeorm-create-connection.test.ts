/**
 * TypeORM ≤ 0.2: `createConnection(options)` opens the pool as DataSource.initialize() does in 0.3, with the same
 * options (pools.ts typeormPool: poolSize, else extra.max, else pg's 10).
 * test/fixtures/node-typeorm-create-connection:
 * - web `npm start` = `node -r ts-node/register src/index.ts`: createConnection({…, extra: {max: 6}}) inside `main`: 6.
 * - worker `ts-node src/worker.ts`: createConnection({…, poolSize: 3}): 3.
 * - clock `ts-node src/clock.ts`: createConnection() with no options reads ormconfig.js (typeorm 0.2
 *   ConnectionOptionsReader): extra.max 2.
 * Before: none of the calls was read; typeorm in package.json, its default 10* each.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('TypeORM 0.2 createConnection()', () => {
  it('reads extra.max and poolSize from its options, or from ormconfig.js when it has none', () => {
    const r = planJson(procfileOf('node-typeorm-create-connection'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,clock=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'src/index.ts', kind: 'file'}))
    expect(r.type('worker').connectionsPerDyno).toBe(3)
    expect(r.type('clock').connectionsPerDyno).toBe(2)
    expect(r.total).toBe(11)
  })
})
