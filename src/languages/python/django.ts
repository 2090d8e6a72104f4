/**
 * Django's database connections (docs/ref/databases.txt): without a pool each
 * thread holds its own connection per alias (CONN_MAX_AGE only decides how long
 * it stays open). Django 5.1+ `OPTIONS: {"pool": …}` uses psycopg_pool, which
 * opens min_size connections up front (default 4, max_size = min_size).
 */
import {classOf, type EvalValue, type PyClass, type PyModule} from './values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {PythonProject} from './modules.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {pyCandidate} from './candidate.js'
import {kindBranch} from './engine-branch.js'
import {unreadFallback} from '../common/setting.js'
import {asString, entry, isCall, isDict, truthy} from './evaluate.js'
import {isLocalHost} from '../../util/pg-url.js'
import {append} from '../../util/arrays.js'
const DJANGO_REF = 'https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections'
const POOL_REF = 'https://github.com/psycopg/psycopg/blob/master/psycopg_pool/psycopg_pool/base.py'
// django-heroku settings(config, databases=True): with DATABASE_URL set, DATABASES["default"] =
// dj_database_url.config(conn_max_age=config.get("CONN_MAX_AGE", 600), ssl_require=True).
const DJANGO_HEROKU = 'https://github.com/heroku/django-heroku/blob/master/django_heroku/core.py'
// django-on-heroku is django-heroku forked and renamed (module django_on_heroku), settings() unchanged:
// https://github.com/pkrefta/django-on-heroku#readme
const HEROKU_SETTINGS = new Set(['django_heroku.settings', 'django_on_heroku.settings'])
/** The text of a call of django-heroku's or django-on-heroku's settings() (a module-qualified name). */
const HEROKU_SETTINGS_TEXT = /\bdjango_(?:on_)?heroku\.settings\s*\(/
// PostgresConnectionPool: maxsize = kwargs.pop('MAX_CONNS', 4), one pool per alias per process (base.py
// connection_pools); get() waits once maxsize connections are out, so the greenlets and threads share them.
// load_backend(backend_name): import_module("%s.base" % backend_name); ConnectionHandler.create_connection then builds
// backend.DatabaseWrapper(db, alias).
const LOAD_BACKEND = 'https://github.com/django/django/blob/main/django/db/utils.py'
const GEVENTPOOL = 'https://github.com/jneight/django-db-geventpool/blob/master/django_db_geventpool/backends/postgresql_psycopg2/psycopg2_pool.py'

/**
 * `django_heroku.settings(locals())` at the end of the settings module: on Heroku (DATABASE_URL is
 * set by the Postgres add-on) it replaces DATABASES["default"] with DATABASE_URL's database.
 * The DATABASES as the app runs, or the module's own when there is no such call (or `databases=False`).
 */
function withDjangoHeroku(settings: PyModule, file: string, dbs: EvalValue | undefined): EvalValue | undefined {
  const call = settings.calls.find((c) => HEROKU_SETTINGS.has(c.callee))
  const off = call?.kwargs.databases
  if (!call || (off?.kind === 'known' && !truthy(off.value))) return dbs
  const age = settings.names.get('CONN_MAX_AGE')
  const maxAge: EvalValue = age?.kind === 'known' ? age : {file, kind: 'known', line: call.line, value: 600, via: [fromDefault('django-heroku MAX_CONN_AGE 600', DJANGO_HEROKU)]}
  const via = [
    fromDefault(`${call.callee}() sets DATABASES["default"] from DATABASE_URL (dj_database_url.config)`, DJANGO_HEROKU),
    ...(call.conditional ? [assumed(`${call.callee}() at ${file}:${call.line} is inside a condition or function conncalc does not decide; assumed to run, as on Heroku`)] : []),
  ]
  const known = (value: string): EvalValue => ({file, kind: 'known', line: call.line, value, via: []})
  const entries = new Map(isDict(dbs) ? dbs.value.entries : [])
  entries.set('default', {file, kind: 'known', line: call.line, value: {entries: new Map([['ENGINE', known('django.db.backends.postgresql')], ['CONN_MAX_AGE', maxAge]]), kind: 'dict', server: 'DATABASE_URL'}, via})
  return {file, kind: 'known', line: isDict(dbs) ? dbs.line : call.line, value: {entries, kind: 'dict'}, via}
}

/** A Django channel layer whose backend keeps PostgreSQL connections of its own (channels_postgres). */
export interface PostgresChannelLayer {
  /** CHANNEL_LAYERS["default"]["CONFIG"]: Django DATABASES-style keys, plus the pool options. */
  config?: EvalValue
  file: string
  line: number
  /** The layer connects to the server the Django pools are counted on. */
  onPrimary: boolean
  /** Where the app's own code gets the layer to send through it (channels.layers.get_channel_layer), if it does. */
  sender?: {file: string; line: number}
}

const GET_LAYER = /(^|\.)get_channel_layer$/

/**
 * Where the app sends through its channel layer outside consumers (a view, a signal, a Celery task):
 * a call of channels.layers.get_channel_layer in a module directly inside one of its INSTALLED_APPS
 * packages (views.py, tasks.py, signals.py, …) or the settings' own package. Files are parsed only
 * when their text names get_channel_layer.
 */
async function layerSender(project: PythonProject, settings: PyModule, settingsFile: string): Promise<{file: string; line: number} | undefined> {
  const apps = settings.names.get('INSTALLED_APPS')
  const dirOf = (f: string): string => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '')
  // proj/settings.py → proj; a settings package proj/settings/production.py → proj too.
  const own = dirOf(settingsFile)
  const dirs = new Set<string>([own, ...(/(^|\/)settings$/.test(own) ? [dirOf(own)] : [])])
  if (apps?.kind === 'known' && typeof apps.value === 'object' && apps.value !== null && 'kind' in apps.value && apps.value.kind === 'list') {
    for (const item of apps.value.items) {
      const pkg = asString(item)?.replace(/\.apps\.[A-Z]\w*$/, '')
      const init = pkg ? project.resolve(pkg) : undefined
      if (init?.endsWith('/__init__.py')) dirs.add(init.slice(0, -'/__init__.py'.length))
    }
  }

  for (const dir of dirs) {
    for (const name of project.files.list(dir)) {
      const path = dir ? `${dir}/${name}` : name
      if (!name.endsWith('.py') || !project.files.read(path)?.text.includes('get_channel_layer')) continue
      const call = (await project.load(path))?.calls.find((c) => GET_LAYER.test(c.callee))
      if (call) return {file: path, line: call.line}
    }
  }

  return undefined
}

