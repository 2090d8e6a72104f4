/**
 * A database.yml entry for a Solid engine that the app does not use opens no connection. ActiveRecord connects
 * ActiveRecord::Base to the primary entry only; another entry gets a pool when a class `connects_to` it, and a pool
 * connects on checkout (ConnectionPool#checkout, rails/rails v8.0.2 connection_pool.rb). Rails 8's generator writes
 * `cache`, `queue` and `cable` entries beside the primary, used by:
 *   - Solid Cache, when the cache store is `:solid_cache_store` and config/cache.yml names the database
 *     (SolidCache::Record connects_to it; solid_cache lib/solid_cache/configuration.rb);
 *   - Solid Queue, when Active Job's adapter is `:solid_queue` (a web process enqueues through SolidQueue::Record),
 *     or the process runs Solid Queue (bin/jobs, the Puma plugin), and `config.solid_queue.connects_to` names it
 *     (SolidQueue::Record calls `connects_to` only when that is set: without it Solid Queue uses the primary, and a
 *     `queue` entry is left to nothing; hackclub/summer-of-making);
 *   - Solid Cable, when config/cable.yml's adapter is `solid_cable` and its `connects_to` names it.
 * An app that moved to Redis for its cache or Action Cable, or to Sidekiq for its jobs, and kept the entries
 * (hackclub/stardance: `config.cache_store = :redis_cache_store`, cable.yml `adapter: redis`) never checks those
 * pools out: they are left out of the count, the ceiling keeps them (a class conncalc cannot see, in a gem, could
 * still connect). Judged per engine: one in use keeps every entry that may be its (the setting that names its
 * database may sit where conncalc does not read, SOLID_CACHE_CONFIG, `config.solid_cache.connects_to`); only an engine
 * that does not run here leaves its entry idle. An entry an app class connects to (model-pools.ts), or any setting
 * conncalc cannot read, keeps the entry counted. Only entries counted on the plan's server are judged (another server's stay listed).
 * A conventionally named entry whose engine's gem is not in the bundle (dilolabs/nosia: `cache` and `cable` entries,
 * Action Cable on PostgreSQL, no solid_cache or solid_cable) is idle unless an app class connects to it.
 *
 * Loaded with import() only for a multi-database section with such an entry: most Rails runs never load it.
 */
import type {Extra, PoolEntry} from '../../model/process.js'
import {fromDefault, fromFile, type Source} from '../../model/source.js'
import {isSymbol} from './evaluate.js'
import type {DatabaseYmlAnalysis} from './database-yml.js'
import {type RailsSetting, railsSettings, railsTopSetting} from './rails-config.js'
import {cableDatabases, cacheDatabases, configFor} from './solid-databases.js'
import {namesPrimary, type QueueConnectsTo, queueConnectsTo, queueRecordEntry} from './solid-queue.js'
import type {AnalyzerContext} from '../common/types.js'

const LAZY_POOL = 'https://github.com/rails/rails/blob/v8.0.2/activerecord/lib/active_record/connection_adapters/abstract/connection_pool.rb'

/** A setting read as a name (`:solid_cache_store`, `"solid_cable"`); null when conncalc cannot tell (unread, conditional). */
function settingName(s: RailsSetting | undefined): null | string | undefined {
  if (!s) return undefined
  if (s.conditional || s.value.kind !== 'known') return null
  const x = s.value.value
  return typeof x === 'string' ? x : isSymbol(x) ? x.symbol : null
}

const QUEUE_RECORD = 'https://github.com/rails/solid_queue/blob/v1.5.0/app/models/solid_queue/record.rb'

/** `SolidQueue.connects_to =` or `config.solid_queue.connects_to` in an initializer conncalc does not read for it. */
const queueSettingElsewhere = (ctx: AnalyzerContext): boolean =>
  ctx.files.list('config/initializers').some((f) => /(?:solid_queue|SolidQueue)\.connects_to\b/.test(ctx.files.read(`config/initializers/${f}`)?.text ?? ''))

