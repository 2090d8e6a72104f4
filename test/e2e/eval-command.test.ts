/**
 * `eval ${WORKER_COMMAND}` in a Procfile line or a start script, the variable set in app.json: the shell joins the
 * expanded words with spaces and runs them as a command line (POSIX `eval`), so the process is that command. Before,
 * "eval" was an unknown program (1*). Made-up Django + Celery app; hand count: web `gunicorn proj.wsgi --workers 3`
 * 3 × 1 = 3; worker `celery -A proj worker --concurrency 4` 4 prefork children × 1 = 4; clock `exec $CLOCK_CMD` =
 * `celery -A proj beat` with Celery's default scheduler (no database) 0. Total 7.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const base = {
  'app.json': JSON.stringify({env: {CLOCK_CMD: {value: 'celery -A proj beat'}, WORKER_COMMAND: {value: 'celery -A proj worker --concurrency 4'}}, name: 'shop'}),
  'proj/__init__.py': '',
  'proj/celery.py': 'import os\nfrom celery import Celery\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napp = Celery("proj")\napp.config_from_object("django.conf:settings", namespace="CELERY")\n',
  'proj/settings.py': 'import dj_database_url\nSECRET_KEY = "x"\nINSTALLED_APPS = []\nDATABASES = {"default": dj_database_url.config()}\n',
  'proj/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_wsgi_application()\n',
  'requirements.txt': 'Django==5.0.8\ncelery==5.4.0\ngunicorn==22.0.0\ndj-database-url==2.2.0\npsycopg2-binary==2.9.9\n',
}
const scale = ['--limit', '100', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', 'clock=1:standard-1x']

describe('eval of a command held in a variable', () => {
  it('in the Procfile line: the worker is app.json\'s celery command', () => {
    const r = planJson(join(app({...base, Procfile: 'web: gunicorn proj.wsgi --workers 3\nworker: eval ${WORKER_COMMAND}\nclock: exec $CLOCK_CMD\n'}), 'Procfile'), scale)
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4, server: 'celery'})
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 0, server: 'celery-beat'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(7)
  })

  it('in a start script, quoted: the same', () => {
    const r = planJson(join(app({...base, 'bin/worker.sh': '#!/bin/bash\nset -e\neval "$WORKER_COMMAND"\n', Procfile: 'web: gunicorn proj.wsgi --workers 3\nworker: bin/worker.sh\nclock: exec $CLOCK_CMD\n'}), 'Procfile'), scale)
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, server: 'celery'})
    expect(r.total).toBe(7)
  })
})
