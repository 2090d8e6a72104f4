/**
 * ActiveRecord without Rails (Sinatra or plain Ruby services: travis-hub, travis-api): no railtie
 * reads config/database.yml or DATABASE_URL for it; the app calls `establish_connection(config)`
 * itself, and the pool is what that config says — ActiveRecord's default 5 only when it says none
 * (hash_config.rb: `(configuration_hash[:pool] || 5).to_i`). When the config is built where conncalc
 * does not evaluate (an app config object, `config.to_h`), the pool is not known: the 5 is an
 * assumption, with where the call is. sinatra-activerecord reads config/database.yml and
 * DATABASE_URL as Rails does, and an app with a database.yml is read as before.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'
import type {PoolEntry} from '../../model/process.js'

import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, sourced} from '../../model/source.js'
import {DATABASE_YML} from './database-yml.js'
import {evaluateRubySnippet} from './evaluate.js'
import {parseRuby, type RubyNode} from './prism.js'

const HASH_CONFIG = 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/database_configurations/hash_config.rb'
/** Where such apps connect: their lib/ (travis-*), app/, config/ and the root's .rb files (app.rb, config.ru). */
const DIRS = ['lib', 'app', 'config']

/** The bundle has ActiveRecord, and neither Rails nor sinatra-activerecord reads database.yml for it, and the app has none. */
export const activeRecordWithoutRails = (ctx: AnalyzerContext): boolean =>
  ctx.versions.activerecord !== undefined && ctx.versions.railties === undefined && ctx.versions.rails === undefined && ctx.versions['sinatra-activerecord'] === undefined

interface Site {
  file: string
  line: number
  /** The `pool:` value in a literal hash argument, as written, and its line. */
  pool?: {line: number; text: string}
  text: string
}

/** The first `establish_connection(…)` with an argument in the app's own Ruby files. */
async function establishSite(ctx: AnalyzerContext): Promise<Site | undefined> {
  const files = [...ctx.files.list('').filter((n) => n.endsWith('.rb') || n === 'config.ru'), ...DIRS.flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb'), {max: 2000, maxDepth: 8}).paths)]
  for (const file of files) {
    const text = ctx.files.read(file)?.text
    if (!text?.includes('establish_connection')) continue
    const parsed = await parseRuby(file, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    let found: Site | undefined
    const visit = (node: RubyNode): void => {
      if (found) return
      // `establish_connection(:legacy)` names a database.yml section (model-pools.ts reads those), not the app's own config.
      if (node instanceof P.CallNode && node.name === 'establish_connection' && (node.arguments_?.arguments_.length ?? 0) > 0 && !(node.arguments_!.arguments_[0] instanceof P.SymbolNode)) {
        const arg = node.arguments_!.arguments_[0]
        const pool = arg instanceof P.HashNode || arg instanceof P.KeywordHashNode ? arg.elements.find((e) => e instanceof P.AssocNode && e.key instanceof P.SymbolNode && e.key.unescaped.value === 'pool') : undefined
        found = {file, line: parsed.lineOf(node.location.startOffset), pool: pool instanceof P.AssocNode ? {line: parsed.lineOf(pool.value.location.startOffset), text: parsed.textOf(pool.value)} : undefined, text: parsed.textOf(arg).slice(0, 60)}
        return
      }

      for (const child of node.compactChildNodes()) visit(child)
    }

    visit(parsed.program)
    if (found) return found
  }

  return undefined
}

/** ActiveRecord in the bundle and no Rails (railties): sinatra-activerecord or the app itself connects it. */
export const activeRecordNoRailtie = (ctx: AnalyzerContext): boolean => ctx.versions.activerecord !== undefined && ctx.versions.railties === undefined && ctx.versions.rails === undefined

/**
 * A sinatra-activerecord app's primary pool that no database.yml sets (a default): where a larger one would go, for
 * pool-below-threads' fix (no RAILS_MAX_THREADS is read without Rails). sinatra-activerecord connects with DATABASE_URL
 * (or config/database.yml) when it is registered, and an establish_connection of the app's own replaces that.
 */
export async function whereWithoutRails(ctx: AnalyzerContext, entry: PoolEntry): Promise<PoolEntry> {
  if (entry.pool.source.kind !== 'default' || !activeRecordNoRailtie(ctx)) return entry
  const site = await establishSite(ctx)
  return {...entry, withoutRails: {...(site ? {connects: {file: site.file, line: site.line}} : {}), sinatra: ctx.versions['sinatra-activerecord'] !== undefined}}
}

/**
 * The primary pool of an app on ActiveRecord without Rails, in place of a plain default: read from the
 * `pool:` its establish_connection passes, else ActiveRecord's 5 as an assumption naming the call.
 */
export async function poolWithoutRails(ctx: AnalyzerContext, entry: PoolEntry): Promise<{diagnostics: Diagnostic[]; entry: PoolEntry}> {
  if (entry.pool.source.kind !== 'default') return {diagnostics: [], entry}
  const site = await establishSite(ctx)
  // No call found (a fixture-sized bundle, a gem that connects for the app): nothing says otherwise, the default stands.
  if (!site) return {diagnostics: [], entry: {...entry, withoutRails: {sinatra: false}}}
  const withoutRails = {connects: {file: site.file, line: site.line}, sinatra: false}
  if (site.pool) {
    const v = (await evaluateRubySnippet(site.pool.text, {appEnv: ctx.appEnv, env: ctx.env, file: site.file, firstLine: site.pool.line})).value
    const n = v.kind === 'known' ? Number(v.value) : Number.NaN
    if (Number.isInteger(n) && n > 0) return {diagnostics: [], entry: {...entry, pool: sourced(n, fromFile(site.file, site.pool.line), v.kind === 'known' ? v.via : []), withoutRails}}
  }

  const where = `${site.file}:${site.line} connects ActiveRecord with \`${site.text}\`, a config conncalc does not read`
  const why = `ActiveRecord without Rails (no railtie reads ${DATABASE_YML} or DATABASE_URL for it): ${where}; ActiveRecord's default pool 5 assumed`
  const diagnostics: Diagnostic[] = [
    {
      code: 'unknown-config-value',
      file: site.file,
      fix: `say the pool with --assume ${ctx.processType}=PROCESSES:THREADS:POOL, or pass pool: where the app calls establish_connection`,
      line: site.line,
      message: why,
      processType: ctx.processType,
      severity: 'warning',
    },
  ]
  return {diagnostics, entry: {...entry, pool: sourced(5, assumed(why), [fromDefault('ActiveRecord default pool size (a config without pool)', HASH_CONFIG), fromFile(site.file, site.line)]), withoutRails}}
}
