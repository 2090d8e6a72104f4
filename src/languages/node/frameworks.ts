/**
 * Apps whose database pool is set by a framework's own config file or by a
 * packaged server run from node_modules, not by code conncalc can follow from
 * an entry file:
 * - Strapi: `config/database.{js,ts}` (and `config/env/<NODE_ENV>/database.*`
 *   over it) exports `({env}) => ({connection: {client, pool: {max}}})`; Strapi
 *   hands it to knex (default max 10).
 * - AdonisJS Lucid: `config/database.ts` names a `connection` among `connections`;
 *   Lucid hands that connection's config (its `pool`) to knex.
 * - Packaged servers started by their CLI (`n8n start`, `directus start`): the
 *   pool is an env var with the product's documented default.
 * - The graphile-worker CLI (`graphile-worker -c URL --jobs N -m M`): its own pg Pool
 *   of `--max-pool-size`, else `worker.maxPoolSize` in graphile.config.*, else
 *   `maxPoolSize` in its cosmiconfig file (.graphile-workerrc[.json|.yaml|.yml],
 *   package.json "graphile-worker"), else 10 (src/config.ts); its LISTEN client is
 *   checked out of that pool.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {PackageJson} from './package-json.js'
import type {NodeProject} from './project.js'

import {readFlag} from '../common/argv.js'
import {envCandidate, unreadFallback} from '../common/setting.js'
import {fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {pyCandidate} from '../python/candidate.js'
import {asString, entry, isDict} from '../python/evaluate.js'
import {nodeEntry} from './entry.js'
import {returnedBy} from './js.js'
import type {EvalValue} from '../python/values.js'
import {parseYaml} from '../../util/yaml.js'
import {PACKAGED, type Packaged} from './programs.js'
import {append} from '../../util/arrays.js'
import {unknownServer} from '../../util/pg-url.js'

const KNEX = 'https://github.com/knex/knex/blob/master/lib/client.js'
const STRAPI = 'https://docs.strapi.io/cms/configurations/database'
// createConnection(config) → `knex({...config})`: Strapi adds no pool settings of its own (only an afterCreate hook).
const STRAPI_CONNECTION = 'https://github.com/strapi/strapi/blob/develop/packages/core/database/src/connection.ts'
const POSTGRES_CLIENTS = new Set(['pg', 'postgres', 'postgresql'])

/** The knex `pool.max` a framework's config sets, else `dflt` (said as a fallback when it is set but unreadable). */
function knexMax(v: EvalValue | undefined, dflt: Sourced<number>, what: string, diagnostics: Diagnostic[]): Sourced<number> {
  if (!v) return dflt
  const got = pyCandidate(v, what)
  append(diagnostics, got.diagnostics)
  return got.value ?? unreadFallback(got.diagnostics, dflt)
}

