/**
 * Django 5.1+'s native pool (OPTIONS "pool", psycopg_pool) added to a dj-database-url alias after the fact, as
 * fecgov/fec-cms does (test/fixtures/django-pool-setdefault): `DATABASES["default"].setdefault("OPTIONS", {})`
 * then `DATABASES["default"]["OPTIONS"].update({"pool": {...}})`, or `….setdefault("OPTIONS", {})["pool"] = {...}`.
 * dict.setdefault returns the value stored under the key (the default, stored first when the key is missing:
 * https://docs.python.org/3/library/stdtypes.html#dict.setdefault), so both write into DATABASES. Was: the pool was
 * lost, one connection per thread counted with no word. psycopg_pool: max_size caps the pool, min_size 4 by default
 * (psycopg_pool/base.py), each gunicorn process holds its own.
 *
 * - base: 3 workers × 8 threads, pool max_size 5 → 3 × min(5, 8) = 15 (was 3 × 8 = 24).
 * - nested: setdefault(...)["pool"] = {min_size 2, max_size 6}; a second setdefault with another default finds OPTIONS
 *   there and changes nothing → 3 × min(6, 8) = 18.
 * - cfenv: `cfenv.AppEnv().get_credential("X", default)` is a bound Cloud Foundry service's credential X, else
 *   os.getenv("X", default) (py-cfenv cfenv/__init__.py); no VCAP_SERVICES on Heroku. gunicorn.conf.py workers
 *   get_credential("GUNICORN_WORKERS", 4), gevent (1000 greenlets each); pool max_size get_credential("DB_POOL_MAX_SIZE", 25)
 *   → 4 × min(25, 1000) = 100 (was 2* × 1000 = 2000, the workers unread, the pool lost); with the env vars set to 2 and
 *   10 → 2 × 10 = 20.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, more: string[] = []) => planJson(procfileOf(`django-pool-setdefault/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...more])

describe('Django OPTIONS "pool" set through setdefault / update', () => {
  it('setdefault("OPTIONS", {}) then ["OPTIONS"].update({"pool": …}): pool 5, 3 × 5 = 15', () => {
    const r = plan('base')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 15, connectionsPerProcess: 5, poolPerProcess: 5, processesPerDyno: 3, threadsPerProcess: 8})
    expect(r.type('web').sources['pool.default'].source).toMatchObject({file: 'proj/settings.py', kind: 'file', line: 16})
    expect(r.codes).toContain('pool-below-threads')
    expect(r.diagnostics.find((d) => d.code === 'pool-below-threads')?.message).toContain('psycopg_pool.PoolTimeout')
  })

  it('setdefault("OPTIONS", {})["pool"] = …; a second setdefault keeps it: pool 6, 3 × 6 = 18', () => {
    const r = plan('nested')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 18, connectionsPerProcess: 6, poolPerProcess: 6})
  })

  it('cfenv get_credential reads the env var, else its default: 4 gevent workers × pool 25 = 100; 2 × 10 = 20 with the vars set', () => {
    const r = plan('cfenv')
    expect(r.total).toBe(100)
    expect(r.type('web')).toMatchObject({connectionsPerProcess: 25, poolPerProcess: 25, processesPerDyno: 4, threadsPerProcess: 1000})
    expect(r.type('web').sources.processesPerDyno).toMatchObject({source: {file: 'gunicorn.conf.py', kind: 'file', line: 5}})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
    expect(r.codes).not.toContain('unknown-config-value')
    const set = plan('cfenv', ['--env', 'GUNICORN_WORKERS=2', '--env', 'DB_POOL_MAX_SIZE=10'])
    expect(set.type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10, processesPerDyno: 2})
  })
})
