/**
 * ActiveRecord pools from config/database.yml, evaluated with the env of one
 * process type: the section for the app environment, anchors and merge keys,
 * ERB, `pool` or Rails 8.1's `max_connections` (which wins), and `pool=` in a
 * URL's query. DATABASE_URL is merged into the primary entry and its query
 * parameters override the file, as ActiveRecord does.
 *
 * Server keys: what a budget counts against is a server, so entries are keyed
 * by where they connect. The primary entry (named "primary", else the first)
 * connects to "DATABASE_URL", which Heroku sets and ActiveRecord merges into it.
 * Another entry takes <NAME>_DATABASE_URL when that is set (ActiveRecord merges
 * CACHE_DATABASE_URL into `cache`; rails/rails database_configurations.rb),
 * else its own url (keyed by the env var it is read from, or `host=<host:port>`
 * when literal) or host. A url, host or port read from env vars that have no
 * value leaves the server unknown (`unknown server: X has no value`): listed,
 * never counted on the primary's. One with no url or host at all (or a host on
 * this machine: localhost, a socket folder) reaches no server on the platform
 * from Rails 6.1: ActiveRecord merges `<NAME>_DATABASE_URL` into the entry named
 * NAME and DATABASE_URL only into the entry named `primary`
 * (DatabaseConfigurations#environment_value_for, rails/rails v8.0.2
 * activerecord/lib/active_record/database_configurations.rb, the same from 6.1 to
 * 8.1), so Rails 8's generated `cache`/`queue`/`cable` entries
 * (`<<: *primary_production`, another `database:`) connect to the local socket on
 * Heroku or Render when only DATABASE_URL is set, and the engine using them fails
 * there. Such an entry is keyed `no server: …` (listed, never counted), said with a
 * `database-url-missing` warning on its line, and the counted numbers of the
 * section are starred (set the variable and they change). When the platform's file
 * fills `<NAME>_DATABASE_URL` from DATABASE_URL's database (render.yaml
 * `fromDatabase`, ctx.sameServer), the entry is keyed on that variable and
 * model/other-server.ts counts it on the plan. Rails 6.0 merged DATABASE_URL into
 * every entry of the environment when the first was not a url config
 * (build_url_config, rails/rails v6.0.6 database_configurations.rb): there such an
 * entry is counted on DATABASE_URL. `replica: true` entries are never counted on
 * the primary's server. When the env gives both URLs, an entry on DATABASE_URL's host
 * and port is the same server even under another name (two databases, one
 * plan). Entries keyed other than "DATABASE_URL" (replicas included, when their
 * URL differs) go to `otherServerPools`.
 * Entries with `database_tasks: false` still connect and are kept.
 *
 * Rails 8.1's `min_connections` (default 0): "minimum number of connections the
 * pool will open and maintain" (rails/rails v8.1.0 activerecord/lib/active_record/
 * connection_adapters/abstract/connection_pool.rb): once the pool is activated
 * (first checkout), the reaper's `prepopulate` opens connections up to it and
 * `flush` keeps that many idle ones past `idle_timeout`, so a process that uses
 * the pool holds at least min(min_connections, pool) whatever its threads
 * (PoolEntry.minOpen). `idle_timeout` changes nothing here: conncalc counts what
 * can be open at once, not for how long.
 */

import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra, PoolEntry} from '../../model/process.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {POOL_URL} from '../../platform/server-pooling.js'
import {readYamlErb, tagsOnLine, unknownTag, type YamlErb} from './erb.js'
import {processorsFor} from './processors.js'
import {appConstantCalls} from './app-constants.js'
import type {EvalOptions} from './evaluate.js'
import type {RubyFacts} from './process-facts.js'
import {versionAtLeast} from '../../util/version.js'
import {hostOfUrl, isLocalHost, noServer, parsePgUrlWithoutFiles, unknownServer, unsetUrlServer} from '../../util/pg-url.js'
import {type Candidate, firstOf, unreadFallback, yamlCandidate} from '../common/setting.js'
import type {AnalyzerContext} from '../common/types.js'
import {append} from '../../util/arrays.js'

export const DATABASE_YML = 'config/database.yml'
export const PRIMARY_SERVER = 'DATABASE_URL'

const HASH_CONFIG = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations/hash_config.rb'

export interface DatabaseYmlAnalysis {
  diagnostics: Diagnostic[]
  /** Connections only the ceiling counts (a pool of a role the app never switches to: model-pools.ts). */
  extrasPerProcess?: Extra[]
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
  /** The entry ActiveRecord::Base connects to ("primary", else the first): the one `establish_connection` in code replaces. */
  primary: string
  /**
   * Assumptions about the section, not about the primary pool's value (entries that reach no server), carried on the
   * primary pool: boot code that replaces that pool (an initializer's establish_connection) keeps them.
   */
  stars?: Source[]
}

type Hash = Record<string, unknown>
const isHash = (v: unknown): v is Hash => typeof v === 'object' && v !== null && !Array.isArray(v)

const defaultPool = (): Sourced<number> => sourced(5, fromDefault('ActiveRecord default pool size', HASH_CONFIG))

/** Query parameters of a postgres URL; undefined when it does not parse. Never logs or returns the password. */
function urlInfo(url: string): {host?: string; database?: string; query: Hash} | undefined {
  try {
    const {database, host, password: _password, user: _user, ...rest} = parsePgUrlWithoutFiles(url, {useLibpqCompat: true}) as Hash
    return {database: (database as string) ?? undefined, host: (host as string) ?? undefined, query: rest}
  } catch {
    return undefined
  }
}

/** `pool=`/`max_connections=` in a URL's query, sourced where the URL was written. */
function urlPool(url: string | undefined, where: () => Sourced<number>['source'], what: string, file: string): Candidate {
  if (!url) return {diagnostics: []}
  const info = urlInfo(url)
  if (!info) return {diagnostics: []}
  const raw = info.query.max_connections ?? info.query.pool
  if (raw === undefined) return {diagnostics: []}
  const n = /^\d+$/.test(String(raw)) ? Number(raw) : undefined
  if (n !== undefined) return {diagnostics: [], value: sourced(n, where())}
  return {diagnostics: [{code: 'unknown-config-value', file, message: `cannot read ${what}: the URL's pool parameter is not an integer`, severity: 'warning'}]}
}

