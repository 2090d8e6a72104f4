/**
 * ActiveRecord pools from config/database.yml, evaluated with the env of one
 * process type: the section for the app environment, anchors and merge keys,
 * ERB, `pool` or Rails 8.1's `max_connections` (which wins), and `pool=` in a
 * URL's query. DATABASE_URL is merged into the primary entry and its query
 * parameters override the file, as ActiveRecord does.
 *
 * Server keys: the primary entry (named "primary", else the first) always
 * connects to "DATABASE_URL", which Heroku sets and ActiveRecord merges into
 * it. Another entry with no url/host of its own, or whose url is
 * `<%= ENV["DATABASE_URL"] %>`, connects to "DATABASE_URL". An entry whose url
 * comes from another env var is keyed by that var's name; a literal url or
 * host by `host=<host>/<database>`. Entries keyed other than "DATABASE_URL"
 * (replicas included, when their URL differs) go to `otherServerPools`.
 * Entries with `database_tasks: false` still connect and are kept.
 */
import {parse as parsePgUrl} from 'pg-connection-string'

import type {Diagnostic} from '../model/diagnostic.js'
import type {PoolEntry} from '../model/process.js'
import {fromDefault, fromFile, sourced, type Sourced} from '../model/source.js'
import {readYamlErb, tagsOnLine, unknownTag, type YamlErb} from '../ruby/erb.js'
import {versionAtLeast} from '../util/version.js'
import {type Candidate, firstOf, yamlCandidate} from './setting.js'
import type {AnalyzerContext} from './types.js'

export const DATABASE_YML = 'config/database.yml'
export const PRIMARY_SERVER = 'DATABASE_URL'

const HASH_CONFIG = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations/hash_config.rb'

export interface DatabaseYmlAnalysis {
  diagnostics: Diagnostic[]
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
}

type Hash = Record<string, unknown>
const isHash = (v: unknown): v is Hash => typeof v === 'object' && v !== null && !Array.isArray(v)

const defaultPool = (): Sourced<number> => sourced(5, fromDefault('ActiveRecord default pool size', HASH_CONFIG))

/** Query parameters of a postgres URL; undefined when it does not parse. Never logs or returns the password. */
function urlInfo(url: string): {host?: string; database?: string; query: Hash} | undefined {
  try {
    const {database, host, password: _password, user: _user, ...rest} = parsePgUrl(url, {useLibpqCompat: true}) as Hash
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

function serverKey(doc: YamlErb, entry: Entry, isPrimary: boolean): string {
  // On Heroku DATABASE_URL is always set and ActiveRecord merges it into the primary entry.
  if (isPrimary) return PRIMARY_SERVER
  const url = entry.config.url
  if (typeof url === 'string' && url !== '') {
    const fromVar = urlEnvVar(doc, entry)
    if (fromVar) return fromVar
    if (unknownTag(doc.erb, url)) return `unknown url (${doc.file}:${doc.yaml.lineOf([...entry.path, 'url'])})`
    const info = urlInfo(url)
    return info ? `host=${info.host ?? 'localhost'}/${info.database ?? ''}` : `unreadable url (${doc.file})`
  }

  const host = entry.config.host
  if (typeof host === 'string' && host !== '' && host !== 'localhost') return `host=${host}/${String(entry.config.database ?? '')}`
  return PRIMARY_SERVER
}

export async function analyzeDatabaseYml(ctx: AnalyzerContext): Promise<DatabaseYmlAnalysis> {
  const diagnostics: Diagnostic[] = []
  const databaseUrl = ctx.env.get('DATABASE_URL')
  const arVersion = ctx.versions.activerecord ?? ctx.versions.rails
  // `max_connections` is read from Rails 8.1; older versions ignore the key.
  const readsMaxConnections = !arVersion || versionAtLeast(arVersion, '8.1.0')
  const fromDatabaseUrl = (what: string): Candidate =>
    databaseUrl ? urlPool(databaseUrl.value, () => databaseUrl.source, what, DATABASE_YML) : {diagnostics: []}

  const file = ctx.files.read(DATABASE_YML)
  const doc = file ? await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}) : undefined
  if (doc) diagnostics.push(...doc.diagnostics)
  const root = doc?.yaml.value
  const section = isHash(root) ? root[ctx.appEnv] : undefined

  if (!doc || !isHash(section)) {
    if (doc && isHash(root)) {
      diagnostics.push({
        code: 'missing-config',
        file: DATABASE_YML,
        message: `${DATABASE_YML} has no \`${ctx.appEnv}\` section; ActiveRecord uses DATABASE_URL and its defaults`,
        severity: 'info',
      })
    }

    const pool = firstOf([fromDatabaseUrl('the DATABASE_URL pool')], defaultPool())
    const all = [...diagnostics, ...pool.diagnostics].map((d) => ({...d, processType: ctx.processType}))
    const prepared = urlPreparedStatements(databaseUrl?.value, () => databaseUrl!.source)
    const entry: PoolEntry = {database: 'primary', pool: pool.value, server: PRIMARY_SERVER}
    return {diagnostics: all, otherServerPools: [], pools: [prepared ? {...entry, preparedStatements: prepared} : entry]}
  }

  const entries = entriesOf(section, ctx.appEnv)
  const primaryName = entries.some((e) => e.name === 'primary') ? 'primary' : entries[0]?.name
  const pools: PoolEntry[] = []
  const otherServerPools: PoolEntry[] = []
  for (const entry of entries) {
    const isPrimary = entry.name === primaryName
    const what = `the ${entry.name} pool`
    const key = (k: string): Candidate =>
      entry.config[k] === undefined ? {diagnostics: []} : yamlCandidate(doc, [...entry.path, k], entry.config[k], what)
    const url = typeof entry.config.url === 'string' ? entry.config.url : undefined
    const urlLine = doc.yaml.lineOf([...entry.path, 'url']) ?? 1
    const candidates: Candidate[] = [
      ...(isPrimary ? [fromDatabaseUrl(what)] : []),
      urlPool(url, () => fromFile(DATABASE_YML, urlLine), what, DATABASE_YML),
      ...(readsMaxConnections ? [key('max_connections')] : []),
      key('pool'),
    ]
    if (!readsMaxConnections && entry.config.max_connections !== undefined) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: DATABASE_YML,
        line: doc.yaml.lineOf([...entry.path, 'max_connections']),
        message: `\`max_connections\` is read from Rails 8.1; ActiveRecord ${arVersion} ignores it (use \`pool\`)`,
        severity: 'warning',
      })
    }

    const pool = firstOf(candidates, defaultPool())
    diagnostics.push(...pool.diagnostics)
    const server = serverKey(doc, entry, isPrimary)
    // As ActiveRecord merges them: DATABASE_URL's query over the entry's url over its keys.
    const preparedKey = booleanish(entry.config.prepared_statements)
    const prepared =
      (isPrimary ? urlPreparedStatements(databaseUrl?.value, () => databaseUrl!.source) : undefined) ??
      urlPreparedStatements(url, () => fromFile(DATABASE_YML, urlLine)) ??
      (preparedKey === undefined
        ? undefined
        : sourced(preparedKey, fromFile(DATABASE_YML, doc.yaml.lineOf([...entry.path, 'prepared_statements']) ?? 1)))
    const item: PoolEntry = {database: entry.name, pool: pool.value, server, ...(prepared ? {preparedStatements: prepared} : {})}
    if (server === PRIMARY_SERVER) pools.push(item)
    else otherServerPools.push(item)
  }

  return {diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})), otherServerPools, pools}
}
