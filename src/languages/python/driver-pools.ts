/**
 * Pools a Python app makes with a PostgreSQL driver's own pool rather than an ORM:
 * asyncpg `create_pool` (min_size 10, max_size 10, opened at creation), aiopg's `create_pool` and
 * `aiopg.sa.create_engine` (minsize 1, maxsize 10), psycopg 3's
 * psycopg_pool `ConnectionPool`/`AsyncConnectionPool` (min_size 4, max_size = min_size),
 * psycopg2's `SimpleConnectionPool`/`ThreadedConnectionPool(minconn, maxconn)` (minconn
 * opened at creation) and peewee's `PooledPostgresqlDatabase` (max_connections 20); and
 * encode/databases' `Database(url)` on PostgreSQL (an asyncpg pool, min_size/max_size from the URL or its options), and
 * Tortoise ORM's connections (`Tortoise.init`, `register_tortoise`, `RegisterTortoise`:
 * `db_url` or `config={"connections": …}`), each an asyncpg/psycopg pool of `maxsize` (5); and Quart-DB's
 * `QuartDB(app, url=…, backend_options={…})` (an asyncpg pool, or psycopg_pool's on a `postgresql+psycopg://` URL, made
 * in before_serving with the backend options as its keyword arguments).
 * Each is counted once per process where the app makes it, like a SQLAlchemy engine.
 */
import type {EvalValue, PyCall, PyModule} from './values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'

import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {boundArgument, eachBuilt} from './bound-arguments.js'
import {assumedDefault, pyCandidate} from './candidate.js'
import {asString, entry, isDict} from './evaluate.js'
import {append} from '../../util/arrays.js'
import {engineServer} from './sqlalchemy.js'

interface Driver {
  callee: RegExp
  name: string
  ref: string
  /** The largest the pool grows to, and the connections it opens at creation (undefined: none kept). */
  max: {arg?: number; default?: number; kwarg: string}
  min?: {arg?: number; default: number; kwarg: string}
  /** When max is not given, it is min (psycopg_pool's max_size=None). */
  maxIsMin?: boolean
  /** The URL's query may set min and max by the same names, which the keyword arguments override (encode/databases). */
  urlOptions?: boolean
  /** min and max are entries of this keyword argument's dict, not keyword arguments of the call (Quart-DB's backend_options). */
  optionsKwarg?: string
  /** Which URL schemes are this driver's (the URL read, when it is): another scheme is another backend (Quart-DB). */
  schemes?: RegExp
}

const DATABASES_POSTGRES = 'https://github.com/encode/databases/blob/62602c6c7be079e64f8e5fd4b76aa6a35c406b32/databases/backends/postgres.py'
// quart_db/extension.py: QuartDB(app=None, *, url=None, …, backend_options=None); the URL is `url` or the app's
// QUART_DB_DATABASE_URL; _create_backend picks backends/asyncpg.py for postgresql:// and postgres:// (postgresql+psycopg:
// backends/psycopg.py, sqlite: aiosqlite). Backend.connect (run in before_serving) is
// `asyncpg.create_pool(dsn=url, init=…, **options)`, or psycopg_pool's `AsyncConnectionPool(url, kwargs=…, **options)`.
const QUART_DB = 'https://github.com/pgjones/quart-db/blob/main/src/quart_db/backends/asyncpg.py'
const QUART_DB_PSYCOPG = 'https://github.com/pgjones/quart-db/blob/main/src/quart_db/backends/psycopg.py'

