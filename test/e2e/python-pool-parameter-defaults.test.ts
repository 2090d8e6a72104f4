/**
 * A pool whose size is a parameter of the app's helper with a default, called without it (fixture
 * python-pool-parameter-defaults): `def fan_out(fn, items, workers=6): ThreadPoolExecutor(workers)` called as
 * `fan_out(handle, range(100))`, and `def make_pool(dsn, minconn=1, maxconn=4): ThreadedConnectionPool(minconn,
 * maxconn, dsn)` called as `make_pool(os.environ["DATABASE_URL"])`. Python binds the default (the def's line).
 * Hand count: fanout `python jobs/fanout.py`: the main thread + 6 executor threads, each querying through the
 * psycopg2 pool of maxconn 4 (getconn past maxconn raises PoolError): min(7, 4) = 4. web `gunicorn app:app
 * --workers 2 --threads 8`: 2 × min(8, 4) = 8. Total 12.
 */
import {describe, expect, it} from 'vitest'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('python-pool-parameter-defaults')

const scale = ['--limit', '100', '--scale', 'fanout=1:standard-1x', 'web=1:standard-1x']

describe('pool sizes from a parameter default', () => {
  it('the executor of fan_out(…, workers=6) called without workers: 1 + 6 threads, the psycopg2 pool of make_pool(maxconn=4) caps them at 4', () => {
    const r = planJson(procfileOf('python-pool-parameter-defaults'), scale)
    expect(r.type('fanout')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 4, threadsPerProcess: 7})
    expect(r.type('fanout').sources.threadsPerProcess.source).toEqual({file: 'jobs/fanout.py', kind: 'file', line: 7})
    expect(JSON.stringify(r.type('fanout').sources.threadsPerProcess)).not.toContain('"assumed"')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 4})
    expect(r.total).toBe(12)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('a caller that passes workers=2: that value, 1 + 2 threads', () => {
    const text = readFileSync(join(fixture('python-pool-parameter-defaults'), 'jobs/fanout.py'), 'utf8')
    const r = planJson(join(app({'jobs/fanout.py': text.replace('fan_out(handle, range(100))', 'fan_out(handle, range(100), workers=2)')}), 'Procfile'), scale)
    expect(r.type('fanout')).toMatchObject({connectionsPerDyno: 3, threadsPerProcess: 3})
  })
})
