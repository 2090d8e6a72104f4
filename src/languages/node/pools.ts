/**
 * Node database pools, from the code that creates them (followed from the
 * entry file) and, when that code cannot be found, from the dependencies with
 * each library's default (domain-facts §5): pg Pool max 10, Prisma ≤ 6
 * connection_limit (physical CPUs × 2 + 1), Prisma 7 driver adapters (pg's 10),
 * knex {min 2, max 10} (knexfile), Sequelize max 5 (sequelize-cli's
 * config/config.json by NODE_ENV), TypeORM poolSize (pg's 10), Drizzle (pg's
 * 10), postgres.js max 10, pg-boss max 10, graphile-worker maxPoolSize 10, connect-pg-simple
 * (a session store given no `pool`) its own pg Pool, max 10.
 * A pool is counted once per branch that runs: in an `if` decided by env vars
 * with no value it is named, not counted; in one conncalc cannot decide, the
 * larger branch counts, labelled. A pool on another URL (a read replica) is
 * listed on that server. Connections held outside any pool for LISTEN
 * (pg-listen, a pg Client) are extras.
 */
import type {EvalValue, PyValue} from '../python/values.js'
import {parseYaml} from '../../util/yaml.js'
import {parseEnvFile} from '../../util/env-file.js'
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {Extra} from '../../model/process.js'
import type {JsCall, JsFunctionSites, JsGuard, JsModule} from './js.js'
import {settleCommands} from './cli-commands.js'
import type {NodeProject} from './project.js'
import type {SiteView} from './shared-eval.js'
import type {PackageJson} from './package-json.js'

import {appDependencies} from './package-json.js'
import {usesExport} from './unqueried.js'
import {closedAfterUse, closedImports, migrateOnly, frameworkMayCall, nextConfigClosed, outsideProcess, programEntry, readsName, usesOf, KNEX_TOOLING, importedNowhere, importersOf, namedIn, onlyInScripts, packagesOf, whyPoolNotFound} from './unreached.js'
import {DATABASE_PACKAGES, OTHER_DATABASE_PACKAGES, OTHER_POSTGRES_PACKAGES, POSTGRES_DRIVERS} from './programs.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {assumedDefault, pyCandidate} from '../python/candidate.js'
import {asString, entry, isCall, isDict} from '../python/evaluate.js'
import {frameworkPools} from './frameworks.js'
import {TEST_CODE} from './project.js'
import {callsTo, classKey, fromParameter, requiredValue, returnedBy, TEMPLATE_HEADS, TYPEORM_ORMCONFIG, urlOfHostPart} from './js.js'
import {versionAtLeast} from '../../util/version.js'
import {hostOfUrl, isLocalHost, PLATFORM_DATABASE_URLS, unknownServer, unsetUrlServer} from '../../util/pg-url.js'
import {HEROKU_DATABASE_URL} from '../python/db-url.js'
import {append} from '../../util/arrays.js'
import {filesUnder, onceForFiles, searchedText} from '../../model/files.js'
import {knownProgram} from '../shell/programs.js'
import type {FileReader} from '../../model/files.js'
import {posix} from 'node:path'

const REF = {
  // lib/postgresql.js: `function PostgreSQL(postgresql, settings) { … this.clientConfig = settings; … this.pg = new postgresql.Pool(this.clientConfig)`.
  loopbackPostgres: 'https://github.com/loopbackio/loopback-connector-postgresql/blob/00759ab32b1f886e522a12e747bf27c9bb722c92/lib/postgresql.js',
  knex: 'https://github.com/knex/knex/blob/master/lib/client.js',
  // Client constructor: `if (this.driverName && config.connection) { this.initializeDriver(); if (!config.pool || config.pool.max !== 0) this.initializePool(config) }`.
  knexNoPool: 'https://github.com/knex/knex/blob/0182a57885c7ef66c426da27e4d58c74419a02e1/lib/client.js#L79-L84',
  pg: 'https://github.com/brianc/node-postgres/blob/master/packages/pg-pool/index.js',
  postgres: 'https://github.com/porsager/postgres#connection-details',
  // Bun's built-in SQL client (the bun module's SQL class, `new SQL(url, options)`): normalizeOptionsForAdapter returns
  // `max: max || 10`, its connection pool's size; the adapter is options.adapter, else the URL's protocol, else postgres.
  bunSql: 'https://github.com/oven-sh/bun/blob/main/src/js/internal/sql/shared.ts',
  // src/index.js `listen()`: `listen.sql || (listen.sql = Postgres({...options, max: 1, idle_timeout: null, max_lifetime: null, …}))`.
  postgresListen: 'https://github.com/porsager/postgres/blob/master/src/index.js',
  fedifyPostgresQueue: 'https://github.com/fedify-dev/fedify/blob/main/packages/postgres/src/mq.ts',
  prisma: 'https://github.com/prisma/prisma-engines/blob/main/quaint/src/pooled.rs',
  prismaGenerate: 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/generating-prisma-client',
  prismaConnect: 'https://www.prisma.io/docs/orm/v6/prisma-client/setup-and-configuration/databases-connections/connection-management',
  prisma7: 'https://www.prisma.io/docs/orm/v7/prisma-client/setup-and-configuration/databases-connections/connection-pool',
  // @prisma/adapter-pg@6.17.1 dist/index.js PrismaPgAdapterFactory: `poolOrConfig instanceof pg.Pool` is kept as externalPool,
  // else connect() makes `new pg.Pool(this.config)`; the client then queries through it, not through connection_limit.
  prismaAdapterPg: 'https://github.com/prisma/prisma/blob/6.17.1/packages/adapter-pg/src/pg.ts',
  // @prisma/adapter-neon@6.17.1 PrismaNeonAdapterFactory.connect(): `new neon.Pool(this.config)`; PrismaNeonHTTP: `neon.neon(url)` per query over HTTP.
  prismaAdapterNeon: 'https://github.com/prisma/prisma/blob/6.17.1/packages/adapter-neon/src/neon.ts',
  neon: 'https://github.com/neondatabase/serverless#pool-and-client',
  // README "Sending queries over HTTP": `const sql = neon(process.env.DATABASE_URL)`; each query is a fetch to the endpoint.
  neonHttp: 'https://github.com/neondatabase/serverless#sending-queries-over-http',
  // @vercel/postgres (0.1-0.10, last at vercel/storage 63738c2): index.ts `sql` (and `db = sql`) is a Proxy that makes
  // `pool = createPool()` on its first property read or call; create-pool.ts VercelPool extends @neondatabase/serverless's
  // Pool (node-postgres's Pool over a WebSocket) with `max: config?.max` (pg-pool: `max || 10`), its query()/connect()
  // on that pool. The `sql\`…\`` tag calls pool.sql(), which since 0.4.0 (30638f9) sends the query with neon() over HTTP
  // and before it was `this.query(…)` on the pool. create-client.ts createClient() is one VercelClient (a neon Client).
  vercelPostgres: 'https://github.com/vercel/storage/blob/63738c2f79742c63f9112e9b916974bd7dd5c65a/packages/postgres/src/create-pool.ts',
  // drizzle-orm/vercel-postgres driver.ts: `drizzle(client?)` uses `client ?? sql`; session.ts queries with client.query().
  drizzleVercel: 'https://github.com/drizzle-team/drizzle-orm/blob/main/drizzle-orm/src/vercel-postgres/driver.ts',
  // index.js fastifyPostgres(fastify, options): `const pool = new pg.Pool(options)` (6.0.2, the version luminaire-solar-api-demo locks).
  fastifyPostgres: 'https://github.com/fastify/fastify-postgres/blob/v6.0.2/index.js#L90',
  // ConnectionManager: `config.pool = _.defaults(config.pool || {}, {max: 5, min: 0, idle: 10000, acquire: 60000, …})`.
  sequelize: 'https://github.com/sequelize/sequelize/blob/v6/src/dialects/abstract/connection-manager.js',
  sequelizeCli: 'https://github.com/sequelize/cli/blob/main/docs/README.md',
  // docs/api/constructor: "max - int, defaults to 10"; src/db.ts opens `new pg.Pool(this.config)`.
  pgBoss: 'https://github.com/timgit/pg-boss/blob/master/docs/api/constructor.md',
  // pogi 2.x src/pgDb.ts: `static async connect(config)` → init(): `this.pool = new pg.Pool(_.omit(this.config, ['logger', 'skipUndefined']))`;
  // pg-pool index.js: `this.options.max = this.options.max || this.options.poolSize || 10`.
  pogi: 'https://github.com/holdfenytolvaj/pogi/blob/master/src/pgDb.ts',
  // packages/slonik/src/factories/createClientConfiguration.ts: `{…, maximumPoolSize: 10, …clientUserConfigurationInput}`;
  // createPoolConfiguration.ts keeps 10 unless `clientConfiguration.maximumPoolSize` is truthy.
  slonik: 'https://github.com/gajus/slonik/blob/04778a06a89ead5eecfa8b643bfa8cc1fc1dc5d9/packages/slonik/src/factories/createClientConfiguration.ts',
  // src/config.ts: concurrentJobs `|| 1`, maxPoolSize `|| 10`; the LISTEN client is checked out of that pool (src/main.ts).
  graphileWorker: 'https://github.com/graphile/worker/blob/main/src/config.ts',
  pgListen: 'https://github.com/andywer/pg-listen#readme',
  // "Object db represents the Database protocol … with lazy connection … via a connection pool" (one pg Pool per Database object, its options passed to it: `max`, default pg's 10).
  pgPromise: 'https://github.com/vitaly-t/pg-promise#database',
  // Database.connect(options) "direct: Creates a new connection directly, bypassing the connection pool" (released with done()).
  pgPromiseDirect: 'https://vitaly-t.github.io/pg-promise/Database.html#connect',
  pgClient: 'https://node-postgres.com/apis/client',
  // pool.end(): "Calling pool.end will drain the pool of all active clients, disconnect them, and shut down any internal timers"; client.end() closes the client's connection.
  pgEnd: 'https://node-postgres.com/apis/pool#poolend',
  // The `client` names the dialect whose driver knex loads: pg/postgres/postgresql, mysql, mysql2, mssql, oracledb, sqlite3 (alias sqlite), better-sqlite3.
  knexDialects: 'https://github.com/knex/knex/blob/master/lib/dialects/index.js',
  // "In the past there was a singleton pool manager attached to the root pg object … provision connection pools automatically by calling pg.connect … they will be gone in pg@7.0"; lib/defaults.js: "number of connections to use in connection pool" 10.
  pgSingleton: 'https://github.com/brianc/node-postgres/blob/master/docs/pages/guides/upgrading.md',
  typeorm: 'https://github.com/typeorm/typeorm/blob/master/src/driver/postgres/PostgresDriver.ts',
  knexMigrator: 'https://github.com/knex/knex/blob/3.1.0/lib/migrations/migrate/Migrator.js',
  typeormDriverFactory: 'https://github.com/typeorm/typeorm/blob/master/src/driver/DriverFactory.ts',
  // "pool: {min, max}" is passed to knex (Configuration's driverOptions/pool); knex defaults to min 2, max 10.
  mikroOrm: 'https://mikro-orm.io/docs/configuration#connection',
  // "By default, … providers … are singletons: a single instance of the provider is shared across the entire application."
  nestProviders: 'https://docs.nestjs.com/fundamentals/injection-scopes#provider-scope',
  // sequelize-core.module.ts createConnectionFactory: `new Sequelize(options)`.
  nestSequelize: 'https://github.com/nestjs/sequelize/blob/master/lib/sequelize-core.module.ts',
  // 10.0.0 index.js PGStore constructor (L126-147): `options.pool` (the app's Pool) or `options.pgPromise` is used as given;
  // else `new (require('pg')).Pool(options.conObject || {connectionString: options.conString || process.env.DATABASE_URL})`.
  connectPgSimple: 'https://github.com/voxpelli/node-connect-pg-simple/blob/v10.0.0/index.js#L126-L147',
  // @boxyhq/saml-jackson 26.2.0 dist/index.js controllers(opts) (the default export): `db = yield DB.new({db: opts.db, …})`,
  // one store for all its controllers; defaultOpts: db.engine 'sql', db.type 'postgres'. dist/db/sql/sql.js init():
  // `new DataSource({url, …, extra: {max: pgOpts.max_conns, …}})` with utils.parsePGOptions(url) reading the url's query
  // (`pool_max_conns` or `max_conns`); TypeORM hands extra to `new pg.Pool`, whose max is then 10 unless the url sets one.
  samlJackson: 'https://github.com/boxyhq/jackson/blob/main/npm/src/db/sql/sql.ts',
}

export interface NodePools {
  diagnostics: Diagnostic[]
  /** Clients that send each query over HTTP (Neon's `neon()`, PrismaNeonHTTP): they hold no connection. */
  http?: Found['http']
  /** Connections held beside the pools (a LISTEN connection), per process. */
  extras: Extra[]
  /** Pools on another server (a replica URL) or on one conncalc cannot know: listed, not counted. */
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
  /** The process's whole import graph was read and reaches no PostgreSQL client (closedImports): it opens no connection. */
  noClient?: {entry: string; lock?: string; packages: string[]; read: number}
  /** Pools the code makes that this process never opens (a class nothing here instantiates, a function nothing here calls). */
  notOpened?: {file: string; line: number; why: string}[]
}

interface Found {
  diagnostics: Diagnostic[]
  /** Clients that send each query over HTTP (Neon's `neon()`, PrismaNeonHTTP): where they are made; they hold no connection. */
  http: {file: string; line: number; what: string}[]
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
  libs: Set<string>
  /** Pools made only by code this process never runs: not counted (NodePools.notOpened). */
  notOpened: {file: string; line: number; why: string}[]
  /** pg Clients made inside functions: the process's connections when it has no pool, else short-lived helpers (named). */
  transient: PoolEntry[]
}

/** A pool made by a call, before the branches around it are settled. */
interface Made {
  entry: PoolEntry
  guards?: JsGuard[]
  /** Where the function that makes it is called, when it is made by one (`makeDb(url)` at cli.ts:38). */
  site?: string
  where: string
}

const PRIMARY = 'DATABASE_URL'

/** What the process passes to the file it runs (NodeEntry.args; undefined when not read) and where that is written. */
export interface ProcessArgs {
  args?: string[]
  at: string
  /** Variables the command line reads that have no value here (its arguments may be any). */
  unset?: string[]
}

/**
 * The app functions named as one command's action, or called with no arguments only from inside one command's action
 * (JsModule.cliHandlers), across the modules the process reads: their bodies' calls run only with that command.
 */
function handlerGuards(modules: readonly JsModule[]): Map<JsFunctionSites, JsGuard> {
  const seen = new Map<JsFunctionSites, JsGuard | null>()
  for (const m of modules) {
    for (const h of m.cliHandlers ?? []) {
      const had = seen.get(h.sites)
      if (!h.guard) seen.set(h.sites, null)
      else if (had === undefined) seen.set(h.sites, h.guard)
      else if (had !== null && had.command !== h.guard.command) seen.set(h.sites, null)
    }
  }

  const out = new Map<JsFunctionSites, JsGuard>()
  for (const [k, v] of seen) if (v) out.set(k, v)
  return out
}

/**
 * The server a pool connects to, from the URL it is given (the rule: util/pg-url.ts): another
 * server when its env var (a replica's `DATABASE_REPLICA_URL`) and DATABASE_URL both have values
 * whose host and port differ; an unknown one when it is read only from env vars other than the
 * platform's that have no value (`knex({connection: process.env.JOURNAL_URL})`), or whose fallback written in
 * the code is taken (`process.env.JOURNAL_URL || 'postgres://localhost/journal'`). Otherwise it is
 * counted on DATABASE_URL's server, as an app's one database is on Heroku (`PG_DATABASE_URL` set
 * from DATABASE_URL): counting it there errs on the safe side.
 */
function serverOf(ctx: AnalyzerContext, url: EvalValue | undefined): string {
  if (url?.kind === 'known' && url.value === null && url.missingEnv && url.missingEnv.length > 0 && !url.missingEnv.some((m) => PLATFORM_DATABASE_URLS.test(m.name))) {
    return unsetUrlServer(url.missingEnv.map((m) => m.name))
  }

  if (url?.kind !== 'known' || typeof url.value !== 'string' || url.value === HEROKU_DATABASE_URL) return PRIMARY
  const env = url.via.find((s) => s.kind === 'env')
  // A URL var with no value whose fallback the code writes (`const {EVALUATE_DB_URL = 'postgres://localhost:5432/b'} =
  // process.env`, `process.env.STATS_URL || '…'`): the fallback is the developer's database, the deploy sets the var; a var
  // beside the platform's is a second database (model/other-server.ts), as when it has no fallback.
  const unset = env ? [] : (url.missingEnv ?? []).map((m) => m.name).filter((n) => /(^|_)(URL|URI|DSN|CONN(ECTION)?(_?STR(ING)?)?)$/i.test(n))
  if (unset.length > 0 && !url.missingEnv!.some((m) => PLATFORM_DATABASE_URLS.test(m.name))) return unsetUrlServer(unset)
  if (env?.kind !== 'env' || env.name === PRIMARY) return PRIMARY
  const primary = hostOfUrl(ctx.env.get(PRIMARY)?.value)
  const host = hostOfUrl(url.value)
  return primary && host && host !== primary ? env.name : PRIMARY
}

/**
 * The URL a pool's options name: a string first argument (Sequelize, postgres.js, pg-boss) or `connectionString`/`url`/knex
 * `connection`; else, when the options give the server in parts (`host`, knex `connection.host`) and the host is a part of
 * a URL the app took apart (`const {host, port} = parse(process.env.STATS_URL)`, js.ts urlOfHostPart), that URL.
 */
function urlOf(c: JsCall, opts: EvalValue | undefined): EvalValue | undefined {
  if (c.args[0]?.kind === 'known' && (typeof c.args[0].value === 'string' || (c.args[0].value === null && c.args[0].missingEnv))) return c.args[0]
  const conn = entry(opts, 'connection')
  const named = entry(opts, 'connectionString') ?? entry(opts, 'url') ?? (isDict(conn) ? entry(conn, 'connectionString') : conn)
  if (named !== undefined && !isDict(named)) return named
  return urlOfHostPart(isDict(conn) ? entry(conn, 'host') : undefined) ?? urlOfHostPart(entry(opts, 'host')) ?? named
}

/** Where a pool's options put its server: host:port, from `host`/`port` parts or a URL with a value. */
interface ServerAt {
  /** host:port, the identity of a server (util/pg-url.ts hostOfUrl). */
  at: string
  /** The database name when the options give it: said, not part of the key (one server holds many databases). */
  database?: string
  /** Where the host is written, file:line. */
  from: string
  /** The host names this machine and is written in the code (a literal, a variable's default): a value the deploy replaces. */
  local: boolean
  /** Where the pool is made, file:line (set by fromCalls' add). */
  made?: string
  /** The env vars the host is read from (set or not). */
  vars: string[]
}

/**
 * The host:port a pool's options name (the URL urlOf finds, else knex's `connection.host`/`port` or the options' own),
 * when conncalc reads it; undefined for the platform's URL (DATABASE_URL, with or without a value: the plan's server by
 * definition), a host or port it cannot read, or none given. pg's port when none is given is 5432.
 */
function serverAt(c: JsCall, opts: EvalValue | undefined): ServerAt | undefined {
  const url = urlOf(c, opts)
  if (url) {
    if (url.kind !== 'known' || typeof url.value !== 'string' || url.value === HEROKU_DATABASE_URL) return undefined
    if (url.via.some((s) => s.kind === 'env' && PLATFORM_DATABASE_URLS.test(s.name))) return undefined
    const at = hostOfUrl(url.value)
    if (!at) return undefined
    const literal = !url.via.some((s) => s.kind === 'env')
    return {at, from: `${url.file}:${url.line}`, local: literal && isLocalHost(at.replace(/:\d*$/, '')), vars: varsOf(url)}
  }

  const conn = entry(opts, 'connection')
  const parts = isDict(conn) ? conn : opts
  const host = entry(parts, 'host')
  const name = asString(host)
  if (host?.kind !== 'known' || name === undefined || name === '') return undefined
  const port = entry(parts, 'port')
  if (port && !(port.kind === 'known' && (typeof port.value === 'number' || (typeof port.value === 'string' && /^\d+$/.test(port.value))))) return undefined
  const database = asString(entry(parts, 'database'))
  return {at: `${name}:${port ? String((port as {value: number | string}).value) : 5432}`, ...(database ? {database} : {}), from: `${host.file}:${host.line}`, local: isLocalHost(name) && !host.via.some((s) => s.kind === 'env'), vars: varsOf(host)}
}

/** The env vars a value is read from: those given (its sources) and those with no value (its default taken). */
const varsOf = (v: EvalValue): string[] => (v.kind === 'known' ? [...v.via.flatMap((s) => (s.kind === 'env' ? [s.name] : [])), ...(v.missingEnv ?? []).map((m) => m.name)] : [])

