/**
 * ActiveRecord pools beside ActiveRecord::Base's own: each connection owner (a class name;
 * ActiveRecord::Base for the primary abstract class) has a pool of its own per role and per
 * shard for the config it names — ConnectionHandler#establish_connection keys a PoolManager by
 * `pool_config.connection_name` and the PoolManager keeps `@role_to_shard_mapping[role][shard]`
 * (rails/rails connection_handler.rb, pool_manager.rb); ConnectionHandling#connects_to calls it
 * once per role of `database:` and once per role of each shard of `shards:`. So every distinct
 * (owner, role, shard) adds its entry's size per process, even when two roles name the same
 * entry (`writing: :primary, reading: :primary` is two pools of primary's size):
 *
 *     class AuditEvent < ActiveRecord::Base
 *       establish_connection ENV["AUDIT_DATABASE_URL"]   # a URL: its ?pool=, else 5 (HashConfig)
 *     end
 *     class BillingRecord < ActiveRecord::Base
 *       establish_connection :"billing_#{Rails.env}"     # a database.yml config, by name
 *     end
 *     class ApplicationRecord < ActiveRecord::Base
 *       connects_to database: {writing: :primary, reading: :primary_replica}
 *     end
 *     class ShardRecord < ActiveRecord::Base
 *       connects_to shards: {default: {writing: :primary}, one: {writing: :primary_shard_one}}
 *     end
 *
 * A name resolves as DatabaseConfigurations#find_db_config does: an entry of the app
 * environment's section by its name, else a top-level section by its env name (two-tier,
 * `billing_production`). database.yml's entries for the app environment are already counted
 * once each (database-yml.ts): a class that connects to one of them uses that pool; a second
 * owner of the same entry (a class beside ActiveRecord::Base connecting to `primary`) is a
 * second pool of that size. ApplicationRecord counts as ActiveRecord::Base (Rails 7's
 * `primary_abstract_class`, which the generator writes, shares Base's pools). Read from
 * app/models (any depth) and engines' app/models, config/application.rb and
 * config/initializers/*.rb — the files an eager-loading production process loads at boot.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra, PoolEntry} from '../../model/process.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {hostOfUrl, unknownServer} from '../../util/pg-url.js'
import type {AnalyzerContext} from '../common/types.js'
import {analyzeDatabaseYml, type DatabaseYmlAnalysis, PRIMARY_SERVER} from './database-yml.js'
import {configArgument, type DslCall, type EvalValue, isHash, isSymbol, type RubyValue} from './evaluate.js'
import type {RubyFacts} from './process-facts.js'
import {loadRubyConfig} from './ruby-server.js'
import {classUse} from './class-references.js'
import {parseRuby, type ParsedRuby, type RubyNode} from './prism.js'
import {filesUnder, onceForFiles} from '../../model/files.js'

const HANDLER = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/connection_adapters/abstract/connection_handler.rb'
const CONFIGURATIONS = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations.rb'
const HASH_CONFIG = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations/hash_config.rb'
// A pool connects on checkout only (ConnectionPool#checkout → acquire_connection → try_to_checkout_new_connection), and
// a model checks out the pool of ActiveRecord::Base.current_role / current_shard, which are :writing and :default unless
// the code runs inside connected_to(role:/shard:) (connection_handling.rb) or the DatabaseSelector / ShardSelector
// middleware switches them (config.active_record.database_selector / shard_selector).
const LAZY_POOL = 'https://github.com/rails/rails/blob/v8.0.2/activerecord/lib/active_record/connection_adapters/abstract/connection_pool.rb'
const SWITCHING = 'https://guides.rubyonrails.org/active_record_multiple_databases.html#activating-automatic-role-switching'

const BASE = 'ActiveRecord::Base'
const PRIMARY_OWNERS = new Set(['ActiveRecord::Base', 'ApplicationRecord'])
const WRITING = 'writing'
const DEFAULT_SHARD = 'default'
const MAX_MODEL_DEPTH = 6

/** One pool of ConnectionHandler: a connection owner's role and shard (PoolManager keeps `@role_to_shard_mapping[role][shard]`). */
interface PoolKey {
  owner: string
  role: string
  shard: string
}

