/**
 * django-celery (djcelery, Celery ≤ 3.1) runs Celery through Django's manage.py (djcelery/management/commands/):
 * `manage.py celery worker …` is Celery's own command line with the Django settings as config, `celeryd` is
 * `celery worker`, `celerybeat` `celery beat`, `celerycam` `celery events --camera=djcelery.snapshot.Camera`. Before,
 * each was an unknown management command (1*). The commands exist only when INSTALLED_APPS names djcelery.
 * kombu's Django transport (BROKER_URL = "django://") keeps the queue in the app's database: the worker's main process
 * polls it through a connection of its own, and beat publishes through one.
 *
 * A made-up Django 1.8 app (shop/settings.py: djcelery installed, BROKER_URL "django://", CELERYD_CONCURRENCY = 3,
 * CELERYBEAT_SCHEDULER djcelery's DatabaseScheduler; DATABASES from dj_database_url, one connection per thread):
 *   web     gunicorn shop.wsgi -w 2                   2
 *   worker  manage.py celeryd -B                      3 children (CELERYD_CONCURRENCY) + broker poll 1 + embedded beat 1 = 5
 *   jobs    manage.py celery worker -c 2 --loglevel=INFO   2 + broker poll 1 = 3
 *   beat    manage.py celerybeat                      1 (DatabaseScheduler)
 *   cam     manage.py celerycam                       1 (the camera writes snapshots through the ORM)
 * total 12. With djcelery commented out of INSTALLED_APPS each manage.py command stops with "Unknown command": web 2;
 * a command of the app's own by one of these names is that command (django-command.ts).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const settings = (installed: boolean, broker = 'django://'): string => `import dj_database_url

SECRET_KEY = "not-a-secret"
INSTALLED_APPS = (
    "django.contrib.contenttypes",
    "django.contrib.auth",
    ${installed ? '' : '# '}"djcelery",
    "shop",
)
DATABASES = {"default": dj_database_url.config()}
BROKER_URL = "${broker}"
CELERYD_CONCURRENCY = 3
CELERYBEAT_SCHEDULER = "djcelery.schedulers.DatabaseScheduler"

import djcelery
djcelery.setup_loader()
`

const files = (installed: boolean, broker?: string): Record<string, string> => ({
  'Procfile': 'web: gunicorn shop.wsgi -w 2\nworker: python manage.py celeryd -B\njobs: python manage.py celery worker -c 2 --loglevel=INFO\nbeat: python manage.py celerybeat\ncam: python manage.py celerycam\n',
  'manage.py': '#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n',
  'requirements.txt': 'Django==1.8.19\ncelery==3.1.25\ndjango-celery==3.1.17\ndj-database-url==0.4.2\ngunicorn==19.9.0\npsycopg2==2.7.7\n',
  'shop/__init__.py': '',
  'shop/settings.py': settings(installed, broker),
  'shop/tasks.py': 'from celery import task\n\n\n@task\ndef ping():\n    return "pong"\n',
  'shop/wsgi.py': 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
})

const types = ['web', 'worker', 'jobs', 'beat', 'cam']
const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', ...types.map((t) => `${t}=1`)])

describe("django-celery's manage.py commands", () => {
  it('celeryd -B: CELERYD_CONCURRENCY 3 children + the broker poll on the database 1 + embedded DatabaseScheduler beat 1 = 5', () => {
    const p = plan(app(files(true)))
    expect(p.type('worker')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 3, server: 'celery'})
    expect(p.type('worker').extras.map((e) => [e.kind, e.count]).sort()).toEqual([['celery-beat', 1], ['database-broker', 1]])
    expect(p.type('worker').extras.find((e) => e.kind === 'database-broker')?.source.source).toEqual({file: 'shop/settings.py', kind: 'file', line: 11})
  })

  it('celery worker -c 2: 2 + 1 = 3; celerybeat 1; celerycam 1; total 12 with web 2; no unknown command', () => {
    const p = plan(app(files(true)))
    expect([p.type('jobs').connectionsPerDyno, p.type('beat').connectionsPerDyno, p.type('cam').connectionsPerDyno, p.total]).toEqual([3, 1, 1, 12])
    expect(p.codes).not.toContain('unknown-command')
  })

  it('a Redis broker: no poll connection (jobs 2), and beat still reads its DatabaseScheduler (1)', () => {
    const p = plan(app(files(true, 'redis://localhost:6379/0')))
    expect([p.type('worker').connectionsPerDyno, p.type('jobs').connectionsPerDyno, p.type('beat').connectionsPerDyno]).toEqual([4, 2, 1])
  })

  it('djcelery commented out of INSTALLED_APPS: every manage.py celery command exits at start (0, said); web 2', () => {
    const p = plan(app(files(false)))
    expect(types.map((t) => p.type(t).connectionsPerDyno)).toEqual([2, 0, 0, 0, 0])
    expect(p.diagnostics.filter((d) => d.code === 'missing-config' && /djcelery in INSTALLED_APPS/.test(d.message)).map((d) => d.processType).sort()).toEqual(['beat', 'cam', 'jobs', 'worker'])
  })

  it("the app's own `celeryd` command (shop/management/commands/celeryd.py) is that command, not django-celery's: 1 thread", () => {
    const own = {'shop/management/__init__.py': '', 'shop/management/commands/__init__.py': '', 'shop/management/commands/celeryd.py': 'from django.core.management.base import BaseCommand\n\nfrom shop.models import Order\n\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        print(Order.objects.count())\n'}
    const p = plan(app({...files(false), ...own}))
    expect(p.type('worker')).toMatchObject({connectionsPerDyno: 1, server: 'django-command'})
  })
})
