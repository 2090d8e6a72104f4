/**
 * A knexfile that picks its client from the scheme of DATABASE_URL and gives its pools from env helpers (the shape of
 * rajnandan1/kener knexfile.ts): `databaseURL.split('://')[0]` decides an `if / else if` whose arms write their own keys
 * onto one object (`knexOb.client = 'pg'; knexOb.pool = webPool` in one, `knexOb.client = 'better-sqlite3'` in another),
 * `workerKnexOb` is null unless the PostgreSQL arm sets it, and `intFromEnv` checks `Number.isFinite(parsed) && parsed >= 0`.
 * knex's pool holds at most `pool.max` (tarn, knex lib/client.js); Node can check out every one at once.
 * Before: the arms' objects were the last arm's (no pool), the split, the list index, `>=` and Number.isFinite unread:
 * 1 connection, starred, in every case.
 * Also a repository that calls the query builder through a local name (`const knex = this.knex; knex('users')`): that is
 * no knex(config) (knex takes an object or a connection URL: lib/knex-builder/internal/config-resolver.js), so the
 * knexfile is not counted a second time (8 before, 4 now).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const arms = app({
  Procfile: 'web: node src/server.js\n',
  'knexfile.js': [
    "const databaseURL = process.env.DATABASE_URL || 'sqlite://./database/app.sqlite'",
    "const parts = databaseURL.split('://')",
    'const databaseType = parts[0]',
    'const intFromEnv = (name, fallback) => {',
    '  const raw = process.env[name]',
    '  if (raw === undefined) return fallback',
    '  const parsed = parseInt(raw, 10)',
    '  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback',
    '}',
    "const webPool = {min: 0, max: Math.max(1, intFromEnv('DATABASE_POOL_MAX', 10))}",
    "const workerPool = {min: 0, max: Math.max(1, intFromEnv('DATABASE_WORKER_POOL_MAX', 5))}",
    "const knexOb = {migrations: {directory: './migrations'}}",
    'let workerKnexOb = null',
    "if (databaseType === 'sqlite') {",
    "  knexOb.client = 'better-sqlite3'",
    '  knexOb.connection = {filename: parts[1]}',
    '  knexOb.useNullAsDefault = true',
    "} else if (databaseType === 'postgresql') {",
    "  knexOb.client = 'pg'",
    '  knexOb.connection = {connectionString: databaseURL}',
    '  knexOb.pool = webPool',
    '  workerKnexOb = {...knexOb, pool: workerPool}',
    '}',
    'export {workerKnexOb}',
    'export default knexOb',
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {'better-sqlite3': '^11.0.0', knex: '^3.1.0', pg: '^8.11.0'}, engines: {node: '20.x'}, type: 'module'}, null, 2),
  'src/server.js': [
    "import http from 'node:http'",
    "import Knex from 'knex'",
    "import knexOb, {workerKnexOb} from '../knexfile.js'",
    'const db = Knex(knexOb)',
    'const worker = workerKnexOb ? Knex(workerKnexOb) : db',
    "setInterval(() => worker('jobs').del(), 60000)",
    "http.createServer(async (req, res) => res.end(JSON.stringify(await db('users').count('* as n')))).listen(process.env.PORT)",
  ].join('\n'),
})

const repo = app({
  Procfile: 'web: node src/server.js\n',
  'knexfile.js': "export default {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 4}}\n",
  'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.11.0'}, engines: {node: '20.x'}, type: 'module'}, null, 2),
  'src/server.js': [
    "import http from 'node:http'",
    "import Knex from 'knex'",
    "import config from '../knexfile.js'",
    "import {Users} from './users.js'",
    'const users = new Users(Knex(config))',
    'http.createServer(async (req, res) => res.end(JSON.stringify(await users.count()))).listen(process.env.PORT)',
  ].join('\n'),
  'src/users.js': [
    'export class Users {',
    '  constructor(k) { this.k = k }',
    '  get knex() { return this.k }',
    '  async count() {',
    '    const knex = this.knex',
    "    return knex('users').count('* as n')",
    '  }',
    '}',
  ].join('\n'),
})

const plan = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])
const pools = (r: ReturnType<typeof plan>) => Object.entries(r.type('web').sources).filter(([k]) => k.startsWith('pool.')).map(([k, v]) => [k.slice('pool.'.length), v.value])

describe('Node: a knexfile whose arms are decided by the scheme of DATABASE_URL', () => {
  it('DATABASE_URL not given: the scheme is unknown, the PostgreSQL arm’s web 10 + worker 5 counted, starred', () => {
    const r = plan(arms)
    expect(r.total).toBe(15)
    expect(pools(r)).toEqual([['knex src/server.js:4', 10], ['knex src/server.js:5', 5]])
    expect(JSON.stringify(r.type('web').sources['pool.knex src/server.js:4'])).toContain('`knexOb.client` is \\"better-sqlite3\\" (line 15) or \\"pg\\" (line 19)')
  })

  it('a postgresql:// URL takes the PostgreSQL arm: the web pool unstarred, 10 + 5', () => {
    const r = plan(arms, ['DATABASE_URL=postgresql://u:p@db:5432/app'])
    expect(r.total).toBe(15)
    expect(r.type('web').sources['pool.knex src/server.js:4'].via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })

  it('DATABASE_POOL_MAX=7 passes the helper’s Number.isFinite(parsed) && parsed >= 0: 7 + 5', () => {
    const r = plan(arms, ['DATABASE_URL=postgresql://u:p@db:5432/app', 'DATABASE_POOL_MAX=7'])
    expect(r.total).toBe(12)
    expect(pools(r)).toEqual([['knex src/server.js:4', 7], ['knex src/server.js:5', 5]])
  })

  it('a sqlite:// URL takes the SQLite arm: no PostgreSQL pool', () => {
    const r = plan(arms, ['DATABASE_URL=sqlite://./app.db'])
    expect(r.total).toBe(0)
  })

  it('the query builder through a local name is no knex(config): the knexfile is not counted again (4)', () => {
    const r = plan(repo)
    expect(r.total).toBe(4)
    expect(pools(r)).toEqual([['knex src/server.js:5', 4]])
  })
})
