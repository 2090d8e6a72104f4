/**
 * @vercel/postgres (languages/node/pools.ts REF.vercelPostgres, read in vercel/storage packages/postgres/src at 63738c2 and
 * at the @vercel/postgres@0.4.0 tag): `sql` (and `db`, the same object) is a Proxy that makes one pool, `createPool()` with no
 * options, on its first use; VercelPool extends @neondatabase/serverless's Pool, node-postgres's Pool over a WebSocket, whose
 * `max` is createPool's `config?.max`, else pg-pool's `max || 10`. query() and connect() use that pool. The `sql\`…\`` tag
 * calls pool.sql(), which since 0.4.0 (commit 30638f9) sends the query with neon() over HTTP, and before it ran
 * `this.query(…)` on the pool. createClient() is one client. drizzle-orm/vercel-postgres queries its client with
 * client.query(), and drizzle() given no client uses `sql`. A createPool() whose module reads it only as `pool.sql\`…\`` (not
 * exported, no other use) holds no connection since 0.4.0 (VercelPool#sql is that same neon() call; through 0.10.0, the
 * last release). Apps in the shape of a bun BullMQ worker whose workspace db
 * package exports `drizzle(sql, {schema})`.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value, p.server])
const onPlan = {DATABASE_URL: 'postgres://u:p@db.example.com:5432/app', POSTGRES_URL: 'postgres://u:p@db.example.com:5432/app'}

describe('@vercel/postgres', () => {
  it('drizzle(sql) in a workspace db package: the lazy pool, 10, once however many modules use sql/db', async () => {
    const files = {
      'apps/jobs/package.json': pkg({'@acme/store': 'workspace:*'}),
      'apps/jobs/src/main.ts': [
        "import {orm} from '@acme/store'",
        "import {db} from '@vercel/postgres'",
        'export async function tick() {',
        '  const client = await db.connect()',
        "  await client.query('select 1')",
        '  client.release()',
        '  return orm',
        '}',
      ].join('\n'),
      'package.json': JSON.stringify({private: true, workspaces: ['apps/*', 'libs/*']}),
      'libs/store/package.json': JSON.stringify({dependencies: {'@vercel/postgres': '^0.5.1', 'drizzle-orm': '^0.29.0'}, main: 'src/index.ts', name: '@acme/store'}),
      'libs/store/src/index.ts': [
        "import {sql} from '@vercel/postgres'",
        "import {drizzle} from 'drizzle-orm/vercel-postgres'",
        'function open(url: string) {',
        '  return drizzle(sql, {logger: false})',
        '}',
        'export const orm = open(process.env.DATABASE_URL as string)',
        "export const count = () => sql.query('select count(*) from t')",
      ].join('\n'),
    }
    const a = await run('node apps/jobs/src/main.ts', files, onPlan)
    // One pool (drizzle's session, sql.query and db.connect all reach the same createPool()), pg-pool's max 10.
    expect(pools(a)).toEqual([['vercel-postgres sql libs/store/src/index.ts:4 (called at libs/store/src/index.ts:6)', 10, 'DATABASE_URL']])
    expect(a.threadsPerProcess.value).toBe(10)
    expect(describeSourced(a.threadsPerProcess)).not.toContain('assumption')
    expect(describeSourced(a.pools![0].pool)).toContain('2 other uses in the code read share it')
  })

  it('the sql`…` tag alone: over HTTP since 0.4.0 (no connection held), through the pool before it (10)', async () => {
    const files = (version: string) => ({
      'package.json': pkg({'@vercel/postgres': version}),
      'server.mjs': [
        "import {sql} from '@vercel/postgres'",
        "import {createServer} from 'node:http'",
        'async function find(id) {',
        '  const {rows} = await sql`select * from users where id = ${id}`',
        '  return rows[0]',
        '}',
        'createServer(async (req, res) => res.end(JSON.stringify(await find(req.url.slice(1))))).listen(process.env.PORT)',
      ].join('\n'),
    })
    const now = await run('node server.mjs', files('^0.10.0'), onPlan)
    expect(pools(now)).toEqual([])
    expect(now.threadsPerProcess.value).toBe(0)
    expect(describeSourced(now.threadsPerProcess)).toContain("@vercel/postgres's sql`…` tag (0.10.0)")
    expect(describeSourced(now.threadsPerProcess)).not.toContain('assumption')
    const before = await run('node server.mjs', files('0.3.2'), onPlan)
    expect(pools(before)).toEqual([['vercel-postgres sql server.mjs:4 (called at server.mjs:7)', 10, 'DATABASE_URL']])
    expect(describeSourced(before.pools![0].pool)).toContain('before 0.4.0')
  })

  it('a createPool() its module reads only as pool.sql`…`: HTTP since 0.4.0 (0); a pool.query() beside it keeps the pool', async () => {
    const files = (version: string, extra = '') => ({
      'handler.ts': [
        "import {createPool} from '@vercel/postgres'",
        'const pool = createPool({connectionString: process.env.DATABASE_URL, max: 6})',
        'export async function find(id: string) {',
        '  const {rows} = await pool.sql`select * from users where id = ${id}`',
        `  ${extra}`,
        '  return rows[0]',
        '}',
      ].join('\n'),
      'package.json': pkg({'@vercel/postgres': version}),
    })
    const http = await run('node handler.ts', files('^0.10.0'), onPlan)
    expect(pools(http)).toEqual([])
    expect(http.threadsPerProcess.value).toBe(0)
    expect(describeSourced(http.threadsPerProcess)).toContain('used only through its sql`…` tag (0.10.0)')
    // Before 0.4.0 pool.sql ran this.query() on the pool; a query() beside the tag uses the pool: max 6 either way.
    expect(pools(await run('node handler.ts', files('0.3.2'), onPlan))).toEqual([['vercel-postgres handler.ts:2', 6, 'DATABASE_URL']])
    expect(pools(await run('node handler.ts', files('^0.10.0', "await pool.query('select 1')"), onPlan))).toEqual([['vercel-postgres handler.ts:2', 6, 'DATABASE_URL']])
  })

  it('createPool({max}), createKysely(poolConfig) and a createClient() beside them: their own numbers', async () => {
    const files = {
      'db.js': [
        "const {createPool, createClient} = require('@vercel/postgres')",
        "const {createKysely} = require('@vercel/postgres-kysely')",
        'const pool = createPool({connectionString: process.env.DATABASE_URL, max: 4})',
        'const reports = createKysely({connectionString: process.env.DATABASE_URL, max: 3})',
        'const listener = createClient({connectionString: process.env.DATABASE_URL})',
        'module.exports = {pool, reports, listener}',
      ].join('\n'),
      'package.json': pkg({'@vercel/postgres': '0.10.0', '@vercel/postgres-kysely': '0.10.0'}),
      'server.js': "const {pool} = require('./db')\npool.sql`select 1`\n",
    }
    const a = await run('node server.js', files, onPlan)
    // 4 + 3 + 1: createPool's max, createKysely's poolConfig.max, and one client of its own.
    expect(pools(a)?.sort()).toEqual([['pg Client db.js:5', 1, 'DATABASE_URL'], ['vercel-postgres db.js:3', 4, 'DATABASE_URL'], ['vercel-postgres db.js:4', 3, 'DATABASE_URL']])
    expect(a.threadsPerProcess.value).toBe(8)
    expect(describeSourced(a.pools!.find((p) => p.database.startsWith('pg Client'))!.pool)).toContain("@vercel/postgres's createClient()")
  })

  it('sql handed to another library, and drizzle() with no client: the lazy pool, starred only where it is passed on', async () => {
    const kysely = {
      'package.json': pkg({'@vercel/postgres': '0.10.0', kysely: '0.27.0'}),
      'server.ts': [
        "import {db} from '@vercel/postgres'",
        "import {Kysely, PostgresDialect} from 'kysely'",
        'export const k = new Kysely({dialect: new PostgresDialect({pool: db})})',
      ].join('\n'),
    }
    const a = await run('node server.ts', kysely, onPlan)
    expect(pools(a)).toEqual([['vercel-postgres sql server.ts:3', 10, 'DATABASE_URL']])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption: @vercel/postgres\'s sql: it is passed to `kysely.PostgresDialect()`')
    const drizzle = {
      'package.json': pkg({'@vercel/postgres': '0.10.0', 'drizzle-orm': '0.36.0'}),
      'server.ts': "import {drizzle} from 'drizzle-orm/vercel-postgres'\nexport const db = drizzle({logger: true})\n",
    }
    const b = await run('node server.ts', drizzle, onPlan)
    expect(pools(b)).toEqual([['vercel-postgres sql server.ts:2', 10, 'DATABASE_URL']])
    expect(describeSourced(b.pools![0].pool)).not.toContain('assumption')
  })

  it('POSTGRES_URL with no value: the pool is still the app\'s database when nothing else connects, starred', async () => {
    const files = {
      'package.json': pkg({'@vercel/postgres': '0.10.0'}),
      'server.js': "const {sql} = require('@vercel/postgres')\nsql.query('select 1')\n",
    }
    const a = await run('node server.js', files)
    expect(a.threadsPerProcess.value).toBe(10)
    expect(describeSourced(a.threadsPerProcess)).toContain('POSTGRES_URL, which has no value here')
  })

  it('no code that uses it is read: the dependency\'s lazy pool (10) assumed, not one connection', async () => {
    const files = {
      'package.json': pkg({'@vercel/postgres': '0.10.0'}),
      'server.js': "require('./dist/' + process.env.ENTRY)\n",
    }
    const a = await run('node server.js', files, onPlan)
    expect(pools(a)).toEqual([['vercel-postgres', 10, 'DATABASE_URL']])
    expect(describeSourced(a.threadsPerProcess)).toContain('assumption')
  })
})
