/**
 * A connection opened while a process imports the app, and kept (test/fixtures/flask-celery-import-connection):
 * SQLAlchemy's create_all checks a connection out of the engine's pool and returns it, and QueuePool keeps a
 * returned connection open (https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool).
 * tasks.py:5 calls the Flask factory at import; factory.py:20 runs db.create_all() after an `if not ok: raise`
 * on a value conncalc cannot read (settings_check is not in the app). The celery main process imports the app
 * before it forks its prefork children (celery/worker/worker.py WorkController → loader.init_worker), and celery
 * beat (file scheduler) runs no query of its own: each keeps that one connection.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const types = ['web', 'worker', 'beat', 'worker_threads', 'beat_plain', 'worker_direct']
const plan = () => planJson(procfileOf('flask-celery-import-connection'), ['--plan', 'standard-0', '--scale', ...types.map((t) => `${t}=1`)])

describe('a connection opened at import and kept', () => {
  const r = plan()

  it('prefork worker: 3 children × min(pool 4, 1 thread) + the main process 1 = 4, the extra sourced at the factory call', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 3})
    const held = r.type('worker').extras.find((e) => e.kind === 'import-connection')
    expect(held?.count).toBe(1)
    expect(held?.source.source).toEqual({file: 'tasks.py', kind: 'file', line: 5})
    expect(held?.source.via).toContainEqual({file: 'factory.py', kind: 'file', line: 20})
  })

  it('celery beat without a database scheduler: 0 before, now the 1 connection its import opened', () => {
    expect(r.type('beat')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect((r.type('beat').sources.threadsPerProcess as {source: unknown}).source).toEqual({file: 'tasks.py', kind: 'file', line: 5})
    // beat of a module that only imports `db` (no create_all at import): still 0.
    expect(r.type('beat_plain').connectionsPerDyno).toBe(0)
  })

  it('a threads pool runs the tasks in the process that imported the app: min(pool 4, 4 threads) = 4, nothing more', () => {
    expect(r.type('worker_threads').connectionsPerDyno).toBe(4)
    expect(r.type('worker_threads').extras.find((e) => e.kind === 'import-connection')).toBeUndefined()
  })

  it('metadata.create_all(engine) as a module statement (jobs.py:9): 2 children × 1 + 1 = 3; total 3 + 4 + 1 + 4 + 0 + 3 = 15', () => {
    expect(r.type('worker_direct').connectionsPerDyno).toBe(3)
    expect(r.type('worker_direct').extras.find((e) => e.kind === 'import-connection')?.source.source).toEqual({file: 'jobs.py', kind: 'file', line: 9})
    expect(r.type('web').connectionsPerDyno).toBe(3)
    expect(r.total).toBe(15)
  })
})