async function strapi(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry | undefined> {
  const nodeEnv = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const files = [`config/env/${nodeEnv}/database`, 'config/database'].flatMap((b) => ['.js', '.ts', '.mjs', '.cjs'].map((e) => b + e)).filter((f) => ctx.files.exists(f))
  if (files.length === 0) return undefined
  // The environment file is merged over config/database: its keys win, the client it names included.
  let chosen: {file: string; line: number} | undefined
  for (const file of files) {
    const m = await project.load(file)
    if (!m?.parsed) continue
    const connection = entry(returnedBy(m.exports.get('default')), 'connection')
    const client = asString(entry(connection, 'client'))
    if (client !== undefined && chosen === undefined && !POSTGRES_CLIENTS.has(client)) {
      diagnostics.push({code: 'unknown-config-value', file, line: entry(connection, 'client')!.line, message: `${file} selects the "${client}" client with this environment (set DATABASE_CLIENT=postgres for Heroku Postgres); knex's pool is counted as if it were PostgreSQL`, severity: 'warning'})
    }

    // The file whose client wins is the connection knex's default applies to.
    if (client !== undefined) chosen ??= {file, line: connection?.line ?? 1}
    const max = entry(entry(connection, 'pool'), 'max')
    if (!max && file !== files.at(-1)) continue
    const at = max ? {file, line: connection?.line ?? 1} : (chosen ?? {file, line: connection?.line ?? 1})
    const dflt = sourced(10, fromFile(at.file, at.line), [fromDefault("knex's default pool max is 10 (poolDefaults: min 2, max 10)", KNEX), fromDefault('Strapi passes `connection` (its pool included) to knex unchanged and sets no pool of its own', STRAPI_CONNECTION), fromDefault('Strapi database configuration', STRAPI)])
    return {database: `strapi ${max ? file : at.file}`, pool: knexMax(max, dflt, 'Strapi connection.pool.max', diagnostics), server: 'DATABASE_URL'}
  }

  return undefined
}

// Connection: `knex({...config})` with the connection's own `pool` (knex's default, max 10, when it sets none); with
// `replicas: {read, write}` a write knex and a read knex, each with `pool` merged with the replica's `pool`.
const LUCID = 'https://github.com/adonisjs/lucid/blob/develop/src/connection/index.ts'

/**
 * AdonisJS Lucid: `config/database.ts` exports `{connection, connections: {name: {client, pool, replicas}}}`
 * (v6 through `defineConfig`); the connection named by `connection` opens its knex pool(s) in each process.
 */
async function lucid(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry[]> {
  const file = ['config/database.ts', 'config/database.js'].find((f) => ctx.files.exists(f))
  const m = file ? await project.load(file) : undefined
  if (!file || !m?.parsed) return []
  const config = m.exports.get('default')
  const connections = entry(config, 'connections')
  const named = asString(entry(config, 'connection'))
  const postgres = (name: string): boolean => POSTGRES_CLIENTS.has(asString(entry(entry(connections, name), 'client')) ?? '')
  const names = connections?.kind === 'known' && typeof connections.value === 'object' && connections.value?.kind === 'dict' ? [...connections.value.entries.keys()] : []
  let name = named !== undefined && names.includes(named) ? named : undefined
  if (!name) {
    const pg = names.filter((n) => postgres(n))
    if (pg.length === 0) return []
    name = pg[0]
    if (pg.length > 1 || named === undefined) {
      const why = named === undefined ? `its \`connection\` cannot be read${entry(config, 'connection')?.kind === 'unknown' ? ` (${(entry(config, 'connection') as {reason: string}).reason})` : ''}` : `its \`connection\` "${named}" is not one of them`
      diagnostics.push({code: 'unknown-config-value', file, line: entry(config, 'connection')?.line ?? config?.line ?? 1, message: `${file}: ${why}; the PostgreSQL connection "${name}" is counted`, severity: pg.length > 1 ? 'warning' : 'info'})
    }
  }

  const conn = entry(connections, name)
  const line = conn?.line ?? 1
  const max = (pool: EvalValue | undefined, what: string): Sourced<number> => {
    const dflt = sourced(10, fromFile(file, line), [fromDefault("knex's default pool max is 10 (poolDefaults: min 2, max 10)", KNEX), fromDefault(`Lucid hands the ${what} config, its pool included, to knex`, LUCID)])
    return knexMax(entry(pool, 'max'), dflt, `Lucid ${what} pool.max`, diagnostics)
  }

  const replicas = entry(conn, 'replicas')
  if (!replicas) return [{database: `lucid ${name} ${file}`, pool: max(entry(conn, 'pool'), `"${name}" connection`), server: 'DATABASE_URL'}]
  // Replicas: the write pool is `pool` merged with replicas.write.pool (its keys win), on the write host; the
  // read pool, merged with replicas.read.pool, opens on the read hosts: listed, not counted on this server.
  const merged = (side: string): EvalValue | undefined => {
    const v = entry(entry(entry(replicas, side), 'pool'), 'max') ?? entry(entry(conn, 'pool'), 'max')
    return v ? {file, kind: 'known', line: v.line, value: {entries: new Map([['max', v]]), kind: 'dict'}, via: []} : undefined
  }

  return [
    {database: `lucid ${name} write ${file}`, pool: max(merged('write'), `"${name}" write replica`), server: 'DATABASE_URL'},
    {database: `lucid ${name} read ${file}`, pool: max(merged('read'), `"${name}" read replicas`), replica: true, server: unknownServer('the read replicas in replicas.read.connection')},
  ]
}

// makeWorkerPresetWorkerOptions: `maxPoolSize: cosmiconfig?.maxPoolSize || 10`, `concurrentJobs: cosmiconfig?.concurrentJobs || 1`
// (cosmiconfigSync("graphile-worker")); cli.ts: `--jobs`/`-j`, `--max-pool-size`/`-m` over them.
const GRAPHILE_CONFIG = 'https://github.com/graphile/worker/blob/main/src/config.ts'
const GRAPHILE_CLI = 'https://github.com/graphile/worker/blob/main/src/cli.ts'
const GRAPHILE_RC = ['.graphile-workerrc', '.graphile-workerrc.json', '.graphile-workerrc.yaml', '.graphile-workerrc.yml']
const GRAPHILE_PRESET = ['graphile.config.ts', 'graphile.config.js', 'graphile.config.mjs', 'graphile.config.cjs']

/** A number from a plain JSON/YAML config file, at its line. */
function rcNumber(file: string, text: string, key: string, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const doc = parseYaml(text, file)
  diagnostics.push(...doc.diagnostics)
  const v = (doc.value as Record<string, unknown> | undefined)?.[key]
  if (v === undefined) return undefined
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN
  if (!Number.isInteger(n)) {
    diagnostics.push({code: 'unknown-config-value', file, line: doc.lineOf([key]), message: `${key} in ${file} is not an integer conncalc can read`, severity: 'warning'})
    return undefined
  }

  return sourced(n, fromFile(file, doc.lineOf([key]) ?? 1))
}

/** graphile-worker started by its CLI: the pool it opens, and the jobs it runs at once. */
async function graphileWorker(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, diagnostics: Diagnostic[]): Promise<PoolEntry> {
  const args = nodeEntry(ctx, pkg).frameworkArgs ?? []
  const setting = async (flags: string[], key: string, presetKey: string, dflt: number, what: string): Promise<Sourced<number>> => {
    const flag = readFlag(args, flags)
    if (flag) {
      if (/^\d+$/.test(flag.value)) return sourced(Number(flag.value), fromFlag(`${args[flag.index].split('=')[0]} ${flag.value} (command line)`), [fromDefault(`graphile-worker CLI ${flags.join('/')}`, GRAPHILE_CLI)])
      diagnostics.push({code: 'unknown-config-value', message: `graphile-worker ${args[flag.index]} ${flag.value}: not an integer conncalc can read; the next setting is used`, processType: ctx.processType, severity: 'warning'})
    }

    for (const file of GRAPHILE_PRESET.filter((f) => ctx.files.exists(f))) {
      const m = await project.load(file)
      const preset: EvalValue | undefined = m?.parsed ? returnedBy(m.exports.get('default') ?? m.cjs) : undefined
      const v = entry(entry(preset, 'worker'), presetKey)
      if (!v) continue
      const got = pyCandidate(v, `graphile-worker ${presetKey}`)
      diagnostics.push(...got.diagnostics)
      if (got.value) return got.value
      return unreadFallback(got.diagnostics, sourced(dflt, fromDefault(what, GRAPHILE_CONFIG)))
    }

    for (const file of GRAPHILE_RC.filter((f) => ctx.files.exists(f))) {
      const got = rcNumber(file, ctx.files.read(file)?.text ?? '', key, diagnostics)
      if (got) return {...got, via: [fromDefault(`graphile-worker reads ${key} from its cosmiconfig file`, GRAPHILE_CONFIG)]}
    }

    const inPkg = pkg?.lineOf(['graphile-worker', key])
    if (inPkg && ctx.files.read('package.json')) {
      const raw = (JSON.parse(ctx.files.read('package.json')!.text) as Record<string, Record<string, unknown>>)['graphile-worker']?.[key]
      if (typeof raw === 'number' && Number.isInteger(raw)) return sourced(raw, fromFile('package.json', inPkg), [fromDefault(`graphile-worker reads ${key} from package.json's "graphile-worker" key (cosmiconfig)`, GRAPHILE_CONFIG)])
    }

    return sourced(dflt, fromDefault(what, GRAPHILE_CONFIG))
  }

  const jobs = await setting(['--jobs', '-j'], 'concurrentJobs', 'concurrentJobs', 1, 'graphile-worker default concurrentJobs')
  const pool = await setting(['--max-pool-size', '-m'], 'maxPoolSize', 'maxPoolSize', 10, 'graphile-worker default maxPoolSize')
  const via = fromDefault(`graphile-worker runs ${jobs.value} job(s) at once (${jobs.source.kind === 'default' ? 'its default' : 'set'}) and keeps a LISTEN client checked out of this pool`, GRAPHILE_CONFIG)
  return {database: 'graphile-worker', pool: {...pool, via: [...(pool.via ?? []), via, ...(jobs.source.kind === 'default' ? [] : [jobs.source])]}, server: 'DATABASE_URL'}
}

// Sails ≥ 1 reads every file of config/ (not env/ or local.js), then config/env/<environment>.js and config/env/<environment>/,
// then config/local.js, each merged over the ones before; the environment is NODE_ENV ("production" on Heroku's Node buildpack).
const SAILS_CONFIG = 'https://sailsjs.com/documentation/concepts/configuration#?environmentspecific-files-config-env'
const SAILS_DATASTORES = 'https://sailsjs.com/documentation/reference/configuration/sails-config-datastores'
// helpers/private/connection/create-manager.js: `PG.createManager({connectionString: url, meta: config})` with the whole
// datastore config (every 1.x–5.x tag); register-data-store.js calls it once per datastore.
const SAILS_POSTGRESQL = 'https://github.com/balderdashy/sails-postgresql/blob/v5.0.1/helpers/private/connection/create-manager.js'
// machines/create-manager.js: of `meta`, the keys host, port, database, user, password, ssl, …, 'max', 'min', … are copied
// into `_clientConfig`, then `new pg.Pool(_clientConfig)`: a datastore's `max` is its pool size, else pg-pool's max 10.
const MACHINEPACK_POSTGRESQL = 'https://github.com/sailshq/machinepack-postgresql/blob/04f1e1d457ae760c8a08e81d002998e3e64fe172/machines/create-manager.js'
const PG_POOL = 'https://github.com/brianc/node-postgres/blob/master/packages/pg-pool/index.js'

/** What a Sails config file sets for `key`: `module.exports.datastores = …` or `module.exports = {datastores: …}`. */
const configKey = (m: {exports: Map<string, EvalValue>}, key: string): EvalValue | undefined => m.exports.get(key) ?? entry(m.exports.get('default'), key)

/**
 * Sails ≥ 1: each datastore of the merged `datastores` config whose adapter is sails-postgresql opens one pg Pool
 * per process (its `max`, else 10). A datastore of another adapter (sails-disk, the default; sails-mysql; sails-mongo)
 * opens nothing on the plan. Undefined when no config file sets datastores.
 */
async function sails(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry[] | undefined> {
  const env = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const js = (dir: string): string[] => ctx.files.list(dir).filter((f) => /\.[cm]?[jt]s$/.test(f)).sort().map((f) => `${dir}/${f}`)
  const files = [...js('config').filter((f) => f !== 'config/local.js'), ...[`config/env/${env}.js`, `config/env/${env}.ts`].filter((f) => ctx.files.exists(f)), ...js(`config/env/${env}`), ...(ctx.files.exists('config/local.js') ? ['config/local.js'] : [])]
  // name → the adapter and max each file sets, the later file's winning (a key it leaves out keeps the earlier value).
  const stores = new Map<string, {adapter?: EvalValue; at: {file: string; line: number}; max?: EvalValue}>()
  for (const file of files) {
    if (!/\bdatastores\b/.test(ctx.files.read(file)?.text ?? '')) continue
    const m = await project.load(file)
    if (!m?.parsed) continue
    const ds = configKey(m, 'datastores')
    if (!isDict(ds)) continue
    for (const [name, conf] of ds.value.entries) {
      // Named from the app root (server/config/datastores.js when the app is a package of its own), as every other source is.
      const was = stores.get(name) ?? {at: {file: ctx.files.read(file)?.path ?? file, line: conf.line}}
      stores.set(name, {adapter: entry(conf, 'adapter') ?? was.adapter, at: was.at, max: entry(conf, 'max') ?? was.max})
    }
  }

  if (stores.size === 0) return sails012(ctx, project, files, env, diagnostics)
  const out: PoolEntry[] = []
  for (const [name, s] of stores) {
    const adapter = asString(s.adapter)
    if (adapter !== undefined && adapter !== 'sails-postgresql') continue
    const where = fromFile(s.at.file, s.at.line)
    const how = [fromDefault(`Sails (NODE_ENV ${env}) merges config/, config/env/${env}.js and config/local.js`, SAILS_CONFIG), fromDefault(`sails-postgresql hands the "${name}" datastore's config to machinepack-postgresql's createManager`, SAILS_POSTGRESQL), fromDefault('which copies its max into `new pg.Pool()`', MACHINEPACK_POSTGRESQL)]
    if (adapter === undefined && s.adapter === undefined) continue // no adapter: sails-disk, Sails' default (not PostgreSQL)
    let dflt = sourced(10, where, [...how, fromDefault('pg Pool default max', PG_POOL)])
    if (adapter === undefined) {
      const why = s.adapter?.kind === 'unknown' ? s.adapter.reason : 'it is not a string'
      diagnostics.push({code: 'unknown-config-value', file: s.adapter!.file ?? s.at.file, line: s.adapter!.line, message: `the adapter of the Sails datastore "${name}" cannot be read (${why}); counted as sails-postgresql`, severity: 'warning'})
      dflt = {...dflt, via: [...(dflt.via ?? []), fromDefault(`the "${name}" datastore's adapter is not known; a PostgreSQL pool assumed`, SAILS_DATASTORES)]}
    }

    out.push({database: `sails ${name} datastore ${s.at.file}`, pool: knexMax(s.max, dflt, `Sails datastore "${name}" max`, diagnostics), server: 'DATABASE_URL'})
  }

  return out
}

// Sails 0.12: `connections` (config/connections.js), and the one models use: `models.connection` (default 'localDiskDb', sails-disk)
// or a model's own `connection` (api/models/X.js).
const SAILS012_MODELS = 'https://0.12.sailsjs.com/documentation/reference/configuration/sails-config-models'
// lib/adapter.js spawnConnection (v0.11.x and v0.12.x): a config with `url` becomes a connection string (the other keys its query),
// else the object as is; then `pg.connect(connectionConfig)` — pg's pool manager, one pool per distinct config, opened per query.
const SAILS_POSTGRESQL_012 = 'https://github.com/balderdashy/sails-postgresql/blob/v0.12.2/lib/adapter.js#L1377-L1396'
// lib/pool.js getOrCreate(clientConfig): `max: clientConfig.poolSize || defaults.poolSize` (10, lib/defaults.js); a string config has no poolSize.
const PG4_POOL = 'https://github.com/brianc/node-postgres/blob/v4.5.5/lib/pool.js'

/**
 * Sails 0.12 (sails-postgresql 0.x over pg 4): every connection a model uses whose adapter is sails-postgresql is one pool of pg's
 * pool manager — `poolSize` (else 10) when the connection is an object; 10 when it has a `url` (the config becomes a string, whose
 * poolSize pg 4 does not read). A connection no model uses opens nothing (sails-postgresql connects per query). Undefined when no
 * config file sets `connections`.
 */
async function sails012(ctx: AnalyzerContext, project: NodeProject, files: string[], env: string, diagnostics: Diagnostic[]): Promise<PoolEntry[] | undefined> {
  const conns = new Map<string, {adapter?: EvalValue; at: {file: string; line: number}; poolSize?: EvalValue; url?: EvalValue}>()
  let used: {at: Source; value: EvalValue} | undefined
  for (const file of files) {
    if (!/\b(connections|models)\b/.test(ctx.files.read(file)?.text ?? '')) continue
    const m = await project.load(file)
    if (!m?.parsed) continue
    const named = ctx.files.read(file)?.path ?? file
    const cs = configKey(m, 'connections')
    if (isDict(cs)) {
      for (const [name, conf] of cs.value.entries) {
        const was = conns.get(name) ?? {at: {file: named, line: conf.line}}
        conns.set(name, {adapter: entry(conf, 'adapter') ?? was.adapter, at: was.at, poolSize: entry(conf, 'poolSize') ?? was.poolSize, url: entry(conf, 'url') ?? was.url})
      }
    }

    const c = entry(configKey(m, 'models'), 'connection')
    if (c) used = {at: fromFile(named, c.line), value: c}
  }

  if (conns.size === 0) return undefined
  // Which connections the models use: models.connection, and each api/models/ file's own `connection`.
  const names = new Map<string, Source>()
  const dflt = used ? asString(used.value) : 'localDiskDb'
  if (dflt !== undefined) names.set(dflt, used?.at ?? fromDefault("Sails 0.12's default models.connection is 'localDiskDb' (sails-disk)", SAILS012_MODELS))
  else diagnostics.push({code: 'unknown-config-value', file: used!.at.kind === 'file' ? used!.at.file : undefined, line: used!.at.kind === 'file' ? used!.at.line : undefined, message: `the Sails models.connection cannot be read (${used!.value.kind === 'unknown' ? used!.value.reason : 'not a string'}); every sails-postgresql connection is counted`, severity: 'warning'})
  for (const f of ctx.files.list('api/models').filter((x) => /\.[cm]?[jt]s$/.test(x)).slice(0, 200)) {
    const path = `api/models/${f}`
    if (!/\bconnection\b/.test(ctx.files.read(path)?.text ?? '')) continue
    const m = await project.load(path)
    const c = m?.parsed ? entry(m.exports.get('default') ?? m.cjs, 'connection') : undefined
    const name = asString(c)
    if (name !== undefined && !names.has(name)) names.set(name, fromFile(path, c!.line))
  }

  const out: PoolEntry[] = []
  for (const [name, s] of conns) {
    const why = names.get(name)
    if (dflt !== undefined && !why) continue
    if (asString(s.adapter) !== 'sails-postgresql') continue
    const how = [...(why ? [fromDefault(`the models use the "${name}" connection`, SAILS012_MODELS), why] : []), fromDefault(`Sails (NODE_ENV ${env}) merges config/, config/env/${env}.js and config/local.js`, SAILS_CONFIG)]
    const where = fromFile(s.at.file, s.at.line)
    let pool: Sourced<number>
    if (s.url) pool = sourced(10, where, [...how, fromDefault(`sails-postgresql 0.x turns a connection with \`url\` into a connection string for pg.connect()`, SAILS_POSTGRESQL_012), fromDefault(`pg 4's pool manager reads poolSize only from an object config: pg's default poolSize 10`, PG4_POOL)])
    else {
      const read = knexMax(s.poolSize, sourced(10, where, [fromDefault('sails-postgresql 0.x hands the connection config to pg.connect()', SAILS_POSTGRESQL_012), fromDefault("pg 4's pool manager: poolSize, default 10", PG4_POOL)]), `Sails connection "${name}" poolSize`, diagnostics)
      pool = {...read, via: [...how, ...(read.via ?? [])]}
    }
    if (s.url && s.poolSize) diagnostics.push({code: 'unknown-config-value', file: s.at.file, line: s.poolSize.line, message: `the Sails connection "${name}" sets poolSize with a url: sails-postgresql 0.x puts it in the connection string's query, where pg 4's pool manager does not read it, so its pool is pg's default 10 (${SAILS_POSTGRESQL_012})`, severity: 'warning'})
    out.push({database: `sails ${name} connection ${s.at.file}`, pool, server: 'DATABASE_URL'})
  }

  return out
}

export function packagedServer(framework: string | undefined): Packaged | undefined {
  return PACKAGED.find((p) => p.bin === framework)
}

function packaged(ctx: AnalyzerContext, app: Packaged, pkg: PackageJson | undefined, diagnostics: Diagnostic[]): PoolEntry {
  const line = pkg?.lineOf(['dependencies', app.dependency]) ?? 0
  const dflt = sourced(app.max, line > 0 ? fromFile(pkg?.path ?? 'package.json', line) : fromDefault(app.what, app.ref), line > 0 ? [fromDefault(app.what, app.ref)] : [])
  const got = envCandidate(ctx.env, app.env, `${app.bin} pool size`)
  append(diagnostics, got.diagnostics)
  return {database: app.bin, pool: got.value ?? dflt, server: 'DATABASE_URL'}
}

/** The pool a framework or packaged server configures, when the app is one of them. */
export async function frameworkPools(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, framework: string | undefined, diagnostics: Diagnostic[]): Promise<PoolEntry[]> {
  const app = packagedServer(framework)
  if (app) return [packaged(ctx, app, pkg, diagnostics)]
  if (framework === 'graphile-worker') return [await graphileWorker(ctx, project, pkg, diagnostics)]
  const deps = pkg?.dependencies ?? {}
  if (framework === 'strapi' || Object.hasOwn(deps, '@strapi/strapi')) {
    const s = await strapi(ctx, project, diagnostics)
    if (s) return [s]
  }

  if (Object.hasOwn(deps, 'sails')) {
    const found = await sails(ctx, project, diagnostics)
    if (found) return found
  }

  if (Object.hasOwn(deps, '@adonisjs/lucid')) {
    const l = await lucid(ctx, project, diagnostics)
    if (l.length > 0) return l
  }

  return []
}