/** `false` / "false" / "0" as ActiveRecord reads prepared_statements; undefined when not a boolean-ish value. */
function booleanish(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(false|0|f|no|off)$/i.test(v.trim())) return false
  if (typeof v === 'string' && /^(true|1|t|yes|on)$/i.test(v.trim())) return true
  return undefined
}

/** `prepared_statements=` in a URL's query (PGBOUNCER_PREPARED_STATEMENTS=false adds it), sourced where the URL was written. */
function urlPreparedStatements(url: string | undefined, where: () => Sourced<boolean>['source']): Sourced<boolean> | undefined {
  const raw = url ? urlInfo(url)?.query.prepared_statements : undefined
  const value = booleanish(raw)
  return value === undefined ? undefined : sourced(value, where())
}

interface Entry {
  config: Hash
  name: string
  path: string[]
}

/** Two-tier (`production: {adapter: …}`) is one "primary" entry; three-tier has one per key (Rails: every value a hash). */
function entriesOf(section: Hash, sectionKey: string): Entry[] {
  const values = Object.entries(section)
  if (values.length > 0 && values.every(([, v]) => isHash(v))) {
    return values.map(([name, config]) => ({config: config as Hash, name, path: [sectionKey, name]}))
  }

  return [{config: section, name: 'primary', path: [sectionKey]}]
}