export interface DjangoPools {
  channelLayer?: PostgresChannelLayer
  diagnostics: Diagnostic[]
  /** DATABASES names only other databases, written out (no env var, no undecided `if`): no PostgreSQL connection. */
  noPostgres?: {file: string; fix?: string; line: number; why: string}
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
  settingsFile: string
}

/**
 * DJANGO_SETTINGS_MODULE: the env, else `os.environ.setdefault(...)` in manage.py / wsgi.py / celery.py,
 * or `os.environ["DJANGO_SETTINGS_MODULE"] = "..."` there (mozilla/treeherder's manage.py). The env is
 * taken first either way: which of the files the process runs is not known here.
 */
export function settingsModule(project: PythonProject, modules: PyModule[], env: {get(n: string): {value: string} | undefined}): string | undefined {
  const fromEnv = env.get('DJANGO_SETTINGS_MODULE')?.value
  if (fromEnv) return fromEnv
  for (const m of modules) {
    for (const a of m.itemAssignments) {
      if (a.key === 'DJANGO_SETTINGS_MODULE' && (a.target === 'os.environ' || a.target === 'environ') && asString(a.value)) return asString(a.value)
    }

    for (const c of m.calls) {
      if (c.callee !== 'os.environ.setdefault' && c.callee !== 'environ.setdefault') continue
      if (asString(c.args[0]) === 'DJANGO_SETTINGS_MODULE' && asString(c.args[1])) return asString(c.args[1])
    }
  }

  return undefined
}

/**
 * django-configurations' DJANGO_CONFIGURATION (the Configuration class of the settings module Django
 * runs with, configurations/importer.py): the env, else `os.environ.setdefault("DJANGO_CONFIGURATION", …)`
 * in the files read (wsgi.py, manage.py), with where it was found.
 */
export function configurationName(modules: PyModule[], env: {get(n: string): {source: Source; value: string} | undefined}): {name: string; source: Source} | undefined {
  const e = env.get('DJANGO_CONFIGURATION')
  if (e?.value) return {name: e.value, source: e.source}
  for (const m of modules) {
    for (const c of m.calls) {
      if (c.callee !== 'os.environ.setdefault' && c.callee !== 'environ.setdefault') continue
      const name = asString(c.args[1])
      if (asString(c.args[0]) === 'DJANGO_CONFIGURATION' && name) return {name, source: fromFile(m.file, c.line)}
    }

    for (const a of m.itemAssignments) {
      const name = asString(a.value)
      if (a.key === 'DJANGO_CONFIGURATION' && (a.target === 'os.environ' || a.target === 'environ') && name) return {name, source: fromFile(m.file, a.line)}
    }
  }

  return undefined
}

const CONFIGURATIONS = 'https://django-configurations.readthedocs.io/en/stable/#quickstart'

/** The settings module's django-configurations classes (subclasses of configurations.Configuration), by name. */
function configurationClasses(settings: PyModule): Map<string, PyClass> {
  const out = new Map<string, PyClass>()
  for (const [name, v] of settings.names) {
    const cls = classOf(v)
    if (cls?.bases.some((b) => b === 'configurations.Configuration' || b === 'configurations.base.Configuration')) out.set(name, cls)
  }

  return out
}

/**
 * DATABASES as django-configurations sets it: the class DJANGO_CONFIGURATION names (inherited attributes
 * included); with no name found, the one value every Configuration class of the module shares, if they do.
 */
