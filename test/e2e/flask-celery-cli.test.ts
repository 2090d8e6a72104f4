/**
 * `flask celery worker`: Celery's own click group (celery.bin.celery) added to the Flask CLI with
 * app.cli.add_command (test/fixtures/flask-celery-cli, tracker/__init__.py:17), so what follows
 * `celery` is Celery's command line (before: an unknown command, 1 × 1 assumed).
 * - web: gunicorn --workers 2, sync → 2 × min(pool 5, 1 thread) = 2 (tracker/db.py pool_size=4 +
 *   max_overflow=1 = 5).
 * - worker `FLASK_APP=tracker flask celery worker --concurrency 3`: prefork, 3 children of one task
 *   each → 3 × min(5, 1) = 3, the pools read from the Flask app FLASK_APP names.
 * - beat `flask celery beat`, the app named by .flaskenv's FLASK_APP (the Flask CLI loads it): the
 *   default PersistentScheduler keeps its schedule in a shelve file → 0. Total 2 + 3 + 0 = 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('flask celery …: Celery’s command line inside the Flask CLI', () => {
  const plan = () => planJson(procfileOf('flask-celery-cli'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'beat=1'])

  it('flask celery worker --concurrency 3 is a prefork Celery worker of 3 over the Flask app’s engine', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, poolPerProcess: 5, processesPerDyno: 3, server: 'celery', threadsPerProcess: 1})
    expect(r.type('worker').sources.processesPerDyno.via).toContainEqual({file: 'tracker/__init__.py', kind: 'file', line: 17})
  })

  it('flask celery beat of the app .flaskenv names is celery beat; total 5, no unknown command', () => {
    const r = plan()
    expect(r.type('beat')).toMatchObject({connectionsPerDyno: 0, server: 'celery-beat'})
    expect(r.type('beat').sources.processesPerDyno.via).toContainEqual({file: 'tracker/__init__.py', kind: 'file', line: 17})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(5)
  })
})
