/**
 * ActiveRecord pools set by Ruby code rather than database.yml, the way Heroku's
 * "Concurrency and Database Connections in Ruby with ActiveRecord" shows and apps
 * copied it:
 *
 *     config = ActiveRecord::Base.configurations[Rails.env] || Rails.application.config.database_configuration[Rails.env]
 *     config['pool'] = ENV['DB_POOL'] || 5
 *     ActiveRecord::Base.establish_connection(config)
 *
 * in Unicorn's `after_fork`, Puma's `on_worker_boot`, or an initializer
 * (`Rails.application.config.after_initialize`, `ActiveSupport.on_load(:active_record)`);
 * `establish_connection(…configuration_hash.merge(pool: N))`; and in
 * `Sidekiq.configure_server`, `ENV['DATABASE_URL'] = "#{url}?pool=25"` or a
 * re-establish, which runs in Sidekiq processes only. Each process type's files are
 * read with its own facts (process-facts.ts), so `if Sidekiq.server?` is decided
 * per type. Where a setting sits under a condition conncalc cannot decide for a type,
 * both pools are kept and the larger is counted, labelled an assumption.
 *
 * Order, as a process boots: config/application.rb, config/environments/<env>.rb,
 * config/initializers/*.rb (sorted, as Rails loads them), then the blocks Rails runs
 * after them (`after_initialize`, `on_load(:active_record)`, `to_prepare`), then the
 * server's hook in each forked worker. The last setting that runs wins.
 * `ActiveRecord::Base.establish_connection(config)` replaces the primary entry's pool
 * only (ActiveRecord::ConnectionHandling#establish_connection); other entries keep theirs.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {rubyCandidate} from '../common/setting.js'
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import {analyzeDatabaseYml, DATABASE_YML, type DatabaseYmlAnalysis} from './database-yml.js'
import {configArgument, type DslCall, type EvalValue, isHash, isSymbol} from './evaluate.js'
import {analyzeModelPools, queryPool} from './model-pools.js'
import {rubyProcessFacts, type RubyFacts} from './process-facts.js'
import {loadRubyConfig, rubyServerFacts} from './ruby-server.js'
import {analyzeSequelPool, usesSequelOnly} from './sequel.js'
import {sequelBesideActiveRecord} from './sequel-beside.js'
import {activeRecordNoRailtie, activeRecordWithoutRails, poolWithoutRails, whereWithoutRails} from './activerecord-without-rails.js'
import {append} from '../../util/arrays.js'
import {NO_ORM_POOL} from '../../model/pool-notes.js'
import {initializerFiles} from './rails-files.js'

const HASH_CONFIG = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations/hash_config.rb'
const CONNECTION_HANDLING = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/connection_handling.rb'

/** Receivers whose `establish_connection` is the app's primary pool. */
const BASE = new Set(['::ActiveRecord::Base', 'ActiveRecord::Base', 'ApplicationRecord'])

/** Blocks Rails runs after every initializer has loaded (`config.after_initialize`, `ActiveSupport.on_load(:active_record)`). */
function isDeferred(c: DslCall): boolean {
  if (c.name === 'after_initialize' || c.name === 'to_prepare') return true
  return c.name === 'on_load' && c.receiver === 'ActiveSupport'
}

/** Blocks that run as the file loads: `Rails.application.configure do … end`. */
const runsNow = (c: DslCall): boolean => c.name === 'configure' && (c.receiver === 'Rails.application' || c.receiver?.endsWith('::Application') === true)

/** The pool set by one statement, or why it could not be read. */
interface Setting {
  /** The undecided condition it runs under, if any. */
  condition?: string
  diagnostics: Diagnostic[]
  file: string
  line: number
  /** Undefined: the statement does set the pool, to something conncalc cannot read. */
  pool?: Sourced<number>
  /** Changes the pool only if ActiveRecord reads DATABASE_URL again (an ENV rewrite): undecidable whatever the branch. */
  ifReread?: string
  /** `config["pool"] ||= N`: applies only when nothing before it (database.yml, DATABASE_URL, earlier code) set a pool. */
  ifUnset?: boolean
}

