/**
 * More real open-source Python apps, modelled under test/fixtures/real-python/<app>/
 * on their upstream files (each names the upstream path it follows). Every
 * number asserted here was checked by reading the Python and the uWSGI ini.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...args: string[]) => planJson(procfileOf(`real-python/${app}`), args)

describe('real Python apps (2)', () => {
  it('heroku/python-getting-started: Postgres only `if "DYNO" in os.environ`, which Heroku sets in every dyno; gthread 2 × 5 on 2 dynos fills essential-0', () => {
    const r = plan('python-getting-started', '--plan', 'essential-0', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 5, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 5})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'gettingstarted/settings.py', kind: 'file', line: 11})
    expect(r.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=600 s')}))
    expect(r).toMatchObject({limit: 20, status: 'warning', total: 20})
    expect(r.codes).toEqual(['near-limit'])
  })

  it('Zulip: uWSGI ini with env = for the settings module, a placeholder over $(UWSGI_PROCESSES:-6), an absolute chdir, an if-env block and CONN_MAX_AGE=600', () => {
    const r = plan('zulip', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 1, processesPerDyno: 6, server: 'uwsgi', threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'puppet/zulip/files/uwsgi.ini', kind: 'file', line: 25})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({file: 'puppet/zulip/files/uwsgi.ini', kind: 'file', line: 24})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'zproject/computed_settings.py', kind: 'file', line: 13})
    expect(r.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=600 s')}))
    expect(r.codes).toEqual([])
    // UWSGI_PROCESSES is read twice over: as the ini's $(...) and as uWSGI's own env option.
    expect(plan('zulip', '--scale', 'web=1', '--env', 'UWSGI_PROCESSES=3').type('web').connections).toBe(3)
  })

  it("paperless-ngx: gunicorn.conf.py naming the app's own UvicornWorker subclass, DATABASES from a function with .copy(), CELERY_WORKER_CONCURRENCY: Final[int] from a helper", () => {
    const r = plan('paperless-ngx', '--scale', 'web=1', 'worker=1', 'beat=1', '--env', 'PAPERLESS_DBHOST=db.internal')
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 1})
    // Django over ASGI (issue 12): a connection per concurrent request with nothing capping them, so an assumption and unbounded-pool.
    expect(r.type('web').sources.threadsPerProcess.source).toEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('Django over ASGI (gunicorn) opens a connection per concurrent request')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'web'}))
    expect(r.type('worker')).toMatchObject({connections: 1, processesPerDyno: 1, server: 'celery'})
    expect(r.type('worker').sources.processesPerDyno.source).toEqual({file: 'src/paperless/settings.py', kind: 'file', line: 100})
    // beat names no scheduler: Celery's PersistentScheduler keeps the schedule in a shelve file and beat only publishes
    // to the broker (celery/beat.py), so it holds no database connection.
    expect(r.type('beat').connections).toBe(0)
    // The "sqlite" alias is a copy of the SQLite default taken before it was replaced: not counted anywhere.
    expect(r.type('web').sources['pool.sqlite']).toBeUndefined()
    expect(r.total).toBe(3)
    const more = plan('paperless-ngx', '--scale', 'web=1', 'worker=1', 'beat=0', '--env', 'PAPERLESS_DBHOST=db.internal', '--env', 'PAPERLESS_TASK_WORKERS=3', '--env', 'PAPERLESS_WEBSERVER_WORKERS=4')
    expect([more.type('web').connections, more.type('worker').connections]).toEqual([4, 3])
    // Without PAPERLESS_DBHOST the app runs on SQLite: said, not silently counted.
    const sqlite = plan('paperless-ngx', '--scale', 'web=1', 'worker=0', 'beat=0')
    expect(sqlite.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('has no PostgreSQL')}))
  })
})
