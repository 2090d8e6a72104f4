/**
 * SQLAlchemy engines found where the app builds them: `create_engine(url,
 * pool_size=…, max_overflow=…)` (QueuePool defaults 5 + 10), NullPool (no pool),
 * and Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS / `SQLAlchemy(engine_options=…)`,
 * also through the app's own subclass of its SQLAlchemy class, and before 3.0 its
 * SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW config keys.
 */
import {PLATFORM_DATABASE_URLS, unsetUrlServer, unsetVarsOf} from '../../util/pg-url.js'
import type {EvalValue, PyCall, PyModule} from './values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'
import type {PoolEntry} from '../../model/process.js'
import type {FlaskConfig, FlaskConfigKey} from './flask-config.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced, uniqueSources} from '../../model/source.js'
import {type Alternative, largestArms} from './alternatives.js'
import {boundArgument, eachBuilt} from './bound-arguments.js'
import {assumedDefault, pyCandidate} from './candidate.js'
import {asString, entry, isCall, isDict, urlBuildPrefix} from './evaluate.js'
import {pinnedVersion} from './pins.js'
import {append} from '../../util/arrays.js'
const POOL_REF = 'https://github.com/sqlalchemy/sqlalchemy/blob/main/lib/sqlalchemy/pool/impl.py'
const FLASK_REF = 'https://flask-sqlalchemy.readthedocs.io/en/stable/config/#flask_sqlalchemy.config.SQLALCHEMY_ENGINE_OPTIONS'
// Flask-SQLAlchemy < 3.0: apply_pool_defaults sets create_engine's pool_size / max_overflow from
// SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW when they are not None; get_options then lets
// SQLALCHEMY_ENGINE_OPTIONS and SQLAlchemy(engine_options=…) override them (deprecated in 2.4).
const FLASK_SA_2 = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/2.5.1/flask_sqlalchemy/__init__.py'
// 3.0.0: "Remove previously deprecated code" — the keys are no longer read.
const FLASK_SA_3 = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/3.0.0/CHANGES.rst'
const LEGACY_KEYS: Record<string, string> = {max_overflow: 'SQLALCHEMY_MAX_OVERFLOW', pool_size: 'SQLALCHEMY_POOL_SIZE'}

const ENGINE = /(^|\.)create(_async)?_engine$/
const ASYNC_ENGINE = /(^|\.)create_async_engine$/
// Pool classes that keep no pool of their own size: a connection per checkout (NullPool) or per thread.
const NO_POOL = /(^|\.)(NullPool|SingletonThreadPool)$/
// StaticPool holds exactly one connection for every checkout in the process (its `connection` is a memoized
// property: one _ConnectionRecord per pool), and AssertionPool allows one checkout at a time: 1 per process,
// whatever the threads. https://github.com/sqlalchemy/sqlalchemy/blob/rel_2_0_30/lib/sqlalchemy/pool/impl.py
const ONE_CONNECTION = /(^|\.)(StaticPool|AssertionPool)$/
const ONE_CONNECTION_REF = 'https://github.com/sqlalchemy/sqlalchemy/blob/rel_2_0_30/lib/sqlalchemy/pool/impl.py'
export const isEngineCall = (c: PyCall): boolean => !c.appDefined && ENGINE.test(c.callee) && (!c.callee.includes('.') || /^(sqlalchemy|sqlmodel)\b/.test(c.callee))

export interface EnginePools {
  diagnostics: Diagnostic[]
  pools: PoolEntry[]
}

/**
 * The server a pool's URL names: the env var it is read from (another server's key), else DATABASE_URL's;
 * read only from vars other than the platform's that have no value, an unknown one (model/other-server.ts).
 */
export function engineServer(url: EvalValue | undefined): string {
  const missing = url?.missingEnv ?? []
  if (url && (url.kind === 'unknown' || url.value === null) && missing.length > 0 && !missing.some((m) => PLATFORM_DATABASE_URLS.test(m.name))) return unsetUrlServer(missing.map((m) => m.name))
  const env = url?.kind === 'known' ? url.via.find((s) => s.kind === 'env') : undefined
  return env?.kind === 'env' ? env.name : 'DATABASE_URL'
}

/**
 * What an engine's URL says of the database it reaches: its scheme (`postgresql+psycopg`, `sqlite`), read from the
 * URL's text, the text it is known to begin with (`f"sqlite:///{path}"`), or the drivername of `URL.create(…)` /
 * `make_url(…)`; `{unread}` with why when conncalc cannot tell (a value it cannot evaluate, or None as it reads it,
 * which create_engine refuses, so the app must set it some way conncalc does not follow). A URL read from an env var
 * with no value is neither: engineServer keys it as a server of its own.
 */
