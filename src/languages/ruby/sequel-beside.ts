/**
 * A Sequel database an ActiveRecord app connects beside ActiveRecord's own pool (rodauth on Sequel in a Rails or
 * Roda app, a reporting module, a data import): `DB = Sequel.connect(ENV["DATABASE_URL"])`,
 * `Sequel.postgres(...)`, `Sequel.connect(ActiveRecord::Base.connection_config)`. Each call makes a
 * Sequel::Database with a threaded pool of its own, at most `max_connections`, default 4
 * (lib/sequel/connection_pool/threaded.rb: `@max_size = Integer(opts[:max_connections] || 4)`), and it opens its
 * first connection at once (Database#initialize tests the connection unless `test: false`) and keeps it. The
 * ActiveRecord pool does not share them: a thread that uses both holds one of each, so a process holds
 * min(threads, max_connections) more on the server the URL names.
 *
 * Options read from Rails' own database.yml (`c = Rails.configuration.database_configuration[Rails.env]`, then
 * `Sequel.connect(host: c["host"], …, max_connections: c["pool"])`, as valkyrie-sequel's README writes it;
 * pulibrary/figgy): the same server as ActiveRecord's primary, and max_connections the YAML section's own `pool` key
 * (database_configuration is database.yml as ERB and YAML leave it, without DATABASE_URL's merge or defaults): nil
 * when the section has none (a three-tier section's keys are one level down), so Sequel's default 4.
 *
 * Not counted: the block form (`Sequel.connect(url) do |db| … end` disconnects when the block returns), a database
 * that borrows ActiveRecord's connections (the sequel-activerecord_connection extension, `extension
 * :activerecord_connection`), and files a running process does not load (db/, spec/, test/, lib/tasks/, script/,
 * bin/). A call in lib/ that no file requires, or one inside a method, is counted as an assumption: the process may
 * never load or call it.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {filesUnder} from '../../model/files.js'
import type {PoolEntry} from '../../model/process.js'
import {assumed, fromDefault, fromFile, sourced, type Source, type Sourced} from '../../model/source.js'
import {PLATFORM_DATABASE_URLS, hostOfUrl, serverOfUrlVar, unknownServer} from '../../util/pg-url.js'
import type {AnalyzerContext} from '../common/types.js'
import {DATABASE_YML, PRIMARY_SERVER} from './database-yml.js'
import {readYamlErb} from './erb.js'
import {processorsFor} from './processors.js'
import {yamlCandidate} from '../common/setting.js'
import {append} from '../../util/arrays.js'
import {evaluateRubySnippet} from './evaluate.js'
import {parseRuby, type RubyNode} from './prism.js'
import {sequelDefault, sequelDefaultAssumed, sequelNilDefault} from './sequel.js'

const DATABASE_NEW = 'https://github.com/jeremyevans/sequel/blob/master/lib/sequel/database/connecting.rb'

/** Folders a booted process loads Ruby from; db/, spec/, test/, lib/tasks/, script/ and bin/ are not among them. */
const LOADED_DIRS = ['config', 'app', 'lib', 'apps', 'system']
const NOT_LOADED = /^(lib\/tasks|config\/deploy|app\/assets|app\/javascript)(\/|$)/

export interface SequelBeside {
  diagnostics: Diagnostic[]
  otherServerPools: PoolEntry[]
  pools: PoolEntry[]
}

interface Found {
  file: string
  inMethod: boolean
  line: number
  /** The call's text up to its first line's end, for messages. */
  shown: string
  /** `max_connections:` passed to the call, as written; `railsPool`: the key it reads of database_configuration[Rails.env] (`"pool"`). */
  max?: {line: number; railsPool?: string; text: string}
  /** Its options come from Rails' database_configuration for the environment (host, database: ActiveRecord's primary). */
  railsConfig?: boolean
  /** The first argument that is not an options hash (the URL), as written. */
  url?: string
}

const cache = new WeakMap<AnalyzerContext['files'], Promise<{calls: Found[]; files: string[]}>>()

