/**
 * Pools of one process whose options name different servers by host and port (the shape of open-sauced/api: a TypeORM
 * connection per database, each host/port read from its own variables — TYPEORM_HOST_API, TYPEORM_HOST_TIMESCALE —
 * with literal defaults that put one on another port). They cannot all be on the plan's server (model/other-server.ts).
 * Before, every pool given parts was counted on DATABASE_URL's server, without a word: 8 + 4 + 6 = 18 here.
 *
 * A made-up app: Express, two TypeORM DataSources and a knex instance, all opened at load.
 * - api: `poolSize: 8` — TypeORM passes poolSize to pg's Pool as max (PostgresDriver.ts createPool: `max: options.poolSize`).
 * - logs: `extra: {max: 4}` — TypeORM spreads extra over the pool options: 4. Port `String(… ?? '25060')`.
 * - metrics: knex `pool: {max: 6}` on port 5433.
 * Node's queries at once are the pools' sum, so each counted pool fills: connections = the counted pools' sum.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dir = app({
  Procfile: 'web: node src/server.js\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.19.0', knex: '^3.1.0', pg: '^8.11.0', typeorm: '^0.3.20'}, engines: {node: '20.x'}}, null, 2),
  'src/db.js': [
    "const {DataSource} = require('typeorm')",
    "const knex = require('knex')",
    "const api = new DataSource({type: 'postgres', host: process.env.API_DB_HOST ?? 'localhost', port: Number(process.env.API_DB_PORT ?? 25060), database: 'app', poolSize: 8})",
    "const logs = new DataSource({type: 'postgres', host: String(process.env.LOG_DB_HOST ?? 'localhost'), port: String(process.env.LOG_DB_PORT ?? '25060'), database: 'app', extra: {max: 4}})",
    "const metrics = knex({client: 'pg', connection: {host: process.env.METRICS_HOST || 'localhost', port: 5433, database: 'metrics'}, pool: {min: 0, max: 6}})",
    'module.exports = {api, logs, metrics}',
  ].join('\n'),
  'src/server.js': [
    "const express = require('express')",
    "const {api, logs, metrics} = require('./db')",
    'async function main() {',
    '  await api.initialize()',
    '  await logs.initialize()',
    "  express().get('/', async (req, res) => res.json(await metrics('events').count())).listen(process.env.PORT)",
    '}',
    'main()',
  ].join('\n'),
})

const plan = (env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('Node: pools whose host and port name different servers', () => {
  it('with no URL to tell which is the plan’s, the server whose pools are largest is counted, starred, the other listed and said', () => {
    const r = plan()
    // localhost:25060: 8 + 4 = 12 (counted, starred); localhost:5433: knex 6 (listed).
    expect(r.total).toBe(12)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'knex src/db.js:5', pool: 6, server: 'host=localhost:5433'}])
    expect(JSON.stringify(r.type('web').sources)).toContain('counted on localhost:25060, one of the 2 servers')
    const said = r.diagnostics.find((d) => d.file === 'src/db.js' && d.line === 5 && d.code === 'unknown-config-value')
    expect(said?.message).toContain("which is the plan's cannot be told (DATABASE_URL has no value here): localhost:25060's are counted, starred, and knex src/db.js:5 (6) listed on another server")
    expect(said?.fix).toContain('API_DB_HOST, LOG_DB_HOST, METRICS_HOST')
  })

  it('given DATABASE_URL and the hosts, the pools on its host and port are counted, the other listed, no star', () => {
    const r = plan(['DATABASE_URL=postgres://u:p@db1:25060/app', 'API_DB_HOST=db1', 'LOG_DB_HOST=db1', 'METRICS_HOST=db1'])
    expect(r.total).toBe(12)
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 6, server: 'host=db1:5433'}])
    expect(JSON.stringify(r.type('web').sources)).not.toContain('one of the 2 servers')
  })

  it("DATABASE_URL on the metrics server: knex's 6 are counted, the defaults on localhost are another server", () => {
    const r = plan(['DATABASE_URL=postgres://u:p@db2:5433/metrics', 'METRICS_HOST=db2'])
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools.map((p) => [p.pool, p.server])).toEqual([[8, 'host=localhost:25060'], [4, 'host=localhost:25060']])
  })

  it('pools on one host and port stay counted together: 18', () => {
    const r = plan(['API_DB_PORT=5433', 'LOG_DB_PORT=5433'])
    expect(r.total).toBe(18)
    expect(r.type('web').otherServerPools).toEqual([])
  })
})