/**
 * Pools of one process whose options name different servers (host and port, in parts or by URL: a TypeORM connection
 * per database from TYPEORM_HOST_API / TYPEORM_HOST_TIMESCALE with literal defaults on other ports) cannot all be on
 * the plan's server (model/other-server.ts). With DATABASE_URL's host and port given, the pools on it are counted and
 * those on another host listed, as for a second URL; a host written in the code as this machine (a default the deploy
 * replaces) is not compared with it. When which of the servers is the plan's cannot be told, the server whose pools are
 * largest is counted (ties: the first made), starred, and the others listed on their own server and said. Pools with no
 * server conncalc can read stay counted.
 */
function apartByParts(ctx: AnalyzerContext, pools: PoolEntry[], ats: Map<string, ServerAt>, diagnostics: Diagnostic[]): {others: PoolEntry[]; pools: PoolEntry[]} {
  const groups = new Map<string, PoolEntry[]>()
  for (const p of pools) {
    const at = ats.get(p.database)
    if (at) groups.set(at.at, [...(groups.get(at.at) ?? []), p])
  }

  const primary = hostOfUrl(ctx.env.get(PRIMARY)?.value)
  if (groups.size < (primary ? 1 : 2)) return {others: [], pools}
  const plan = primary && groups.has(primary) ? primary : undefined
  const local = (k: string): boolean => groups.get(k)!.every((p) => ats.get(p.database)!.local)
  const apart = new Set([...groups.keys()].filter((k) => primary && k !== primary && (plan || !local(k))))
  const left = [...groups.keys()].filter((k) => k !== plan && !apart.has(k))
  const total = (k: string): number => groups.get(k)!.reduce((a, p) => a + p.pool.value, 0)
  const picked = !plan && left.length >= 2 ? left.reduce((a, b) => (total(b) > total(a) ? b : a)) : undefined
  if (picked) for (const k of left) if (k !== picked) apart.add(k)
  if (apart.size === 0) return {others: [], pools}

  const named = (k: string): string => {
    const dbs = [...new Set(groups.get(k)!.map((p) => ats.get(p.database)!.database).filter((d) => d !== undefined))]
    return `${k}${dbs.length > 0 ? `/${dbs.join(', /')}` : ''} (${groups.get(k)!.map((p) => `${p.database.split(' (')[0]}, host at ${ats.get(p.database)!.from}`).join('; ')})`
  }
  const why = primary ? `DATABASE_URL's host and port, ${primary}, are none of them` : 'DATABASE_URL has no value here'
  const servers = [...groups.keys()].map(named).join('; ')
  const star = picked ? assumed(`counted on ${picked}, one of the ${groups.size} servers this process's pools name by host and port (${[...groups.keys()].join(', ')}); which is the plan's cannot be told (${why}): the one whose pools are largest is taken, the others listed`) : undefined
  const vars = [...new Set([...groups.values()].flat().flatMap((p) => ats.get(p.database)!.vars))]
  const out: PoolEntry[] = []
  const others: PoolEntry[] = []
  for (const p of pools) {
    const at = ats.get(p.database)
    if (at && apart.has(at.at)) {
      const note = fromFile(at.from.slice(0, at.from.lastIndexOf(':')), Number(at.from.slice(at.from.lastIndexOf(':') + 1)))
      others.push({...p, pool: {...p.pool, via: [...(p.pool.via ?? []), note]}, server: `host=${at.at}`})
    } else out.push(star && at?.at === picked ? {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), star]}} : p)
  }

  if (picked) {
    const made = ats.get(others[0].database)!.made ?? ''
    const cut = made.lastIndexOf(':')
    diagnostics.push({
      code: 'unknown-config-value',
      ...(cut > 0 ? {file: made.slice(0, cut), line: Number(made.slice(cut + 1))} : {}),
      fix: `give DATABASE_URL${vars.length > 0 ? ` and the variables the hosts are read from (${vars.join(', ')})` : ''} with --env or an env file: the pools on DATABASE_URL's host and port are counted, the others listed`,
      message: `${ctx.processType}: its pools connect to ${groups.size} servers (${servers}); which is the plan's cannot be told (${why}): ${picked}'s are counted, starred, and ${others.map((p) => `${p.database.split(' (')[0]} (${p.pool.value})`).join(', ')} listed on another server`,
      processType: ctx.processType,
      severity: 'warning',
    })
  }

  return {others, pools: out}
}

/**
 * Pools inside branches: one in a branch that does not run with this env (its condition
 * reads vars with no value) is named, not counted; of an `if` conncalc cannot decide, the
 * arm whose pools are larger is counted, labelled, the other named. When every pool the code
 * makes is in such a branch (`if (process.env.DB_URL) return new PgRepos()`), the process would
 * open no connection at all with this env: they are counted, labelled, since a deploy budgeted
 * on this database gives the app its URL.
 */
function settleBranches(all: Made[], diagnostics: Diagnostic[], cli?: ProcessArgs): PoolEntry[] {
  // The actions of a command-line program's other commands do not run in this process (cli-commands.ts).
  const assume = (e: PoolEntry, why: string): PoolEntry => ({...e, pool: {...e.pool, via: [...(e.pool.via ?? []), assumed(why)]}})
  const made = settleCommands(all.map((m) => ({guards: m.guards, item: m, size: m.entry.pool.value, where: m.where})), cli ?? {at: 'its command line'}, diagnostics, (m, why) => ({...m, entry: assume(m.entry, why)})).map((g) => ({...g.item, guards: g.guards as JsGuard[] | undefined}))
  const live: Made[] = []
  const notRun: {diagnostic: Diagnostic; entry: PoolEntry; why: string}[] = []
  for (const m of made) {
    const skipped = m.guards?.find((g) => g.kind === 'skipped')
    if (!skipped) {
      live.push(m)
      continue
    }

    const vars = skipped.missing ?? []
    const [file, line] = m.where.split(':')
    const cond = `\`${skipped.test}\` (${skipped.file === file ? `line ${skipped.line}` : `${skipped.file}:${skipped.line}`}) ${skipped.arm === 'else' ? 'does not hold' : 'holds'}`
    const unset = `${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value`
    notRun.push({
      diagnostic: {
        code: 'unresolved-env',
        file,
        fix: `if the app runs with ${vars.join(' and ')} set, give ${vars.length === 1 ? 'it' : 'them'} (\`--env ${vars[0]}=…\` or an env file) and conncalc counts this pool on the server it points at`,
        line: Number(line),
        message: `the ${m.entry.database.split(' ')[0]} pool here (${m.entry.pool.value}) is created only when ${cond}; ${unset}, so it is not counted`,
        severity: 'warning',
      },
      entry: m.entry,
      why: `created only when ${cond}, and ${unset} here; counted, because without this branch the process opens no database connection at all, and a deploy budgeted on this database sets ${vars.length === 1 ? 'it' : 'them'}`,
    })
  }

  const out = settleUndecided(live, 0, diagnostics)
  if (live.length > 0) {
    for (const n of notRun) diagnostics.push(n.diagnostic)
    return out
  }

  for (const n of notRun) {
    diagnostics.push({...n.diagnostic, message: `the ${n.entry.database.split(' ')[0]} pool here (${n.entry.pool.value}) is ${n.why}`})
    out.push({...n.entry, pool: {...n.entry.pool, via: [...(n.entry.pool.via ?? []), assumed(n.why)]}})
  }

  return out
}

/**
 * Of an `if` conncalc cannot decide (the outermost one from guard `from` on), the arm whose pools are
 * larger is counted, labelled, the other named; an arm's own undecided `if`s inside are settled the same
 * way first, so a branch nested in a branch counts one of its arms, not both.
 */
function settleUndecided(made: Made[], from: number, diagnostics: Diagnostic[]): PoolEntry[] {
  const out: PoolEntry[] = []
  const groups = new Map<number, {guard: JsGuard; made: Made[]}>()
  for (const m of made) {
    const undecided = m.guards?.find((g, i) => i >= from && g.kind === 'undecided')
    if (!undecided) {
      out.push(m.entry)
      continue
    }

    const g = groups.get(undecided.id) ?? {guard: undecided, made: []}
    g.made.push(m)
    groups.set(undecided.id, g)
  }

  for (const {guard, made: arms} of groups.values()) {
    const armOf = (m: Made): string => m.guards!.find((x) => x.id === guard.id)!.arm
    const inner = (arm: string): PoolEntry[] => {
      const these = arms.filter((m) => armOf(m) === arm)
      const next = these.length === 0 ? 0 : these[0].guards!.findIndex((x) => x.id === guard.id) + 1
      return settleUndecided(these, next, diagnostics)
    }

    const [thenPools, elsePools] = [inner('then'), inner('else')]
    const total = (ps: PoolEntry[]): number => ps.reduce((a, p) => a + p.pool.value, 0)
    const [then, otherwise] = [total(thenPools), total(elsePools)]
    const arm = then >= otherwise ? 'then' : 'else'
    const other = arm === 'then' ? otherwise : then
    const file = guard.file
    const why = `\`${guard.test}\` at ${file}:${guard.line} cannot be evaluated (${guard.reason}); its branches do not both run, so the larger one's pools (${Math.max(then, otherwise)} connections, the ${arm === 'then' ? 'if' : 'else'} branch) are counted${other > 0 ? `, not the other's (${other})` : ''}`
    diagnostics.push({code: 'unknown-config-value', file, line: guard.line, message: why, severity: 'warning'})
    for (const p of arm === 'then' ? thenPools : elsePools) out.push({...p, pool: {...p.pool, via: [...(p.pool.via ?? []), assumed(why)]}})
  }

  return out
}

const at = (c: JsCall, file: string): Source => fromFile(file, c.line)

/**
 * An option set to one of several numbers by a condition conncalc cannot decide (`poolSize: env === 'test' ? 10 : 100`
 * with env unread: the evaluator's `among`): the larger, as an assumption said where the choice is — the arms do not both
 * run, and the larger is the one that can be reached (as settleUndecided counts the larger branch's pools).
 */
function largerArm(v: EvalValue, what: string): undefined | {diagnostic: Diagnostic; value: Sourced<number>} {
  if (v.kind !== 'unknown' || !v.among || v.among.length === 0) return undefined
  const arms = v.among.map((a) => (a.kind === 'known' && typeof a.value === 'number' && Number.isInteger(a.value) ? a.value : undefined))
  if (arms.some((n) => n === undefined)) return undefined
  const max = Math.max(...(arms as number[]))
  const why = `${what} is ${[...new Set(arms)].join(' or ')}: ${v.reason}; the arms do not both run, and the larger, ${max}, is counted`
  return {diagnostic: {code: 'unknown-config-value', file: v.file, line: v.line, message: why, severity: 'warning'}, value: sourced(max, fromFile(v.file, v.line), [assumed(why)])}
}

/** A numeric option read from a config object, else the library default; sourced at the option's line. */
function option(obj: EvalValue | undefined, keys: string[], dflt: Sourced<number>, what: string, diagnostics: Diagnostic[]): Sourced<number> {
  for (const k of keys) {
    const v = entry(obj, k)
    if (!v) continue
    const c = pyCandidate(v, what)
    const larger = c.value ? undefined : largerArm(v, what)
    if (larger) {
      diagnostics.push(larger.diagnostic)
      return larger.value
    }

    append(diagnostics, c.diagnostics)
    // `x ?? 5` whose x could not be read: the app's fallback is used, and that is said where it is.
    const guess = v.kind === 'known' ? v.via.find((s) => s.kind === 'assumed') : undefined
    if (c.value && guess?.kind === 'assumed') diagnostics.push({code: 'unknown-config-value', file: v.file, line: v.line, message: `${what}: ${guess.why}`, severity: 'warning'})
    if (c.value) return c.value
    return assumedDefault(dflt, v, what)
  }

  // Options that are undefined (`pool` a parameter its caller does not pass: `{pool}` with pool undefined): the library's
  // defaults, as for no options at all (Sequelize `config.pool || {}`, knex and pg `Object.assign({}, options)`).
  if (obj?.kind === 'known' && obj.value === null && !obj.missingEnv) return dflt
  // The options are there but cannot be read (`pool: db.pool`, `{...config}`): the key may be set in them,
  // so the default is an assumption, said where the options are, never taken silently.
  if (obj !== undefined && (!isDict(obj) || obj.value.partial === true)) {
    const reason = isDict(obj) ? 'they spread in an object conncalc cannot read, which may set it' : obj.kind === 'unknown' ? obj.reason : 'they are not an object literal'
    diagnostics.push({code: 'unknown-config-value', file: obj.file, line: obj.line, message: `cannot read ${what}: the options at ${obj.file}:${obj.line} cannot be read (${reason}); the default ${dflt.value} is assumed`, severity: 'warning'})
    return {...dflt, via: [...(dflt.via ?? []), assumed(`the options that would set ${what} at ${obj.file}:${obj.line} cannot be read (${reason}); the default ${dflt.value} is assumed`)]}
  }

  return dflt
}

const lastDict = (args: EvalValue[]): EvalValue | undefined => [...args].reverse().find((a) => isDict(a))

/**
 * A nested option object (`pool` of `{...config, logging: false}`): the entry, else — when the options spread something
 * conncalc cannot read, which may hold it — an empty object marked partial where the options are, so `option` says the
 * default is assumed instead of taking it silently. Undefined when the options are read whole and have no such key.
 */
function nested(obj: EvalValue | undefined, key: string): EvalValue | undefined {
  const v = entry(obj, key)
  if (v !== undefined || !isDict(obj) || obj.value.partial !== true) return v
  return {...obj, value: {entries: new Map(), kind: 'dict', partial: true}}
}

/**
 * A PrismaClient made at import that no code queries opens no connection: Prisma connects on the first query or
 * $connect() (unqueried.ts). Its module binds it to a name nothing in the module reads (JsModule.idle); it is dropped
 * when no other code file of the app names what it is exported as (nothing can import it), and counted, starred, when
 * some file does but no module this process reads names it (code conncalc does not read could query it).
 */
function unqueried(ctx: AnalyzerContext, m: JsModule, c: JsCall, modules: readonly JsModule[]): {drop: boolean; why: string} | undefined {
  if ((c.within?.file ?? m.file) !== m.file) return undefined
  const holder = m.idle?.find((h) => c.line >= h.from && c.line <= h.to)
  if (!holder) return undefined
  const made = `the PrismaClient made at ${m.file}:${c.line} (\`${holder.name}\`)`
  const lazy = `Prisma connects on its first query or $connect(), not when the client is made (${REF.prismaConnect})`
  const names = [...new Set([...holder.exported, ...(holder.globals ?? [])])]
  const kept = holder.globals ? ` (kept on the global object as ${holder.globals.map((g) => `\`global.${g}\``).join(', ')})` : ''
  if (names.length === 0) return {drop: true, why: `${made} is read by no code of its module and not exported: it is never queried and opens no connection; ${lazy}`}
  const as = `${names.map((n) => `\`${n}\``).join(', ')}, its export${kept}`
  if (m.file.startsWith('../')) return undefined
  const named = namedIn(ctx.files, names, m.file)
  if (named.truncated) return undefined
  // Files that only have a local of that name (`const prisma = new PrismaClient()`) cannot reach this client. Named from the app root.
  const root = ctx.files.root ?? ctx.files
  const reads = (f: string): boolean => {
    const text = searchedText(root, f)
    return typeof text === 'string' && usesExport(text, names)
  }

  // A module this process reads from outside its folder (../shared/lib/cache.ts importing `@server/prisma`) may query it.
  if (modules.some((x) => x !== m && x.file !== m.file && reads(x.file))) return undefined
  const elsewhere = {...named, files: named.files.filter(reads)}
  if (elsewhere.files.length === 0) return {drop: true, why: `${made} is read by no code of its module, and no other code file of the app imports or reads ${as}: it is never queried and opens no connection; ${lazy}`}
  const read = new Set(modules.map((x) => x.file))
  if (elsewhere.files.some((f) => read.has(f))) return undefined
  const files = elsewhere.files.length <= 2 ? elsewhere.files.join(' and ') : `${elsewhere.files.slice(0, 2).join(', ')} and ${elsewhere.files.length - 2} more`
  return {drop: false, why: `${made} is read by no code of its module, and no module this process reads imports or reads ${as} (${files} do${elsewhere.files.length === 1 ? 'es' : ''}, not read here): counted in case code conncalc does not read queries it; ${lazy}`}
}

/**
 * Why a pool made in the body of the app function `fn`, which no module read for this process calls, opens no connection
 * in this process, else undefined. `uses`: where the rest of the app's code (tests aside) calls or passes it on
 * (unreached.ts usesOf). None: it is only defined, imported or re-exported (a package's migration helper, a factory
 * its index exports), and its name is not one a framework calls itself. Else every such file is a program of its own (a
 * package.json script runs it, or it has a #! line), which this process does not load: the pool is that program's.
 */
function uncalledHere(files: FileReader, fn: JsFunctionSites, uses: readonly {file: string; line: number}[]): string | undefined {
  const made = `\`${fn.name}()\` (${fn.file}:${fn.line}) makes it`
  if (uses.length === 0) return frameworkMayCall(fn.name) ? undefined : `${made}, and no code of the app calls it (it is only defined, imported or re-exported; tests aside): it opens no connection`
  const programs = uses.map((u) => programEntry(files, u.file))
  if (programs.some((p) => p === undefined)) return undefined
  const at = uses.map((u, i) => `${u.file}:${u.line} (${programs[i]})`)
  return `${made}, and it is called only by code this process does not load, each a program of its own: ${at.join('; ')}; that pool is theirs`
}

/**
 * Whether the app function `fn` runs in no process, though code read for this process calls it: every line of the app's
 * code (tests aside) that names it lies in the body of another app function that itself runs in none (no code calls it,
 * or only such functions do: a package's test helpers `seed()` and `seedDb()` calling `bootstrap_testing()`, all
 * re-exported by the index the process imports, read but never run), or in a file no process loads (neverLoaded).
 * False when a line is at the top level of a file that may be loaded, in a function a framework may call by name, in a
 * cycle, or in a file that does not parse. `memo` keeps each function's answer for one process type.
 */
function deadThrough(files: FileReader, fn: {file: string; line: number; name: string}, memo: Map<string, boolean | 'open'>, loaded: ReadonlySet<string>, entry: string | undefined, depth = 0): boolean {
  const key = `${fn.file}:${fn.line}:${fn.name}`
  const known = memo.get(key)
  if (known !== undefined) return known === true
  // The process's entry file: what it exports or re-exports, a runner or framework that loads it by path may call.
  if (depth > 6 || fn.name.startsWith('new ') || frameworkMayCall(fn.name) || fn.file === entry) return false
  if (entry !== undefined && readsName(files, entry, fn.name)) return false
  memo.set(key, 'open')
  const uses = usesOf(files, fn, true)
  const dead =
    uses !== 'unsure' &&
    uses.every((u) => {
      if (u.inside === undefined) return false
      if (neverLoaded(files, u.file, loaded)) return true
      if (u.inside === 'top') return false
      return (u.file === fn.file && u.inside.line === fn.line) || deadThrough(files, {file: u.file, ...u.inside}, memo, loaded, entry, depth + 1)
    })
  memo.set(key, dead)
  return dead
}

/**
 * Whether the app's code file `file` (from the app root) runs in no process but its own, if any: this process does not
 * load it, and either it is a program of its own (programEntry: a package.json script runs it, or it has a #! line) or
 * only test files name its file name as a word (`import {testServer} from '../../server-test'` in specs alone). Text,
 * not parse: any other mention, or none at all, keeps it loadable.
 */
function neverLoaded(files: FileReader, file: string, loaded: ReadonlySet<string>): boolean {
  if (loaded.has(file)) return false
  if (programEntry(files, file) !== undefined) return true
  const stem = posix.basename(file).replace(/\.[^.]+$/, '')
  if (!/^[\w$][\w$-]*$/.test(stem) || stem === 'index') return false
  // Named by no file at all, it may be a module something conncalc does not read loads (a framework, a CLI): it may run.
  const named = namedIn(files, [stem], file)
  return !named.truncated && named.files.length > 0 && named.files.every((f) => TEST_CODE.test(f))
}

/** deadThrough's answer for the function that makes a pool, said: where it is called. Undefined when it may run. */
function calledOnlyFromDead(files: FileReader, fn: JsFunctionSites, memo: Map<string, boolean | 'open'>, loaded: ReadonlySet<string>, entry: string | undefined): string | undefined {
  const uses = usesOf(files, fn, true)
  if (uses === 'unsure' || uses.length === 0 || !deadThrough(files, fn, memo, loaded, entry)) return undefined
  const places = [...new Set(uses.map((u) => (typeof u.inside === 'object' && !neverLoaded(files, u.file, loaded) ? `\`${u.inside.name}()\` (${u.file}:${u.inside.line})` : `${u.file}:${u.line}`)))]
  const list = places.length <= 3 ? places.join(', ') : `${places.slice(0, 3).join(', ')} and ${places.length - 3} more`
  return `\`${fn.name}()\` (${fn.file}:${fn.line}) makes it, and it is named only in ${list}: functions no code of the app calls (tests aside), directly or through functions like them, or files no process loads but their own; read with the modules that define them, never run here, it opens no connection`
}