/** What one `establish_connection` or `ENV["DATABASE_URL"] =` does to the primary pool. */
function settingOf(call: DslCall, file: string, what: string): Setting | 'unchanged' {
  const at = fromFile(file, call.line)
  const base = {file, line: call.line, ...(call.condition ? {condition: call.condition} : {})}
  const unreadable = (reason: string): Setting => ({
    ...base,
    diagnostics: [{code: 'unknown-config-value', file, line: call.line, message: `cannot read the pool ${what} (${reason})`, severity: 'warning'}],
  })

  // `ENV["DATABASE_URL"] = "#{url}?pool=25"`: ActiveRecord sees it only if it builds its configurations after this line.
  if (call.receiver === 'ENV' && call.name === '[]=') {
    const q = queryPool(call.args[1])
    if (!q.found) return 'unchanged'
    if (q.value === undefined) return unreadable('the pool in the URL written to DATABASE_URL is not a number conncalc can read')
    return {...base, diagnostics: [], ifReread: `${file}:${call.line} rewrites DATABASE_URL with pool=${q.value}`, pool: sourced(q.value, at, viaOf(call.args[1]))}
  }

  const arg = configArgument(call, ['max_connections', 'pool', 'url'])
  // No argument, or an environment name: ActiveRecord's own configurations again, as they were built
  // (a DATABASE_URL rewritten before it counts from the rewrite, as undecidable).
  if (!arg || (arg.kind === 'known' && (isSymbol(arg.value) || (typeof arg.value === 'string' && !arg.value.includes('://'))))) return 'unchanged'

  if (arg.kind === 'known' && isHash(arg.value)) {
    const h = arg.value
    if (h.databaseConfig) {
      // The app's database.yml config with the keys code set: `pool` (or Rails 8.1's `max_connections`).
      const set = h.set?.max_connections ?? h.set?.pool
      const orSet = h.orSet?.max_connections ?? h.orSet?.pool
      if (!set && !orSet) return 'unchanged'
      const v = (set ?? orSet)!
      const c = rubyCandidate(v, file, v.line, `the pool ${what}`)
      return {...base, diagnostics: c.diagnostics, line: v.line, ...(c.value ? {pool: c.value} : {}), ...(set ? {} : {ifUnset: true})}
    }

    // A whole config in code: its pool, a pool in its url, or ActiveRecord's default.
    const raw = h.hash.max_connections ?? h.hash.pool
    if (raw !== undefined) {
      const c = rubyCandidate({...arg, value: raw}, file, call.line, `the pool ${what}`)
      return {...base, diagnostics: c.diagnostics, ...(c.value ? {pool: c.value} : {})}
    }

    const url = h.hash.url
    if (typeof url === 'string') return fromUrl({...arg, value: url})
    return {...base, diagnostics: [], pool: sourced(5, fromDefault('ActiveRecord default pool size', HASH_CONFIG), [at])}
  }

  return fromUrl(arg)

  function fromUrl(v: EvalValue): Setting {
    const q = queryPool(v)
    if (q.found && q.value !== undefined) return {...base, diagnostics: [], pool: sourced(q.value, at, viaOf(v))}
    if (q.found && v.missingEnv && v.missingEnv.length > 0) {
      // `"#{url}?pool=#{ENV['DB_POOL']}"` with DB_POOL unset: the parameter is empty. Name the variable
      // (what ActiveRecord makes of `?pool=` differs between its URL parsers), not a parse failure.
      const names = [...new Set(v.missingEnv.map((m) => m.name))]
      return {
        ...base,
        diagnostics: [{
          code: 'unresolved-env',
          file,
          fix: `Set ${names.join(', ')} (e.g. \`--env ${names[0]}=…\` or an env file) wherever this process runs.`,
          line: call.line,
          message: `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set anywhere, so the pool ${what} comes from an empty \`pool=\` in the URL; the pool is unknown`,
          severity: 'warning',
        }],
      }
    }

    if (q.found) return unreadable('the URL\'s pool parameter is not a number conncalc can read')
    if (v.kind === 'known' && typeof v.value === 'string') return {...base, diagnostics: [], pool: sourced(5, fromDefault('ActiveRecord default pool size (the URL has no pool)', HASH_CONFIG), [at])}
    return unreadable(v.kind === 'unknown' ? v.reason : 'its argument is not a config conncalc knows')
  }
}

const viaOf = (v: EvalValue): Source[] => (v.kind === 'known' ? v.via : [])

