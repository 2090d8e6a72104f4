/**
 * The Solid engines' record classes name their own database: SolidQueue::Record
 * (`config.solid_queue.connects_to`, Rails 8's production.rb), SolidCache::Record
 * (config/cache.yml `database: cache`, or `databases:`), SolidCable::Record
 * (config/cable.yml `connects_to`). Each calls `connects_to` in its class body, and
 * ActiveRecord resolves every database it names there
 * (DatabaseConfigurations#resolve_symbol_connection): one that config/database.yml does
 * not define for the environment raises AdapterNotSpecified ("The `queue` database is
 * not configured for the `production` environment").
 *
 * When that happens: a Rails process that eager-loads (`config.eager_load = true`, as
 * production.rb sets it; unset, Rails takes cache_classes, true by default:
 * railties bootstrap.rb set_eager_load) loads every engine's app/models at boot — the
 * web server, the job processes, `rails runner` — and exits. Rake does not eager-load
 * (`config.eager_load = config.rake_eager_load`, false by default), so `rails db:prepare`
 * boots; Solid Queue's own supervisor (`bin/jobs`, `rails solid_queue:start`) uses its
 * records at once, and the Solid Cable listener of a web process when it starts, so those
 * fail either way.
 *
 * Said (missing-config, on the line that names the database) for every type it hits, and
 * the type counted as if it booted, starred.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, type Source} from '../../model/source.js'
import {readYamlErb} from './erb.js'
import {analyzeDatabaseYml, DATABASE_YML, databaseYmlTemplate} from './database-yml.js'
import {railsTopSetting} from './rails-config.js'
import {rakeTasks} from './rails-process-command.js'
import {queueConnectsTo} from './solid-queue.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'

const RESOLVE = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations.rb'
const SET_EAGER_LOAD = 'https://github.com/rails/rails/blob/main/railties/lib/rails/application/bootstrap.rb'
// Configuration#set_connects_to: `database: x` → shards {x: {writing: x}}; Record calls connects_to when sharded.
const CACHE_CONFIGURATION = 'https://github.com/rails/solid_cache/blob/v1.0.7/lib/solid_cache/configuration.rb'
const CABLE_RECORD = 'https://github.com/rails/solid_cable/blob/v3.0.8/app/models/solid_cable/record.rb'

/** Processes that boot the Rails app (Rails.application.initialize!), so eager-load when the environment does. */
const BOOTS_RAILS = new Set(['clockwork', 'delayed_job', 'falcon', 'good_job', 'passenger', 'pitchfork', 'puma', 'que', 'rails-runner', 'resque', 'shoryuken', 'sidekiq', 'sneakers', 'solid_queue', 'thin', 'unicorn', 'webrick'])
/** Servers whose processes run the Solid Cable listener (action-cable.ts). */
const CABLE_SERVERS = new Set(['pitchfork', 'puma', 'unicorn'])

interface Named {
  /** The database names the setting gives. */
  databases: string[]
  file: string
  line: number
  record: 'SolidCable::Record' | 'SolidCache::Record' | 'SolidQueue::Record'
  ref: string
  /** How the setting is written, for the message. */
  written: string
}

type Section = Record<string, unknown>
const isObject = (v: unknown): v is Section => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A config_for-style YAML file's section for the environment, `shared` under it (Rails::Application#config_for). */
export async function configFor(ctx: AnalyzerContext, path: string): Promise<{lineOf: (key: string) => number | undefined; section: Section} | undefined> {
  const file = ctx.files.read(path)
  if (!file) return undefined
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files)
  const root = doc.yaml.value
  if (!isObject(root)) return undefined
  const env = isObject(root[ctx.appEnv]) ? root[ctx.appEnv] as Section : {}
  const shared = isObject(root.shared) ? root.shared : {}
  return {lineOf: (key) => doc.yaml.lineOf([ctx.appEnv, key]) ?? (key in env ? undefined : doc.yaml.lineOf(['shared', key])), section: {...shared, ...env}}
}

const names = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [])

/** `connects_to: {database: {writing: x}}` or `{shards: {s: {writing: x}}}`: the writing databases. */
function connectsToNames(to: unknown): string[] {
  if (!isObject(to)) return []
  const writing = (v: unknown): string[] => (isObject(v) ? names(v.writing) : names(v))
  if (to.database !== undefined) return writing(to.database)
  if (isObject(to.shards)) return Object.values(to.shards).flatMap((s) => writing(s))
  return []
}

