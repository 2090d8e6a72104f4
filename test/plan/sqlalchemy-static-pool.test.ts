import {describe, expect, it} from 'vitest'

import {planFixture} from './helpers.js'

describe('SQLAlchemy StaticPool', () => {
  // sqlalchemy/pool/impl.py (rel_2_0_30) StaticPool: `connection` is a memoized property, one _ConnectionRecord per
  // pool, handed to every checkout. gunicorn --workers 2 --threads 8: 8 threads share 1 connection per worker = 2.
  it('one connection per process shared by every thread, not one per thread; no pool-below-threads warning', async () => {
    const r = await planFixture('sqlalchemy-static-pool')
    const web = r.type('web')
    expect([web.processesPerDyno, web.threadsPerProcess, web.connectionsPerProcess, web.connectionsPerDyno]).toEqual([2, 8, 1, 2])
    expect(r.codes).not.toContain('pool-below-threads')
    expect(r.exit).toBe(0)
  })
})
