/**
 * A .buildpacks file that pins a language buildpack to a release (`heroku-buildpack-python.git#v52`) from before that
 * buildpack wrote a WEB_CONCURRENCY profile script: heroku-buildpack-python's first is v55 (2015-01-08,
 * vendor/python.webconcurrency.sh), heroku-buildpack-nodejs's v71 (2015-02-17, lib/concurrency.sh). Such a release sets
 * none, so the last named buildpack that does decides, and with none gunicorn runs its default 1 worker
 * (gunicorn/config.py Workers: WEB_CONCURRENCY, else 1). Made-up Django app on standard-2x, `--threads 2`; hand counts:
 * - nodejs#v60 + python#v52: nothing sets it: 1 × 2 = 2 (today's python formula would give 4 × 2 = 8);
 * - nodejs (unpinned) + python#v52: the Node.js buildpack's value stays: standard-2x 1024 MB ÷ 512 = 2 → 2 × 2 = 4;
 * - python#v224: that release writes it: min(8 × 2 + 1, 1024 ÷ 256) = 4 → 4 × 2 = 8.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'web: gunicorn --threads 2 proj.wsgi\n',
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
  'package.json': '{"name": "assets", "dependencies": {"bower": "1.8.0"}}\n',
  'proj/__init__.py': '',
  'proj/settings.py': 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "proj",\n    }\n}\n',
  'proj/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
  'requirements.txt': 'Django==1.8.18\ngunicorn==19.1.1\npsycopg2==2.5.4\n',
}
const scale = ['--limit', '100', '--scale', 'web=1:standard-2x']

describe('a buildpack pinned to a release before its WEB_CONCURRENCY script', () => {
  it('nodejs#v60 then python#v52: neither sets it, gunicorn runs 1 worker: 1 × 2 = 2, said once', () => {
    const buildpacks = 'https://github.com/heroku/heroku-buildpack-nodejs.git#v60\nhttps://github.com/heroku/heroku-buildpack-python.git#v52\n'
    const r = planJson(join(app({...files, '.buildpacks': buildpacks}), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 1, threadsPerProcess: 2})
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.message.startsWith('WEB_CONCURRENCY:'))
    expect(said?.message).toContain('.buildpacks:2 pins heroku/python to v52, before its first WEB_CONCURRENCY script (v55')
    expect(said?.message).toContain('no buildpack named sets it')
  })

  it('nodejs unpinned then python#v52: the Node.js buildpack\'s value stays (2 on standard-2x): 2 × 2 = 4', () => {
    const buildpacks = 'https://github.com/heroku/heroku-buildpack-nodejs.git\nhttps://github.com/heroku/heroku-buildpack-python.git#v52\n'
    const r = planJson(join(app({...files, '.buildpacks': buildpacks}), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 2})
    expect(r.diagnostics.find((d) => d.message.startsWith('WEB_CONCURRENCY:'))?.message).toContain('the last buildpack that sets it is heroku/nodejs (.buildpacks:1)')
  })

  it('python#v224 writes it: today\'s count, 4 × 2 = 8, nothing said', () => {
    const buildpacks = 'https://github.com/heroku/heroku-buildpack-nodejs.git#v60\nhttps://github.com/heroku/heroku-buildpack-python.git#v224\n'
    const r = planJson(join(app({...files, '.buildpacks': buildpacks}), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 4})
    expect(r.diagnostics.some((d) => d.message.startsWith('WEB_CONCURRENCY:'))).toBe(false)
  })
})