/** `Sequel.connect(...)` / `Sequel.postgres(...)` calls without a block in the files a booted process loads. */
function findCalls(ctx: AnalyzerContext): Promise<{calls: Found[]; files: string[]}> {
  const known = cache.get(ctx.files)
  if (known) return known
  const made = (async () => {
    const files = [...(ctx.files.exists('config.ru') ? ['config.ru'] : []), ...LOADED_DIRS.flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb') && !NOT_LOADED.test(p), {max: 3000, maxDepth: 8}).paths)]
    const calls: Found[] = []
    for (const file of files) {
      const text = ctx.files.read(file)?.text
      if (!text || !/Sequel\.(connect|postgres)\b/.test(text)) continue
      // The database borrows ActiveRecord's connection (sequel-activerecord_connection): no pool of its own.
      if (text.includes('activerecord_connection')) continue
      const parsed = await parseRuby(file, text)
      if (parsed.errors.length > 0) continue
      const P = parsed.prism
      // Locals bound to the environment's section of database.yml (`db = Rails.configuration.database_configuration[Rails.env]`).
      const sections = new Set<string>()
      // `BASE["key"]` / `BASE.fetch("key", …)` where BASE is that section: the key as written.
      const sectionKey = (text: string): string | undefined => {
        const m = /^(.+?)(?:\[\s*([^\]]+?)\s*\]|\.fetch\(\s*([^,)]+?)\s*(?:,[^)]*)?\))$/s.exec(text.trim())
        return m && (sections.has(m[1].trim()) || RAILS_SECTION.test(m[1].trim())) ? (m[2] ?? m[3]) : undefined
      }
      const visit = (node: RubyNode, inMethod: boolean): void => {
        if (node instanceof P.LocalVariableWriteNode && RAILS_SECTION.test(parsed.textOf(node.value).trim())) sections.add(String(node.name))
        if (node instanceof P.CallNode && (node.name === 'connect' || node.name === 'postgres') && node.receiver && parsed.textOf(node.receiver).replace(/^::/, '') === 'Sequel' && !(node.block instanceof P.BlockNode)) {
          const args = node.arguments_?.arguments_ ?? []
          let max: Found['max']
          let railsConfig = false
          const url = args.find((a) => !(a instanceof P.KeywordHashNode || a instanceof P.HashNode))
          for (const arg of args) {
            if (!(arg instanceof P.KeywordHashNode || arg instanceof P.HashNode)) continue
            for (const el of arg.elements) {
              if (!(el instanceof P.AssocNode && el.key instanceof P.SymbolNode)) continue
              const key = el.key.unescaped.value
              const text = parsed.textOf(el.value)
              const read = sectionKey(text)
              if (key === 'max_connections') max = {line: parsed.lineOf(el.value.location.startOffset), ...(read ? {railsPool: read} : {}), text}
              if ((key === 'host' || key === 'database') && read) railsConfig = true
            }
          }

          calls.push({file, inMethod, line: parsed.lineOf(node.location.startOffset), shown: parsed.textOf(node).split('\n')[0], ...(max ? {max} : {}), ...(railsConfig ? {railsConfig} : {}), ...(url ? {url: parsed.textOf(url)} : {})})
        }

        const nowInMethod = inMethod || node instanceof P.DefNode
        for (const child of node.compactChildNodes()) visit(child, nowInMethod)
      }

      visit(parsed.program, false)
    }

    return {calls, files}
  })()
  cache.set(ctx.files, made)
  return made
}

