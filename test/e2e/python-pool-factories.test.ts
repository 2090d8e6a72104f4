/**
 * A helper the app calls at import from two places makes two pools (fixture python-driver-pool-factory:
 * `primary = make_pool(6)`, `audit = make_pool(2)`, each `ThreadedConnectionPool(1, n, url)`). Before,
 * one pool of the larger size was assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pool factories called at import from several places', () => {
  it('counts one psycopg2 pool per call: min(6, 20) + min(2, 20) = 8', () => {
    // psycopg2/pool.py: ThreadedConnectionPool(minconn, maxconn) grows to maxconn; gunicorn --threads 20 on 1 worker.
    const r = planJson(procfileOf('python-driver-pool-factory'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 8, processesPerDyno: 1, threadsPerProcess: 20})
    expect(r.type('web').sources['pool.psycopg2 pool app.py:9 (app.py:11)']).toMatchObject({source: {file: 'app.py', kind: 'file', line: 11}, value: 6})
    expect(r.type('web').sources['pool.psycopg2 pool app.py:9 (app.py:12)']).toMatchObject({source: {file: 'app.py', kind: 'file', line: 12}, value: 2})
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
