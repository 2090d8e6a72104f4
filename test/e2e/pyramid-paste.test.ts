/**
 * A Pyramid app served by `gunicorn --paste INI` (test/fixtures/pyramid-paste, pyramid-paste-image; the shape of
 * hypothesis/lms, checkmate and via). gunicorn loads the app the PasteDeploy ini builds (gunicorn/app/pasterapp.py →
 * paste.deploy loadapp): `[app:main] use = call:tipjar.app:create_app`, or a `[pipeline:api]` whose last word is
 * `[app:tipjar] use = egg:tipjar` (the package's `main`). The app makes its engine in `tipjar/db.py`'s `includeme`,
 * which only `config.include("tipjar.db")` / `config.include(".db")` reaches (Pyramid imports the module by name and
 * calls includeme: pyramid/config/__init__.py Configurator.include). Engine: pool_size 3 + max_overflow 2 = 5.
 * - web: gunicorn --paste conf/production.ini --workers 2: 2 × min(5, 1) = 2.
 * - api: newrelic-admin run-program gunicorn --paste conf/api.ini#api --workers 2: 2 × (1 + New Relic's explain 1) = 4.
 * - worker: newrelic-admin run-program celery -A tipjar.tasks:app worker -c 3 (tasks.py builds the app): 3 × (1 + 1) = 6.
 * Total 12 (before: no pool was found, 2 + 2 + 3 = 7, nothing said). The image fixture installs psycopg2 from
 * requirements/requirements.txt (its Dockerfile's `pip install -r`): New Relic's explain connection counts there too,
 * 2 × (1 + 1) = 4 (before: 2).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('gunicorn --paste with a Pyramid app (test/fixtures/pyramid-paste)', () => {
  const r = planJson(`${fixture('pyramid-paste')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'api=1', 'worker=1'])

  it('finds the engine the ini\'s app factory includes, and counts it for web (2), api (4) and the Celery worker (6) = 12', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2, connectionsPerProcess: 1, poolPerProcess: 5, processesPerDyno: 2})
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 4, connectionsPerProcess: 2, poolPerProcess: 5, processesPerDyno: 2})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 6, connectionsPerProcess: 2, poolPerProcess: 5, processesPerDyno: 3})
    expect(r.total).toBe(12)
    for (const t of ['web', 'api', 'worker']) expect(JSON.stringify(r.type(t).sources)).toContain('"pool.engine tipjar/db.py:7":{"source":{"file":"tipjar/db.py","kind":"file","line":7}')
    expect(r.diagnostics).toEqual([])
  })

  it('counts New Relic\'s explain connection where requirements.txt\'s -r file installs psycopg2', () => {
    expect(JSON.stringify(r.type('api').extras)).toContain('`newrelic-admin run-program` starts the agent in each process, and requirements/deploy.txt installs a driver it explains through')
    expect(r.type('web').extras).toEqual([])
  })
})

describe('gunicorn --paste under supervisord in an image (test/fixtures/pyramid-paste-image)', () => {
  const r = planJson(`${fixture('pyramid-paste-image')}/Dockerfile`, ['--plan', 'standard-0', '--scale', 'web=1'])

  it('reads the pool, and New Relic\'s driver from the file the Dockerfile\'s pip install reads: 2 × (1 + 1) = 4', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, connectionsPerProcess: 2, poolPerProcess: 5, processesPerDyno: 2})
    expect(JSON.stringify(r.type('web').extras)).toContain('requirements/requirements.txt installs a driver it explains through')
    expect(r.total).toBe(4)
  })
})
