/**
 * Does a preloading parent (the Puma or Unicorn master, a Resque worker) still
 * hold a database connection when it forks?
 *
 * With ActiveRecord ≥ 5.2, no: the railtie initializer
 * "active_record.clear_active_connections" empties every pool once the app has
 * booted — "so that a non-database-using process (e.g. a master process in a
 * forking server model) doesn't retain a needless connection"
 * (https://github.com/rails/rails/pull/31221, identical from v5.2.0 to v8.1.0).
 * Heroku sizes a dyno the same way: "multiply the RAILS_MAX_THREADS by the
 * WEB_CONCURRENCY", no +1 for the master. The connection boot may open then
 * counts in the ceiling only.
 *
 * It counts in the expected total only on a positive sign that the parent
 * holds one after boot, each named in the message:
 * - ActiveRecord < 5.2: no flush after boot, so a query anywhere in an
 *   initializer, or the schema cache check (db/schema_cache.yml or .dump
 *   present: Rails 4.x-5.1 "active_record.check_schema_cache_dump" reads
 *   ActiveRecord::Migrator.current_version) is kept. Without such a sign the
 *   parent holds none: ActiveRecord connects on a pool's first checkout only
 *   (establish_connection makes the pool, ConnectionPool#connection connects),
 *   so the connection is in the ceiling only, as an assumption (gems' boot
 *   code is not read);
 * - another ORM in the bundle (Sequel, ROM, the pg gem alone): nothing flushes
 *   its connections, and Sequel::Model reads each table's schema when its class loads;
 * - code that queries after the flush: `after_initialize` blocks in
 *   config/initializers/* (Rails registers them after Active Record's), code in
 *   config.ru after the app is loaded.
 */
