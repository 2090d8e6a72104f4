/**
 * LoopBack datasources on the PostgreSQL connector. loopback-connector-postgresql hands the datasource's settings to
 * `new pg.Pool(settings)` (lib/postgresql.js: `this.clientConfig = settings; … this.pg = new postgresql.Pool(this.clientConfig)`),
 * so the pool is the settings' `max`, else pg-pool's default 10. A LoopBack 4 datasource is a class its container makes
 * (`@lifeCycleObserver('datasource') class DbDataSource extends juggler.DataSource`), whose constructor takes the config
 * from an optional @inject and defaults to the module's `config` object: `super(dsConfig)` is `new juggler.DataSource(config)`.
 * Before: no pool was read from it (the connector was not a database package, the constructor's default not bound): 1*.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {'@loopback/core': '^7.0.7', '@loopback/repository': '^8.0.7', 'loopback-connector-postgresql': '^7.2.2'}}, null, 2)
const datasource = (config: string) =>
  [
    "import {inject, lifeCycleObserver} from '@loopback/core'",
    "import {juggler} from '@loopback/repository'",
    '',
    `const config = ${config}`,
    '',
    "@lifeCycleObserver('datasource')",
    'export class DbDataSource extends juggler.DataSource {',
    "  static dataSourceName = 'db'",
    '  static readonly defaultConfig = config',
    '',
    "  constructor(@inject('datasources.config.db', {optional: true}) dsConfig: object = config) {",
    '    super(dsConfig)',
    '  }',
    '}',
  ].join('\n')
const run = (files: Record<string, string>) => analyzeWith(node, 'node src/index.ts', {'package.json': pkg, 'src/index.ts': "import {DbDataSource} from './datasources/db.datasource'\nexport {DbDataSource}\n", ...files}, {}, 'standard-1x')
const pools = (r: Awaited<ReturnType<typeof run>>) => r.pools?.map((p) => [p.database, p.pool.value])

describe('LoopBack datasources on loopback-connector-postgresql', () => {
  it('a LoopBack 4 datasource class with no max: pg Pool default 10', async () => {
    const r = await run({'src/datasources/db.datasource.ts': datasource("{name: 'db', connector: 'postgresql', url: process.env.DATABASE_URL}")})
    expect(pools(r)).toEqual([['loopback-connector-postgresql src/datasources/db.datasource.ts:12', 10]])
    expect(r.threadsPerProcess.value).toBe(10)
  })

  it('its config sets max 4: 4', async () => {
    const r = await run({'src/datasources/db.datasource.ts': datasource("{name: 'db', connector: 'postgresql', url: process.env.DATABASE_URL, max: 4}")})
    expect(pools(r)).toEqual([['loopback-connector-postgresql src/datasources/db.datasource.ts:12', 4]])
  })

  it('new juggler.DataSource({connector: "loopback-connector-postgresql", max: 6}) made at import: 6', async () => {
    const ds = "import {juggler} from '@loopback/repository'\nexport const db = new juggler.DataSource({connector: 'loopback-connector-postgresql', url: process.env.DATABASE_URL, max: 6})\n"
    const r = await run({'src/datasources/db.datasource.ts': ds})
    expect(pools(r)).toEqual([['loopback-connector-postgresql src/datasources/db.datasource.ts:2', 6]])
  })

  it('a datasource on another connector (mysql) is not a PostgreSQL pool', async () => {
    const r = await run({'src/datasources/db.datasource.ts': datasource("{name: 'db', connector: 'mysql', url: process.env.MYSQL_URL}")})
    expect(pools(r)?.some(([d]) => String(d).startsWith('loopback-connector-postgresql'))).toBe(false)
  })
})
