/**
 * Servers a Python script starts in its own code that are gunicorn or gevent (before: `python serve.py`
 * calling `.run(` in a Flask project was an unknown command counted 1 × 1, and `python green.py`
 * serving Django from gevent's WSGIServer was a python-script on one thread, 1 connection).
 *
 * test/fixtures/python-gunicorn-base-application (Flask; board/db.py create_engine(pool_size=5,
 * max_overflow=0) → pool 5):
 * - web `python serve.py`: StandaloneApplication(BaseApplication) whose load_config copies its options
 *   into gunicorn's cfg (docs.gunicorn.org custom.html); options workers=int(BOARD_WORKERS‖"3") = 3,
 *   threads 4, worker_class gthread → 3 × min(5, 4) = 12.
 * - api `python serve_green.py`: the same class imported, options worker_class gevent and
 *   worker_connections 50, no workers → $WEB_CONCURRENCY, which the Python buildpack sets to 2 on
 *   standard-1x (gunicorn/config.py Workers default) → 2 × min(5, 50) = 10. Total 22.
 *
 * test/fixtures/python-gevent-wsgiserver (Django; ledger/settings.py puts default on
 * django_db_geventpool with OPTIONS MAX_CONNS int(DB_MAX_CONNS‖"8") = 8: psycopg2_pool.py
 * PostgresConnectionPool caps each alias at MAX_CONNS per process, default 4):
 * - web `python green.py`: WSGIServer(addr, app) with spawn='default', a greenlet per connection with
 *   no limit (gevent/baseserver.py); the geventpool caps them: 1 × 8 = 8.
 * - capped `python capped.py`: spawn=Pool(5) → 5 greenlets, min(8, 5) = 5.
 * - plain: the same server over settings_plain (no pool: one connection per greenlet) → no bound,
 *   unbounded-pool, 1 counted as an assumption. Total 8 + 5 + 1 = 14.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('gunicorn started from code by a BaseApplication subclass', () => {
  const plan = () => planJson(procfileOf('python-gunicorn-base-application'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'api=1:standard-1x'])

  it('reads workers, threads and worker_class from the options its load_config applies', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 5, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'serve.py', kind: 'file', line: 27})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('StandaloneApplication subclasses gunicorn.app.base.BaseApplication')}))
    expect(r.codes).not.toContain('unknown-command')
  })

  it('an imported subclass with gevent workers and no workers option: WEB_CONCURRENCY workers of 50 greenlets, bounded by the pool; total 22', () => {
    const r = plan()
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 50})
    expect(r.type('api').sources.threadsPerProcess.source).toEqual({file: 'serve_green.py', kind: 'file', line: 13})
    expect(r.total).toBe(22)
  })
})

describe("gevent's WSGIServer started from code", () => {
  const plan = () => planJson(procfileOf('python-gevent-wsgiserver'), ['--plan', 'standard-0', '--scale', 'web=1', 'capped=1', 'plain=1'])

  it('a greenlet per connection bounded by django-db-geventpool MAX_CONNS', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 8, processesPerDyno: 1, server: 'gevent', threadsPerProcess: 8})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'ledger/settings.py', kind: 'file', line: 12})
  })

  it('spawn=Pool(5) caps the greenlets at 5', () => {
    const r = plan()
    expect(r.type('capped')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 1, server: 'gevent', threadsPerProcess: 5})
  })

  it('without a pool the greenlets have no bound: unbounded-pool, 1 assumed; total 14', () => {
    const r = plan()
    expect(r.type('plain')).toMatchObject({connectionsPerDyno: 1, server: 'gevent'})
    expect(r.type('plain').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('gevent starts a greenlet for every request with no limit')})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'plain', severity: 'warning'}))
    expect(r.diagnostics.filter((d) => d.processType !== 'plain')).toEqual([])
    expect(r.total).toBe(14)
  })
})