/** Where `establish_connection` calls and DATABASE_URL rewrites sit in a file, for this process type. */
function collect(calls: readonly DslCall[], file: string, server: string, out: {deferred: DslCall[][]; now: DslCall[]}, deferred: boolean): void {
  for (const c of calls) {
    const sets = (c.name === 'establish_connection' && c.receiver !== undefined && BASE.has(c.receiver)) || (c.receiver === 'ENV' && c.name === '[]=' && isUrlKey(c.args[0]))
    if (sets) (deferred ? out.deferred.at(-1)! : out.now).push(c)
    if (!c.blockBody) continue
    // Sidekiq runs configure_server blocks in its own processes only (lib/sidekiq.rb); Resque's fork hooks in its workers.
    const only = c.receiver === 'Sidekiq' && c.name === 'configure_server' ? 'sidekiq' : c.receiver === 'Sidekiq' && c.name === 'configure_client' ? '!sidekiq' : c.receiver === 'Resque' && /^(after_fork|before_first_fork)=?$/.test(c.name) ? 'resque' : undefined
    if (only && (only.startsWith('!') ? server === only.slice(1) : server !== only)) continue
    if (only || runsNow(c)) collect(c.blockBody, file, server, out, deferred)
    else if (isDeferred(c)) {
      out.deferred.push([])
      collect(c.blockBody, file, server, out, true)
    } else {
      // Any other block (`Thread.new`, a gem's `configure`): whether and when it runs is not known here.
      const inner: {deferred: DslCall[][]; now: DslCall[]} = {deferred: [[]], now: []}
      collect(c.blockBody, file, server, inner, deferred)
      const why = `inside \`${c.receiver ? `${c.receiver}.` : ''}${c.name}\`'s block, which conncalc does not know to run`
      for (const x of [...inner.now, ...inner.deferred.flat()]) (deferred ? out.deferred.at(-1)! : out.now).push({...x, condition: x.condition ?? why, conditional: true})
    }
  }
}

const isUrlKey = (v: EvalValue | undefined): boolean => v?.kind === 'known' && v.value === 'DATABASE_URL'

const bootFilesOf = new WeakMap<AnalyzerContext['files'], Map<string, string[]>>()

/**
 * Files Rails loads while booting, in its order, that may set the pool (a cheap text check skips
 * the rest before parsing). Found once per app and environment, not per process type.
 */
function bootFiles(ctx: AnalyzerContext): string[] {
  let byEnv = bootFilesOf.get(ctx.files)
  if (!byEnv) bootFilesOf.set(ctx.files, (byEnv = new Map()))
  const known = byEnv.get(ctx.appEnv)
  if (known) return known
  const found = ['config/application.rb', `config/environments/${ctx.appEnv}.rb`, ...initializerFiles(ctx.files)].filter((p) => {
    const text = ctx.files.read(p)?.text
    return text !== undefined && (text.includes('establish_connection') || text.includes('DATABASE_URL'))
  })
  byEnv.set(ctx.appEnv, found)
  return found
}

/** The server's hook that runs in each forked worker, when the server forks: Puma `on_worker_boot` (cluster mode), Unicorn `after_fork`. */
function childHookCalls(analysis: ServerAnalysis): {calls: DslCall[]; file: string}[] {
  const facts = rubyServerFacts(analysis)
  if (!facts || !analysis.fork?.forks.value) return []
  const names = new Set(['after_fork', 'before_worker_boot', 'on_worker_boot'])
  return facts.hooks.filter((h) => names.has(h.name)).map((h) => ({calls: h.body, file: h.file}))
}

/**
 * database.yml's pools for this process type, with the primary pool replaced by
 * what Ruby code sets, if it does, and the pools other model classes open.
 * Every Ruby process type asks this: when nothing on the way reads a file that needs a parser (no database.yml,
 * no initializer or model that connects), the answer comes at once, not through a chain of async calls per type.
 */
