import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-2x')

// A Sails 1 app, as `sails new` lays it out: app.js lifts Sails, which reads config/ itself (no import conncalc follows).
const app = (datastores: string, production: string, extra: Record<string, string> = {}) => ({
  'app.js': "const sails = require('sails')\nsails.lift(require('rc')('sails'))\n",
  'config/datastores.js': datastores,
  'config/env/production.js': production,
  'config/models.js': "module.exports.models = {datastore: 'default', migrate: 'safe'}\n",
  'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', sails: '^1.5.12', 'sails-hook-orm': '^4.0.3', 'sails-postgresql': '^5.0.1'}, scripts: {'db:seed': 'node tools/seed.js', start: 'node app.js'}}, null, 2),
  'tools/seed.js': "const knex = require('knex')({client: 'pg', connection: process.env.DATABASE_URL})\nknex('users').insert({name: 'admin'}).then(() => knex.destroy())\n",
  ...extra,
})

describe('Sails datastores', () => {
  it('a sails-postgresql datastore is one pg Pool of its `max`, the production file merged over config/datastores.js', async () => {
    const files = app(
      "module.exports.datastores = {\n  default: {\n    adapter: 'sails-postgresql',\n    url: process.env.DATABASE_URL,\n  },\n}\n",
      "module.exports = {\n  datastores: {\n    default: {\n      max: Number(process.env.DB_POOL_MAX || 4),\n      ssl: true,\n    },\n  },\n}\n",
    )
    const a = await run('npm start', files)
    // default: adapter from config/datastores.js:2, max from config/env/production.js:4 (DB_POOL_MAX unset → 4): 4.
    // tools/seed.js's knex is run by the "db:seed" script, not by web: not counted (was knex's default 10 on top).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sails default datastore config/datastores.js', 4]])
    expect(a.threadsPerProcess.value).toBe(4)
    expect(describeSourced(a.pools![0].pool)).toContain('config/env/production.js:4')
    expect(a.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('knex is imported only by tools/seed.js, which the package.json script "db:seed" (package.json:'))
    // NODE_ENV staging reads config/env/staging.js (none here): pg-pool's 10.
    const staging = await run('npm start', files, {NODE_ENV: 'staging'})
    expect(staging.pools?.map((p) => p.pool.value)).toEqual([10])
  })

  it('two PostgreSQL datastores are two pools; sails-disk (or no adapter) and another database open none on the plan', async () => {
    const files = app(
      [
        'module.exports.datastores = {',
        "  default: {adapter: 'sails-postgresql', url: process.env.DATABASE_URL, max: 6},",
        "  analytics: {adapter: 'sails-postgresql', url: process.env.ANALYTICS_URL},",
        "  cache: {adapter: 'sails-mongo', url: process.env.MONGO_URL},",
        '  local: {},',
        '}',
      ].join('\n'),
      'module.exports = {}\n',
    )
    const a = await run('node app.js', files)
    // default 6 + analytics pg-pool's 10 = 16; cache (sails-mongo) and local (no adapter: sails-disk) add nothing.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['sails default datastore config/datastores.js', 6],
      ['sails analytics datastore config/datastores.js', 10],
    ])
    expect(a.threadsPerProcess.value).toBe(16)
  })

  it('an adapter conncalc cannot read is said, and counted as PostgreSQL', async () => {
    const files = app("module.exports.datastores = {\n  default: {adapter: process.env.DB_ADAPTER, url: process.env.DATABASE_URL},\n}\n", 'module.exports = {}\n')
    const a = await run('node app.js', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(a.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.message}`)).toContainEqual(expect.stringMatching(/^config\/datastores\.js:2 warning the adapter of the Sails datastore "default" cannot be read/))
  })
})

// A Sails 0.12 app: config/connections.js and models.connection (sails-postgresql 0.12 over pg 4.5.5).
const app012 = (connections: string, production: string, extra: Record<string, string> = {}) => ({
  'app.js': "require('sails').lift(require('rc')('sails'))\n",
  'config/connections.js': connections,
  'config/env/production.js': production,
  'config/models.js': "module.exports.models = {migrate: 'alter'}\n",
  'package.json': JSON.stringify({dependencies: {sails: '~0.12.14', 'sails-disk': '~0.10.9', 'sails-postgresql': '^0.12.2'}, scripts: {start: 'node app.js'}}, null, 2),
  ...extra,
})

describe('Sails 0.12 connections', () => {
  it('the connection models.connection names (set in the production file) is one pg 4 pool of its poolSize', async () => {
    const files = app012(
      [
        'module.exports.connections = {',
        "  localDiskDb: {adapter: 'sails-disk'},",
        "  pgMain: {adapter: 'sails-postgresql', host: process.env.PGHOST, database: 'app', poolSize: 6},",
        "  pgSpare: {adapter: 'sails-postgresql', host: 'spare.example.com', poolSize: 30},",
        '}',
      ].join('\n'),
      "module.exports = {models: {connection: 'pgMain'}, port: process.env.PORT}\n",
    )
    const a = await run('npm start', files)
    // models.connection 'pgMain' (config/env/production.js:1) → poolSize 6; pgSpare is used by no model (sails-postgresql
    // connects per query, so it opens nothing); localDiskDb is sails-disk. 6.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sails pgMain connection config/connections.js', 6]])
    expect(describeSourced(a.pools![0].pool)).toContain('config/env/production.js:1')
  })

  it('a connection with `url` is pg\'s default 10 whatever its poolSize (said); a model\'s own connection counts too', async () => {
    const files = app012(
      [
        'module.exports.connections = {',
        "  heroku: {adapter: 'sails-postgresql', url: process.env.DATABASE_URL, poolSize: 20},",
        "  reports: {adapter: 'sails-postgresql', host: 'reports.example.com', database: 'r'},",
        '}',
      ].join('\n'),
      "module.exports = {models: {connection: 'heroku'}}\n",
      {'api/models/Report.js': "module.exports = {connection: 'reports', attributes: {name: 'string'}}\n"},
    )
    const a = await run('npm start', files)
    // heroku: url → a connection string; pg 4.5.5 pool.js reads poolSize only from an object config → 10 (not 20).
    // reports (api/models/Report.js): an object config without poolSize → pg's 10. 10 + 10 = 20.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['sails heroku connection config/connections.js', 10],
      ['sails reports connection config/connections.js', 10],
    ])
    expect(a.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('the Sails connection "heroku" sets poolSize with a url'))
  })

  it('no models.connection anywhere: Sails 0.12 uses localDiskDb (sails-disk), so no PostgreSQL pool', async () => {
    const files = app012("module.exports.connections = {\n  localDiskDb: {adapter: 'sails-disk'},\n  pg: {adapter: 'sails-postgresql', url: process.env.DATABASE_URL},\n}\n", 'module.exports = {}\n')
    const a = await run('npm start', files)
    expect(a.pools ?? []).toEqual([])
  })
})
