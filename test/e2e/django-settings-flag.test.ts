/**
 * `python manage.py <command> --settings=<module>` (test/fixtures/django-settings-flag): Django's own --settings
 * option names the settings module of that one command, over manage.py's `os.environ.setdefault`
 * (django/core/management/base.py handle_default_options sets DJANGO_SETTINGS_MODULE before the settings load).
 * The app's default settings (shop/settings.py) write out a SQLite DATABASES; deploy/production.py, the module the
 * release and the sync command name, sets PostgreSQL. So the web's DATABASES is not taken as written out: the dyno's
 * DJANGO_SETTINGS_MODULE config var may name deploy.production too (the Procfile shows the app runs with it).
 */
import {describe, expect, it} from 'vitest'

import {settingsFlag} from '../../src/languages/python/program.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('django-settings-flag'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'sync=1:standard-1x'])

describe('manage.py --settings on the command line (fixture django-settings-flag)', () => {
  it('the release (`migrate --settings=deploy.production`) runs on PostgreSQL: 1 connection in the deploy peak, not 0', () => {
    // release: one migrate process, one thread, deploy.production's "default" alias is PostgreSQL: 1.
    const r = plan()
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    // web 3 + sync 1, and the release's 1 during the deploy.
    expect(r.deployPeak).toBe(5)
  })

  it('web (gunicorn --workers 3, shop.settings from wsgi.py): SQLite, but deploy.production is named in the Procfile: 3 x 1, warned', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3, threadsPerProcess: 1})
    const d = r.diagnostics.find((x) => x.code === 'unknown-config-value' && x.file === 'shop/settings.py')
    expect(d).toMatchObject({line: 7, severity: 'warning'})
    expect(d?.message).toContain('another command of the app names deploy.production as its settings')
    expect(d?.fix).toContain('--env DJANGO_SETTINGS_MODULE=deploy.production')
    // Said there, the web is no longer reported as holding no PostgreSQL connection.
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('the sync command (`--settings deploy.production`, two words) reads deploy/production.py: 1 process × 1 thread × 1 alias', () => {
    const r = plan()
    expect(r.type('sync')).toMatchObject({connections: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.type('sync').sources['pool.default'].source).toEqual({file: 'deploy/production.py', kind: 'file', line: 6})
    expect(r.total).toBe(4)
  })

  it('settingsFlag reads both spellings, only on a management command, and not after `--`', () => {
    expect(settingsFlag(['python', 'manage.py', 'migrate', '--settings=a.b'])).toEqual({module: 'a.b', written: '--settings=a.b'})
    expect(settingsFlag(['django-admin', 'migrate', '--settings', 'a.b'])).toEqual({module: 'a.b', written: '--settings a.b'})
    expect(settingsFlag(['python', 'manage.py', 'migrate', '--', '--settings=a.b'])).toBeUndefined()
    expect(settingsFlag(['python', 'manage.py', 'migrate', '--settings'])).toBeUndefined()
    expect(settingsFlag(['gunicorn', 'shop.wsgi', '--settings=a.b'])).toBeUndefined()
  })
})