/**
 * Why a pool made by each instance of the app's class `cls` (in its constructor or a field initializer), which no module
 * read for this process instantiates, opens no connection in this process, else undefined. `uses`: where the rest of the
 * app's code (tests aside) names the class outside its own body (unreached.ts usesOf with its end line). None: the class
 * is only declared, imported or re-exported, and its own static factories (`static create() { return new Db(url) }`),
 * inside its body, are reached only through its name: nothing makes an instance. Else every such file is a program of
 * its own, which this process does not load.
 */
function unmadeHere(files: FileReader, cls: JsFunctionSites, all: readonly {file: string; line: number}[], modules: readonly JsModule[]): string | undefined {
  const made = `it is made by each instance of ${cls.name.slice(4)} (${cls.file}:${cls.line})`
  // Uses in workspace packages this process cannot load (unreached.ts outsideProcess): theirs, said.
  const loaded = modules.map((m) => m.file)
  const apart = all.filter((u) => outsideProcess(files, loaded, u.file))
  const uses = all.filter((u) => !apart.includes(u))
  const others = apart.length > 0 ? `; it is named only in workspace packages this process does not load or depend on (${apart.map((u) => `${u.file}:${u.line}`).join(', ')}), whose instances are theirs` : ''
  if (uses.length === 0 && apart.length > 0) return `${made}, and the class is named outside its own body only in workspace packages this process does not load or depend on (${apart.map((u) => `${u.file}:${u.line}`).join(', ')}), whose instances are theirs: nothing makes one here, it opens no connection`
  if (uses.length === 0) return `${made}, and no code of the app names that class outside its own body (it is only declared, imported or re-exported; tests aside), so nothing makes one: it opens no connection`
  const programs = uses.map((u) => programEntry(files, u.file))
  if (programs.some((p) => p === undefined)) return undefined
  const at = uses.map((u, i) => `${u.file}:${u.line} (${programs[i]})`)
  return `${made}, and only code this process does not load names the class, each a program of its own: ${at.join('; ')}${others}; that pool is theirs`
}

/** LoopBack's DataSource class: LoopBack 4's `juggler.DataSource` (@loopback/repository), loopback-datasource-juggler's for LoopBack 3. */
const LOOPBACK_DATASOURCE = /^(?:@loopback\/repository\.juggler|loopback-datasource-juggler(?:\.default)?)\.DataSource$/

/** Whether a LoopBack datasource's settings name the PostgreSQL connector (`connector: 'postgresql'` or its package name). */
function loopbackPostgres(settings: EvalValue | undefined): boolean {
  const connector = asString(entry(settings, 'connector'))
  return connector === 'postgresql' || connector === 'loopback-connector-postgresql'
}

/**
 * The datasource a PrismaClient's `datasources` option overrides: keyed by the schema's `datasource NAME` (`db` in
 * Prisma's examples, any name in the app's schema), and a schema has one datasource
 * (https://www.prisma.io/docs/orm/reference/prisma-client-reference#datasources): `db`, else the only entry.
 */
function prismaDatasource(ds: EvalValue | undefined): EvalValue | undefined {
  const db = entry(ds, 'db')
  if (db !== undefined || !isDict(ds)) return db
  const all = [...ds.value.entries.values()]
  return all.length === 1 ? all[0] : undefined
}

const QUERY_STRING = 'https://github.com/sindresorhus/query-string#stringifyurlobject-options'

/**
 * A datasource URL the app builds with query-string's `stringifyUrl({url, query: {connection_limit: 5, …}})`: the
 * query's connection_limit is the URL's (stringifyUrl appends every key of `query` to `url`). Undefined for any other URL.
 */