function configurationDatabases(settings: PyModule, file: string, configuration: {name: string; source: Source} | undefined): {dbs?: EvalValue; why: string; via: Source[]} | undefined {
  const classes = configurationClasses(settings)
  if (classes.size === 0) return undefined
  if (configuration) {
    const cls = classes.get(configuration.name)
    if (!cls) return {why: `DJANGO_CONFIGURATION is ${configuration.name}, which is no Configuration class of ${file} (${[...classes.keys()].join(', ')})`, via: []}
    const dbs = cls.attrs.get('DATABASES')
    return {dbs, via: [configuration.source, fromDefault(`django-configurations: DJANGO_CONFIGURATION=${configuration.name} picks the class ${configuration.name} of ${file}; its DATABASES is Django's`, CONFIGURATIONS)], why: `the class ${configuration.name} sets no DATABASES`}
  }

  const values = [...classes.values()].map((c) => c.attrs.get('DATABASES'))
  const first = values[0]
  if (first && values.every((v) => v === first)) {
    return {dbs: first, via: [fromDefault(`django-configurations: DJANGO_CONFIGURATION is set nowhere conncalc reads, but every Configuration class of ${file} (${[...classes.keys()].join(', ')}) has this DATABASES`, CONFIGURATIONS)], why: ''}
  }

  return {why: `DJANGO_CONFIGURATION, which picks one of its Configuration classes (${[...classes.keys()].join(', ')}), is set nowhere conncalc reads (the env, or os.environ.setdefault in the files this process runs; manage.py's is for its own commands), and their DATABASES differ`, via: []}
}

/** Which server an alias connects to, as a stable key: the env var holding its URL, else host/name. */
function serverOf(db: EvalValue | undefined): string {
  // dj-database-url / django-environ: the URL's server, decided where the URL was read.
  if (isDict(db) && db.value.server) return db.value.server
  if (isCall(db)) {
    const envArg = asString(db.value.kwargs.env)
    if (db.value.callee.endsWith('.config')) return envArg ?? 'DATABASE_URL'
    const urlArg = db.value.args[0] ?? db.value.kwargs.url
    const viaEnv = urlArg?.kind === 'known' ? urlArg.via.find((s) => s.kind === 'env') : undefined
    if (viaEnv?.kind === 'env') return viaEnv.name
  }

  const host = entry(db, 'HOST')
  const viaEnv = host?.kind === 'known' ? host.via.find((s) => s.kind === 'env') : undefined
  if (viaEnv?.kind === 'env' && viaEnv.name.endsWith('_URL')) return viaEnv.name
  const h = asString(host)
  const name = asString(entry(db, 'NAME'))
  return h ? `host=${h}/${name ?? ''}` : 'DATABASE_URL'
}

/** The alias's HOST when the settings write it out as this machine (localhost, 127.0.0.1, ::1, a socket folder), not from the env. */
function localHostOf(db: EvalValue | undefined): {file: string; host: string; line: number} | undefined {
  const host = entry(db, 'HOST')
  if (host?.kind !== 'known' || host.via.some((s) => s.kind === 'env')) return undefined
  const h = asString(host)
  return h && isLocalHost(h) ? {file: host.file, host: h, line: host.line} : undefined
}

/**
 * Whether an alias's ENGINE is PostgreSQL. A backend named for its database (django.db.backends.postgresql, postgis,
 * django_prometheus.db.backends.mysql, …) is decided by its name. Any other is what Django loads, `import_module(ENGINE +
 * ".base")` (load_backend), when that module is the app's own: what it imports (cla_backend's reports backend star-imports
 * django.db.backends.postgresql_psycopg2.base and subclasses its DatabaseWrapper), followed through the app's modules it
 * takes its DatabaseWrapper from. One conncalc cannot read (an installed package's, or a module importing neither kind)
 * is counted as PostgreSQL, an assumption (`why`), said where it is set.
 */
async function engineKind(project: PythonProject, db: EvalValue | undefined): Promise<{postgres: boolean; via?: Source[]; why?: string}> {
  const engine = asString(entry(db, 'ENGINE'))
  if (engine === undefined) return {postgres: true}
  const named = (name: string): boolean | undefined =>
    /postg|psycopg|cockroach|timescale|citus/i.test(name)
      ? true
      : /sqlite|spatialite|mysql|maria|oracle|mssql|sql_?server|pyodbc|mongo|djongo|clickhouse|salesforce|snowflake|spanner|ibm_db|firebird|redshift|duckdb|cassandra|dynamo|bigquery|databricks|trino|presto|hana|vertica|sybase|informix|(?:^|\.)dummy(?:$|\.)/i.test(name)
        ? false
        : undefined
  const byName = named(engine)
  if (byName !== undefined) return {postgres: byName}
  const seen = new Set<string>()
  // The imports of an app module, followed (three modules deep) into the app's modules it takes a DatabaseWrapper or * from.
  const read = async (file: string, hops: number): Promise<{line: number; module: string; file: string}[] | undefined> => {
    if (seen.has(file) || hops > 3) return undefined
    seen.add(file)
    const mod = await project.load(file)
    if (!mod?.parsed) return undefined
    const found: {line: number; module: string; file: string}[] = []
    for (const imp of mod.imports) {
      const kind = named(imp.module)
      if (kind !== undefined && imp.level === 0) {
        found.push({file, line: imp.line, module: imp.module})
        continue
      }

      const wrapper = imp.names === '*' || imp.names.includes('DatabaseWrapper') || imp.names.includes('base')
      const next = wrapper ? project.resolve(imp.module, imp.level, file) : undefined
      if (next) append(found, (await read(next, hops + 1)) ?? [])
    }

    return found
  }

  const baseFile = project.resolve(`${engine}.base`)
  const found = baseFile ? await read(baseFile, 0) : undefined
  const kinds = new Set(found?.map((f) => named(f.module)))
  if (found && found.length > 0 && kinds.size === 1) {
    const postgres = kinds.has(true)
    const first = found[0]
    return {postgres, via: postgres ? [fromFile(first.file, first.line), fromDefault(`Django loads ENGINE's base module (${engine}.base, a module of the app) for the alias's DatabaseWrapper; it imports ${first.module}`, LOAD_BACKEND)] : undefined}
  }

  const why = !baseFile
    ? `${engine}.base, the module Django loads for it, is not a file of the app (an installed package's backend conncalc does not know by name)`
    : kinds.size > 1
      ? `${baseFile} imports both PostgreSQL's and another database's backend or driver`
      : `${baseFile} imports no database backend or driver conncalc knows`
  return {postgres: true, why}
}