export async function cacheDatabases(ctx: AnalyzerContext): Promise<Named | undefined> {
  // SolidCache::Engine's "solid_cache.config" initializer: SOLID_CACHE_CONFIG, else config/cache.yml, else config/solid_cache.yml.
  const env = ctx.env.get('SOLID_CACHE_CONFIG')?.value
  const paths = env ? [env.replace(/^\.\//, '')] : ['config/cache.yml', 'config/solid_cache.yml']
  for (const path of paths) {
    const config = await configFor(ctx, path)
    if (!config) continue
    const file = ctx.files.read(path)?.path ?? path
    for (const key of ['database', 'databases', 'connects_to'] as const) {
      const v = config.section[key]
      const databases = key === 'connects_to' ? connectsToNames(v) : names(v)
      // Only the shards form makes the Record call connects_to (record.rb: `if SolidCache.configuration.sharded?`).
      if (key === 'connects_to' && !(isObject(v) && isObject(v.shards))) continue
      if (databases.length > 0) return {databases, file, line: config.lineOf(key) ?? 1, record: 'SolidCache::Record', ref: CACHE_CONFIGURATION, written: `${file}'s ${ctx.appEnv} \`${key}\``}
    }

    return undefined
  }

  return undefined
}

export async function cableDatabases(ctx: AnalyzerContext): Promise<Named | undefined> {
  const config = await configFor(ctx, 'config/cable.yml')
  if (!config) return undefined
  const databases = connectsToNames(config.section.connects_to)
  const file = ctx.files.read('config/cable.yml')?.path ?? 'config/cable.yml'
  return databases.length > 0 ? {databases, file, line: config.lineOf('connects_to') ?? 1, record: 'SolidCable::Record', ref: CABLE_RECORD, written: `${file}'s ${ctx.appEnv} connects_to`} : undefined
}

async function queueDatabases(ctx: AnalyzerContext): Promise<Named | undefined> {
  const to = await queueConnectsTo(ctx)
  return to?.name ? {databases: [to.name], file: to.file, line: to.line, record: 'SolidQueue::Record', ref: 'https://github.com/rails/solid_queue/blob/v1.5.0/app/models/solid_queue/record.rb', written: `${to.file}:${to.line}'s \`config.solid_queue.connects_to\``} : undefined
}

/** Does this process eager-load the app at boot? `config.eager_load` literal false: no; true, unset or unread: yes. */
async function eagerLoads(ctx: AnalyzerContext): Promise<{how: string; yes: boolean}> {
  const s = await railsTopSetting(ctx, 'eager_load')
  if (!s) return {how: `${ctx.appEnv} eager-loads (config.eager_load unset: Rails takes cache_classes, true by default, ${SET_EAGER_LOAD})`, yes: true}
  const v = s.value
  if (v.kind === 'known' && v.value === false && !s.conditional) return {how: '', yes: false}
  const read = v.kind === 'known' && v.value === true && !s.conditional
  return {how: `${ctx.appEnv} eager-loads (${s.file}:${s.line}${read ? '' : ', not read: taken as true'})`, yes: true}
}

/**
 * The top-level keys of config/database.yml other than the environment's, with their lines: ActiveRecord builds an
 * environment from each (DatabaseConfigurations#build_configs walks every key), and find_db_config(name) falls back to the
 * environment of that name when the current one has no database of it (`configurations.find { |c| c.env_name == name }`).
 */
export async function topLevelBlocks(ctx: AnalyzerContext): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  const file = ctx.files.read(DATABASE_YML)
  if (!file) return out
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files)
  const root = doc.yaml.value
  if (!isObject(root)) return out
  for (const [key, v] of Object.entries(root)) {
    if (key !== ctx.appEnv && (isObject(v) || (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(v)))) out.set(key, doc.yaml.lineOf([key]) ?? 1)
  }

  return out
}