const DRIVERS: Driver[] = [
  // asyncpg/pool.py: `def create_pool(dsn=None, *, min_size=10, max_size=10, …)`; the pool opens min_size connections when it starts.
  {callee: /^asyncpg\.(create_pool|pool\.create_pool|Pool)$/, max: {default: 10, kwarg: 'max_size'}, min: {default: 10, kwarg: 'min_size'}, name: 'asyncpg', ref: 'https://github.com/MagicStack/asyncpg/blob/master/asyncpg/pool.py'},
  // psycopg_pool/base.py: `min_size: int = 4, max_size: int | None = None` (None: max_size = min_size); min_size connections are kept open.
  {callee: /^psycopg_pool\.(Async)?ConnectionPool$/, max: {kwarg: 'max_size'}, maxIsMin: true, min: {default: 4, kwarg: 'min_size'}, name: 'psycopg_pool', ref: 'https://github.com/psycopg/psycopg/blob/master/psycopg_pool/psycopg_pool/base.py'},
  // psycopg2/pool.py: `AbstractConnectionPool.__init__(self, minconn, maxconn, *args, **kwargs)` opens minconn connections at once.
  {callee: /^psycopg2\.pool\.(Simple|Threaded|Persistent)ConnectionPool$/, max: {arg: 1, kwarg: 'maxconn'}, min: {arg: 0, default: 0, kwarg: 'minconn'}, name: 'psycopg2 pool', ref: 'https://github.com/psycopg/psycopg2/blob/master/lib/pool.py'},
  // aiopg/pool.py: `def create_pool(dsn=None, *, minsize=1, maxsize=10, …)`, filled to minsize when made
  // (Pool.from_pool_fill); aiopg/sa/engine.py: `create_engine(dsn=None, *, minsize=1, maxsize=10, …)` makes such a pool.
  {callee: /^aiopg\.(create_pool|pool\.create_pool|sa\.create_engine|sa\.engine\.create_engine)$/, max: {default: 10, kwarg: 'maxsize'}, min: {default: 1, kwarg: 'minsize'}, name: 'aiopg', ref: 'https://github.com/aio-libs/aiopg/blob/v1.4.0/aiopg/pool.py'},
  // encode/databases: `Database(url, **options)` on a postgresql:// URL is PostgresBackend, which makes
  // `asyncpg.create_pool(url, **kwargs)` on connect(): min_size/max_size from the URL's query, the options over them
  // (databases/backends/postgres.py _get_connection_kwargs), else asyncpg's 10 and 10.
  {callee: /^databases\.(core\.)?Database$/, max: {default: 10, kwarg: 'max_size'}, min: {default: 10, kwarg: 'min_size'}, name: 'databases (asyncpg)', ref: DATABASES_POSTGRES, urlOptions: true},
  {callee: /^quart_db(\.extension)?\.QuartDB$/, max: {default: 10, kwarg: 'max_size'}, min: {default: 10, kwarg: 'min_size'}, name: 'Quart-DB (asyncpg)', optionsKwarg: 'backend_options', ref: QUART_DB, schemes: /^postgres(ql)?(\+asyncpg)?:\/\//i},
  {callee: /^quart_db(\.extension)?\.QuartDB$/, max: {kwarg: 'max_size'}, maxIsMin: true, min: {default: 4, kwarg: 'min_size'}, name: 'Quart-DB (psycopg)', optionsKwarg: 'backend_options', ref: QUART_DB_PSYCOPG, schemes: /^postgres(ql)?\+psycopg:\/\//i},
  // playhouse/pool.py: `PooledDatabase.__init__(self, database, max_connections=20, stale_timeout=None, timeout=None, **kwargs)`.
  {callee: /^playhouse\.(pool|postgres_ext)\.PooledPostgresql(Ext)?Database$/, max: {default: 20, kwarg: 'max_connections'}, name: 'peewee pool', ref: 'https://github.com/coleifer/peewee/blob/master/playhouse/pool.py'},
]

function setting(c: PyCall, spec: {arg?: number; kwarg: string}, optionsKwarg?: string): EvalValue | undefined {
  // A parameter of the app's own function (`def make_pool(dsn, size=10): asyncpg.create_pool(dsn, max_size=size)`) is read at its callers.
  const v = optionsKwarg ? entry(boundArgument(c, optionsKwarg), spec.kwarg) : boundArgument(c, spec.kwarg, spec.arg)
  // `max_size=None` is psycopg_pool's own default: as if not written.
  return v?.kind === 'known' && v.value === null ? undefined : v
}

/** `?min_size=2&max_size=5` in a URL conncalc reads (encode/databases reads them the same way). */
function urlOption(c: PyCall, file: string, driver: Driver, key: string): Sourced<number> | undefined {
  const url = asString(c.args[0] ?? c.kwargs.url)
  const raw = url?.includes('?') ? new URLSearchParams(url.slice(url.indexOf('?') + 1)).get(key) : null
  if (raw === null || raw === undefined || !/^\d+$/.test(raw)) return undefined
  return sourced(Number(raw), fromFile(file, c.line), [fromDefault(`${driver.name} reads ${key} from the URL's query`, driver.ref)])
}

function read(c: PyCall, file: string, driver: Driver, spec: {arg?: number; default?: number; kwarg: string}, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const v = setting(c, spec, driver.optionsKwarg)
  const fromUrl = !v && driver.urlOptions ? urlOption(c, file, driver, spec.kwarg) : undefined
  if (fromUrl) return fromUrl
  const got = v ? pyCandidate(v, `${driver.name} ${spec.kwarg}`) : {diagnostics: []}
  append(diagnostics, got.diagnostics)
  if (got.value) return got.value
  if (spec.default === undefined) return undefined
  const dflt = sourced(spec.default, fromFile(file, c.line), [fromDefault(`${driver.name} default ${spec.kwarg}`, driver.ref)])
  return v ? assumedDefault(dflt, v, `${driver.name} ${spec.kwarg}`) : dflt
}

// tortoise/backends/base_postgres/client.py: `self.pool_minsize = int(self.extra.pop("minsize", 1))`,
// `self.pool_maxsize = int(self.extra.pop("maxsize", 5))`; a db_url's query parameters become those keyword arguments.
const TORTOISE = 'https://github.com/tortoise/tortoise-orm/blob/develop/tortoise/backends/base_postgres/client.py'
// tortoise/connection.py: `class ConnectionHandler` keeps the clients in `_conn_storage`, a dict keyed by connection
// name; Tortoise.init (register_tortoise calls it) sets the config and makes one client per name.
const TORTOISE_CONNECTIONS = 'https://github.com/tortoise/tortoise-orm/blob/develop/tortoise/connection.py'
const TORTOISE_INIT = /^tortoise(\.contrib\.\w+)?\.(Tortoise\.init|register_tortoise|RegisterTortoise)$/
const TORTOISE_POSTGRES = /^(postgres|postgresql|asyncpg|psycopg)(\+\w+)?:\/\//

/** One Tortoise connection: a URL (its `?maxsize=`/`?minsize=`) or `{"engine": …, "credentials": {…}}`. */
function tortoiseConnection(file: string, name: string, conn: EvalValue, diagnostics: Diagnostic[]): PoolEntry | undefined {
  const url = asString(conn)
  let max: Sourced<number> | undefined
  let min: Sourced<number> | undefined
  const dflt = (n: number, what: string): Sourced<number> => sourced(n, fromFile(file, conn.line), [fromDefault(`Tortoise ORM's default ${what}`, TORTOISE)])
  if (url !== undefined) {
    if (!TORTOISE_POSTGRES.test(url)) return undefined
    const query = new URLSearchParams(url.split('?')[1] ?? '')
    const at = (k: string): Sourced<number> | undefined => (/^\d+$/.test(query.get(k) ?? '') ? sourced(Number(query.get(k)), fromFile(file, conn.line)) : undefined)
    max = at('maxsize')
    min = at('minsize')
  } else if (isDict(conn)) {
    const engine = asString(entry(conn, 'engine')) ?? ''
    if (!/asyncpg|psycopg/.test(engine)) return undefined
    const credentials = entry(conn, 'credentials')
    for (const [key, set] of [['maxsize', (v: Sourced<number>) => (max = v)], ['minsize', (v: Sourced<number>) => (min = v)]] as const) {
      const got = entry(credentials, key) ? pyCandidate(entry(credentials, key), `Tortoise ${key}`) : {diagnostics: []}
      append(diagnostics, got.diagnostics)
      if (got.value) set(got.value)
    }
  } else if (conn.kind === 'known' && conn.missingEnv) {
    // db_url=os.environ.get("DATABASE_URL") with no value here: on Heroku it is the Postgres URL, with no pool parameters.
  } else return undefined

  const pool = max ?? dflt(5, 'maxsize')
  const open = min ?? dflt(1, 'minsize')
  return {database: `tortoise ${name} ${file}:${conn.line}`, minOpen: open.value > pool.value ? {...open, value: pool.value} : open, pool, server: engineServer(conn)}
}

/** The Tortoise connections an init call names: `db_url=…`, or `config={"connections": {name: …}}`. */
function tortoisePools(file: string, c: PyCall, diagnostics: Diagnostic[]): {entry: PoolEntry; name: string}[] {
  const url = c.kwargs.db_url
  if (url) {
    const one = tortoiseConnection(file, 'default', url, diagnostics)
    return one ? [{entry: one, name: 'default'}] : []
  }

  const connections = entry(c.kwargs.config, 'connections')
  if (!isDict(connections)) {
    if (c.kwargs.config || c.kwargs.config_file) diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the Tortoise ORM config passed here${c.kwargs.config_file ? ' (a config file)' : ''}; its pools are not counted`, severity: 'warning'})
    return []
  }

  const out: {entry: PoolEntry; name: string}[] = []
  for (const [name, conn] of connections.value.entries) {
    const one = conn ? tortoiseConnection(file, name, conn, diagnostics) : undefined
    if (one) out.push({entry: one, name})
  }

  return out
}

/** A call that makes one of the pools this module reads (a driver's pool, a Tortoise connection). */
export const isDriverPoolCall = (c: PyCall): boolean => TORTOISE_INIT.test(c.callee) || DRIVERS.some((d) => d.callee.test(c.callee))

/**
 * The pools the app's modules make through database drivers.
 * @param releaseOnly names of the app's functions the release phase's command calls (`release: python -c
 * "from db import init_db_sync; init_db_sync()"`): made only there when this process never calls them.
 * @param idle calls (keyed `file:line`) this process never makes: written in a function only task bodies a worker
 * runs reach (task-only.ts taskOnlyCalls).
 */
export function driverPools(modules: PyModule[], releaseOnly: ReadonlySet<string> = new Set(), idle: ReadonlySet<string> = new Set()): {diagnostics: Diagnostic[]; pools: PoolEntry[]} {
  const uncalled = (c: PyCall): boolean => c.within !== undefined && c.within.sites.length === 0 && !c.within.truncated && !c.within.decorated && releaseOnly.has(c.within.name)
  const diagnostics: Diagnostic[] = []
  const pools: PoolEntry[] = []
  const slots = new Map<string, {call: PyCall; entry: PoolEntry; line: number}>()
  const tortoiseNames = new Map<string, {entry: PoolEntry; line: string}>()
  for (const m of modules) {
    for (const c of m.calls) {
      if (idle.has(`${m.file}:${c.line}`)) continue
      if (TORTOISE_INIT.test(c.callee)) {
        // Tortoise keeps one client per connection name in a process: a second init (register_tortoise for the app,
        // Tortoise.init in a schema script's function) of the same name replaces the first, it does not add a pool.
        for (const {entry, name} of tortoisePools(m.file, c, diagnostics)) {
          const same = tortoiseNames.get(name)
          if (!same) {
            tortoiseNames.set(name, {entry, line: `${m.file}:${c.line}`})
            pools.push(entry)
            continue
          }

          const keep = entry.pool.value > same.entry.pool.value ? entry : same.entry
          const note = fromDefault(`Tortoise ORM's connection "${name}" is made at ${same.line} and at ${m.file}:${c.line}; Tortoise keeps one client per connection name in a process (ConnectionHandler's storage, keyed by name), so one pool is held (the larger counted)`, TORTOISE_CONNECTIONS)
          const merged = {...keep, pool: {...keep.pool, via: [...(keep.pool.via ?? []), note]}}
          pools[pools.indexOf(same.entry)] = merged
          tortoiseNames.set(name, {entry: merged, line: same.line})
        }

        continue
      }

      const drivers = DRIVERS.filter((d) => d.callee.test(c.callee))
      if (drivers.length === 0) continue
      // A factory the app calls at import from several places makes a pool at each of them.
      for (const {call, suffix, via} of eachBuilt(c, drivers[0].ref)) {
        // Quart-DB's first argument is the app: its URL is `url=` only (else the app's QUART_DB_DATABASE_URL, not read).
        const url = drivers[0].optionsKwarg ? call.kwargs.url : (call.args[0] ?? call.kwargs.dsn ?? call.kwargs.conninfo ?? call.kwargs.database ?? call.kwargs.url)
        if (asString(url)?.startsWith('sqlite')) continue
        // A driver whose backend follows the URL's scheme: the one whose schemes it matches, the first when the URL is not read.
        const text = asString(url)
        const driver = text !== undefined && /^[a-z][\w+.-]*:\/\//i.test(text) ? drivers.find((d) => !d.schemes || d.schemes.test(text)) : drivers[0]
        if (!driver) continue
        // encode/databases picks its backend by the URL's scheme: only postgresql:// (and postgres://, +asyncpg) is asyncpg's.
        if (driver.urlOptions && /^[a-z][\w+.-]*:\/\//i.test(asString(url) ?? '') && !/^postgres(ql)?(\+asyncpg)?:\/\//i.test(asString(url) ?? '')) continue
        const min = driver.min ? read(call, m.file, driver, driver.min, diagnostics) : undefined
        let max = read(call, m.file, driver, driver.max, diagnostics)
        // max_size=None makes it min_size; a max_size written but unreadable is not None (read() said so).
        const written = setting(call, driver.max, driver.optionsKwarg) !== undefined
        if (!max && driver.maxIsMin && min && !written) max = {...min, via: [...(min.via ?? []), fromDefault(`${driver.name} max_size defaults to min_size`, driver.ref)]}
        if (!max) {
          if (!written) diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `this ${driver.name} has no ${driver.max.kwarg} conncalc can read; its pool is not counted`, severity: 'warning'})
          continue
        }

        const entry: PoolEntry = {database: `${driver.name} ${m.file}:${c.line}${suffix}`, pool: via.length > 0 ? {...max, via: [...(max.via ?? []), ...via]} : max, server: engineServer(url)}
        if (min && min.value > 0) entry.minOpen = min.value > max.value ? {...min, value: max.value} : min
        const slot = suffix === '' ? globalSlot(m, c) : undefined
        const same = slot && slots.get(slot.key)
        if (same) {
          // A module global the app assigns a pool to in two places holds one pool at a time: the larger counts,
          // unless one of the two is in a function the release command calls and nothing this process runs does
          // (`init_db_sync()` of `release: python -c "…"`): then the process holds the other.
          const i = pools.indexOf(same.entry)
          const idle = uncalled(c) && !uncalled(same.call) ? 'this' : uncalled(same.call) && !uncalled(c) ? 'same' : undefined
          const keep = idle === 'this' ? same.entry : idle === 'same' ? entry : entry.pool.value > same.entry.pool.value ? entry : same.entry
          const off = idle === 'this' ? c : idle === 'same' ? same.call : undefined
          const note = off
            ? fromDefault(`${slot.name} in ${m.file} is also assigned a pool at line ${off.line}, in ${off.within!.name}(), which the release phase's command calls and nothing this process runs does: the pool held here is the other one`, PYTHON_GLOBALS)
            : fromDefault(`${slot.name} in ${m.file} is assigned a pool at line ${same.line} and at line ${c.line}; one replaces the other, so one pool is held at a time (the larger counted)`, PYTHON_GLOBALS)
          pools[i] = {...keep, pool: {...keep.pool, via: [...(keep.pool.via ?? []), note]}}
          slots.set(slot.key, {call: keep === entry ? c : same.call, entry: pools[i], line: same.line})
          continue
        }

        pools.push(entry)
        if (slot) slots.set(slot.key, {call: c, entry, line: c.line})
      }
    }
  }

  return {diagnostics, pools}
}

const PYTHON_GLOBALS = 'https://docs.python.org/3/reference/simple_stmts.html#the-global-statement'


/** The module-level name a pool call's result is stored in (`_pool = await asyncpg.create_pool(…)` with `_pool = None` at the top). */
function globalSlot(m: PyModule, c: PyCall): {key: string; name: string} | undefined {
  const name = c.assignedTo
  return name && m.names.has(name) ? {key: `${m.file}\0${name}`, name} : undefined
}
