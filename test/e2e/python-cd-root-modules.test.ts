/**
 * After `cd sub &&`, Python finds a module in the command's folder first, then at the app root: gunicorn puts its
 * working directory first on sys.path, and Heroku's Python buildpack sets PYTHONPATH=${PYTHONPATH:-$HOME}
 * (heroku-buildpack-python .profile.d/python.sh), which comes before site-packages
 * (https://docs.python.org/3/library/sys_path_init.html). languages/python/modules.ts PythonProject.
 *
 * test/fixtures/python-cd-root-modules:
 * - web `cd shop && gunicorn shop.serve:application --workers 3 --threads 4`: shop/ has no shop/ of its own, so
 *   shop.serve is the root's shop/serve.py; it sets DJANGO_SETTINGS_MODULE=config.settings, found in shop/ first
 *   (shop/config/settings.py: Django 5.1 pool min_size 1, max_size 2), not the root's config/settings.py (SQLite).
 *   Per process max(min(2, 4 threads), min(1, 2)) = 2 → 3 × 2 = 6. (Settings unread: 3 × 4 = 12; the root's
 *   settings first: SQLite, 0.)
 * - api `cd services && gunicorn api.app:app --workers 2 --threads 3`: services/ holds only the folder api/; the
 *   `cd` is followed all the same, and services/api/app.py's engine (pool_size 2 + max_overflow 0 = 2) caps each
 *   process: 2 × min(2, 3) = 4. (Before: the cd was not followed, api.app was missing, 2 × 3 = 6.)
 * Total 6 + 4 = 10. Files read through the cd's folder are named from the app root (shop/config/settings.py:9).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Python module lookup after `cd sub &&`: the folder first, then the app root', () => {
  const plan = () => planJson(procfileOf('python-cd-root-modules'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'api=1:standard-1x'])

  it('a module at the root is imported (shop.serve), and its settings are found in the cd folder first: 3 × 2 = 6', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 2, processesPerDyno: 3, threadsPerProcess: 4})
    // Named from the app root: config/settings.py alone would be the root's SQLite settings.
    expect(r.type('web').sources['pool.default'].source).toMatchObject({file: 'shop/config/settings.py', kind: 'file', line: 9})
    expect(r.codes).not.toContain('missing-config')
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('a cd into a folder that holds only folders is followed: the engine of services/api/app.py caps api at 2 × 2 = 4; total 10', () => {
    const r = plan()
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('api').sources['pool.engine api/app.py:7'].source).toMatchObject({file: 'services/api/app.py', kind: 'file', line: 7})
    expect(r.total).toBe(10)
  })
})
