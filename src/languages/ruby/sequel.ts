/**
 * The connection pool of a Ruby app whose ORM is Sequel and not ActiveRecord (Roda and Sinatra
 * apps with `Sequel.connect`, Hanami 1 through hanami-model → ROM → Sequel): Sequel's threaded
 * pool opens at most `max_connections`, default 4 (lib/sequel/connection_pool/threaded.rb:
 * `@max_size = Integer(opts[:max_connections] || 4)`, the same in Sequel 4 and 5). The option is
 * passed where the app connects: `Sequel.connect(url, max_connections: 10)`, hanami-model's
 * `adapter :sql, url, max_connections: 10`, a `?max_connections=` in the URL. A thread waits for
 * a connection when all are out (PoolTimeout after 5 s), so a process holds min(threads, pool).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import type {AnalyzerContext} from '../common/types.js'
import {type DatabaseYmlAnalysis, PRIMARY_SERVER} from './database-yml.js'
import {evaluateRubySnippet} from './evaluate.js'
import {parseRuby, type RubyNode} from './prism.js'

const THREADED_POOL = 'https://github.com/jeremyevans/sequel/blob/master/lib/sequel/connection_pool/threaded.rb'

/** Folders whose Ruby files may connect Sequel: config/ (Hanami 1's environment.rb), lib/, apps/, app/, system/ (dry-system), db/. */
const CONNECT_DIRS = ['config', 'lib', 'apps', 'app', 'system', 'db']

/** True when the bundle has Sequel and no ActiveRecord: the app's pool is Sequel's. */
export const usesSequelOnly = (versions: Record<string, string>): boolean => versions.sequel !== undefined && versions.activerecord === undefined && versions.rails === undefined

/** `max_connections: X` passed to a call, as keywords or a hash literal (`Sequel.connect(url, max_connections: 10)`, `adapter :sql, url, max_connections: 10`). */
async function maxConnectionsIn(path: string, text: string): Promise<{line: number; value: RubyNode; parsed: Awaited<ReturnType<typeof parseRuby>>} | undefined> {
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  let found: {line: number; value: RubyNode} | undefined
  const visit = (node: RubyNode): void => {
    if (found) return
    if (node instanceof P.CallNode) {
      for (const arg of node.arguments_?.arguments_ ?? []) {
        if (!(arg instanceof P.KeywordHashNode || arg instanceof P.HashNode)) continue
        for (const el of arg.elements) {
          if (el instanceof P.AssocNode && el.key instanceof P.SymbolNode && el.key.unescaped.value === 'max_connections') {
            found = {line: parsed.lineOf(el.location.startOffset), value: el.value}
            return
          }
        }
      }
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return found && {...found, parsed}
}

/** The Sequel pool each process of the app opens: the max_connections the app passes, else Sequel's default 4. */
export async function analyzeSequelPool(ctx: AnalyzerContext): Promise<DatabaseYmlAnalysis> {
  const diagnostics: Diagnostic[] = []
  const rootFiles = ctx.files.list('').filter((n) => n.endsWith('.rb') || n === 'config.ru')
  const under = CONNECT_DIRS.flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb'), {max: 2000, maxDepth: 8}).paths)
  let pool: Sourced<number> | undefined
  for (const file of [...rootFiles, ...under]) {
    const text = ctx.files.read(file)?.text
    if (!text?.includes('max_connections')) continue
    const at = await maxConnectionsIn(file, text)
    if (!at) continue
    // The value's own code, evaluated on its own: ENV reads and literals are known; a local variable is not.
    const {value: v} = await evaluateRubySnippet(at.parsed.textOf(at.value), {appEnv: ctx.appEnv, env: ctx.env, file, firstLine: at.line})
    if (v.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value > 0) {
      pool = sourced(v.value, fromFile(file, at.line), v.via)
    } else {
      const why = v.kind === 'unknown' ? v.reason : 'not a positive whole number'
      diagnostics.push({code: 'unknown-config-value', file, line: at.line, message: `cannot read the Sequel max_connections set at ${file}:${at.line} (${why}); Sequel's default 4 is assumed`, processType: ctx.processType, severity: 'warning'})
      pool = sourced(4, assumed(`${file}:${at.line} sets Sequel's max_connections to a value conncalc cannot read; Sequel's default 4 assumed`), [fromDefault('Sequel threaded connection pool default max_connections', THREADED_POOL)])
    }

    break
  }

  pool ??= sourced(4, fromDefault(`Sequel ${ctx.versions.sequel} default max_connections (the app passes none)`, THREADED_POOL))
  return {diagnostics, otherServerPools: [], pools: [{database: 'primary', pool, server: PRIMARY_SERVER}], primary: 'primary'}
}
