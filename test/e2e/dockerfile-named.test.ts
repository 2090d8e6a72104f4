/**
 * A Dockerfile named with --procfile is what runs: its CMD (or ENTRYPOINT) is web, as `heroku container:push web` runs it.
 * And a Python app with no Procfile (heroku/python declares no default web process: exit 2) that has a Dockerfile is told
 * how to count it. Made-up app: Django, `ENTRYPOINT ["gunicorn", "app.wsgi", "--workers", "3", "--threads", "2"]`, no
 * CONN_MAX_AGE pooling: Django opens one connection per thread that serves a request (django/db/utils.py
 * ConnectionHandler: connections are thread-local), so 3 workers × 2 threads = 6 per dyno.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const django = (dockerfile: string): Record<string, string> => ({
  [dockerfile]: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nENTRYPOINT ["gunicorn", "app.wsgi", "--workers", "3", "--threads", "2"]\n',
  'app/__init__.py': '',
  'app/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}\n',
  'app/wsgi.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n',
  'requirements.txt': 'django==5.1\ngunicorn==23.0\npsycopg[binary]==3.2\n',
})

describe('a Dockerfile named with --procfile', () => {
  it('runs its ENTRYPOINT as web', () => {
    const dir = app(django('Dockerfile'))
    const r = planJson(join(dir, 'Dockerfile'), ['--scale', 'web=1'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 3, server: 'gunicorn'})
  })

  it('may be named Dockerfile.prod', () => {
    const dir = app(django('Dockerfile.prod'))
    expect(planJson(join(dir, 'Dockerfile.prod'), ['--scale', 'web=2']).type('web').connections).toBe(12)
  })

  it('may sit in a subfolder, built with the root as its context (--root): ministryofjustice/fb-editor\'s docker/workers/Dockerfile', () => {
    // `docker build -f docker/web/Dockerfile .`: its COPY sources (requirements.txt, `COPY . .`) are the root's, and WORKDIR
    // /app is the root, so the gunicorn command runs there. Before, the file was read as a Procfile (each line invalid).
    const files = django('docker/web/Dockerfile')
    files['docker/web/Dockerfile'] = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\nENTRYPOINT ["gunicorn", "app.wsgi", "--workers", "3", "--threads", "2"]\n'
    const dir = app(files)
    const r = planJson(join(dir, 'docker/web/Dockerfile'), ['--root', dir, '--scale', 'web=2'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 12, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.codes).not.toContain('invalid-procfile-line')
  })

  it('is suggested when a Python app without a Procfile has one', () => {
    const dir = app(django('Dockerfile'))
    const r = runCli(['plan', '--plan', 'standard-0'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the heroku/python buildpack declares no default web process')
    expect(r.stderr).toContain("if it deploys as a container, count its Dockerfile's CMD as web: pass --procfile Dockerfile")
  })

  it('is suggested for a Docker Compose file named with --procfile, which is not read as a Procfile', () => {
    const dir = app({...django('Dockerfile'), 'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: gunicorn app.wsgi\n  db:\n    image: postgres:16\n'})
    const r = runCli(['plan', '--plan', 'standard-0', '--procfile', 'docker-compose.yml'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('docker-compose.yml is a Docker Compose file: conncalc does not read Compose')
    expect(r.stderr).toContain('--procfile Dockerfile')
  })
})
