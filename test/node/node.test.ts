import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced, fromFlag, sourced} from '../../src/model/source.js'
import {evaluateJs} from '../../src/languages/node/js.js'
import {asInteger, entry} from '../../src/languages/python/evaluate.js'
import {analyzeWith, envOf} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>, scripts: Record<string, string> = {}) => JSON.stringify({dependencies: deps, scripts}, null, 2)

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-2x')

describe('evaluateJs', () => {
  it('a parameter read in a function body is the caller\'s value: said so at the line that reads it, not "not defined"', async () => {
    const m = await evaluateJs('db.js', 'const {Pool} = require("pg")\nfunction makePool(max = 5) {\n  return new Pool({\n    max,\n  })\n}\nmodule.exports = makePool\n', {env: envOf({})})
    const call = m.calls.find((c) => c.callee === 'pg.Pool')!
    expect(call.args[0]).toMatchObject({kind: 'known'})
    const max = call.args[0].kind === 'known' && typeof call.args[0].value === 'object' && call.args[0].value !== null && call.args[0].value.kind === 'dict' ? call.args[0].value.entries.get('max') : undefined
    expect(max).toMatchObject({kind: 'unknown', line: 4, reason: '`max` is a parameter of `makePool()` (line 2): its value comes from the caller, which conncalc does not follow here (its default is `5`)'})
  })

  it('reads process.env with ||/?? defaults, Number(), os.cpus().length and module.exports', async () => {
    const nproc = sourced(8, fromFlag('nproc'))
    const m = await evaluateJs('knexfile.js', 'const os = require("os")\nconst n = Number(process.env.N ?? 3) * 2\nmodule.exports = {production: {pool: {max: n, cpus: os.cpus().length}}}\n', {env: envOf({}), nproc})
    const pool = entry(entry(m.exports.get('default'), 'production'), 'pool')
    expect(asInteger(entry(pool, 'max'))).toBe(6)
    expect(asInteger(entry(pool, 'cpus'))).toBe(8)
  })

  it('a ternary on an unset variable is its else arm: the arm not taken (read to name what it opens) does not replace it', async () => {
    const code = 'const {Pool} = require("pg")\nconst max = process.env.DB_MAX ? parseInt(process.env.DB_MAX, 10) : 100\nmodule.exports = new Pool({max})\n'
    const max = (m: Awaited<ReturnType<typeof evaluateJs>>) => entry(m.calls.find((c) => c.callee === 'pg.Pool')!.args[0], 'max')
    // Unset: 100 (before, the consequent's parseInt(undefined) replaced it and the value was unknown).
    expect(max(await evaluateJs('db.js', code, {env: envOf({})}))).toMatchObject({kind: 'known', value: 100})
    expect(max(await evaluateJs('db.js', code, {env: envOf({DB_MAX: '7'})}))).toMatchObject({kind: 'known', value: 7})
  })

  it('a construct it does not evaluate makes only that value unknown; the file and its other values are read', async () => {
    const names = Array.from({length: 40}, (_, i) => `k${i}`)
    const src = [
      ...names.map((n, i) => `const ${n} = ${i}`),
      `export const all = {${names.join(', ')}}`, // 32+ shorthand properties: @lezer/javascript rejected the whole file
      'const label = tag`pool-${k1}`',
      'export const pool = {max: k3 + 2, label}',
      'if (import.meta.env?.DEV) module.exports = {}',
      'if (process.env.X) { return }', // valid in CommonJS, which a .js file without import/export is
    ]
    const esm = await evaluateJs('src/db.ts', src.slice(0, -1).join('\n'), {env: envOf({})})
    expect(esm.diagnostics).toEqual([])
    expect(asInteger(entry(esm.exports.get('all'), 'k39'))).toBe(39)
    expect(asInteger(entry(esm.exports.get('pool'), 'max'))).toBe(5)
    expect(entry(esm.exports.get('pool'), 'label')).toMatchObject({kind: 'unknown', line: 42})
    const cjs = await evaluateJs('knexfile.js', ['const max = 4', 'if (process.env.X) { return }', 'module.exports = {pool: {max}}'].join('\n'), {env: envOf({})})
    expect(cjs.diagnostics).toEqual([])
    expect(asInteger(entry(entry(cjs.exports.get('default'), 'pool'), 'max'))).toBe(4)
  })

  it('only a file oxc rejects is unparsable, at the line of the error', async () => {
    const m = await evaluateJs('knexfile.js', 'const a = 1\nmodule.exports = {pool: {max: 5}\nconst b = = 2\n', {env: envOf({})})
    expect(m.parsed).toBe(false)
    expect(m.diagnostics).toEqual([expect.objectContaining({code: 'unparsable-config', file: 'knexfile.js', line: 3})])
  })
})

