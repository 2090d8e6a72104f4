/**
 * A database URL var with no value whose fallback the code writes (the shape of CheckerNetwork/spark-stats db/index.js:
 * `const {DATABASE_URL = 'postgres://localhost:5432/spark_stats', EVALUATE_DB_URL = 'postgres://localhost:5432/spark_evaluate'}
 * = process.env`, a pg Pool of max 100 on each). The fallback is the developer's database; the deploy sets the var, and a
 * URL var beside the platform's is a second database (model/other-server.ts), as when the code gives it no fallback.
 * Before, the fallback's literal host made the pool count on the plan's server with nothing said: 100 + 100 = 200.
 * pg's Pool holds at most `max` connections (pg-pool index.js `this.options.max`); Node can check out every one at once.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pkg = JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.11.0'}, engines: {node: '20.x'}, type: 'module'}, null, 2)
const server = [
  "import http from 'node:http'",
  "import {getPools} from './db/index.js'",
  'const pools = await getPools()',
  "http.createServer(async (req, res) => res.end(String((await pools.stats.query('select 1')).rowCount))).listen(process.env.PORT)",
].join('\n')

const two = app({
  Procfile: 'web: node server.js\n',
  'db/index.js': [
    "import pg from 'pg'",
    'const {',
    "  DATABASE_URL = 'postgres://localhost:5432/stats',",
    "  EVALUATE_DB_URL = 'postgres://localhost:5432/evaluate'",
    '} = process.env',
    'const poolConfig = {min: 0, max: 100}',
    'export const getPools = async () => {',
    '  const stats = new pg.Pool({...poolConfig, connectionString: DATABASE_URL})',
    '  const evaluate = new pg.Pool({...poolConfig, connectionString: EVALUATE_DB_URL})',
    '  return {evaluate, stats}',
    '}',
  ].join('\n'),
  'package.json': pkg,
  'server.js': server,
})

// The app's only database through a var of its own with a fallback (`||`).
const own = app({
  Procfile: 'web: node server.js\n',
  'db/index.js': [
    "import knex from 'knex'",
    'export const getPools = async () => {',
    "  const stats = knex({client: 'pg', connection: process.env.PG_URL || 'postgres://localhost/app', pool: {min: 0, max: 7}})",
    '  return {stats}',
    '}',
  ].join('\n'),
  'package.json': pkg,
  'server.js': server,
})

// A URL chosen by a mode var that names no URL: the literal is not a URL var's fallback.
const mode = app({
  Procfile: 'web: node server.js\n',
  'db/index.js': [
    "import pg from 'pg'",
    'export const getPools = async () => {',
    "  const stats = new pg.Pool({connectionString: process.env.APP_MODE === 'live' ? process.env.PG_URL : 'postgres://localhost/app', max: 3})",
    '  return {stats}',
    '}',
  ].join('\n'),
  'package.json': pkg,
  'server.js': server,
})

const plan = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('Node: a database URL var whose fallback the code writes', () => {
  it('beside DATABASE_URL, with no value: a second database, listed on an unknown server and said (100, not 200)', () => {
    const r = plan(two)
    expect(r.total).toBe(100)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'pg db/index.js:9', pool: 100, server: 'unknown server: EVALUATE_DB_URL has no value'}])
    expect(r.diagnostics.find((d) => d.code === 'other-server-pools')?.message).toContain('EVALUATE_DB_URL has no value')
  })

  it('given on DATABASE_URL’s host and port: counted there, 200', () => {
    const r = plan(two, ['DATABASE_URL=postgres://u:p@db1:5432/stats', 'EVALUATE_DB_URL=postgres://u:p@db1:5432/evaluate'])
    expect(r.total).toBe(200)
    expect(r.type('web').otherServerPools).toEqual([])
  })

  it('given on another host: listed on its own server, 100', () => {
    const r = plan(two, ['DATABASE_URL=postgres://u:p@db1:5432/stats', 'EVALUATE_DB_URL=postgres://u:p@db2:5432/evaluate'])
    expect(r.total).toBe(100)
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 100, server: 'EVALUATE_DB_URL'}])
  })

  it('the only URL var the process reads: its own name for its database, counted on the plan, starred (7)', () => {
    const r = plan(own)
    expect(r.total).toBe(7)
    expect(r.type('web').otherServerPools).toEqual([])
    expect(r.type('web').sources['pool.knex db/index.js:3'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("PG_URL, which has no value here, and nothing else in this process connects to DATABASE_URL: taken as the app's own database")}))
  })

  it('a literal URL picked by a var that names no URL is counted on the plan as before (3), no server said', () => {
    const r = plan(mode)
    expect(r.total).toBe(3)
    expect(r.type('web').otherServerPools).toEqual([])
    expect(r.codes).not.toContain('other-server-pools')
  })
})
