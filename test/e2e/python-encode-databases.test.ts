/**
 * encode/databases on PostgreSQL (test/fixtures/fastapi-encode-databases): `Database(url, **options)` is
 * PostgresBackend, whose connect() makes `asyncpg.create_pool(url, **kwargs)` with min_size/max_size from the URL's
 * query and the options over them (databases/backends/postgres.py _get_connection_kwargs), else asyncpg's
 * min_size 10 / max_size 10 (asyncpg/pool.py), min_size opened at start. An engine the module uses for nothing but
 * `metadata.create_all(engine)` at import keeps the one connection that DDL checked out (QueuePool keeps a
 * returned connection), not its pool of 5 + 10.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('fastapi-encode-databases'), ['--plan', 'standard-0', '--scale', 'web=1', 'reports=1'])

describe('encode/databases and a create_all-only engine', () => {
  const r = plan()

  it('web: 2 UvicornWorker processes × (databases pool 10, opened at connect + the create_all engine 1) = 22 (was 2 × 15 = 30)', () => {
    const web = r.type('web')
    expect(web).toMatchObject({connectionsPerDyno: 22, connectionsPerProcess: 11, processesPerDyno: 2, poolPerProcess: 11})
    expect((web.sources['pool.engine main.py:18'] as {source: unknown}).source).toEqual({file: 'main.py', kind: 'file', line: 18})
    expect(Object.keys(web.sources)).toContain('pool.databases (asyncpg) main.py:9')
  })

  it('reports: min_size 2 from the URL, max_size=6 given over the URL\'s 4: an event loop fills 6 per process', () => {
    expect(r.type('reports')).toMatchObject({connectionsPerProcess: 6, poolPerProcess: 6})
    // 2 processes (uvicorn's --workers default is $WEB_CONCURRENCY, 2 assumed for an unknown dyno) × 6 = 12; total 22 + 12.
    expect(r.type('reports').connectionsPerDyno).toBe(12)
    expect(r.total).toBe(34)
  })
})