/** The env var an entry's url comes from, when it is exactly `<%= ENV["X"] %>` (or ENV.fetch). */
function urlEnvVar(doc: YamlErb, entry: Entry): string | undefined {
  const line = doc.yaml.lineOf([...entry.path, 'url'])
  if (!line) return undefined
  const tag = tagsOnLine(doc.erb, line).at(-1)
  const m = tag && /^ENV(?:\[\s*["']([A-Z0-9_]+)["']\s*\]|\.fetch\(\s*["']([A-Z0-9_]+)["'])/.exec(tag.code)
  return m ? (m[1] ?? m[2]) : undefined
}

/** The ERB of an entry's `url:` line reads DATABASE_URL after the variable it reads first (its fallback when that one is unset). */
function urlFallsBackToDatabaseUrl(doc: YamlErb, entry: Entry): boolean {
  const line = doc.yaml.lineOf([...entry.path, 'url'])
  const code = line === undefined ? '' : (tagsOnLine(doc.erb, line).at(-1)?.code ?? '')
  return urlEnvVar(doc, entry) !== PRIMARY_SERVER && /ENV(?:\[|\.fetch\()\s*["']DATABASE_URL["']/.test(code)
}

/** The env var ActiveRecord merges into a named entry (rails/rails database_configurations.rb): CACHE_DATABASE_URL for `cache`. */
export const entryUrlVar = (name: string): string => `${name.toUpperCase()}_DATABASE_URL`

/**
 * The variable the primary entry's own `url:` reads when it is not DATABASE_URL
 * (`url: <%= ENV["POOL_DATABASE_URL"] %>`, a PgBouncer in front of the database). An entry with a url
 * is a UrlConfig, and ActiveRecord merges DATABASE_URL only into the primary entries that are not
 * (`next config if config.is_a?(UrlConfig)` in merge_db_environment_variables, Rails 6.0 to 8.1; from
 * 7.1 an empty url makes a HashConfig, which DATABASE_URL then fills): the primary connects where that
 * variable points.
 */
function primaryUrlVar(doc: YamlErb, entry: Entry): {fallsBack: boolean; line: number; name: string} | undefined {
  const line = doc.yaml.lineOf([...entry.path, 'url'])
  const name = line === undefined ? undefined : urlEnvVar(doc, entry)
  if (line === undefined || !name || name === PRIMARY_SERVER) return undefined
  // `ENV['DATABASE_CONNECTION_POOL_URL'] || ENV['DATABASE_URL']`: unset, it is DATABASE_URL, as the file says.
  const code = tagsOnLine(doc.erb, line).at(-1)?.code ?? ''
  return {fallsBack: /ENV(?:\[|\.fetch\()\s*["']DATABASE_URL["']/.test(code), line, name}
}

/** Another entry of the section whose `url:` reads DATABASE_URL itself (hackatime's `primary_direct`, which GoodJob uses past the pooler). */
const readsDatabaseUrl = (doc: YamlErb, entries: Entry[], primary: Entry): Entry | undefined =>
  entries.find((e) => e !== primary && doc.yaml.lineOf([...e.path, 'url']) !== undefined && urlEnvVar(doc, e) === PRIMARY_SERVER)

interface EntryServer {
  host?: string
  key: string
  /** A non-primary entry with no url, host or <NAME>_DATABASE_URL: on Heroku it would not reach DATABASE_URL. */
  noUrl?: boolean
  /** Its host, when it names this machine (`localhost`, 127.0.0.1, ::1, a socket folder): on a dyno no server listens there. */
  localHost?: string
  /** Env vars with no value that the host line reads (`ENV.fetch("DB_HOST") { "localhost" }`: the fallback is used). */
  hostVars?: string[]
  /** Its url is an expression conncalc cannot evaluate that reads no env var without a value: where, and the code. */
  unreadUrl?: {code: string; line: number}
}

/** Hosts that mean "this machine": a dyno runs no PostgreSQL server there. */


/** Env vars with no value read on an entry's `key` line (`host: <%= ENV["DB_HOST"] %>`). */
function missingVarsOn(doc: YamlErb, entry: Entry, key: string): string[] {
  const line = doc.yaml.lineOf([...entry.path, key])
  return line ? tagsOnLine(doc.erb, line).flatMap((t) => (t.value.missingEnv ?? []).map((m) => m.name)) : []
}

/** Env vars with no value here that the ERB on an entry's `key` line reads (`ENV.fetch("DB_HOST") { "localhost" }`). */
function unsetVarsRead(doc: YamlErb, entry: Entry, key: string, ctx: AnalyzerContext): string[] {
  const line = doc.yaml.lineOf([...entry.path, key])
  const code = line ? tagsOnLine(doc.erb, line).map((t) => t.code).join(' ') : ''
  const names = [...code.matchAll(/ENV(?:\.fetch\(|\[)\s*["']([A-Z0-9_]+)["']/g)].map((m) => m[1])
  return [...new Set(names)].filter((n) => !ctx.env.has(n))
}

/** `url`, `host` or `port` keys the entry has (its own or through `<<`) whose value is empty or unreadable. */
function blankServerKeys(doc: YamlErb, entry: Entry): string[] {
  return ['url', 'host', 'port'].filter((k) => {
    if (!Object.hasOwn(entry.config, k)) return false
    const v = entry.config[k]
    return v === null || v === '' || unknownTag(doc.erb, v) !== undefined
  })
}

function entryServer(doc: YamlErb, entry: Entry, isPrimary: boolean, ctx: AnalyzerContext): EntryServer {
  // On Heroku DATABASE_URL is always set and ActiveRecord merges it into the primary entry.
  if (isPrimary) return {host: hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value), key: PRIMARY_SERVER}
  const named = ctx.env.get(entryUrlVar(entry.name))
  if (named) return {host: hostOfUrl(named.value), key: entryUrlVar(entry.name)}
  // `url: <%= ENV["X"] %>`: keyed by X; with no value for X its server is unknown (not the primary's).
  const fromVar = doc.yaml.lineOf([...entry.path, 'url']) === undefined ? undefined : urlEnvVar(doc, entry)
  if (fromVar) {
    const v = ctx.env.get(fromVar)
    // DATABASE_URL is the one Heroku always sets: an entry reading it is on the primary's server.
    if (v || fromVar === PRIMARY_SERVER) return {host: hostOfUrl(v?.value), key: fromVar}
    // `ENV.fetch("DATABASE_PROXY_URL", ENV["DATABASE_URL"])`, `ENV["X"] || ENV["DATABASE_URL"]`: with X unset the url is
    // DATABASE_URL's, as the file says (the primary's own url is read the same way, primaryUrlVar's fallsBack).
    if (urlFallsBackToDatabaseUrl(doc, entry)) return {host: hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value), key: PRIMARY_SERVER}
    return {key: unknownServer(`${fromVar} has no value`)}
  }

  const url = entry.config.url
  if (typeof url === 'string' && url !== '' && !unknownTag(doc.erb, url)) {
    const host = hostOfUrl(url)
    return {host, key: host ? `host=${host}` : `unreadable url (${doc.file})`}
  }

  // `adapter: sqlite3` (Campfire's queue/cache/cable), mysql2, trilogy: that entry is not on a PostgreSQL server at all.
  const adapter = entry.config.adapter
  if (typeof adapter === 'string' && adapter !== '' && !/postg/i.test(adapter)) return {key: `${adapter} database, not PostgreSQL`}
  // A url, host or port written from env vars that have no value: where it connects is not known.
  const blank = blankServerKeys(doc, entry)
  if (blank.length > 0) {
    const vars = [...new Set(blank.flatMap((k) => missingVarsOn(doc, entry, k)))]
    // `url: <%= queue_url %>` from a method the ERB defines (`auto_suffix_database_url('_queue')`, DATABASE_URL with
    // its database name suffixed): no unset var says it is a second add-on's; counted on the plan, starred (below).
    const urlLine = doc.yaml.lineOf([...entry.path, 'url'])
    const tag = urlLine === undefined ? undefined : unknownTag(doc.erb, entry.config.url)
    if (vars.length === 0 && blank.length === 1 && blank[0] === 'url' && tag) return {key: PRIMARY_SERVER, unreadUrl: {code: tag.code.trim(), line: urlLine!}}

    return {key: unknownServer(vars.length > 0 ? `${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value` : `its ${blank.join(' and ')} cannot be read`)}
  }

  const host = entry.config.host
  if (typeof host === 'string' && host !== '' && !isLocalHost(host)) {
    const at = `${host}:${typeof entry.config.port === 'number' || typeof entry.config.port === 'string' ? entry.config.port : 5432}`
    return {host: at, key: `host=${at}`}
  }

  const hostVars = typeof host === 'string' && host !== '' ? unsetVarsRead(doc, entry, 'host', ctx) : []
  return {key: PRIMARY_SERVER, noUrl: true, ...(typeof host === 'string' && host !== '' ? {localHost: host} : {}), ...(hostVars.length > 0 ? {hostVars} : {})}
}

/** An entry's name for the user: one an ERB tag writes (`<%= tenant %>:` in a loop) is shown as that tag and its line, not its placeholder. */
function entryLabel(doc: YamlErb, name: string): string {
  const tag = unknownTag(doc.erb, name)
  return tag ? `<%= ${tag.code.trim()} %> (${doc.file}:${tag.line})` : name
}

/** The server key, with an entry on the same host and port as DATABASE_URL counted as the same server. */
function serverKey(server: EntryServer, primaryHost: string | undefined): string {
  return server.key !== PRIMARY_SERVER && server.host && server.host === primaryHost ? PRIMARY_SERVER : server.key
}

/**
 * An undecided ERB condition inside another environment's section (`development:` with
 * `<% if RUBY_PLATFORM =~ /darwin/ %>`) cannot change this process's pools: that section is never
 * read, and nothing can merge it elsewhere when it defines no `&anchor`. Said only where it matters.
 */
function inUnusedSection(doc: YamlErb, source: string | undefined, root: unknown, sectionKey: string, d: Diagnostic): boolean {
  if (!d.message.startsWith('cannot decide the ERB condition') || d.line === undefined || !isHash(root)) return false
  const text = doc.erb.text.split('\n')
  const starts = Object.keys(root)
    .map((key) => ({key, line: doc.yaml.lineOf([key]) ?? 0}))
    .filter((k) => k.line > 0)
    .sort((a, b) => a.line - b.line)
  const at = starts.findLastIndex((k) => k.line <= d.line!)
  if (at === -1 || starts[at].key === sectionKey) return false
  const next = starts[at + 1]?.line ?? Number.POSITIVE_INFINITY
  // A tag indented under a key is inside that section; one at the margin may open or close sections, unless its
  // whole block (to its matching `<% end %>`) lies between this section's key and the next one.
  if (!/^\s+\S/.test(text[d.line - 1] ?? '')) {
    const end = source === undefined ? undefined : blockEnd(source.split('\n'), d.line)
    if (end === undefined || end >= next) return false
  }
  const lines = text.slice(starts[at].line - 1, next - 1)
  return !lines.some((l) => /(^|\s)&[\w-]/.test(l))
}

/** The line of the `<% end %>` that closes the ERB block opened on line `from` (1-based) of the source, if the tags nest plainly. */
function blockEnd(text: readonly string[], from: number): number | undefined {
  let depth = 0
  for (let i = from - 1; i < text.length; i++) {
    for (const m of text[i].matchAll(/<%(?![=#])-?\s*(.*?)\s*-?%>/g)) {
      const code = m[1]
      if (/^(if|unless|case|while|until|for|begin)\b/.test(code) || /\bdo(\s*\|[^|]*\|)?$/.test(code)) depth++
      else if (/^end\b/.test(code) && --depth === 0) return i + 1
    }
  }
  return undefined
}

/**
 * The primary entry on DATABASE_URL with this pool. With a shared (frozen) pool, ActiveRecord's
 * default, one frozen entry serves every process type (an app with no database.yml, 100,000 types).
 */
const primaryEntries = new WeakMap<Sourced<number>, PoolEntry>()
function primaryEntry(pool: Sourced<number>): PoolEntry {
  let entry = primaryEntries.get(pool)
  if (!entry) {
    entry = {database: 'primary', pool, server: PRIMARY_SERVER}
    if (!Object.isFrozen(pool)) return entry
    primaryEntries.set(pool, Object.freeze(entry))
  }

  return entry
}

const URL_CONFIG = 'https://github.com/rails/rails/blob/v8.0.2/activerecord/lib/active_record/database_configurations.rb'
const SERVER_POOL_HINT = `${POOL_URL} is Heroku's server-side pool (pg:connection-pooling): these are its client connections, and the pooler opens its own on this database`
const POOLER_HINT = 'if it points at a pooler (PgBouncer) in front of this database, these are the pooler\'s client connections and the pooler opens its own pool here instead; if at another server, none count here'

/**
 * Where the primary entry connects when its url reads `name`, not DATABASE_URL. With a value: the same
 * server when its host and port are DATABASE_URL's, else another server (a pooler's or another database's:
 * not this plan's connections). Without one: counted on DATABASE_URL's server, the database being
 * budgeted, as an assumption when the section also reads DATABASE_URL directly (the two are then
 * different endpoints, the usual sign of a pooler) and a note otherwise (the app's only URL is its database).
 */
function primaryElsewhere(
  urlVar: {line: number; name: string},
  value: string | undefined,
  primaryHost: string | undefined,
  direct: string | undefined,
  processType: string,
  ymlFile: string = DATABASE_YML,
): {diagnostic?: Diagnostic; pool: (p: Sourced<number>) => Sourced<number>; server?: string} {
  const at = `${ymlFile}:${urlVar.line}`
  const why = `the primary entry connects where ${urlVar.name} points (${at}), not to DATABASE_URL: ActiveRecord does not merge DATABASE_URL into an entry that has a url`
  const note = (p: Sourced<number>, source: Source): Sourced<number> => sourced(p.value, p.source, [...(p.via ?? []), source])
  const host = hostOfUrl(value)
  if (host && primaryHost) {
    if (host === primaryHost) return {pool: (p) => note(p, fromDefault(`${why}; its host ${host} is DATABASE_URL's`, URL_CONFIG))}
    return {pool: (p) => note(p, fromDefault(`${why}; its host ${host} is not DATABASE_URL's (${primaryHost})`, URL_CONFIG)), server: `${urlVar.name} (${host})`}
  }

  if (!value && !direct && urlVar.name !== POOL_URL) {
    return {pool: (p) => note(p, fromDefault(`${why}; ${urlVar.name} has no value here and nothing else in the section reads DATABASE_URL, so it is taken as the database being budgeted`, URL_CONFIG))}
  }

  const state = value
    ? `${urlVar.name} is set${host ? ` (host ${host})` : ''} but DATABASE_URL has no host here to compare it with`
    : `${urlVar.name} has no value here`
  const hint = urlVar.name === POOL_URL ? SERVER_POOL_HINT : POOLER_HINT
  const beside = direct ? `, while \`${direct}\` reads DATABASE_URL directly` : ''
  const assumption = `${why}${beside}; ${state}; ${hint}. Counted on DATABASE_URL's server`
  return {
    diagnostic: {
      code: 'unknown-config-value',
      file: ymlFile,
      fix:
        urlVar.name === POOL_URL
          ? `if every database of ${processType} goes through the server-side pool, say \`--pooled ${processType}\` and conncalc counts the pooler's connections instead`
          : `give ${urlVar.name}${value ? ' and DATABASE_URL' : ''} (\`--env ${urlVar.name}=…\` or an env file): on DATABASE_URL's host and port it is counted here, elsewhere it is not`,
      line: urlVar.line,
      message: `cannot tell where the primary database connects: ${assumption}`,
      severity: 'warning',
    },
    pool: (p) => sourced(p.value, assumed(assumption), [p.source, ...(p.via ?? [])]),
  }
}

/**
 * A template of config/database.yml the repository keeps instead of the file (config/database.yml.example, .sample,
 * database.example.yml, …; the real file gitignored): a deploy that copies it into place runs with its pools and
 * databases (openHPI/codeocean's example adds the cable and queue databases its Solid Cable and Solid Queue name),
 * while on Heroku, with no database.yml, ActiveRecord reads DATABASE_URL alone (Rails 4.1+). Which one runs is not in
 * the repository: the default pool is then an assumption, said with the template's name.
 */
const TEMPLATE = /^database(?:\.yml[.-](?:example|sample|dist|template|tmpl|default|orig|postgres(?:ql)?|pg)|\.(?:example|sample|dist|template)\.yml)$/

export function databaseYmlTemplate(ctx: AnalyzerContext): string | undefined {
  const name = ctx.files.list('config').find((n) => TEMPLATE.test(n))
  return name === undefined ? undefined : `config/${name}`
}

function templatePool(template: string): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const why = `no ${DATABASE_YML} in the repository, but ${template}: on Heroku ActiveRecord reads DATABASE_URL alone (pool 5); where the deploy copies the template into place, its pools and databases apply instead`
  return {
    diagnostics: [{code: 'unknown-config-value', file: template, fix: `if the deploy copies ${template} to ${DATABASE_YML}, give its pool (--env DATABASE_URL=…?pool=N); its other databases are not counted`, message: `${why}; pool 5 assumed`, severity: 'warning'}],
    value: sourced(5, assumed(`${why}; ActiveRecord's default pool 5 assumed`)),
  }
}

/**
 * Asked for every Ruby process type: an app with no database.yml (nothing to evaluate) is answered at once, with no promise.
 * `facts` answer ERB that asks which process it runs in (`Sidekiq.server?`, `$0`) for this process type.
 * `section`: another top-level section than the app environment's (`billing_production`, which a model's
 * `establish_connection :billing_production` opens): none of its entries is the primary, DATABASE_URL is
 * not merged into it, and a missing section gives no pools.
 */
export function analyzeDatabaseYml(ctx: AnalyzerContext, facts: Partial<RubyFacts> = {}, section?: string): DatabaseYmlAnalysis | Promise<DatabaseYmlAnalysis> {
  const file = ctx.files.read(DATABASE_YML)
  if (!file) return poolsOfYml(ctx, undefined, section)
  const read = (knownCalls: EvalOptions['knownCalls']) => readYamlErb(file, {...facts, appEnv: ctx.appEnv, env: ctx.env, processors: processorsFor(ctx), ...(knownCalls ? {knownCalls} : {})}, ctx.files).then((doc) => poolsOfYml(ctx, doc, section))
  // `pool: <%= AppConfig::DB_POOL %>`, `<%= Settings.db_pool %>`: the app's own module's settings (app-constants.ts).
  if (!/<%=[^%]*(?<![\w:])(?!ENV\b|Rails\b)[A-Z]\w*(?:\.[a-z_]|::[A-Z])/.test(file.text)) return read(facts.knownCalls)
  return appConstantCalls(ctx, file, ctx.appEnv).then((calls) => read(calls.size > 0 ? new Map([...calls, ...(facts.knownCalls ?? [])]) : facts.knownCalls))
}

/** database.yml's pools for this type, from the file evaluated with its env (`doc`), or from DATABASE_URL and the defaults without one. */
function poolsOfYml(ctx: AnalyzerContext, doc: undefined | YamlErb, section: string | undefined): DatabaseYmlAnalysis {
  // The file read: database.yml, or the template an image places there (model/files.ts withPlacedFiles): its lines are cited.
  const ymlFile = doc?.file ?? DATABASE_YML
  const diagnostics: Diagnostic[] = []
  const databaseUrl = section === undefined ? ctx.env.get('DATABASE_URL') : undefined
  const sectionKey = section ?? ctx.appEnv
  const arVersion = ctx.versions.activerecord ?? ctx.versions.rails
  // `max_connections` is read from Rails 8.1; older versions ignore the key.
  const readsMaxConnections = !arVersion || versionAtLeast(arVersion, '8.1.0')
  const fromDatabaseUrl = (what: string): Candidate =>
    databaseUrl ? urlPool(databaseUrl.value, () => databaseUrl.source, what, ymlFile) : {diagnostics: []}

  const root = doc?.yaml.value
  if (doc) {
    const source = doc.diagnostics.length > 0 ? ctx.files.read(DATABASE_YML)?.text : undefined
    append(diagnostics, doc.diagnostics.filter((d) => !inUnusedSection(doc, source, root, sectionKey, d)))
  }
  const found = isHash(root) ? root[sectionKey] : undefined
  if (section !== undefined && !isHash(found)) return {diagnostics: [], otherServerPools: [], pools: [], primary: ''}
  if (!doc || !isHash(found)) {
    if (doc && isHash(root)) {
      diagnostics.push({
        code: 'missing-config',
        file: ymlFile,
        message: `${ymlFile} has no \`${ctx.appEnv}\` section; ActiveRecord uses DATABASE_URL and its defaults`,
        severity: 'info',
      })
    }

    // A database.yml that cannot be read (invalid YAML, an alias bomb) may set the pool: the default is then an assumption.
    const unread = doc && doc.yaml.value === undefined ? doc.yaml.diagnostics.map((d) => ({...d, code: 'unknown-config-value'})) : []
    const template = doc ? undefined : databaseYmlTemplate(ctx)
    const fromTemplate = template ? templatePool(template) : undefined
    const pool = firstOf([fromDatabaseUrl('the DATABASE_URL pool')], fromTemplate?.value ?? unreadFallback(unread, defaultPool()))
    if (fromTemplate && pool.value === fromTemplate.value) append(diagnostics, fromTemplate.diagnostics)
    const all = [...diagnostics, ...pool.diagnostics].map((d) => ({...d, processType: ctx.processType}))
    const prepared = urlPreparedStatements(databaseUrl?.value, () => databaseUrl!.source)
    const entry: PoolEntry = prepared ? {database: 'primary', pool: pool.value, preparedStatements: prepared, server: PRIMARY_SERVER} : primaryEntry(pool.value)
    return {diagnostics: all, otherServerPools: [], pools: [entry], primary: 'primary'}
  }

  const entries = entriesOf(found, sectionKey)
  const primaryName = section !== undefined ? undefined : entries.some((e) => e.name === 'primary') ? 'primary' : entries[0]?.name
  const pools: PoolEntry[] = []
  const otherServerPools: PoolEntry[] = []
  const primaryHost = hostOfUrl(databaseUrl?.value)
  const noUrl: {base?: boolean; hostVars?: string[]; localHost?: string; name: string}[] = []
  // Rails 6.0 merged DATABASE_URL into every entry of the environment; from 6.1 into `primary` only (header).
  const primaryOnly = !arVersion || versionAtLeast(arVersion, '6.1.0')
  // No entry named `primary` (gitlab's main/ci) from 6.1: DATABASE_URL is merged into none of them
  // (environment_value_for merges it into the name "primary" only), while ActiveRecord::Base connects to the first
  // (DatabaseConfigurations#primary? and find_db_config: the first config of the environment). That entry is then
  // placed like any other: MAIN_DATABASE_URL, its own url or host, or no server.
  const noPrimary = section === undefined && primaryOnly && primaryName !== 'primary'
  const urlEntry = noPrimary ? undefined : primaryName
  // Where Base's entry connects when it is not `primary`: entries on the same host (the same key) go with it.
  let baseServer: {key: string; server: string; why?: Source} | undefined
  let baseNoUrl: (typeof noUrl)[number] | undefined
  let sectionNoUrl: (typeof noUrl)[number] | undefined
  for (const entry of entries) {
    const isPrimary = entry.name === urlEntry
    const what = `the ${entry.name} pool`
    const key = (k: string): Candidate =>
      entry.config[k] === undefined ? {diagnostics: []} : yamlCandidate(doc, [...entry.path, k], entry.config[k], what)
    const url = typeof entry.config.url === 'string' ? entry.config.url : undefined
    const urlLine = doc.yaml.lineOf([...entry.path, 'url']) ?? 1
    const named = isPrimary ? undefined : ctx.env.get(entryUrlVar(entry.name))
    const urlVar = isPrimary ? primaryUrlVar(doc, entry) : undefined
    const urlVarValue = urlVar ? ctx.env.get(urlVar.name) : undefined
    // DATABASE_URL is merged into the primary only when its own url is empty (urlVar above).
    const mergesDatabaseUrl = isPrimary && !urlVarValue?.value
    const candidates: Candidate[] = [
      ...(mergesDatabaseUrl ? [fromDatabaseUrl(what)] : []),
      ...(named ? [urlPool(named.value, () => named.source, what, ymlFile)] : []),
      urlPool(url, () => fromFile(ymlFile, urlLine), what, ymlFile),
      ...(readsMaxConnections ? [key('max_connections')] : []),
      key('pool'),
    ]
    if (!readsMaxConnections && entry.config.max_connections !== undefined) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: ymlFile,
        line: doc.yaml.lineOf([...entry.path, 'max_connections']),
        message: `\`max_connections\` is read from Rails 8.1; ActiveRecord ${arVersion} ignores it (use \`pool\`)`,
        severity: 'warning',
      })
    }

    const read = firstOf(candidates, defaultPool())
    append(diagnostics, read.diagnostics)
    const elsewhere = urlVar && !(urlVar.fallsBack && !urlVarValue?.value) ? primaryElsewhere(urlVar, urlVarValue?.value, primaryHost, readsDatabaseUrl(doc, entries, entry)?.name, ctx.processType, ymlFile) : undefined
    const pool = elsewhere ? {...read, value: elsewhere.pool(read.value)} : read
    if (elsewhere?.diagnostic) diagnostics.push(elsewhere.diagnostic)
    let minOpen: Sourced<number> | undefined
    if (entry.config.min_connections !== undefined) {
      const min = key('min_connections')
      append(diagnostics, min.diagnostics)
      if (!readsMaxConnections) {
        diagnostics.push({
          code: 'unknown-config-value',
          file: ymlFile,
          line: doc.yaml.lineOf([...entry.path, 'min_connections']),
          message: `\`min_connections\` is read from Rails 8.1; ActiveRecord ${arVersion} ignores it`,
          severity: 'warning',
        })
      } else if (min.value && min.value.value > 0) {
        minOpen = min.value
      }
    }

    const found = elsewhere?.server ? {key: elsewhere.server} : entryServer(doc, entry, isPrimary, ctx)
    // `replica: true` is a read replica: never the primary's server, whatever its url says.
    const replica = !isPrimary && booleanish(entry.config.replica) === true
    const mapped = serverKey(found, primaryHost)
    let server = replica && mapped === PRIMARY_SERVER ? (found.noUrl ? unknownServer('a replica with no url or host') : `${found.key} (a replica: not the primary's server)`) : mapped
    let placed: Source | undefined
    if (found.unreadUrl && !replica) {
      placed = assumed(`the ${entry.name} entry's url (${ymlFile}:${found.unreadUrl.line}) is \`${found.unreadUrl.code.slice(0, 80)}\`, which conncalc cannot evaluate (not an env var without a value, which would name a server of its own): counted on the plan's server, as if it named DATABASE_URL's (if it names another server, give its value with --env)`)
      diagnostics.push({code: 'unknown-config-value', file: ymlFile, line: found.unreadUrl.line, message: `cannot read the ${entry.name} entry's url (\`${found.unreadUrl.code.slice(0, 80)}\`); its pool is counted on the plan's server, an assumption`, severity: 'warning'})
    }

    const isBase = noPrimary && entry.name === primaryName
    if (found.noUrl && !replica && section !== undefined && !(arVersion && /^6\.0\./.test(arVersion))) {
      // Another top-level section (`establish_connection :billing_db`): ActiveRecord merges no URL into a config of
      // another environment (merge_db_environment_variables skips `config.env_name != current_env`; before 6.0 the
      // resolver merged DATABASE_URL into the current environment's only). Rails 6.0's build_url_config merged it
      // into every config: counted there as before.
      server = noServer(found.localHost ? `host ${found.localHost} is this machine; no url` : 'no url or host')
      sectionNoUrl = {name: sectionKey, ...(found.localHost ? {localHost: found.localHost} : {}), ...(found.hostVars ? {hostVars: found.hostVars} : {})}
    } else if (found.noUrl && !replica && section === undefined && primaryOnly) {
      const urlVar = entryUrlVar(entry.name)
      // render.yaml fills <NAME>_DATABASE_URL from DATABASE_URL's database: on the plan (model/other-server.ts says so, starred).
      if (ctx.sameServer?.has(urlVar)) server = unsetUrlServer([urlVar])
      else if (isBase) {
        // The app's own database: a deployed app that works has MAIN_DATABASE_URL set where conncalc cannot see it
        // (`heroku config:set`), else none of its queries reach a server. Counted on the plan, starred, and said.
        placed = assumed(
          `\`${entry.name}\` (the entry ActiveRecord::Base connects to) has no url${found.localHost ? ` (host ${found.localHost} is this machine)` : ', host'} or ${urlVar}, and no entry of ${DATABASE_YML}'s ${sectionKey} section is named \`primary\`, so DATABASE_URL is not merged into it: counted on the plan's server as if ${urlVar} were set to its database; without it the app reaches no database on the platform`,
        )
        server = PRIMARY_SERVER
        baseNoUrl = {base: true, name: entry.name, ...(found.localHost ? {localHost: found.localHost} : {}), ...(found.hostVars ? {hostVars: found.hostVars} : {})}
      } else {
        server = noServer(found.localHost ? `host ${found.localHost} is this machine; no url or ${urlVar}` : `no url, host or ${urlVar}`)
        noUrl.push({name: entry.name, ...(found.localHost ? {localHost: found.localHost} : {}), ...(found.hostVars ? {hostVars: found.hostVars} : {})})
      }
    } else if (!replica && server !== PRIMARY_SERVER && found.host && !hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value) && (isBase || /^[A-Z][A-Z0-9_]*$/.test(found.key))) {
      // A URL given a value (CACHE_DATABASE_URL from app.json, --env) while DATABASE_URL has none here, or the host
      // Base's own entry names when no entry is `primary`: nothing tells it apart from DATABASE_URL's server, so it is
      // counted on the plan (model/other-server.ts), starred, until DATABASE_URL's value says otherwise.
      placed = assumed(
        isBase
          ? `\`${entry.name}\` (the entry ActiveRecord::Base connects to: no entry of ${DATABASE_YML}'s ${sectionKey} section is named \`primary\`, so DATABASE_URL is not merged into it) connects to ${/^[A-Z][A-Z0-9_]*$/.test(found.key) ? `where ${found.key} points (host ${found.host})` : `${found.host}, its own host`}, and DATABASE_URL has no value here to compare it with: counted on the plan's server (give DATABASE_URL with --env to check)`
          : `${found.key} is set (host ${found.host}) but DATABASE_URL has no value here to compare it with: the ${entry.name} entry is counted on the plan's server (give DATABASE_URL with --env to check)`,
      )
      server = PRIMARY_SERVER
    }

    // A host that names a PostgreSQL server the deploy runs itself (a Kamal accessory, at its container name) while
    // DATABASE_URL has no value here: the deploy's own database server, where DATABASE_URL most likely points too (a Kamal
    // secret, say). Counted on the plan's server, starred, until DATABASE_URL's value says otherwise.
    const own = found.host === undefined ? undefined : ctx.ownPostgres?.find((o) => `${o.host}:5432` === found.host)
    if (own && !replica && !placed && server !== PRIMARY_SERVER && !hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value)) {
      placed = assumed(`the ${entry.name} entry's host ${own.host} is a PostgreSQL server the deploy runs itself (${own.why}), and DATABASE_URL has no value here to compare it with: counted on the plan's server, as the same one (give DATABASE_URL with --env to check)`)
      server = PRIMARY_SERVER
    }

    // A url, host or port that only env vars with no value here give, written on the very lines the primary entry's are
    // (inherited from it with `<<: *primary_production`, or from one `default:` block both merge): wherever those vars point,
    // they point there for both, so the entry is on the primary's server. Starred: DATABASE_URL, merged into the primary
    // only, may name another server than those vars (Heroku), which the file cannot say. So too a literal host the
    // entry inherits on those lines (`queue: <<: *production_connection`, host `db-proxy`) while DATABASE_URL has no value
    // here to compare it with, in a container image (Kamal, a Dockerfile: nothing there sets DATABASE_URL unless its env
    // does): the primary entry, counted on the plan, connects there as well. On a buildpack dyno the platform always sets
    // DATABASE_URL and ActiveRecord merges it into the primary, so such a host is another server than the plan's.
    const unknownHere = found.key.startsWith('unknown server: ')
    const sharedHost = !unknownHere && ctx.image !== undefined && found.host !== undefined && primaryHost === undefined && server !== PRIMARY_SERVER
    const primaryEntry = urlEntry === undefined || isPrimary || replica || !(unknownHere || sharedHost) ? undefined : entries.find((e) => e.name === urlEntry)
    if (primaryEntry) {
      const keys = ['url', 'host', 'port'].filter((k) => Object.hasOwn(entry.config, k) || Object.hasOwn(primaryEntry.config, k))
      const lineOf = (e: typeof entry, k: string): number | undefined => (Object.hasOwn(e.config, k) ? doc.yaml.lineOf([...e.path, k]) : undefined)
      if (keys.length > 0 && keys.every((k) => lineOf(entry, k) !== undefined && lineOf(entry, k) === lineOf(primaryEntry, k))) {
        const at = keys.map((k) => `${k} at ${ymlFile}:${lineOf(entry, k)}`).join(', ')
        const here = unknownHere ? found.key.slice('unknown server: '.length) : `host ${found.host}, and DATABASE_URL has no value`
        placed = assumed(`the ${entry.name} entry's ${at} ${keys.length === 1 ? 'is' : 'are'} the ${primaryEntry.name} entry's own (${here} here): the same server as ${primaryEntry.name}, counted on the plan's (DATABASE_URL, merged into ${primaryEntry.name} only, could name another; give the ${unknownHere ? "vars' values" : 'value of DATABASE_URL'} with --env to check)`)
        server = PRIMARY_SERVER
      }
    }

    if (noPrimary && !isBase && baseServer && baseServer.key === found.key && !found.noUrl && !replica) {
      // The same host as Base's entry: the same server as it, whatever that is.
      server = baseServer.server
      placed = baseServer.why
    }

    if (isBase) baseServer = {key: found.key, server, ...(placed ? {why: placed} : {})}

    // As ActiveRecord merges them: DATABASE_URL's query over the entry's url over its keys.
    const preparedKey = booleanish(entry.config.prepared_statements)
    const prepared =
      (mergesDatabaseUrl ? urlPreparedStatements(databaseUrl?.value, () => databaseUrl!.source) : undefined) ??
      urlPreparedStatements(url, () => fromFile(ymlFile, urlLine)) ??
      (preparedKey === undefined
        ? undefined
        : sourced(preparedKey, fromFile(ymlFile, doc.yaml.lineOf([...entry.path, 'prepared_statements']) ?? 1)))
    const counted = placed ? sourced(pool.value.value, pool.value.source, [...(pool.value.via ?? []), placed]) : pool.value
    const item: PoolEntry = {database: entryLabel(doc, entry.name), pool: counted, server, ...(replica ? {replica: true} : {}), ...(minOpen ? {minOpen} : {}), ...(prepared ? {preparedStatements: prepared} : {})}
    if (server === PRIMARY_SERVER) pools.push(item)
    else otherServerPools.push(item)
  }

  const all: Diagnostic[] = diagnostics.map((d) => ({...d, processType: ctx.processType}))
  // About the file, not a process type: each entry said once, on its line.
  if (sectionNoUrl) {
    const n = sectionNoUrl
    const fallback = n.hostVars ? `, the fallback of ${n.hostVars.join(', ')}, which ${n.hostVars.length === 1 ? 'has' : 'have'} no value here` : ''
    all.push({
      code: 'database-url-missing',
      file: ymlFile,
      fix: `give the section the server it should use (\`url: <%= ENV["…"] %>\`${n.hostVars ? ` or set ${n.hostVars.join(', ')}` : ''}); if nothing uses it, remove the establish_connection that names it`,
      line: doc.yaml.lineOf([sectionKey]),
      message: `the \`${sectionKey}\` section ${n.localHost ? `names host ${n.localHost} (this machine${fallback}) and has no url` : 'has no url or host'}: ActiveRecord merges no URL into a section other than the app environment's (${URL_CONFIG}), so a model that connects with it reaches ${n.localHost ? 'this dyno' : 'a local socket'}, where no PostgreSQL server runs on the platform. Not counted on the plan`,
      severity: 'warning',
    })
  }

  for (const n of baseNoUrl ? [baseNoUrl, ...noUrl] : noUrl) {
    const urlVar = entryUrlVar(n.name)
    const fallback = n.hostVars ? `, the fallback of ${n.hostVars.join(', ')}, which ${n.hostVars.length === 1 ? 'has' : 'have'} no value here` : ''
    const where = n.localHost ? `names host ${n.localHost} (this machine${fallback}) and has no url or ${urlVar}` : `has no url, host or ${urlVar}`
    const orHost = n.hostVars ? `, set ${n.hostVars.join(', ')} to the database's host (\`--env ${n.hostVars[0]}=…\`: on DATABASE_URL's host it is counted),` : ''
    const to = n.localHost ? 'this dyno' : 'a local socket'
    all.push({
      code: 'database-url-missing',
      file: ymlFile,
      fix: n.base
        ? `name the entry \`primary\` (DATABASE_URL is then merged into it), give it \`url: <%= ENV["DATABASE_URL"] %>\`${orHost} or set ${urlVar} (\`--env ${urlVar}=…\` to count it)`
        : `give it the server it should use: \`url: <%= ENV["DATABASE_URL"] %>\` in the entry it inherits from (the same database)${orHost} or set ${urlVar} (\`--env ${urlVar}=…\` to count it)`,
      line: doc.yaml.lineOf([sectionKey, n.name]),
      message: n.base
        ? `\`${n.name}\` in the ${sectionKey} section ${where}, and no entry of the section is named \`primary\`: ActiveRecord merges DATABASE_URL into the entry named \`primary\` only (${URL_CONFIG}), so unless ${urlVar} is set on the platform, ActiveRecord::Base, which connects to the first entry (\`${n.name}\`), connects to ${to}, where no PostgreSQL server runs, and every query of the app fails. Counted on the plan as if ${urlVar} were set to its database; the counts are starred`
        : `\`${n.name}\` in the ${sectionKey} section ${where}: ActiveRecord merges DATABASE_URL into the entry named \`primary\` only (${URL_CONFIG}), so on the platform it connects to ${to}, where no PostgreSQL server runs, and a process that uses it (Solid Queue, Solid Cache, Solid Cable, a model's connects_to) fails to reach the database. Not counted on the plan; the counts are starred`,
      severity: 'warning',
    })
  }

  // The counted numbers depend on it: once the entries get a server (the fix above), theirs may add.
  if (noUrl.length > 0) {
    const names = noUrl.map((n) => `\`${n.name}\``).join(', ')
    const vars = noUrl.map((n) => entryUrlVar(n.name)).join(', ')
    const why = assumed(`${names} in ${DATABASE_YML}'s ${sectionKey} section reach${noUrl.length === 1 ? 'es' : ''} no server on the platform (no url or host, and ${vars} not set): not counted; counted as configured, the app fails where it uses ${noUrl.length === 1 ? 'it' : 'them'}`)
    const at = pools.findIndex((p) => p.database === entryLabel(doc, primaryName ?? 'primary'))
    const target = at >= 0 ? at : 0
    if (pools[target]) pools[target] = {...pools[target], pool: sourced(pools[target].pool.value, pools[target].pool.source, [...(pools[target].pool.via ?? []), why])}
    return {diagnostics: all, otherServerPools, pools, primary: primaryName ?? 'primary', stars: [why]}
  }

  return {diagnostics: all, otherServerPools, pools, primary: primaryName ?? 'primary'}
}