export function urlScheme(url: EvalValue | undefined): {scheme: string} | {unread: string} | undefined {
  if (!url) return {unread: 'no URL is passed'}
  if (url.missingEnv?.length && (url.kind === 'unknown' || url.value === null)) return undefined
  const schemeOf = (text: string): string | undefined => /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1].toLowerCase()
  if (url.kind === 'unknown') {
    const scheme = url.textPrefix === undefined ? undefined : schemeOf(url.textPrefix)
    return scheme ? {scheme} : {unread: url.reason}
  }

  const text = asString(url)
  if (text !== undefined) return schemeOf(text) ? {scheme: schemeOf(text)!} : {unread: `\`${text.slice(0, 60)}\` is not a URL with a scheme`}
  if (url.value === null) return {unread: 'it is None as conncalc reads it, which create_engine refuses, so the app sets it in a way conncalc does not follow'}
  // dj-database-url / django-environ's DATABASES entry (db-url.ts): its ENGINE says the kind.
  if (isDict(url) && url.value.server !== undefined) {
    const engine = asString(url.value.entries.get('ENGINE'))
    return engine ? {scheme: /sqlite|spatialite/.test(engine) ? 'sqlite' : engine} : {unread: 'the database URL it is built from is not read'}
  }

  if (isCall(url)) {
    const {args, callee, kwargs} = url.value
    const built = urlBuildPrefix(url)
    if (built) return {scheme: built.slice(0, -3)}
    if (/(^|\.)URL\.create$/.test(callee)) return urlScheme(args[0] ?? kwargs.drivername) ?? {unread: `the drivername of \`${callee}()\` is not read`}
    if (/(^|\.)make_url$/.test(callee)) return urlScheme(args[0] ?? kwargs.name_or_url)
    return {unread: `it is what \`${callee}()\` returns, which conncalc does not compute`}
  }

  return {unread: 'it is not a string'}
}

/** Why options could not be read, for a message. */
const why = (v: EvalValue): string => (v.kind === 'unknown' ? v.reason : isDict(v) ? 'they spread in a dict conncalc cannot read' : 'they are not a dict')

