/**
 * An image whose WORKDIR is put together from one folder of the repository, file by file and folder by folder under
 * their own names (`COPY srv/package.json ./`, `COPY srv/lib ./lib`, `COPY srv/index.js .`), with a key file copied
 * from the root beside them: the commands run in srv/, so `node index.js` is srv/index.js (procfile/container.ts).
 * A made-up fly.toml app in the shape of a Node API whose Dockerfile copies its run/ folder piece by piece.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  'Dockerfile.api': [
    'FROM node:20-alpine',
    'WORKDIR /app',
    'COPY srv/package*.json ./',
    'RUN npm ci --omit=dev',
    'COPY srv/lib ./lib',
    'COPY srv/jobs ./jobs',
    'COPY srv/index.js .',
    'COPY service-key.json ./service-key.json',
    'CMD ["node", "index.js"]',
    '',
  ].join('\n'),
  'fly.toml': 'app = "ledger"\n\n[build]\n  dockerfile = "Dockerfile.api"\n\n[processes]\n  web = "node index.js"\n  jobs = "node jobs/run.js"\n',
  'service-key.json': '{}\n',
  'srv/index.js': "const {pool} = require('./lib/db')\nrequire('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
  'srv/jobs/run.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 2})\nsetInterval(() => pool.query('select 1'), 1000)\n",
  'srv/lib/db.js': "const {Pool} = require('pg')\nexports.pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})\n",
  'srv/package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n',
}

describe('a WORKDIR assembled from one folder of the repository', () => {
  it('runs the commands in that folder: web is srv/index.js (pool 6), jobs srv/jobs/run.js (pool 2)', () => {
    const r = planJson(join(app(files), 'fly.toml'), ['--limit', '100', '--scale', 'web=2', '--scale', 'jobs=1'])
    // web: 2 Machines × 1 Node process × pg Pool max 6 (srv/lib/db.js) = 12; jobs: 1 × max 2 = 2.
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(r.type('jobs')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.total).toBe(14)
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('copies from two folders in equal numbers do not say which one the WORKDIR is: the build context (the root) is read', () => {
    const r = planJson(join(app({...files, 'Dockerfile.api': files['Dockerfile.api'].replace('COPY srv/jobs ./jobs', 'COPY tools/jobs ./jobs').replace('COPY srv/lib ./lib', 'COPY tools/lib ./lib')}), 'fly.toml'), ['--limit', '100'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('web: index.js is not in the app')}))
  })
})

describe('a WORKDIR holding one built file copied from a build stage under the same path below a folder', () => {
  // A builder stage copies the repository to /app and builds packages/api (`tsc` writes dist/server.js); the runtime stage
  // takes only that file: `COPY --from=build /app/packages/api/dist/server.js ./dist/server.js`. dist/server.js below the
  // WORKDIR is packages/api/dist/server.js below packages/api: the command runs there, and tsc's outDir maps the built
  // file back to packages/api/src/server.ts (pg Pool max 9). Before, /app was the repository root, where dist/server.js is
  // nothing conncalc can map: no code was read and 1 connection was assumed.
  const built = {
    'Dockerfile': [
      'FROM node:22-slim AS build',
      'WORKDIR /app',
      'COPY . .',
      'RUN npm ci && npm run build --workspace packages/api',
      'FROM node:22-slim',
      'WORKDIR /app',
      'COPY --from=build /app/node_modules ./node_modules',
      'COPY --from=build /app/packages/api/dist/server.js ./dist/server.js',
      'CMD ["node", "dist/server.js"]',
      '',
    ].join('\n'),
    'fly.toml': 'app = "tally"\n',
    'package.json': '{"name": "tally", "private": true, "workspaces": ["packages/*"]}\n',
    'packages/api/package.json': '{"name": "@tally/api", "scripts": {"build": "tsc"}, "dependencies": {"pg": "^8.13.1"}}\n',
    'packages/api/src/server.ts': "import {Pool} from 'pg'\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 9})\nrequire('node:http').createServer(async (_q: unknown, res: {end: (s: string) => void}) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
    'packages/api/tsconfig.json': '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}\n',
  }

  it('runs the command in that folder: app is packages/api/src/server.ts (pool 9)', () => {
    const r = planJson(join(app(built), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 9, poolPerProcess: 9})
  })
})