const keyOf = (k: PoolKey): string => `${k.owner}\u0000${k.role}\u0000${k.shard}`

/** How a pool is named beside its database entry: the owner unless it is ActiveRecord::Base, then a role other than writing, a shard other than default. */
function ownerLabel(k: PoolKey): string {
  const parts = [...(k.owner === BASE ? [] : [k.owner]), ...(k.role === WRITING ? [] : [`${k.role} role`]), ...(k.shard === DEFAULT_SHARD ? [] : [`shard ${k.shard}`])]
  return parts.length > 0 ? parts.join(', ') : k.owner
}

/** An owner's pool in words: `ActiveRecord::Base`, `ActiveRecord::Base's reading role`, `ReportingRecord's writing role on shard one`. */
function describe(k: PoolKey): string {
  if (k.role === WRITING && k.shard === DEFAULT_SHARD) return k.owner
  return `${k.owner}'s ${k.role} role${k.shard === DEFAULT_SHARD ? '' : ` on shard ${k.shard}`}`
}

/** A symbol or string naming a role, shard or database entry. */
const nameOf = (v: RubyValue): string | undefined => (typeof v === 'string' ? v : isSymbol(v) ? v.symbol : undefined)

/** `pool=`/`max_connections=` in a URL's query, from a known string or the known tail of a built one (`"#{url}?pool=25"`). */
export function queryPool(v: EvalValue): {found: boolean; value?: number} {
  const parts = v.kind === 'known' ? (typeof v.value === 'string' ? [v.value] : undefined) : v.parts
  if (!parts) return {found: false}
  const at = parts.findLastIndex((p) => p !== null && p.includes('?'))
  if (at < 0) return {found: false}
  const query = parts.slice(at).map((p, i) => (i === 0 ? p!.slice(p!.lastIndexOf('?') + 1) : p))
  const text = query.map((p) => p ?? '\u0000').join('')
  const params = new URLSearchParams(text)
  const raw = params.get('max_connections') ?? params.get('pool')
  if (raw === null) return {found: false}
  return /^\d+$/.test(raw) ? {found: true, value: Number(raw)} : {found: true}
}

export interface ModelPools {
  /** database.yml entries an app class connects to (connects_to, establish_connection), the primary among them. */
  connected?: string[]
  diagnostics: Diagnostic[]
  /** Pools of a role or shard the app never switches to: they hold no connection, so only the ceiling counts them. */
  extrasPerProcess?: Extra[]
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
}

/** Where the app switches role or shard (connected_to, connecting_to, the selector middlewares); comment lines skipped. */
const SWITCH = /\b(?:connected_to|connected_to_many|connected_to_all_shards|connecting_to)\b(?![?!])|\b(?:database_selector|shard_selector|DatabaseSelector|ShardSelector)\b/

/**
 * The first place in app/, config/ and lib/ that switches ActiveRecord to the pool `key` names (its role and shard), once
 * per app: a pool of another role or shard is checked out only there. `connected_to(role: :reading, shard: :read_replica)`
 * reaches only that role on that shard (18F/identity-idp's reports: its `reading: :primary` pool on the default shard is
 * never used); a role or shard not written as a literal symbol on the line (a variable, left out, the next line) may be
 * any, as may the shard under the database selector and anything under the shard selector. Gems are not read (one that
 * switches would be missed).
 */