export function analyzeActiveRecordPools(ctx: AnalyzerContext, analysis: ServerAnalysis): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  // No ActiveRecord in the bundle, Sequel instead (Roda, Sinatra, Hanami 1): the pool is Sequel's.
  if (usesSequelOnly(ctx.versions)) return analyzeSequelPool(ctx, analysis.server)
  if (withoutActiveRecord(ctx.versions)) {
    const yml = analyzeDatabaseYml(ctx)
    return yml instanceof Promise ? yml.then(poolNotActiveRecords) : poolNotActiveRecords(yml)
  }

  const capsules = (analysis.facts as {capsules?: unknown[]} | undefined)?.capsules
  // Made only when a file is evaluated for this type (most types of most apps read none beyond database.yml).
  let made: RubyFacts | undefined
  const facts = (): RubyFacts => (made ??= rubyProcessFacts(ctx, analysis.server === 'sidekiq' && (capsules?.length ?? 0) === 0 ? analysis.threadsPerProcess : undefined))
  const primary = primaryFromCode(ctx, analysis, facts)
  return primary instanceof Promise ? primary.then((yml) => beyondPrimary(ctx, facts, yml, analysis.server)) : beyondPrimary(ctx, facts, primary, analysis.server)
}

/**
 * Gemfile.lock has pg but neither ActiveRecord nor Sequel (nor Rails): the app connects another way — the pg gem
 * itself, the connection_pool gem (`ConnectionPool.new(size: 10) { PG.connect(…) }`), Flounder, DataMapper — whose pool
 * is not read here. ActiveRecord's default 5, which the DATABASE_URL-only reading gives, is then not the app's: it stays
 * the number, but as an assumption, said (CocoaPods/cocoadocs-api: Flounder over connection_pool on a thin server).
 */
export const withoutActiveRecord = (versions: Record<string, string>): boolean =>
  versions.pg !== undefined && versions.activerecord === undefined && versions.rails === undefined && versions.railties === undefined && versions.sequel === undefined

function poolNotActiveRecords(yml: DatabaseYmlAnalysis): DatabaseYmlAnalysis {
  const at = yml.pools.findIndex((e) => e.database === yml.primary)
  if (at < 0 || yml.pools[at].pool.source.kind !== 'default') return yml
  const why = `${NO_ORM_POOL}: the app opens its connections another way (the pg gem itself, connection_pool, …), whose pool conncalc does not read`
  const entry = yml.pools[at]
  return {
    ...yml,
    diagnostics: [
      ...yml.diagnostics,
      {code: 'unknown-config-value', file: 'Gemfile.lock', fix: 'say how many connections a process of the app opens at most: --env DATABASE_URL=…?pool=N', message: `${why}; 5 connections per process assumed`, severity: 'warning'},
    ],
    pools: yml.pools.map((e, i) => (i === at ? {...entry, pool: sourced(entry.pool.value, assumed(`${why}; ActiveRecord's default 5 assumed`), [entry.pool.source])} : e)),
  }
}

/** database.yml's pools as the boot code leaves them: ActiveRecord without Rails, then the pools of other model classes. */
function beyondPrimary(ctx: AnalyzerContext, facts: () => RubyFacts, yml: DatabaseYmlAnalysis, server: string): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  if (activeRecordWithoutRails(ctx)) {
    const at = yml.pools.findIndex((e) => e.database === yml.primary)
    if (at >= 0) {
      return poolWithoutRails(ctx, yml.pools[at]).then((own) =>
        withModelPools(ctx, facts, {...yml, diagnostics: [...yml.diagnostics, ...own.diagnostics], pools: yml.pools.map((e, i) => (i === at ? own.entry : e))}, server),
      )
    }
  }

  // sinatra-activerecord: its pool is read as Rails' is; where a larger one goes is not (pool-below-threads' fix).
  if (activeRecordNoRailtie(ctx)) {
    const at = yml.pools.findIndex((e) => e.database === yml.primary)
    if (at >= 0 && yml.pools[at].pool.source.kind === 'default') {
      return whereWithoutRails(ctx, yml.pools[at]).then((own) => withModelPools(ctx, facts, {...yml, pools: yml.pools.map((e, i) => (i === at ? own : e))}, server))
    }
  }

  return withModelPools(ctx, facts, yml, server)
}

