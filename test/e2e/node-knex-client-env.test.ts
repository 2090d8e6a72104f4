/**
 * knex connects to the database its `client` names (knex lib/dialects/index.js: pg/postgres/postgresql, mysql, mysql2,
 * mssql, oracledb, sqlite3, better-sqlite3; `sqlite` an alias of sqlite3). An app that supports several databases reads
 * the client from the env with a fallback: `client: process.env.DB_CLIENT || 'sqlite3'`. Made-up app, one process, pool
 * max 6 (knex takes `pool.max` from the config):
 * - DB_CLIENT unset: sqlite3 only because of that; a deploy on PostgreSQL sets it, so the pool is counted, starred, and
 *   the variable named (unresolved-env), as TypeORM's type (e2e/node-typeorm-type): 6*. Before: listed on sqlite3, 0,
 *   nothing said.
 * - DB_CLIENT=pg: 6, unstarred; DB_CLIENT=sqlite3 given: on sqlite3, 0 (as before).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {type PlanRow, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const plan = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])
const starred = (t: PlanRow) => (t.sources.threadsPerProcess.via ?? []).some((v) => v.kind === 'assumed')

const dir = () =>
  app({
    Procfile: 'web: node server.js\n',
    'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.11.0', sqlite3: '^5.1.7'}, engines: {node: '20.x'}}),
    'server.js': [
      "const knex = require('knex')",
      'const db = knex({',
      "  client: process.env.DB_CLIENT || 'sqlite3',",
      "  connection: process.env.DATABASE_URL || {filename: './data.db'},",
      '  pool: {min: 0, max: 6},',
      '})',
      "setInterval(() => db('jobs').count(), 60000)",
    ].join('\n'),
  })

describe("knex's client from an env var with a fallback", () => {
  it('unset: counted as the PostgreSQL pool a deploy sets it for, starred, DB_CLIENT named: 6*', () => {
    const r = plan(dir())
    expect(r.total).toBe(6)
    expect(starred(r.type('web'))).toBe(true)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', message: expect.stringContaining("knex's client here is sqlite3 only because DB_CLIENT has no value")}))
  })

  it('DB_CLIENT=pg: 6, unstarred', () => {
    const r = plan(dir(), ['DB_CLIENT=pg'])
    expect(r.total).toBe(6)
    expect(starred(r.type('web'))).toBe(false)
  })

  it('DB_CLIENT=sqlite3: on sqlite3, 0', () => {
    const r = plan(dir(), ['DB_CLIENT=sqlite3'])
    expect(r.total).toBe(0)
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 6}])
  })
})