/** Is the cache store Solid Cache (or not read: taken as yes)? */
async function cacheStoreUse(ctx: AnalyzerContext, cacheNamed: Awaited<ReturnType<typeof cacheDatabases>>): Promise<Use> {
  const store = await railsTopSetting(ctx, 'cache_store')
  // `config.cache_store = :redis_cache_store, {url: …, error_handler: ->(…) {…}}` is one array whose options may not be
  // readable: its first element, the store's name, is the symbol that starts the value on the setting's line.
  const lead = store && store.value.kind === 'unknown' && !store.conditional ? /\bcache_store\s*=\s*\[?\s*:([a-z_]+)\s*(?:,|$)/.exec(ctx.files.read(store.file)?.text.split('\n')[store.line - 1] ?? '')?.[1] : undefined
  const named = lead ?? settingName(store)
  if (named === 'solid_cache_store' || named === null || named === undefined) return {used: true, why: 'the cache store is Solid Cache'}
  const names = cacheNamed ? `${cacheNamed.written} names it, but ` : ''
  return {at: store ? fromFile(store.file, store.line) : undefined, used: false, why: `${names}the cache store is :${named}`}
}

/**
 * Solid Cache told to use the primary's config — by its name (`database: primary`) or by the environment's
 * (`database: production`, which DatabaseConfigurations#find_db_config resolves to the environment's first config:
 * `for_current_env? && (env_name == env || name == env)`): SolidCache::Record still calls `connects_to` (Configuration
 * #set_connects_to makes `database: x` the shard `x`), and ConnectionHandler keeps a pool per owner, so the cache has
 * a pool of its own beside ActiveRecord::Base's, of the primary's size, on the same server. Counted as a second entry
 * while the cache store is Solid Cache (ministryofjustice/laa-submit-crime-forms: every request reads its session
 * through the cache store). Other names are database.yml entries counted as they are (or said missing: solid-databases.ts).
 */
export async function solidCacheOnPrimary(ctx: AnalyzerContext, yml: DatabaseYmlAnalysis): Promise<DatabaseYmlAnalysis> {
  const named = await cacheDatabases(ctx)
  const primary = yml.pools.find((e) => e.database === yml.primary)
  if (!named || !primary) return yml
  const onPrimary = named.databases.filter((d) => d === yml.primary || (d === ctx.appEnv && !yml.pools.some((e) => e.database === d)))
  if (onPrimary.length === 0) return yml
  const use = await cacheStoreUse(ctx, named)
  if (!use.used) return yml
  const how = onPrimary[0] === yml.primary ? `the \`${yml.primary}\` entry` : `\`${onPrimary[0]}\`, the environment, which find_db_config resolves to its first config, \`${yml.primary}\``
  const opens = fromDefault(`SolidCache::Record connects to ${how} (${named.file}:${named.line}) and has a pool of its own on it, beside ActiveRecord::Base's (ConnectionHandler keeps a pool per owner; solid_cache Configuration#set_connects_to), used while ${use.why}`, SOLID_CACHE_HANDLER)
  return {...yml, pools: [...yml.pools, {...primary, database: `${yml.primary} (SolidCache::Record)`, pool: {...primary.pool, via: [...(primary.pool.via ?? []), opens]}}]}
}

const SOLID_CACHE_HANDLER = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/connection_adapters/abstract/connection_handler.rb'

/** Does this process use SolidQueue::Record (it runs Solid Queue, or Active Job enqueues through it)? */
async function queueUseIn(ctx: AnalyzerContext, server: string, queueTo: QueueConnectsTo | undefined): Promise<Use> {
  // SolidQueue::Record calls `connects_to` only when `config.solid_queue.connects_to` is set; without it Solid Queue's
  // records use ActiveRecord::Base's pool, the primary's (solid_queue app/models/solid_queue/record.rb).
  if (!queueTo && !queueSettingElsewhere(ctx)) return {used: false, why: `\`config.solid_queue.connects_to\` is not set, so Solid Queue uses the primary database (${QUEUE_RECORD})`}
  if (server === 'solid_queue' || /\bplugin\s*\(?\s*:solid_queue\b/.test(ctx.files.read('config/puma.rb')?.text ?? '')) return {used: true, why: 'Solid Queue runs in this process'}
  const adapter = (await railsSettings(ctx, 'active_job', [])).settings.get('queue_adapter')
  const adapterName = settingName(adapter)
  if (adapterName === 'solid_queue' || adapterName === null || adapterName === undefined) return {used: true, why: 'Active Job enqueues through Solid Queue'}
  const named = queueTo?.name ? `\`config.solid_queue.connects_to\` names it (${queueTo.file}:${queueTo.line}), but ` : ''
  return {at: adapter ? fromFile(adapter.file, adapter.line) : undefined, used: false, why: `${named}Active Job's adapter is :${adapterName} and this process does not run Solid Queue`}
}

/**
 * Solid Queue told to use the primary's config (`config.solid_queue.connects_to = {database: {writing: :primary}}`, or
 * the environment's name): SolidQueue::Record calls `connects_to` whenever the setting is there (solid_queue
 * app/models/solid_queue/record.rb), and ConnectionHandler keeps a pool per owner, so its records have a pool of their
 * own beside ActiveRecord::Base's, of the primary's size, on the same server — the same as Solid Cache's
 * (solidCacheOnPrimary). Added in a process that uses Solid Queue (runs it, or enqueues through it); Solid Queue's own
 * threads name this entry (solid-queue.ts queueDatabase), and job threads check out of every entry as with a `queue` one.
 */
export async function solidQueueOnPrimary(ctx: AnalyzerContext, server: string, yml: DatabaseYmlAnalysis): Promise<DatabaseYmlAnalysis> {
  const queueTo = await queueConnectsTo(ctx)
  if (!queueTo?.name || !namesPrimary(queueTo.name, ctx.appEnv, yml)) return yml
  const name = queueRecordEntry(yml.primary)
  if ([...yml.pools, ...yml.otherServerPools].some((e) => e.database === name)) return yml
  const use = await queueUseIn(ctx, server, queueTo)
  if (!use.used) return yml
  const how = queueTo.name === yml.primary ? `the \`${yml.primary}\` entry` : `\`${queueTo.name}\`, the environment, which find_db_config resolves to its first config, \`${yml.primary}\``
  const opens = fromDefault(`SolidQueue::Record connects to ${how} (${queueTo.file}:${queueTo.line}) and has a pool of its own on it, beside ActiveRecord::Base's (ConnectionHandler keeps a pool per owner; SolidQueue::Record calls connects_to whenever it is set), used while ${use.why}`, QUEUE_RECORD)
  const here = yml.pools.find((e) => e.database === yml.primary)
  if (here) return {...yml, pools: [...yml.pools, {...here, database: name, pool: {...here.pool, via: [...(here.pool.via ?? []), opens]}}]}
  const away = yml.otherServerPools.find((e) => e.database === yml.primary)
  return away ? {...yml, otherServerPools: [...yml.otherServerPools, {...away, database: name}]} : yml
}

interface Use {
  /** Why the entry is used, or why not. */
  why: string
  at?: Source
  used: boolean
}

export async function idleSolidDatabases(ctx: AnalyzerContext, server: string, yml: DatabaseYmlAnalysis, connected: readonly string[]): Promise<DatabaseYmlAnalysis> {
  const conventional = new Set(['cable', 'cache', 'queue'])
  const {solid_cable: cableGem, solid_cache: cacheGem, solid_queue: queueGem} = ctx.versions
  const queueTo = queueGem === undefined ? undefined : await queueConnectsTo(ctx)
  const cacheNamed = cacheGem === undefined ? undefined : await cacheDatabases(ctx)
  const cableNamed = cableGem === undefined ? undefined : await cableDatabases(ctx)
  const engineNamed = new Set([...(queueTo?.name ? [queueTo.name] : []), ...(cacheNamed?.databases ?? []), ...(cableNamed?.databases ?? [])])
  // Entries counted on the plan's server only (another server's are listed, not counted, whatever uses them); a
  // conventionally named one only when its engine is in the bundle (without it, whatever the entry is for is not known).
  const gemOf: Record<string, string | undefined> = {cable: cableGem, cache: cacheGem, queue: queueGem}
  const candidates = yml.pools.filter((e) => e.database !== yml.primary && (conventional.has(e.database) || engineNamed.has(e.database)) && !connected.includes(e.database))
  if (candidates.length === 0) return yml
  // `config.solid_queue.connects_to` that cannot be read: Solid Queue may use any entry.
  if (queueTo && !queueTo.name) return yml
  // The generator's entry for an engine whose gem is not in the bundle, that no setting names: what it is for is not read
  // (another gem, a class in a gem), unless the app names no database beside the primary anywhere conncalc reads.
  const gemless = (name: string): Use | undefined =>
    conventional.has(name) && gemOf[name] === undefined && !engineNamed.has(name)
      ? {used: false, why: `solid_${name} is not in Gemfile.lock, and no class of the app connects to it`}
      : undefined

  // Whether each engine runs here, decided once: an engine in use keeps every entry that may be its (its setting may sit
  // where conncalc does not read, SOLID_CACHE_CONFIG or config.solid_cache.connects_to); one not in use leaves its entry idle.
  const engines = new Map<string, Promise<Use>>()
  const engine = (kind: 'cable' | 'cache' | 'queue'): Promise<Use> => {
    let known = engines.get(kind)
    if (!known) {
      known = kind === 'queue' ? queueUse() : kind === 'cache' ? cacheUse() : cableUse()
      engines.set(kind, known)
    }

    return known
  }

  const queueUse = (): Promise<Use> => queueUseIn(ctx, server, queueTo)

  const cacheUse = (): Promise<Use> => cacheStoreUse(ctx, cacheNamed)

  const cableUse = async (): Promise<Use> => {
    const cable = await configFor(ctx, 'config/cable.yml')
    const adapter = cable?.section.adapter
    if (adapter === 'solid_cable' || typeof adapter !== 'string') return {used: true, why: 'Action Cable uses Solid Cable'}
    const names = cableNamed ? `${cableNamed.written} names it, but ` : ''
    return {at: fromFile('config/cable.yml', cable?.lineOf('adapter') ?? 1), used: false, why: `${names}config/cable.yml's ${ctx.appEnv} adapter is ${adapter}`}
  }

  const uses = (name: string): Promise<Use> =>
    engine(queueTo?.name === name ? 'queue' : cacheNamed?.databases.includes(name) ? 'cache' : cableNamed?.databases.includes(name) ? 'cable' : (name as 'cable' | 'cache' | 'queue'))

  const idle: Array<{entry: PoolEntry; use: Use}> = []
  for (const entry of candidates) {
    const use = gemless(entry.database) ?? (await uses(entry.database))
    if (!use.used) idle.push({entry, use})
  }

  if (idle.length === 0) return yml
  const gone = new Set(idle.map((i) => i.entry))
  const extras: Extra[] = idle.map(({entry, use}) => ({
      ceilingOnly: true,
      count: {...entry.pool, via: [...(entry.pool.via ?? []), ...(use.at ? [use.at] : []), fromDefault(`a pool connects only when something checks it out: ${use.why}, so no class of this process uses the ${entry.database} database (gems are not read)`, LAZY_POOL)]},
      kind: 'unused-database-pool',
      reason: `the ${entry.database} database's pool, which nothing in this process uses`,
    }))
  return {...yml, extrasPerProcess: [...(yml.extrasPerProcess ?? []), ...extras], pools: yml.pools.filter((e) => !gone.has(e))}
}
