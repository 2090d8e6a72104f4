/**
 * Quart-DB (test/fixtures/quart-db-pools): `QuartDB(app, url=…, backend_options={…})` makes its pool in before_serving,
 * from the URL's scheme (quart_db/extension.py _create_backend): postgresql:// is backends/asyncpg.py,
 * `asyncpg.create_pool(dsn=url, init=…, **options)` (asyncpg's min_size 10 / max_size 10); postgresql+psycopg:// is
 * backends/psycopg.py, psycopg_pool's `AsyncConnectionPool(url, kwargs=…, **options)` (min_size 4, max_size = min_size).
 * On Hypercorn's event loop every pooled connection can be in use at once. Before, no pool was known and each process
 * was assumed to run one query at a time (1*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('quart-db-pools'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'small=1:standard-1x', 'psy=1:standard-1x', 'psy4=1:standard-1x'])

describe('Quart-DB pools', () => {
  const r = plan()

  it('web: QuartDB(app) with the URL from the app config is the asyncpg backend: max_size 10, not assumed', () => {
    expect(r.type('web')).toMatchObject({connectionsPerProcess: 10, poolPerProcess: 10, processesPerDyno: 1})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"kind":"assumed"')
    expect(r.type('web').sources['pool.Quart-DB (asyncpg) app.py:7']).toMatchObject({value: 10})
  })

  it('backend_options set the pool: max_size 3 (asyncpg), 6 (psycopg), and psycopg_pool max = min_size 4 when none is given', () => {
    expect(r.type('small')).toMatchObject({connectionsPerProcess: 3, poolPerProcess: 3})
    expect(r.type('psy')).toMatchObject({connectionsPerProcess: 6, poolPerProcess: 6})
    expect(r.type('psy4')).toMatchObject({connectionsPerProcess: 4, poolPerProcess: 4})
    expect(r.total).toBe(23)
  })
})