function poolEntry(alias: string, db: EvalValue, threads: Sourced<number>, diagnostics: Diagnostic[]): PoolEntry {
  const options = entry(db, 'OPTIONS')
  const pool = entry(options, 'pool')
  const server = serverOf(db)
  // django-db-geventpool's backends: one pool of OPTIONS MAX_CONNS (default 4) per alias, whatever the threads or greenlets.
  const engine = entry(db, 'ENGINE')
  if (asString(engine)?.startsWith('django_db_geventpool.')) {
    const maxC = pyCandidate(entry(options, 'MAX_CONNS'), 'django-db-geventpool MAX_CONNS')
    const dflt = sourced(4, fromFile(engine!.file, engine!.line), [fromDefault('django-db-geventpool MAX_CONNS default 4 (connections per database alias per process)', GEVENTPOOL)])
    append(diagnostics, maxC.diagnostics.map((d) => ({...d, message: `${d.message}; using django-db-geventpool's default MAX_CONNS (4)`})))
    const max = maxC.value ? {...maxC.value, via: [...(maxC.value.via ?? []), fromDefault('django-db-geventpool: OPTIONS MAX_CONNS caps the connections of each database alias per process', GEVENTPOOL)]} : unreadFallback(maxC.diagnostics, dflt)
    return {database: alias, pool: max, server}
  }
  if (pool?.kind === 'known' && truthy(pool.value)) {
    const age = entry(db, 'CONN_MAX_AGE') ?? (isCall(db) ? db.value.kwargs.conn_max_age : undefined)
    if (age?.kind === 'known' && age.value !== 0) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: age.file,
        fix: 'remove CONN_MAX_AGE (or set it to 0) when OPTIONS has a pool',
        line: age.line,
        message: `Django refuses OPTIONS "pool" with CONN_MAX_AGE ${age.value === null ? 'None' : String(age.value)} ("Pooling doesn't support persistent connections"): the app would not start`,
        severity: 'warning',
      })
    }

    const at = fromFile(pool.file, pool.line)
    const minDefault = sourced(4, at, [fromDefault('psycopg_pool default min_size', POOL_REF)])
    const minC = pyCandidate(entry(pool, 'min_size'), 'psycopg_pool min_size')
    append(diagnostics, minC.diagnostics.map((d) => ({...d, message: `${d.message}; using psycopg_pool's default min_size (4)`})))
    const min = minC.value ?? unreadFallback(minC.diagnostics, minDefault)
    const maxC = pyCandidate(entry(pool, 'max_size'), 'psycopg_pool max_size')
    append(diagnostics, maxC.diagnostics.map((d) => ({...d, message: `${d.message}; using max_size = min_size (${min.value})`})))
    // psycopg_pool: max_size None means max_size = min_size.
    const max = maxC.value ?? unreadFallback(maxC.diagnostics, sourced(min.value, at, [fromDefault('psycopg_pool max_size defaults to min_size', POOL_REF), ...(min.via ?? [])]))
    return {database: alias, minOpen: min, pool: max, server}
  }

  // No pool: every thread opens its own connection for this alias. CONN_MAX_AGE
  // only decides whether it stays open between requests; say where it is set.
  const at = fromFile(db.file, db.line)
  const maxAge = entry(db, 'CONN_MAX_AGE') ?? (isCall(db) ? db.value.kwargs.conn_max_age : undefined)
  const age = maxAge?.kind !== 'known' ? undefined : maxAge.value === null ? 'None (kept forever)' : typeof maxAge.value === 'number' ? String(maxAge.value) : undefined
  const ageNote = age === undefined ? [] : [fromFile(maxAge!.file, maxAge!.line)]
  // The alias django_heroku.settings() wrote: say so (and whether its call was decided).
  const heroku = db.kind === 'known' && db.via.some((v) => v.kind === 'default' && v.ref === DJANGO_HEROKU) ? db.via : []
  return {
    database: alias,
    pool: sourced(threads.value, at, [
      fromDefault(`Django without OPTIONS "pool": one connection per thread per database alias${age === undefined ? '' : `, kept open between requests for CONN_MAX_AGE=${age} s`}`, DJANGO_REF),
      ...heroku,
      ...ageNote,
      threads.source,
    ]),
    server,
  }
}