/** pool_size + max_overflow from keyword arguments or an options dict, each with its source. */
function engineEntry(
  file: string,
  line: number,
  database: string,
  get: (k: string) => {line: number; v: EvalValue} | undefined,
  poolclass: string | undefined,
  server: string,
  threads: Sourced<number>,
  diagnostics: Diagnostic[],
  /** Options that may set the keys but cannot be read (`**options`, a dict spreading one): a default is then an assumption. */
  unread?: EvalValue,
): PoolEntry | undefined {
  // `poolclass` in an options dict (`{"poolclass": NullPool}`, `**ENGINE_OPTIONS`): the name it is written as.
  const poolOption = poolclass === undefined ? get('poolclass') : undefined
  const optionName = poolOption?.v.kind === 'unknown' ? poolOption.v.name : undefined
  if ((poolclass ?? optionName) && ONE_CONNECTION.test((poolclass ?? optionName)!)) {
    const at = poolOption ? fromFile(poolOption.v.file, poolOption.line) : fromFile(file, line)
    const name = (poolclass ?? optionName)!.split('.').pop()!
    return {database, pool: sourced(1, at, [fromDefault(`${name}: one connection for the whole process, ${name === 'StaticPool' ? 'shared by every thread' : 'one checkout at a time'}`, ONE_CONNECTION_REF)]), server, ...(name === 'StaticPool' ? {shared: true} : {})}
  }

  if ((poolclass ?? optionName) && NO_POOL.test((poolclass ?? optionName)!)) {
    // NullPool opens a connection per checkout: one per thread at a time.
    const at = poolOption ? fromFile(poolOption.v.file, poolOption.line) : fromFile(file, line)
    return {database, pool: sourced(threads.value, at, [fromDefault(`${(poolclass ?? optionName)!.split('.').pop()}: no pool, one connection per thread in use`, POOL_REF), threads.source]), server}
  }

  // A pool class conncalc cannot name (`"poolclass": pool_class()`): QueuePool's keys are read, and that is an assumption.
  const poolUnread = poolOption && !optionName && !(poolOption.v.kind === 'known' && poolOption.v.value === null)
  if (poolUnread) {
    const v = poolOption.v
    diagnostics.push({code: 'unknown-config-value', file: v.file, line: poolOption.line, message: `cannot read the poolclass this SQLAlchemy engine is given (${v.kind === 'unknown' ? v.reason : isCall(v) ? `it is what \`${v.value.callee}()\` returns, which conncalc does not compute` : 'it is not a class name'}); a QueuePool is assumed`, severity: 'warning'})
  }

  const read = (k: string, dflt: number): Sourced<number> => {
    const found = get(k)
    const c = found ? pyCandidate(found.v, `SQLAlchemy ${k}`) : {diagnostics: []}
    append(diagnostics, c.diagnostics)
    if (c.value) return c.value
    const fallback = sourced(dflt, fromDefault(`SQLAlchemy QueuePool default ${k}`, POOL_REF))
    if (found) return assumedDefault(fallback, found.v, `SQLAlchemy ${k}`)
    if (!unread) return fallback
    unreadKeys.push(k)
    return {...fallback, via: [assumed(`${k} may be set in the options at ${unread.file}:${unread.line}, which conncalc cannot read (${why(unread)}); the default ${dflt} is assumed`)]}
  }

  const unreadKeys: string[] = []

  const readSize = read('pool_size', 5)
  const overflow = read('max_overflow', 10)
  const size = !poolUnread ? readSize : {...readSize, via: [...(readSize.via ?? []), assumed(`poolclass at ${poolOption.v.file}:${poolOption.line} is not a class conncalc can name; SQLAlchemy's QueuePool is assumed (a NullPool would open one connection per thread instead)`)]}
  if (unread && unreadKeys.length > 0) {
    diagnostics.push({code: 'unknown-config-value', file: unread.file, line: unread.line, message: `cannot read the options this SQLAlchemy engine is given (${why(unread)}); ${unreadKeys.join(' and ')} may be set there, so SQLAlchemy's default${unreadKeys.length > 1 ? 's are' : ' is'} assumed`, severity: 'warning'})
  }
  if (overflow.value < 0 || size.value === 0) {
    diagnostics.push({
      code: 'unbounded-pool',
      file,
      fix: 'set pool_size and max_overflow to non-negative numbers',
      line,
      message: `this SQLAlchemy engine's pool has no upper bound (${overflow.value < 0 ? 'max_overflow=-1' : 'pool_size=0'}); conncalc counts one connection per thread`,
      severity: 'warning',
    })
    return {database, pool: sourced(threads.value, fromFile(file, line), [threads.source]), server}
  }

  // Each source once: both keys are often read from one dict, with one note on it.
  const own = fromFile(file, line)
  const via = uniqueSources([[own], [size.source, ...(size.via ?? []), overflow.source, ...(overflow.via ?? [])]]).slice(1)
  return {database, pool: sourced(size.value + overflow.value, own, via), server}
}

/** Where the app sets a Flask config key: at module level, on a config class, `app.config[KEY] = …`, `config.update(KEY=…)`. */
function moduleFlaskConfig(modules: PyModule[], key: string, classesKnown = false): {file: string; line: number; value: EvalValue} | undefined {
  let found: {file: string; line: number; value: EvalValue} | undefined
  for (const m of modules) {
    const top = m.names.get(key)
    if (top) found = {file: top.file, line: top.line, value: top}
    for (const v of classesKnown ? [] : m.names.values()) {
      if (v.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'class') {
        const opt = v.value.attrs.get(key)
        if (opt) found ??= {file: opt.file, line: opt.line, value: opt}
      }
    }

    for (const a of m.itemAssignments) if (a.key === key) found = {file: m.file, line: a.line, value: a.value}
    for (const c of m.calls) {
      if (c.callee.endsWith('config.update') && c.kwargs[key]) found = {file: m.file, line: c.line, value: c.kwargs[key]}
    }
  }

  return found
}

const FLASK_SA_2_OPTIONS = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/2.5.1/flask_sqlalchemy/__init__.py#L613-L618'
const FLASK_SA_3_OPTIONS = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/3.1.1/src/flask_sqlalchemy/extension.py#L328-L331'

type Options = {file: string; line: number; value: EvalValue}

/** Which of SQLAlchemy(engine_options=…) and SQLALCHEMY_ENGINE_OPTIONS a key is read from first, by the pinned version. */
function optionsOrder(files: FileReader, ctor: Options, config: Options): {first: Options; then: Options; why: Source} {
  const pin = pinnedVersion(files, 'flask-sqlalchemy')
  const both = `engine_options at ${ctor.file}:${ctor.line} and SQLALCHEMY_ENGINE_OPTIONS at ${config.file}:${config.line}`
  if (pin && Number.parseInt(pin.version, 10) < 3) {
    return {first: ctor, then: config, why: fromDefault(`Flask-SQLAlchemy ${pin.version} (${pin.file}:${pin.line}) reads ${both}, SQLAlchemy(engine_options=…) first`, FLASK_SA_2_OPTIONS)}
  }

  const what = `reads ${both}, the config first`
  return {
    first: config,
    then: ctor,
    why: pin ? fromDefault(`Flask-SQLAlchemy ${pin.version} (${pin.file}:${pin.line}) ${what}`, FLASK_SA_3_OPTIONS) : assumed(`no pinned Flask-SQLAlchemy version found; 3.x assumed, which ${what} (before 3.0 engine_options won)`),
  }
}

/** Names of the app's own subclasses of flask_sqlalchemy.SQLAlchemy (`class SQLAlchemy(_SQLAlchemy)`). */
function flaskSubclasses(modules: PyModule[]): Set<string> {
  const names = new Set<string>()
  for (const m of modules) {
    for (const [name, v] of m.names) {
      if (v.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'class' && v.value.bases.includes('flask_sqlalchemy.SQLAlchemy')) names.add(name)
    }
  }

  return names
}

// The hooks a Flask-SQLAlchemy subclass overrides to change create_engine's options: apply_driver_hacks(app, sa_url, options)
// and apply_pool_defaults(app, options) before 3.0, _apply_driver_defaults(options, app) from 3.0 (each mutates `options`).
const DRIVER_HOOKS = new Set(['apply_driver_hacks', 'apply_pool_defaults', '_apply_driver_defaults'])

/**
 * `options["poolclass"] = NullPool` in the app's subclass's driver hook (the "NullPoolSQLAlchemy" recipe): the pool
 * class create_engine is given, with where it is set.
 */
function hookPoolclass(modules: PyModule[], subclasses: Set<string>): {cond?: string; file: string; line: number; name: string} | undefined {
  for (const m of modules) {
    for (const a of m.itemAssignments) {
      if (a.key !== 'poolclass' || !a.name || !a.within) continue
      const [cls, method] = a.within.split('.')
      // Under an `if` conncalc cannot decide (`if settings.DISABLE_POOL:`), the pool class may or may not change.
      if (subclasses.has(cls) && DRIVER_HOOKS.has(method)) return {file: m.file, line: a.line, name: a.name, ...(a.arm ? {cond: `${a.arm.cond} (${a.arm.file}:${a.arm.line})`} : {})}
    }
  }

  return undefined
}

/** Flask-SQLAlchemy's call: its own class, or the app's subclass called by name or through its module. */
const isFlaskSqlalchemy = (c: PyCall, subclasses: Set<string>): boolean => c.callee === 'flask_sqlalchemy.SQLAlchemy' || subclasses.has(c.callee.split('.').pop()!)

/**
 * Whether SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW are read, by the pinned Flask-SQLAlchemy version:
 * below 3.0 yes; 3.0 and later no; unpinned (a git URL, a range) they are taken as set, an assumption.
 */
function legacyKeysRead(files: FileReader, set: {file: string; line: number}): {read: boolean; why: Source; at?: Source} {
  const pin = pinnedVersion(files, 'flask-sqlalchemy')
  if (!pin) return {read: true, why: assumed(`no pinned Flask-SQLAlchemy version found (requirements.txt, requirements.in, poetry.lock, uv.lock, Pipfile.lock; a git URL pinned to a commit has none); the app sets SQLALCHEMY_POOL_SIZE or SQLALCHEMY_MAX_OVERFLOW at ${set.file}:${set.line}, so Flask-SQLAlchemy < 3.0 is assumed, which passes them to create_engine (3.0 no longer reads them)`)}
  const at = fromFile(pin.file, pin.line)
  return Number.parseInt(pin.version, 10) < 3
    ? {at, read: true, why: fromDefault(`Flask-SQLAlchemy ${pin.version} (< 3.0) passes SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW to create_engine as pool_size / max_overflow`, FLASK_SA_2)}
    : {at, read: false, why: fromDefault(`Flask-SQLAlchemy ${pin.version} no longer reads SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW (removed in 3.0; set at ${set.file}:${set.line}): SQLAlchemy's defaults apply`, FLASK_SA_3)}
}

const FLASK_BINDS_2 = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/2.5.1/flask_sqlalchemy/__init__.py'
const FLASK_BINDS_3 = 'https://github.com/pallets-eco/flask-sqlalchemy/blob/3.1.1/src/flask_sqlalchemy/extension.py'

/**
 * SQLALCHEMY_BINDS: Flask-SQLAlchemy makes one more engine, with a pool of its own, for each bind key (`{"read-db": URL}`),
 * and a thread holds a connection of each engine its session used. Before 3.0 every bind's engine gets the app's options
 * (_EngineConnector.get_options: SQLALCHEMY_POOL_SIZE…, SQLALCHEMY_ENGINE_OPTIONS, engine_options); from 3.0 a bind gets
 * only SQLAlchemy(engine_options=…), updated by its own dict (`{"url": …, "pool_size": 2}`), not SQLALCHEMY_ENGINE_OPTIONS,
 * which is the default bind's (extension.py init_app). Each bind is counted as its own pool on the server its URL names
 * (one from the same variable as SQLALCHEMY_DATABASE_URI is the app's server); a SQLite bind opens no PostgreSQL
 * connection. Binds that cannot be read are said, not counted.
 */
function bindEntries(
  primary: PoolEntry,
  found: {binds?: Options; ctor?: Options; optionsSet: boolean; uri?: Options},
  files: FileReader,
  threads: Sourced<number>,
  diagnostics: Diagnostic[],
): PoolEntry[] {
  const {binds, ctor, uri} = found
  if (!binds || (binds.value.kind === 'known' && binds.value.value === null)) return []
  if (!isDict(binds.value) || binds.value.value.partial === true) {
    diagnostics.push({code: 'unknown-config-value', file: binds.file, line: binds.line, message: `cannot read SQLALCHEMY_BINDS (${why(binds.value)}): each bind is an engine with a pool of its own, which is not counted`, severity: 'warning'})
    return []
  }

  const pin = pinnedVersion(files, 'flask-sqlalchemy')
  const before3 = pin !== undefined && Number.parseInt(pin.version, 10) < 3
  const version = pin
    ? fromDefault(`Flask-SQLAlchemy ${pin.version} (${pin.file}:${pin.line}) ${before3 ? "gives every bind's engine the app's engine options" : "gives a bind's engine SQLAlchemy(engine_options=…) and the bind's own options, not SQLALCHEMY_ENGINE_OPTIONS"}`, before3 ? FLASK_BINDS_2 : FLASK_BINDS_3)
    : found.optionsSet
      ? assumed(`no pinned Flask-SQLAlchemy version found; 3.x assumed, which gives a bind's engine SQLAlchemy(engine_options=…) and the bind's own options, not the app's SQLALCHEMY_ENGINE_OPTIONS (before 3.0 every bind had them)`)
      : fromDefault(`Flask-SQLAlchemy gives a bind's engine SQLAlchemy(engine_options=…) and the bind's own options`, FLASK_BINDS_3)
  const primaryServer = uri ? engineServer(uri.value) : undefined
  const out: PoolEntry[] = []
  for (const [key, bind] of binds.value.value.entries) {
    const own = isDict(bind) ? bind : undefined
    const url = own ? entry(own, 'url') : bind
    if (asString(url)?.startsWith('sqlite')) continue
    const urlServer = engineServer(url)
    const server = urlServer === primaryServer || (urlServer === 'DATABASE_URL' && primaryServer === undefined) ? primary.server : urlServer
    const line = bind.line ?? binds.line
    const database = `flask-sqlalchemy bind ${key}`
    const bound = before3 && !own
      ? {...primary, database, server}
      : engineEntry(binds.file, line, database, (k) => {
          const v = entry(own, k) ?? entry(ctor?.value, k)
          return v ? {line: v.line ?? line, v} : undefined
        }, undefined, server, threads, diagnostics)
    if (bound) out.push({...bound, blocking: true, pool: {...bound.pool, via: [...(bound.pool.via ?? []), fromFile(binds.file, line), version]}})
  }

  return out
}

/**
 * @param idle engines (keyed `file:line`) this process never connects (task-only.ts: used only by task bodies another process runs).
 * @param loaded the Flask config as its loading calls give it (flask-config.ts): the keys of the modules and classes
 * `config.from_object("app.settings")` and `from_pyfile(…)` load, which the app need not import, read where the
 * modules themselves do not set a key; and the sources conncalc cannot read (`config.from_envvar(…)`, a `from_object`
 * of a value it cannot evaluate), any of which may set SQLALCHEMY_ENGINE_OPTIONS or the pre-3.0 keys.
 */
export function enginePools(modules: PyModule[], threads: Sourced<number>, files: FileReader, idle: ReadonlySet<string> = new Set(), loaded?: FlaskConfig): EnginePools {
  const flaskUnread = loaded?.unread ?? []
  // `config.from_object(ProdConfig)` read: the config classes it did not name are not the app's config.
  const lookup = (option?: ReadonlyMap<string, FlaskConfigKey[]>) => (ms: PyModule[], key: string): Options | undefined => moduleFlaskConfig(ms, key, loaded?.fromClass) ?? option?.get(key)?.at(-1) ?? loaded?.keys.get(key)?.at(-1)
  const diagnostics: Diagnostic[] = []
  const pools: PoolEntry[] = []
  const built: Alternative<PoolEntry>[] = []
  const perRequest = requestFunctions(modules)
  let saidPerRequest = false
  for (const m of modules) {
    for (const c of m.calls) {
      if (!isEngineCall(c) || idle.has(`${m.file}:${c.line}`)) continue
      // Built in a function every request runs (a FastAPI dependency, a route handler, or what they call), not cached:
      // a new engine, so a new pool, per request; the connections grow with the requests in flight, with no bound.
      // Kept past the call (`self.engine = …`, a module global `_engine` set once) is not per request.
      const kept = c.assignedAttr !== undefined || (c.assignedTo !== undefined && m.names.has(c.assignedTo))
      const fn = c.within && !c.within.cached && !kept ? perRequest.get(c.within.name.split('.').pop()!) : undefined
      const request = fn ? [assumed(`the engine at ${m.file}:${c.line} is built in ${c.within!.name}(), which ${fn}: a new engine (and pool) per request, each request holding its own connection, with no bound; one engine's pool counted`)] : []
      if (fn && !saidPerRequest) {
        saidPerRequest = true
        diagnostics.push({code: 'unbounded-pool', file: m.file, fix: 'build the engine once, at import (module level) or in a cached function, and hand out sessions from it', line: c.line, message: `the SQLAlchemy engine at ${m.file}:${c.line} is built in ${c.within!.name}(), which ${fn}: every request makes an engine of its own and opens a connection on it, so the connections per process grow with the requests in flight, with no pool to bound them (the engines' pools are not shared); conncalc counts one engine's pool`, severity: 'warning'})
      }

      // A factory the app calls at import from several places builds an engine at each of them.
      for (const {call, suffix, via} of eachBuilt(c, POOL_REF)) {
        const url = boundArgument(call, 'url', 0)
        const scheme = urlScheme(url)
        if (scheme && 'scheme' in scheme && scheme.scheme.split('+')[0] === 'sqlite') continue
        // A URL conncalc cannot read may be SQLite's (no PostgreSQL connection at all): a PostgreSQL one is assumed.
        const unread = scheme && 'unread' in scheme ? scheme.unread : undefined
        if (unread !== undefined && !diagnostics.some((d) => d.code === 'unknown-config-value' && d.file === m.file && d.line === c.line && d.message.startsWith('cannot read the URL'))) diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `cannot read the URL of the SQLAlchemy engine at ${m.file}:${c.line} (${unread}); it is counted as a PostgreSQL database, an assumption (a sqlite: URL would open no PostgreSQL connection)`, severity: 'warning'})
        const e = engineEntry(m.file, c.line, `engine ${m.file}:${c.line}${suffix}`, (k) => {
          const v = boundArgument(call, k)
          return v ? {line: v.line, v} : undefined
        }, c.kwargText.poolclass, engineServer(url), threads, diagnostics, call.spread)
        const sync = e && !ASYNC_ENGINE.test(c.callee) ? {...e, blocking: true as const} : e
        // In a `for`, a `while` or a comprehension (`[create_engine(u) for u in followers]`): one engine per item, as many
        // as the items, which conncalc does not count (none when the list is empty); one is counted, an assumption.
        const each = [...(c.loop ? [assumed(`the engine at ${m.file}:${c.line} is built in a loop or comprehension, one per item; how many items there are conncalc does not count (none for an empty list): one engine counted`)] : []), ...request, ...(unread !== undefined ? [assumed(`the URL of the engine at ${m.file}:${c.line} cannot be read (${unread}): a PostgreSQL database is assumed (a sqlite: URL would open no PostgreSQL connection)`)] : [])]
        if (sync) built.push({arms: c.arms, item: via.length + each.length > 0 ? {...sync, pool: {...sync.pool, via: [...(sync.pool.via ?? []), ...via, ...each]}} : sync, scope: suffix, weight: sync.pool.value})
      }
    }
  }

  // Engines in the arms of one undecided `if` (production engine / else a dev one): one arm runs.
  const {chose, kept} = largestArms(built)
  const marks = new Map<PoolEntry, Source>()
  for (const ch of chose) {
    const why = assumed(`the \`if\` at ${ch.file}:${ch.line} is not decided; its ${ch.arms} arms build different engines (pool ${ch.weights.join(', ')}) and only one runs: the largest, ${ch.weight}, is counted`)
    for (const e of ch.kept) marks.set(e, why)
  }

  for (const e of kept) {
    const why = marks.get(e)
    pools.push(why ? {...e, pool: {...e.pool, via: [...(e.pool.via ?? []), why]}} : e)
  }

  const subclasses = flaskSubclasses(modules)
  const flask = modules.flatMap((m) => m.calls.filter((c) => isFlaskSqlalchemy(c, subclasses)).map((c) => ({c, m})))
  if (flask.length > 0) {
    const {c, m} = flask[0]
    // Flask-SQLAlchemy's engine as the config gives it, the config's keys looked up by `flaskConfig`.
    const build = (flaskConfig: ReturnType<typeof lookup>, diags: Diagnostic[]): PoolEntry[] => {
      const out: PoolEntry[] = []
      const ctor = c.kwargs.engine_options ? {file: c.kwargs.engine_options.file, line: c.kwargs.engine_options.line, value: c.kwargs.engine_options} : undefined
      const config = flaskConfig(modules, 'SQLALCHEMY_ENGINE_OPTIONS')
      // Both set: per key, < 3.0 lets SQLAlchemy(engine_options=…) win ("ultimate priority", get_options);
      // 3.x lets the config win (init_app: engine_options.copy().update(SQLALCHEMY_ENGINE_OPTIONS)).
      const order = ctor && config ? optionsOrder(files, ctor, config) : {first: ctor ?? config, then: undefined, why: undefined}
      const opts = order.first
      const legacy = Object.fromEntries(Object.entries(LEGACY_KEYS).flatMap(([k, key]) => {
        const f = flaskConfig(modules, key)
        return f ? [[k, f]] : []
      })) as Record<string, {file: string; line: number; value: EvalValue}>
      const firstLegacy = legacy.pool_size ?? legacy.max_overflow
      const version = firstLegacy ? legacyKeysRead(files, firstLegacy) : undefined
      const get = (k: string): {line: number; v: EvalValue} | undefined => {
        const v = entry(opts?.value, k) ?? entry(order.then?.value, k)
        if (v) return {line: v.line, v: order.why && v.kind === 'known' ? {...v, via: [...v.via, order.why]} : v}
        const old = version?.read ? legacy[k] : undefined
        return old ? {line: old.line, v: old.value} : undefined
      }

      const at = opts ?? (version?.read ? firstLegacy : undefined)
      const file = at?.file ?? m.file
      // SQLALCHEMY_DATABASE_URI read from a var (not the platform's) with no value here: the engine's server is that
      // var's, as a create_engine on the same var is (model/other-server.ts), so both are placed alike.
      const uri = flaskConfig(modules, 'SQLALCHEMY_DATABASE_URI')
      const uriServer = uri ? engineServer(uri.value) : undefined
      const server = uriServer !== undefined && unsetVarsOf(uriServer) ? uriServer : 'DATABASE_URL'
      // Options that cannot be read (or spread in a dict that cannot): the keys they may set are assumed, and said.
      const unreadOpts = opts && (!isDict(opts.value) || opts.value.value.partial === true) ? {...opts.value, file: opts.file, line: opts.line} : undefined
      // Neither the options nor the pre-3.0 keys are set anywhere read, and a config source conncalc cannot read may set them.
      const source = !opts && !(version?.read && firstLegacy) ? flaskUnread[0] : undefined
      const unread: EvalValue | undefined = unreadOpts ?? (source ? {file: source.file, kind: 'unknown', line: source.line, reason: source.why} : undefined)
      const found = hookPoolclass(modules, subclasses)
      const hook = found && !found.cond ? found : undefined
      const e = hook
        ? engineEntry(hook.file, hook.line, 'flask-sqlalchemy', get, hook.name, server, threads, diags)
        : engineEntry(file, at?.line ?? c.line, 'flask-sqlalchemy', get, undefined, server, threads, diags, unread)
      if (e && hook) {
        out.push({...e, blocking: true, pool: {...e.pool, via: [...(e.pool.via ?? []), fromDefault(`the app's Flask-SQLAlchemy subclass sets create_engine's poolclass in its driver hook, which Flask-SQLAlchemy calls before it creates the engine (_EngineConnector.get_engine)`, FLASK_SA_2)]}})
      } else if (e) {
        // The hook sets the pool class only when a condition holds that cannot be decided here: the pool read otherwise is counted, starred.
        const cond = found?.cond ? [assumed(`${found.file}:${found.line} sets create_engine's poolclass to ${found.name.split('.').pop()} only if ${found.cond}, which cannot be decided here; the pool it has otherwise is counted`)] : []
        const versionVia = [...(version ? [version.why, ...(version.at ? [version.at] : [])] : []), ...cond]
        out.push({...e, blocking: true, pool: {...e.pool, via: [...(e.pool.via ?? []), ...versionVia, fromDefault('Flask-SQLAlchemy passes SQLALCHEMY_ENGINE_OPTIONS to create_engine', FLASK_REF)]}})
      }

      if (out.length > 0) {
        const found = {binds: flaskConfig(modules, 'SQLALCHEMY_BINDS'), ctor, optionsSet: config !== undefined || firstLegacy !== undefined, uri: flaskConfig(modules, 'SQLALCHEMY_DATABASE_URI')}
        append(out, bindEntries(out[0], found, files, threads, diags))
      }

      return out
    }

    // `config.from_object(config[os.getenv("FLASK_CONFIG")])`: one of several config classes, which one not decided here.
    // Each is read and the largest pool counted (as for an undecided `if`'s arms), an assumption naming them all.
    const choice = loaded?.choices[0]
    const each = choice ? choice.options.map((o) => {
      const diags: Diagnostic[] = []
      return {diags, name: o.name, out: build(lookup(o.keys), diags)}
    }) : []
    const size = (o: {out: PoolEntry[]}) => o.out.reduce((n, e) => n + e.pool.value, 0)
    if (choice && each.length > 0) {
      const best = each.reduce((a, b) => (size(b) > size(a) ? b : a))
      append(diagnostics, best.diags)
      const sizes = each.map((o) => `${o.name} ${size(o)}`)
      const differ = new Set(each.map(size)).size > 1
      const note = differ
        ? assumed(`config.from_object at ${choice.file}:${choice.line} loads one of ${each.length} config classes, and which one is not decided here (${choice.why}); their pools: ${sizes.join(', ')}: the largest, ${best.name}'s, is counted (set the variable that picks it, with --env, to read the one deployed)`)
        : fromFile(choice.file, choice.line)
      for (const e of best.out) pools.push({...e, pool: {...e.pool, via: [...(e.pool.via ?? []), note]}})
    } else {
      // `create_app(os.getenv("FLASK_CONFIG") or "default")`: the class the fallback picks, and the variable that would change it.
      const fallback = loaded?.byFallback[0]
      const names = [...new Set(fallback?.missing.map((x) => x.name))]
      const note = fallback ? [fromDefault(`config.from_object at ${fallback.file}:${fallback.line} loads ${fallback.name}: ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no value here, so the app's own fallback picks it (set ${names.length === 1 ? 'it' : 'them'} with --env to read the class deployed)`, [...new Set(fallback.missing.flatMap((x) => (x.file ? [`${x.file}:${x.line}`] : [])))].join(', ') || 'read by the code')] : []
      for (const e of build(lookup(), diagnostics)) pools.push(note.length > 0 ? {...e, pool: {...e.pool, via: [...(e.pool.via ?? []), ...note]}} : e)
    }
  }

  return {diagnostics, pools}
}


