/**
 * A settings module named only by the code's setdefault (fixture django-settings-setdefault-only): bakery/wsgi.py:5
 * `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bakery.settings")`, whose DATABASES is SQLite written out;
 * config/settings/production.py (another folder) sets DATABASES from dj_database_url, and only the README tells the
 * deployer to set DJANGO_SETTINGS_MODULE to it. conncalc reads no README: 0 with the files read, and the finding now
 * names the module it used and that DJANGO_SETTINGS_MODULE is set in no deploy file (was: SQLite only). With the
 * config var given: gunicorn's WEB_CONCURRENCY 2 × 1 thread = 2 (by hand, the dyno's number).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('settings module named only by setdefault (fixture django-settings-setdefault-only)', () => {
  it('says which settings module was read and that no deploy file names one', () => {
    const r = planJson(procfileOf('django-settings-setdefault-only'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 2})
    const info = r.diagnostics.find((d) => d.code === 'not-postgresql')
    expect(info?.message).toContain("the settings module is bakery.settings, named by the code's os.environ.setdefault (DJANGO_SETTINGS_MODULE is set in no deploy file conncalc reads)")
  })

  it('reads the production settings when told', () => {
    const r = planJson(procfileOf('django-settings-setdefault-only'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'DJANGO_SETTINGS_MODULE=config.settings.production'])
    expect(r.type('web')).toMatchObject({connections: 2, poolPerProcess: 1})
    expect(r.codes).not.toContain('not-postgresql')
  })
})
