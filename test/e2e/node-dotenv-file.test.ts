/**
 * A committed env file the Node process loads into process.env at run time (the shape of
 * SoftwareBrothers/adminjs-example-app: `dotenv.config({path: `${process.cwd()}/.env`})` at the top of src/index.ts, then
 * `switch (process.env.SERVER) { case 'EXPRESS': await import('./servers/express/index.js') … }`). dotenv's populate()
 * writes a key only when process.env lacks it, unless `override` (https://github.com/motdotla/dotenv/blob/v16.4.5/lib/main.js),
 * and Node's --env-file leaves what the environment sets (https://nodejs.org/api/cli.html#--env-filefile): the file is
 * read below the env, its lines named as the source. A gitignored file is not deployed, so not read.
 * Before: the file was not read for Node (POOL_MAX unset → 10; SERVER unset → every case's import() followed).
 *
 * Made-up apps. Node's queries at once are the pools' sum, so each pool fills: connections = the pools' sum.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'web: npm start\n',
  'package.json': JSON.stringify({dependencies: {dotenv: '^16.4.5', knex: '^3.1.0', pg: '^8.11.0'}, engines: {node: '20.x'}, scripts: {start: 'node src/index.js'}, type: 'module'}, null, 2),
  // Shows dotenv depends on neither knex nor pg: with SERVER=web, nothing the process loads can load knex.
  'package-lock.json': JSON.stringify({lockfileVersion: 3, name: 'app', packages: {'': {dependencies: {dotenv: '^16.4.5', knex: '^3.1.0', pg: '^8.11.0'}}, 'node_modules/dotenv': {version: '16.4.5'}, 'node_modules/knex': {version: '3.1.0'}, 'node_modules/pg': {version: '8.11.0'}}}),
  'config/app.env': ['# local settings', 'POOL_MAX=7', 'SERVER=reports', 'DATABASE_URL=postgres://dev@localhost/dev', ''].join('\n'),
  'src/index.js': [
    "import dotenv from 'dotenv'",
    'dotenv.config({path: `${process.cwd()}/config/app.env`})',
    '',
    'switch (process.env.SERVER) {',
    "  case 'reports':",
    "    await import('./reports.js')",
    '    break',
    "  case 'web':",
    "    await import('./web.js')",
    '    break',
    '}',
  ].join('\n'),
  'src/db.js': ["import pg from 'pg'", 'export const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX || 10)})'].join('\n'),
  'src/reports.js': [
    "import knex from 'knex'",
    "import {pool} from './db.js'",
    "export const db = knex({client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 6}})",
    "setInterval(async () => console.log(await db('events').count(), await pool.query('select 1')), 60000)",
  ].join('\n'),
  'src/web.js': ["import http from 'node:http'", "import {pool} from './db.js'", "http.createServer(async (req, res) => res.end(JSON.stringify((await pool.query('select 1')).rows))).listen(process.env.PORT)"].join('\n'),
}

const plan = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])
const pools = (r: ReturnType<typeof plan>) => Object.fromEntries(Object.entries(r.type('web').sources).filter(([k]) => k.startsWith('pool.')).map(([k, v]) => [k.slice('pool.'.length).split(' ')[0], v.value]))

describe('Node: an env file loaded with dotenv', () => {
  const dir = app(files)

  it('reads the file the code loads: POOL_MAX=7 and SERVER=reports, whose case imports the knex module: 7 + 6 = 13', () => {
    const r = plan(dir)
    expect(r.total).toBe(13)
    expect(pools(r)).toEqual({knex: 6, pg: 7})
    expect(JSON.stringify(r.type('web').sources)).toContain('config/app.env:2')
  })

  it('the environment wins over the file: POOL_MAX=3 → 3 + 6; SERVER=web takes the other case, whose module makes no pool: 7', () => {
    expect(plan(dir, ['POOL_MAX=3']).total).toBe(9)
    const web = plan(dir, ['SERVER=web'])
    expect(web.total).toBe(7)
    expect(pools(web)).toEqual({pg: 7})
    expect(web.diagnostics.map((d) => d.message)).toContain('knex is imported only by code web does not load: its whole import graph was read (3 modules, and package-lock.json shows none of the packages it imports depends on knex), so it makes no knex pool; the pool it makes (pg) is counted instead')
  })

  it('a gitignored file is not deployed, so not read: POOL_MAX has no value, pg’s Pool gets 10', () => {
    const r = plan(app({...files, '.gitignore': 'node_modules\nconfig/app.env\n'}))
    expect(pools(r).pg).toBe(10)
  })

  it('node -r dotenv/config and --env-file read the root .env', () => {
    const plain = {
      '.env': 'POOL_MAX=5\n',
      'package.json': JSON.stringify({dependencies: {dotenv: '^16.4.5', pg: '^8.11.0'}, engines: {node: '20.x'}}, null, 2),
      'src/db.js': files['src/db.js'].replace("import pg from 'pg'", "const pg = require('pg')").replace('export const pool =', 'module.exports.pool ='),
    }
    expect(plan(app({...plain, Procfile: 'web: node -r dotenv/config src/db.js\n'})).total).toBe(5)
    expect(plan(app({...plain, Procfile: 'web: node --env-file=.env src/db.js\n'})).total).toBe(5)
    expect(plan(app({...plain, Procfile: 'web: node src/db.js\n'})).total).toBe(10)
  })
})
