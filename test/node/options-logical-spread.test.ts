/**
 * Pool options picked with `||` / `&&` between objects, and options that spread something conncalc cannot read.
 *
 * - `configs[process.env.NODE_ENV] || configs.development`: the env's section is an object, so `||` gives it (every
 *   Object is truthy, ECMA-262 ToBoolean) — Sequelize pool.max 7 from the production section. Before: the `||` of an
 *   object was not evaluated and the spread `{...config}` was dropped without a word: Sequelize's default 5, unstarred.
 * - `base.pool && base.pool.max`-style `&&` on an object gives its right side.
 * - `new Sequelize(url, {...settings, logging: false})` with `settings` unreadable and no `pool` key written: the spread
 *   may set pool, so the default 5 is an assumption, warned at the options (before: 5 taken silently). knex the same (10).
 * Sequelize's default max 5 (v6 connection-manager.js), knex's 10 (client.js): cited in pools.ts.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (command: string, files: Record<string, string>) => analyzeWith(node, command, files, {NODE_ENV: 'production'}, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value, p.pool.via?.some((s) => s.kind === 'assumed') ?? false])

const settings = [
  'module.exports = {',
  '  development: {url: process.env.DATABASE_URL, dialect: "postgres", pool: {max: 3}},',
  '  production: {url: process.env.DATABASE_URL, dialect: "postgres", pool: {max: 7, min: 1}},',
  '}',
].join('\n')

describe('options chosen with || and && between objects', () => {
  it('configs[NODE_ENV] || configs.development is the env section when it is there', async () => {
    const a = await run('node src/index.js', {
      'package.json': pkg({pg: '^8.13.1', sequelize: '^6.37.5'}),
      'src/config.js': settings,
      'src/index.js': [
        "const {Sequelize} = require('sequelize')",
        "const configs = require('./config')",
        'const config = configs[process.env.NODE_ENV] || configs.development',
        'module.exports = new Sequelize(config.url, {...config, logging: false})',
      ].join('\n'),
    })
    expect(pools(a)).toEqual([['sequelize src/index.js:4', 7, false]])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('an object && x is x', async () => {
    const a = await run('node src/index.js', {
      'package.json': pkg({pg: '^8.13.1', sequelize: '^6.37.5'}),
      'src/config.js': settings,
      'src/index.js': [
        "const {Sequelize} = require('sequelize')",
        "const configs = require('./config')",
        'module.exports = new Sequelize(process.env.DATABASE_URL, {pool: configs.production && configs.production.pool})',
      ].join('\n'),
    })
    expect(pools(a)).toEqual([['sequelize src/index.js:3', 7, false]])
  })
})

describe('options that spread what conncalc cannot read', () => {
  it('Sequelize: no pool written beside the spread: the default 5 is assumed and said', async () => {
    const a = await run('node src/index.js', {
      'package.json': pkg({pg: '^8.13.1', sequelize: '^6.37.5'}),
      'src/index.js': [
        "const {Sequelize} = require('sequelize')",
        'const settings = JSON.parse(process.env.DB_SETTINGS)',
        'module.exports = new Sequelize(process.env.DATABASE_URL, {...settings, logging: false})',
      ].join('\n'),
    })
    expect(pools(a)).toEqual([['sequelize src/index.js:3', 5, true]])
    const warning = a.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(warning?.message).toBe('cannot read Sequelize pool max: the options at src/index.js:3 cannot be read (they spread in an object conncalc cannot read, which may set it); the default 5 is assumed')
  })

  it('knex: the same, with knex\'s default 10; a pool written beside the spread is read', async () => {
    const a = await run('node src/index.js', {
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.1'}),
      'src/index.js': [
        "const knex = require('knex')",
        'const extra = JSON.parse(process.env.KNEX_EXTRA)',
        "const db = knex({client: 'pg', connection: process.env.DATABASE_URL, ...extra})",
        "const reports = knex({client: 'pg', connection: process.env.DATABASE_URL, ...extra, pool: {max: 2}})",
        'module.exports = {db, reports}',
      ].join('\n'),
    })
    expect(pools(a)?.find((p) => p[0] === 'knex src/index.js:3')).toEqual(['knex src/index.js:3', 10, true])
    expect(pools(a)?.find((p) => p[0] === 'knex src/index.js:4')).toEqual(['knex src/index.js:4', 2, false])
  })
})

describe('a key an options object lacks, before ?? or ||', () => {
  // Ridam15/flowq's API: `export async function initDB(opts: InitDBOptions = {})` builds `new Pool({…, max: opts.max ?? 10})`
  // and is called as `initDB()`: opts is `{}`, whose max is undefined in JS, so the pool's max is 10, read, not assumed.
  // Before: "`opts.max` cannot be read (no "max" in the object at line N); the value after `??` assumed" — 10*.
  const db = (call: string) => ({
    'package.json': pkg({pg: '^8.13.1'}),
    'src/db.js': [
      "const {Pool} = require('pg')",
      'let pool = null',
      'async function initDB(opts = {}) {',
      '  if (pool) return pool',
      '  pool = new Pool({connectionString: process.env.DATABASE_URL, max: opts.max ?? 10, min: opts.min || 0})',
      '  return pool',
      '}',
      'module.exports = {initDB}',
    ].join('\n'),
    'src/index.js': ["const {initDB} = require('./db')", `${call}.then((p) => setInterval(() => p.query('select 1'), 1000))`].join('\n'),
  })

  it('initDB() with no options: the fallback, 10, not assumed', async () => {
    expect(pools(await run('node src/index.js', db('initDB()')))).toEqual([['pg src/db.js:5 (called at src/index.js:2)', 10, false]])
  })

  it('initDB({max: 4}): the key is there, 4', async () => {
    expect(pools(await run('node src/index.js', db('initDB({max: 4})')))).toEqual([['pg src/db.js:5 (called at src/index.js:2)', 4, false]])
  })
})

describe("objection's identifier mappers spread into a knex config", () => {
  // MTES-MCT/camino packages/api/src/knex/config.ts: `{...simpleKnexConfig, ...knexSnakeCaseMappers()}`. objection's
  // knexIdentifierMappers returns only wrapIdentifier and postProcessResponse (lib/utils/identifierMapping.js): no pool,
  // so knex's default 10 is a default, not an assumption. Before: the spread was unreadable, 10 assumed and warned.
  it('knexSnakeCaseMappers() and knexIdentifierMapping() set no pool: knex 10, not starred; pool.max beside them is read', async () => {
    const files = (spread: string, pool = '') => ({
      'package.json': pkg({knex: '^3.1.0', objection: '^3.1.5', pg: '^8.13.1'}),
      'src/index.js': [
        "const Knex = require('knex')",
        "const {Model, knexSnakeCaseMappers, knexIdentifierMapping} = require('objection')",
        `const config = {client: 'pg', connection: process.env.DATABASE_URL${pool}, ...${spread}}`,
        'const knex = Knex(config)',
        'Model.knex(knex)',
        "require('http').createServer(async (req, res) => res.end(String((await knex.raw('select 1')).rowCount))).listen(process.env.PORT)",
      ].join('\n'),
    })
    const snake = await run('node src/index.js', files('knexSnakeCaseMappers()'))
    expect(pools(snake)).toEqual([['knex src/index.js:4', 10, false]])
    expect(snake.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
    const mapped = await run('node src/index.js', files("knexIdentifierMapping({MyId: 'my_id'})", ', pool: {min: 0, max: 4}'))
    expect(pools(mapped)).toEqual([['knex src/index.js:4', 4, false]])
  })
})
