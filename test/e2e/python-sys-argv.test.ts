/**
 * Settings that test the process's command line (`TESTING = "test" in sys.argv[1:]`, `len(sys.argv) > 1 and
 * sys.argv[1] == "test"`, `sys.argv[1:2] == ["test"]`, `from sys import argv`): the argv of each process is its
 * Procfile command, so the test is decided per process (https://docs.python.org/3/library/sys.html#sys.argv).
 * Made-up Django app whose test runs use SQLite in memory (0 on the plan) and every other run DATABASE_URL.
 * Hand count: web `gunicorn shop.wsgi --workers 3 --threads 2`: sys.argv = ["gunicorn", "shop.wsgi", …], no
 * "test": PostgreSQL, Django holds one connection per thread (CONN_MAX_AGE 600 keeps it), 3 × 2 = 6; release
 * `python manage.py migrate`: sys.argv = ["manage.py", "migrate"]: 1; a `tests` type running `python manage.py
 * test`: sys.argv[1] is "test", SQLite, 0.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const settings = (test: string, head = 'import sys\n'): string =>
  `${head}import dj_database_url\n\nSECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.auth", "shop"]\nTESTING = ${test}\n\nif TESTING:\n    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\nelse:\n    DATABASES = {"default": dj_database_url.config(conn_max_age=600)}\n`

const files = (test: string, head?: string): Record<string, string> => ({
  Procfile: 'web: gunicorn shop.wsgi --workers 3 --threads 2\nrelease: python manage.py migrate\n',
  'manage.py': 'import os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n',
  'requirements.txt': 'Django==5.0.6\ngunicorn==22.0.0\ndj-database-url==2.1.0\npsycopg2-binary==2.9.9\n',
  'shop/__init__.py': '',
  'shop/settings.py': settings(test, head),
  'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
})
const scale = ['--limit', '100', '--scale', 'web=1:standard-1x']

describe('settings that test sys.argv', () => {
  for (const [shape, test, head] of [
    ['"test" in sys.argv[1:]', '"test" in sys.argv[1:]', undefined],
    ['len(sys.argv) > 1 and sys.argv[1] == "test"', 'len(sys.argv) > 1 and sys.argv[1] == "test"', undefined],
    ['sys.argv[1:2] == ["test"]', 'sys.argv[1:2] == ["test"]', undefined],
    ['from sys import argv; "test" in argv', '"test" in argv', 'from sys import argv\n'],
  ] as const) {
    it(`${shape}: false for gunicorn and manage.py migrate, so DATABASE_URL: web 6, release 1, nothing assumed`, () => {
      const r = planJson(join(app(files(test, head)), 'Procfile'), scale)
      expect(r.type('web')).toMatchObject({connections: 6})
      expect(r.type('web').sources.threadsPerProcess.value).toBe(2)
      expect(r.codes).not.toContain('unknown-config-value')
      expect(r.total).toBe(6)
      expect(r.deployPeak).toBe(7)
      expect(JSON.stringify(r.type('web'))).not.toContain('"assumed"')
    })
  }

  it('a process whose command runs `manage.py test`: its settings choose SQLite, said as for any settings without PostgreSQL', () => {
    const f = files('"test" in sys.argv[1:]')
    const r = planJson(join(app({...f, Procfile: `${f.Procfile}tests: python manage.py test shop\n`}), 'Procfile'), [...scale, 'tests=1:standard-1x'])
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('"default" uses django.db.backends.sqlite3')
    expect(r.type('web')).toMatchObject({connections: 6})
  })

  it('uWSGI sets sys.argv from its own --pyargv, not its command line: the test stays undecided and said', () => {
    const f = files('"test" in sys.argv[1:]')
    const r = planJson(join(app({...f, Procfile: 'web: uwsgi --http :$PORT --module shop.wsgi --processes 2\n'}), 'Procfile'), scale)
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('cannot decide')
  })
})
