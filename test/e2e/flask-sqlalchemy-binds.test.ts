/**
 * Flask-SQLAlchemy's SQLALCHEMY_BINDS: one more engine, with a pool of its own, per bind key (test/fixtures/
 * flask-sqlalchemy-binds, 3.1.1; flask-sqlalchemy-binds-2x, 2.5.1; the shape of department-of-veterans-affairs/
 * notification-api's `SQLALCHEMY_BINDS = {"read-db": …}` and pybossa's `slave` bind). A request's session holds a
 * connection of each engine it used, so each bind counts like another database alias.
 *
 * 3.x (extension.py init_app: a bind's options are `self._engine_options.copy()` updated by the bind's own dict; the app's
 * SQLALCHEMY_ENGINE_OPTIONS go to the default bind only): gunicorn 3 workers × 4 threads;
 *   default: SQLALCHEMY_ENGINE_OPTIONS pool_size 2 + max_overflow 0 = 2 → min(2, 4) = 2
 *   reports (a URL): SQLAlchemy's QueuePool defaults 5 + 10 = 15 → min(15, 4) = 4
 *   audit ({"url": …, "pool_size": 1, "max_overflow": 1}) = 2 → 2
 *   replica (REPLICA_DATABASE_URL, no value here): another server, not in the plan's total, said
 *   cache (sqlite): no PostgreSQL connection
 * 2 + 4 + 2 = 8 per process, × 3 = 24. Before: the binds were not read, 3 × 2 = 6, nothing said.
 *
 * 2.x (_EngineConnector.get_options: every bind gets the app's SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW): pool 3
 * for the default and for reports: (3 + 3) per process × 2 workers = 12. Before: 6.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (name: string, ...args: string[]) => planJson(procfileOf(name), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])

describe('Flask-SQLAlchemy binds', () => {
  it('3.x: each bind is a pool of its own, without SQLALCHEMY_ENGINE_OPTIONS: (2 + 4 + 2) × 3 = 24', () => {
    const r = plan('flask-sqlalchemy-binds')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 24, connectionsPerProcess: 8, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.type('web').databases).toEqual(['flask-sqlalchemy', 'flask-sqlalchemy bind reports', 'flask-sqlalchemy bind audit'])
    expect(r.total).toBe(24)
  })

  it('3.x: the bind on REPLICA_DATABASE_URL, which has no value here, is said and not counted', () => {
    const r = plan('flask-sqlalchemy-binds')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'other-server-pools', message: expect.stringContaining('flask-sqlalchemy bind replica (pool 15; web)')}))
  })

  it('2.x: every bind gets the app pool settings: (3 + 3) × 2 = 12', () => {
    const r = plan('flask-sqlalchemy-binds-2x')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, connectionsPerProcess: 6, processesPerDyno: 2})
    expect(r.type('web').databases).toEqual(['flask-sqlalchemy', 'flask-sqlalchemy bind reports'])
  })
})
