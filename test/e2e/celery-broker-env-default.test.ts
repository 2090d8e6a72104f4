/**
 * A Celery broker URL that is the app's database only as an unset env var's fallback (MuckRock/squarelet's
 * config/settings/base.py: `CELERY_BROKER_URL = env("REDIS_URL", default="django://")`, with heroku-redis in app.json's
 * addons). Heroku Redis sets REDIS_URL on every dyno (https://devcenter.heroku.com/articles/heroku-redis), so there the
 * broker is Redis: the worker's main process polls no database table and beat (default PersistentScheduler) holds
 * nothing. With no add-on and no REDIS_URL anywhere, the database broker is kept but starred.
 *   worker  celery --app=shop worker -c 2   2 children (+ 1 broker poll on the database only when the fallback is taken)
 *   beat    celery --app=shop beat          0 (+ 1, publishing through the database broker, likewise)
 * Before: 3 and 1, plain, whatever app.json provisioned.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files: Record<string, string> = {
  'Procfile': 'web: gunicorn shop.wsgi -w 2\nworker: celery --app=shop worker -c 2 --loglevel=info\nbeat: celery --app=shop beat --loglevel=info\n',
  'manage.py': '#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n',
  'requirements.txt': 'Django==5.2.4\ncelery==5.5.3\ndjango-environ==0.12.0\ngunicorn==23.0.0\npsycopg2==2.9.10\nredis==6.2.0\n',
  'shop/__init__.py': 'from .celery import app as celery_app\n\n__all__ = ("celery_app",)\n',
  'shop/celery.py': 'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n\napp = Celery("shop")\napp.config_from_object("django.conf:settings", namespace="CELERY")\napp.autodiscover_tasks()\n',
  'shop/settings.py': 'import environ\n\nenv = environ.Env()\n\nSECRET_KEY = "not-a-secret"\nINSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]\nDATABASES = {"default": env.db("DATABASE_URL")}\n\nCELERY_BROKER_URL = env("REDIS_URL", default="django://")\nCELERY_RESULT_BACKEND = "redis://"\n',
  'shop/wsgi.py': 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
}

const plan = (dir: string, extra: string[] = []) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'beat=1', ...extra])

describe('a database broker only as the fallback of an unset REDIS_URL', () => {
  it('app.json provisions heroku-redis: the broker is Redis, worker 2, beat 0', () => {
    const p = plan(app({...files, 'app.json': JSON.stringify({addons: ['heroku-postgresql:essential-1', 'heroku-redis:mini'], name: 'shop'}, null, 2)}))
    expect([p.type('worker').connectionsPerDyno, p.type('beat').connectionsPerDyno]).toEqual([2, 0])
    expect(p.type('worker').extras.some((e) => e.kind === 'database-broker')).toBe(false)
    expect(p.total).toBe(4)
  })

  it('REDIS_URL given (--env): the same 2 and 0', () => {
    const p = plan(app(files), ['--env', 'REDIS_URL=redis://h:6379/0'])
    expect([p.type('worker').connectionsPerDyno, p.type('beat').connectionsPerDyno]).toEqual([2, 0])
  })

  it('nothing sets REDIS_URL: the database broker is kept, starred and said (worker 2 + 1, beat 1)', () => {
    const p = plan(app(files))
    expect([p.type('worker').connectionsPerDyno, p.type('beat').connectionsPerDyno]).toEqual([3, 1])
    const broker = p.type('worker').extras.find((e) => e.kind === 'database-broker')
    expect(broker?.source.source.kind).toBe('assumed')
    expect(JSON.stringify(broker?.source)).toContain('CELERY_BROKER_URL is \\"django://\\" (shop/settings.py:9) only because REDIS_URL is not set anywhere')
  })
})
