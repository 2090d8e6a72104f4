/**
 * PGBOUNCER_MIN_POOL_SIZE (fixture pgbouncer-min-pool, app.json env: pool 10, min 5): heroku-buildpack-pgbouncer
 * writes it as min_pool_size (bin/gen-pgbouncer-conf.sh, default 0), and PgBouncer keeps that many server
 * connections open per pool, capped at the pool size, while a client is connected (its [databases] entries
 * force no user; https://www.pgbouncer.org/config.html#min_pool_size). Before, a dyno whose processes open
 * 1 client was counted as 1 server connection.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (extra: string[] = []) => planJson(procfileOf('pgbouncer-min-pool'), ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'worker=1', '--scale', 'reports=1', ...extra])

describe('PGBOUNCER_MIN_POOL_SIZE', () => {
  it('min(11, max(5, clients)): web 1 client → 5, worker 2 → 5, reports 12 → 11; total 21 (was 1 + 2 + 11 = 14)', () => {
    const r = plan()
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.type('worker').connectionsPerDyno).toBe(5)
    expect(r.type('reports').connectionsPerDyno).toBe(11)
    expect(r.total).toBe(21)
    expect(r.type('web').pgbouncer!.sources.minPoolSize).toMatchObject({value: 5})
  })

  it('above the pool size it is capped at it: min 20 with pool 10 keeps 10 open', () => {
    const r = plan(['--env', 'PGBOUNCER_MIN_POOL_SIZE=20'])
    expect(r.type('web').connectionsPerDyno).toBe(10)
    expect(r.type('reports').connectionsPerDyno).toBe(11)
  })

  it('0 (the buildpack default): as many as the clients ask for', () => {
    const r = plan(['--env', 'PGBOUNCER_MIN_POOL_SIZE=0'])
    expect(r.type('web').connectionsPerDyno).toBe(1)
    expect(r.type('worker').connectionsPerDyno).toBe(2)
    expect(r.total).toBe(14)
  })
})
