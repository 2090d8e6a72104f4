/**
 * Django settings split with django-split-settings (test/fixtures/django-split-settings):
 * config/settings/__init__.py builds a list of files (environments/heroku.py when ON_HEROKU is
 * set, else environments/local.py) and include()s them; each runs in the settings module's globals
 * in turn (split_settings/tools.py), so heroku.py replaces DATABASES["default"], which
 * components/database.py defined as SQLite, with dj_database_url.config (PostgreSQL, CONN_MAX_AGE 600).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('django-split-settings'), ['--plan', 'standard-0', ...args])

describe('django-split-settings include()', () => {
  it('ON_HEROKU=1: the PostgreSQL alias from environments/heroku.py; web 3 × 4 threads = 12, worker 2 × 1 = 2', () => {
    const r = plan('--env', 'ON_HEROKU=1')
    // gunicorn --workers 3 --threads 4, Django one connection per thread: 3 × min(4, 4) = 12.
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 4, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'config/settings/environments/heroku.py', kind: 'file', line: 6})
    // celery --concurrency 2, prefork children of one thread: 2 × 1 = 2.
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 1, processesPerDyno: 2})
    expect(r.total).toBe(14)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('without ON_HEROKU the included files leave only the SQLite alias, and conncalc says so', () => {
    const d = plan().diagnostics.find((x) => x.code === 'unknown-config-value')
    expect(d).toMatchObject({file: 'config/settings/components/database.py', line: 1})
    expect(d?.message).toContain('django.db.backends.sqlite3')
  })
})