function builtUrlLimit(url: EvalValue | undefined): Sourced<number> | undefined {
  if (!isCall(url) || !/^query-string(\.default)?\.stringifyUrl$/.test(url.value.callee)) return undefined
  const query = entry(url.value.args[0], 'query')
  const limit = entry(query, 'connection_limit')
  const n = limit?.kind === 'known' && (typeof limit.value === 'number' || (typeof limit.value === 'string' && /^\d+$/.test(limit.value))) ? Number(limit.value) : undefined
  if (n === undefined || limit?.kind !== 'known') return undefined
  const spread = isDict(query) && query.value.partial ? ' (the query also spreads values conncalc does not read, such as the original URL\'s own parameters: a connection_limit among them would be the one Prisma reads)' : ''
  return sourced(n, fromFile(limit.file, limit.line), [fromDefault(`query-string's stringifyUrl() puts the query's connection_limit in the datasource URL${spread}`, QUERY_STRING), fromDefault('Prisma connection_limit URL parameter', 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool')])
}

const URL_SEARCH_PARAMS_SET = 'https://url.spec.whatwg.org/#dom-urlsearchparams-set'
const PRISMA_CONNECTION_LIMIT = 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool'

/**
 * A datasource URL the app builds with the WHATWG URL in its module: `const u = new URL(env.DATABASE_URL)`,
 * `u.searchParams.set('connection_limit', '5')` (or append), then `url: u.toString()` (or `u.href`): the URL
 * Prisma reads carries that connection_limit (URLSearchParams.set replaces the parameter). A set made only when
 * `!u.searchParams.has('connection_limit')` keeps the original URL's own parameter when it has one (`own`).
 * Undefined for any other URL, or a value conncalc cannot read.
 */
function searchParamsLimit(url: EvalValue | undefined, m: JsModule, own: {source: Source; value: string} | undefined): Sourced<number> | undefined {
  const name = isCall(url) ? /^([\w$]+)\.(?:toString|toJSON)$/.exec(url.value.callee)?.[1] : undefined
  if (name === undefined || !callsTo(m, /^URL$/).some((c) => c.isNew)) return undefined
  const setter = new RegExp(`^${name.replaceAll('$', '\\$')}\\.searchParams\\.(?:set|append)$`)
  const set = callsTo(m, setter).filter((c) => asString(c.args[0]) === 'connection_limit').at(-1)
  const value = set?.args[1]
  const n = value?.kind === 'known' && (typeof value.value === 'number' || (typeof value.value === 'string' && /^\d+$/.test(value.value))) ? Number(value.value) : undefined
  if (!set || n === undefined) return undefined
  const unlessOwn = set.guards?.some((g) => /searchParams\.has\(\s*["'`]connection_limit["'`]\s*\)/.test(g.test)) ?? false
  const ownLimit = unlessOwn && own ? (() => {
    try {
      return new URL(own.value).searchParams.get('connection_limit')
    } catch {
      return null
    }
  })() : null
  if (own && ownLimit && /^\d+$/.test(ownLimit)) return sourced(Number(ownLimit), own.source, [fromDefault(`the URL's own connection_limit: ${m.file}:${set.line} sets one only when it has none`, URL_SEARCH_PARAMS_SET), fromDefault('Prisma connection_limit URL parameter', PRISMA_CONNECTION_LIMIT)])
  const when = unlessOwn ? ` when the URL has none of its own${own ? '' : ' (its URL has no value here)'}` : ''
  return sourced(n, fromFile(m.file, set.line), [fromDefault(`${name}.searchParams.set('connection_limit', …) puts it in the datasource URL (${name}.toString())${when}`, URL_SEARCH_PARAMS_SET), fromDefault('Prisma connection_limit URL parameter', PRISMA_CONNECTION_LIMIT)])
}

/** Prisma ≤ 6: `connection_limit` in the URL, else physical CPUs × 2 + 1 (the dyno's CPU count, labelled). */
function prismaLimit(ctx: AnalyzerContext, url: {source: Source; value: string} | undefined, origin: Source): Sourced<number> {
  if (url) {
    try {
      const limit = new URL(url.value).searchParams.get('connection_limit')
      if (limit && /^\d+$/.test(limit)) return sourced(Number(limit), url.source, [fromDefault('Prisma connection_limit URL parameter', 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool')])
    } catch {
      // Not a URL conncalc can parse: the default applies.
    }
  }

  const n = ctx.dyno?.nproc
  const cpus = n?.value ?? 8
  return sourced(cpus * 2 + 1, origin, [
    fromDefault('Prisma ≤ 6 default connection_limit: physical CPUs × 2 + 1', REF.prisma),
    ...(n ? [n.source, ...(n.via ?? [])] : []),
    assumed(`num_cpus::get_physical() taken as the ${ctx.dyno?.platform ? ctx.dyno.platform.unit : 'dyno'}'s ${cpus} CPUs (it may report fewer physical cores)`),
  ])
}

/** A server key for a database that is not PostgreSQL at all: listed, never counted on the plan. */
export const NOT_POSTGRES = 'not PostgreSQL'

const PRISMA_SCHEMA = 'https://www.prisma.io/docs/orm/prisma-schema/overview/location'

/**
 * The provider of the Prisma schema's datasource (`provider = "sqlite"`), where Prisma looks for the
 * schema: package.json `prisma.schema` (a file or a folder), else schema.prisma, prisma/schema.prisma,
 * or the files of prisma/schema/. Undefined when there is no schema or it names no provider.
 */
export function prismaProvider(ctx: AnalyzerContext): {provider: string; source: Source} | undefined {
  for (const path of prismaSchemaPaths(ctx)) {
    const file = ctx.files.read(path)
    if (!file) continue
    const text = file.text.replaceAll(/\/\/.*$/gm, '')
    const block = /\bdatasource\s+\w+\s*\{([^}]*)\}/.exec(text)
    const m = block ? /\bprovider\s*=\s*"([^"]+)"/.exec(block[1]) : null
    if (!block || !m) continue
    const line = text.slice(0, block.index + block[0].indexOf(m[0])).split('\n').length
    return {provider: m[1], source: fromFile(file.path, line)}
  }

  return undefined
}

/** Where Prisma looks for the default schema: package.json `prisma.schema`, else schema.prisma, prisma/schema.prisma, prisma/schema/. */
function prismaSchemaPaths(ctx: AnalyzerContext): string[] {
  let configured: string | undefined
  try {
    const data = JSON.parse(ctx.files.read('package.json')?.text ?? '{}') as {prisma?: {schema?: unknown}}
    if (typeof data.prisma?.schema === 'string') configured = data.prisma.schema.replace(/^\.\//, '')
  } catch {
    // package.json's own reader reports it
  }

  return configured ? [configured, ...ctx.files.list(configured).filter((f) => f.endsWith('.prisma')).map((f) => `${configured}/${f}`)] : ['schema.prisma', 'prisma/schema.prisma', ...ctx.files.list('prisma/schema').filter((f) => f.endsWith('.prisma')).map((f) => `prisma/schema/${f}`)]
}

/**
 * The env var a Prisma client's datasource url reads (`url = env("DATABASE_STATS_URL")`), from the schema it was
 * generated from: `@prisma/client` is the default schema's (prismaProvider's places); a client imported from a
 * folder (`./prisma_client_stats`) is the one a schema's generator `output` (relative to that schema) names.
 */
function prismaUrlVar(ctx: AnalyzerContext, callee: string, file: string): {file: string; line: number; name: string} | undefined {
  const spec = callee.replace(/\.PrismaClient$/, '').replace(/\.default$/, '')
  let schemas: string[]
  if (/^(@prisma\/client|\.prisma\/client)(\/|$)/.test(spec)) schemas = prismaSchemaPaths(ctx)
  else if (spec.startsWith('.')) {
    const target = posix.join(posix.dirname(file), spec).replace(/\/index(\.[cm]?[jt]s)?$/, '')
    const all = onceForFiles(ctx.files, 'prisma-schemas-all', () => filesUnder(ctx.files, '', (p) => p.endsWith('.prisma') && !p.includes('node_modules/'), {max: 50}))
    schemas = all.paths.filter((path) => {
      const text = ctx.files.read(path)?.text.replaceAll(/\/\/.*$/gm, '') ?? ''
      return [...text.matchAll(/\bgenerator\s+\w+\s*\{([^}]*)\}/g)].some((g) => {
        const out = /\boutput\s*=\s*"([^"]+)"/.exec(g[1])?.[1]
        return out !== undefined && posix.join(posix.dirname(path), out) === target
      })
    })
  } else return undefined
  for (const path of schemas) {
    const f = ctx.files.read(path)
    if (!f) continue
    const text = f.text.replaceAll(/\/\/.*$/gm, '')
    const block = /\bdatasource\s+\w+\s*\{([^}]*)\}/.exec(text)
    const m = block ? /\burl\s*=\s*env\(\s*"([A-Za-z_]\w*)"\s*\)/.exec(block[1]) : null
    if (!block || !m) continue
    return {file: f.path, line: text.slice(0, block.index + block[0].indexOf(m[0])).split('\n').length, name: m[1]}
  }

  return undefined
}

/** The server a Prisma client connects to: DATABASE_URL, or — when the schema's provider is not PostgreSQL — none on the plan. */
function prismaServer(ctx: AnalyzerContext): {server: string; via: Source[]} {
  const p = prismaProvider(ctx)
  if (!p || /^postgres(ql)?$/.test(p.provider)) return {server: PRIMARY, via: []}
  return {server: `${p.provider} database (Prisma datasource), ${NOT_POSTGRES}`, via: [p.source, fromDefault(`the Prisma schema's datasource provider is ${p.provider}: the client connects there, not to PostgreSQL`, PRISMA_SCHEMA)]}
}

/**
 * PostgresDriver.createPool (0.2 and 0.3): `Object.assign({}, {…, max: options.poolSize}, options.extra || {})` makes pg's
 * Pool options, so a `max` in `extra` is assigned over poolSize: extra.max, else poolSize, else pg's 10. With poolSize set
 * beside an `extra` conncalc cannot read whole, poolSize is taken and starred (a max there would win).
 */
function typeormPool(opts: EvalValue | undefined, origin: Source, diagnostics: Diagnostic[]): Sourced<number> {
  const dflt = sourced(10, origin, [fromDefault("TypeORM makes pg's Pool with max: poolSize, then extra's keys over it; neither set: pg's default max 10", REF.typeorm)])
  const extra = nested(opts, 'extra')
  const size = entry(opts, 'poolSize')
  if (entry(extra, 'max') !== undefined || !size) return option(extra, ['max'], option(opts, ['poolSize'], dflt, 'TypeORM poolSize', diagnostics), 'TypeORM extra.max', diagnostics)
  const pool = option(opts, ['poolSize'], dflt, 'TypeORM poolSize', diagnostics)
  const unread = extra !== undefined && (!isDict(extra) || extra.value.partial === true)
  return unread ? {...pool, via: [...(pool.via ?? []), assumed(`TypeORM assigns extra's keys over poolSize, and the extra options at ${extra.file}:${extra.line} cannot be read whole: a max among them would be the pool's size`)]} : pool
}

/**
 * TypeORM connects to the database its options' `type` names (DataSource → DriverFactory.create(type)): `sqlite`,
 * `mysql`, `better-sqlite3`… open no PostgreSQL connection. A type the code writes out is another database: its pool is
 * listed there, not counted. One the code falls back to because an env var has no value here
 * (`configService.get('DATABASE_DRIVER', 'sqlite')`, `process.env.DB_TYPE === 'postgres' ? pgOptions : sqliteOptions`) is
 * what a deploy on PostgreSQL sets: the pool is counted, labelled, and the variable named (as Laravel's DB_CONNECTION
 * fallback and Django's sqlite default are).
 */
function typeormDatabase(file: string, c: JsCall, opts: EvalValue | undefined, pool: Sourced<number>, diagnostics: Diagnostic[]): {pool: Sourced<number>; server?: string} {
  const type = entry(opts, 'type')
  const name = asString(type)
  if (name === undefined || /^(postgres|cockroachdb|aurora-postgres)$/.test(name)) return {pool}
  const vars = unsetVars(type, opts)
  if (vars.length === 0) {
    const at = type?.kind === 'known' ? type.via.find((v) => v.kind === 'env' || v.kind === 'file') : undefined
    const where = at?.kind === 'file' ? ` (${at.file}:${at.line})` : at?.kind === 'env' ? ` (${at.name})` : ''
    return {pool: {...pool, via: [...(pool.via ?? []), fromDefault(`TypeORM's type is '${name}'${where}: DriverFactory opens that database's driver, so this pool is on it, not PostgreSQL`, REF.typeormDriverFactory)]}, server: `${name} database (TypeORM type), ${NOT_POSTGRES}`}
  }

  return {pool: unsetDialect(file, c, "TypeORM's type", name, vars, pool, diagnostics)}
}

/** The env vars with no value whose fallback a dialect setting (TypeORM's type, knex's client) or its options took. */
const unsetVars = (setting: EvalValue | undefined, opts: EvalValue | undefined): string[] => [...new Set([...(setting?.missingEnv ?? []), ...(opts?.missingEnv ?? [])].map((m) => m.name))]

/**
 * A dialect setting that names another database only because env vars have no value (`process.env.DB_TYPE === 'postgres'
 * ? … : 'sqlite'`, `client: process.env.DB_CLIENT || 'sqlite3'`): a deploy on PostgreSQL sets them, so the pool is counted
 * as PostgreSQL's, starred, with the vars named (as Laravel's and Django's unset database settings are).
 */
function unsetDialect(file: string, c: JsCall, what: string, name: string, vars: string[], pool: Sourced<number>, diagnostics: Diagnostic[]): Sourced<number> {
  const have = vars.length === 1 ? 'has' : 'have'
  diagnostics.push({
    code: 'unresolved-env',
    file,
    fix: `give ${vars.join(' and ')} as the deploy does (\`--env ${vars[0]}=…\`): with ${name} the process opens no PostgreSQL connection`,
    line: c.line,
    message: `${what} here is ${name} only because ${vars.join(', ')} ${have} no value; a deploy on PostgreSQL sets ${vars.length === 1 ? 'it' : 'them'}, so this pool is counted as PostgreSQL's`,
    severity: 'warning',
  })
  return {...pool, via: [...(pool.via ?? []), assumed(`${what} is ${name} only because ${vars.join(', ')} ${have} no value here; counted as the PostgreSQL pool a deploy on PostgreSQL opens`)]}
}

/** Options passed as something conncalc cannot read (an imported object, a function's result): the default is used, and said. */
function unreadOptions(file: string, c: JsCall, v: EvalValue | undefined, what: string, dflt: string): Diagnostic {
  const reason = v?.kind === 'unknown' ? v.reason : 'not an object literal'
  return {code: 'unknown-config-value', file, line: c.line, message: `cannot read the ${what} passed here (${reason}); ${dflt} assumed`, severity: 'warning'}
}

/**
 * The server a Sequelize replication entry connects to: its own `host` (and `port`), else the main
 * options' — the URL's, DATABASE_URL's server (connection-manager.js `_.defaults(readConfig, config)`).
 * Another server only when DATABASE_URL's host is known and differs, as serverOf; a host read from
 * an env var with no value, or that cannot be read, is an unknown server: listed, never counted here.
 */
function replicaServer(ctx: AnalyzerContext, config: EvalValue | undefined): string {
  const host = entry(config, 'host')
  if (!host) return PRIMARY
  if (host.kind === 'unknown') return unknownServer(`its host cannot be read (${host.reason})`)
  if (host.value === null && host.missingEnv) return unknownServer(`${[...new Set(host.missingEnv.map((e) => e.name))].join(', ')} ${host.missingEnv.length === 1 ? 'has' : 'have'} no value`)
  const name = asString(host)
  if (name === undefined || name === '') return PRIMARY
  const port = entry(config, 'port')
  const at = `${name}:${port?.kind === 'known' && (typeof port.value === 'number' || typeof port.value === 'string') ? port.value : 5432}`
  const primary = hostOfUrl(ctx.env.get(PRIMARY)?.value)
  if (!primary || primary === at) return PRIMARY
  const env = host.via.find((x) => x.kind === 'env')
  return env?.kind === 'env' ? env.name : `host=${at}`
}

/**
 * `new Sequelize(url, {replication: {read: [...], write: {...}}, pool: {max}})`: two pools, each with
 * `pool.max` (connection-manager.js initPools: `read: new Pool({max: config.pool.max, …})`, `write:
 * new Pool({max: config.pool.max, …})`). The write pool connects to `write`'s host, else the URL's;
 * the read pool opens its connections round-robin over the read entries (`reads++ % read.length`),
 * so a server that n of k entries name holds at most ceil(max × n / k) of them.
 */
function sequelizeReplication(ctx: AnalyzerContext, replication: EvalValue, max: Sourced<number>, file: string, diagnostics: Diagnostic[]): [string, Sourced<number>, string][] {
  const how = (what: string): Sourced<number> => ({...max, via: [...(max.via ?? []), fromDefault(what, REF.sequelize)]})
  const out: [string, Sourced<number>, string][] = [['sequelize write', how('Sequelize replication: the write pool has pool.max connections'), replicaServer(ctx, entry(replication, 'write'))]]
  const read = entry(replication, 'read')
  let reads: (EvalValue | undefined)[]
  if (read?.kind === 'known' && typeof read.value === 'object' && read.value !== null && read.value.kind === 'list') reads = read.value.items
  else if (read === undefined || isDict(read)) reads = [read]
  else {
    // Where the reads go is not known: counted on DATABASE_URL's server, the safe side, and said.
    diagnostics.push({code: 'unknown-config-value', file, line: read.line, message: `cannot read Sequelize's replication.read (${read.kind === 'unknown' ? read.reason : 'not an object or a list'}); its read pool (${max.value}) is counted on DATABASE_URL's server`, severity: 'warning'})
    reads = [undefined]
  }

  const servers = new Map<string, number>()
  for (const r of reads) servers.set(replicaServer(ctx, r), (servers.get(replicaServer(ctx, r)) ?? 0) + 1)
  let i = 0
  for (const [server, n] of servers) {
    i += 1
    const share = Math.ceil((max.value * n) / reads.length)
    const pool = how(`Sequelize replication: the read pool has pool.max (${max.value}) connections, opened round-robin over ${reads.length} read entr${reads.length === 1 ? 'y' : 'ies'}${reads.length === 1 ? '' : `, ${n} on this server: ceil(${max.value} × ${n} / ${reads.length}) = ${share}`}`)
    out.push([servers.size === 1 ? 'sequelize read' : `sequelize read-${i}`, {...pool, value: share}, server])
  }

  return out
}

/**
 * The calls a site's walk made with every argument read (none a parameter of a function walked without its caller), by
 * line and callee. A site's calls are all made before it is added (js.ts bound, instantiate), and a site is shared by every
 * project that reuses its evaluation: indexed once.
 */
const siteIndex = new WeakMap<object, {byLine: Map<number, Map<string, JsCall[]>>; made: Set<string>; n: number}>()

function indexSite(s: {calls: JsCall[]}): {byLine: Map<number, Map<string, JsCall[]>>; made: Set<string>; n: number} {
  let index = siteIndex.get(s)
  if (index?.n !== s.calls.length) {
    const byLine = new Map<number, Map<string, JsCall[]>>()
    const made = new Set<string>()
    for (const x of s.calls) {
      made.add(`${x.line} ${x.callee} ${x.start ?? ''}`)
      if (x.args.some((a) => fromParameter(a))) continue
      let byCallee = byLine.get(x.line)
      if (!byCallee) byLine.set(x.line, (byCallee = new Map()))
      const same = byCallee.get(x.callee)
      if (same) same.push(x)
      else byCallee.set(x.callee, [x])
    }

    siteIndex.set(s, (index = {byLine, made, n: s.calls.length}))
  }

  return index
}

/** The site's readable calls written where `c` is (its line and callee, and its place on the line when both know it). */
function siteCalls(s: {calls: JsCall[]}, c: JsCall): readonly JsCall[] {
  const here = indexSite(s).byLine.get(c.line)?.get(c.callee) ?? NONE
  return c.start === undefined ? here : here.filter((x) => x.start === undefined || x.start === c.start)
}

const NONE: readonly JsCall[] = []

/**
 * A call in the body of the app's own function (`function makeKnex(config) { return knex(config) }`), as
 * that body makes it at each place the app calls the function with readable arguments: one pool per place,
 * since each call of the function makes its own. The call as written (its parameters unknown) when the
 * function is called from no such place.
 */
function boundCalls(c: JsCall, view: SiteView, loaded?: ReadonlySet<string>): JsCall[] {
  if (!c.within) return [c]
  // A place in test code (a helper under test/ that a production module happens to import) runs from the tests, not in this
  // process; nor does one in a module evaluated only because an `import()` names it, in code a known value keeps from running.
  const sites = view.sites(c.within).filter((s) => !TEST_CODE.test(s.file) && (!loaded || loaded.has(s.file)))
  if (sites.length === 0) return [c]
  // One place walked twice (its own enclosing function read once without its caller, once with) is one call: the later walk, which knows more.
  const byPlace = new Map<string, JsCall[]>()
  for (const s of sites) {
    const here = siteCalls(s, c).map((x) => ({...x, site: {...(s.deferred ? {deferred: true} : {}), file: s.file, line: s.line, ...(s.made ? {made: s.made} : {})}, within: c.within}))
    if (here.length > 0) byPlace.set(`${s.file}:${s.line}:${s.offset ?? ''}`, here)
  }

  const out = [...byPlace.values()].flat()

  // A singleton the function makes on its first call (`if (!pool) pool = …`) is one pool, made with the first caller's
  // arguments. Two singletons that each call the function once (`if (!db) db = make(8)`, `if (!admin) admin = make(2)`)
  // are two pools: the calls are grouped by the guard they were made under, one pool per guard.
  if (out.length > 1 && out.every((x) => x.once)) {
    const byGuard = new Map<string | undefined, JsCall>()
    for (const x of out) if (!byGuard.has(x.onceAt)) byGuard.set(x.onceAt, x)
    return [...byGuard.values()]
  }
  if (out.length > 0) return out
  // Walked for every place and made at none (an arm of `typeof uri === 'string' ? pg(uri, o) : pg(uri)` that no caller's
  // arguments take): no call of the function makes it. Made at some place with an argument conncalc cannot read: as written.
  return sites.some((s) => indexSite(s).made.has(`${c.line} ${c.callee} ${c.start ?? ''}`)) ? [c] : []
}

// NestFactory.create(AppModule) builds the app from the root module and the modules its @Module({imports}) name, and
// those modules' imports in turn (https://docs.nestjs.com/modules): a dynamic module (TypeOrmModule.forRoot(…)) in the
// decorator of a module outside that tree is never instantiated, whatever file imports that module's file.
const NEST_ROOT = /^@nestjs\/core\.NestFactory\.(create|createApplicationContext|createMicroservice)$/
const NEST_MODULES = 'https://docs.nestjs.com/modules'

/**
 * The NestJS modules the process builds: the classes NestFactory.create…(Root) is given and every module their
 * `@Module({imports})` name (a class, `forwardRef(() => X)`, a dynamic module `{module: X, imports}`; a library's module
 * or dynamic module, `HttpModule` or `XModule.forRoot(…)`, is a leaf). `complete` is false when part of the tree cannot be
 * read (an imports list conncalc cannot evaluate, a name that is one of the app's modules but is not resolved, a value
 * the app's code makes): then a module outside `reached` may still be built. Undefined when no NestFactory call is read.
 */
function nestTree(calls: readonly JsCall[]): {complete: boolean; reached: Set<string>; why?: string} | undefined {
  const roots = calls.filter((c) => NEST_ROOT.test(c.callee))
  if (roots.length === 0) return undefined
  const imports = new Map<string, EvalValue | undefined>()
  const appModules = new Set<string>()
  for (const c of calls) {
    if (c.callee !== '@nestjs/common.Module' || !c.decorates) continue
    imports.set(c.decorates, c.args.length === 0 ? undefined : isDict(c.args[0]) ? (entry(c.args[0], 'imports') ?? {file: '', kind: 'known', line: 0, value: {items: [], kind: 'list'}, via: []}) : c.args[0])
    if (c.decoratesName) appModules.add(c.decoratesName)
  }

  const reached = new Set<string>()
  let why: string | undefined
  const unread = (v: EvalValue | undefined, reason: string): void => {
    why ??= v ? `${reason} (${v.file}:${v.line})` : reason
  }

  const visitKey = (key: string, depth: number): void => {
    if (reached.has(key)) return
    reached.add(key)
    // A class with no @Module read (a provider) builds no module below it.
    const list = imports.get(key)
    if (!list) return
    if (list.kind === 'known' && typeof list.value === 'object' && list.value?.kind === 'list') for (const i of list.value.items) visit(i, depth + 1)
    else unread(list, 'an @Module imports list conncalc cannot read')
  }

  const visit = (v: EvalValue | undefined, depth = 0): void => {
    if (depth > 50 || !v) return
    const forward = isCall(v) && /^@nestjs\/common\.forwardRef$/.test(v.value.callee) ? returnedBy(v.value.args[0]) : v
    const key = classKey(forward)
    if (key) {
      visitKey(key, depth)
      return
    }

    // `{module: X, imports: […]}` returned by the app's own static forRoot().
    if (isDict(forward) && entry(forward, 'module')) {
      visit(entry(forward, 'module'), depth + 1)
      const more = entry(forward, 'imports')
      if (more?.kind === 'known' && typeof more.value === 'object' && more.value?.kind === 'list') for (const i of more.value.items) visit(i, depth + 1)
      else if (more) unread(more, 'a dynamic module whose imports conncalc cannot read')
      return
    }

    // A library's dynamic module (`SequelizeModule.forRoot(…)`, `BullModule.registerQueue(…)`): no app module below it.
    if (isCall(forward) && forward.value.callee.includes('.') && !forward.value.callee.startsWith('.') && forward.value.callee !== FUNCTION_CALLEE) return
    // A name not defined in its file: a library's module (`HttpModule`) unless it is the name of one of the app's modules.
    if (!forward) return
    // An import cycle (`forwardRef(() => UsersModule)` between two modules that import each other): the value is not
    // known where it is read, but its file is; every NestJS module declared there is taken as built.
    const cycle = forward.kind === 'unknown' ? /' is (\S+), which is still loading when /.exec(forward.reason)?.[1] : undefined
    if (cycle !== undefined) {
      const there = [...imports.keys()].filter((k) => k.startsWith(`${cycle}:`))
      if (there.length > 0) {
        for (const k of there) visitKey(k, depth + 1)
        return
      }
    }

    const name = forward.kind === 'unknown' ? /^`([\w$]+)` is not defined in this file$/.exec(forward.reason)?.[1] : undefined
    if (name !== undefined && !appModules.has(name)) return
    unread(forward, name === undefined ? 'a module conncalc cannot read' : `the app's module ${name}, not resolved where it is imported`)
  }

  for (const r of roots) {
    if (classKey(r.args[0])) visit(r.args[0])
    else unread(r.args[0], `the module NestFactory is given`)
  }

  return {complete: why === undefined, reached, ...(why ? {why} : {})}
}

const FUNCTION_CALLEE = '(function)'

/**
 * The calls of the process's modules, less those in the decorator of a NestJS module that the modules NestFactory builds
 * do not include (nestTree): each said once, as info. When the tree cannot be read whole, such a pool is still counted,
 * as an assumption saying why.
 */
const decoratorKey = (c: JsCall): string => `${c.decorates}\0${c.callee}\0${c.line}`

function builtCalls(modules: readonly JsModule[], diagnostics: Diagnostic[], libs: Set<string>): {calls: Map<JsModule, JsCall[]>; maybe: Map<string, string>} {
  // nestTree reads the modules' calls only when one is NestFactory's.
  const rooted = modules.some((m) => callsTo(m, NEST_ROOT).length > 0)
  const all = rooted ? modules.flatMap((m) => m.calls) : []
  const tree = rooted && all.some((c) => c.decorates) ? nestTree(all) : undefined
  const out = new Map<JsModule, JsCall[]>()
  const maybe = new Map<string, string>()
  // The calls that make a pool (fromCalls reads them): the ORMs' NestJS modules, and clients made in a provider.
  const pool = (c: JsCall): boolean => /^(@nestjs\/(typeorm|sequelize)|@mikro-orm\/nestjs)\.\w+\.forRoot(Async)?$|^(sequelize(-typescript)?(\.Sequelize|\.default)?|typeorm\.(DataSource|createConnection|Connection)|pg(\.default)?(\.native)?\.Pool|pg-pool|@prisma\/client\.PrismaClient)$/.test(c.callee)
  for (const m of modules) {
    if (!tree) {
      out.set(m, m.calls)
      continue
    }

    const kept: JsCall[] = []
    for (const c of m.calls) {
      if (!c.decorates || tree.reached.has(c.decorates) || !pool(c)) {
        kept.push(c)
        continue
      }

      const what = `\`${c.callee.replace(/^(@[^/]+\/)?[^.]+\./, '')}(…)\` in the decorator of the NestJS module ${c.decoratesName ?? ''} (${c.decorates})`.replace(' module  (', ' module (')
      if (!tree.complete) {
        maybe.set(decoratorKey(c), `${what}, which is not among the modules conncalc could follow from this process's NestFactory (the tree is not read whole: ${tree.why}); counted as if it is built`)
        kept.push(c)
        continue
      }

      libs.add(/sequelize/i.test(c.callee) ? 'sequelize' : /typeorm/i.test(c.callee) ? 'typeorm' : /mikro/i.test(c.callee) ? 'mikro-orm' : 'pg')
      diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `${what} is not among the modules this process's NestFactory builds (its root and the modules their @Module imports name): this process opens no pool for it (${NEST_MODULES})`, severity: 'info'})
    }

    out.set(m, kept)
  }

  return {calls: out, maybe}
}

const TYPEORM_CONNECT = /^typeorm(\.default)?\.(createConnection|Connection)$/
const NEST_TYPEORM_ROOT = /^@nestjs\/typeorm\.TypeOrmModule\.forRoot$/

/**
 * `TypeOrmModule.forRoot()` with no options, or options without `type` (`forRoot({autoLoadEntities: true})`):
 * @nestjs/typeorm ≤ 8 (TypeORM 0.2) then calls `createConnection()` with no options, which reads the app's ormconfig
 * (typeorm-core.module.ts createConnectionFactory: `if (!options.type) return createTypeormConnection()`).
 */
const nestReadsOrmconfig = (c: JsCall): boolean => NEST_TYPEORM_ROOT.test(c.callee) && (c.args.length === 0 || (isDict(c.args[0]) && entry(c.args[0], 'type') === undefined))
const NEST_TYPEORM_CORE = 'https://github.com/nestjs/typeorm/blob/8.0.3/lib/typeorm-core.module.ts'

/**
 * The options TypeORM 0.2's `createConnection()` (no options) reads (ConnectionOptionsReader.load, typeorm 0.2.x
 * src/connection/ConnectionOptionsReader.ts): the first ormconfig file of the app root in the order env, js, cjs, ts, json,
 * yml, yaml; ormconfig.env is loaded into process.env by dotenv (which keeps a variable already set), and when the file
 * found is another one, the app root's `.env` is (`else if (fileExist(baseDirectory + "/.env")) dotenv(...)`). With
 * TYPEORM_CONNECTION or TYPEORM_URL set, the TYPEORM_* variables (ConnectionOptionsEnvReader: the type is
 * TYPEORM_CONNECTION, else TYPEORM_URL's scheme; TYPEORM_DRIVER_EXTRA parsed as JSON into `extra`);
 * else the file, its `default` entry when it lists several (a yml file's top-level keys name the connections,
 * ConnectionOptionsYmlReader). Undefined when none is read, or it names another database.
 */
async function typeormConfig(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<{file: string; options: EvalValue} | undefined> {
  const format = ['env', 'js', 'cjs', 'ts', 'json', 'yml', 'yaml'].find((f) => ctx.files.exists(`ormconfig.${f}`))
  const file = format ? `ormconfig.${format}` : undefined
  const dotenvFile = format === 'env' ? 'ormconfig.env' : ctx.files.exists('.env') ? '.env' : undefined
  const dotenv = dotenvFile ? parseEnvFile(ctx.files.read(dotenvFile)?.text ?? '', dotenvFile).entries : []
  const variable = (name: string): {line: number; value: string; where: string} | undefined => {
    const set = ctx.env.get(name)
    if (set) return {line: 1, value: set.value, where: name}
    const e = dotenv.find((d) => d.name === name)
    const line = e?.source.kind === 'env' ? Number(/:(\d+)$/.exec(e.source.from)?.[1] ?? 1) : 1
    return e ? {line, value: e.value, where: dotenvFile!} : undefined
  }

  const url = variable('TYPEORM_URL')
  const named = variable('TYPEORM_CONNECTION')
  const connection = named ?? (url ? {...url, value: url.value.split('://')[0]!} : undefined)
  if (connection) {
    if (!/^postgres|^cockroachdb$/.test(connection.value)) return undefined
    const at = connection.where === dotenvFile ? dotenvFile : named ? 'TYPEORM_CONNECTION' : 'TYPEORM_URL'
    const known = (value: PyValue, line: number): EvalValue => ({file: at, kind: 'known', line, value, via: [fromFile(at, line)]})
    const entries = new Map<string, EvalValue>([['type', known(connection.value, connection.line)]])
    if (url) entries.set('url', known(url.value, url.line))
    const extra = variable('TYPEORM_DRIVER_EXTRA')
    if (extra) {
      let parsed: unknown
      try {
        parsed = JSON.parse(extra.value)
      } catch {
        diagnostics.push({code: 'unknown-config-value', file: at, line: extra.line, message: 'TYPEORM_DRIVER_EXTRA is not JSON: TypeORM fails to start with it (ConnectionOptionsEnvReader parses it with JSON.parse)', severity: 'warning'})
      }

      if (parsed !== undefined) entries.set('extra', plainValue(parsed, at, () => extra.line))
    }

    return {file: at === dotenvFile ? `${at} (TYPEORM_* variables)` : 'the TYPEORM_* variables', options: known({entries, kind: 'dict'}, connection.line)}
  }

  if (!file) return undefined
  let options: EvalValue | undefined
  if (format === 'yml' || format === 'yaml') {
    const doc = parseYaml(ctx.files.read(file)?.text ?? '', file)
    diagnostics.push(...doc.diagnostics)
    const named = doc.value && typeof doc.value === 'object' && !Array.isArray(doc.value) ? Object.keys(doc.value) : []
    const name = named.includes('default') ? 'default' : named[0]
    if (name === undefined) return undefined
    options = plainValue((doc.value as Record<string, unknown>)[name], file, (path) => doc.lineOf([name, ...path]) ?? doc.lineOf([name]) ?? 1)
  } else if (format !== 'env') {
    const m = await project.load(file)
    if (!m?.parsed) return undefined
    options = requiredValue(m)
    if (options.kind === 'known' && typeof options.value === 'object' && options.value !== null && (options.value as {kind?: string}).kind === 'list') {
      const items = (options.value as unknown as {items: EvalValue[]}).items
      options = items.find((o) => asString(entry(o, 'name')) === 'default') ?? items.find((o) => entry(o, 'name') === undefined) ?? items[0]
    }
  }

  // Another database (`type: 'mysql'`, 'sqlite'): no PostgreSQL pool from it.
  const type = options ? asString(entry(options, 'type')) : undefined
  if (type !== undefined && !/^postgres|^cockroachdb$/.test(type)) return undefined
  return options && file ? {file, options} : undefined
}

const TYPEORM_GET_OPTIONS = /^typeorm(\.default)?\.getConnectionOptions$/
const TYPEORM_OPTIONS_READER = 'https://github.com/typeorm/typeorm/blob/0.2.45/src/connection/ConnectionOptionsReader.ts'

/**
 * TypeORM options built on `await getConnectionOptions()` (`Object.assign(await getConnectionOptions(), {name})`,
 * `{...(await getConnectionOptions()), entities}`): getConnectionOptions(name = 'default') returns what
 * ConnectionOptionsReader.get(name) reads — the connection of that name in the app's ormconfig (typeormConfig) —
 * and the keys the app sets beside it are over them. Options with no getConnectionOptions() in them are unchanged.
 */
function withOrmconfig(opts: EvalValue | undefined, ormconfig: {file: string; options: EvalValue} | undefined): EvalValue | undefined {
  const name = isDict(opts) ? opts.value.entries.get(TYPEORM_ORMCONFIG) : undefined
  if (!opts || !isDict(opts) || !name) return opts
  const unknown = (reason: string): EvalValue => ({file: opts.file, kind: 'unknown', line: opts.line, reason})
  if (asString(name) !== 'default') return unknown(`getConnectionOptions(${asString(name) === undefined ? '…' : `'${asString(name)}'`}) reads a named connection of the ormconfig, which conncalc does not read`)
  if (!ormconfig) return unknown("getConnectionOptions() reads the app's ormconfig file (or TYPEORM_* variables), and none is read here")
  if (!isDict(ormconfig.options)) return unknown(`getConnectionOptions() reads ${ormconfig.file}, whose options cannot be read`)
  const entries = new Map(ormconfig.options.value.entries)
  for (const [k, v] of opts.value.entries) if (k !== TYPEORM_ORMCONFIG) entries.set(k, v)
  const partial = Boolean(ormconfig.options.value.partial) || Boolean(opts.value.partial)
  return {...opts, value: {entries, kind: 'dict', ...(partial ? {partial} : {})}, via: [...opts.via, fromFile(ormconfig.file, ormconfig.options.line), fromDefault(`getConnectionOptions() returns the options ${ormconfig.file} sets`, TYPEORM_OPTIONS_READER)]}
}

/** A plain JSON/YAML value as the evaluator's, each at the line `lineOf` gives for its path. */
function plainValue(v: unknown, file: string, lineOf: (path: (number | string)[]) => number, path: (number | string)[] = []): EvalValue {
  const line = lineOf(path)
  const known = (value: PyValue): EvalValue => ({file, kind: 'known', line, value, via: [fromFile(file, line)]})
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return known(v)
  if (Array.isArray(v)) return known({items: v.map((x, i) => plainValue(x, file, lineOf, [...path, i])), kind: 'list'})
  if (typeof v === 'object') return known({entries: new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plainValue(x, file, lineOf, [...path, k])])), kind: 'dict'})
  return {file, kind: 'unknown', line, reason: `a value of ${file} conncalc does not read`}
}

