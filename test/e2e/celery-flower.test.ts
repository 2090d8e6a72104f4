/**
 * Flower, Celery's monitor: `celery -A proj flower` (the subcommand the flower package adds through the celery.commands
 * entry point) or its own `flower -A proj` script. It reads the broker and the workers' events and opens no database
 * connection (its --persistent state is a shelve file: flower.readthedocs.io config.html#persistent), so 0. Before, the
 * subcommand was taken for "no subcommand" and counted as a prefork worker of CPU-count children (8* on standard-1x).
 * Made-up Django + Celery app: worker `celery -A proj worker -c 3` → 3 prefork children × 1 Django connection = 3.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'worker: celery -A proj worker -c 3\nflower: sleep 5 && python -m celery --workdir . -A proj flower --port=$PORT\nmonitor: flower -A proj --port=$PORT\n',
  'manage.py': 'import os\nimport sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n',
  'proj/__init__.py': 'from .celery import app as celery_app\n',
  'proj/celery.py': 'import os\nfrom celery import Celery\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napp = Celery("proj")\napp.config_from_object("django.conf:settings", namespace="CELERY")\napp.autodiscover_tasks()\n',
  'proj/settings.py': 'import dj_database_url\nSECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.auth"]\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}\nCELERY_BROKER_URL = "redis://localhost:6379/0"\n',
  'requirements.txt': 'Django==5.0.8\ncelery==5.4.0\nflower==2.0.1\ndj-database-url==2.2.0\npsycopg2-binary==2.9.9\nredis==5.0.8\n',
}

describe('Flower', () => {
  it('`celery … flower` and `flower -A proj` hold no connection; the worker its 3', () => {
    const r = planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'worker=1:standard-1x', 'flower=1:standard-1x', 'monitor=1:standard-1x'])
    expect(r.type('flower')).toMatchObject({connectionsPerDyno: 0, server: 'celery-flower'})
    expect(r.type('monitor')).toMatchObject({connectionsPerDyno: 0, server: 'celery-flower'})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3})
    expect(r.total).toBe(3)
    expect(r.codes).not.toContain('missing-config')
    expect(r.codes).not.toContain('unknown-command')
  })
})
