/**
 * An app that embeds SAML Jackson (`import jackson from '@boxyhq/saml-jackson'`, `await jackson({db: {engine: 'sql',
 * type: 'postgres', url: DATABASE_URL}})`): the boxyhq/saas-starter-kit lib/jackson.ts shape. Jackson's sql engine opens
 * its own TypeORM DataSource, a pg Pool beside the app's (here a pg Pool of 5): its max is the url's `max_conns`
 * (`pool_max_conns`), else pg's 10 (@boxyhq/saml-jackson 26.2.0 dist/db/sql/sql.js init, dist/db/utils.js parsePGOptions).
 * Engines and types that are not PostgreSQL open no pool here.
 * Before: Jackson's pool was not counted (5 where the process can hold 15), and nothing said so.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (db: string) => ({
  Procfile: 'web: node server.js\n',
  'jackson.js': [
    "const jackson = require('@boxyhq/saml-jackson')",
    '',
    'async function init() {',
    `  return jackson({externalUrl: process.env.APP_URL, samlPath: '/api/oauth/saml', db: ${db}})`,
    '}',
    '',
    'module.exports = {init}',
    '',
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {'@boxyhq/saml-jackson': '26.2.0', express: '^4.21.0', pg: '^8.16.0'}, name: 'saas', scripts: {start: 'node server.js'}}, null, 2),
  'server.js': [
    "const express = require('express')",
    "const {Pool} = require('pg')",
    "const {init} = require('./jackson')",
    '',
    'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})',
    'const app = express()',
    "app.get('/', async (_req, res) => res.json((await pool.query('select 1')).rows))",
    "app.get('/sso', async (_req, res) => res.json(await (await init()).apiController.getConnections({})))",
    'app.listen(process.env.PORT)',
    '',
  ].join('\n'),
})

const plan = (db: string, ...args: string[]) => {
  const dir = app(files(db))
  return planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])
}

describe('SAML Jackson embedded with its sql engine', () => {
  it("sql/postgres on DATABASE_URL: its own pg Pool, pg's default 10, beside the app's 5", () => {
    const r = plan("{engine: 'sql', type: 'postgres', url: process.env.DATABASE_URL}")
    // 1 process × (pg Pool 5 + Jackson's DataSource 10) = 15.
    expect(r.type('web')).toMatchObject({connections: 15, poolPerProcess: 15})
    expect(r.type('web').databases).toContain('saml-jackson jackson.js:4')
    expect(r.type('web').sources['pool.saml-jackson jackson.js:4'].via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://github.com/boxyhq/jackson/blob/main/npm/src/db/sql/sql.ts'}))
  })

  it('no engine or type given: Jackson defaults to sql/postgres, so the pool is there too', () => {
    const r = plan('{url: process.env.DATABASE_URL}')
    expect(r.type('web')).toMatchObject({connections: 15})
  })

  it("a url with max_conns (or pool_max_conns) sizes Jackson's pool", () => {
    expect(plan("{engine: 'sql', type: 'postgres', url: 'postgres://u:p@db.example.com:5432/app?max_conns=3'}").type('web')).toMatchObject({connections: 8})
    expect(plan("{engine: 'sql', type: 'postgres', url: 'postgres://u:p@db.example.com:5432/app?pool_max_conns=4'}").type('web')).toMatchObject({connections: 9})
  })

  it('engines and SQL types other than PostgreSQL open no PostgreSQL pool: the app pool alone', () => {
    for (const db of ["{engine: 'mem'}", "{engine: 'redis', url: process.env.REDIS_URL}", "{engine: 'sql', type: 'mysql', url: process.env.MYSQL_URL}"]) {
      const r = plan(db)
      expect(r.type('web')).toMatchObject({connections: 5})
      expect(r.type('web').databases.filter((d) => d.startsWith('saml-jackson'))).toEqual([])
    }
  })
})