function fromCalls(ctx: AnalyzerContext, pkg: PackageJson | undefined, modules: JsModule[], view: SiteView, ormconfig?: {file: string; options: EvalValue}, cli?: ProcessArgs, project?: NodeProject): Found {
  // A pg Pool or Client the code ends after use (closedAfterUse): held only while that function runs.
  const ended = (m: JsModule, c: JsCall): undefined | {line: number; name: string} => {
    const parsed = c.start === undefined ? undefined : project?.parsedOf(m)
    return parsed?.program ? closedAfterUse(parsed.program, parsed.text, c.start!) : undefined
  }

  const diagnostics: Diagnostic[] = []
  const handlers = handlerGuards(modules)
  const inHandler = (c: JsCall): JsCall => {
    const g = c.within ? handlers.get(c.within) : undefined
    return g && !c.guards?.some((x) => x.command === g.command) ? {...c, guards: [g, ...(c.guards ?? [])]} : c
  }
  const made: Made[] = []
  const libs = new Set<string>()
  const dead = new Map<string, boolean | 'open'>()
  const loadedFiles = new Set(modules.map((m) => m.file))
  const notOpened: Found['notOpened'] = []
  const {calls: built, maybe} = builtCalls(modules, diagnostics, libs)
  // Where each pool's options say its server is, in parts or by a URL (serverAt): keyed by the pool's `database` name.
  const ats = new Map<string, ServerAt>()
  // `options`: what the pool is made from when not the call's last object argument (a forRootAsync factory's return).
  const add = (lib: string, file: string, c: JsCall, pool: Sourced<number>, given?: string, options: EvalValue | undefined = lastDict(c.args)): void => {
    const server = given ?? serverOf(ctx, urlOf(c, options))
    // Made in the body of a named function no code read for this process calls: where the rest of the app's code calls it.
    const uses = !c.site && c.inFunction && c.within && !c.within.name.startsWith('new ') && view.count(c.within) === 0 ? usesOf(ctx.files, c.within) : 'unsure'
    // Made by each instance of a class (its constructor or a field) that no code read makes, not one a framework's injection
    // makes: where the rest of the app's code names the class outside its own body (its own static factory is inside).
    // Instances made only inside the class's own body (its static factory, walked without a caller) are no maker either.
    const ownOnly = (w: JsFunctionSites): boolean => !view.truncated(w) && view.sites(w).every((x) => x.file === w.file && x.line > w.line && x.line <= w.endLine!)
    const classUses = c.within?.name.startsWith('new ') && !c.within.decorated && c.within.endLine !== undefined && (view.count(c.within) === 0 ? !c.site : ownOnly(c.within)) ? usesOf(ctx.files, {endLine: c.within.endLine, file: c.within.file, line: c.within.line, name: c.within.name.slice(4)}) : 'unsure'
    const unmade = classUses === 'unsure' || classUses.some((u) => modules.some((m) => m.file === u.file)) ? undefined : unmadeHere(ctx.files, c.within!, classUses, modules)
    if (unmade) {
      libs.add(lib)
      notOpened.push({file, line: c.line, why: `the ${lib} pool made at ${file}:${c.line} ${unmade.replace(/^it is /, 'is ')}`})
      diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `${ctx.processType}: the ${lib} pool made here is not counted: ${unmade}`, processType: ctx.processType, severity: 'info'})
      return
    }

    const use = uses === 'unsure' || uses.some((u) => modules.some((m) => m.file === u.file)) ? 'unsure' : uses[0]
    // Called by code read here, but only inside functions nothing calls (deadThrough).
    const unused = (uses === 'unsure' || use === 'unsure' ? undefined : uncalledHere(ctx.files, c.within!, uses)) ?? (c.inFunction && c.within ? calledOnlyFromDead(ctx.files, c.within, dead, loadedFiles, modules[0]?.file) : undefined)
    if (unused) {
      libs.add(lib)
      notOpened.push({file, line: c.line, why: `the ${lib} pool made at ${file}:${c.line} is not opened: ${unused}`})
      diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `${ctx.processType}: the ${lib} pool made here is not counted: ${unused}`, processType: ctx.processType, severity: 'info'})
      return
    }

    // Options conncalc cannot see into: an unknown value, or what a function of the app or a library returns.
    const unread = c.args.find((a) => a.kind === 'unknown' || (isCall(a) && returnedBy(a) === a))
    if (!lastDict(c.args) && unread && !/^(drizzle|prisma|pg Client|vercel-postgres sql)/.test(lib)) {
      diagnostics.push(unreadOptions(file, c, unread, `${lib} options`, `its default pool (${pool.value})`))
      pool = assumedDefault(pool, unread, `the ${lib} options`)
    }

    libs.add(lib)
    const unsure = c.decorates ? maybe.get(decoratorKey(c)) : undefined
    if (unsure) {
      diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: unsure, severity: 'warning'})
      pool = {...pool, via: [...(pool.via ?? []), assumed(unsure)]}
    }

    if (c.site) {
      // A singleton (`if (!pool) pool = …`) is one pool however many places call its function.
      const sample = c.within && view.truncated(c.within) && !c.once ? `; \`${c.within.name}()\` is called from more places than conncalc follows (${view.count(c.within)} read), so there may be more such pools` : ''
      const here = pool.source.kind === 'file' && pool.source.file === c.site.file && pool.source.line === c.site.line
      // An instance made inside a function or another class's fields exists once that code runs: counted once for that place, and said.
      const later = c.site.deferred ? [assumed(`made by \`${c.site.made ?? `${c.within?.name}()`}\` at ${c.site.file}:${c.site.line}, which runs when the code around it is called, not when the module loads: one instance counted there`)] : []
      pool = {...pool, via: [...(pool.via ?? []), ...(here ? [] : [fromFile(c.site.file, c.site.line)]), ...(sample ? [assumed(`made by \`${c.within?.name}()\` (${file}:${c.line})${sample}`)] : []), ...later]}
    }

    // A field initializer or constructor of a class no code read instantiates: it runs per instance, not when the class is declared.
    if (!c.site && c.within?.name.startsWith('new ') && view.count(c.within) === 0) {
      const cls = `${c.within.name.slice(4)} (${c.within.file}:${c.within.line})`
      const why = c.within.decorated
        ? fromDefault(`made by an instance of ${cls}, a decorated class: the framework's dependency injection makes it, once for a singleton provider`, REF.nestProviders)
        : assumed(`made by each instance of ${cls} (in a field initializer or its constructor), and no code conncalc read makes one (\`new ${c.within.name.slice(4)}()\`): one instance assumed`)
      pool = {...pool, via: [...(pool.via ?? []), why]}
    }

    // Made in the body of a named function that no code of the app calls, whose name a framework may call (a Next.js
    // route's GET, a Lambda handler): it opens only if that framework calls it. Counted, and said.
    if (uses !== 'unsure' && uses.length === 0) {
      const why = assumed(`made by \`${c.within!.name}()\` (${c.within!.file}:${c.within!.line}), which no code of the app conncalc read calls (it is only defined, imported or re-exported), and a framework may call a function of that name itself: counted as if something calls it once; if nothing in this process does, it opens no connection`)
      pool = {...pool, via: [...(pool.via ?? []), why]}
    } else if (use !== 'unsure') {
      // Called only by code this process does not load, not all of it a program of its own (a route a framework may load): counted, starred, said.
      const why = assumed(`made by \`${c.within!.name}()\` (${c.within!.file}:${c.within!.line}), which the code conncalc read for this process does not call: it is called at ${use.file}:${use.line}, which this process does not load (another process's code?); counted as if this process called it once`)
      pool = {...pool, via: [...(pool.via ?? []), why]}
    }

    const database = `${lib} ${file}:${c.line}${c.site ? ` (called at ${c.site.file}:${c.site.line})` : ''}`
    made.push({entry: {database, pool, server}, ...(c.guards ? {guards: c.guards} : {}), ...(c.site ? {site: `${c.site.file}:${c.site.line}`} : {}), where: `${file}:${c.line}`})
    const where = given === undefined ? serverAt(c, options) : undefined
    if (where) ats.set(database, {...where, made: `${file}:${c.line}`})
  }

  const prismaVersion = pkg?.versionOf('@prisma/client') ?? pkg?.versionOf('prisma')
  // Asked only for a TypeORM DataSource.
  const all = (): JsCall[] => [...built.values()].flat()
  const nestTypeorm = (): boolean => all().some((c) => /^@nestjs\/typeorm\.TypeOrmModule\.forRoot/.test(c.callee))
  // `X.initialize()` on a DataSource; not another package's own initialize (`passport.initialize()`, `Sentry.init…`): a
  // callee named after a package the module imports (other than typeorm) is that package's.
  const foreign = (m: JsModule, callee: string): boolean => {
    const head = callee.startsWith('@') ? callee.split('.')[0].split('/').slice(0, 2).join('/') : callee.split(/[./]/)[0]
    return head !== 'typeorm' && !head.startsWith('.') && m.imports.includes(head)
  }
  const initCalls = (): JsCall[] => modules.flatMap((m) => (built.get(m) ?? m.calls).filter((c) => /\.initialize$/.test(c.callee) && !foreign(m, c.callee)))
  const initializes = (): boolean => initCalls().length > 0
  // The DataSources the app's initialize() calls name, as `file:line` of their `new DataSource(…)`; undefined when one of
  // those calls is on a value conncalc cannot trace to its construction (`new DataSource(o).initialize()`, a parameter).
  // A DataSource held in a class's static field (`AppDataSource.datasource = new DataSource(…)`, then
  // `AppDataSource.datasource.initialize()`): the construction assigned to that member in the same module (Giveth/impact-graph).
  const DATASOURCE = /^typeorm(\.default)?\.DataSource$/
  const heldIn = (m: JsModule, holder: string): string | undefined => {
    const made = (built.get(m) ?? m.calls).filter((x) => x.isNew && DATASOURCE.test(x.callee) && x.assignedTo === holder)
    return made.length === 1 ? `${m.file}:${made[0].line}` : undefined
  }
  const initialized = (): Set<string> | undefined => {
    const traced: string[] = []
    for (const m of modules) {
      for (const c of (built.get(m) ?? m.calls).filter((x) => /\.initialize$/.test(x.callee) && !foreign(m, x.callee))) {
        // The app's own class's static `initialize()` (`AppDataSource.initialize()`): its body's calls are read where it is written.
        if (classKey(c.receiver) !== undefined) continue
        if (isCall(c.receiver) && DATASOURCE.test(c.receiver.value.callee)) {
          traced.push(`${c.receiver.file}:${c.receiver.line}`)
          continue
        }

        const held = /^[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*(?=\.initialize$)/.exec(c.callee)
        const at = held && !c.receiver ? heldIn(m, held[0]) : undefined
        if (at === undefined) return undefined
        traced.push(at)
      }
    }

    return traced.length === 0 ? undefined : new Set(traced)
  }
  let singleton = false
  const transient: PoolEntry[] = []
  const http: Found['http'] = []
  const lazyVercel: {c: JsCall; file: string; passed?: boolean; why: string}[] = []
  const loaded = new Set(modules.map((m) => m.file))
  for (const m of modules) {
    const listening = listensIn(m).length > 0
    for (const c of (built.get(m) ?? m.calls).flatMap((x) => boundCalls(x, view, loaded)).map((x) => inHandler(x))) {
      const opts = lastDict(c.args)
      const origin = at(c, m.file)
      if ((c.isNew && PG_CLIENT.test(c.callee)) || (!c.isNew && VERCEL_CLIENT.test(c.callee))) {
        // A Client kept for LISTEN is an extra (listenExtras); any other is one connection of its own, outside any pool.
        if (listening) continue
        const one = sourced(1, origin, [PG_CLIENT.test(c.callee) ? fromDefault('a pg Client is one connection of its own, outside any pool', REF.pgClient) : fromDefault("@vercel/postgres's createClient() is one client (a @neondatabase/serverless Client), one connection of its own", REF.vercelPostgres)])
        const closed = c.inFunction ? undefined : ended(m, c)
        if (closed) {
          // Made for the module, but connected and ended by one function (a create-database helper): see nodePools.
          const entry: PoolEntry = {database: `pg Client ${m.file}:${c.line}`, pool: {...one, via: [...(one.via ?? []), fromDefault(`connected and ended (\`${closed.name}.end()\`) by the function at ${m.file}:${closed.line}: held only while it runs`, REF.pgEnd)]}, server: serverOf(ctx, urlOf(c, opts))}
          if (!c.guards?.some((g) => g.kind === 'skipped')) transient.push(entry)
          continue
        }

        if (c.inFunction) {
          // Made when a function runs (a lock, a migration helper, or per request): see nodePools.
          const entry: PoolEntry = {database: `pg Client ${m.file}:${c.line}`, pool: {...one, via: [...(one.via ?? []), assumed('made inside a function, one per call; 1 counted — if the app makes one per request, the connections grow with the requests in flight')]}, server: serverOf(ctx, urlOf(c, opts))}
          if (!c.guards?.some((g) => g.kind === 'skipped')) transient.push(entry)
          continue
        }

        // node-postgres's Client connects on `client.connect()` only (https://node-postgres.com/apis/client#clientconnect);
        // a query before it waits in the client's queue. A module-level Client when no code read calls any connect(): none.
        if (PG_CLIENT.test(c.callee) && !modules.some((x) => (built.get(x) ?? x.calls).some((k) => /(^|\.)connect$/.test(k.callee)))) {
          libs.add('pg')
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `this pg Client is never connected in the code read (no \`.connect()\` call): node-postgres opens a Client's connection on client.connect() only, so it holds none (${REF.pgClient}#clientconnect)`, severity: 'info'})
          continue
        }

        add('pg Client', m.file, c, one)
        libs.add('pg')
      } else if (!c.isNew && /^pg(\.default|\.native)?\.connect$/.test(c.callee) && c.args.length > 0 && !singleton) {
        // pg before 7.0: `pg.connect(url, cb)` checks out of the module's singleton pool (one per connection string), max 10.
        singleton = true
        add('pg', m.file, c, sourced(10, origin, [fromDefault('pg.connect() uses pg\'s singleton pool (gone in pg 7.0), whose size is pg\'s default of 10', REF.pgSingleton)]), serverOf(ctx, c.args[0]))
      } else if (!c.isNew && ((/^[\w$]+$/.test(c.callee) && isCall(m.names.get(c.callee)) && PG_PROMISE.test((m.names.get(c.callee) as {value: {callee: string}}).value.callee)) || (isCall(c.instance) && /\)$/.test(c.callee) && PG_PROMISE.test(c.instance.value.callee)))) {
        // `const pgp = require('pg-promise')(); const db = pgp(cn)`, or at once `pgp()(cn)`: each Database object has its own pg Pool of cn's `max`.
        add('pg-promise', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault("pg-promise's Database opens a pg Pool; pg's default max is 10", REF.pgPromise)]), 'pg-promise max', diagnostics))
      } else if (c.isNew && LOOPBACK_DATASOURCE.test(c.callee) && loopbackPostgres(c.args[0])) {
        // A LoopBack datasource on the postgresql connector (`new juggler.DataSource(config)`, a LoopBack 4 datasource
        // class's `super(config)`): the connector hands its settings to `new pg.Pool(settings)`, so `max` or pg's default 10.
        add('loopback-connector-postgresql', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault('loopback-connector-postgresql passes the datasource settings to new pg.Pool(settings); pg Pool default max', REF.loopbackPostgres)]), 'loopback-connector-postgresql max', diagnostics))
      } else if (c.isNew && /^pg(\.default)?(\.native)?\.Pool$|^pg-pool$/.test(c.callee)) {
        const closed = c.inFunction ? ended(m, c) : undefined
        if (closed) {
          // Made by a function that ends it before it returns (a backup or restore route): see nodePools.
          const size = option(opts, ['max', 'poolSize'], sourced(10, origin, [fromDefault('pg Pool default max', REF.pg)]), 'pg Pool max', diagnostics)
          if (!c.guards?.some((g) => g.kind === 'skipped')) transient.push({database: `pg Pool ${m.file}:${c.line}`, pool: {...size, via: [...(size.via ?? []), fromDefault(`made and ended (\`${closed.name}.end()\`) by the function at ${m.file}:${closed.line}: held only while it runs`, REF.pgEnd)]}, server: serverOf(ctx, urlOf(c, opts))})
          continue
        }

        add('pg', m.file, c, option(opts, ['max', 'poolSize'], sourced(10, origin, [fromDefault('pg Pool default max', REF.pg)]), 'pg Pool max', diagnostics))
      } else if (/^postgres(\.default)?$/.test(c.callee) && !c.isNew) {
        add('postgres.js', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault('postgres.js default max', REF.postgres)]), 'postgres.js max', diagnostics))
      } else if (c.isNew && /^[Bb]un\.SQL$/.test(c.callee)) {
        // `new SQL(url, options)` / `new SQL(options)`: a pool of options.max, else 10, on PostgreSQL unless the options'
        // adapter or the URL's protocol says SQLite or MySQL (REF.bunSql).
        const adapter = asString(entry(opts, 'adapter'))
        const url = asString(c.args[0]) ?? asString(entry(opts, 'url'))
        const other = adapter !== undefined && !/^postgres(ql)?$/.test(adapter) ? adapter : url !== undefined && /^(sqlite|file|mysql2?|mysqls|mariadb):|^:memory:$/.test(url) ? url.split(':')[0] || 'sqlite' : undefined
        if (other) {
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `Bun's SQL client here uses its ${other} adapter, not PostgreSQL: no PostgreSQL connection from it (${REF.bunSql})`, severity: 'info'})
          continue
        }

        add('bun SQL', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault("Bun's SQL client pools its connections: options.max, else 10", REF.bunSql)]), 'Bun SQL max', diagnostics))
      } else if (/^knex(\.knex|\.default|\.initialize)?$/.test(c.callee) && !c.isNew && opts && knexWithoutPool(opts)) {
        // Client's constructor makes its pool only `if (this.driverName && config.connection)`, and not with pool.max 0 (REF.knexNoPool):
        // `knex({client: 'pg'})` is a query builder (`.toString()`, `.toSQL()`), no connection.
        libs.add('knex')
        diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `knex(${knexWithoutPool(opts)}) here opens no pool: knex makes its pool only when the config has a \`connection\` (and pool.max is not 0), so this instance only builds SQL (${REF.knexNoPool})`, severity: 'info'})
      } else if (/^knex(\.knex|\.default|\.initialize)?$/.test(c.callee) && !c.isNew && opts) {
        const pool = option(nested(opts, 'pool'), ['max'], sourced(10, origin, [fromDefault('knex default pool max (min 2)', REF.knex)]), 'knex pool max', diagnostics)
        const other = knexOtherClient(opts)
        const client = entry(opts, 'client')
        if (other && 'unset' in other) add('knex', m.file, c, unsetDialect(m.file, c, "knex's client", other.name, other.unset, pool, diagnostics))
        else if (other) add('knex', m.file, c, {...pool, via: [...(pool.via ?? []), other.why]}, other.server)
        // `client: dbClient` set in the arms of a switch on a config file's type: which database is not read.
        else if (client?.kind === 'unknown') add('knex', m.file, c, {...pool, via: [...(pool.via ?? []), assumed(`knex's client at ${client.file}:${client.line} cannot be read (${client.reason}); counted as PostgreSQL`)]})
        else {
          // An instance made only to run the migrations, then never queried (`knex(config).migrate.latest()`): knex's
          // Migrator runs them one after another in one transaction, one connection, which its pool keeps idle (tarn reaps
          // idle connections only above pool.min, knex's 2): 1, not the pool's max.
          const parsed = c.start === undefined ? undefined : project?.parsedOf(m)
          const mig = parsed?.program ? migrateOnly(parsed.program, parsed.text, c.start!) : undefined
          add('knex', m.file, c, mig ? sourced(1, origin, [...(pool.via ?? []), fromDefault(`${m.file}:${mig.line}: ${mig.name ? `${mig.name}, this knex instance,` : 'this knex instance'} only runs the migrations (.migrate.${mig.method}()) and is queried nowhere else: knex's Migrator runs them one after another in one transaction, 1 connection, which the pool keeps`, REF.knexMigrator)]) : pool)
        }
      } else if (c.isNew && /^sequelize(-typescript)?(\.Sequelize|\.default)?$/.test(c.callee)) {
        const max = option(nested(opts, 'pool'), ['max'], sourced(5, origin, [fromDefault('Sequelize default pool max', REF.sequelize)]), 'Sequelize pool max', diagnostics)
        const replication = entry(opts, 'replication')
        if (replication) {
          for (const [lib, pool, server] of sequelizeReplication(ctx, replication, max, m.file, diagnostics)) add(lib, m.file, c, pool, server)
          libs.add('sequelize')
        } else add('sequelize', m.file, c, max)
      } else if (c.isNew && /^typeorm\.DataSource$/.test(c.callee)) {
        // A DataSource connects on initialize(); in a NestJS app that never calls it, it is the TypeORM CLI's (migrations).
        if (nestTypeorm() && !initializes()) {
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: 'this TypeORM DataSource is never initialize()d in the code followed (the TypeORM CLI uses it for migrations); the pool TypeOrmModule opens is counted instead', severity: 'info'})
          continue
        }

        // Another DataSource is the one initialize()d (the app's), and this one never is: the TypeORM CLI's config
        // (`export default new DataSource(options)` in a data-source file the app also imports), no pool of its own.
        const inits = initialized()
        if (inits && !inits.has(`${m.file}:${c.line}`)) {
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `this TypeORM DataSource is never initialize()d in the code followed (the TypeORM CLI uses it for migrations); the DataSource initialized at ${[...inits].join(', ')} is the one that opens a pool`, severity: 'info'})
          continue
        }

        const options = withOrmconfig(opts, ormconfig)
        const {pool, server} = typeormDatabase(m.file, c, options, typeormPool(options, origin, diagnostics), diagnostics)
        add('typeorm', m.file, c, pool, server)
      } else if (TYPEORM_CONNECT.test(c.callee) && ((c.args.length > 0 && asString(c.args[0]) === undefined) || (c.args.length === 0 && ormconfig))) {
        // TypeORM ≤ 0.2: `await createConnection({type: 'postgres', url, …})` (or `new Connection(options)`) opens the
        // pool at once, as DataSource.initialize() does in 0.3; the same options (poolSize, extra.max). With no options
        // it reads the app's ormconfig (typeormConfig); with a name, not read here.
        const opts = c.args.length > 0 ? withOrmconfig(c.args[0], ormconfig) : ormconfig!.options
        const {pool, server} = typeormDatabase(m.file, c, opts, typeormPool(opts, origin, diagnostics), diagnostics)
        add('typeorm', m.file, c, c.args.length > 0 ? pool : {...pool, via: [...(pool.via ?? []), fromDefault(`createConnection() with no options reads ${ormconfig!.file}`, TYPEORM_OPTIONS_READER)]}, server)
      } else if (/^@nestjs\/typeorm\.TypeOrmModule\.forRoot(Async)?$/.test(c.callee)) {
        // forRootAsync({useFactory: (config) => ({…})}): the options are what the factory returns; with
        // {useClass: X} (or useExisting) what X's createTypeOrmOptions() returns (@nestjs/typeorm TypeOrmOptionsFactory).
        const provider = entry(c.args[0], 'useClass') ?? entry(c.args[0], 'useExisting')
        const factory = entry(c.args[0], 'useFactory') ?? (isDict(provider) ? entry(provider, 'createTypeOrmOptions') : undefined)
        const options = withOrmconfig(c.callee.endsWith('Async') ? returnedBy(factory) : c.args[0], ormconfig)
        if (c.callee.endsWith('Async') && !isDict(options)) diagnostics.push(unreadOptions(m.file, c, options, 'TypeORM options', 'pg Pool default max 10'))
        if (ormconfig && nestReadsOrmconfig(c)) {
          const pool = typeormPool(ormconfig.options, origin, diagnostics)
          add('typeorm', m.file, c, {...pool, via: [...(pool.via ?? []), fromDefault(`TypeOrmModule.forRoot() without a type calls createConnection() with no options, which reads ${ormconfig.file}`, NEST_TYPEORM_CORE)]})
          continue
        }

        const read = typeormPool(isDict(options) ? options : undefined, origin, diagnostics)
        const {pool, server} = isDict(options) ? typeormDatabase(m.file, c, options, read, diagnostics) : {pool: read, server: undefined}
        add('typeorm', m.file, c, pool, server, isDict(options) ? options : undefined)
      } else if (/^@nestjs\/sequelize\.SequelizeModule\.forRoot(Async)?$|^@mikro-orm\/nestjs\.MikroOrmModule\.forRoot(Async)?$/.test(c.callee)) {
        // @nestjs/sequelize makes `new Sequelize(options)` (pool.max, Sequelize's default 5); @mikro-orm/nestjs runs
        // MikroORM.init(options), whose SQL drivers open a knex pool of options.pool (knex's default max 10).
        // forRootAsync({useFactory}): the options are what the factory returns, as for TypeOrmModule.
        const mikro = c.callee.startsWith('@mikro-orm')
        const lib = mikro ? 'mikro-orm' : 'sequelize'
        const options = c.callee.endsWith('Async') ? returnedBy(entry(c.args[0], 'useFactory')) : c.args[0]
        const dflt = mikro ? sourced(10, origin, [fromDefault("MikroORM's SQL drivers open a knex pool: knex's default max 10", REF.mikroOrm)]) : sourced(5, origin, [fromDefault('@nestjs/sequelize makes new Sequelize(options): Sequelize default pool max', REF.nestSequelize)])
        if (!isDict(options)) {
          diagnostics.push(unreadOptions(m.file, c, options, `${lib} module options`, `its default pool (${dflt.value})`))
          add(lib, m.file, c, assumedDefault(dflt, options ?? {file: m.file, kind: 'unknown', line: c.line, reason: 'no options'}, `the ${lib} module options`))
        } else add(lib, m.file, c, option(nested(options, 'pool'), ['max'], dflt, `${lib} pool.max`, diagnostics), undefined, options)
      } else if (/^@mikro-orm\/(core|postgresql)\.MikroORM\.init$/.test(c.callee) && !c.isNew) {
        // `await MikroORM.init(options)`: its SQL driver opens a knex pool of options.pool (knex's default max 10), as the
        // NestJS module above does; on the options' `type` (v5) or the driver's database, not PostgreSQL: none here.
        const type = asString(entry(opts, 'type'))
        if (type !== undefined && !/^postgres(ql)?$/.test(type)) {
          libs.add('mikro-orm')
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `MikroORM.init() here connects to ${type}, not PostgreSQL: no PostgreSQL connection from it`, severity: 'info'})
          continue
        }

        const dflt = sourced(10, origin, [fromDefault("MikroORM.init() connects its SQL driver, which opens a knex pool of the options' `pool`: knex's default max 10", REF.mikroOrm)])
        const url = entry(opts, 'clientUrl')
        add('mikro-orm', m.file, c, opts ? option(nested(opts, 'pool'), ['max'], dflt, 'mikro-orm pool.max', diagnostics) : dflt, url ? serverOf(ctx, url) : undefined)
      } else if (/^(@fastify\/postgres|fastify-postgres)(\.default)?$/.test(c.callee) && !c.isNew) {
        // fastify.register(fastifyPostgres, options): index.js `const pool = new pg.Pool(options)` (options.name, pg, native removed).
        add('pg', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault("@fastify/postgres makes `new pg.Pool(options)` from the options it is registered with: pg's default max 10", REF.fastifyPostgres)]), 'pg Pool max', diagnostics))
      } else if (/^@payloadcms\/db-postgres\.postgresAdapter$/.test(c.callee)) {
        add('pg', m.file, c, option(nested(opts, 'pool'), ['max'], sourced(10, origin, [fromDefault("Payload's postgres adapter creates a pg Pool (default max 10) from `pool`", REF.pg)]), 'pg Pool max', diagnostics))
      } else if (c.isNew && /^@prisma\/adapter-pg\.PrismaPg$/.test(c.callee)) {
        // new PrismaPg(pool): the adapter uses a pg Pool the app made, counted where it was made (REF.prismaAdapterPg).
        if (isCall(c.args[0]) && /^pg(\.default)?(\.native)?\.Pool$|^pg-pool$/.test(c.args[0].value.callee)) {
          libs.add('prisma-adapter-pg')
          continue
        }

        // `new PrismaPg({connectionString})` builds a pg Pool from its options, in Prisma 6's adapter as in 7's (not only a Prisma 7 thing).
        add('prisma-adapter-pg', m.file, c, option(c.args[0], ['max'], sourced(10, origin, [fromDefault("Prisma's pg driver adapter (@prisma/adapter-pg) makes a pg Pool: its default max applies", REF.prismaAdapterPg)]), 'PrismaPg max', diagnostics))
      } else if (c.isNew && /^@neondatabase\/serverless(\.default)?\.Pool$/.test(c.callee)) {
        add('neon Pool', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault("@neondatabase/serverless's Pool is node-postgres's Pool over a WebSocket: default max 10", REF.neon)]), 'neon Pool max', diagnostics))
      } else if (c.isNew && /^@prisma\/adapter-neon\.PrismaNeon$/.test(c.callee)) {
        // new PrismaNeon(config) makes `new neon.Pool(config)` on connect; a Pool the app made (5.x) is counted where it was made.
        libs.add('prisma-adapter-neon')
        if (isCall(c.args[0]) && /^@neondatabase\/serverless(\.default)?\.Pool$/.test(c.args[0].value.callee)) continue
        add('prisma-adapter-neon', m.file, c, option(c.args[0], ['max'], sourced(10, origin, [fromDefault("PrismaNeon opens a @neondatabase/serverless Pool (node-postgres's Pool): default max 10", REF.prismaAdapterNeon)]), 'PrismaNeon max', diagnostics))
      } else if (c.isNew && /^@prisma\/adapter-neon\.PrismaNeonHTTP$/.test(c.callee)) {
        // Each query is one HTTP request to Neon's endpoint: no connection held by this process.
        libs.add('prisma-adapter-neon')
        http.push({file: m.file, line: c.line, what: 'PrismaNeonHTTP'})
      } else if (!c.isNew && /^@neondatabase\/serverless(\.default)?\.neon$/.test(c.callee)) {
        // `neon(url)`: a query function that sends each query as one HTTP request (fetch) to Neon's SQL endpoint;
        // this process holds no PostgreSQL connection between or during queries (REF.neonHttp).
        libs.add('neon-http')
        http.push({file: m.file, line: c.line, what: "@neondatabase/serverless's neon()"})
      } else if (!c.isNew && /^@vercel\/postgres(\.default)?\.createPool$/.test(c.callee)) {
        // A pool the module reads only as `pool.sql\`…\``: VercelPool#sql sends each query with neon() over HTTP since 0.4.0 (REF.vercelPostgres).
        const version = m.sqlTagOnly?.includes(c.line) ? vercelVersion(ctx, pkg, m.file) : undefined
        if (version && versionAtLeast(version, '0.4.0')) {
          libs.add('vercel-postgres')
          http.push({file: m.file, line: c.line, what: `@vercel/postgres's createPool(), used only through its sql\`…\` tag (${version})`})
          continue
        }

        add('vercel-postgres', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault("@vercel/postgres's createPool() is a @neondatabase/serverless Pool (node-postgres's Pool over a WebSocket): default max 10", REF.vercelPostgres)]), 'createPool max', diagnostics))
      } else if (!c.isNew && /^@vercel\/postgres-kysely(\.default)?\.createKysely$/.test(c.callee)) {
        // createKysely(poolConfig) queries through `createPool(poolConfig)`.
        add('vercel-postgres', m.file, c, option(c.args[0], ['max'], sourced(10, origin, [fromDefault("@vercel/postgres-kysely's createKysely(poolConfig) queries through @vercel/postgres's createPool(poolConfig): default max 10", REF.vercelPostgres)]), 'createKysely max', diagnostics))
      } else if (c.tagged && VERCEL_SQL.test(c.callee)) {
        // `sql\`SELECT …\``: over HTTP since 0.4.0, through the lazy pool before.
        const version = vercelVersion(ctx, pkg, m.file)
        if (version && versionAtLeast(version, '0.4.0')) {
          libs.add('vercel-postgres')
          http.push({file: m.file, line: c.line, what: `@vercel/postgres's sql\`…\` tag (${version})`})
        } else lazyVercel.push({c, file: m.file, why: version ? `the sql\`…\` tag of @vercel/postgres ${version} (before 0.4.0) queries through that pool` : "the sql`…` tag of @vercel/postgres, whose version conncalc cannot read: before 0.4.0 it queried through that pool, since then over HTTP; the pool assumed"})
      } else if (VERCEL_SQL_QUERY.test(c.callee)) {
        lazyVercel.push({c, file: m.file, why: `\`${c.callee.split('.').slice(-2).join('.')}()\` queries through that pool`})
      } else if (/^drizzle-orm\/vercel-postgres\.drizzle$/.test(c.callee)) {
        // drizzle(sql), drizzle(), drizzle({client?, schema}): the client given, else @vercel/postgres's sql (REF.drizzleVercel).
        const first = c.args[0]
        const client = isDict(first) ? entry(first, 'client') : first
        if (client === undefined || vercelExport(client)) lazyVercel.push({c, file: m.file, why: `drizzle's vercel-postgres session queries it with client.query()${client === undefined ? ', and drizzle() given no client uses @vercel/postgres\'s sql' : ''}`})
      } else if (c.isNew && /(^|\.)PrismaClient$/.test(c.callee)) {
        if (entry(opts, 'adapter') || (prismaVersion && versionAtLeast(prismaVersion, '7.0.0'))) {
          libs.add('prisma') // counted at the adapter
          continue
        }

        const idle = unqueried(ctx, m, c, modules)
        if (idle?.drop) {
          libs.add('prisma')
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: idle.why, severity: 'info'})
          continue
        }

        const urlValue = entry(prismaDatasource(entry(opts, 'datasources')), 'url') ?? entry(opts, 'datasourceUrl')
        // The schema this client was generated from names the env var of its datasource url (`url = env("STATS_URL")`).
        const urlVar = urlValue ? undefined : prismaUrlVar(ctx, c.callee, m.file)
        const envName = urlVar?.name ?? PRIMARY
        const env = ctx.env.get(envName)
        const url = asString(urlValue) !== undefined && urlValue?.kind === 'known' ? {source: urlValue.via[0] ?? fromFile(m.file, urlValue.line), value: asString(urlValue)!} : env ? {source: env.source, value: env.value} : undefined
        const where = prismaServer(ctx)
        const built = builtUrlLimit(urlValue) ?? searchParamsLimit(urlValue, m, env ? {source: env.source, value: env.value} : undefined)
        // A url the code builds in a way conncalc does not read: DATABASE_URL's connection_limit (or the default) is an assumption.
        const unread = !built && urlValue !== undefined && asString(urlValue) === undefined && !(urlValue.kind === 'known' && urlValue.value === null)
        const fallback = prismaLimit(ctx, url, origin)
        const limit = built ?? (unread ? {...fallback, via: [...(fallback.via ?? []), assumed(`the datasource url passed at ${m.file}:${urlValue.line} is built in a way conncalc does not read${urlValue.kind === 'unknown' ? ` (${urlValue.reason})` : ''}: a connection_limit it sets is not seen; ${envName}'s, else Prisma's default, is taken`)]} : fallback)
        const onVar = urlVar && !PLATFORM_DATABASE_URLS.test(urlVar.name)
        // Another var than the platform's: the rule of model/other-server.ts, through serverOf.
        const server = onVar && where.via.length === 0 ? (env ? serverOf(ctx, {file: m.file, kind: 'known', line: c.line, value: env.value, via: [env.source]}) : unsetUrlServer([urlVar.name])) : where.server
        const via = [...where.via, ...(onVar ? [fromFile(urlVar.file, urlVar.line)] : [])]
        const why = idle ? [assumed(idle.why)] : []
        add('prisma', m.file, c, via.length + why.length > 0 ? {...limit, via: [...(limit.via ?? []), ...via, ...why]} : limit, server)
      } else if (c.isNew && connectPgSimpleStore(c)) {
        // express-session's store: `pool:`/`pgPromise:` reuse the app's client (counted where it is made); else its own pg Pool.
        libs.add('connect-pg-simple')
        if (entry(opts, 'pool') !== undefined || entry(opts, 'pgPromise') !== undefined) continue
        const conObject = entry(opts, 'conObject')
        const url = isDict(conObject) ? urlOf(c, conObject) : entry(opts, 'conString')
        const own = isDict(conObject) ? "connect-pg-simple opens `new pg.Pool(conObject)`: pg's default max 10 unless conObject sets max" : "connect-pg-simple opens its own `new pg.Pool({connectionString: conString || DATABASE_URL})`: pg's default max 10"
        add('connect-pg-simple', m.file, c, option(isDict(conObject) ? conObject : undefined, ['max'], sourced(10, origin, [fromDefault(own, REF.connectPgSimple)]), 'connect-pg-simple conObject.max', diagnostics), serverOf(ctx, url))
      } else if (!c.isNew && /^pogi(\.default)?\.PgDb\.(connect|getInstance)$/.test(c.callee)) {
        // pogi's PgDb.connect(config) / getInstance(config): init() makes `new pg.Pool(_.omit(config, ['logger', 'skipUndefined']))`;
        // pg-pool takes `max || poolSize || 10`, so a max of null, 0 or '' is 10 too (REF.pogi).
        const dflt = sourced(10, origin, [fromDefault("pogi's PgDb opens a pg Pool with its config; pg-pool's max is `max || poolSize || 10`", REF.pogi)])
        const max = entry(opts, 'max') ?? entry(opts, 'poolSize')
        const unset = max?.kind === 'known' && !max.missingEnv && (max.value === null || max.value === 0 || max.value === '')
        add('pogi', m.file, c, unset ? {...dflt, via: [fromFile(max.file, max.line), ...(dflt.via ?? [])]} : option(opts, ['max', 'poolSize'], dflt, 'pogi max', diagnostics))
      } else if (!c.isNew && /^(@silverhand\/)?slonik\.createPool$/.test(c.callee)) {
        // createPool(connectionUri, clientConfiguration): a pool of clientConfiguration.maximumPoolSize, else 10 (a fork,
        // @silverhand/slonik, keeps the API).
        add('slonik', m.file, c, option(lastDict(c.args.slice(1)), ['maximumPoolSize'], sourced(10, origin, [fromDefault('Slonik createPool default maximumPoolSize', REF.slonik)]), 'Slonik maximumPoolSize', diagnostics))
      } else if (!c.isNew && /^@boxyhq\/saml-jackson(\.default|\.controllers)?$/.test(c.callee)) {
        // Embedded SAML Jackson: `jackson(opts)` opens its own TypeORM DataSource (a pg Pool) when opts.db is sql/postgres,
        // the defaults; other engines (mem, redis, mongo, dynamodb, planetscale) and SQL types are no PostgreSQL pool here.
        const db = entry(opts, 'db')
        const engine = db ? entry(db, 'engine') : undefined
        const type = db ? entry(db, 'type') : undefined
        const engineName = engine === undefined ? 'sql' : asString(engine)
        const typeName = type === undefined ? 'postgres' : asString(type)
        if ((engineName !== undefined && engineName !== 'sql') || (typeName !== undefined && typeName !== 'postgres' && typeName !== 'cockroachdb')) continue
        const url = db ? entry(db, 'url') : undefined
        const text = url ? asString(url) : undefined
        let max: number | undefined
        try {
          const q = text === undefined ? undefined : new URL(text).searchParams
          const v = q?.get('pool_max_conns') ?? q?.get('max_conns')
          max = v === null || v === undefined ? undefined : Number.parseInt(v, 10)
        } catch {
          max = undefined
        }

        const own = "SAML Jackson's sql engine opens a TypeORM DataSource, a pg Pool whose max is the url's max_conns (pool_max_conns), else pg's default 10"
        const unread = [engine, type].find((v) => v !== undefined && asString(v) === undefined)
        const pool = max !== undefined && Number.isFinite(max) && max > 0 ? sourced(max, fromFile(url!.file, url!.line), [fromDefault(own, REF.samlJackson)]) : sourced(10, origin, [fromDefault(own, REF.samlJackson)])
        add('saml-jackson', m.file, c, unread ? {...pool, via: [...(pool.via ?? []), assumed(`the db ${unread === engine ? 'engine' : 'type'} given at ${m.file}:${unread.line} is not read; the sql/postgres default is taken`)]} : pool, serverOf(ctx, url))
      } else if (c.isNew && /^pg-boss(\.default|\.PgBoss)?$/.test(c.callee)) {
        // new PgBoss(url) / new PgBoss({connectionString, max}); `db:` brings the app's own connection (counted where it is made).
        if (entry(opts, 'db')) continue
        add('pg-boss', m.file, c, option(opts, ['max', 'poolSize'], sourced(10, origin, [fromDefault('pg-boss default max (its own pg Pool)', REF.pgBoss)]), 'pg-boss max', diagnostics))
      } else if (/^graphile-worker\.(run|runner)$/.test(c.callee) && !entry(opts, 'pgPool')) {
        // run({connectionString, concurrency, maxPoolSize}): its own pg Pool, which also holds its LISTEN client; `pgPool:` reuses the app's.
        const jobs = option(opts, ['concurrency', 'concurrentJobs'], sourced(1, origin, [fromDefault('graphile-worker default concurrency (jobs at once)', REF.graphileWorker)]), 'graphile-worker concurrency', diagnostics)
        const pool = option(opts, ['maxPoolSize'], sourced(10, origin, [fromDefault('graphile-worker default maxPoolSize', REF.graphileWorker)]), 'graphile-worker maxPoolSize', diagnostics)
        add('graphile-worker', m.file, c, {...pool, via: [...(pool.via ?? []), fromDefault(`graphile-worker runs ${jobs.value} job(s) at once and keeps a LISTEN client checked out of this pool`, REF.graphileWorker)]})
      } else if (/^drizzle-orm\/(node-postgres|postgres-js)\.drizzle$/.test(c.callee)) {
        // drizzle(url) / drizzle({connection}) builds its own client; drizzle(pool) reuses one counted above.
        const first = c.args[0]
        if (asString(first) !== undefined || entry(first, 'connection')) {
          const lib = c.callee.includes('postgres-js') ? 'postgres.js' : 'pg'
          add(`drizzle (${lib})`, m.file, c, sourced(10, origin, [fromDefault(`drizzle creates a ${lib} client with its default max of 10`, lib === 'pg' ? REF.pg : REF.postgres)]))
        }
      } else if (c.args.some((a) => vercelExport(a) || (isDict(a) && [...a.value.entries.values()].some(vercelExport)))) {
        // A wrapper given @vercel/postgres's sql as a value (`new PostgresDialect({pool: db})`): what it calls on it makes the pool.
        lazyVercel.push({c, file: m.file, passed: true, why: `it is passed to \`${c.callee}()\`, which may query through it`})
      }
    }
  }

  // @vercel/postgres's `sql`/`db`: one pool per process, made by the first use that reads it (REF.vercelPostgres).
  // Shown where it is surest to run: at load (top level, or a function called from there), in no branch, not only passed on.
  const use = lazyVercel.find((u) => !u.passed && !u.c.guards && (!u.c.inFunction || u.c.site)) ?? lazyVercel.find((u) => !u.passed && !u.c.guards) ?? lazyVercel.find((u) => !u.passed) ?? lazyVercel[0]
  if (use) {
    const env = ctx.env.get(VERCEL_URL)
    const url: EvalValue = env ? {file: use.file, kind: 'known', line: use.c.line, value: env.value, via: [env.source]} : {file: use.file, kind: 'known', line: use.c.line, missingEnv: [{line: use.c.line, name: VERCEL_URL}], value: null, via: []}
    const others = lazyVercel.length > 1 ? `; ${lazyVercel.length - 1} other use${lazyVercel.length === 2 ? '' : 's'} in the code read share${lazyVercel.length === 2 ? 's' : ''} it` : ''
    const pool = sourced(10, at(use.c, use.file), [fromDefault(`@vercel/postgres's sql/db makes one pool on first use, createPool() with no options (${VERCEL_URL}): a @neondatabase/serverless Pool, node-postgres's Pool over a WebSocket, default max 10`, REF.vercelPostgres), ...(use.passed ? [assumed(`@vercel/postgres's sql: ${use.why}${others}`)] : [fromDefault(`${use.why}${others}`, use.c.callee.startsWith('drizzle') ? REF.drizzleVercel : REF.vercelPostgres)])])
    add('vercel-postgres sql', use.file, use.c, pool, serverOf(ctx, url))
    libs.add('vercel-postgres')
  }

  const pools: PoolEntry[] = []
  const otherServerPools: PoolEntry[] = []
  for (const p of settleBranches(beforeTheRest(made, modules, diagnostics), diagnostics, cli)) (p.server === PRIMARY ? pools : otherServerPools).push(p)
  const apart = apartByParts(ctx, pools, ats, diagnostics)
  return {diagnostics, http, libs, notOpened, otherServerPools: [...otherServerPools, ...apart.others], pools: apart.pools, transient}
}

