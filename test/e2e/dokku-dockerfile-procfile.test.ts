/**
 * A Procfile beside a root Dockerfile on Dokku: with no .buildpacks, BUILDPACK_URL or project.toml, Dokku builds
 * the Dockerfile and runs each Procfile line in its image, in its WORKDIR, as the ENTRYPOINT's arguments when it
 * has one (https://dokku.com/docs/deployment/builders/dockerfiles/#procfiles-and-multiple-processes). The image's
 * folders map back to the repository through its COPY instructions (`COPY /deploy /app` is the context's deploy/,
 * a later `COPY /backend /app` fills the same folder). Made-up apps in the shape of a Django app whose image puts
 * its backend/ folder at /app (celery -A proj there, not at the root).
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const DOCS = 'https://dokku.com/docs/deployment/builders/dockerfiles/#procfiles-and-multiple-processes'

const dockerfile = [
  'FROM python:3.12-slim',
  'COPY ./requirements.txt /app/requirements.txt',
  'RUN pip install -r /app/requirements.txt',
  'COPY /deploy /app',
  'WORKDIR /app',
  'COPY /backend /app',
  'ENV GUNICORN_WORKERS=3',
  '',
].join('\n')

const files = {
  Dockerfile: dockerfile,
  Procfile: 'web: gunicorn --config /app/gunicorn.conf.py proj.wsgi\nworker: celery -A proj worker --concurrency=4\n',
  'app.json': '{\n  "healthchecks": {\n    "web": [{"type": "startup", "path": "/health/"}]\n  },\n  "formation": {"web": {"quantity": 2}, "worker": {"quantity": 1}}\n}\n',
  'backend/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
  'backend/proj/__init__.py': '',
  'backend/proj/celery.py': 'from celery import Celery\napp = Celery("proj")\napp.config_from_object("django.conf:settings", namespace="CELERY")\n',
  'backend/proj/settings.py': 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "proj",\n    }\n}\n',
  'backend/proj/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
  'deploy/gunicorn.conf.py': 'import os\nworkers = int(os.environ.get("GUNICORN_WORKERS", 1))\nthreads = 2\n',
  'requirements.txt': 'Django==5.1\ngunicorn==23.0.0\ncelery==5.4.0\npsycopg==3.2.3\n',
}

describe('a Procfile run in the Dockerfile image Dokku builds', () => {
  it('reads each line in the WORKDIR the image fills from backend/ and deploy/, with the image ENV', () => {
    const r = planJson(join(app(files), 'Procfile'), ['--limit', '100'])
    // web: /app/gunicorn.conf.py is deploy/gunicorn.conf.py: workers = GUNICORN_WORKERS (3, the image's ENV),
    // threads = 2; Django without a pool: one connection per thread, 3 × 2 = 6 per container × 2 (app.json) = 12.
    expect(r.type('web')).toMatchObject({connections: 12, dynos: 2, processesPerDyno: 3, threadsPerProcess: 2})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({from: 'Dockerfile:7', kind: 'env', name: 'GUNICORN_WORKERS'}))
    // worker: `celery -A proj` in /app is backend/proj/celery.py (not a missing module): --concurrency=4 prefork children.
    expect(r.type('worker')).toMatchObject({connections: 4, processesPerDyno: 4})
    expect(r.diagnostics.filter((d) => d.code === 'missing-config' && d.processType !== undefined)).toEqual([])
    expect(r.total).toBe(16)
    expect(r.exit).toBe(0)
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: 'Procfile',
        message: `the app deploys on Dokku (app.json:2: its \`healthchecks\` key (Dokku's)), which builds the root Dockerfile as there is no .buildpacks, BUILDPACK_URL or project.toml: the Procfile's commands run in its image, in WORKDIR /app (the repository's backend/), with its ENV (${DOCS})`,
        severity: 'info',
      }),
    )
  })

  it('an exec-form ENTRYPOINT gets the Procfile line as its arguments: a script that execs "$@" runs it', () => {
    const dir = app({
      ...files,
      Dockerfile: `${dockerfile}ENTRYPOINT ["/app/entrypoint.sh"]\n`,
      'deploy/entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100'])
    expect(r.type('web').command).toBe('../deploy/entrypoint.sh gunicorn --config ../deploy/gunicorn.conf.py proj.wsgi')
    // The same numbers as without it: 12 + 4.
    expect(r.total).toBe(16)
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'Procfile')?.message).toContain('with its ENV, as arguments to its ENTRYPOINT (')
  })

  it('with a .buildpacks file Dokku builds with buildpacks: the Procfile runs from the root, where there is no proj module', () => {
    const r = planJson(join(app({...files, '.buildpacks': 'https://github.com/heroku/heroku-buildpack-python\n'}), 'Procfile'), ['--limit', '100'])
    expect(r.diagnostics.some((d) => d.message.includes('the app deploys on Dokku'))).toBe(false)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', processType: 'worker', message: expect.stringContaining('celery imports proj')}))
  })

  it('with nothing that says Dokku (no healthchecks, cron, CHECKS or DOKKU_SCALE), a Heroku app: the Dockerfile is not what runs', () => {
    const r = planJson(join(app({...files, 'app.json': '{"formation": {"web": {"quantity": 2}, "worker": {"quantity": 1}}}\n'}), 'Procfile'), ['--limit', '100'])
    expect(r.diagnostics.some((d) => d.message.includes('the app deploys on Dokku'))).toBe(false)
  })

  it('a CHECKS file says Dokku too', () => {
    const r = planJson(join(app({...files, CHECKS: '/health/ ok\n', 'app.json': '{"formation": {"web": {"quantity": 2}, "worker": {"quantity": 1}}}\n'}), 'Procfile'), ['--limit', '100'])
    expect(r.total).toBe(16)
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'Procfile')?.message).toContain("the app deploys on Dokku (CHECKS: a file only Dokku reads)")
  })
})

/**
 * A Procfile program that only the Dockerfile installs: `RUN pip install … gunicorn` while requirements.txt (what
 * Heroku's Python buildpack installs) does not list gunicorn. A buildpack build would not have the command, so the
 * Procfile runs in the image, where no buildpack sets WEB_CONCURRENCY: gunicorn's default, 1 worker
 * (gunicorn/config.py Workers: `int(os.environ.get("WEB_CONCURRENCY", 1))`). Made-up Django app; hand count:
 * 1 worker × 4 threads (--threads 4), Django without a pool: 4 per container. As a Heroku slug it would be the
 * Python buildpack's WEB_CONCURRENCY 2 on standard-1x × 4 = 8.
 */