/** The server the call's first argument names: DATABASE_URL's (or ActiveRecord's config), another env var's, a literal URL's; undefined when it is not PostgreSQL. */
async function serverOf(ctx: AnalyzerContext, call: Found): Promise<{server: string; why?: Source} | undefined> {
  const written = call.url
  if (written === undefined && call.railsConfig) return {server: PRIMARY_SERVER}
  if (written === undefined) return {server: PRIMARY_SERVER, why: assumed(`${call.file}:${call.line}: \`${call.shown}\` names no URL conncalc reads; taken to be DATABASE_URL's server`)}
  if (/ActiveRecord|connection_config|connection_db_config|configuration_hash/.test(written)) return {server: PRIMARY_SERVER}
  const envName = /ENV(?:\.fetch\(\s*|\[\s*)["'](\w+)["']/.exec(written)?.[1]
  if (envName) return {server: PLATFORM_DATABASE_URLS.test(envName) ? PRIMARY_SERVER : serverOfUrlVar(envName, ctx.env)}
  const v = (await evaluateRubySnippet(written, {appEnv: ctx.appEnv, env: ctx.env, file: call.file, firstLine: call.line})).value
  if (v.kind === 'known' && typeof v.value === 'string') {
    if (!/^postgres(ql)?:/.test(v.value)) return undefined
    const host = hostOfUrl(v.value)
    return {server: host && host === hostOfUrl(ctx.env.get(PRIMARY_SERVER)?.value) ? PRIMARY_SERVER : host ? `host=${host}` : PRIMARY_SERVER}
  }

  // An app setting (`Rails.application.secrets.burden_db_url`), a method's result: as model-pools.ts does for a URL it
  // cannot read, a server of its own, listed and not counted (a second Sequel database is most often another server).
  return {server: unknownServer(`its URL \`${written}\` cannot be read`)}
}

/** max_connections passed to the call, else Sequel's default 4. */
async function sizeOf(ctx: AnalyzerContext, call: Found, diagnostics: Diagnostic[]): Promise<Sourced<number>> {
  if (!call.max) return sequelDefault(`Sequel ${ctx.versions.sequel ?? ''} default max_connections (${call.file}:${call.line} passes none)`.replace('  ', ' '))
  if (call.max.railsPool) {
    const pool = await ymlSectionPool(ctx, call.file, call.max, diagnostics)
    if (pool) return pool
  }

  const v = (await evaluateRubySnippet(call.max.text, {appEnv: ctx.appEnv, env: ctx.env, file: call.file, firstLine: call.max.line})).value
  if (v.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value > 0) return sourced(v.value, fromFile(call.file, call.max.line), v.via)
  if (v.kind === 'known' && v.value === null) return sequelNilDefault(call.file, call.max.line, 'nil')
  diagnostics.push({code: 'unknown-config-value', file: call.file, line: call.max.line, message: `cannot read the Sequel max_connections \`${call.max.text}\` at ${call.file}:${call.max.line}; Sequel's default 4 is assumed`, processType: ctx.processType, severity: 'warning'})
  return sequelDefaultAssumed(`${call.file}:${call.max.line} sets Sequel's max_connections to a value conncalc cannot read`)
}

/** `Rails.configuration.database_configuration[Rails.env]` (or `Rails.application.config`, `.fetch(Rails.env)`). */
const RAILS_SECTION = /^(?:::)?Rails\.(?:configuration|application\.config(?:uration)?)\.database_configuration(?:\[\s*(?:::)?Rails\.env\s*\]|\.fetch\(\s*(?:::)?Rails\.env\s*\))$/

/**
 * `section["pool"]` of database.yml's section for the environment, as Rails::Application::Configuration
 * #database_configuration returns it (the YAML after ERB; no DATABASE_URL merge, no default): the key's value, nil
 * (Sequel's default 4) when the section has no `pool` key, undefined when the section cannot be read.
 */
async function ymlSectionPool(ctx: AnalyzerContext, callFile: string, max: {line: number; railsPool?: string; text: string}, diagnostics: Diagnostic[]): Promise<Sourced<number> | undefined> {
  // YAML's keys are strings: `[:pool]` or another key is nil, so Sequel's default.
  if (max.railsPool !== '"pool"' && max.railsPool !== "'pool'") return sequelNilDefault(callFile, max.line, `nil: \`${max.text}\` reads ${max.railsPool} of database.yml's section, whose keys are strings`)
  const file = ctx.files.read(DATABASE_YML)
  if (!file) return undefined
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env, processors: processorsFor(ctx)}, ctx.files)
  const root = doc.yaml.value
  const section = typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Record<string, unknown>)[ctx.appEnv] : undefined
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return undefined
  // database_configuration reverse-merges a top-level `shared` section into each environment's.
  const shared = (root as Record<string, unknown>).shared
  const inShared = (section as Record<string, unknown>).pool === undefined && typeof shared === 'object' && shared !== null && (shared as Record<string, unknown>).pool !== undefined
  const path = inShared ? ['shared', 'pool'] : [ctx.appEnv, 'pool']
  const raw = inShared ? (shared as Record<string, unknown>).pool : (section as Record<string, unknown>).pool
  const via = fromDefault(`\`${max.text}\` is database.yml's ${ctx.appEnv} section as Rails reads it (Rails::Application::Configuration#database_configuration: the file after ERB, without DATABASE_URL or defaults)`, DATABASE_CONFIGURATION)
  if (raw === undefined) return sequelNilDefault(DATABASE_YML, doc.yaml.lineOf([ctx.appEnv]) ?? 1, `nil: its ${ctx.appEnv} section has no \`pool\` key of its own (\`${max.text}\`)`)
  const found = yamlCandidate(doc, path, raw, 'the database.yml pool Sequel is given')
  append(diagnostics, found.diagnostics.map((d) => ({...d, processType: ctx.processType})))
  if (!found.value && raw === null) return sequelNilDefault(DATABASE_YML, doc.yaml.lineOf(path) ?? 1, `nil: its \`pool\` is empty (\`${max.text}\`)`)
  if (!found.value) return sequelDefaultAssumed(`${DATABASE_YML}:${doc.yaml.lineOf(path) ?? 1}, the pool ${callFile}:${max.line} gives Sequel, cannot be read`)

  return {...found.value, via: [...(found.value.via ?? []), via]}
}

