/**
 * A start script that dispatches on its argument (test/fixtures/python-run-dispatch: `bin/run web`,
 * `case $1 in web) … ;; worker) …`, after `[ $# -lt 1 ] && usage`): `case $1` and `$#` read the
 * arguments the Procfile line gives the script (before, `$1` was unknown there: every type fell to
 * `*) exec "$@"` and was the unknown command "web"). And `celery events`: one process, which holds a
 * connection only with a camera writing snapshots (docs.celeryq.dev monitoring.html#snapshots).
 * db.py: create_engine(pool_size=5, max_overflow=0) → pool 5.
 * - web `gunicorn app:app --workers 3` → 3 × min(5, 1) = 3
 * - worker `celery -A tasks worker --concurrency 2` → 2 prefork children × 1 = 2
 * - monitor `celery -A tasks events --camera tasks.Camera` → 1 × 1 = 1
 * - events `celery -A tasks events --dump` → 0. Total 6.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('bin/run web|worker|…: a start script dispatching on $1', () => {
  const plan = () => planJson(procfileOf('python-run-dispatch'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'monitor=1', 'events=1'])

  it('each type runs the branch its argument names', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, server: 'celery'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('celery events holds a connection only with a camera; total 6', () => {
    const r = plan()
    expect(r.type('monitor')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'celery-events', threadsPerProcess: 1})
    expect(r.type('monitor').sources.threadsPerProcess.source).toEqual({flag: '--camera tasks.Camera', kind: 'flag'})
    expect(r.type('events')).toMatchObject({connectionsPerDyno: 0, server: 'celery-events'})
    expect(r.total).toBe(6)
  })
})
