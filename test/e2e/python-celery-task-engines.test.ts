/**
 * Engines only Celery task bodies use (test/fixtures/python-celery-task-engines). The web process imports the
 * tasks package (app.py: `from tasks import reports`, to call `.delay()`), whose __init__ imports every task
 * module, so it builds every engine at import; SQLAlchemy connects an engine on first use only.
 * - tasks/reports.py:9 report_engine (2 + 1): read only through ReportSession inside @celery_app.task
 *   build_report (and the helper _count it calls): the worker's, not the web's.
 * - tasks/audit.py:6 audit_engine (3 + 0): used by @shared_task purge_old and by record(), which the web calls:
 *   counted for both.
 * - db.py:6 engine (4 + 0): the web's own.
 * web `gunicorn app:app --workers 2 --threads 4`: 2 × (min(4, 4) + min(3, 4)) = 2 × 7 = 14
 *   (before: + min(3, 4) for report_engine = 2 × 10 = 20).
 * worker `celery -A tasks worker --concurrency 2` (prefork, 1 thread): it runs the tasks, so both task
 *   engines count: 2 × (min(3, 1) + min(3, 1)) = 4 (db.py is not imported by the tasks package).
 * Total 14 + 4 = 18.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('python-celery-task-engines'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])

describe('an engine only Celery task bodies use', () => {
  it('is not counted for the web process that imports it to call .delay(), and says why', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 14, poolPerProcess: 7, processesPerDyno: 2})
    expect(r.type('web').databases).toEqual(['engine db.py:6', 'engine tasks/audit.py:6'])
    expect(JSON.stringify(r.type('web').sources)).toContain('not counted here: the engine at tasks/reports.py:9 (build_report()) is used only inside Celery tasks')
  })

  it('is counted for the Celery worker, which runs the task bodies; total 18', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 2, server: 'celery'})
    expect(r.type('worker').databases).toEqual(['engine tasks/audit.py:6', 'engine tasks/reports.py:9'])
    expect(r.total).toBe(18)
  })
})
