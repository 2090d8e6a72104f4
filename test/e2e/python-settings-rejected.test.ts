/**
 * A Django app whose WSGI module Python loads fine, but which sets Django up with a settings module whose package
 * (or the settings module itself) the app's Python does not compile: get_wsgi_application() runs django.setup(),
 * which imports DJANGO_SETTINGS_MODULE (importlib imports a dotted name's parent packages first, their __init__.py
 * run: https://docs.python.org/3/reference/import.html#regular-packages), so the import raises SyntaxError and the
 * process exits at start. The shape of mitodl/lore@d9aaedc4788e and mitodl/teachersportal (uwsgi wsgi-file = lore/wsgi.py;
 * lore/__init__.py `from .celery import async as celery_app`, which Python 3.7+ rejects): their celery worker
 * (`celery -A lore`) was starred, their web not.
 *
 * The app (test/fixtures/python-settings-rejected): uwsgi.ini processes = 3, threads = 2, wsgi-file = shop/wsgi.py;
 * shop/settings.py DATABASES from dj_database_url.config() with no CONN_MAX_AGE or pool: one connection per thread
 * that queries, so 3 × 2 = 6 per dyno, whether counted or starred. runtime.txt asks for Python 3.11.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('python-settings-rejected')
const text = (f: string): string => readFileSync(`${fixture('python-settings-rejected')}/${f}`, 'utf8')
const python2 = (f: string, line: string): Record<string, string> => ({[f]: `${text(f)}${line}\n`})

const starred = (r: ReturnType<typeof planJson>): boolean => r.type('web').sources.processesPerDyno?.via?.some((v: {kind: string}) => v.kind === 'assumed') === true
const said = (r: ReturnType<typeof planJson>): string | undefined => r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('does not compile'))?.message

describe('a Django settings module, or its package, the app\'s Python does not compile (test/fixtures/python-settings-rejected)', () => {
  it('compiles as it is: 6, unstarred, nothing said', () => {
    const r = planJson(`${fixture('python-settings-rejected')}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 3})
    expect(said(r)).toBeUndefined()
    expect(starred(r)).toBe(false)
  })

  it('Python 2 in a module the settings package imports (shop/__init__.py imports shop/celery.py): the chain through django.setup() is named, 6 starred', () => {
    const r = planJson(`${app(python2('shop/celery.py', 'print "celery app ready"'))}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(starred(r)).toBe(true)
    expect(said(r)).toBe(
      'web: uwsgi imports shop/celery.py (shop/wsgi.py:7 sets Django up (get_wsgi_application()), which imports the settings module shop.settings and so its package shop/__init__.py, shop/__init__.py:2 imports shop/celery.py), ' +
        'which Python 3.11 (runtime.txt:1) does not compile: shop/celery.py:9: a Python 2 print statement (`print "celery app ready"`): ' +
        'the import raises SyntaxError (https://docs.python.org/3/library/exceptions.html#SyntaxError) and the process exits at start; conncalc counts it as if it ran',
    )
  })

  it('Python 2 in the settings module itself: said, 6 starred', () => {
    const r = planJson(`${app(python2('shop/settings.py', 'print "settings loaded"'))}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(starred(r)).toBe(true)
    expect(said(r)).toContain('web: uwsgi imports shop/settings.py (shop/wsgi.py:7 sets Django up (get_wsgi_application()), which imports the settings module shop.settings, shop/settings.py), which Python 3.11 (runtime.txt:1) does not compile: shop/settings.py:10')
  })

  it('not said when the app asks for Python 2 (runtime.txt python-2.7.18), nor when the settings are imported only in a function: 6 unstarred', () => {
    const py27 = app({...python2('shop/celery.py', 'print "celery app ready"'), 'runtime.txt': 'python-2.7.18\n'})
    // The WSGI module sets Django up inside a function nothing calls at import: no settings import at start.
    const lazy = app({
      ...python2('shop/celery.py', 'print "celery app ready"'),
      'shop/wsgi.py': text('shop/wsgi.py').replace('application = get_wsgi_application()', 'def application(environ, start_response):\n    return get_wsgi_application()(environ, start_response)'),
    })
    for (const dir of [py27, lazy]) {
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
      expect(said(r)).toBeUndefined()
      expect(r.type('web').connectionsPerDyno).toBe(6)
      expect(starred(r)).toBe(false)
    }
  })
})
