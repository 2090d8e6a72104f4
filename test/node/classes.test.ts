import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-2x')

// A repository base class whose constructor opens its own knex pool, with a default config.
const base = [
  "import {knex} from 'knex'",
  "import dbConfig from './dbconfig'",
  'export abstract class SqlRepo {',
  '  protected readonly db',
  '  constructor(config = dbConfig) {',
  '    this.db = knex(config)',
  '  }',
  '}',
].join('\n')
const dbconfig = "export default {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 4}}\n"

describe('instances of the app\'s own classes', () => {
  it('a pool made in a constructor is one per `new`: three repositories at load are three pools', async () => {
    const files = {
      'dbconfig.ts': dbconfig,
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'repo.ts': base,
      'repos.ts': [
        "import {SqlRepo} from './repo'",
        'export class UserRepo extends SqlRepo {}',
        'export class OrderRepo extends SqlRepo {',
        '  constructor(private readonly clock) {',
        '    super()',
        '  }',
        '}',
      ].join('\n'),
      'server.ts': [
        "import {UserRepo, OrderRepo} from './repos'",
        'const users = new UserRepo()',
        'const orders = new OrderRepo(Date)',
        'const archive = new UserRepo()',
        'export {users, orders, archive}',
      ].join('\n'),
    }
    const a = await run('node server.ts', files)
    // knex(config) at repo.ts:6 with dbconfig's pool.max 4, once per `new` (server.ts:2, 3, 4): 3 × 4 = 12.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['knex repo.ts:6 (called at server.ts:2)', 4],
      ['knex repo.ts:6 (called at server.ts:3)', 4],
      ['knex repo.ts:6 (called at server.ts:4)', 4],
    ])
    expect(a.pools!.map((p) => describeSourced(p.pool)).join('\n')).not.toContain('assumption')
  })

  it('`import * as config from` a CommonJS knexfile is its module.exports object; each adapter `new`ed at load has its own pool', async () => {
    const files = {
      'adapters.ts': [
        "import * as Knex from 'knex'",
        "import * as config from './knexfile'",
        'const audit = {client: "pg", connection: process.env.DATABASE_URL, pool: {min: 0, max: 3}}',
        'export class Store {',
        '  private readonly knex',
        '  constructor() {',
        '    this.knex = Knex(config)',
        '  }',
        '}',
        'export class AuditLog {',
        '  private readonly knex',
        '  constructor() {',
        '    this.knex = Knex(audit)',
        '  }',
        '}',
      ].join('\n'),
      'knexfile.ts': "module.exports = {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 6}}\n",
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'server.ts': "import {Store, AuditLog} from './adapters'\nexport const deps = {store: new Store(), audit: new AuditLog()}\n",
    }
    const a = await run('node server.ts', files)
    // Store: knexfile pool.max 6 (knexfile.ts:1); AuditLog: 3 (adapters.ts:3); both made at load: 6 + 3 = 9.
    expect(a.pools?.map((p) => [p.database, p.pool.value, describeSourced(p.pool).split(' ← ')[0]])).toEqual([
      ['knex adapters.ts:7 (called at server.ts:2)', 6, 'knexfile.ts:1'],
      ['knex adapters.ts:13 (called at server.ts:2)', 3, 'adapters.ts:3'],
    ])
  })

  it('instances made in another class\'s fields, made in a function: counted once per place, labelled as made when that code runs', async () => {
    const files = {
      'dbconfig.ts': dbconfig,
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'repo.ts': base,
      'registry.ts': [
        "import {SqlRepo} from './repo'",
        'class UserRepo extends SqlRepo {}',
        'class AuditRepo extends SqlRepo {}',
        'export class Registry {',
        '  private users = new UserRepo()',
        '  private audit = new AuditRepo()',
        '}',
        'export const makeRegistry = () => new Registry()',
      ].join('\n'),
      'server.ts': "import {makeRegistry} from './registry'\nexport const registry = makeRegistry()\n",
    }
    const a = await run('node server.ts', files)
    // Two fields, each a repository with its own knex pool of 4: 2 × 4 = 8, each an assumption (made when makeRegistry() runs).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['knex repo.ts:6 (called at registry.ts:5)', 4],
      ['knex repo.ts:6 (called at registry.ts:6)', 4],
    ])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption: made by `new UserRepo()` at registry.ts:5, which runs when the code around it is called, not when the module loads')
  })

  it('when every pool is behind an unset variable (the database URL itself), they are counted, labelled, not dropped to one connection', async () => {
    const files = {
      'dbconfig.ts': dbconfig,
      'factory.ts': [
        "import {SqlRepo} from './repo'",
        'class Users extends SqlRepo {}',
        'class Orders extends SqlRepo {}',
        'export const makeRepos = () => {',
        '  if (process.env.APP_DB_URL) {',
        '    return {users: new Users(), orders: new Orders()}',
        '  }',
        '  return {users: new Map(), orders: new Map()}',
        '}',
      ].join('\n'),
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      'repo.ts': base,
      'server.ts': "import {makeRepos} from './factory'\nexport const repos = makeRepos()\n",
    }
    // APP_DB_URL unset: the in-memory arm runs, but then no connection is opened at all; the deploy being
    // budgeted sets it, so the two repositories' pools count: 2 × dbconfig's max 4 = 8, each an assumption.
    const unset = await run('node server.ts', files)
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([4, 4])
    expect(describeSourced(unset.pools![0].pool)).toContain('created only when `process.env.APP_DB_URL` (factory.ts:5) holds, and APP_DB_URL has no value here; counted, because without this branch the process opens no database connection at all')
    expect(unset.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'repo.ts', line: 6}))
    // Set: the same two pools, read, with no word about the variable.
    const set = await run('node server.ts', files, {APP_DB_URL: 'postgres://db.example:5432/app'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([4, 4])
    expect(set.pools!.map((p) => describeSourced(p.pool)).join('\n')).not.toContain('APP_DB_URL')
  })

  it('an env object built by a class: its fields read process.env, so a replica pool behind an unset variable is named, not counted', async () => {
    const files = {
      'db.ts': [
        "import {Sequelize} from 'sequelize'",
        "import env from './env'",
        'const max = env.DB_POOL_MAX ?? 5',
        'function open(url, readOnly = false) {',
        '  return new Sequelize(url, {pool: {max: readOnly ? max * 2 : max}})',
        '}',
        'export const db = open(env.DATABASE_URL)',
        'export const replica = env.DATABASE_REPLICA_URL ? open(env.DATABASE_REPLICA_URL, true) : db',
      ].join('\n'),
      'env.ts': [
        'class Settings {',
        '  public DATABASE_URL = process.env.DATABASE_URL ?? ""',
        '  public DATABASE_REPLICA_URL = this.optional(process.env.DATABASE_REPLICA_URL)',
        '  public DB_POOL_MAX = this.number(process.env.DB_POOL_MAX)',
        '  get isProduction() {',
        '    return this.NODE_ENV === "production"',
        '  }',
        '  public NODE_ENV = process.env.NODE_ENV ?? "production"',
        '  private optional(value) {',
        '    return value ? value : undefined',
        '  }',
        '  private number(value) {',
        '    return value ? parseInt(value, 10) : undefined',
        '  }',
        '}',
        'export default new Settings()',
      ].join('\n'),
      'package.json': pkg({pg: '^8.13.0', sequelize: '^6.37.0'}),
    }
    // DB_POOL_MAX and DATABASE_REPLICA_URL unset: max = 5; the replica branch does not run.
    const plain = await run('node db.ts', files)
    expect(plain.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sequelize db.ts:5 (called at db.ts:7)', 5]])
    expect(plain.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'db.ts', message: expect.stringContaining('DATABASE_REPLICA_URL has no value, so it is not counted')}))
    // With both set (the replica on another host): 8 on the primary, 16 (8 × 2) listed on the replica's server.
    const set = await run('node db.ts', files, {DATABASE_REPLICA_URL: 'postgres://replica.example:5432/app', DATABASE_URL: 'postgres://primary.example:5432/app', DB_POOL_MAX: '8'})
    expect(set.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sequelize db.ts:5 (called at db.ts:7)', 8]])
    expect(set.otherServerPools?.map((p) => [p.database, p.pool.value, p.server])).toEqual([['sequelize db.ts:5 (called at db.ts:8)', 16, 'DATABASE_REPLICA_URL']])
  })

  it('process.env passed through a wrapper (`new Proxy(process.env, handler)`) is still the env: its reads are variables', async () => {
    const files = {
      'db.ts': [
        "import pg from 'pg'",
        "import environment from './environment'",
        'const url = environment.DATABASE_URL',
        'export const pool = new pg.Pool({connectionString: url, max: Number(environment.PG_POOL_MAX ?? 7)})',
        'export const kind = typeof url === "string" ? "url" : "parts"',
      ].join('\n'),
      'environment.ts': [
        'function withSecrets(env) {',
        '  return new Proxy(env, {get: (target, prop) => target[prop] ?? target[`${String(prop)}_FILE`]})',
        '}',
        'export default withSecrets(process.env)',
      ].join('\n'),
      'package.json': pkg({pg: '^8.13.0'}),
    }
    // PG_POOL_MAX unset: `?? 7` → 7; set to 12: 12.
    expect((await run('node db.ts', files)).pools?.map((p) => p.pool.value)).toEqual([7])
    const set = await run('node db.ts', files, {PG_POOL_MAX: '12'})
    expect(set.pools?.map((p) => [p.pool.value, describeSourced(p.pool)])).toEqual([[12, expect.stringContaining('PG_POOL_MAX')]])
  })

  it('a lazily made singleton stays one pool when another function resets it (`pool = undefined`) and two places call it', async () => {
    const files = {
      'package.json': pkg({pg: '^8.13.0'}),
      'pool.ts': [
        "import {Pool} from 'pg'",
        'let pool: Pool | undefined',
        'export const withClient = async (callback) => {',
        '  if (!pool) {',
        '    pool = new Pool({connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_MAX) || 4})',
        '  }',
        '  return callback(await pool.connect())',
        '}',
        'export const closePool = async () => {',
        '  await pool?.end()',
        '  pool = undefined',
        '}',
      ].join('\n'),
      'queries.ts': [
        "import {withClient} from './pool'",
        'export const run = (sql) => withClient((c) => c.query(sql))',
        'export const rows = async (sql) => (await withClient((c) => c.query(sql))).rows',
      ].join('\n'),
      'server.ts': "import {closePool} from './pool'\nimport {run, rows} from './queries'\nexport {run, rows, closePool}\n",
    }
    // One Pool per process (made on the first call), max `Number(DB_MAX) || 4` = 4: not one per calling place.
    const a = await run('node server.ts', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([4])
    expect(describeSourced(a.pools![0].pool)).not.toContain('assumption')
  })

  it('NestJS SequelizeModule.forRoot and MikroOrmModule.forRootAsync: the pool of the options given (pool.max), else the library default', async () => {
    const files = {
      'package.json': pkg({'@mikro-orm/nestjs': '^6.0.0', '@mikro-orm/postgresql': '^6.0.0', '@nestjs/core': '^10.0.0', '@nestjs/sequelize': '^10.0.0', pg: '^8.13.0', sequelize: '^6.37.0'}),
      'src/app.module.ts': [
        "import {Module} from '@nestjs/common'",
        "import {SequelizeModule} from '@nestjs/sequelize'",
        "import {MikroOrmModule} from '@mikro-orm/nestjs'",
        '@Module({',
        '  imports: [',
        "    SequelizeModule.forRoot({dialect: 'postgres', uri: process.env.DATABASE_URL, pool: {max: 7}}),",
        '    MikroOrmModule.forRootAsync({useFactory: () => ({clientUrl: process.env.DATABASE_URL, pool: {min: 0, max: Number(process.env.ORM_POOL ?? 3)}})}),',
        '  ],',
        '})',
        'export class AppModule {}',
      ].join('\n'),
      'src/main.ts': "import {NestFactory} from '@nestjs/core'\nimport {AppModule} from './app.module'\nNestFactory.create(AppModule)\n",
    }
    // Sequelize pool.max 7 (app.module.ts:6) + MikroORM pool.max `Number(ORM_POOL ?? 3)` = 3 (app.module.ts:7): 10.
    const a = await run('node src/main.ts', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['sequelize src/app.module.ts:6', 7],
      ['mikro-orm src/app.module.ts:7', 3],
    ])
  })
})