/** Pools other model classes open (establish_connection, connects_to), each beside these; then Sequel databases the code connects. */
function withModelPools(ctx: AnalyzerContext, facts: () => RubyFacts, yml: DatabaseYmlAnalysis, server: string): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  const found = analyzeModelPools(ctx, facts, yml)
  // A Rails 8 `cache`/`queue`/`cable` entry (or one a Solid engine's setting names) beside the primary: is it used (solid-idle.ts)?
  const solid = yml.pools.length + yml.otherServerPools.length > 1 && [...yml.pools, ...yml.otherServerPools].some((e) => e.database === 'cache' || e.database === 'queue' || e.database === 'cable' || (e.database !== yml.primary && (ctx.versions.solid_cache ?? ctx.versions.solid_queue ?? ctx.versions.solid_cable) !== undefined))
  const merged = !solid
    ? found instanceof Promise ? found.then((models) => besideModels(yml, models)) : besideModels(yml, found)
    : Promise.resolve(found).then(async (models) => besideModels(await (await import('./solid-idle.js')).idleSolidDatabases(ctx, server, yml, models.connected ?? [yml.primary]), models))
  // Solid Cache told to use the primary's config (`database: production`): a pool of its own there (solid-idle.ts).
  const cachedOnly = ctx.versions.solid_cache === undefined ? merged : Promise.resolve(merged).then(async (y) => (await import('./solid-idle.js')).solidCacheOnPrimary(ctx, y))
  // Solid Queue's connects_to naming the primary (`writing: :primary`): likewise (solid-idle.ts).
  const cached = ctx.versions.solid_queue === undefined ? cachedOnly : Promise.resolve(cachedOnly).then(async (y) => (await import('./solid-idle.js')).solidQueueOnPrimary(ctx, server, y))
  // Most apps have no Sequel in the bundle: nothing more to read, and the answer stays synchronous.
  if (ctx.versions.sequel === undefined) return cached
  return Promise.resolve(cached).then(async (y) => {
    const sequel = await sequelBesideActiveRecord(ctx)
    if (sequel.pools.length + sequel.otherServerPools.length + sequel.diagnostics.length === 0) return y
    return {...y, diagnostics: [...y.diagnostics, ...sequel.diagnostics], otherServerPools: [...y.otherServerPools, ...sequel.otherServerPools], pools: [...y.pools, ...sequel.pools]}
  })
}

function besideModels(yml: DatabaseYmlAnalysis, models: Awaited<ReturnType<typeof analyzeModelPools>>): DatabaseYmlAnalysis {
  if (models.pools.length + models.otherServerPools.length + models.diagnostics.length + (models.extrasPerProcess?.length ?? 0) === 0) return yml
  return {
    ...yml,
    diagnostics: [...yml.diagnostics, ...models.diagnostics],
    ...(models.extrasPerProcess ? {extrasPerProcess: [...(yml.extrasPerProcess ?? []), ...models.extrasPerProcess]} : {}),
    otherServerPools: [...yml.otherServerPools, ...models.otherServerPools],
    pools: [...yml.pools, ...models.pools],
  }
}

function primaryFromCode(ctx: AnalyzerContext, analysis: ServerAnalysis, facts: () => RubyFacts): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  // database.yml is read with this type's facts (its ERB may ask which process it runs in); no file, no facts needed.
  const read = analyzeDatabaseYml(ctx, ctx.files.read(DATABASE_YML) ? facts() : {})
  return read instanceof Promise ? read.then((yml) => primaryAfterBoot(ctx, analysis, facts, yml)) : primaryAfterBoot(ctx, analysis, facts, read)
}

/** The primary pool as the boot files and the worker hook leave it; at once when none of them connects (most apps). */
function primaryAfterBoot(ctx: AnalyzerContext, analysis: ServerAnalysis, facts: () => RubyFacts, yml: DatabaseYmlAnalysis): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  const primaryAt = yml.pools.findIndex((e) => e.database === yml.primary)
  if (primaryAt < 0) return yml
  // No boot file and no worker hook: nothing below can set the pool, and nothing to await.
  if (bootFiles(ctx).length === 0 && childHookCalls(analysis).length === 0) return yml
  return primaryFromBoot(ctx, analysis, facts, yml, primaryAt)
}

