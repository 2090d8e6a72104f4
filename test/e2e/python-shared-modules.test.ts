/**
 * Process types that import the same modules share their evaluation (languages/python/shared-eval.ts), and still
 * each count what its own process would run (fixture python-shared-modules; gunicorn --workers 1 --threads 20, and
 * psycopg2's ThreadedConnectionPool(1, n) opens up to n: psycopg2/pool.py):
 * - web.py sets conf.POOL["size"] = 4 in place before make_pool(POOL["size"]): web 4. The worker imports conf
 *   too, in a process of its own where that assignment never runs: its audit pool is conf's 2, not 4.
 * - worker.py calls make_pool from two lines at import: two pools, 2 (audit_size() returns conf's size) + WORKER_POOL's
 *   default 2 = 4. Its callers are the worker's alone: web.py's call of the same make_pool is no third pool there.
 * - clock runs worker.py with WORKER_POOL=7: settings.py reads 7, so worker.py, whose own lines read no variable,
 *   evaluates differently from its import of settings on (after it called its own audit_size()): 2 + 7 = 9.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('modules shared by several process types', () => {
  it('counts each type as its own process runs it: web 4, worker 2 + 2, clock 2 + 7', () => {
    const r = planJson(procfileOf('python-shared-modules'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'clock=1'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4, processesPerDyno: 1, threadsPerProcess: 20})
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('clock')).toMatchObject({connections: 9, poolPerProcess: 9})
    const worker = r.type('worker').sources
    expect(worker['pool.psycopg2 pool db.py:6 (worker.py:13)']).toMatchObject({source: {file: 'worker.py', kind: 'file', line: 13}, value: 2})
    expect(worker['pool.psycopg2 pool db.py:6 (worker.py:17)']).toMatchObject({source: {file: 'settings.py', kind: 'file', line: 3}, value: 2})
    expect(Object.keys(worker).filter((k) => k.startsWith('pool.'))).toHaveLength(2)
    expect(r.type('clock').sources['pool.psycopg2 pool db.py:6 (worker.py:13)']).toMatchObject({value: 2})
    expect(r.type('clock').sources['pool.psycopg2 pool db.py:6 (worker.py:17)']).toMatchObject({value: 7, via: expect.arrayContaining([{from: 'Procfile:3', kind: 'env', name: 'WORKER_POOL'}])})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.psycopg2 pool db.py:6'])
  })
})
