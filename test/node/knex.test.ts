import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)

const run = (command: string, files: Record<string, string>) => analyzeWith(node, command, files, {}, 'standard-2x')

describe('knex instances that open no pool', () => {
  it('knex({client}) without `connection` is a query builder: no pool, and the dependency default is not counted instead', async () => {
    const files = {
      'db.js': [
        "const {Pool} = require('pg')",
        "const knex = require('knex')",
        'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})',
        "const sql = knex({client: 'pg'})",
        'module.exports = {pool, sql}',
      ].join('\n'),
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'server.js': "require('./db')\n",
    }
    const a = await run('node server.js', files)
    // knex lib/client.js makes its pool only with config.connection: the pg Pool's 6 is all (was 6 + knex's default 10 = 16).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg db.js:3', 6]])
    expect(a.threadsPerProcess.value).toBe(6)
    expect(a.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`)).toContainEqual(expect.stringMatching(/^db\.js:4 knex\(without `connection`\) here opens no pool/))
  })

  it('pool.max 0 opens none either; a config spreading what conncalc cannot read may set `connection`, so it still counts', async () => {
    const files = {
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'server.js': [
        "const knex = require('knex')",
        "const off = knex({client: 'pg', connection: process.env.DATABASE_URL, pool: {max: 0}})",
        "const on = knex({client: 'pg', ...require('some-config-package'), pool: {max: 3}})",
        'module.exports = {off, on}',
      ].join('\n'),
    }
    const a = await run('node server.js', files)
    // off: pool.max 0 → no pool; on: partial config, pool.max 3 read → 3.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['knex server.js:3', 3]])
    expect(a.diagnostics.map((d) => `${d.line} ${d.message}`)).toContainEqual(expect.stringMatching(/^2 knex\(pool\.max 0\) here opens no pool/))
  })
})
