/**
 * A monorepo image whose final stage takes a workspace package's build output from the builder piece by piece
 * (`COPY --from=builder /app/packages/server/package.json ./packages/server/package.json`, `…/dist ./packages/server/dist`,
 * `…/scripts ./packages/server/scripts`), WORKDIR /app/packages/server, and adds files into the build output
 * (`COPY --from=builder /app/packages/server/src/mail/templates ./packages/server/dist/mail/templates`): the
 * logchimp/logchimp packages/server/Dockerfile shape. The command runs in packages/server, so dist/index.js is read from
 * its source src/index.ts through tsconfig.json's outDir, and the pg Pool there (max 7) is counted.
 * Before: the templates copy (below WORKDIR, from a folder that is not the package's) made the WORKDIR's folder unknown, so
 * the command ran from the repository root, dist/index.js was "not in the app", and pg's default pool 10 was assumed from
 * package.json's dependencies (10*).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dockerfile = (templates: boolean) =>
  [
    'FROM node:22-alpine AS builder',
    'WORKDIR /app',
    'COPY ./packages/server/package.json ./packages/server/package.json',
    'COPY ./package.json ./pnpm-lock.yaml ./pnpm-workspace.yaml ./',
    'RUN npm i -g pnpm && pnpm install --frozen-lockfile',
    'COPY ./packages/server ./packages/server/',
    'RUN pnpm --filter="@acme/api" exec pnpm tsc',
    'FROM node:22-alpine',
    'WORKDIR /app',
    'ENV NODE_ENV=production',
    'COPY --from=builder /app/package.json ./package.json',
    'COPY --from=builder /app/pnpm-workspace.yaml ./pnpm-workspace.yaml',
    'COPY --from=builder /app/packages/server/package.json ./packages/server/package.json',
    'COPY --from=builder /app/packages/server/dist ./packages/server/dist',
    'COPY --from=builder /app/packages/server/scripts ./packages/server/scripts',
    ...(templates ? ['COPY --from=builder /app/packages/server/src/mail/templates ./packages/server/dist/mail/templates'] : []),
    'RUN npm i -g pnpm && pnpm install --filter="@acme/api"',
    'WORKDIR /app/packages/server',
    'CMD ["./scripts/docker-entrypoint.sh"]',
  ].join('\n')

const files = (templates: boolean) => ({
  'package.json': JSON.stringify({name: 'mono', private: true, scripts: {'server:start': 'pnpm --filter @acme/api start'}}, null, 2),
  'packages/server/Dockerfile': dockerfile(templates),
  'packages/server/package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.16.0'}, name: '@acme/api', scripts: {start: 'node index.js'}}, null, 2),
  'packages/server/scripts/docker-entrypoint.sh': ['#!/usr/bin/env sh', 'set -e', '', 'exec node ./dist/index.js', ''].join('\n'),
  'packages/server/src/db.ts': ["import pg from 'pg'", '', 'export const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 7})', ''].join('\n'),
  'packages/server/src/index.ts': ["import express from 'express'", "import {pool} from './db'", '', 'const app = express()', "app.get('/', async (_req, res) => res.json((await pool.query('select 1')).rows))", 'app.listen(process.env.PORT || 8000)', ''].join('\n'),
  'packages/server/src/mail/templates/welcome.html': '<p>Welcome</p>\n',
  'packages/server/tsconfig.json': JSON.stringify({compilerOptions: {module: 'commonjs', outDir: './dist', rootDir: './src', target: 'ES2020'}, include: ['src/**/*.ts']}, null, 2),
  'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
})

describe('an image that adds files into the build output it copied below WORKDIR', () => {
  for (const templates of [false, true]) {
    it(`runs packages/server/dist/index.js from its source: pg Pool max 7, unstarred${templates ? ' (with the templates copied into dist/)' : ''}`, () => {
      const dir = app(files(templates))
      const r = planJson(join(dir, 'packages/server/Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
      // 1 process × pg Pool max 7 (packages/server/src/db.ts:3) = 7.
      expect(r.type('web')).toMatchObject({connections: 7, processesPerDyno: 1, threadsPerProcess: 7})
      expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'packages/server/src/db.ts', kind: 'file', line: 3})
      expect(r.total).toBe(7)
      expect(r.diagnostics.filter((d) => /not in the app/.test(d.message))).toEqual([])
    })
  }
})

/**
 * A copy into a folder an earlier copy put below WORKDIR that names its repository folder through the stage it comes
 * from still counts in the vote for the WORKDIR's folder (the hotosm/field-tm shape): the final stage has
 * `COPY migrations/ /opt/migrations/` (the root) and `COPY backend/app/ /opt/app/` (backend), one each, and a
 * `COPY --from=css /opt/app/static/css/app.css /opt/app/static/css/app.css` from a stage whose /opt/app is backend/app.
 * That copy makes backend the folder (2 of 3), so `uvicorn app.main:api` imports backend/app/main.py: its
 * psycopg_pool AsyncConnectionPool max_size 7 on one worker = 7. Skipping it (a tie, read as the root) found no app
 * module and counted 1*.
 */
describe('an image that copies a built file into a folder an earlier copy of the repository filled', () => {
  it('reads the WORKDIR as backend/: the pool of backend/app/main.py, 7', () => {
    const dir = app({
      Dockerfile: [
        'FROM python:3.12-slim AS runtime',
        'WORKDIR /opt',
        'COPY backend/requirements.txt /tmp/requirements.txt',
        'RUN pip install -r /tmp/requirements.txt',
        'COPY migrations/ /opt/migrations/',
        'COPY backend/app/ /opt/app/',
        'FROM runtime AS css',
        'RUN lightningcss --minify /opt/app/static/css/app.css -o /opt/app/static/css/app.css',
        'FROM runtime AS prod',
        'COPY --from=css /opt/app/static/css/app.css /opt/app/static/css/app.css',
        'CMD ["uvicorn", "app.main:api", "--host", "0.0.0.0", "--port", "8000", "--workers", "1"]',
      ].join('\n'),
      'backend/app/__init__.py': '',
      'backend/app/main.py': [
        'import os',
        '',
        'from psycopg_pool import AsyncConnectionPool',
        'from starlette.applications import Starlette',
        '',
        'pool = AsyncConnectionPool(conninfo=os.environ["DATABASE_URL"], min_size=1, max_size=7, open=False)',
        'api = Starlette(on_startup=[pool.open])',
        '',
      ].join('\n'),
      'backend/app/static/css/app.css': 'body { margin: 0; }\n',
      'backend/requirements.txt': 'psycopg[binary]==3.2.3\npsycopg-pool==3.2.4\nstarlette==0.41.3\nuvicorn==0.32.1\n',
      'migrations/001.sql': 'create table t (id int);\n',
    })
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    // uvicorn --workers 1: 1 process; every pooled connection can be in use at once on its event loop: max_size 7.
    expect(r.type('web')).toMatchObject({connections: 7, processesPerDyno: 1})
    expect(r.total).toBe(7)
  })
})