/**
 * A client the process makes, uses and closes in one flow before it goes on (a migration client closed in a `finally`, a
 * seed's PrismaClient `$disconnect()`ed once its work is done: JsModule.closed) holds its connections only for that
 * while: with other pools held for the process's life, it is not counted among them (its connections are given back
 * before the steady state), and that is said. When the process makes no other pool, it is the process's connection and
 * is counted.
 */
function beforeTheRest(made: Made[], modules: readonly JsModule[], diagnostics: Diagnostic[]): Made[] {
  // At start-up only: in a module's top-level code, or in a function a module's top-level code calls (`await
  // runMigrations()`). One a request handler or a job makes and closes may be open at any time, once per call.
  // The last word of every top-level call's callee, gathered once (not per closed client: issue #19).
  let topLevel: Set<string> | undefined
  const startup = (fn: string): boolean => {
    topLevel ??= new Set(modules.flatMap((m) => m.calls.filter((c) => !c.inFunction).map((c) => c.callee.split('.').at(-1)!)))
    return fn !== '' && topLevel.has(fn)
  }
  const closed = new Map<Made, string>()
  for (const mod of modules) {
    for (const c of mod.closed ?? []) {
      if (c.fn !== undefined && !startup(c.fn)) continue
      // One place that makes clients for several holders (`makePool(10)` kept, `makePool(1)` closed) is told apart by
      // the call that made the closed one (`const setup = makePool(1)`: its line); when that cannot be told, left counted.
      const there = made.filter((m) => m.where === c.made)
      const which = there.length === 1 ? there : there.filter((m) => m.site !== undefined && m.site === c.bound)
      if (which.length === 1) closed.set(which[0], c.at)
    }
  }

  if (closed.size === 0) return made
  const oneShot = made.filter((m) => closed.has(m))
  const rest = made.filter((m) => !closed.has(m) && !m.guards?.some((g) => g.kind === 'skipped'))
  if (oneShot.length === 0 || rest.length === 0) return made
  for (const m of oneShot) {
    // Where a factory makes several, the call that made this one.
    const shared = made.filter((x) => x.where === m.where).length > 1
    const [file, line] = (shared && m.site ? m.site : m.where).split(':')
    diagnostics.push({code: 'unknown-config-value', file, line: Number(line), message: `the ${m.entry.database.split(' ')[0]} client made here (${m.entry.pool.value}) is closed at ${closed.get(m)} once its work is done, as the process starts: its connections are given back, so it is not counted beside the pools the process keeps (it may add ${m.entry.pool.value} while it runs)`, severity: 'info'})
  }

  return made.filter((m) => !closed.has(m))
}