import type {BootQuery, Extra, ForkFacts, PoolEntry} from '../../model/process.js'
import {assumed, fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {parseRuby, type ParsedRuby, type RubyNode} from './prism.js'
import {usesActiveRecord} from './process-facts.js'
import type {AnalyzerContext} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {initializerFiles} from './rails-files.js'
import {filesUnder} from '../../model/files.js'

const FLUSH_REF = 'https://github.com/rails/rails/pull/31221'
// "The normal, graceful termination procedure is that the frontend sends a Terminate message and immediately closes
// the connection. On receipt of this message, the backend closes the connection and terminates." libpq's PQfinish
// sends it on the socket, whichever process calls it.
const TERMINATE_REF = 'https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-TERMINATION'
const SEQUEL_PG_REF = 'https://github.com/jeremyevans/sequel/blob/master/lib/sequel/adapters/postgres.rb'

/** The ActiveRecord version from Gemfile.lock (activerecord, else rails). */
export const activeRecordVersion = (versions: Record<string, string>): string | undefined => versions.activerecord ?? versions.rails

/** Where Gemfile.lock lists a gem (`    sequel (5.86.0)`), for the message. */
function lockSource(ctx: AnalyzerContext, gem: string): Source {
  const lines = ctx.files.read('Gemfile.lock')?.text.split(/\r?\n/) ?? []
  const i = lines.findIndex((l) => l.startsWith(`    ${gem} (`))
  return fromFile('Gemfile.lock', i + 1 || 1)
}

// Query and schema methods of ActiveRecord models (ActiveRecord::Querying, Persistence, ModelSchema) and the connection itself.
const QUERIES = new Set([
  'all', 'average', 'column_names', 'columns', 'columns_hash', 'connection', 'count', 'create', 'create!', 'delete_all', 'destroy_all',
  'exists?', 'find', 'find_by', 'find_by!', 'find_by_sql', 'find_each', 'find_in_batches', 'find_or_create_by', 'find_or_create_by!',
  'find_or_initialize_by', 'first', 'first!', 'ids', 'insert_all', 'last', 'lease_connection', 'maximum', 'minimum', 'pick', 'pluck',
  'select_all', 'select_value', 'select_values', 'sum', 'table_exists?', 'take', 'transaction', 'update_all', 'upsert_all', 'where',
  'with_connection',
])
// Constants whose `first`, `count`, `find`, … are not models.
const NOT_MODELS = /^(::)?(ActiveSupport|Array|Class|Date|DateTime|Dir|ENV|File|FileUtils|Hash|I18n|Integer|JSON|Kernel|Logger|Module|Process|Rails|Rack|Redis|Regexp|Set|Sidekiq|String|Struct|Thread|Time|URI|YAML)(::|$)/

/** The constant a call chain starts from (`User` in `User.where(x).first`), if any. */
function rootConstant(parsed: ParsedRuby, node: RubyNode | null): string | undefined {
  const P = parsed.prism
  let n = node
  while (n instanceof P.CallNode) n = n.receiver
  if (!(n instanceof P.ConstantReadNode || n instanceof P.ConstantPathNode)) return undefined
  const text = parsed.textOf(n)
  const last = text.split('::').pop() ?? ''
  // SCREAMING_CASE constants are values (`HOSTS.first`), not classes.
  return /^[A-Z][a-z0-9]/.test(last) && !NOT_MODELS.test(text) ? text : undefined
}

/** The model query `node` is (`Admin::Stat.create(…)`, `User.where(x).first`): its text, else undefined. */
export function modelQueryAt(parsed: ParsedRuby, node: RubyNode): string | undefined {
  const P = parsed.prism
  return node instanceof P.CallNode && QUERIES.has(node.name) && rootConstant(parsed, node.receiver) ? parsed.textOf(node).replaceAll(/\s+/g, ' ') : undefined
}

/** Lines where `node` calls a model's query method, not descending into code that runs later (methods, lambdas). */
function modelQueries(parsed: ParsedRuby, node: RubyNode): {line: number; text: string}[] {
  const P = parsed.prism
  const out: {line: number; text: string}[] = []
  const visit = (n: RubyNode): void => {
    if (n instanceof P.DefNode || n instanceof P.LambdaNode) return
    if (n instanceof P.CallNode) {
      if (!n.receiver && (n.name === 'lambda' || n.name === 'proc')) return
      const text = modelQueryAt(parsed, n)
      if (text !== undefined) {
        out.push({line: parsed.lineOf(n.location.startOffset), text})
        return
      }
    }

    for (const child of n.compactChildNodes()) visit(child)
  }

  visit(node)
  return out
}

const short = (text: string): string => (text.length > 50 ? `${text.slice(0, 47)}...` : text)

/** `config.after_initialize do … end` / `Rails.application.config.after_initialize { … }` / `ActiveSupport.on_load(:after_initialize) { … }`. */
function afterInitializeBlocks(parsed: ParsedRuby): RubyNode[] {
  const P = parsed.prism
  const out: RubyNode[] = []
  const visit = (n: RubyNode): void => {
    if (n instanceof P.CallNode && n.block instanceof P.BlockNode && n.block.body) {
      const receiver = n.receiver ? parsed.textOf(n.receiver) : ''
      const onLoad = n.name === 'on_load' && n.arguments_?.arguments_[0] instanceof P.SymbolNode && (n.arguments_.arguments_[0] as InstanceType<typeof P.SymbolNode>).unescaped.value === 'after_initialize'
      if ((n.name === 'after_initialize' && /(^|\.)config(uration)?$/.test(receiver)) || onLoad) {
        out.push(n.block.body)
        return
      }
    }

    for (const child of n.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return out
}

async function queriesIn(ctx: AnalyzerContext, path: string, pick: (parsed: ParsedRuby) => RubyNode[], where: string): Promise<BootQuery[]> {
  const file = ctx.files.read(path)
  if (!file) return []
  const parsed = await parseRuby(file.path, file.text)
  if (parsed.errors.length > 0) return []
  const found = pick(parsed).flatMap((n) => modelQueries(parsed, n))
  return found.slice(0, 1).map((q) => ({
    library: 'activerecord' as const,
    source: fromFile(path, q.line),
    what: `\`${short(q.text)}\` at ${path}:${q.line} queries the database ${where}, after Rails has emptied its pools`,
  }))
}

/** Signs that a preloading parent holds a connection after boot (empty: it holds none in the expected total). */
export async function bootQueries(ctx: AnalyzerContext, {rackup = true}: {rackup?: boolean} = {}): Promise<BootQuery[]> {
  const out: BootQuery[] = []
  const ar = activeRecordVersion(ctx.versions)
  const beforeFlush = Boolean(ar && !versionAtLeast(ar, '5.2.0'))
  if (beforeFlush) {
    // Nothing empties the pools after boot, but a pool connects on its first checkout only: what boot checks out is
    // kept. The schema cache check queries the schema version when the dump file exists (Rails 4.x-5.1
    // "active_record.check_schema_cache_dump": ActiveRecord::Migrator.current_version).
    const dump = ['db/schema_cache.yml', 'db/schema_cache.dump'].find((f) => ctx.files.read(f))
    if (dump) {
      out.push({
        library: 'activerecord',
        source: fromFile(dump, 1),
        what: `ActiveRecord ${ar} (before 5.2, Rails does not empty its pools after boot) reads the schema version at boot because ${dump} exists (active_record.check_schema_cache_dump)`,
      })
    }
  }

  const orm = ['sequel', 'rom-sql'].find((g) => ctx.versions[g]) ?? (!ar && ctx.versions.pg ? 'pg' : undefined)
  if (orm) {
    const connects = orm === 'sequel' && ['config.ru', ...['config', 'lib', 'app'].flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb'), {max: 3000, maxDepth: 8}).paths)].some((f) => /\bSequel\.(connect|postgres)\b/.test(ctx.files.read(f)?.text ?? ''))
    out.push({
      ...(connects ? {appConnects: true} : {}),
      library: orm === 'sequel' ? 'sequel' : 'other',
      source: lockSource(ctx, orm),
      what:
        orm === 'sequel'
          ? `Sequel ${ctx.versions.sequel} is in the bundle (Sequel::Model reads its table's schema when the class loads, and nothing closes that connection after boot)`
          : `${orm === 'pg' ? 'the pg gem without ActiveRecord' : `ROM (rom-sql ${ctx.versions[orm]})`} is in the bundle (nothing closes a connection it opens at boot)`,
    })
  }

  if (usesActiveRecord(ctx)) {
    for (const path of initializerFiles(ctx.files)) {
      // Before 5.2 nothing empties the pools after boot: a query anywhere in an initializer is kept, not only one after it.
      append(out, beforeFlush ? await queriesIn(ctx, path, (p) => [p.program], `while it loads, and ActiveRecord ${ar} (before 5.2) does not empty its pools after boot`) : await queriesIn(ctx, path, afterInitializeBlocks, 'in an after_initialize block'))
    }

    if (rackup) append(out, (await queriesIn(ctx, 'config.ru', (p) => [p.program], 'while config.ru loads in the parent')))
  }

  return out
}

/**
 * The connection a preloading parent may hold beside its children when nothing
 * disconnects it before forking: in the expected total when `signs` show it
 * queries after boot, else in the ceiling only. The pool reaper (Rails 5.2+:
 * reaping_frequency 60 s, idle_timeout 300 s) closes an idle one eventually,
 * so it weighs most around boot and deploys.
 */
export function forkingParentExtra(ctx: AnalyzerContext, given: ForkFacts): Extra | undefined {
  // A parent hook that disconnects only ActiveRecord leaves Sequel's connection: the Sequel signs stand.
  const sequelLeft = given.disconnect && given.disconnectLeavesSequel ? (given.bootQueries ?? []).filter((s) => s.library === 'sequel' && s.appConnects) : []
  const fork: ForkFacts = sequelLeft.length > 0 ? {...given, bootQueries: sequelLeft, disconnect: undefined} : given
  const signs = fork.bootQueries ?? []
  if (!fork.forks.value || !fork.preload.value || fork.disconnect) return undefined
  if (signs.length === 0 && !usesActiveRecord(ctx)) return undefined
  const ar = activeRecordVersion(ctx.versions)
  // ActiveRecord's pool reaper (5.2+) closes an idle one; nothing closes another library's.
  const reaped = signs.every((s) => s.library === 'activerecord') && (!ar || versionAtLeast(ar, '5.2.0')) ? ' until the pool reaper closes it after idle_timeout (300 s by default)' : ''
  const closer = fork.childDisconnect
  if (signs.length > 0 && closer && signs.every((s) => s.library === 'sequel')) {
    // The first child's disconnect finishes the socket it inherited: Sequel's postgres adapter disconnects with
    // PG::Connection#finish (PQfinish), which sends Terminate, and the server ends that backend, the parent's too.
    return {
      ceilingOnly: true,
      count: sourced(1, fromDefault(`the ${fork.parent} loads the app before forking and ${signs.map((s) => s.what).join('; ')}; but each worker's ${closer.hook} (${closer.file}:${closer.line}) disconnects Sequel, closing the connections it inherited with PQfinish, whose Terminate message ends the server backend the ${fork.parent} shares: the ${fork.parent} holds it only until the first worker boots`, TERMINATE_REF), [
        fork.preload.source,
        ...signs.map((s) => s.source),
        fromFile(closer.file, closer.line),
        fromDefault('Sequel\'s postgres adapter disconnects a connection with PG::Connection#finish', SEQUEL_PG_REF),
      ]),
      kind: 'forking-parent',
      reason: `${fork.parent} connection while booting, ended by the first worker's ${closer.hook} disconnect`,
    }
  }

  if (signs.length > 0) {
    return {
      count: sourced(1, assumed(`the ${fork.parent} loads the app before forking, does not disconnect in ${fork.parentHook}, and ${signs.map((s) => s.what).join('; ')}: it keeps that connection${reaped}`), [
        fork.preload.source,
        ...signs.map((s) => s.source),
      ]),
      kind: 'forking-parent',
      reason: `${fork.parent} connection kept after boot (no disconnect in ${fork.parentHook})`,
    }
  }

  if (ar && !versionAtLeast(ar, '5.2.0')) {
    // Before 5.2 no flush, but no connection either unless boot checks one out (ConnectionPool#connection connects on
    // the first checkout): in the ceiling, as an assumption, since gems' boot code is not read.
    return {
      ceilingOnly: true,
      count: sourced(1, assumed(`ActiveRecord ${ar} (before 5.2) does not empty its pools after boot, but a pool connects only when code checks a connection out, and nothing conncalc reads does at boot (initializers, after_initialize blocks, config.ru, a schema cache dump); gems' own boot code is not read: the ${fork.parent} holds one only if boot code queries`), [fork.preload.source, lockSource(ctx, ctx.versions.activerecord ? 'activerecord' : 'rails')]),
      kind: 'forking-parent',
      reason: `${fork.parent} connection, if the app's boot code queries the database (ActiveRecord ${ar} keeps it)`,
    }
  }

  const version = ar ? `ActiveRecord ${ar}` : 'ActiveRecord (version unknown, no Gemfile.lock entry: assumed 5.2+)'
  return {
    ceilingOnly: true,
    count: sourced(1, fromDefault(`${version} empties its pools after boot (active_record.clear_active_connections), so the ${fork.parent} holds a connection only while booting`, FLUSH_REF), [fork.preload.source]),
    kind: 'forking-parent',
    reason: `${fork.parent} connection while booting, if the app touches the database then`,
  }
}

/** Where the process that starts the type's command queries the database itself (a Rake task's `Admin::Stat.create` before its `system`). */
export interface LauncherQuery {
  /** Under an `if`, a rescue or a block that may not run. */
  conditional: boolean
  file: string
  /** Inside the endless loop that runs the command again and again: it queries on every turn. */
  inLoop: boolean
  /** "the Rake task rletters:jobs:analysis". */
  launcher: string
  line: number
  text: string
}

// ActiveRecord ≤ 7.1: every model query goes through ConnectionPool#connection, which checks one out for the calling
// thread and keeps it leased to that thread until it ends or releases it (`@thread_cached_conns[…] ||= checkout`).
const LEASED_REF = 'https://github.com/rails/rails/blob/v7.1.0/activerecord/lib/active_record/connection_adapters/abstract/connection_pool.rb'
// ActiveRecord 7.2+: a model query runs in ConnectionPool#with_connection, which checks one out for the query and checks
// it back in (`release_connection(lease) unless lease.sticky`); the pool keeps it open, idle, until the reaper
// (reaping_frequency 60 s) closes connections idle longer than idle_timeout (300 s).
const RETURNED_REF = 'https://github.com/rails/rails/blob/v7.2.0/activerecord/lib/active_record/connection_adapters/abstract/connection_pool.rb'
// Sequel's threaded pool checks a connection back in after each use and keeps it open: nothing closes an idle one.
const SEQUEL_POOL_REF = 'https://github.com/jeremyevans/sequel/blob/master/lib/sequel/connection_pool/threaded.rb'

/**
 * The connection the process that waits for the type's command holds itself, because it queried the database before
 * (or while) it waits: one per such process. Undefined when the bundle has no library conncalc knows for it.
 */
export function launcherQueryExtra(q: LauncherQuery, versions: Record<string, string>): Extra | undefined {
  const ar = activeRecordVersion(versions)
  const where = fromFile(q.file, q.line)
  const query = `\`${short(q.text)}\` at ${q.file}:${q.line}`
  const reason = `${q.launcher} itself, waiting for the command it runs, holds the connection its own query opened`
  const kind = 'launcher-connection'
  if (!ar) {
    if (!versions.sequel) return undefined
    return {count: sourced(1, fromDefault(`${q.launcher} queries with Sequel (${query}); Sequel's pool checks the connection back in and keeps it open while the process lives`, SEQUEL_POOL_REF), [where]), kind, reason}
  }

  if (q.conditional) {
    return {ceilingOnly: true, count: sourced(1, assumed(`${q.launcher} queries the database (${query}) only under a condition or in a block conncalc does not decide: held only if that code runs`), [where]), kind, reason}
  }

  if (!versionAtLeast(ar, '7.2.0')) {
    return {count: sourced(1, fromDefault(`ActiveRecord ${ar} (before 7.2) leases the connection of ${query} to ${q.launcher}'s thread until the thread ends: it stays checked out while the task waits for its command`, LEASED_REF), [where]), kind, reason}
  }

  if (q.inLoop) {
    return {
      count: sourced(1, assumed(`ActiveRecord ${ar} checks the connection of ${query} back in after the query, and its pool keeps it open until it has been idle for idle_timeout (300 s); the query runs on every turn of the loop, assumed more often than that`), [where, fromDefault('ActiveRecord 7.2+ returns a query\'s connection to the pool, open', RETURNED_REF)]),
      kind,
      reason,
    }
  }

  return {
    ceilingOnly: true,
    count: sourced(1, fromDefault(`ActiveRecord ${ar} checks the connection of ${query} back in after the query; the pool keeps it open, idle, until the reaper closes it after idle_timeout (300 s)`, RETURNED_REF), [where]),
    kind,
    reason: `${q.launcher} itself, for the first minutes: the pool keeps its query's connection open until idle_timeout`,
  }
}

// A forked child inherits the parent's Sequel::Database, pool and all: the connection the parent opened at boot sits in
// the pool's available list, and the child's first checkout takes it (ThreadedConnectionPool#next_available) before
// the pool opens a new one (up to max_connections, the inherited one included: `_size` counts it). Sequel's fork
// advice: "you can end up with child processes sharing database connections" (doc/fork_safety.rdoc).
const SEQUEL_FORK_REF = 'https://github.com/jeremyevans/sequel/blob/master/doc/fork_safety.rdoc'

/**
 * The preloading parent's kept Sequel connection, when the process counts the Sequel pool its children inherit: that
 * socket is one of each child's pool (its first checkout), so the children's min(pool, threads) already hold it. While
 * they share it there is one backend fewer than they could open (children × (min − 1) + 1); once two processes'
 * traffic on the one socket breaks it, a child's disconnect ends that backend (PQfinish sends Terminate) and each child
 * opens a connection of its own in its place: children × min(pool, threads), the peak. So the parent's +1 counts in
 * the ceiling only. Unchanged when another sign (an ActiveRecord query before 5.2) stands beside Sequel's, or when
 * the process counts no Sequel pool on the plan's server (Sequel in the bundle, no pool read).
 */
export function sequelParentInherited(extra: Extra, fork: ForkFacts | undefined, pools: readonly PoolEntry[]): Extra {
  if (extra.kind !== 'forking-parent' || extra.ceilingOnly || !fork) return extra
  // After a parent hook that disconnects ActiveRecord only, the extra stands for Sequel's connection alone.
  const signs = (fork.bootQueries ?? []).filter((s) => !(fork.disconnect && fork.disconnectLeavesSequel) || (s.library === 'sequel' && s.appConnects))
  if (signs.length === 0 || !signs.every((s) => s.library === 'sequel')) return extra
  const sequel = pools.find((p) => p.library === 'sequel')
  if (!sequel) return extra
  const entry = sequel.database === 'primary' ? 'the Sequel pool' : `the Sequel pool (${sequel.database})`
  return {
    ...extra,
    ceilingOnly: true,
    count: sourced(1, fromDefault(`the ${fork.parent} loads the app before forking and keeps the Sequel connection it opened at boot (${fork.disconnect && fork.disconnectLeavesSequel ? `its ${fork.parentHook} disconnects ActiveRecord only` : `no disconnect in ${fork.parentHook}`}); each child inherits ${entry} with that connection in it and checks it out first, so it is one of the child's own min(pool, threads), counted there: shared, it is one backend fewer until the shared socket breaks, after which each child opens its own`, SEQUEL_FORK_REF), [
      ...(extra.count.via ?? []),
      extra.count.source,
      fromDefault('ThreadedConnectionPool#next_available hands out an available (inherited) connection before opening one', SEQUEL_POOL_REF),
    ]),
    reason: `${fork.parent}'s Sequel connection, inherited by its children and counted in their pools`,
    sharedWithChildren: true,
  }
}
