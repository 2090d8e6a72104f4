/**
 * `flask rq worker` (Flask-RQ2, Flask-RQ): rq's own worker command run in the Flask app's context — one process
 * that forks a work horse per job, one job and so one connection at a time (https://python-rq.org/docs/workers/).
 * test/fixtures/flask-rq-worker: board/__init__.py `SQLAlchemy(engine_options={"pool_size": 3, "max_overflow": 2})`
 * → pool 3 + 2 = 5.
 * - web `gunicorn "board:create_app()" --workers 2`, sync → 2 × min(5, 1) = 2.
 * - worker `flask --app board rq worker high default` → 1 × min(5, 1) = 1 (before: an unknown command, 1* × 1*).
 * Total 3; ceiling 2 × 5 + 1 × 5 = 15.
 * - scheduler `flask --app board rq scheduler --interval 30` (Flask-RQ2 cli.py `def scheduler`: rq.get_scheduler(...).run(),
 *   rq-scheduler moving due jobs onto their Redis queues) → 0 (before: an unknown command, 1*): total still 3.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('flask-rq-worker')

describe('flask rq worker is an RQ worker of the Flask app flask loads', () => {
  it('one process × one job at a time over the app’s engine (pool 5): 1; total 3, no unknown command', () => {
    const r = planJson(procfileOf('flask-rq-worker'), ['--limit', '20', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 5, processesPerDyno: 1, server: 'rq', threadsPerProcess: 1})
    expect(r.type('worker').sources['pool.flask-sqlalchemy'].source).toMatchObject({file: 'board/__init__.py', kind: 'file'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(3)
    expect(r.ceiling).toBe(15)
  })

  it('flask rq scheduler is rq-scheduler in the app context: 0, not an unknown command', () => {
    const procfile = 'web: gunicorn "board:create_app()" --workers 2\nworker: flask --app board rq worker high default\nscheduler: flask --app board rq scheduler --interval 30\n'
    const r = planJson(`${app({Procfile: procfile})}/Procfile`, ['--limit', '20', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', 'scheduler=1:standard-1x'])
    expect(r.type('scheduler')).toMatchObject({connectionsPerDyno: 0, server: 'rq-scheduler'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(3)
  })
})