/**
 * `new PgStore(opts)` where `PgStore = connectPgSimple(session)` (the store class connect-pg-simple returns), or the class
 * made in place: `new (require('connect-pg-simple')(session))(opts)`.
 */
function connectPgSimpleStore(c: JsCall): boolean {
  if (isCall(c.instance) && /^connect-pg-simple(\.default)?$/.test(c.instance.value.callee)) return true
  return /^\(?\s*require\(\s*['"]connect-pg-simple['"]\s*\)\s*\(/.test(c.callee)
}

const PG_CLIENT = /^pg(\.default|\.native)?\.Client$/
/** @vercel/postgres's createClient(): one VercelClient (a neon Client, one connection), as a pg Client. */
const VERCEL_CLIENT = /^@vercel\/postgres(\.default)?\.createClient$/
/** @vercel/postgres's lazy pool, exported as `sql` and `db`; its query() and connect() (REF.vercelPostgres). */
const VERCEL_SQL = /^@vercel\/postgres(\.default)?\.(sql|db)$/
const VERCEL_SQL_QUERY = /^@vercel\/postgres(\.default)?\.(sql|db)\.(query|connect)$/
/** The URL createPool() reads when given no connectionString (postgres-connection-string.ts `postgresConnectionString('pool')`). */
const VERCEL_URL = 'POSTGRES_URL'
/** A value that is @vercel/postgres's `sql`/`db` export itself (js.ts names an unknown package export). */
const vercelExport = (v: EvalValue | undefined): boolean => v?.kind === 'unknown' && v.name !== undefined && VERCEL_SQL.test(v.name)

/**
 * The @vercel/postgres version the module at `file` gets: from the nearest package.json above it that depends on it (a
 * workspace package's), the lowest its range allows, else the process's package.json (its lock file's version first).
 */
function vercelVersion(ctx: AnalyzerContext, pkg: PackageJson | undefined, file: string): string | undefined {
  const own = pkg?.versionOf('@vercel/postgres')
  if (own) return own
  let dir = posix.dirname(file)
  for (let i = 0; i < 12 && dir !== '.' && dir !== ''; i++, dir = posix.dirname(dir)) {
    const text = ctx.files.read(`${dir}/package.json`)?.text
    if (text === undefined) continue
    try {
      const data = JSON.parse(text) as {dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>}
      const range = data.dependencies?.['@vercel/postgres'] ?? data.devDependencies?.['@vercel/postgres']
      if (typeof range === 'string') return /\d+(\.\d+)*/.exec(range)?.[0]
    } catch {
      // Not JSON conncalc can read: look further up.
    }
  }

  return undefined
}
/** Every package that opens PostgreSQL connections or is a driver for them (closedImports looks for them). */
const PG_CLIENTS: ReadonlySet<string> = new Set([...DATABASE_PACKAGES, ...OTHER_POSTGRES_PACKAGES, ...POSTGRES_DRIVERS])

/** A module's `….query('LISTEN …')` calls (also `LISTEN ${channel}`, a template whose channel is not read), in branches that run. */
function listensIn(m: JsModule): JsCall[] {
  return callsTo(m, QUERY_METHOD).filter((c) => !c.guards?.some((g) => g.kind === 'skipped') && /^\s*LISTEN\b/i.test(asString(c.args[0]) ?? (c.args[0] ? TEMPLATE_HEADS.get(c.args[0]) : undefined) ?? ''))
}

const QUERY_METHOD = /(^|\.)query$/

/** Whether `db` (a call's receiver) is a pg-promise Database: `pgp(cn)` where `pgp = require('pg-promise')(…)` in the module. */
function pgPromiseDatabase(m: JsModule, db: EvalValue | undefined): boolean {
  if (!isCall(db) || !/^[\w$]+$/.test(db.value.callee)) return false
  const init = m.names.get(db.value.callee)
  return isCall(init) && /^pg-promise(\.default)?$/.test(init.value.callee)
}

const directTrue = (opts: EvalValue | undefined): boolean => {
  const d = entry(opts, 'direct')
  return d?.kind === 'known' && d.value === true
}

const PG_LISTEN = /^pg-listen(\.default)?$/
const LISTEN_METHOD = /\.listen$/
const CONNECT_METHOD = /\.connect$/
/** @fedify/postgres's queue (`new PostgresMessageQueue(sql)`) and the Fedify call that runs or holds it. */
const FEDIFY_QUEUE = /^@fedify\/postgres(\.default)?\.PostgresMessageQueue$|(^|\.)(createFederation|startQueue)$/
/** A call in a branch that runs (not skipped for an env var with no value). */
const live = (c: JsCall): boolean => !c.guards?.some((g) => g.kind === 'skipped')

/**
 * Connections held for LISTEN: pg-listen's subscriber (a pg Client of its own), a pg `new Client()`
 * in a module that runs `LISTEN` (outside any pool), or a `LISTEN` on a client checked out of a
 * pool (held for good: in that pool).
 */
function listenExtras(modules: JsModule[]): Extra[] {
  const out: Extra[] = []
  const instances = new Set<string>()
  for (const m of modules) {
    for (const c of callsTo(m, PG_LISTEN).filter(live)) {
      out.push({count: sourced(1, fromFile(m.file, c.line), [fromDefault('pg-listen subscribes over one pg Client of its own, outside any pool', REF.pgListen)]), kind: 'pg-listen', reason: `pg-listen subscriber (${m.file}:${c.line})`})
    }

    // postgres.js `sql.listen()`: the first call opens one connection of its own (max 1, no idle timeout), kept per instance.
    for (const c of callsTo(m, LISTEN_METHOD).filter((x) => live(x) && isCall(x.receiver) && /^postgres(\.default)?$/.test(x.receiver.value.callee))) {
      const made = `${c.receiver!.file}:${c.receiver!.line}`
      if (instances.has(made)) continue
      instances.add(made)
      out.push({count: sourced(1, fromFile(m.file, c.line), [fromDefault('postgres.js listen() opens a connection of its own for the instance (max: 1, idle_timeout: null), outside its pool, and keeps it', REF.postgresListen)]), kind: 'listen', reason: `postgres.js listen (${m.file}:${c.line})`})
    }

    // @fedify/postgres `new PostgresMessageQueue(sql)`: its listen(), which Fedify runs when the federation starts its queue
    // (on its first request unless createFederation's `manuallyStartQueue` is true and no startQueue() is called), calls
    // `sql.listen(channelName, …)` (packages/postgres/src/mq.ts): postgres.js's listen connection for that instance.
    const fedify = callsTo(m, FEDIFY_QUEUE).filter((x) => live(x))
    const isTrue = (v: EvalValue | undefined): boolean => v?.kind === 'known' && v.value === true
    for (const c of fedify.filter((x) => x.isNew && x.callee.endsWith('PostgresMessageQueue') && isCall(x.args[0]) && /^postgres(\.default)?$/.test(x.args[0].value.callee))) {
      const manual = modules.some((x) => callsTo(x, FEDIFY_QUEUE).some((k) => k.callee.endsWith('createFederation') && isTrue(entry(lastDict(k.args), 'manuallyStartQueue'))))
      if (manual && !modules.some((x) => callsTo(x, FEDIFY_QUEUE).some((k) => k.callee.endsWith('.startQueue')))) continue
      const made = `${c.args[0].file}:${c.args[0].line}`
      if (instances.has(made)) continue
      instances.add(made)
      out.push({count: sourced(1, fromFile(m.file, c.line), [fromDefault("@fedify/postgres PostgresMessageQueue listens with the postgres.js instance it is given (sql.listen): a connection of its own for the instance, outside its pool, kept", REF.fedifyPostgresQueue)]), kind: 'listen', reason: `@fedify/postgres queue listen (${m.file}:${c.line})`})
    }

    // pg-promise `db.connect({direct: true})`: a pg Client made for the call, outside the Database's pool (the LISTEN shape).
    for (const c of callsTo(m, CONNECT_METHOD).filter((x) => live(x) && directTrue(x.args[0]) && pgPromiseDatabase(m, x.receiver))) {
      out.push({count: sourced(1, fromFile(m.file, c.line), [fromDefault('pg-promise connect({direct: true}) opens a new connection of its own, bypassing the Database\'s pool, held until done() is called', REF.pgPromiseDirect)]), kind: 'listen', reason: `pg-promise direct connection (${m.file}:${c.line})`})
    }

    const listens = listensIn(m)
    if (listens.length === 0) continue
    const clients = callsTo(m, PG_CLIENT).filter((c) => live(c) && c.isNew)
    const at = listens[0]
    if (clients.length > 0) {
      for (const c of clients) out.push({count: sourced(1, fromFile(m.file, c.line), [fromFile(m.file, at.line), fromDefault('a pg Client is one connection of its own; kept open for LISTEN, it is held for the life of the process', REF.pgClient)]), kind: 'listen', reason: `pg Client kept open for LISTEN (${m.file}:${c.line})`})
    } else {
      out.push({count: sourced(1, fromFile(m.file, at.line), [fromDefault('a client checked out of the pool for LISTEN is held for the life of the process', REF.pgClient)]), inPool: true, kind: 'listen', reason: `LISTEN on a pooled client (${m.file}:${at.line})`})
    }
  }

  return out
}

/** knex's clients for other databases (lib/dialects/index.js; `sqlite` is an alias of sqlite3 in lib/util/constants.js CLIENT_ALIASES). */
const KNEX_OTHER_CLIENTS = new Set(['mysql', 'mysql2', 'mssql', 'oracledb', 'sqlite3', 'sqlite', 'better-sqlite3'])

/**
 * A knex config whose `client` is read and names another database's dialect: the server its pool is on, and why; or, when
 * it does only because env vars have no value (`process.env.DB_CLIENT || 'sqlite3'`), its name and those vars (unsetDialect).
 */
function knexOtherClient(opts: EvalValue): {server: string; why: Source} | {name: string; unset: string[]} | undefined {
  const client = entry(opts, 'client')
  const name = asString(client)
  if (name === undefined || !KNEX_OTHER_CLIENTS.has(name)) return undefined
  const unset = unsetVars(client, opts)
  if (unset.length > 0) return {name, unset}
  const at = client?.kind === 'known' ? client.via.find((v) => v.kind === 'env' || v.kind === 'file') : undefined
  return {server: `${name} database (knex client), ${NOT_POSTGRES}`, why: fromDefault(`knex's client is '${name}'${at?.kind === 'file' ? ` (${at.file}:${at.line})` : at?.kind === 'env' ? ` (${at.name})` : ''}: knex loads that dialect's driver, so this pool is on that database, not PostgreSQL`, REF.knexDialects)}
}

/**
 * Why a knex config, read whole, makes no pool: no `connection` key (and no spread conncalc could not see into), or
 * `pool: {max: 0}`. Undefined when it may make one.
 */
function knexWithoutPool(opts: EvalValue): string | undefined {
  if (!isDict(opts) || opts.value.partial) return undefined
  const max = entry(entry(opts, 'pool'), 'max')
  if (max?.kind === 'known' && max.value === 0) return 'pool.max 0'
  return entry(opts, 'connection') ? undefined : 'without `connection`'
}

/** knex's usual setup: `knex(knexfile[process.env.NODE_ENV])` — read knexfile's section for NODE_ENV (production on Heroku). */
async function knexfile(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry | undefined> {
  const path = ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs', 'src/knexfile.ts', 'src/knexfile.js'].find((p) => ctx.files.exists(p))
  if (!path) return undefined
  const m = await project.load(path)
  if (!m?.parsed) return undefined
  // Named from the app root (server/knexfile.js in a workspace package), as every other source is.
  const named = m.file
  const exported = m.exports.get('default')
  const nodeEnv = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const config = entry(exported, 'client') ? exported : (entry(exported, nodeEnv) ?? (isDict(exported) ? undefined : exported))
  const line = config?.line ?? exported?.line ?? 1
  const dflt = sourced(10, fromFile(named, line), [fromDefault('knex default pool max (min 2)', REF.knex)])
  if (!config) {
    diagnostics.push({code: 'unknown-config-value', file: named, line: exported?.line ?? 1, message: `${named} has no "${nodeEnv}" section conncalc can read; using knex's default pool`, severity: 'warning'})
  }

  return {database: `knex ${named}`, pool: option(nested(config, 'pool'), ['max'], dflt, 'knex pool max', diagnostics), server: 'DATABASE_URL'}
}

/**
 * sequelize-cli's `config/config.json` (or .js), one section per NODE_ENV (production on Heroku),
 * when the code that makes the Sequelize instance was not followed: that section's `pool.max`.
 * The generated models/index.js passes the section to `new Sequelize(…, config)`.
 */
async function sequelizeConfig(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry | undefined> {
  const path = ['config/config.json', 'config/config.js', 'config/config.cjs', 'server/config/config.json', 'src/config/config.json', 'src/config/config.js'].find((p) => ctx.files.exists(p))
  if (!path) return undefined
  const m = await project.load(path)
  if (!m?.parsed) return undefined
  const named = m.file
  const nodeEnv = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const exported = m.cjs ?? m.exports.get('default')
  const section = entry(exported, nodeEnv)
  if (!isDict(section)) {
    diagnostics.push({code: 'unknown-config-value', file: named, line: exported?.line ?? 1, message: `${named} has no "${nodeEnv}" section conncalc can read (sequelize-cli picks it by NODE_ENV); Sequelize's default pool is used`, severity: 'warning'})
  }

  const dflt = sourced(5, fromFile(named, section?.line ?? 1), [fromDefault('Sequelize default pool max', REF.sequelize), fromDefault(`sequelize-cli reads the "${nodeEnv}" section (NODE_ENV)`, REF.sequelizeCli)])
  const envName = asString(entry(section, 'use_env_variable'))
  const value = envName ? ctx.env.get(envName) : undefined
  const server = value ? serverOf(ctx, {file: named, kind: 'known', line: 1, value: value.value, via: [value.source]}) : PRIMARY
  return {database: `sequelize ${named}`, pool: option(nested(section, 'pool'), ['max'], dflt, 'Sequelize pool max', diagnostics), server}
}

const PG_PROMISE = /^pg-promise(\.default)?$/

/**
 * pg-promise imported by the modules read, every app file that imports it among them, and none calls its
 * initialiser (`pgPromise(options)`, `require('pg-promise')()`): only the library's static namespaces are used.
 */
function pgPromiseNeverInitialized(ctx: AnalyzerContext, modules: readonly JsModule[]): boolean {
  const importers = modules.filter((m) => m.imports.some((s) => s === 'pg-promise'))
  if (importers.length === 0) return false
  if (modules.some((m) => callsTo(m, PG_PROMISE).length > 0)) return false
  const read = new Set(modules.map((m) => m.file))
  const all = importersOf(ctx, ['pg-promise'])
  return !all.truncated && all.files.every((f) => read.has(f))
}

/**
 * @prisma/client in package.json that nothing can use: no module read and no code file of the app imports it, and the
 * app has no Prisma schema (`*.prisma`), which `prisma generate` needs to make the client that `new PrismaClient()`
 * loads. What to say, else undefined (an importer, a schema, or a search cut short: the default pool is assumed).
 */
function prismaNeverGenerated(ctx: AnalyzerContext, modules: readonly JsModule[]): string | undefined {
  if (modules.some((m) => m.imports.some((s) => s === '@prisma/client' || s.startsWith('@prisma/client/')))) return undefined
  const importers = importersOf(ctx, ['@prisma/client'])
  if (importers.truncated || importers.files.length > 0) return undefined
  const schemas = onceForFiles(ctx.files, 'prisma-schemas', () => filesUnder(ctx.files, '', (p) => p.endsWith('.prisma'), {max: 1}))
  if (schemas.truncated || schemas.paths.length > 0) return undefined
  return 'no code file of the app imports @prisma/client and it has no Prisma schema (*.prisma) for `prisma generate` to make a client from'
}

/** Libraries in package.json whose pool was not found in code: their default, labelled. */
function fromDependencies(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson, libs: Set<string>, modules: readonly JsModule[], diagnostics: Diagnostic[]): PoolEntry[] {
  const out: PoolEntry[] = []
  const dep = (name: string): boolean => Object.hasOwn(pkg.dependencies, name)
  const line = (name: string): Source => fromFile(pkg.path, pkg.lineOf(['dependencies', name]) || pkg.lineOf(['devDependencies', name]))
  const why = (lib: string): Source => assumed(whyPoolNotFound(ctx, lib, modules))
  const prismaVersion = pkg.versionOf('@prisma/client') ?? pkg.versionOf('prisma')
  const adapter = ['@prisma/adapter-pg', '@prisma/adapter-neon'].find((a) => dep(a))
  const prismaUnfound = dep('@prisma/client') && !libs.has('prisma') && !libs.has('prisma-adapter-pg') && !libs.has('prisma-adapter-neon')
  const unused = prismaUnfound ? prismaNeverGenerated(ctx, modules) : undefined
  if (unused) {
    diagnostics.push({code: 'unknown-config-value', file: pkg.path, line: pkg.lineOf(['dependencies', '@prisma/client']), message: `${unused}, so no Prisma client or pool is counted in ${ctx.processType} (${REF.prismaGenerate})`, severity: 'info'})
  } else if (prismaUnfound) {
    if (prismaVersion && versionAtLeast(prismaVersion, '7.0.0')) {
      out.push({database: 'prisma', pool: sourced(10, line('@prisma/client'), [fromDefault("Prisma 7 driver adapter: pg's Pool default max applies", REF.prisma7), why('prisma')]), server: 'DATABASE_URL'})
    } else if (adapter) {
      // Prisma 6 with a driver adapter in the dependencies: the client most likely queries through it, so its pool's default, not connection_limit.
      const ref = adapter === '@prisma/adapter-pg' ? REF.prismaAdapterPg : REF.prismaAdapterNeon
      out.push({database: 'prisma', pool: sourced(10, line(adapter), [fromDefault("a Prisma driver adapter queries through its driver's pool (node-postgres's Pool: default max 10), not Prisma's connection_limit", ref), why('prisma'), assumed(`the app depends on ${adapter}: the client is assumed to use it`)]), server: 'DATABASE_URL'})
    } else {
      const env = ctx.env.get('DATABASE_URL')
      const limit = prismaLimit(ctx, env ? {source: env.source, value: env.value} : undefined, line('@prisma/client'))
      const where = prismaServer(ctx)
      out.push({database: 'prisma', pool: {...limit, via: [...(limit.via ?? []), why('prisma'), ...where.via]}, server: where.server})
    }

    return out
  }

  const defaults: [string, string, number, string][] = [
    ['sequelize', 'sequelize', 5, REF.sequelize],
    ['typeorm', 'typeorm', 10, REF.typeorm],
    ['knex', 'knex', 10, REF.knex],
    ['postgres', 'postgres.js', 10, REF.postgres],
    ['pg-promise', 'pg-promise', 10, REF.pgPromise],
    ['slonik', 'slonik', 10, REF.slonik],
    ['@silverhand/slonik', 'slonik', 10, REF.slonik],
    ['@vercel/postgres', 'vercel-postgres', 10, REF.vercelPostgres],
  ]
  const candidates = defaults.filter(([name, lib]) => dep(name) && !libs.has(lib))
  // A library no code file imports makes no pool in this process when the code read found another pool, or another
  // candidate is imported somewhere: the app reaches its database through that one (drizzle-kit's `postgres` beside
  // the app's own pg Pool). Only when nothing else is in sight is the dependency's default the best guess left.
  const nowhere = new Map(candidates.map(([, lib]) => [lib, modules.length > 0 ? importedNowhere(ctx, lib) : undefined]))
  const elsewhere = libs.size > 0 || candidates.some(([, lib]) => nowhere.get(lib) === undefined)
  for (const [name, lib, n, ref] of candidates) {
    const unused = nowhere.get(lib)
    if (unused && elsewhere) {
      const found = [...libs].filter((l) => l !== 'other-server' && l !== 'framework')
      const instead = found.length > 0 ? `the pool${found.length === 1 ? '' : 's'} conncalc found (${found.join(', ')}) ${found.length === 1 ? 'is' : 'are'} counted instead` : 'the libraries the code does import are counted instead'
      diagnostics.push({code: 'unknown-config-value', file: pkg.path, line: pkg.lineOf(['dependencies', name]) || pkg.lineOf(['devDependencies', name]), message: `${name} is in ${pkg.path} but no code file of the app imports ${unused.join(' or ')}: it is a tool's driver (a migration CLI) or another library's, and makes no pool in ${ctx.processType}; ${instead}`, severity: 'info'})
      continue
    }

    // Imported only by code this process does not load (another process type's, a script's), while the process's own code
    // made another pool: when its whole import graph was read and no package it imports depends on the library
    // (closedImports), nothing it runs can load it.
    const closed = libs.size > 0 ? closedImports(ctx, project, modules, new Set(packagesOf(lib))) : undefined
    if (closed) {
      const found = [...libs].filter((l) => l !== 'other-server' && l !== 'framework')
      diagnostics.push({code: 'unknown-config-value', file: pkg.path, line: pkg.lineOf(['dependencies', name]) || pkg.lineOf(['devDependencies', name]), message: `${name} is imported only by code ${ctx.processType} does not load: its whole import graph was read (${closed.read} module${closed.read === 1 ? '' : 's'}${closed.lock ? `, and ${closed.lock} shows none of the packages it imports depends on ${name}` : ''}), so it makes no ${lib} pool; ${found.length > 0 ? `the pool${found.length === 1 ? '' : 's'} it makes (${found.join(', ')}) ${found.length === 1 ? 'is' : 'are'} counted instead` : 'the pools it makes are counted instead'}`, severity: 'info'})
      continue
    }

    const tool = onlyInScripts(ctx, pkg, lib, modules)
    if (tool) {
      diagnostics.push({code: 'unknown-config-value', file: pkg.path, line: pkg.lineOf(['dependencies', name]), message: `${name} is imported only by ${tool.files.join(', ')}, which the package.json script${tool.scripts.length === 1 ? '' : 's'} ${tool.scripts.join(', ')} run${tool.scripts.length === 1 ? 's' : ''} as a process of its own (a one-off or another process type): its pool is not counted in ${ctx.processType}`, severity: 'info'})
      continue
    }

    out.push({database: lib, pool: sourced(n, line(name), [fromDefault(`${lib} default pool max`, ref), why(lib)]), server: 'DATABASE_URL'})
    return out
  }

  if (dep('pg') && libs.size === 0) out.push({database: 'pg', pool: sourced(10, line('pg'), [fromDefault('pg Pool default max', REF.pg), why('pg')]), server: 'DATABASE_URL'})
  return out
}

/** Packages whose pool is knex's (they take a knex instance or a knexfile section). */
const KNEX_USERS = ['knex', 'objection', 'bookshelf']

export async function nodePools(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, modules: JsModule[], framework?: string, cli?: ProcessArgs): Promise<NodePools> {
  const read: Diagnostic[] = []
  const ormconfig = modules.some((m) => callsTo(m, TYPEORM_CONNECT).some((c) => c.args.length === 0) || callsTo(m, NEST_TYPEORM_ROOT).some(nestReadsOrmconfig) || callsTo(m, TYPEORM_GET_OPTIONS).length > 0) ? await typeormConfig(ctx, project, read) : undefined
  const found = fromCalls(ctx, pkg, modules, project.view, ormconfig, cli, project)
  const diagnostics = [...read, ...found.diagnostics]
  const pools = [...found.pools]
  const otherServerPools = [...found.otherServerPools]
  if (otherServerPools.length > 0) found.libs.add('other-server')
  const configured = await frameworkPools(ctx, project, pkg, framework, diagnostics)
  if (configured.length > 0) {
    for (const p of configured) (p.server === PRIMARY ? pools : otherServerPools).push(p)
    found.libs.add('framework')
  }

  // Nothing found in the code: before any dependency's default, whether this process can reach a client at all.
  // A framework CLI loads code of its own choosing, so its graph is not closed — except `next start`, whose server code is its
  // route files, middleware and instrumentation, all read as entries (routeFiles), and its next.config, checked here too.
  const closedFramework = !framework || (framework === 'next' && nextConfigClosed(project, PG_CLIENTS))
  if (pkg && closedFramework && found.libs.size === 0 && pools.length === 0 && otherServerPools.length === 0 && found.transient.length === 0) {
    const closed = closedImports(ctx, project, modules, PG_CLIENTS)
    if (closed) return {diagnostics, extras: [], noClient: {entry: modules[0].file, ...closed}, otherServerPools, pools}
  }

  const usesKnex = pkg && Object.hasOwn(pkg.dependencies, 'knex')
  // knex(config) whose config came from elsewhere (the knexfile) has no pool in the call itself. Not a call of an
  // instance a name holds (`const knex = Knex(cfg); knex('users')`: the query builder, which opens no pool), nor one given a
  // table name (`const knex = this.knex; knex('users_roles')`): knex(config) takes an object or a connection URL
  // (https://github.com/knex/knex/blob/master/lib/knex-builder/internal/config-resolver.js: `typeof config === 'string'` is parsed as a connection).
  const tableName = (v: EvalValue | undefined): boolean => v?.kind === 'known' && typeof v.value === 'string' && !v.value.includes('://')
  const knexWithoutConfig = (): boolean => modules.some((m) => m.calls.flatMap((x) => boundCalls(x, project.view)).some((c) => /^knex(\.knex|\.default)?$/.test(c.callee) && !c.instance && !lastDict(c.args) && !tableName(c.args[0])))
  // The process's code was read and no code file of the app imports knex or a library built on it (migrations, seeds and
  // the knexfile aside, which import its types): the knexfile is the knex CLI's (`knex migrate:latest` in a release
  // phase), not a pool this process opens. A whole-app search, not the modules read: a route loaded by a glob still counts.
  const knexUsers = (): {files: string[]; truncated: boolean} => {
    const all = importersOf(ctx, KNEX_USERS)
    return {files: all.files.filter((f) => !KNEX_TOOLING.test(f)), truncated: all.truncated}
  }
  const walkedWithoutKnex = (): boolean => {
    if (modules.length === 0 || modules.some((m) => m.imports.some((i) => KNEX_USERS.some((u) => i === u || i.startsWith(`${u}/`))))) return false
    const users = knexUsers()
    return !users.truncated && users.files.length === 0
  }
  if (usesKnex && (!found.libs.has('knex') || knexWithoutConfig())) {
    const said: Diagnostic[] = []
    const k = await knexfile(ctx, project, said)
    if (k && walkedWithoutKnex()) {
      const file = k.database.slice('knex '.length)
      diagnostics.push({code: 'unknown-config-value', file, message: `${ctx.processType}: knex is a dependency and ${file} sets a pool, but no code file of the app imports knex, objection or bookshelf (migrations, seeds and the knexfile aside): the knex CLI uses it (\`knex migrate:latest\`), and ${ctx.processType} opens no knex pool`, processType: ctx.processType, severity: 'info'})
    } else if (k) {
      append(diagnostics, said)
      pools.push(k)
      found.libs.add('knex')
    }
  }

  if (pkg && Object.hasOwn(pkg.dependencies, 'sequelize') && !found.libs.has('sequelize')) {
    const s = await sequelizeConfig(ctx, project, diagnostics)
    if (s) {
      s.pool = {...s.pool, via: [...(s.pool.via ?? []), assumed(`the code that creates the Sequelize instance was not found from the entry file; one pool from ${s.database.slice('sequelize '.length)} assumed`)]}
      ;(s.server === PRIMARY ? pools : otherServerPools).push(s)
      found.libs.add('sequelize')
    }
  }

  if (found.transient.length > 0 && pools.length === 0 && otherServerPools.length === 0) {
    // No pool anywhere: the Clients its functions make are how the process reaches the database.
    append(pools, found.transient)
    found.libs.add('pg')
  } else {
    for (const t of found.transient) {
      const [file, line] = t.database.replace(/^pg (Client|Pool) /, '').split(':')
      const ends = t.pool.via?.find((v) => v.kind === 'default' && / ended \(/.test(v.what))
      const what = t.database.startsWith('pg Pool') ? `a pg Pool (up to ${t.pool.value} connections while it is open)` : 'a pg Client (one connection while it is open)'
      const message =
        ends?.kind === 'default'
          ? `${what} here is not counted: it is ${ends.what}; the process's pools carry its queries, and a helper like this (a backup, a create-database step) runs now and then; if it runs per request, add its connections with --assume`
          : `a pg Client made inside a function here (one connection while it is open) is not counted: the process's pools carry its queries, and a helper like this (a lock, a migration) runs now and then; if it runs per request, add its connections with --assume`
      diagnostics.push({code: 'unknown-config-value', file, line: Number(line), message, severity: 'info'})
    }
  }

  if (pkg && !found.libs.has('pg-promise') && pgPromiseNeverInitialized(ctx, modules)) {
    // The library's root only carries static helpers (`as.format`, `errors`, `utils`); a Database — and its pg Pool — needs
    // the initialiser, `pgp = pgPromise(options)`, then `pgp(cn)`, which no file of the app does.
    found.libs.add('pg-promise')
    diagnostics.push({code: 'unknown-config-value', file: pkg.path, line: pkg.lineOf(['dependencies', 'pg-promise']), message: `pg-promise is used only for its static helpers (such as pgp.as.format) in the code read: no file of the app calls its initialiser (\`pgPromise(options)\`), so it makes no Database and no pool (${REF.pgPromise})`, severity: 'info'})
  }

  if (pkg) for (const p of fromDependencies(ctx, project, pkg, found.libs, modules, diagnostics)) (p.server === PRIMARY ? pools : otherServerPools).push(p)
  if (pkg) otherDialect(ctx, pkg, pools, otherServerPools)
  return {diagnostics, extras: [...listenExtras(modules), ...childClients(ctx, modules)], ...(found.http.length > 0 ? {http: found.http} : {}), ...(found.notOpened.length > 0 ? {notOpened: found.notOpened} : {}), otherServerPools, pools}
}

/** node:child_process's ways to start a program (and execa's); the shell forms take one command string. */
const CHILD_PROCESS = /^(?:node:)?child_process(?:\.default)?\.(spawn|spawnSync|exec|execSync|execFile|execFileSync)$|^execa(?:\.default|\.execa|\.execaCommand|\.execaSync|\.\$)?$/
const PROMISIFY = /^(?:node:)?util(?:\.default)?\.promisify$/
/** PostgreSQL's own client programs, which connect to the database while they run (languages/shell/programs.ts has what each holds). */
const PG_PROGRAMS = new Set(['pg_dump', 'pg_dumpall', 'pg_restore', 'psql', 'vacuumdb', 'reindexdb', 'clusterdb', 'pg_basebackup'])

/**
 * PostgreSQL's client programs the app starts as child processes (`execAsync(\`pg_dump "${url}" -f ${file}\`)` with
 * `execAsync = promisify(exec)`, `spawn('pg_dump', [...])`): each holds its connections (pg_dump -j N: N + 1) beside the
 * app's pools while it runs, counted as extras of the process. The program is the call's first argument: its value, or
 * the literal text it starts with when the rest is a template (the command line is not evaluated further).
 */
function childClients(ctx: AnalyzerContext, modules: readonly JsModule[]): Extra[] {
  const {files} = ctx
  const out: Extra[] = []
  for (const m of modules) {
    for (const c of m.calls) {
      if (!live(c)) continue
      const promisified = isCall(c.instance) && PROMISIFY.test(c.instance.value.callee) ? c.instance.value.args[0] : undefined
      const how = CHILD_PROCESS.exec(c.callee)?.[1] ?? (promisified?.kind === 'unknown' && promisified.name ? CHILD_PROCESS.exec(promisified.name)?.[1] : undefined)
      if (how === undefined && !/^execa/.test(c.callee)) continue
      const shellForm = how === undefined ? /execaCommand|\$$/.test(c.callee) : how.startsWith('exec') && !how.startsWith('execFile')
      const first = asString(c.args[0]) ?? (c.start === undefined ? undefined : /^[\w$.]+\s*\(\s*[`'"]\s*([\w./-]+)/.exec(files.read(m.file)?.text.slice(c.start, c.start + 200) ?? '')?.[1])
      if (first === undefined) continue
      const items = c.args[1]?.kind === 'known' && typeof c.args[1].value === 'object' && c.args[1].value?.kind === 'list' ? c.args[1].value.items : []
      const argv = shellForm ? first.trim().split(/\s+/) : [first, ...items.map((i) => asString(i) ?? '')]
      const name = argv[0]?.split('/').pop() ?? ''
      const program = PG_PROGRAMS.has(name) ? knownProgram(argv) : undefined
      if (!program || program.connections === 0) continue
      // The database it connects to: `-d URL` / `--dbname=URL`, else its first word that is not an option (pg_dump's and
      // psql's dbname). Another server's (a replica, a source database) is not this plan's; one conncalc cannot read is
      // counted on the plan's, starred.
      const flag = items.findIndex((i) => ['-d', '--dbname'].includes(asString(i) ?? ''))
      const urlLike = (i: EvalValue): boolean => i.kind === 'known' && ((i.value === null && i.missingEnv !== undefined) || (typeof i.value === 'string' && /^postgres(?:ql)?:\/\//.test(i.value)))
      const url = flag !== -1 ? items[flag + 1] : (items.find((i) => urlLike(i)) ?? items.find((i) => i.kind === 'unknown'))
      const readable = url?.kind === 'known' && (typeof url.value === 'string' || (url.value === null && url.missingEnv !== undefined))
      if (readable && serverOf(ctx, url) !== PRIMARY) continue
      const unread = readable ? [] : [assumed(`the database ${name} connects to (${m.file}:${c.line}) is not read here: counted on the plan's`)]
      out.push({count: sourced(program.connections, fromFile(m.file, c.line), [fromDefault(`${program.what}; the app starts it as a child process, which holds ${program.connections === 1 ? 'that connection' : 'those connections'} beside the app's pools while it runs`, program.ref), ...unread]), kind: 'child-client', reason: `${name} child process (${m.file}:${c.line})`})
    }
  }

  return out
}

/** ORMs that reach PostgreSQL only through a driver package they load for the dialect (Sequelize, TypeORM, knex and what builds on it, MikroORM). */
const DIALECT_ORMS = /^(sequelize|typeorm|knex|objection|bookshelf|mikro-orm)\b/

const DIALECTS = 'https://sequelize.org/docs/v6/getting-started/#installing'

/**
 * Sequelize, TypeORM and knex load a driver for their dialect (`pg` for postgres, `mysql2`, `sqlite3`, …),
 * which the app must install. With another database's driver in package.json and no PostgreSQL driver, their
 * pools are that database's: moved to the pools not counted on the plan, saying why.
 */
function otherDialect(ctx: AnalyzerContext, pkg: PackageJson, pools: PoolEntry[], otherServerPools: PoolEntry[]): void {
  const deps = appDependencies(ctx.files, pkg)
  if (POSTGRES_DRIVERS.some((d) => deps.has(d))) return
  const drivers = [...deps].filter((d) => OTHER_DATABASE_PACKAGES.has(d))
  if (drivers.length === 0) return
  const driver = drivers.join(' and ')
  for (let i = pools.length - 1; i >= 0; i--) {
    if (!DIALECT_ORMS.test(pools[i].database)) continue
    const [p] = pools.splice(i, 1)
    const why = fromDefault(`${p.database.split(' ')[0]} connects through the driver of its dialect; ${pkg.path} lists ${driver} and no PostgreSQL driver (pg), so this pool is on that database`, DIALECTS)
    otherServerPools.unshift({...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}, server: `${driver} database (no pg driver in ${pkg.path}), ${NOT_POSTGRES}`})
  }
}