async function primaryFromBoot(ctx: AnalyzerContext, analysis: ServerAnalysis, facts: () => RubyFacts, yml: DatabaseYmlAnalysis, primaryAt: number): Promise<DatabaseYmlAnalysis> {

  // Statements in boot order: each file's own, then the deferred blocks of all files, then the worker hook.
  const ordered: {call: DslCall; file: string}[] = []
  const deferred: {call: DslCall; file: string}[] = []
  const diagnostics: Diagnostic[] = []
  for (const path of bootFiles(ctx)) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv, facts())
    if (!config) continue
    append(diagnostics, config.diagnostics.filter((d) => d.code === 'unparsable-config'))
    const out: {deferred: DslCall[][]; now: DslCall[]} = {deferred: [], now: []}
    collect(config.calls, path, analysis.server, out, false)
    append(ordered, out.now.map((call) => ({call, file: path})))
    append(deferred, out.deferred.flat().map((call) => ({call, file: path})))
  }

  append(ordered, deferred)
  for (const hook of childHookCalls(analysis)) {
    const out: {deferred: DslCall[][]; now: DslCall[]} = {deferred: [[]], now: []}
    collect(hook.calls, hook.file, analysis.server, out, false)
    append(ordered, [...out.now, ...out.deferred.flat()].map((call) => ({call, file: hook.file})))
  }

  if (ordered.length === 0) return diagnostics.length === 0 ? yml : {...yml, diagnostics: [...yml.diagnostics, ...diagnostics.map((d) => ({...d, processType: ctx.processType}))]}

  const entry = yml.pools[primaryAt]
  const what = yml.pools.length > 1 || yml.otherServerPools.length > 0 ? `of the ${entry.database} database` : 'ActiveRecord opens'
  let current: Sourced<number> = entry.pool
  let maybe: {pool: Sourced<number>; reread: boolean; why: string}[] = []
  for (const {call, file} of ordered) {
    const s = settingOf(call, file, `set at ${file}:${call.line}`)
    if (s === 'unchanged') continue
    // `||=`: a pool database.yml, DATABASE_URL or earlier code set (anything but ActiveRecord's default) stays.
    if (s.ifUnset && current.source.kind !== 'default') continue
    append(diagnostics, s.diagnostics)
    if (!s.pool) {
      // The code sets the pool to something unreadable: database.yml's stays, as an assumption.
      const reason = `${file}:${s.line} sets the pool ${what} to a value conncalc cannot read; ${current.value} (what it would be otherwise) is assumed`
      if (s.condition) continue
      // The line that sets it leads the sources: a fix names where the pool is set (rules/pool-below-threads.ts).
      current = sourced(current.value, assumed(reason), [fromFile(file, s.line), current.source, ...(current.via ?? [])])
      maybe = []
      continue
    }

    const whys = [
      ...(s.condition ? [`${file}:${s.line} sets it to ${s.pool.value} only when \`${s.condition}\`, which conncalc cannot decide for ${ctx.processType}`] : []),
      ...(s.ifReread ? [`${s.ifReread}, which ActiveRecord reads only if it has not built its configurations yet (${CONNECTION_HANDLING})`] : []),
    ]
    if (whys.length > 0) maybe.push({pool: s.pool, reread: s.ifReread !== undefined, why: whys.join('; ')})
    else {
      current = s.pool
      maybe = []
    }
  }

  let pool = current
  if (maybe.length > 0) {
    const largest = maybe.reduce((a, b) => (b.pool.value > a.pool.value ? b : a))
    const biggest = largest.pool.value > current.value ? largest.pool : current
    const sizes = [...new Set([current, ...maybe.map((m) => m.pool)].map((p) => p.value))]
    const why = `${maybe.map((m) => m.why).join('; ')}: the largest of ${sizes.join(', ')} is counted`
    pool = sourced(biggest.value, assumed(why), [biggest.source, ...(biggest.via ?? [])])
    diagnostics.push({
      code: 'unknown-config-value',
      file: largest.pool.source.kind === 'file' ? largest.pool.source.file : undefined,
      fix: `${maybe.some((m) => m.reread) ? 'pass the rewritten URL, `ActiveRecord::Base.establish_connection(ENV["DATABASE_URL"])`, so the pool does not depend on load order; or ' : ''}tell conncalc the pool ${ctx.processType} runs with: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
      line: largest.pool.source.kind === 'file' ? largest.pool.source.line : undefined,
      message: `cannot tell which pool ${ctx.processType} runs with: ${why}`,
      severity: 'warning',
    })
  }

  // The section's own assumptions (entries that reach no server) stay with whatever pool the boot code leaves.
  const lost = (yml.stars ?? []).filter((s) => !(pool.via ?? []).includes(s))
  if (lost.length > 0) pool = sourced(pool.value, pool.source, [...(pool.via ?? []), ...lost])
  const pools = yml.pools.map((e, i) => (i === primaryAt ? {...e, pool} : e))
  return {...yml, diagnostics: [...yml.diagnostics, ...diagnostics.map((d) => ({...d, processType: ctx.processType}))], pools}
}
