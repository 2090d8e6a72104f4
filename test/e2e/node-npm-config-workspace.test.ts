/**
 * npm reads `npm_config_*` environment variables, case-insensitively, as its config (npm docs, "config": environment
 * variables): with NPM_CONFIG_WORKSPACE=api (a fly.toml [env], a Dockerfile ENV, a config var), `npm start` at the
 * workspace root runs the api workspace's start script, as `npm -w api start` does. Made-up npm-workspaces monorepo on
 * Fly: one root Dockerfile (`CMD ["npm", "start"]`, ENV NPM_CONFIG_WORKSPACE=""), the root package.json has no start
 * script, api/fly.toml sets NPM_CONFIG_WORKSPACE = "api":
 * - api/package.json `start: node bin/api.js`, a pg Pool max 40: 40. Before: npm's default `node server.js` at the root,
 *   not there: 1*.
 * - The api also imports the shared db package for a constant; that package's exported `createPool` (an arrow function
 *   bound to a const, pg Pool max 25) is called only by jobs/bin/jobs.js, which the api process does not load and jobs'
 *   start script runs (`node bin/jobs.js`): that pool is the jobs program's, not counted (40). A caller no script runs
 *   (a module something else may load) keeps it counted, starred, naming jobs/bin/jobs.js:3 (65).
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const monorepo = (apiMain: string) =>
  app({
    'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --workspaces\nENV NPM_CONFIG_WORKSPACE=""\nCMD ["npm", "start"]\n',
    'package.json': JSON.stringify({name: 'tally', private: true, workspaces: ['api', 'db', 'jobs']}, null, 2),
    'api/fly.toml': 'app = "tally-api"\n\n[env]\n  NPM_CONFIG_WORKSPACE = "api"\n\n[http_service]\n  internal_port = 8080\n',
    'api/package.json': JSON.stringify({name: '@tally/api', dependencies: {'@tally/db': '*', pg: '^8.13.0'}, scripts: {start: 'node bin/api.js'}}, null, 2),
    'api/bin/api.js': apiMain,
    'db/package.json': JSON.stringify({name: '@tally/db', main: 'index.js', dependencies: {pg: '^8.13.0'}}, null, 2),
    'db/index.js': ["const pg = require('pg')", '', "const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://localhost/tally'", 'const createPool = async () => {', '  const pool = new pg.Pool({connectionString: DATABASE_URL, max: 25})', "  await pool.query('select 1')", '  return pool', '}', '', 'module.exports = {DATABASE_URL, createPool}'].join('\n'),
    'jobs/package.json': JSON.stringify({name: '@tally/jobs', dependencies: {'@tally/db': '*'}, scripts: {start: 'node bin/jobs.js'}}, null, 2),
    'jobs/bin/jobs.js': ["const {createPool} = require('@tally/db')", '', 'createPool().then((pool) => setInterval(() => pool.query("select 1"), 5000))'].join('\n'),
  })

const fly = (dir: string) => planJson(join(dir, 'api/fly.toml'), ['--plan', 'standard-0', '--root', dir, '--scale', 'app=1']).type('app')

describe('NPM_CONFIG_WORKSPACE selects the workspace `npm start` runs', () => {
  it('runs the api workspace start script: its Pool max 40', () => {
    const t = fly(monorepo(["const pg = require('pg')", 'const pool = new pg.Pool({max: 40})', "require('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)"].join('\n')))
    expect(t).toMatchObject({connections: 40, poolPerProcess: 40})
    expect(t.databases).toEqual(['pg api/bin/api.js:2'])
  })

  const reachesDb = ["const {DATABASE_URL} = require('@tally/db')", "const pg = require('pg')", 'const pool = new pg.Pool({connectionString: DATABASE_URL, max: 40})', "require('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)"].join('\n')

  it('a pool in a db-package function only another program calls (jobs/bin/jobs.js, run by its start script) is not counted: 40', () => {
    const dir = monorepo(reachesDb)
    const t = fly(dir)
    expect(t.connections).toBe(40)
    expect(t.databases).toEqual(['pg api/bin/api.js:3'])
    const r = planJson(join(dir, 'api/fly.toml'), ['--plan', 'standard-0', '--root', dir, '--scale', 'app=1'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'db/index.js', line: 5, message: expect.stringContaining('`createPool()` (db/index.js:4) makes it, and it is called only by code this process does not load, each a program of its own: jobs/bin/jobs.js:3 (jobs/package.json\'s "start" script runs it (`node bin/jobs.js`))')}))
  })

  it('called by a file no script runs (a module a framework may load): the 25 counted, starred, naming the caller: 65', () => {
    const dir = monorepo(reachesDb)
    writeFileSync(join(dir, 'jobs/package.json'), JSON.stringify({name: '@tally/jobs', dependencies: {'@tally/db': '*'}}, null, 2))
    const t = fly(dir)
    expect(t.connections).toBe(65)
    const via = t.sources.threadsPerProcess.via ?? []
    expect(via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('`createPool()` (db/index.js:4), which the code conncalc read for this process does not call: it is called at jobs/bin/jobs.js:3')}))
  })
})
