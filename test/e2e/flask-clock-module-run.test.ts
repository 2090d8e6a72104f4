/**
 * A Flask app's APScheduler clock (test/fixtures/flask-clock-module-run, the shape of pass-culture/pass-culture-api's
 * clock.py): `python clock.py` imports flask and its jobs call `sync.run(…)` / `cleanup.run()`, functions of the app's
 * own modules (app/jobs/*.py), not a Flask app's run(). It is read as the script it is: one process, APScheduler's
 * default executor (10 threads) running its 2 jobs, each at most once at a time (max_instances 1): they are added in
 * main(), the function that starts the scheduler, outside an `if` or a loop, so both are added whenever it starts.
 * Each holds a connection from the Flask-SQLAlchemy engine's pool 4 + 2 = 6 → 1 × min(6, 2) = 2. Was: "calls .run(…)
 * but no Flask app's run()", unknown, 1* (and, jobs added in a function not counted, the executor's 10).
 *
 * worker: update.py runs `update.run(…)` on what the app's registry returns (app/jobs/registry.py): a script too.
 *
 * requirements.txt names no driver but pgcli, whose install_requires bring psycopg (pgcli 4; psycopg2 before): the
 * app can reach PostgreSQL. Was: not-postgresql, every process 0. web: gunicorn --workers 2, sync → 2 × 1 = 2.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe("a script's .run() calls that are the app's own module functions", () => {
  it('clock: APScheduler script with 2 jobs, 1 × min(6, 2) = 2; web 2 × 1 = 2; pgcli brings the driver', () => {
    const r = planJson(procfileOf('flask-clock-module-run'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'clock=1:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 6, processesPerDyno: 1, server: 'python-script', threadsPerProcess: 2})
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, threadsPerProcess: 1})
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('not-postgresql')
  })

  it("worker: `update = update_registry.get(name)` … `update.run(…)`, an object the app's own module returns: a script, 1 x 1 = 1", () => {
    // ourresearch/paperbuzz-api's update.py. Was: "calls .run(…) but no Flask app's run()", unknown, 1*.
    const r = planJson(procfileOf('flask-clock-module-run'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'clock=1:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 6, processesPerDyno: 1, server: 'python-script', threadsPerProcess: 1})
    expect(JSON.stringify(r.type('worker').sources)).not.toContain('"kind":"assumed"')
  })
})