function firstSwitch(ctx: AnalyzerContext, key: PoolKey): {file: string; line: number} | undefined {
  const switches = onceForFiles(ctx.files, 'activerecord-role-switches', () => {
    const found: Array<{file: string; line: number; role: string; shard: string}> = []
    for (const dir of ['app', 'config', 'lib']) {
      for (const file of filesUnder(ctx.files, dir, (p) => p.endsWith('.rb'), {maxDepth: MAX_MODEL_DEPTH + 2}).paths) {
        const lines = ctx.files.read(file)?.text.split('\n') ?? []
        for (const [i, l] of lines.entries()) {
          if (/^\s*#/.test(l) || !SWITCH.test(l)) continue
          const literal = (name: string): string => /\b(?:database_selector|DatabaseSelector)\b/.test(l) && name === 'role' ? 'reading' : (new RegExp(`\\b${name}:\\s*:(\\w+)\\s*(?:[,)]|$)`).exec(l)?.[1] ?? '*')
          const selector = /\b(?:shard_selector|ShardSelector)\b/.test(l)
          found.push({file, line: i + 1, role: selector ? '*' : literal('role'), shard: selector ? '*' : literal('shard')})
        }
      }
    }

    return found
  })
  return switches.find((w) => (w.role === '*' || w.role === key.role) && (w.shard === '*' || w.shard === key.shard))
}

/** The class a call's connection belongs to: its receiver, or the class whose body it is written in. */
function ownerOf(c: DslCall): string | undefined {
  const owner = c.receiver === undefined || c.receiver === 'self' ? c.inClass : c.receiver
  if (!owner || !/^(::)?[A-Z]/.test(owner)) return undefined
  const name = owner.replace(/^::/, '')
  return PRIMARY_OWNERS.has(name) ? BASE : name
}

/** DATABASE_URL read where the platform sets it but its value is not given (presentEnv in the evaluator). */
const platformDatabaseUrl = (v: EvalValue): boolean => v.kind === 'unknown' && v.truthy === true && v.reason.startsWith(`${PRIMARY_SERVER} `)

/** The server a URL connects to: keyed by the env var it is read from, the same as DATABASE_URL's when the hosts match. */
function urlServer(ctx: AnalyzerContext, v: EvalValue): string {
  if (v.kind === 'unknown') return platformDatabaseUrl(v) ? PRIMARY_SERVER : unknownServer(`its URL cannot be read (${v.reason})`)
  if (v.value === null && v.missingEnv) return unknownServer(`${[...new Set(v.missingEnv.map((m) => m.name))].join(', ')} ${v.missingEnv.length === 1 ? 'has' : 'have'} no value`)
  const env = v.via.find((s) => s.kind === 'env')
  if (env?.kind === 'env' && env.name === PRIMARY_SERVER) return PRIMARY_SERVER
  const host = hostOfUrl(typeof v.value === 'string' ? v.value : undefined)
  if (host && host === hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value)) return PRIMARY_SERVER
  if (env?.kind === 'env') return env.name
  return host ? `host=${host}` : unknownServer('its URL cannot be read')
}

/** `.rb` files under `dir` and its folders (app/models/billing/invoice.rb is loaded like app/models/user.rb), depth-capped. */
function rubyFilesUnder(ctx: AnalyzerContext, dir: string): string[] {
  return filesUnder(ctx.files, dir, (p) => p.endsWith('.rb'), {max: Number.POSITIVE_INFINITY, maxDepth: MAX_MODEL_DEPTH}).paths
}

const modelFilesOf = new WeakMap<AnalyzerContext['files'], string[]>()

/**
 * Files that may open pools at boot: app/models at any depth, the app's engines' app/models
 * (engines/* and components/*, the two folders Rails guides and component-based apps use),
 * config/application.rb and config/initializers. A plain text check keeps the rest from
 * Prism: only a file that says establish_connection or connects_to is parsed. Listed once per
 * app, not per process type.
 */
function modelFiles(ctx: AnalyzerContext): string[] {
  const known = modelFilesOf.get(ctx.files)
  if (known) return known
  const rb = (dir: string): string[] => ctx.files.list(dir).filter((n) => n.endsWith('.rb')).map((n) => `${dir}/${n}`)
  const engines = ['engines', 'components'].flatMap((d) => ctx.files.folders(d).map((e) => `${d}/${e}/app/models`))
  const found = [...rubyFilesUnder(ctx, 'app/models'), ...engines.flatMap((d) => rubyFilesUnder(ctx, d)), 'config/application.rb', ...rb('config/initializers')].filter((p) => {
    const text = ctx.files.read(p)?.text
    return text !== undefined && (text.includes('establish_connection') || text.includes('connects_to'))
  })
  modelFilesOf.set(ctx.files, found)
  return found
}

