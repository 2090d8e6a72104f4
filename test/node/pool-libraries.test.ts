/**
 * Pools made through libraries that wrap pg (languages/node/pools.ts).
 * Prisma with a driver adapter: the connections are the driver's pool, not
 * Prisma's connection_limit. @prisma/adapter-pg@6.17.1 dist/index.js PrismaPgAdapterFactory:
 * `constructor(poolOrConfig)` keeps a pg.Pool it is given (`externalPool`), else `connect()` makes
 * `new pg.Pool(config)` (pg-pool's default max 10); @prisma/adapter-neon@6.17.1 PrismaNeonAdapterFactory
 * `connect()` makes `new neon.Pool(config)` (@neondatabase/serverless, node-postgres's Pool: max 10);
 * PrismaNeonHTTP sends each query over HTTP (no pool). Apps in the shape of MTES-MCT/trackdechets (an
 * Nx monorepo whose Procfile runs `node apps/api/dist/main.js`, built by @nx/esbuild from project.json).
 * @fastify/postgres registered as a plugin (heroku-examples/luminaire-solar-api-demo's shape): one pg Pool per registration.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>, scripts: Record<string, string> = {}) => JSON.stringify({dependencies: deps, scripts}, null, 2)
const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-2x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value])

describe('Prisma ≤ 6 with a driver adapter', () => {
  it('new PrismaPg(pool): the pg Pool the app made is the connections, counted once; no connection_limit CPU default', async () => {
    const files = {
      'lib/db.ts': [
        "import {Pool} from 'pg'",
        "import {PrismaPg} from '@prisma/adapter-pg'",
        "import {PrismaClient} from '@prisma/client'",
        'const pool = new Pool({connectionString: process.env.DATABASE_URL})',
        "const adapter = new PrismaPg(pool, {schema: 'app'})",
        'export const prisma = new PrismaClient({adapter})',
      ].join('\n'),
      'package.json': pkg({'@prisma/adapter-pg': '6.17.1', '@prisma/client': '6.17.1', pg: '^8.16.3'}),
      'server.ts': "import {prisma} from './lib/db'\nprisma.$connect()\n",
    }
    const a = await run('node server.ts', files)
    // pg Pool with no max: pg-pool's 10. Not 10 + Prisma's connection_limit (2 × 8 CPUs + 1 = 17 on standard-2x) = 27.
    expect(pools(a)).toEqual([['pg lib/db.ts:4', 10]])
    expect(a.threadsPerProcess.value).toBe(10)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('new PrismaPg({connectionString, max}) makes its own pg Pool of max (default 10)', async () => {
    const files = {
      'package.json': pkg({'@prisma/adapter-pg': '6.17.1', '@prisma/client': '6.17.1'}),
      'server.js': [
        "const {PrismaPg} = require('@prisma/adapter-pg')",
        "const {PrismaClient} = require('@prisma/client')",
        'const a = new PrismaClient({adapter: new PrismaPg({connectionString: process.env.DATABASE_URL})})',
        'const b = new PrismaClient({adapter: new PrismaPg({connectionString: process.env.REPORTS_URL, max: 3})})',
        'module.exports = {a, b}',
      ].join('\n'),
    }
    const a = await run('node server.js', files, {REPORTS_URL: 'postgres://u@db.example.com:5432/app'})
    // Two adapters, two pg Pools: 10 (pg-pool default) + 3.
    expect(pools(a)?.sort()).toEqual([['prisma-adapter-pg server.js:3', 10], ['prisma-adapter-pg server.js:4', 3]])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('@prisma/adapter-neon: PrismaNeon({connectionString}) opens a neon Pool (max 10); PrismaNeonHTTP opens none', async () => {
    const files = {
      'package.json': pkg({'@neondatabase/serverless': '^1.0.0', '@prisma/adapter-neon': '6.17.1', '@prisma/client': '6.17.1'}),
      'server.mjs': [
        "import {PrismaNeon, PrismaNeonHTTP} from '@prisma/adapter-neon'",
        "import {PrismaClient} from '@prisma/client'",
        'export const db = new PrismaClient({adapter: new PrismaNeon({connectionString: process.env.DATABASE_URL, max: 4})})',
        'export const edge = new PrismaClient({adapter: new PrismaNeonHTTP(process.env.DATABASE_URL, {})})',
      ].join('\n'),
    }
    const a = await run('node server.mjs', files)
    // The WebSocket Pool: max 4 read; the HTTP adapter holds no connection between queries.
    expect(pools(a)).toEqual([['prisma-adapter-neon server.mjs:3', 4]])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it("Neon's HTTP query function neon(url), made lazily in a getter: no pool, no connection held (0, said); beside a neon Pool, the Pool counts", async () => {
    const db = [
      "import {neon, neonConfig} from '@neondatabase/serverless'",
      'neonConfig.fetchConnectionCache = true',
      'let sql',
      'export function getSql() {',
      '  if (!sql) sql = neon(process.env.DATABASE_URL)',
      '  return sql',
      '}',
    ].join('\n')
    const files = {
      'db.mjs': db,
      'package.json': pkg({'@neondatabase/serverless': '^1.0.2'}),
      'server.mjs': "import {getSql} from './db.mjs'\nexport const rows = () => getSql()`select 1`\n",
    }
    const a = await run('node server.mjs', files)
    expect(pools(a)).toEqual([])
    expect(a.threadsPerProcess.value).toBe(0)
    expect(describeSourced(a.threadsPerProcess)).toContain("@neondatabase/serverless's neon()")
    expect(describeSourced(a.threadsPerProcess)).not.toContain('assumption')
    // With a WebSocket Pool as well: the Pool's 6 are the connections.
    const both = await run('node server.mjs', {...files, 'server.mjs': "import {Pool} from '@neondatabase/serverless'\nimport {getSql} from './db.mjs'\nexport const pool = new Pool({max: 6})\nexport const rows = () => getSql()`select 1`\n"})
    expect(both.threadsPerProcess.value).toBe(6)
  })

  it('a neon Pool made by the app and handed to the adapter is counted where it is made', async () => {
    const files = {
      'db.js': [
        "import {Pool} from '@neondatabase/serverless'",
        "import {PrismaNeon} from '@prisma/adapter-neon'",
        "import {PrismaClient} from '@prisma/client'",
        'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 7})',
        'export const prisma = new PrismaClient({adapter: new PrismaNeon(pool)})',
      ].join('\n'),
      'package.json': pkg({'@neondatabase/serverless': '^0.10.0', '@prisma/adapter-neon': '5.22.0', '@prisma/client': '5.22.0'}),
      'server.js': "import {prisma} from './db.js'\n",
    }
    const a = await run('node server.js', files)
    expect(pools(a)).toEqual([['neon Pool db.js:4', 7]])
  })

  it('the code is not found but the app depends on @prisma/adapter-pg: the adapter\'s pg Pool (10) is assumed, not connection_limit', async () => {
    const files = {
      'package.json': pkg({'@prisma/adapter-pg': '6.17.1', '@prisma/client': '6.17.1', pg: '^8.16.3'}),
      // The schema prisma generate makes the client from (without one, nothing could use @prisma/client).
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      'server.js': "require('./dist/db')\n",
    }
    const a = await run('node server.js', files)
    // pg-pool's 10 (assumed: no code read makes it), not connection_limit's 2 × 8 CPUs + 1 = 17 (standard-2x).
    expect(pools(a)).toEqual([['prisma', 10]])
    expect(describeSourced(a.pools![0].pool)).toContain('the app depends on @prisma/adapter-pg')
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })
})

describe('an Nx monorepo build (project.json outputPath + main)', () => {
  const files = {
    'apps/api/project.json': JSON.stringify({name: 'api', targets: {build: {executor: '@nx/esbuild:esbuild', options: {bundle: false, main: 'apps/api/src/main.ts', outputPath: '{projectRoot}/dist', tsConfig: 'apps/api/tsconfig.app.json'}}}}, null, 2),
    'apps/api/src/main.ts': "import {prisma} from '@acme/prisma'\nprisma.$connect()\n",
    'apps/api/tsconfig.json': '{"extends": "../../tsconfig.base.json"}',
    'apps/worker/project.json': JSON.stringify({name: 'worker', targets: {build: {executor: '@nx/webpack:webpack', options: {main: 'apps/worker/src/index.ts', outputPath: 'dist/apps/worker'}}}}, null, 2),
    'apps/worker/tsconfig.json': '{"extends": "../../tsconfig.base.json"}',
    'apps/worker/src/index.ts': "import {Pool} from 'pg'\nimport {prisma} from '@acme/prisma'\nexport const jobs = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\nexport const pending = () => prisma.job.count()\n",
    'libs/prisma/src/index.ts': [
      "import {Pool} from 'pg'",
      "import {PrismaPg} from '@prisma/adapter-pg'",
      "import {PrismaClient} from './generated/client'",
      'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})',
      'export const prisma = new PrismaClient({adapter: new PrismaPg(pool)})',
    ].join('\n'),
    'package.json': pkg({'@prisma/adapter-pg': '6.17.1', '@prisma/client': '6.17.1', pg: '^8.16.3'}),
    'tsconfig.base.json': '{"compilerOptions": {"baseUrl": ".", "paths": {"@acme/prisma": ["libs/prisma/src/index.ts"]}}}',
  }

  it('node apps/api/dist/main.js is apps/api/src/main.ts ({projectRoot}/dist), and its import through tsconfig paths is followed', async () => {
    const a = await run('node apps/api/dist/main.js', files)
    // libs/prisma: pg Pool max 6 behind PrismaPg: 6 (was 10*: the adapter dependency's default, no code read).
    expect(pools(a)).toEqual([['pg libs/prisma/src/index.ts:4', 6]])
    expect(describeSourced(a.processesPerDyno)).toContain('apps/api/dist/main.js is built at deploy by the Nx target build (@nx/esbuild:esbuild) of apps/api/project.json')
  })

  it('dist/apps/worker/main.js (outputPath under the workspace dist/) is apps/worker/src/index.ts', async () => {
    const a = await run('node dist/apps/worker/main.js', files)
    // @nx/webpack names its entry `main` (not main's own name, index): main.js under outputPath. The shared Prisma pool
    // (6) + the worker's own pg Pool (4).
    expect(pools(a)?.sort()).toEqual([['pg apps/worker/src/index.ts:3', 4], ['pg libs/prisma/src/index.ts:4', 6]])
    expect(a.threadsPerProcess.value).toBe(10)
  })
})

describe('@fastify/postgres', () => {
  it('fastify.register(fastifyPostgres, options) is a pg Pool of options.max (default 10); a named second one is another pool', async () => {
    const files = {
      'app.js': [
        "import Fastify from 'fastify'",
        "import fastifyPostgres from '@fastify/postgres'",
        'const app = Fastify()',
        'app.register(fastifyPostgres, {connectionString: process.env.DATABASE_URL})',
        "app.register(require('@fastify/postgres'), {name: 'reports', connectionString: process.env.DATABASE_URL, max: 3})",
        'export default app',
      ].join('\n'),
      'package.json': pkg({'@fastify/postgres': '^6.0.2', fastify: '^5.2.1', pg: '^8.13.3'}),
      'server.js': "import app from './app.js'\napp.listen({port: process.env.PORT})\n",
    }
    const a = await run('node server.js', files)
    // @fastify/postgres 6.0.2 index.js: new pg.Pool(options) per registration: 10 (pg-pool default) + 3.
    expect(pools(a)).toEqual([['pg app.js:4', 10], ['pg app.js:5', 3]])
    expect(a.threadsPerProcess.value).toBe(13)
  })

  it('@fastify/autoload: the plugins of the folder it is registered with are loaded, so a pool made in one is found', async () => {
    const files = {
      'app.js': [
        "import path from 'path'",
        "import {fileURLToPath} from 'url'",
        "import AutoLoad from '@fastify/autoload'",
        'const __dirname = path.dirname(fileURLToPath(import.meta.url))',
        'export default async (fastify) => {',
        "  fastify.register(AutoLoad, {dir: path.join(__dirname, 'plugins')})",
        '}',
      ].join('\n'),
      'package.json': pkg({'@fastify/autoload': '^5.8.0', 'fastify-cli': '^6.1.1', pg: '^8.11.5'}, {start: 'fastify start -l info app.js'}),
      'plugins/db.js': "import fp from 'fastify-plugin'\nimport pg from 'pg'\nexport default fp(async (fastify) => {\n  const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 5})\n  fastify.decorate('db', pool)\n})\n",
    }
    const a = await run('npm start', files)
    // plugins/db.js:4 pg Pool max 5, made in the plugin function (Fastify calls it once at boot): 5, no longer the pg
    // dependency default 10 assumed because no module reached from app.js imports pg.
    expect(pools(a)?.map(([, n]) => n)).toEqual([5])
    expect(a.pools![0].database).toContain('plugins/db.js:4')
  })

  it("the folder named with path's own join imported by name (`import {join} from 'path'`, `join(__dirname, 'routes')`): its routes' clients are found", async () => {
    const route = (max: number) => ["import pg from 'pg'", `const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: ${max}})`, "export default async (fastify) => { fastify.get('/', () => pool.query('select 1')) }"].join('\n')
    const files = {
      'package.json': pkg({fastify: '^4.28.0', 'fastify-autoload': '^3.13.0', pg: '^8.11.5'}, {start: 'node server.js'}),
      'routes/notes/list.js': route(3),
      'routes/users.js': route(4),
      'server.js': ["import Fastify from 'fastify'", "import autoLoad from 'fastify-autoload'", "import {join} from 'path'", '', 'const fastify = Fastify()', "fastify.register(autoLoad, {dir: join(__dirname, 'routes'), options: {prefix: '/v1'}})", 'fastify.listen(process.env.PORT)'].join('\n'),
    }
    const a = await run('npm start', files)
    // fastify-autoload loads every file below routes/ (nested folders too): 3 + 4. Before: `join` unread, no route read,
    // pg's dependency default 10 assumed.
    expect(pools(a)?.map(([, n]) => n).sort()).toEqual([3, 4])
  })
})

describe("Bun's built-in SQL client (import {SQL} from 'bun')", () => {
  // oven-sh/bun src/js/internal/sql/shared.ts normalizeOptionsForAdapter: `max: max || 10`; the adapter is
  // options.adapter, else the URL's protocol, else postgres. A package.json that lists no PostgreSQL library (Bun ships it).
  const files = (db: string): Record<string, string> => ({
    'package.json': JSON.stringify({dependencies: {'drizzle-orm': '^0.44.0', elysia: '^1.4.0'}, type: 'module'}, null, 2),
    'src/db.ts': db,
    'src/server.ts': "import {Elysia} from 'elysia'\nimport {db} from './db'\nnew Elysia().get('/', () => db.execute('select 1')).listen(3000)\n",
  })

  it('new SQL(url) with no options: one pool of 10; new SQL(url, {max: 4}) beside it: 4 more', async () => {
    const db = ["import {SQL} from 'bun'", "import {drizzle} from 'drizzle-orm/bun-sql'", 'const client = new SQL(process.env.DATABASE_URL)', 'const reports = new SQL(process.env.DATABASE_URL, {max: 4, idleTimeout: 30})', 'export const db = drizzle({client})', 'export const reportsDb = drizzle({client: reports})'].join('\n')
    const a = await run('bun run src/server.ts', files(db))
    expect(pools(a)).toEqual([
      ['bun SQL src/db.ts:3', 10],
      ['bun SQL src/db.ts:4', 4],
    ])
    expect(a.threadsPerProcess.value).toBe(14)
  })

  it("new SQL({url, max: 6}); an SQLite one (new SQL('sqlite://cache.db')) opens no PostgreSQL connection, said", async () => {
    const db = ["import {SQL} from 'bun'", "const cache = new SQL('sqlite://cache.db')", 'export const db = new SQL({url: process.env.DATABASE_URL, max: 6})', 'export const local = cache'].join('\n')
    const a = await run('bun run src/server.ts', files(db))
    expect(pools(a)).toEqual([['bun SQL src/db.ts:3', 6]])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({file: 'src/db.ts', line: 2, message: expect.stringContaining('uses its sqlite adapter, not PostgreSQL')}))
  })
})

// Slonik, in the shape of logto-io/logto's packages/core/src/env-set/create-pool.ts (which imports the @silverhand/slonik
// fork): `createPool(url, clientConfiguration)`. Slonik's createClientConfiguration.ts sets maximumPoolSize: 10 under the
// app's configuration (gajus/slonik@04778a06 packages/slonik/src/factories/createClientConfiguration.ts).
describe('Slonik createPool', () => {
  it('maximumPoolSize when given, else 10; the fork is the same API (was: no pool found, 1 connection assumed)', async () => {
    const files = {
      'db.ts': [
        "import {createPool} from 'slonik'",
        "import {createPool as createForkPool} from '@silverhand/slonik'",
        'export const main = await createPool(process.env.DATABASE_URL, {maximumPoolSize: 25, statementTimeout: 60_000})',
        "export const audit = await createForkPool(process.env.DATABASE_URL, {interceptors: []})",
      ].join('\n'),
      'package.json': pkg({'@silverhand/slonik': '31.0.0-beta.2', slonik: '^46.0.0'}),
      'server.ts': "import {main, audit} from './db'\nmain.query('select 1')\naudit.query('select 1')\n",
    }
    const a = await run('node server.ts', files)
    // 25 + Slonik's default 10 = 35.
    expect(pools(a)).toEqual([
      ['slonik db.ts:3', 25],
      ['slonik db.ts:4', 10],
    ])
    expect(describeSourced(a.pools![1].pool)).toContain('Slonik createPool default maximumPoolSize')
    expect(a.threadsPerProcess.value).toBe(35)
  })

  it('a Slonik dependency whose createPool conncalc does not see: its default 10, not one connection', async () => {
    const files = {'package.json': pkg({slonik: '^46.0.0'}), 'server.js': "require('./app')\n"}
    const a = await run('node server.js', files)
    expect(pools(a)).toEqual([['slonik', 10]])
  })
})
