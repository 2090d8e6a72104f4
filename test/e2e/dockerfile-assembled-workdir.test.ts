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
    // srv/ gives package.json (the wildcard `srv/package*.json`) and lib, tools/ gives jobs and bin, and the command's
    // index.js is in neither copy: no majority and no command file to break the tie.
    const r = planJson(join(app({...files, 'Dockerfile.api': files['Dockerfile.api'].replace('COPY srv/jobs ./jobs', 'COPY tools/jobs ./jobs').replace('COPY srv/index.js .', 'COPY tools/bin ./bin')}), 'fly.toml'), ['--limit', '100'])
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

describe("a WORKDIR holding a package's build output beside the workspace's packages folder, in equal numbers", () => {
  // The cjkootch/vex worker's shape: a pnpm monorepo's build stage (WORKDIR /repo) copies packages/ and apps/worker/ and
  // builds them; the runtime stage takes `COPY --from=build /repo/apps/worker/dist ./dist` and `COPY --from=build
  // /repo/packages ./packages` (and pnpm deploy's /out, not a repository path). One copy from apps/worker, one from the
  // root: no majority, but the image's CMD `node dist/main.js` runs what the apps/worker copy holds, so the WORKDIR is
  // apps/worker: tsc's outDir maps dist/main.js to src/main.ts, whose pool (packages/db, pg max 6) is counted.
  // Before: the root was read, dist/main.js mapped to nothing, 1 connection assumed.
  const mono = {
    'Dockerfile': [
      'FROM node:20-bookworm-slim AS build',
      'WORKDIR /repo',
      'COPY pnpm-workspace.yaml package.json ./',
      'COPY packages ./packages',
      'COPY apps/worker ./apps/worker',
      'RUN pnpm install && pnpm --filter @acme/worker run build && pnpm --filter @acme/worker --prod deploy /out',
      'FROM node:20-bookworm-slim AS runtime',
      'WORKDIR /app',
      'COPY --from=build /out/package.json ./',
      'COPY --from=build /out/node_modules ./node_modules',
      'COPY --from=build /repo/apps/worker/dist ./dist',
      'COPY --from=build /repo/packages ./packages',
      'CMD ["node", "dist/main.js"]',
      '',
    ].join('\n'),
    'apps/worker/package.json': '{"name": "@acme/worker", "type": "module", "scripts": {"build": "tsc -p tsconfig.json"}, "dependencies": {"@acme/db": "workspace:*"}}\n',
    'apps/worker/src/main.ts': "import {pool} from '@acme/db'\nsetInterval(() => pool.query('select 1'), 1000)\n",
    'apps/worker/tsconfig.json': '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}\n',
    'fly.toml': 'app = "acme-worker"\n',
    'package.json': '{"name": "acme", "private": true}\n',
    'packages/db/package.json': '{"name": "@acme/db", "main": "src/index.ts", "dependencies": {"pg": "^8.13.1"}}\n',
    'packages/db/src/index.ts': "import pg from 'pg'\nexport const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 6})\n",
    'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
  }

  it('runs the command in the folder whose copy holds dist/main.js: apps/worker, pool 6', () => {
    const r = planJson(join(app(mono), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6})
  })
})
