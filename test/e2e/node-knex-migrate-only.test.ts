/**
 * A knex instance made only to run the migrations before the server listens, then never queried (the HMPPS Node
 * template's server.ts, ministryofjustice/use-of-force: `const knex1 = knex(init); knex1.migrate.latest().then(() =>
 * app.listen(…))`, the app's queries going through a pg Pool of its own). knex 3.1.0 lib/migrations/migrate/Migrator.js
 * latest() runs the lock and every migration in one transaction: 1 connection, which the pool keeps idle afterwards
 * (tarn reaps idle connections only above pool.min). Hand: pg Pool max 8 + 1 = 9. Before: the instance counted at
 * knex's default max 10 (18). An instance the app also queries keeps its max: 8 + 10 = 18.
 *
 * The chained form of the template's TypeScript server.ts (ministryofjustice/licences: `import knexfile from
 * './knexfile'` of `export default {client: 'pg', …}`, then `knex({ ...knexfile }).migrate.latest().then(…)`): the
 * call was not read at all (a method of a property of its result), so the knexfile was counted on its own at knex's
 * max 10 (18). Now 1 + 8 = 9; the knexfile's own pool.max 4 spread into an instance the app queries: 4 + 8 = 12.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

const server = (uses: string) =>
  app({
    Procfile: 'web: node server.js\n',
    'db.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 8})\nmodule.exports = {query: (text, params) => pool.query(text, params)}\n",
    'knexfile.js': "module.exports = {client: 'pg', connection: process.env.DATABASE_URL, acquireConnectionTimeout: 5000}\n",
    'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.11.0'}, engines: {node: '20.x'}}),
    'server.js': [
      "const knex = require('knex')",
      "const knexfile = require('./knexfile')",
      "const db = require('./db')",
      "const app = require('node:http').createServer(async (req, res) => res.end(JSON.stringify((await db.query('select 1')).rows)))",
      'const knex1 = knex({...knexfile})',
      uses,
    ].join('\n'),
  })

const tsServer = (knexfilePool: string, uses: string) =>
  app({
    Procfile: 'web: node dist/server.js\n',
    'knexfile.ts': `export default {\n  client: 'pg',\n  connection: {host: process.env.DB_SERVER, database: 'app'},\n  acquireConnectionTimeout: 5000,${knexfilePool}\n}\n`,
    'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.11.0'}, devDependencies: {typescript: '^5.4.0'}, engines: {node: '20.x'}, scripts: {build: 'tsc', start: 'node dist/server.js'}}),
    'server.ts': [
      "import knex from 'knex'",
      "import {createServer} from 'node:http'",
      "import {Pool} from 'pg'",
      "import knexfile from './knexfile'",
      'const pool = new Pool({max: 8})',
      "const app = createServer(async (req, res) => res.end(JSON.stringify((await pool.query('select 1')).rows)))",
      uses,
    ].join('\n'),
    'tsconfig.json': JSON.stringify({compilerOptions: {esModuleInterop: true, module: 'commonjs', outDir: 'dist'}}),
  })

describe('a knex instance that only runs the migrations', () => {
  it('chained on a TypeScript knexfile spread (knex({ ...knexfile }).migrate.latest().then(…)): 1 + the pg Pool 8 = 9', () => {
    const r = plan(tsServer('', 'knex({ ...knexfile })\n  .migrate.latest()\n  .then(() => app.listen(process.env.PORT))'))
    expect(r.total).toBe(9)
    expect([...r.processTypes[0].databases].sort()).toEqual(['knex server.ts:7', 'pg server.ts:5'])
  })

  it("a queried instance made from the spread knexfile takes the knexfile's pool.max 4: 4 + 8 = 12", () => {
    const r = plan(tsServer('\n  pool: {min: 0, max: 4},', "export const db = knex({ ...knexfile })\napp.listen(process.env.PORT)\nsetInterval(() => db('users').count(), 60000)"))
    expect(r.total).toBe(12)
  })

  it('knex1.migrate.latest() then listen: 1 connection of it + the pg Pool 8 = 9', () => {
    const r = plan(server('knex1.migrate.latest().then(() => app.listen(process.env.PORT))'))
    expect(r.total).toBe(9)
  })

  it('also queried (knex1("users")): its pool max 10 + 8 = 18', () => {
    const r = plan(server("knex1.migrate.latest().then(() => app.listen(process.env.PORT))\nsetInterval(() => knex1('users').count(), 60000)"))
    expect(r.total).toBe(18)
  })
})