/**
 * Whether a DATABASES that names no PostgreSQL database is so whatever the dyno's env: one top-level
 * `DATABASES = {…}` in its file (not inside an if/try/def), whose text reads no env var, config or URL; no other
 * line of that file or of the settings module assigns or changes DATABASES, includes files (django-split-settings) or imports
 * inside an if/try; every alias's ENGINE a string as written.
 * Unless DJANGO_SETTINGS_MODULE came from the env, no other module beside the settings module sets DATABASES (Heroku's
 * config vars, unseen, may name that one). Anything else stays counted as PostgreSQL: the add-on's DATABASE_URL wins.
 */
function writtenOut(project: PythonProject, dbs: EvalValue, settingsFile: string, settingsFromEnv: boolean, namedElsewhere: readonly string[] = []): boolean {
  if (!isDict(dbs)) return false
  const dict = dbs.value
  if (dict.partial || dict.armed?.size || dbs.via.length > 0 || dbs.missingEnv) return false
  const stringEngine = (db: EvalValue): boolean => {
    const engine = entry(db, 'ENGINE')
    return db.kind === 'known' && !isCall(db) && engine?.kind === 'known' && typeof engine.value === 'string' && engine.via.length === 0 && !engine.missingEnv
  }
  if (![...dict.entries.values()].every(stringEngine)) return false
  const lines = project.files.read(dbs.file)?.text.split(/\r?\n/)
  const first = lines?.[dbs.line - 1]
  if (!lines || !first || !/^DATABASES\s*=\s*\{/.test(first)) return false
  // The dict's text, to its closing brace.
  let depth = 0
  let text = ''
  for (let i = dbs.line - 1; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '')
    text += `${line}\n`
    for (const ch of line) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0
    if (depth <= 0) break
  }
  if (/environ|getenv|\benv\b|\bconfig\s*\(|_url\b|\bif\b/i.test(text)) return false
  const sets = /^\s*DATABASES\s*(?:\[|\.|[+|]?=)/m
  const setsAll = /^\s*DATABASES\s*(?:\[|\.|[+|]?=)/gm
  for (const f of new Set([dbs.file, settingsFile])) {
    const t = project.files.read(f)?.text ?? ''
    if ((t.match(setsAll) ?? []).length > (f === dbs.file ? 1 : 0)) return false
    // django_heroku.settings(); django-split-settings' include() of a list an `if` builds; a star import or exec inside an if/try.
    if (HEROKU_SETTINGS_TEXT.test(t) || /\binclude\s*\(|\bexec\s*\(|^[ \t]+(?:from\s+\S+\s+import\s+\*|import\s)/m.test(t)) return false
  }
  if (settingsFromEnv) return true
  // A settings module another command of the app names (`manage.py migrate --settings=app.production`,
  // `DJANGO_SETTINGS_MODULE=app.production cmd`) that sets DATABASES: the dyno's config var may name it too.
  for (const module of namedElsewhere) {
    const other = project.resolve(module)
    if (other && other !== settingsFile && other !== dbs.file && sets.test(project.files.read(other)?.text ?? '')) return false
  }
  const dir = settingsFile.includes('/') ? settingsFile.slice(0, settingsFile.lastIndexOf('/')) : ''
  const prefix = dir ? `${dir}/` : ''
  // A sibling that sets DATABASES, or calls django_heroku.settings(locals()) (which sets DATABASES["default"] from
  // DATABASE_URL: django-heroku 0.3.1 django_heroku/core.py settings()), is a settings module the dyno may run with.
  const herokuSettings = /^\s*django_(?:on_)?heroku\.settings\s*\(/m
  return !project.files.list(dir).some((name) => {
    if (!name.endsWith('.py') || `${prefix}${name}` === settingsFile || `${prefix}${name}` === dbs.file) return false
    const t = project.files.read(`${prefix}${name}`)?.text ?? ''
    return sets.test(t) || herokuSettings.test(t)
  })
}

/** A settings module's file name that says it is the production one: production.py, prod.py, heroku.py, settings_prod.py, … */
const PRODUCTION_NAME = /^(?:settings[_-]?)?(?:production|prod|heroku)(?:[_-]?settings)?\.py$/i
/** Settings that take the database from the platform's DATABASE_URL (dj-database-url, django-environ, django-heroku). */
const READS_DATABASE_URL = /\bDATABASE_URL\b|\bdj_database_url\b|\bdjango_(?:on_)?heroku\.settings\s*\(|\.db_url\s*\(|\benv\.db\s*\(/
/** A settings module's last name that says it is for development or tests (dev, local, test, ci, …). */
const DEVELOPMENT_NAME = /(?:^|[._])(?:dev|develop|development|local|test|tests|testing|ci|debug)$/i
const SKIPPED_FOLDERS = /^(?:\..*|node_modules|venv|env|site-packages|static|staticfiles|media|tests?|docs?)$/

/**
 * A settings module productionSettings found, taken as the dyno's because nothing names one: each pool it sets is
 * starred with `why`, and a warning at the module says how to name the settings the dyno really runs with.
 */
export function settingsTaken(found: DjangoPools, prod: {file: string; module: string}, why: string): {pools: DjangoPools['pools']; told: Diagnostic} {
  const said = assumed(why)
  return {
    pools: found.pools.map((e) => ({...e, pool: {...e.pool, via: [...(e.pool.via ?? []), said]}})),
    told: {
      code: 'unknown-config-value',
      file: prod.file,
      fix: `say which settings module the dyno runs with: --env DJANGO_SETTINGS_MODULE=${prod.module} (or the one its config var names; \`heroku config:get DJANGO_SETTINGS_MODULE\`)`,
      message: `${why}, an assumption`,
      severity: 'warning',
    },
  }
}

/**
 * The settings module a dyno most likely runs with when no deploy file names one and the code's setdefault names a
 * module that writes out a non-PostgreSQL DATABASES (a developer's SQLite settings; the config var set with `heroku
 * config:set DJANGO_SETTINGS_MODULE=…` is not in the repository): the one module the README names for
 * DJANGO_SETTINGS_MODULE, else the one module whose name says production (production.py, prod.py, heroku.py,
 * settings_production.py, …) and that reads DATABASE_URL. Several candidates, or none: undefined (nothing is guessed).
 */
export function productionSettings(project: PythonProject, current: string): {file: string; module: string; why: string} | undefined {
  const files = project.files
  const own = (module: string): string | undefined => {
    const f = project.resolve(module)
    return f && f !== current ? f : undefined
  }

  for (const readme of files.list('').filter((n) => /^readme(?:\.\w+)?$/i.test(n))) {
    const lines = files.read(readme)?.text.split(/\r?\n/) ?? []
    const named = new Map<string, {file: string; line: number}>()
    for (const [i, l] of lines.entries()) {
      for (const m of l.matchAll(/\bDJANGO_SETTINGS_MODULE\b\s*[=:]?\s*["'`]?([A-Za-z_]\w*(?:\.\w+)+)/g)) {
        // A development setup's module (`export DJANGO_SETTINGS_MODULE=site.settings.dev` in a virtualenv) is not the dyno's.
        if (DEVELOPMENT_NAME.test(m[1])) continue
        const f = own(m[1])
        if (f && !named.has(m[1])) named.set(m[1], {file: f, line: i + 1})
      }
    }

    if (named.size === 1) {
      const [[module, at]] = [...named]
      return {file: at.file, module, why: `${readme}:${at.line} names it for DJANGO_SETTINGS_MODULE`}
    }

    if (named.size > 1) return undefined
  }

  const found: {file: string; module: string}[] = []
  const walk = (dir: string, depth: number): void => {
    for (const name of files.list(dir)) {
      const path = dir ? `${dir}/${name}` : name
      if (!PRODUCTION_NAME.test(name) || path === current || !READS_DATABASE_URL.test(files.read(path)?.text ?? '')) continue
      const module = path.replace(/^src\//, '').replace(/\.py$/, '').replaceAll('/', '.')
      if (project.resolve(module) === path) found.push({file: path, module})
    }

    if (depth < 4) for (const sub of files.folders(dir)) if (!SKIPPED_FOLDERS.test(sub)) walk(dir ? `${dir}/${sub}` : sub, depth + 1)
  }

  walk('', 0)
  return found.length === 1 ? {...found[0], why: 'its name says production and it reads DATABASE_URL'} : undefined
}

/**
 * The pools of the settings module's DATABASES; undefined when there is no Django settings module.
 * @param namedElsewhere settings modules other commands of the app name (--settings, a DJANGO_SETTINGS_MODULE= prefix):
 *   one that sets DATABASES keeps a written-out non-PostgreSQL DATABASES here from being taken as what the dyno runs.
 */
export async function djangoPools(project: PythonProject, modulePath: string, threads: Sourced<number>, configuration?: {name: string; source: Source}, settingsFromEnv = false, namedElsewhere: readonly string[] = [], origin?: string): Promise<DjangoPools | undefined> {
  const file = project.resolve(modulePath)
  if (!file) return undefined
  const settings = await project.load(file)
  if (!settings) return undefined
  const diagnostics: Diagnostic[] = []
  const own = settings.names.get('DATABASES')
  const classes = own ? undefined : configurationDatabases(settings, file, configuration)
  const picked = classes?.dbs && classes.dbs.kind === 'known' ? {...classes.dbs, via: [...classes.dbs.via, ...classes.via]} : classes?.dbs
  const dbs = withDjangoHeroku(settings, file, own ?? picked)
  if (!isDict(dbs)) {
    if (settings.parsed && !dbs) {
      const configurations = classes !== undefined || settings.imports.some((i) => i.module === 'configurations' || i.module.startsWith('configurations.'))
      diagnostics.push({
        code: 'unknown-config-value',
        file,
        fix: configurations
          ? 'name the class: --env DJANGO_CONFIGURATION=Production (as the app sets it on its dynos)'
          : 'if DATABASES is set in a module the settings load at run time, point DJANGO_SETTINGS_MODULE at it (--env DJANGO_SETTINGS_MODULE=…)',
        message: configurations
          ? `${file} (the settings module) uses django-configurations: ${classes?.why || 'DATABASES is set in the Configuration class DJANGO_CONFIGURATION picks, which conncalc does not find'}; counting one connection per thread`
          : `${file} (the settings module) sets no DATABASES conncalc can find, itself or through what it imports; counting one connection per thread`,
        severity: 'warning',
      })
    } else if (settings.parsed && dbs) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: dbs.file,
        line: dbs.line,
        message: `cannot read DATABASES: ${dbs.kind === 'unknown' ? dbs.reason : 'it is not a dict'}; counting one connection per thread`,
        severity: 'warning',
      })
    }

    return {diagnostics, otherServerPools: [], pools: [], settingsFile: file}
  }

  const pools: PoolEntry[] = []
  const other: PoolEntry[] = []
  const primary = serverOf(dbs.value.entries.get('default'))
  const skipped: {alias: string; engine: string}[] = []
  for (const [alias, db] of dbs.value.entries) {
    const kind = await engineKind(project, db)
    if (!kind.postgres) {
      skipped.push({alias, engine: asString(entry(db, 'ENGINE')) ?? ''})
      continue
    }

    const read = poolEntry(alias, db, threads, diagnostics)
    const engineAt = entry(db, 'ENGINE')
    if (kind.why && engineAt) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: engineAt.file,
        fix: `if that backend connects to another database, give the process type's numbers without this alias: --assume TYPE=PROCESSES:THREADS:POOL`,
        line: engineAt.line,
        message: `DATABASES["${alias}"] ENGINE is ${asString(engineAt)}, a backend conncalc cannot tell the database of: ${kind.why}; counted as PostgreSQL`,
        severity: 'warning',
      })
    }

    const said = kind.why ? [assumed(`DATABASES["${alias}"] ENGINE ${asString(engineAt)} is taken as PostgreSQL: ${kind.why}`)] : (kind.via ?? [])
    const pe = said.length > 0 ? {...read, pool: {...read.pool, via: [...(read.pool.via ?? []), ...said]}} : read
    // An alias added only under an `if` conncalc cannot decide: counted as if it runs, an assumption.
    const arm = dbs.value.armed?.get(alias)
    // arm.cond is the undecided `if`'s own condition; a later arm (elif/else) runs only when it does not hold.
    const when = arm && (arm.branch === 0 ? `only when \`if ${arm.cond}\` (${arm.file}:${arm.line}) holds, which conncalc cannot decide; counted as if it does` : `only in an elif/else arm of \`if ${arm.cond}\` (${arm.file}:${arm.line}), when that condition does not hold, which conncalc cannot decide; counted as if that arm runs`)
    const armed = arm ? {...pe, pool: {...pe.pool, via: [...(pe.pool.via ?? []), assumed(`DATABASES["${alias}"] is set ${when}`)]}} : pe
    // A HOST written as this machine (localhost, a socket folder): no PostgreSQL listens there on a dyno, so an app that
    // works there connects elsewhere (a settings module or env conncalc did not read). Counted on the plan, starred, said.
    const local = armed.server === primary ? localHostOf(db) : undefined
    if (local) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: local.file,
        fix: 'give the variable HOST reads, if it reads one (--env), read the database from DATABASE_URL (dj-database-url, django-environ), or name the settings module the dyno runs with (--env DJANGO_SETTINGS_MODULE=…)',
        line: local.line,
        message: `DATABASES["${alias}"] HOST is ${local.host} here (written in the settings, or the default of a variable not given), this machine: on a dyno no PostgreSQL listens there, so these settings would not connect; counted on the plan's server`,
        severity: 'warning',
      })
    }

    const e = local ? {...armed, pool: {...armed.pool, via: [...(armed.pool.via ?? []), assumed(`DATABASES["${alias}"] HOST is ${local.host} (${local.file}:${local.line}), this machine, where no PostgreSQL listens on a dyno: counted on the plan's server as if the deployed app connected there`)]}} : armed
    ;(e.server === primary ? pools : other).push(e)
  }

  if (pools.length === 0 && other.length === 0) {
    const what = skipped.map((s) => `"${s.alias}" uses ${s.engine}`).join(', ')
    const written = own && dbs === own && skipped.length > 0 ? writtenOut(project, dbs, file, settingsFromEnv, namedElsewhere) : undefined
    if (written && origin && !settingsFromEnv) {
      // The code's setdefault names a development module; the dyno's config var (set where conncalc cannot see) most
      // likely names the app's one production module: counted with it, as an assumption, and said.
      const prod = productionSettings(project, file)
      const alt = prod ? await djangoPools(project, prod.module, threads, configuration, false, namedElsewhere) : undefined
      if (prod && alt && alt.pools.length > 0) {
        const why = `DJANGO_SETTINGS_MODULE is set in no deploy file conncalc reads, and ${modulePath}, which the code's os.environ.setdefault names, writes out DATABASES with no PostgreSQL database (${what}); ${prod.module} (${prod.why}) is taken as the settings the dyno runs with`
        const taken = settingsTaken(alt, prod, why)
        return {...alt, diagnostics: [...diagnostics, taken.told, ...alt.diagnostics], otherServerPools: alt.otherServerPools, pools: taken.pools}
      }
    }

    if (written) {
      // The module came from a setdefault in the code, not from the dyno's env: say which (no other settings module of
      // the app sets DATABASES, else writtenOut is false).
      // (Without the file:line, which differs by process type: the finding is one line for the app.)
      const chosen = origin ? `; the settings module is ${modulePath}, named by the code's os.environ.setdefault (DJANGO_SETTINGS_MODULE is set in no deploy file conncalc reads)` : ''
      const why = `DATABASES names no PostgreSQL database (${what}) and is written out: no env var, \`if\` or later assignment chooses it, so Django opens no PostgreSQL connection${chosen}`
      return {diagnostics, noPostgres: {file: dbs.file, line: dbs.line, why}, otherServerPools: [], pools: [], settingsFile: file}
    }

    // Each alias's ENGINE written in the branch of a `match`/`if` on the database's kind that this environment took, beside
    // a PostgreSQL branch it did not: the app as configured here opens no PostgreSQL connection (engine-branch.ts).
    const branches = await Promise.all(skipped.map(async (s) => {
      const engine = entry(dbs.value.entries.get(s.alias), 'ENGINE')
      return engine?.kind === 'known' ? kindBranch(project, engine.file, engine.line) : undefined
    }))
    const branch = branches[0]
    if (branch && branches.every((b) => b !== undefined)) {
      const env = branch.env.length > 0 ? ` (reading ${branch.env.join(', ')} before it)` : ''
      const why = `DATABASES names no PostgreSQL database (${what}): its ENGINE is written in \`${branch.taken}\` of the branch on the database's kind at line ${branch.line}, which this environment takes${env}, and not in \`${branch.other}\` (line ${branch.otherLine}), so Django opens no PostgreSQL connection`
      const fix = `if the app runs on PostgreSQL, set what makes it take \`${branch.other}\`${branch.env.length > 0 ? `, e.g. --env ${branch.env[0]}=…` : ' (--env)'}`
      return {diagnostics, noPostgres: {file: branch.file, fix, line: branch.line, why}, otherServerPools: [], pools: [], settingsFile: file}
    }

    // Another command of the app names a settings module that sets DATABASES: say which, it is likely the dyno's.
    const named = namedElsewhere.find((m) => {
      const other = project.resolve(m)
      return other !== undefined && other !== file && /^\s*DATABASES\s*(?:\[|\.|[+|]?=)/m.test(project.files.read(other)?.text ?? '')
    })
    const also = named
      ? `; another command of the app names ${named} as its settings, which sets DATABASES: the dyno's DJANGO_SETTINGS_MODULE may name it too`
      : origin
        ? `; the settings module is ${modulePath}, named by the code's os.environ.setdefault (DJANGO_SETTINGS_MODULE is set in no deploy file conncalc reads)`
        : ''
    diagnostics.push({
      code: 'unknown-config-value',
      file: dbs.file,
      fix: named
        ? `if the dyno runs with ${named}, say so: --env DJANGO_SETTINGS_MODULE=${named} (or --env-file with \`heroku config -s\`)`
        : 'set the env vars that make the settings choose PostgreSQL (e.g. --env-file with `heroku config -s`), or point DJANGO_SETTINGS_MODULE at the production settings',
      line: dbs.line,
      message: `DATABASES has no PostgreSQL database with this environment (${what || 'it is empty'})${also}; counting one connection per thread`,
      severity: 'warning',
    })
  }

  // CHANNEL_LAYERS (module level, or on the Configuration class picked): channels_postgres opens its own connections.
  const layers = settings.names.get('CHANNEL_LAYERS') ?? (configuration ? configurationClasses(settings).get(configuration.name)?.attrs.get('CHANNEL_LAYERS') : undefined)
  const layer = entry(layers, 'default')
  const backend = asString(entry(layer, 'BACKEND'))
  const sender = layer && backend?.startsWith('channels_postgres.') ? await layerSender(project, settings, file) : undefined
  const channelLayer: PostgresChannelLayer | undefined =
    layer && backend?.startsWith('channels_postgres.') ? {config: entry(layer, 'CONFIG'), file: layer.file, line: layer.line, onPrimary: serverOf(entry(layer, 'CONFIG')) === primary, ...(sender ? {sender} : {})} : undefined

  // The class django-configurations picked: say so on each pool it sets.
  const chosen = (e: PoolEntry): PoolEntry => (picked && classes?.via.length ? {...e, pool: {...e.pool, via: [...(e.pool.via ?? []), ...classes.via]}} : e)
  return {...(channelLayer ? {channelLayer} : {}), diagnostics, otherServerPools: other.map(chosen), pools: pools.map(chosen), settingsFile: file}
}

