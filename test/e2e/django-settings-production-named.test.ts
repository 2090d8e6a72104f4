/**
 * The dyno's settings module named nowhere conncalc reads (fixture django-settings-production-named): kitchen/wsgi.py's
 * setdefault names kitchen.settings, whose DATABASES is SQLite written out (a developer's); deployment/settings_heroku.py
 * (in another folder, so not a sibling the written-out rule already weighs) star-imports it and sets DATABASES from
 * dj_database_url; deployment/settings_ci.py names a local PostgreSQL but neither says production nor reads
 * DATABASE_URL. On Heroku the config var DJANGO_SETTINGS_MODULE names the production module: gunicorn 3 workers × 2
 * threads × 1 connection per thread (Django, CONN_MAX_AGE 600) = 6 by hand. conncalc takes the one module whose name
 * says production and that reads DATABASE_URL, starred and said: 6* (was 0, the SQLite settings read as the dyno's).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const ARGS = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']

describe('a production settings module nothing names (fixture django-settings-production-named)', () => {
  const {app} = tempApps('django-settings-production-named')

  it('takes the one module named production that reads DATABASE_URL as the dyno\'s, starred and said', () => {
    const r = planJson(procfileOf('django-settings-production-named'), ARGS)
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 2, processesPerDyno: 3})
    expect(r.codes).not.toContain('not-postgresql')
    expect(JSON.stringify(r.type('web').sources)).toContain('"kind":"assumed","why":"DJANGO_SETTINGS_MODULE is set in no deploy file conncalc reads')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')).toMatchObject({file: 'deployment/settings_heroku.py', severity: 'warning'})
  })

  it('with two such modules nothing is guessed: the setdefault module is read (0, said)', () => {
    const dir = app({'deployment/settings_production.py': 'import dj_database_url\nfrom kitchen.settings import *\nDATABASES = {"default": dj_database_url.config()}\n'})
    const r = planJson(`${dir}/Procfile`, ARGS)
    expect(r.type('web')).toMatchObject({connections: 0})
    expect(r.codes).toContain('not-postgresql')
  })

  it('named nowhere at all (no setdefault either): the production module is read, starred and said', () => {
    // The same app with wsgi.py and manage.py setting no DJANGO_SETTINGS_MODULE: was "not named anywhere, one connection
    // per thread" from no settings; now settings_heroku.py's DATABASES (CONN_MAX_AGE 600: one per thread), 3 × 2 = 6*.
    const dir = app({
      'kitchen/wsgi.py': 'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n',
      'manage.py': 'import sys\n\nfrom django.core.management import execute_from_command_line\n\nexecute_from_command_line(sys.argv)\n',
    })
    const r = planJson(`${dir}/Procfile`, ARGS)
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 2})
    expect(JSON.stringify(r.type('web').sources)).toContain('no deploy file or code names its settings module (DJANGO_SETTINGS_MODULE); deployment.settings_heroku (its name says production and it reads DATABASE_URL) is taken')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => d.file)).toEqual(['deployment/settings_heroku.py'])
  })

  it('a README naming a development module is not taken: the production-named module is', () => {
    const dir = app({'README.md': '# Kitchen\n\nLocally: `export DJANGO_SETTINGS_MODULE=deployment.settings_local`\n', 'deployment/settings_local.py': 'from kitchen.settings import *\n'})
    const r = planJson(`${dir}/Procfile`, ARGS)
    expect(r.type('web')).toMatchObject({connections: 6})
    expect(JSON.stringify(r.type('web').sources)).toContain('deployment.settings_heroku (its name says production and it reads DATABASE_URL)')
  })

  it('a module the env names is read as it is, with no assumption', () => {
    const r = planJson(procfileOf('django-settings-production-named'), [...ARGS, '--env', 'DJANGO_SETTINGS_MODULE=deployment.settings_ci'])
    expect(r.type('web')).toMatchObject({connections: 6})
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
