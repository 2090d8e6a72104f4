/**
 * An entrypoint script that names the image's files by absolute path, where a COPY of the Dockerfile put them:
 * - betagouv/api-engagement api/docker-entrypoint.sh: `exec node /workspace/api/dist/index.js` after the builder stage's
 *   `COPY api ./api` under WORKDIR /workspace and the final stage's `COPY --from=builder /workspace/api/dist ./dist`. The
 *   file is api/dist/index.js, which tsc builds from api/src (tsconfig.build.json rootDir src, outDir dist). Was: "not in
 *   the app", no code read, one connection assumed (1*).
 * - `cd /srv/app/src` then `exec node index.js`, with `COPY . .` under WORKDIR /srv/app: the repository's src/. Was: the
 *   folder unknown, read from the root (the package's pg dependency at its default 10, assumed).
 * - `exec gunicorn -c /srv/app/deploy/gunicorn.conf.py app.wsgi`: the repository's deploy/gunicorn.conf.py (workers 3,
 *   threads 4). Was: gunicorn's defaults, 1 worker of 1 thread, with nothing said.
 * A CMD's own words were mapped already (procfile/container.ts inRepo); these are the words of a script it runs.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string, dockerfile = 'Dockerfile') => planJson(join(dir, dockerfile), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])

describe('absolute image paths in an entrypoint script', () => {
  it('node /workspace/api/dist/index.js is api/dist/index.js, built by tsc from api/src: pg Pool max 20', () => {
    const dir = app({
      'api/Dockerfile.production': [
        'FROM node:24-bookworm-slim AS builder',
        'WORKDIR /workspace',
        'COPY package.json ./',
        'COPY api/package.json ./api/',
        'RUN npm ci',
        'COPY api ./api',
        'WORKDIR /workspace/api',
        'RUN npm run build',
        'FROM node:24-bookworm-slim',
        'WORKDIR /workspace',
        'COPY package.json ./',
        'COPY api/package.json ./api/',
        'RUN npm ci --omit=dev',
        'WORKDIR /workspace/api',
        'COPY --from=builder /workspace/api/dist ./dist',
        'COPY api/docker-entrypoint.sh /workspace/api/docker-entrypoint.sh',
        'CMD ["/workspace/api/docker-entrypoint.sh"]',
      ].join('\n'),
      'api/docker-entrypoint.sh': '#!/bin/sh\necho "Setting up search collections..."\nnode /workspace/api/dist/jobs/setup.js\nexec node /workspace/api/dist/index.js\n',
      'api/package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'api', scripts: {build: 'tsc -p tsconfig.build.json', start: 'node dist/index.js'}}),
      'api/src/db.ts': "import {Pool} from 'pg'\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 20})\n",
      'api/src/index.ts': "import {pool} from './db'\nexport const ready = pool.query('select 1')\n",
      'api/src/jobs/setup.ts': "console.log('no database here')\n",
      'api/tsconfig.build.json': JSON.stringify({compilerOptions: {outDir: './dist', rootDir: './src'}, include: ['src/**/*']}),
      'package.json': JSON.stringify({name: 'root', private: true, workspaces: ['api']}),
    })
    const r = plan(dir, 'api/Dockerfile.production')
    expect(r.type('web')).toMatchObject({connections: 20, server: 'node'})
    expect(r.diagnostics.some((d) => /is not in the app/.test(d.message))).toBe(false)
  })

  it('cd /srv/app/src is the repository folder src/ the COPY put there: pg Pool max 7', () => {
    const dir = app({
      Dockerfile: 'FROM node:22\nWORKDIR /srv/app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCMD ["/srv/app/bin/start.sh"]\n',
      'bin/start.sh': '#!/bin/sh\nset -e\ncd /srv/app/src\nexec node index.js\n',
      'package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'app'}),
      'src/index.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 7})\n",
    })
    const r = plan(dir)
    expect(r.type('web')).toMatchObject({connections: 7, server: 'node'})
    expect(r.diagnostics.some((d) => /the folder is not known here/.test(d.message))).toBe(false)
  })

  it('gunicorn -c /srv/app/deploy/gunicorn.conf.py reads that file: 3 workers x 4 threads = 12', () => {
    const dir = app({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv/app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["/srv/app/deploy/start.sh"]\n',
      'app/__init__.py': '',
      'app/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}\n',
      'app/wsgi.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\nfrom django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
      'deploy/gunicorn.conf.py': 'workers = 3\nthreads = 4\n',
      'deploy/start.sh': '#!/bin/sh\nexec gunicorn -c /srv/app/deploy/gunicorn.conf.py app.wsgi\n',
      'requirements.txt': 'django\ngunicorn\npsycopg2\n',
    })
    expect(plan(dir).type('web')).toMatchObject({connections: 12, server: 'gunicorn'})
  })
})