/**
 * The app's functions that run on every request, by name, with why: those FastAPI's `Depends(f)` names (it calls a
 * dependency per request, https://fastapi.tiangolo.com/tutorial/dependencies/), those a route decorator registers
 * (`@app.get`, `@router.post`, `@bp.route`, Flask's `@app.before_request`), and the app's functions they call, a few calls deep.
 */
function requestFunctions(modules: readonly PyModule[]): Map<string, string> {
  const ROUTE = /(^|\.)(get|post|put|patch|delete|route|api_route|websocket|before_request)$/
  const found = new Map<string, string>()
  for (const m of modules) {
    for (const c of m.calls) {
      if (/(^|\.)(Depends|Security)$/.test(c.callee) && /^fastapi(\.|$)/.test(c.callee)) {
        const name = c.argNames?.[0]?.split('.').pop()
        if (name && !found.has(name)) found.set(name, `FastAPI calls for every request that depends on it (Depends(${name}) at ${m.file}:${c.line})`)
      }

      const fn = c.within
      if (fn?.decorators?.some((d) => ROUTE.test(d) && !/^(os\.environ|environ|settings|config)\./.test(d))) {
        const name = fn.name.split('.').pop()!
        if (!found.has(name)) found.set(name, `runs for every request (@${fn.decorators.find((d) => ROUTE.test(d))} at ${fn.file}:${fn.line})`)
      }
    }
  }

  // What they call: the app's own functions (appDefined), three calls deep.
  for (let depth = 0; depth < 3; depth++) {
    const before = found.size
    for (const m of modules) {
      for (const c of m.calls) {
        const caller = c.within?.name.split('.').pop()
        const why = caller === undefined ? undefined : found.get(caller)
        const name = c.callee.split('.').pop()!
        if (why && c.appDefined && !found.has(name)) found.set(name, `is called (${m.file}:${c.line}) by ${caller}(), which ${why}`)
      }
    }

    if (found.size === before) break
  }

  return found
}
