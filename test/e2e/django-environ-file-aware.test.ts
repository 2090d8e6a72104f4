/**
 * django-environ's FileAwareEnv and `vars().update(env.email_url(…))` in Django settings
 * (test/fixtures/django-environ-file-aware; the shape of DefectDojo/django-DefectDojo's dojo/settings/settings.dist.py).
 *
 * FileAwareEnv (django-environ 0.10+, environ/environ.py) is Env whose mapping reads the file NAME_FILE names when
 * that variable is set, else NAME: with no *_FILE variables its values are Env's. env.email_url("EMAIL_URL", default=…)
 * returns Env.email_url_config's dict: EMAIL_* settings (and OPTIONS), so `vars().update(…)` sets those and leaves
 * DATABASES alone. The fixture: gunicorn --workers 2 --threads 3; DATABASES["default"]["OPTIONS"]["pool"] max_size =
 * env.int("DB_POOL_MAX_SIZE", default=2) (Django 5.1's psycopg pool: a process holds at most max_size, its threads
 * share them). Per process min(3 threads, 2) = 2: 2 × 2 = 4 (pool below threads, warned). DB_POOL_MAX_SIZE=5:
 * min(3, 5) = 3, 2 × 3 = 6. Before: FileAwareEnv's values were not read and the update was taken to maybe replace
 * DATABASES: one connection per thread, 6, whatever the pool.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('django-environ-file-aware'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])

describe("django-environ's FileAwareEnv and env.email_url()", () => {
  it("reads the pool's max_size through FileAwareEnv, DATABASES kept past vars().update: 2 × min(3, 2) = 4", () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.codes).toContain('pool-below-threads')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('DB_POOL_MAX_SIZE=5: the threads are the bound, 2 × 3 = 6', () => {
    expect(plan('--env', 'DB_POOL_MAX_SIZE=5').type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 5})
  })
})
