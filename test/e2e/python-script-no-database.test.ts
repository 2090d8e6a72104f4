/**
 * A script that loads nothing able to reach a database holds no connection, whatever the app's other processes use.
 * The app (test/fixtures/python-script-no-database): Django (DATABASES from DATABASE_URL) with django-rq.
 * - ticker: `python ticker.py`, an APScheduler clock that only puts a job on an RQ queue in Redis; the job's module
 *   imports the models inside the function, which runs in the worker. No database library, URL or Django settings is
 *   loaded: 0 (it was counted with Django's pool, 1, because manage.py names the settings module).
 * - audit: `python audit_clock.py` calls django.setup() and runs the job itself on APScheduler's thread pool (1 job,
 *   max_instances 1): Django's one connection per thread, 1, as before.
 * - archive: APScheduler's SQLAlchemy job store on DATABASE_URL: a database library, so not counted 0 (as before).
 * web: gunicorn 2 workers × 1 = 2.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('a Python script that loads no database library (test/fixtures/python-script-no-database)', () => {
  const r = planJson(`${fixture('python-script-no-database')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'ticker=1', 'audit=1', 'archive=1'])

  it('ticker (enqueues to Redis only) holds 0, said with what it imports; web 2', () => {
    expect(r.type('ticker')).toMatchObject({connectionsPerDyno: 0, server: 'python-script', threadsPerProcess: 0})
    const why = (r.type('ticker').sources.threadsPerProcess?.via ?? []).map((v: {what?: string}) => v.what ?? '').join(' ')
    expect(why).toContain('ticker.py and the 2 app modules it imports at load import no database library or ORM')
    expect(why).toContain('the installed packages it imports (apscheduler, redis, rq) are not read')
    expect(r.type('web').connectionsPerDyno).toBe(2)
  })

  it('a script that sets up Django (audit: 1) or uses a SQLAlchemy job store (archive) is still counted', () => {
    expect(r.type('audit')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('archive').connectionsPerDyno).toBeGreaterThan(0)
  })
})