describe('node analyzer', () => {
  it('follows npm start → package.json script → node file, and finds new Pool({max})', async () => {
    const a = await run('npm start', {
      'db.js': 'import pg from "pg"\nexport const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 4})\n',
      'index.js': 'import {pool} from "./db.js"\n',
      'package.json': pkg({pg: '^8.13.0'}, {start: 'NODE_ENV=production node index.js'}),
    })
    expect([a.processesPerDyno.value, a.threadsPerProcess.value, a.pools?.[0].pool.value]).toEqual([1, 4, 4])
    expect(describeSourced(a.pools![0].pool)).toBe('db.js:2')
  })

  it('a Prisma 1 client (prisma-client-lib) holds no PostgreSQL connection: the Prisma server it calls over HTTP does', async () => {
    // notiz-dev/nestjs-prisma-starter (2019): new Prisma({endpoint: 'http://localhost:4466'}) — no pg driver in the app.
    const client = "import { Prisma } from './client'\nexport const prisma = new Prisma({ endpoint: process.env.PRISMA_ENDPOINT })\n"
    const a = await run('node server.js', {'package.json': pkg({'prisma-client-lib': '1.26.0'}), 'server.js': "import { prisma } from './prisma'\n", 'prisma.js': client})
    expect(a.threadsPerProcess).toMatchObject({source: {file: 'package.json', kind: 'file'}, value: 0})
    expect(a.language).toBe('none')
    expect(describeSourced(a.threadsPerProcess)).toContain('queries the Prisma server (prisma.yml endpoint) over HTTP')
    // With a pg pool as well, the pool counts as usual.
    const b = await run('node server.js', {'package.json': pkg({pg: '^8.0.0', 'prisma-client-lib': '1.26.0'}), 'server.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 3})\n"})
    expect(b.threadsPerProcess.value).toBe(3)
  })

  it('uses library defaults from dependencies when the code is not in the repo, labelled', async () => {
    // A build script conncalc does not read (gulp) may write dist/main.js.
    const a = await run('node dist/main.js', {'package.json': pkg({sequelize: '^6.37.0'}, {build: 'gulp build'})})
    expect(a.pools?.[0].pool.value).toBe(5)
    // The reason says why the pool was not found: the entry is built at deploy and nothing maps it back, so no code was read.
    expect(describeSourced(a.pools![0].pool)).toContain('assumption: conncalc read no code for this process, so the code that creates the sequelize pool was not looked for')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', severity: 'info'}))
  })

  it('says which module imports the library when its pool is made where conncalc does not evaluate (a class constructor)', async () => {
    const files = {
      'package.json': pkg({knex: '^3.1.0'}),
      'repo.js': "const knex = require('knex')\nclass Repo {\n  constructor(config) {\n    this.db = knex(config)\n  }\n}\nmodule.exports = {Repo}\n",
      'server.js': "const {Repo} = require('./repo')\nnew Repo(process.env.DATABASE_URL)\n",
    }
    const a = await run('node server.js', files)
    // knex's default pool max 10 (lib/client.js), assumed, with the reason pointing at repo.js.
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption: repo.js (reached from server.js) imports knex, but makes no knex pool conncalc can evaluate')
  })

  it('reads a pool made by a call that another call is chained on (an emitter listener, a promise)', async () => {
    const files = {
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0'}),
      // EventEmitter.prototype.on returns the emitter: `pool` is the Pool, `db` the knex instance.
      'server.js': [
        "const { Pool } = require('pg')",
        "const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 3 }).on('error', (e) => console.error(e))",
        "const db = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL, pool: { max: 4 } }).on('query', () => {})",
        "db.raw('select 1').then(() => pool.query('select 1'))",
        'module.exports = { pool, db }',
      ].join('\n'),
    }
    const a = await run('node server.js', files)
    // pg Pool max 3 (server.js:2) + knex pool.max 4 (server.js:3); before, neither call was read (knex's default 10, assumed).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg server.js:2', 3], ['knex server.js:3', 4]])
  })

  it('names the files that import the library when no module reached from the entry loads them', async () => {
    const files = {
      'db/init.js': "const knex = require('knex')({client: 'pg', connection: process.env.DATABASE_URL})\nknex.migrate.latest()\n",
      'package.json': pkg({express: '^4.21.0', knex: '^3.1.0'}),
      // express with no lock file: what it loads cannot be told, so the process may still reach knex.
      'server.js': "const app = require('express')()\napp.get('/', (req, res) => res.send('ok'))\napp.listen(process.env.PORT)\n",
    }
    const a = await run('node server.js', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption: db/init.js imports knex, but no module reached from server.js (1 read) imports it by a path conncalc follows')
  })

  it('Prisma 7 uses the driver adapter pool (pg max 10); PrismaPg({max}) is read', async () => {
    const files = {
      'package.json': pkg({'@prisma/adapter-pg': '^7.0.0', '@prisma/client': '^7.0.0'}),
      'server.js': 'import {PrismaClient} from "@prisma/client"\nimport {PrismaPg} from "@prisma/adapter-pg"\nconst adapter = new PrismaPg({connectionString: process.env.DATABASE_URL, max: 6})\nexport const prisma = new PrismaClient({adapter})\n',
    }
    const a = await run('node server.js', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('Prisma 6 with @prisma/adapter-pg (MTES-MCT/otelo-back\'s shape): the adapter\'s pg Pool, max 10, labelled as the adapter\'s, not as Prisma 7\'s', async () => {
    const files = {
      'package.json': pkg({'@prisma/adapter-pg': '6.19.1', '@prisma/client': '6.19.1'}),
      'server.js': 'import {PrismaClient} from "@prisma/client"\nimport {PrismaPg} from "@prisma/adapter-pg"\nexport const prisma = new PrismaClient({adapter: new PrismaPg({connectionString: process.env.DATABASE_URL})})\n',
    }
    const a = await run('node server.js', files)
    // No max given: pg's Pool default 10 (not Prisma 6's own CPUs × 2 + 1 engine pool: the adapter replaces the engine's).
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    const text = describeSourced(a.pools![0].pool)
    expect(text).toContain("Prisma's pg driver adapter (@prisma/adapter-pg) makes a pg Pool: its default max applies")
    expect(text).not.toContain('Prisma 7')
  })

  it('throng without workers forks one process per CPU; cluster.fork counts WEB_CONCURRENCY', async () => {
    const t = await run('node server.js', {'package.json': pkg({throng: '^5.0.0'}), 'server.js': 'const throng = require("throng")\nthrong(start)\n'})
    expect(t.processesPerDyno.value).toBe(8)
    expect(t.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default'}))
    const c = await run('node server.js', {'package.json': pkg({}), 'server.js': 'import cluster from "node:cluster"\nif (cluster.isPrimary) { for (let i = 0; i < n; i++) cluster.fork() }\n'}, {WEB_CONCURRENCY: '3'})
    expect(c.processesPerDyno.value).toBe(3)
    expect(describeSourced(c.processesPerDyno)).toContain('cluster.fork() at server.js:2')
  })

  it('an if conncalc cannot decide: the branches do not both run, so the larger branch\'s pool counts, labelled, not both', async () => {
    // `featureFlags.bigPool()` is the app's own call: undecidable. then: pg max 20; else: pg max 8 → 20, not 28.
    const src = [
      'import pg from "pg"',
      'import {featureFlags} from "./flags.js"',
      'let pool',
      'if (featureFlags.bigPool()) {',
      '  pool = new pg.Pool({max: 20})',
      '} else {',
      '  pool = new pg.Pool({max: 8})',
      '}',
      'export default pool',
    ].join('\n')
    const a = await run('node db.js', {'db.js': src, 'package.json': pkg({pg: '^8.13.0'})})
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg db.js:5', 20]])
    expect(describeSourced(a.pools![0].pool)).toContain('`featureFlags.bigPool()` at db.js:4 cannot be evaluated')
    expect(a.threadsPerProcess.value).toBe(20)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'db.js', line: 4}))
  })

  it('a condition on env with a value takes its branch only, with no word; a ternary the same', async () => {
    // USE_POOLER=1: the then branch (max 3); the else (max 9) is neither counted nor named.
    const src = 'const {Pool} = require("pg")\nconst pool = process.env.USE_POOLER ? new Pool({max: 3}) : new Pool({max: 9})\nmodule.exports = pool\n'
    const on = await run('node db.js', {'db.js': src, 'package.json': pkg({pg: '^8.13.0'})}, {USE_POOLER: '1'})
    expect(on.pools?.map((p) => p.pool.value)).toEqual([3])
    expect(on.diagnostics.map((d) => d.code)).toEqual([])
    // Unset: the else branch (9) counts; the then branch's pool is named, since USE_POOLER may be set on the app.
    const off = await run('node db.js', {'db.js': src, 'package.json': pkg({pg: '^8.13.0'})})
    expect(off.pools?.map((p) => p.pool.value)).toEqual([9])
    expect(off.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'db.js', line: 2}))
  })

  it('an event loop, not threads: Node processes say so and never get pool-below-threads wording', async () => {
    const a = await run('node db.js', {'db.js': 'const {Pool} = require("pg")\nnew Pool({max: 3})\nnew Pool({max: 12})\n', 'package.json': pkg({pg: '^8.13.0'})})
    // Two pools, 3 + 12: the event loop can have all 15 checked out at once.
    expect(a.eventLoop).toBe(true)
    expect(a.threadsPerProcess.value).toBe(15)
    expect(describeSourced(a.threadsPerProcess)).not.toMatch(/thread/i)
  })

  it('pm2 instances the app sets in a way conncalc cannot read: 1, an assumption naming the file (issue 11)', async () => {
    const a = await run('pm2-runtime start ecosystem.config.js', {'app.js': '', 'ecosystem.config.js': 'module.exports = {apps: [{script: "app.js", instances: computeInstances()}]}\n', 'package.json': pkg({pg: '8'})})
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })

  it('node-config when tsconfig paths map `config` to its type declarations (opencollective-api\'s shape): the .d.ts is not the module', async () => {
    const files = {
      'config/custom-environment-variables.json': '{"database": {"options": {"pool": {"max": "PG_MAX_CONNECTIONS"}}}}',
      'config/default.json': '{"database": {"options": {"pool": {"min": 5, "max": 10}}}}',
      'config/production.json': '{"database": {"options": {"pool": {"min": 10, "max": 50}}}}',
      'package.json': pkg({config: '^3.3.12', sequelize: '^6.37.5'}),
      'server/lib/sequelize.ts': "import config from 'config'\nimport {Sequelize} from 'sequelize'\nexport const sequelize = new Sequelize('db', 'u', 'p', {dialect: 'postgres', ...config.database.options})\n",
      'server/types/node-config.d.ts': "declare module 'config' { const c: any; export default c }\n",
      'tsconfig.json': '{"compilerOptions": {"paths": {"config": ["./server/types/node-config.d.ts"]}}}',
    }
    // production.json's max 50 over default.json's 10, spread into the options.
    const a = await run('node server/lib/sequelize.ts', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([50])
    // PG_MAX_CONNECTIONS=15 (the worker's Procfile line sets it) through custom-environment-variables: a string, read as 15.
    const w = await run('node server/lib/sequelize.ts', files, {PG_MAX_CONNECTIONS: '15'})
    expect(w.pools?.map((p) => p.pool.value)).toEqual([15])
  })

  it('next start: pools made in modules the routes import are found wherever the app keeps them; tests and stories are not loaded', async () => {
    const files = {
      // A pool that only a test makes: Next never loads it.
      'app/__tests__/db.test.ts': 'import {Pool} from "pg"\nexport const p = new Pool({max: 50})\n',
      'app/api/users/route.ts': 'import {pool} from "../../../src/server/database"\nexport async function GET() { return pool.query("select 1") }\n',
      'app/page.tsx': 'export default function Page() { return null }\n',
      'package.json': pkg({next: '15.0.0', pg: '^8.13.0', 'pg-boss': '^10.0.0'}, {start: 'next start'}),
      'pages/api/jobs.ts': 'import {boss} from "../../src/server/queue/client"\nexport default async function handler() { await boss.start() }\n',
      'src/server/database.ts': 'import {Pool} from "pg"\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\n',
      'src/server/queue/client.ts': 'import PgBoss from "pg-boss"\nexport const boss = new PgBoss({connectionString: process.env.DATABASE_URL, max: 3})\n',
    }
    // The route's pg Pool (max 4) and the API page's pg-boss (max 3): 4 + 3 = 7 connections a process can hold.
    const a = await run('npm start', files)
    expect(a.server).toBe('next')
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['pg src/server/database.ts:2', 4],
      ['pg-boss src/server/queue/client.ts:2', 3],
    ])
    expect(a.threadsPerProcess.value).toBe(7)
    expect(describeSourced(a.threadsPerProcess)).not.toContain('assumption')
  })

  it('nest start reads src/main.ts and what it imports; remix-serve the app/ routes', async () => {
    const nest = await run('nest start', {
      'package.json': pkg({'@nestjs/core': '^10.0.0', pg: '^8.13.0'}),
      'src/db.module.ts': 'import {Pool} from "pg"\nexport const pool = new Pool({max: 6})\n',
      'src/main.ts': 'import "./db.module"\n',
    })
    expect(nest.pools?.map((p) => p.pool.value)).toEqual([6])
    const remix = await run('remix-serve build/index.js', {
      'app/models/db.server.ts': 'import postgres from "postgres"\nexport const sql = postgres(process.env.DATABASE_URL, {max: 2})\n',
      'app/routes/_index.tsx': 'import {sql} from "~/models/db.server"\nexport const loader = () => sql`select 1`\n',
      'package.json': pkg({'@remix-run/serve': '^2.0.0', postgres: '^3.4.0'}),
      'tsconfig.json': '{"compilerOptions": {"paths": {"~/*": ["./app/*"]}}}',
    })
    expect(remix.pools?.map((p) => [p.database, p.pool.value])).toEqual([['postgres.js app/models/db.server.ts:2', 2]])
  })

  it('a knexfile only the knex CLI reads (no code file imports knex, migrations aside) is not a pool of the web process', async () => {
    const files = {
      'knexfile.js': "module.exports = {production: {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 2, max: 7}}}\n",
      'migrations/001_init.ts': 'import type {Knex} from "knex"\nexport const up = (knex: Knex) => knex.schema.createTable("t", () => {})\n',
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0', 'pg-promise': '^11.0.0'}),
      'server.js': 'const pgp = require("pg-promise")()\nconst db = pgp({connectionString: process.env.DATABASE_URL, max: 4})\nrequire("http").createServer(async (q, r) => r.end(JSON.stringify(await db.any("select 1")))).listen(process.env.PORT)\n',
    }
    const web = await run('node server.js', files)
    // pg-promise max 4 only: the knexfile's 7 is the CLI's (migrations/001_init.ts imports knex's types, and is not loaded).
    expect(web.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg-promise server.js:2', 4]])
    expect(web.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('knexfile.js sets a pool, but no code file of the app imports knex, objection or bookshelf'))
    // A route that imports knex (loaded by a glob the walk does not follow) keeps the knexfile's pool: 4 + 7.
    const routed = await run('node server.js', {...files, 'routes/users.js': 'const knex = require("knex")(require("../knexfile").production)\nmodule.exports = (app) => app.get("/u", () => knex("users"))\n'})
    expect(routed.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg-promise server.js:2', 4], ['knex knexfile.js', 7]])
  })

  it('a bare import under a babel-plugin-module-resolver root (.babelrc root ".") is the app\'s file, as on NODE_PATH', async () => {
    const files = {
      '.babelrc': JSON.stringify({plugins: [['module-resolver', {root: ['.']}]], presets: ['@babel/preset-env']}),
      'package.json': pkg({sequelize: '^6.37.0', pg: '^8.13.0'}),
      'src/app.js': 'import express from "express"\nimport {sequelize} from "src/db/models"\nexpress().get("/", async (q, r) => r.json(await sequelize.query("select 1"))).listen(process.env.PORT)\n',
      'src/db/models/index.js': 'import Sequelize from "sequelize"\nexport const sequelize = new Sequelize(process.env.DATABASE_URL, {pool: {max: 7}})\n',
    }
    // src/app.js imports src/db/models (root "." → ./src/db/models/index.js): Sequelize pool.max 7, read, not the default 5.
    const web = await run('node src/app.js', files)
    expect(web.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sequelize src/db/models/index.js:2', 7]])
  })

  it('react-router-serve (React Router 7 framework mode) and an @react-router/express server read the app/ routes', async () => {
    const files = {
      'app/lib/db.ts': 'import {Pool} from "pg"\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 3})\n',
      'app/routes/api.stats.ts': 'import {pool} from "../lib/db"\nexport async function loader() { return (await pool.query("select 1")).rows }\n',
      'package.json': pkg({'@react-router/serve': '^7.6.0', pg: '^8.16.0', 'react-router': '^7.6.0'}),
    }
    // The build is not in the app; app/routes/api.stats.ts imports app/lib/db.ts: one pg pool, max 3.
    const serve = await run('react-router-serve ./build/server/index.js', files)
    expect(serve.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg app/lib/db.ts:2', 3]])
    const express = await run('node server.js', {
      ...files,
      'server.js': 'import express from "express"\nimport {createRequestHandler} from "@react-router/express"\nconst app = express()\napp.all("*", createRequestHandler({build: () => import("./build/server/index.js")}))\napp.listen(process.env.PORT)\n',
    })
    expect(express.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg app/lib/db.ts:2', 3]])
  })

  it('a pg Client is one connection of its own, not a pool of 10; made in a handler it is 1 per call, an assumption', async () => {
    const top = await run('node api.js', {
      'api.js': 'const {Client} = require("pg")\nconst client = new Client({connectionString: process.env.DATABASE_URL})\nclient.connect()\n',
      'package.json': pkg({pg: '^8.13.0'}),
    })
    expect(top.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg Client api.js:2', 1]])
    expect(describeSourced(top.pools![0].pool)).not.toContain('assumption')
    expect(top.threadsPerProcess.value).toBe(1)
    const handler = await run('node api.js', {
      'api.js': 'import pg from "pg"\nexport async function handler(req) {\n  const c = new pg.Client(process.env.DATABASE_URL)\n  await c.connect()\n  return c.query("select 1")\n}\n',
      'package.json': pkg({pg: '^8.13.0'}),
    })
    expect(handler.pools?.map((p) => p.pool.value)).toEqual([1])
    expect(describeSourced(handler.pools![0].pool)).toContain('assumption: made inside a function, one per call')
    // Beside a pool, a Client a function makes (an advisory-lock helper) is named, not counted: the pool's 4 only.
    const helper = await run('node api.js', {
      'api.js': 'import pg from "pg"\nexport const pool = new pg.Pool({max: 4})\nexport async function withLock(fn) {\n  const c = new pg.Client(process.env.DATABASE_URL)\n  await c.connect()\n  try { return await fn() } finally { await c.end() }\n}\n',
      'package.json': pkg({pg: '^8.13.0'}),
    })
    expect(helper.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg api.js:2', 4]])
    expect(helper.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'api.js', line: 4, severity: 'info'}))
  })

  it('a module-level pg Client that no code connect()s holds no connection (node-postgres connects on client.connect() only)', async () => {
    // SPAI-Team/Human-Entrance-Counter's back_end: models/databaseConfig.js exports `new Client({connectionString})`, imported
    // and never connected, beside config.js's Pool of max 20 that the routes query: 20. Before: 21 (the Client counted 1).
    const files = {
      'config.js': 'const {Pool} = require("pg")\nmodule.exports = new Pool({connectionString: process.env.DATABASE_URL, max: 20})\n',
      'db.js': 'const {Client} = require("pg")\nmodule.exports = new Client({connectionString: process.env.DATABASE_URL})\n',
      'index.js': 'const db = require("./db")\nconst pool = require("./config")\nrequire("http").createServer(async (q, r) => r.end(String((await pool.query("select 1")).rowCount))).listen(process.env.PORT)\n',
      'package.json': pkg({pg: '^8.7.1'}),
    }
    const idle = await run('node index.js', files)
    expect(idle.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg config.js:2', 20]])
    expect(idle.diagnostics).toContainEqual(expect.objectContaining({file: 'db.js', line: 2, message: expect.stringContaining('never connected'), severity: 'info'}))
    // With a connect() anywhere in the code read, it is one connection of its own again: 21.
    const connected = await run('node index.js', {...files, 'index.js': `${files['index.js']}db.connect()\n`})
    expect(connected.pools?.map((p) => p.pool.value).sort((a, b) => a - b)).toEqual([1, 20])
  })

  it('pg before 7.0: pg.connect(url, cb) calls share pg\'s singleton pool of 10, counted once; Knex.initialize(config) is knex(config)', async () => {
    const legacy = await run('node server.js', {
      'db.js': 'var pg = require("pg").native\nexports.query = function (sql, cb) {\n  pg.connect(process.env.DATABASE_URL, function (err, client, done) { client.query(sql, cb); done() })\n}\nexports.other = function (cb) { pg.connect(process.env.DATABASE_URL, cb) }\n',
      'package.json': pkg({pg: '~2.11.1'}),
      'server.js': 'var db = require("./db")\n',
    })
    expect(legacy.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg db.js:3', 10]])
    expect(describeSourced(legacy.pools![0].pool)).not.toContain('assumption')
    const knex = await run('node web.js', {
      'db.js': 'var Knex = require("knex")\nvar knex = Knex.initialize({client: "pg", connection: process.env.DATABASE_URL, pool: {max: 4}})\nmodule.exports = knex\n',
      'package.json': pkg({knex: '0.5.0', pg: '~2.8.0'}),
      'web.js': 'var db = require("./db")\n',
    })
    expect(knex.pools?.map((p) => [p.database, p.pool.value])).toEqual([['knex db.js:2', 4]])
  })

  it('AdonisJS Lucid: config/database.ts names the connection whose knex pool each process opens (v5 Env.get, v6 defineConfig)', async () => {
    const v5 = {
      'config/database.ts': [
        "import Env from '@ioc:Adonis/Core/Env'",
        "import {DatabaseConfig} from '@ioc:Adonis/Lucid/Database'",
        'const databaseConfig: DatabaseConfig = {',
        "  connection: Env.get('DB_CONNECTION', 'pg'),",
        '  connections: {',
        "    sqlite: {client: 'sqlite', connection: {filename: 'tmp/db.sqlite3'}, pool: {max: 1}},",
        "    pg: {client: 'pg', connection: Env.get('DATABASE_URL'), pool: {min: 2, max: Env.get('DB_POOL_MAX', 6)}},",
        '  },',
        '}',
        'export default databaseConfig',
      ].join('\n'),
      'package.json': pkg({'@adonisjs/core': '^5.9.0', '@adonisjs/lucid': '^18.4.0', pg: '^8.11.0'}, {start: 'node build/server.js'}),
      'server.ts': "import {Ignitor} from '@adonisjs/core/build/standalone'\nnew Ignitor(__dirname).httpServer().start()\n",
    }
    // DB_CONNECTION unset: its default "pg"; DB_POOL_MAX unset: 6.
    const a = await run('npm start', v5)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['lucid pg config/database.ts', 6]])
    expect(a.threadsPerProcess.value).toBe(6)
    expect((await run('npm start', v5, {DB_POOL_MAX: '15'})).pools?.map((p) => p.pool.value)).toEqual([15])
    // The connection can be another one: DB_CONNECTION=sqlite opens no PostgreSQL pool.
    expect((await run('npm start', v5, {DB_CONNECTION: 'sqlite'})).pools?.map((p) => p.database)).not.toContain('lucid pg config/database.ts')
    const v6 = await run('node bin/server.js', {
      'bin/server.ts': "import {Ignitor} from '@adonisjs/core'\nnew Ignitor(new URL('../', import.meta.url)).httpServer().start()\n",
      'config/database.ts': [
        "import env from '#start/env'",
        "import {defineConfig} from '@adonisjs/lucid'",
        'const dbConfig = defineConfig({',
        "  connection: 'postgres',",
        "  connections: {postgres: {client: 'pg', connection: {connectionString: env.get('DATABASE_URL')}, migrations: {naturalSort: true}}},",
        '})',
        'export default dbConfig',
      ].join('\n'),
      'package.json': JSON.stringify({dependencies: {'@adonisjs/core': '^6.12.0', '@adonisjs/lucid': '^21.1.0', pg: '^8.12.0'}, imports: {'#start/*': './start/*.js'}}),
      'start/env.ts': "import {Env} from '@adonisjs/core/env'\nexport default await Env.create(new URL('../', import.meta.url), {DATABASE_URL: Env.schema.string()})\n",
    })
    // No pool in the connection: knex's default max 10.
    expect(v6.pools?.map((p) => [p.database, p.pool.value])).toEqual([['lucid postgres config/database.ts', 10]])
    expect(describeSourced(v6.pools![0].pool)).toContain("knex's default pool max is 10")
  })

  it('pg-promise: each Database object pgp(cn) opens a pg Pool of cn.max (pg\'s 10 by default)', async () => {
    const a = await run('node server.js', {
      'db.js': "const pgp = require('pg-promise')({capSQL: true})\nconst main = pgp(process.env.DATABASE_URL)\nconst reports = pgp({connectionString: process.env.DATABASE_URL, max: 3})\nmodule.exports = {main, reports}\n",
      'package.json': pkg({'pg-promise': '^11.5.0'}),
      'server.js': "const {main} = require('./db')\n",
    })
    // A URL alone: pg's default 10; the options object: max 3. 10 + 3 = 13 per process.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['pg-promise db.js:2', 10],
      ['pg-promise db.js:3', 3],
    ])
    expect(a.threadsPerProcess.value).toBe(13)
  })

  it('after an early return the rest of the function is the else branch; imports of styles are not read as modules', async () => {
    const src = [
      'import {Pool} from "pg"',
      'import styles from "./page.module.css"',
      'export function getClient() {',
      '  const base = new Pool({connectionString: process.env.DATABASE_URL, max: 6})',
      '  if (!process.env.DATABASE_REPLICA_URL) {',
      '    return base',
      '  }',
      '  const replica = new Pool({connectionString: process.env.DATABASE_REPLICA_URL, max: 6})',
      '  return {base, replica}',
      '}',
      'export const client = getClient()',
    ].join('\n')
    const files = {'db.ts': src, 'package.json': pkg({pg: '^8.13.0'}), 'page.module.css': '.title { color: red }\n'}
    // No replica URL: the function returns at line 6; the replica pool (line 8) is named, not counted: 6.
    const a = await run('node db.ts', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg db.ts:4', 6]])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', line: 8, message: expect.stringContaining('(line 5) does not hold')}))
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unparsable-config')
    // With one, both pools are made: 6 + 6.
    const r = await run('node db.ts', files, {DATABASE_REPLICA_URL: 'postgres://replica/db'})
    expect(r.pools?.map((p) => p.pool.value)).toEqual([6, 6])
  })

  it('pm2-runtime -i N runs N processes', async () => {
    const a = await run('pm2-runtime start app.js -i 3', {'app.js': '', 'package.json': pkg({pg: '8'})})
    expect(a.processesPerDyno.value).toBe(3)
  })
})
