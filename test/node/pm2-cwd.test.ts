/**
 * pm2 ecosystem apps with `cwd` (a monorepo's container running `pm2-runtime ecosystem.config.js`, in the shape of
 * Peppermint-Lab/peppermint): pm2 starts each app in its cwd and resolves its script there (pm2 lib/Common.js
 * prepareAppConf: `cwd = path.resolve(app.cwd)`, `pm_exec_path = path.resolve(cwd, app.script)`; `node` itself is
 * found on PATH), so `{script: 'node', args: 'dist/main.js', cwd: 'apps/api'}` runs apps/api/dist/main.js, the
 * output of apps/api's `tsc` build (outDir dist, rootDir src).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const json = (v: unknown) => JSON.stringify(v, null, 2)
const run = (files: Record<string, string>) => analyzeWith(node, 'pm2-runtime ecosystem.config.js', files, {}, 'standard-2x')

const files = {
  'apps/api/package.json': json({dependencies: {fastify: '^5.1.0', knex: '^3.1.0', pg: '^8.13.0'}, main: 'dist/main.js', scripts: {build: 'tsc'}}),
  'apps/api/src/db.ts': "import knex from 'knex'\nexport const db = knex({client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 6}})\n",
  'apps/api/src/main.ts': "import Fastify from 'fastify'\nimport {db} from './db'\nconst app = Fastify()\napp.get('/', async () => db.raw('select 1'))\napp.listen({port: 5003})\n",
  'apps/api/tsconfig.json': json({compilerOptions: {outDir: 'dist', rootDir: 'src'}}),
  'apps/worker/jobs.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 3})\nsetInterval(() => pool.query('select 1'), 1000)\n",
  'ecosystem.config.js': [
    'module.exports = {',
    '  apps: [',
    "    {name: 'api', script: 'node', args: 'dist/main.js', cwd: 'apps/api', instances: 2},",
    "    {name: 'jobs', script: 'jobs.js', cwd: './apps/worker/'},",
    '  ],',
    '}',
  ].join('\n'),
  'package.json': json({dependencies: {pg: '^8.13.0'}, private: true, workspaces: ['apps/*']}),
}

describe('pm2 apps started in their cwd', () => {
  it("an app's node script and its args are read from its cwd's package (was: dist/main.js looked for at the root, 1 connection assumed)", async () => {
    const a = await run(files)
    // First app, api: 2 instances × knex max 6 (apps/api/src/db.ts, dist/main.js mapped back through apps/api's tsc).
    expect(a.processesPerDyno.value).toBe(2)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['knex apps/api/src/db.ts:2', 6]])
    expect(a.threadsPerProcess.value).toBe(6)
    expect(describeSourced(a.processesPerDyno)).toContain('pm2 starts the app in its cwd, apps/api/ (the package apps/api/package.json)')
    // Second app, jobs: its script is apps/worker/jobs.js (a folder without a package.json of its own): 1 × pg max 3 beside.
    expect(a.extrasPerDyno?.map((e) => [e.reason.split(':')[0], e.count.value])).toEqual([['pm2 app "jobs" (jobs.js) in ecosystem.config.js', 3]])
  })
})
