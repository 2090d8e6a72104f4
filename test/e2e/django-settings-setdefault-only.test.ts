/**
 * A settings module named only by the code's setdefault (fixture django-settings-setdefault-only): bakery/wsgi.py:5
 * `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bakery.settings")`, whose DATABASES is SQLite written out;
 * config/settings/production.py (another folder) sets DATABASES from dj_database_url, and only the README tells the
 * deployer to set DJANGO_SETTINGS_MODULE to it (a config var conncalc does not see). The dyno runs with that module:
 * gunicorn's WEB_CONCURRENCY 2 × 1 thread = 2 (by hand). conncalc takes the one module the README names as the dyno's
 * settings, an assumption said with the README's line: 2* (was 0, the development SQLite read as what the dyno runs).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('settings module named only by setdefault (fixture django-settings-setdefault-only)', () => {
  it('takes the module the README names for DJANGO_SETTINGS_MODULE as the dyno\'s, starred and said', () => {
    const r = planJson(procfileOf('django-settings-setdefault-only'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 2, poolPerProcess: 1, processesPerDyno: 2})
    expect(r.codes).not.toContain('not-postgresql')
    expect(JSON.stringify(r.type('web').sources)).toContain('config.settings.production (README.md:3 names it for DJANGO_SETTINGS_MODULE) is taken as the settings the dyno runs with')
    const warning = r.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(warning).toMatchObject({file: 'config/settings/production.py', severity: 'warning'})
    expect(warning?.message).toContain('bakery.settings, which the code\'s os.environ.setdefault names, writes out DATABASES with no PostgreSQL database')
  })

  it('reads the production settings when told', () => {
    const r = planJson(procfileOf('django-settings-setdefault-only'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'DJANGO_SETTINGS_MODULE=config.settings.production'])
    expect(r.type('web')).toMatchObject({connections: 2, poolPerProcess: 1})
    expect(r.codes).not.toContain('not-postgresql')
  })
})