async function solidDatabasesAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const {solid_cable: cable, solid_cache: cache, solid_queue: queue} = ctx.versions
  const viaRake = rakeTasks(ctx.command.argv) !== undefined
  const eager = viaRake ? {how: '', yes: false} : await eagerLoads(ctx)
  // Which records load in this process, and when.
  const checks: Array<{named: Promise<Named | undefined>; when: string}> = []
  if (queue !== undefined && (eager.yes || server.server === 'solid_queue')) checks.push({named: queueDatabases(ctx), when: eager.yes ? `at boot, as ${eager.how}` : 'as the Solid Queue supervisor starts'})
  if (cache !== undefined && eager.yes) checks.push({named: cacheDatabases(ctx), when: `at boot, as ${eager.how}`})
  if (cable !== undefined && (eager.yes || CABLE_SERVERS.has(server.server))) checks.push({named: cableDatabases(ctx), when: eager.yes ? `at boot, as ${eager.how}` : 'when the Solid Cable listener starts'})
  if (checks.length === 0) return {diagnostics: []}
  const yml = await analyzeDatabaseYml(ctx)
  const defined = new Set([...yml.pools, ...yml.otherServerPools].map((e) => e.database))
  const diagnostics: Diagnostic[] = []
  const processesVia: Source[] = []
  const blocks = await topLevelBlocks(ctx)
  for (const check of checks) {
    const named = await check.named
    if (!named) continue
    for (const missing of named.databases.filter((d) => !defined.has(d))) {
      // find_db_config's first pass takes a config of the current environment whose env_name is the name asked for
      // (`for_current_env? && (env_name == env || name == env)`): `database: production` in production is that
      // environment's first config, the primary, and the record opens a pool of its own on it (solid-idle.ts).
      if (missing === ctx.appEnv) {
        diagnostics.push({
          code: 'missing-config',
          file: named.file,
          line: named.line,
          message: `${ctx.processType}: ${named.written} names \`${missing}\`, the environment itself, not an entry of it: ActiveRecord resolves that name to the environment's first config (DatabaseConfigurations#find_db_config matches env_name, ${RESOLVE}), the primary \`${yml.primary}\`, so ${named.record} connects there, with a pool of its own, and the process boots`,
          processType: ctx.processType,
          severity: 'info',
        })
        continue
      }

      // find_db_config's second pass: a top-level block of that name (`default: &default`) is an environment of its own.
      const block = blocks.get(missing)
      if (block !== undefined) {
        diagnostics.push({
          code: 'missing-config',
          file: named.file,
          line: named.line,
          message: `${ctx.processType}: ${named.written} names the \`${missing}\` database, which ${DATABASE_YML} does not define for ${ctx.appEnv}; ActiveRecord then takes the top-level \`${missing}\` block (${DATABASE_YML}:${block}), an environment of that name (DatabaseConfigurations#find_db_config, ${RESOLVE}), so ${named.record} connects with its settings and the process boots`,
          processType: ctx.processType,
          severity: 'info',
        })
        continue
      }

      const noFile = !ctx.files.read(DATABASE_YML)
      diagnostics.push({
        code: 'missing-config',
        file: named.file,
        fix: noFile
          ? `if the deploy puts its own ${DATABASE_YML} in place, its entries decide (conncalc cannot read them); else add one with a \`${missing}\` entry, or remove the setting so ${named.record} uses the primary`
          : `add a \`${missing}\` entry to the ${ctx.appEnv} section of ${DATABASE_YML} (Rails 8 generates one), or remove the setting so ${named.record} uses the primary`,
        line: named.line,
        message: `${ctx.processType}: ${named.written} names the \`${missing}\` database, which ${noFile ? `nothing defines: ${DATABASE_YML} is not in the repository, and DATABASE_URL alone gives the primary only` : `${DATABASE_YML} does not define for ${ctx.appEnv}`}: when ${named.record} loads (${check.when}) ActiveRecord raises AdapterNotSpecified ("The \`${missing}\` database is not configured for the \`${ctx.appEnv}\` environment", ${RESOLVE}; ${named.ref}) and the process exits; conncalc counts it as if it booted`,
        processType: ctx.processType,
        severity: 'warning',
      })
      processesVia.push(assumed(`${named.record} names the \`${missing}\` database (${named.file}:${named.line}), which ${DATABASE_YML} lacks for ${ctx.appEnv}: Rails would raise AdapterNotSpecified ${check.when.replace(/^at boot, as .*/, 'at boot')} and the process exit; counted as if it booted`))
    }
  }

  return {diagnostics, ...(processesVia.length > 0 ? {processesVia} : {})}
}

export const solidDatabases: ProcessAddon = {
  // Most types: no Solid gem, not a process that boots Rails, or a database.yml template in its place (already starred,
  // its entries what a deploy copying it runs): answered at once. With neither the file nor a template, DATABASE_URL alone
  // gives the primary only, so a named cache/queue/cable database is missing as the repository stands (Final-Furlong).
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> =>
    !BOOTS_RAILS.has(server.server) || (ctx.versions.solid_queue ?? ctx.versions.solid_cache ?? ctx.versions.solid_cable) === undefined || (ctx.versions.rails ?? ctx.versions.railties) === undefined || (!ctx.files.read(DATABASE_YML) && databaseYmlTemplate(ctx) !== undefined)
      ? {diagnostics: []}
      : solidDatabasesAnalysis(ctx, server),
  id: 'solid_databases',
}
