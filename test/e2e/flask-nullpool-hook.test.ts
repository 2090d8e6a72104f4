/**
 * A Flask-SQLAlchemy subclass that sets create_engine's pool class in its driver hook (test/fixtures/flask-nullpool-hook,
 * the "NullPoolSQLAlchemy" recipe: `options["poolclass"] = NullPool` in apply_driver_hacks). Flask-SQLAlchemy 2.5.1's
 * _EngineConnector.get_engine calls apply_driver_hacks(app, sa_url, options) and then create_engine(sa_url, **options)
 * (flask_sqlalchemy/__init__.py), so the engine has no pool: NullPool opens a connection per checkout and caps nothing.
 * Before, the hook was not read and QueuePool's 5 + 10 = 15 was counted per process, unstarred.
 * web: gunicorn --worker-class gevent --workers 2, worker_connections default 1000 greenlets, each with its own
 * session: 2 × 1000 = 2000. worker: `python jobs.py`, one thread: 1. Total 2001.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Flask-SQLAlchemy subclass setting poolclass in apply_driver_hacks', () => {
  it('NullPool: one connection per greenlet, 2 × 1000 for web, 1 for the script; not QueuePool 5 + 10', () => {
    const r = planJson(procfileOf('flask-nullpool-hook'), ['--scale', 'web=1', 'worker=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2000, poolPerProcess: 1000, processesPerDyno: 2, threadsPerProcess: 1000})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 1})
    expect(r.total).toBe(2001)
    const pool = r.type('web').sources['pool.flask-sqlalchemy']
    // Where the pool class is set: db.py:13, `options["poolclass"] = NullPool`.
    expect(pool.source).toEqual({file: 'db.py', kind: 'file', line: 13})
    expect(pool.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('NullPool: no pool')}))
    expect(r.codes).toContain('greenlet-concurrency')
  })

  it('set only under `if os.environ.get("DISABLE_POOL")`: decided by the env, QueuePool 5 + 10 without it, NullPool with it', () => {
    // flask-nullpool-hook-if/db.py:13-14. No DISABLE_POOL: web 2 × min(15, 1000) = 30, worker 1 → 31.
    const off = planJson(procfileOf('flask-nullpool-hook-if'), ['--scale', 'web=1', 'worker=1'])
    expect(off.type('web')).toMatchObject({connectionsPerDyno: 30, poolPerProcess: 15})
    expect(off.total).toBe(31)
    // DISABLE_POOL=1: NullPool, 2 × 1000 + 1 = 2001.
    const on = planJson(procfileOf('flask-nullpool-hook-if'), ['--scale', 'web=1', 'worker=1', '--env', 'DISABLE_POOL=1'])
    expect(on.type('web')).toMatchObject({connectionsPerDyno: 2000, poolPerProcess: 1000})
    expect(on.total).toBe(2001)
  })
})