describe('a Procfile program only the Dockerfile installs says the Procfile runs in the image', () => {
  const imageOnly = {
    Dockerfile: [
      'FROM python:3.12-slim',
      'WORKDIR /srv',
      'COPY requirements.txt .',
      'RUN pip install -r requirements.txt \\',
      '    # the web server is only in the image',
      '    && pip install --no-cache-dir gunicorn==22.0.0',
      'COPY . /srv',
      '',
    ].join('\n'),
    Procfile: 'web: gunicorn --threads 4 proj.wsgi -b 0.0.0.0:5000\n',
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
    'proj/__init__.py': '',
    'proj/settings.py': 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "proj",\n    }\n}\n',
    'proj/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
    'requirements.txt': 'Django==5.1\npsycopg==3.2.3\n',
  }
  const scale = ['--limit', '100', '--scale', 'web=1:standard-1x']

  it('gunicorn from the RUN (line 4) and not in requirements.txt: gunicorn default 1 worker × 4 threads = 4, said with the Dockerfile line', () => {
    const r = planJson(join(app(imageOnly), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 1, threadsPerProcess: 4})
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'Procfile')?.message
    expect(said).toContain("the app deploys on Dokku (Dockerfile:4: it installs `gunicorn` with pip, which the Procfile's `gunicorn` (Procfile:1) needs and no Python dependency file of the app lists")
  })

  it('requirements.txt lists gunicorn: a buildpack build has it, the Procfile is a Heroku one: WEB_CONCURRENCY 2 × 4 = 8', () => {
    const r = planJson(join(app({...imageOnly, 'requirements.txt': 'Django==5.1\ngunicorn==22.0.0\npsycopg==3.2.3\n'}), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 2})
    expect(r.diagnostics.some((d) => d.message.includes('the app deploys on Dokku'))).toBe(false)
  })

  it('a Dockerfile that installs only requirements.txt says nothing of the kind (gunicorn missing everywhere is not a Dokku sign)', () => {
    const r = planJson(join(app({...imageOnly, Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . /srv\nRUN pip install -r requirements.txt\n'}), 'Procfile'), scale)
    expect(r.diagnostics.some((d) => d.message.includes('the app deploys on Dokku'))).toBe(false)
  })
})

/**
 * A Dockerfile with several final stages (web-prod and worker-prod, each FROM a shared base; a builder stage only copied
 * from): with no --target, `docker build` builds the last. conncalc reads that one, and says so with the others, since an
 * image built elsewhere with --target (CI, then Dokku's git:from-image) may be another.
 */
describe('a Dockerfile with several final stages', () => {
  it('reads the last and says which others there are', () => {
    const stages = [
      'FROM python:3.12-slim AS builder',
      'RUN pip wheel -r requirements.txt -w /wheels',
      'FROM python:3.12-slim AS base',
      'COPY --from=builder /wheels /wheels',
      'WORKDIR /app',
      'COPY /backend /app',
      'FROM base AS web-prod',
      'COPY /deploy /app',
      'ENV GUNICORN_WORKERS=3',
      'FROM base AS worker-prod',
      'ENV CELERY_LOG=info',
      '',
    ].join('\n')
    const r = planJson(join(app({...files, Dockerfile: stages}), 'Procfile'), ['--limit', '100'])
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: 'Dockerfile',
        line: 10,
        message: 'Dockerfile has 2 final stages (web-prod, worker-prod); with no --target, `docker build` builds the last, worker-prod: assumed to be the image that runs, and read (web-prod not read)',
        severity: 'info',
      }),
    )
    // worker-prod has no deploy/ copy: gunicorn.conf.py is not in its /app (web's 1 worker, 2 threads… not read there).
    expect(r.type('worker')).toMatchObject({connections: 4})
  })

  it('says nothing for a builder stage followed by one runtime stage', () => {
    const twoStage = `FROM python:3.12-slim AS builder\nRUN pip wheel -r requirements.txt -w /wheels\n${dockerfile.replace('COPY ./requirements.txt', 'COPY --from=builder /wheels /wheels\nCOPY ./requirements.txt')}`
    const r = planJson(join(app({...files, Dockerfile: twoStage}), 'Procfile'), ['--limit', '100'])
    expect(r.type('web').connections).toBe(12)
    expect(r.diagnostics.filter((d) => d.message.includes('final stages'))).toEqual([])
  })
})
