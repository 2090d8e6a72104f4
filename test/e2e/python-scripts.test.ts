/**
 * Plain Python scripts as process types (test/fixtures/python-scripts): one process; threads from
 * the script and the app modules it imports. db.py: create_engine(pool_size=5, max_overflow=0) → 5.
 * clock.py: APScheduler BlockingScheduler with its default executor, a thread pool of 10
 * (apscheduler/executors/pool.py ThreadPoolExecutor(max_workers=10)), 3 jobs (two
 * @sched.scheduled_job decorators, one add_job), each at most once at a time (max_instances 1):
 * min(10, 3) = 3 threads, min(pool 5, 3) = 3 connections. worker.py: a loop on the main thread: 1.
 * jobs/fanout.py: `with ThreadPoolExecutor(max_workers=4)`: threads conncalc does not count, said.
 * Before, every `python X.py` was an unknown command counted 1 × 1.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const plan = () => planJson(procfileOf('python-scripts'), ['--plan', 'standard-0', '--scale', 'clock=1', 'worker=1', 'fanout=1'])

describe('python <script>.py', () => {
  it('an APScheduler clock with 3 jobs: 3 threads, 3 connections from a pool of 5', () => {
    const r = plan()
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 3, poolPerProcess: 5, processesPerDyno: 1, server: 'python-script', threadsPerProcess: 3})
    expect(r.type('clock').sources.threadsPerProcess.source).toEqual({file: 'clock.py', kind: 'file', line: 6})
    expect(r.type('clock').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('3 jobs scheduled')}))
  })

  it('a worker loop (python -u worker.py): 1 thread, read from the script, not assumed', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, server: 'python-script', threadsPerProcess: 1})
    expect(r.type('worker').sources.threadsPerProcess.source).toEqual({file: 'worker.py', kind: 'file', line: 1})
    expect(r.diagnostics.filter((d) => d.processType === 'worker')).toEqual([])
  })

  it('a thread pool in a `with` statement: max_workers=4 pool threads + the main thread = 5, under pool_size 5; total 3 + 1 + 5 = 9', () => {
    const r = plan()
    expect(r.type('fanout')).toMatchObject({connectionsPerDyno: 5, poolPerProcess: 5, threadsPerProcess: 5})
    expect(r.type('fanout').sources.threadsPerProcess.source).toEqual({file: 'jobs/fanout.py', kind: 'file', line: 13})
    expect(r.diagnostics.filter((d) => d.processType === 'fanout')).toEqual([])
    expect(r.total).toBe(9)
  })

  it('a thread pool made only in an arm of an if conncalc cannot decide: counted, starred, and the if named', () => {
    const {app} = tempApps('python-scripts')
    const dir = app({
      Procfile: 'batch: python jobs/batch.py\n',
      'jobs/batch.py': 'import sys\nfrom concurrent.futures import ThreadPoolExecutor\n\nfrom db import engine\n\n\ndef one(n):\n    with engine.connect() as conn:\n        conn.execute("SELECT 1")\n\n\ndef main(ids):\n    if ids:\n        with ThreadPoolExecutor(max_workers=6) as pool:\n            list(pool.map(one, ids))\n    else:\n        one(0)\n\n\nmain(sys.argv[1:])\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'batch=1'])
    // The pool's 6 threads + the main thread = 7, counted as if the arm runs; db.py's pool_size 5 bounds them: min(5, 7) = 5.
    expect(r.type('batch')).toMatchObject({connectionsPerDyno: 5, threadsPerProcess: 7})
    expect(r.type('batch').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('jobs/batch.py:14: the pool is made only when `if ids` (jobs/batch.py:13) takes that arm')}))
  })

  it('multiprocessing ThreadPool: processes=3 → 3 pool threads + the main thread = 4, min(pool 5, 4) = 4 connections', () => {
    const {app} = tempApps('python-scripts')
    const dir = app({
      Procfile: 'sync: python jobs/sync.py\n',
      'jobs/sync.py': 'from multiprocessing.pool import ThreadPool\n\nfrom db import engine\n\n\ndef one(n):\n    with engine.connect() as conn:\n        conn.execute("SELECT 1")\n\n\npool = ThreadPool(processes=3)\npool.map(one, range(100))\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'sync=1'])
    expect(r.type('sync')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 5, threadsPerProcess: 4})
    expect(r.type('sync').sources.threadsPerProcess.source).toEqual({file: 'jobs/sync.py', kind: 'file', line: 11})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('multiprocessing.dummy.Pool() with no size: os.cpu_count() threads; performance-m 2 + main = 3, min(5, 3) = 3; standard-1x 8 + 1 = 9, min(5, 9) = 5, warned', () => {
    const {app} = tempApps('python-scripts')
    const dir = app({
      Procfile: 'sync: python jobs/sync.py\n',
      'jobs/sync.py': 'from multiprocessing.dummy import Pool as ThreadPool\n\nfrom db import engine\n\n\ndef one(n):\n    with engine.connect() as conn:\n        conn.execute("SELECT 1")\n\n\nThreadPool().map(one, range(100))\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'sync=1:performance-m'])
    // performance-m: nproc 2 (Heroku dynos doc). 2 + main = 3 threads; min(5, 3) = 3.
    expect(r.type('sync')).toMatchObject({connectionsPerDyno: 3, threadsPerProcess: 3})
    expect(r.type('sync').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('multiprocessing.dummy.Pool without processes: os.cpu_count() or 1 = 2 threads')}))
    expect(r.codes).not.toContain('cpu-count-default')
    // A standard-1x dyno reports its host's 8 CPUs: 8 threads + main = 9, the pool's 5 bound them; the CPU count is warned.
    const s = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'sync=1:standard-1x'])
    expect(s.type('sync')).toMatchObject({connectionsPerDyno: 5, threadsPerProcess: 9})
    expect(s.diagnostics.find((d) => d.code === 'cpu-count-default')?.message).toContain('jobs/sync.py:11 has no processes')
  })
})