// On ActiveRecord::Base (or the primary abstract class) it replaces the primary's pool: no pool beside it.
const ON_PRIMARY = /^(?:::)?(?:ActiveRecord::Base|ApplicationRecord)$/

/**
 * `establish_connection` in a method body (`def in_db_context … establish_connection(:redshift) … ensure
 * establish_connection(Rails.env.to_sym)`, a concern's class_methods): it runs when the method is called, which conncalc does
 * not follow; then its class gets a pool of its own beside ActiveRecord::Base's (ConnectionHandler keys pools by class), not
 * counted. Said (once per file, with its lines), never dropped without a word.
 */
const methodCallLines = new WeakMap<ParsedRuby, number[]>()

async function inMethods(file: string, text: string, diagnostics: Diagnostic[]): Promise<void> {
  if (!text.includes('establish_connection')) return
  const parsed = await parseRuby(file, text)
  // Parses are cached per (path, text): each process type reading the same file walks it once.
  let lines = methodCallLines.get(parsed)
  if (!lines) {
    const P = parsed.prism
    const found: number[] = []
    const visit = (n: RubyNode, inDef: boolean): void => {
      if (inDef && n instanceof P.CallNode && n.name === 'establish_connection' && !(n.receiver && ON_PRIMARY.test(parsed.textOf(n.receiver)))) found.push(parsed.lineOf(n.location.startOffset))
      for (const child of n.compactChildNodes()) visit(child, inDef || n instanceof P.DefNode)
    }

    visit(parsed.program, false)
    lines = found
    methodCallLines.set(parsed, lines)
  }

  if (lines.length === 0) return
  diagnostics.push({
    code: 'unknown-config-value',
    file,
    fix: 'if that method runs in this process, its pool adds to the count: open the connection in the class body, where conncalc reads it, or count it yourself (--limit / a conncalc.yml reserve)',
    line: lines[0],
    message: `${file}:${lines.join(', ')}: \`establish_connection\` in a method: when it runs, its class opens a pool of its own beside ActiveRecord::Base's (ConnectionHandler keeps a pool per class); conncalc does not follow method calls, so that pool is not counted`,
    severity: 'warning',
  })
}

function walk(calls: readonly DslCall[], out: DslCall[]): void {
  for (const c of calls) {
    if (c.name === 'establish_connection' || c.name === 'connects_to') out.push(c)
    if (c.blockBody) walk(c.blockBody, out)
  }
}

/**
 * The pools other classes open, for one process type; `yml` is what database.yml (and pools-in-code) gave.
 * No file opens a pool of its own (most apps): nothing to add, answered at once — not through an async
 * call, whose suspended frame (this function's every local) was made for each of 100,000 process types.
 */
export function analyzeModelPools(ctx: AnalyzerContext, facts: () => RubyFacts, yml: DatabaseYmlAnalysis): ModelPools | Promise<ModelPools> {
  const files = modelFiles(ctx)
  return files.length === 0 ? {diagnostics: [], otherServerPools: [], pools: []} : poolsOfModels(ctx, facts, yml, files)
}

