/**
 * django-configurations (test/fixtures/django-configurations): DJANGO_SETTINGS_MODULE=proj.config is a
 * package of Configuration classes, and DJANGO_CONFIGURATION (set with os.environ.setdefault in the
 * WSGI file) picks the class whose upper-case attributes are Django's settings (configurations/importer.py).
 * - web: proj/wsgi.py picks Production, whose DATABASES has OPTIONS "pool" min_size 2, max_size 3
 *   (psycopg_pool, Django 5.1+): gunicorn 2 workers × 4 threads, each process holds
 *   max(min(3, 4), 2) = 3 → 6 (and the pool is below the threads: pool-below-threads).
 * - staging: proj/wsgi_staging.py picks Staging, `DATABASES = values.DatabaseURLValue(…,
 *   conn_max_age=600)` = {"default": dj_database_url.parse($DATABASE_URL, conn_max_age=600)}
 *   (configurations/values.py DictBackendMixin): no pool, one connection per thread: 1 × 4 = 4.
 * Total 6 + 4 = 10. Before, DATABASES was not read ("set in the Configuration class … which conncalc
 * does not read") and web counted one per thread: 2 × 4 = 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...extra: string[]) => planJson(procfileOf('django-configurations'), ['--plan', 'standard-0', '--scale', 'web=1', 'staging=1', ...extra])

describe('django-configurations', () => {
  it('reads DATABASES from the class DJANGO_CONFIGURATION names in the WSGI file', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 3, processesPerDyno: 2, threadsPerProcess: 4})
    expect(r.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('DJANGO_CONFIGURATION=Production picks the class Production')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'pool-below-threads', processType: 'web'}))
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('reads values.DatabaseURLValue as dj_database_url with its conn_max_age; total 10', () => {
    const r = plan()
    expect(r.type('staging')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 4})
    expect(r.type('staging').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=600')}))
    expect(r.total).toBe(10)
  })

  it('DJANGO_CONFIGURATION from the env wins, and a name that is no class is said', () => {
    const local = plan('--env', 'DJANGO_CONFIGURATION=Local')
    // Local inherits Common's DATABASES (no pool): 2 × 4 = 8 for web.
    expect(local.type('web')).toMatchObject({connectionsPerDyno: 8})
    const wrong = plan('--env', 'DJANGO_CONFIGURATION=Prod')
    expect(wrong.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('DJANGO_CONFIGURATION is Prod, which is no Configuration class')}))
  })
})
