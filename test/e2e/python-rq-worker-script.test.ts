/**
 * A script that runs an RQ worker itself (test/fixtures/python-rq-worker-script): `worker = Worker(...)`,
 * `worker.work()` (realpython/flask-by-example's worker.py) and `SimpleWorker(...).work()`. The script imports no
 * database library, but the jobs it performs are the app's functions, imported by the work horse when each job runs
 * (rq/job.py Job.func), so it is an RQ worker: one job at a time, 1 connection from the app's engine (pool 3). It was
 * counted 0 ("this process opens no PostgreSQL connection"), with nothing said.
 * web: gunicorn 2 workers × min(3, 1 thread) = 2. Total 2 + 1 + 1 = 4.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('a script that runs an RQ worker (test/fixtures/python-rq-worker-script)', () => {
  const r = planJson(`${fixture('python-rq-worker-script')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'simple=1'])

  it('is an RQ worker holding one connection of the app\'s engine, said with the line that runs it', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'rq', threadsPerProcess: 1})
    const why = (r.type('worker').sources.threadsPerProcess?.via ?? []).map((v: {what?: string}) => v.what ?? '').join(' ')
    expect(why).toContain('worker.py:12 runs an RQ worker (rq.Worker(…).work): it performs one job at a time (in a forked work horse)')
    expect(r.type('simple')).toMatchObject({connectionsPerDyno: 1, server: 'rq', threadsPerProcess: 1})
  })

  it('totals web 2 + worker 1 + simple 1', () => {
    expect(r.type('web').connectionsPerDyno).toBe(2)
    expect(r.total).toBe(4)
  })
})