async function poolsOfModels(ctx: AnalyzerContext, facts: () => RubyFacts, yml: DatabaseYmlAnalysis, files: string[]): Promise<ModelPools> {
  const diagnostics: Diagnostic[] = []
  const added: PoolEntry[] = []
  const entries = [...yml.pools, ...yml.otherServerPools]
  // Entry name → the pools opened on it (owner, role, shard), in the order met; ActiveRecord::Base's writing pool
  // on the default shard is the primary's from boot.
  const owners = new Map<string, Map<string, {at: string; key: PoolKey; why?: string}>>([[yml.primary, new Map([[keyOf({owner: BASE, role: WRITING, shard: DEFAULT_SHARD}), {at: 'ActiveRecord\'s own connection', key: {owner: BASE, role: WRITING, shard: DEFAULT_SHARD}}]])]])
  const own = (entry: string, key: PoolKey, file: string, c: DslCall): void => {
    const m = owners.get(entry) ?? new Map<string, {at: string; key: PoolKey; why?: string}>()
    if (!m.has(keyOf(key))) m.set(keyOf(key), {at: `${file}:${c.line}`, key, ...(c.conditional ? {why: conditionWhy(file, c)} : {})})
    owners.set(entry, m)
  }

  /** `{writing: :primary, reading: :primary_replica}` of one shard: each role's entry is a pool of its own. */
  const ownRoles = (roles: RubyValue, owner: string, shard: string, file: string, c: DslCall): void => {
    if (!isHash(roles)) {
      diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the databases \`connects_to\` names for ${owner}${shard === DEFAULT_SHARD ? '' : ` on shard ${shard}`} (not a hash of roles); their pools are not counted apart`, severity: 'warning'})
      return
    }

    for (const [role, v] of Object.entries(roles.hash)) {
      const name = nameOf(v)
      if (name !== undefined && entries.some((e) => e.database === name)) own(name, {owner, role, shard}, file, c)
      else if (name !== undefined) diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `\`connects_to\` names \`${name}\`, which is not an entry of database.yml's ${ctx.appEnv} section; its pool is not counted`, severity: 'warning'})
      else diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the database \`connects_to\` names for ${owner}'s ${role} role; its pool is not counted`, severity: 'warning'})
    }
  }

  const unused: Extra[] = []
  // A pool of a class no file names: it opens no connection, so only the ceiling counts it (one on the plan's server).
  const openBy = async (owner: string, file: string, c: DslCall, e: PoolEntry): Promise<void> => {
    const use = await classUse(ctx, owner, file, MAX_MODEL_DEPTH + 2)
    if (use.kind === 'constant') {
      added.push(e)
      return
    }

    if (use.kind === 'string') {
      // `class_name: "Owner"`, `"Owner".constantize`, `has_many :owners`: ActiveRecord may load the class by that name.
      const why = assumed(`no file in app/, lib/ or config/ names ${owner} as a constant beside its declaration (${file}:${c.line}); ${use.file}:${use.line} names it in ${use.text}, which conncalc does not follow to the class: its pool is counted`)
      added.push({...e, pool: {...e.pool, via: [...(e.pool.via ?? []), why]}})
      return
    }

    const idle = fromDefault(`a pool connects only when a model checks it out, and no file in app/, lib/ or config/ names ${owner} beside its declaration (${file}:${c.line}), as a constant or in a string (comments aside; gems are not read): no model uses its pool`, LAZY_POOL)
    if (e.server === PRIMARY_SERVER) unused.push({ceilingOnly: true, count: {...e.pool, via: [...(e.pool.via ?? []), idle]}, kind: 'unreferenced-model-pool', reason: `${e.database}'s pool, which nothing uses (${file}:${c.line})`})
    else added.push({...e, pool: {...e.pool, via: [...(e.pool.via ?? []), idle]}})
  }

  const conditionWhy = (file: string, c: DslCall): string => `${file}:${c.line} runs only when \`${c.condition ?? 'a condition'}\`, which conncalc cannot decide for ${ctx.processType}; counted`
  const label = (pool: Sourced<number>, file: string, c: DslCall): Sourced<number> => (c.conditional ? {...pool, via: [...(pool.via ?? []), assumed(conditionWhy(file, c))]} : pool)

  for (const file of files) {
    const config = await loadRubyConfig(ctx, file, ctx.appEnv, facts())
    if (!config) continue
    const calls: DslCall[] = []
    walk(config.calls, calls)
    await inMethods(file, ctx.files.read(file)?.text ?? '', diagnostics)
    for (const c of calls) {
      const owner = ownerOf(c)
      if (!owner) continue
      const at = fromFile(file, c.line)
      if (c.name === 'connects_to') {
        // ConnectionHandling#connects_to: database: {role => entry} on the default shard; shards: {shard => {role => entry}}.
        const {database, shards} = c.kwargs
        if (database?.kind === 'known') ownRoles(database.value, owner, DEFAULT_SHARD, file, c)
        else if (database) diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the databases \`connects_to\` names for ${owner} (${database.reason}); their pools are not counted apart`, severity: 'warning'})
        if (shards?.kind === 'known' && isHash(shards.value)) {
          for (const [shard, roles] of Object.entries(shards.value.hash)) ownRoles(roles, owner, shard, file, c)
        } else if (shards) {
          diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the shards \`connects_to shards:\` names for ${owner}${shards.kind === 'unknown' ? ` (${shards.reason})` : ''}; their pools are not counted apart`, severity: 'warning'})
        }

        continue
      }

      // establish_connection on ActiveRecord::Base is the primary's (pools-in-code.ts).
      if (owner === BASE) continue
      const arg = configArgument(c, ['max_connections', 'pool', 'url'])
      const name = arg === undefined ? ctx.appEnv : arg.kind === 'known' && isSymbol(arg.value) ? arg.value.symbol : arg.kind === 'known' && typeof arg.value === 'string' && !arg.value.includes('://') ? arg.value : undefined
      if (name !== undefined) {
        // find_db_config: an entry of this environment by name (the environment's own name is its primary), else a section.
        const entry = name === ctx.appEnv ? yml.primary : entries.some((e) => e.database === name) ? name : undefined
        if (entry !== undefined) {
          own(entry, {owner, role: WRITING, shard: DEFAULT_SHARD}, file, c)
          continue
        }

        const section = await analyzeDatabaseYml(ctx, facts(), name)
        const found = [...section.pools, ...section.otherServerPools]
        if (found.length === 0) {
          diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `${owner}.establish_connection(:${name}) names no config in database.yml (neither an entry of ${ctx.appEnv} nor a section); ActiveRecord raises AdapterNotSpecified, no pool is counted`, severity: 'warning'})
          continue
        }

        diagnostics.push(...section.diagnostics)
        for (const e of found.slice(0, 1)) {
          await openBy(owner, file, c, {...e, database: `${name} (${owner})`, pool: label({...e.pool, via: [...(e.pool.via ?? []), fromDefault(`${owner} opens a pool of its own for the ${name} section (find_db_config by env name)`, CONFIGURATIONS)]}, file, c)})
        }

        continue
      }

      // A URL, or a hash config: the pool its ?pool= or `pool:` gives, else HashConfig's default 5.
      if (arg === undefined) continue
      const hash = arg.kind === 'known' && isHash(arg.value) ? arg.value.hash : undefined
      const url: EvalValue | undefined = hash ? (c.args[0]?.kind === 'known' ? (hash.url === undefined ? undefined : {...arg, value: hash.url} as EvalValue) : c.kwargs.url) : arg
      let pool: Sourced<number>
      const poolKey = hash?.max_connections ?? hash?.pool
      const q = url ? queryPool(url) : {found: false}
      if (typeof poolKey === 'number') pool = sourced(poolKey, at)
      else if (q.value !== undefined) pool = sourced(q.value, at, url?.kind === 'known' ? url.via : [])
      else if (url && platformDatabaseUrl(url) && poolKey === undefined) {
        // The platform's DATABASE_URL, its value not given: as for the primary (database-yml.ts), the URL
        // Heroku Postgres sets carries no ?pool=, so ActiveRecord's default applies; --env DATABASE_URL=… with one is read.
        pool = sourced(5, fromDefault('ActiveRecord default pool size (the DATABASE_URL the platform sets has no ?pool=)', HASH_CONFIG), [at])
      } else if (arg.kind === 'unknown' || q.found || (poolKey !== undefined && typeof poolKey !== 'number')) {
        const why = arg.kind === 'unknown' ? arg.reason : 'its pool is not a number conncalc can read'
        diagnostics.push({code: 'unknown-config-value', file, line: c.line, message: `cannot read the pool ${owner}.establish_connection opens (${why}); ActiveRecord's default 5 is assumed`, severity: 'warning'})
        pool = sourced(5, assumed(`${file}:${c.line}: ${owner}'s config cannot be read; ActiveRecord's default pool 5 assumed`), [fromDefault('ActiveRecord default pool size', HASH_CONFIG)])
      } else pool = sourced(5, fromDefault('ActiveRecord default pool size (the config sets no pool)', HASH_CONFIG), [at, ...(url?.kind === 'known' ? url.via : [])])

      // The host and port are read apart from the pool: one unreadable key does not hide the other.
      const where = hash ? configArgument(c, ['host', 'port']) : undefined
      const whereHash = where?.kind === 'known' && isHash(where.value) ? where.value.hash : undefined
      const host = typeof whereHash?.host === 'string' ? whereHash.host : undefined
      const server = url ? urlServer(ctx, url) : host ? `host=${host}:${typeof whereHash?.port === 'number' ? whereHash.port : 5432}` : unknownServer(`${owner}'s config has no url or host`)
      await openBy(owner, file, c, {database: owner, pool: label({...pool, via: [...(pool.via ?? []), fromDefault(`${owner} opens a pool of its own (ConnectionHandler keys pools by class)`, HANDLER)]}, file, c), server})
    }
  }

  // A second pool on an entry already counted once (another owner, or another role or shard of the same owner) adds its size —
  // unless it is another role or shard than writing/default and nothing in the app switches to one: it never connects.
  for (const [name, who] of owners) {
    const entry = entries.find((e) => e.database === name)
    if (!entry) continue
    // The entry's own count (database.yml) stands for a writing pool on the default shard when there is one, whatever order
    // the roles are written in (`{reading: :x, writing: :x}`): the others are the second pools.
    const all = [...who.values()]
    const main = Math.max(0, all.findIndex((o) => o.key.role === WRITING && o.key.shard === DEFAULT_SHARD))
    const [first, ...rest] = [all[main], ...all.filter((_, i) => i !== main)]
    for (const {at, key, why} of rest) {
      const opens = fromDefault(`${describe(key)} (${at}) opens a pool of its own for the ${name} database, beside the pool of ${describe(first.key)} (ConnectionHandler keeps a pool per owner, role and shard)`, HANDLER)
      const pool = {...entry.pool, via: [...(entry.pool.via ?? []), opens, ...(why ? [assumed(why)] : [])]}
      if ((key.role !== WRITING || key.shard !== DEFAULT_SHARD) && !firstSwitch(ctx, key)) {
        const role = key.role === WRITING ? `shard ${key.shard}` : key.shard === DEFAULT_SHARD ? `${key.role} role` : `${key.role} role on shard ${key.shard}`
        const idle = fromDefault(`a pool connects only when a model checks it out, and models use the writing role on the default shard unless code runs inside connected_to (or the database/shard selector middleware switches): nothing in app/, config/ or lib/ switches to the ${role}, so this pool opens no connection (gems are not read)`, LAZY_POOL)
        unused.push({ceilingOnly: true, count: {...pool, via: [...(pool.via ?? []), idle, fromDefault('Rails switches roles only when told to (connected_to, or automatic role switching)', SWITCHING)]}, database: name, kind: 'unused-role-pool', reason: `${describe(key)}'s pool, never switched to (${at})`})
        continue
      }

      added.push({...entry, database: `${name} (${ownerLabel(key)})`, pool})
    }
  }

  return {
    connected: [...owners.keys()],
    diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
    ...(unused.length > 0 ? {extrasPerProcess: unused} : {}),
    otherServerPools: added.filter((e) => e.server !== PRIMARY_SERVER),
    pools: added.filter((e) => e.server === PRIMARY_SERVER),
  }
}