const DATABASE_CONFIGURATION = 'https://github.com/rails/rails/blob/v8.0.2/railties/lib/rails/application/configuration.rb'

/** True when some loaded file requires the lib/ file by a path it ends with (`require "buzzn/db"`, `require_relative "../db"`). */
function required(ctx: AnalyzerContext, files: string[], lib: string): boolean {
  const stem = lib.replace(/\.rb$/, '')
  return files.some((f) => f !== lib && [...(ctx.files.read(f)?.text ?? '').matchAll(/\brequire(?:_relative)?\s*\(?\s*["']([^"'#]+?)(?:\.rb)?["']/g)].some((m) => {
    const path = m[1].replace(/^(\.\.?\/)+/, '')
    return path.length > 0 && (stem === path || stem.endsWith(`/${path}`))
  }))
}

/** The Sequel pools an ActiveRecord app opens beside ActiveRecord's (none when the bundle has no Sequel). */
export async function sequelBesideActiveRecord(ctx: AnalyzerContext): Promise<SequelBeside> {
  const out: SequelBeside = {diagnostics: [], otherServerPools: [], pools: []}
  if (ctx.versions.sequel === undefined) return out
  const {calls, files} = await findCalls(ctx)
  for (const call of calls) {
    const server = await serverOf(ctx, call)
    if (!server) continue
    const size = await sizeOf(ctx, call, out.diagnostics)
    const stars: Source[] = []
    if (server.why) stars.push(server.why)
    if (call.inMethod) stars.push(assumed(`\`${call.shown}\` is inside a method (${call.file}:${call.line}): counted as if the process calls it`))
    else if (call.file.startsWith('lib/') && !required(ctx, files, call.file)) stars.push(assumed(`no file conncalc reads requires ${call.file}: counted as if the process loads it`))
    const where = fromFile(call.file, call.line)
    const own = fromDefault(`\`${call.shown}\` makes a Sequel::Database with a pool of its own beside ActiveRecord's (its first connection opens at once)`, DATABASE_NEW)
    const pool: Sourced<number> = stars.length > 0 ? sourced(size.value, stars[0], [...stars.slice(1), where, size.source, own, ...(size.via ?? [])]) : sourced(size.value, size.source, [where, own, ...(size.via ?? [])])
    const name = calls.length === 1 ? 'sequel' : `sequel ${call.file}:${call.line}`
    const entry: PoolEntry = {database: name, library: 'sequel', pool, server: server.server}
    if (server.server === PRIMARY_SERVER) out.pools.push(entry)
    else {
      out.otherServerPools.push(entry)
      if (server.server.startsWith('unknown server: its URL')) out.diagnostics.push({code: 'unknown-config-value', file: call.file, fix: `if it is the plan's database, tell conncalc: --assume ${ctx.processType}=PROCESSES:THREADS:POOL with the Sequel pool added`, line: call.line, message: `${ctx.processType}: \`${call.shown}\` opens a Sequel pool of ${size.value} beside ActiveRecord's, but its URL cannot be read, so conncalc cannot tell whether it is the plan's database; not counted`, processType: ctx.processType, severity: 'info'})
    }
  }

  return out
}
