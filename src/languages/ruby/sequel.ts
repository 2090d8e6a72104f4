/**
 * The connection pool of a Ruby app whose ORM is Sequel and not ActiveRecord (Roda and Sinatra
 * apps with `Sequel.connect`, Hanami 1 through hanami-model → ROM → Sequel): Sequel's threaded
 * pool opens at most `max_connections`, default 4 (lib/sequel/connection_pool/threaded.rb:
 * `@max_size = Integer(opts[:max_connections] || 4)`, the same in Sequel 4 and 5). The option is
 * passed where the app connects: `Sequel.connect(url, max_connections: 10)`, hanami-model's
 * `adapter :sql, url, max_connections: 10`, a `?max_connections=` in the URL. A thread waits for
 * a connection when all are out (PoolTimeout after 5 s), so a process holds min(threads, pool).
 *
 * Which server: the URL the app's `Sequel.connect` calls read. When every such call this process makes (a
 * block-form `Sequel.connect(url) { |db| … }` disconnects at the block's end; one under an `if` that is false here
 * never runs) reads the same env var and it is not the platform's (DCL-Metrics/dcl-metrics-be's
 * `FAT_BOY_DATABASE = Sequel.connect(ENV['FAT_BOY_DATABASE_URL'])`), the pool is keyed by that var
 * (util/pg-url.ts serverOfUrlVar): model/other-server.ts then counts it on the plan, starred and named, when nothing
 * else in the process connects to DATABASE_URL, or on the server its value names.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import type {AnalyzerContext} from '../common/types.js'
import {type DatabaseYmlAnalysis, PRIMARY_SERVER} from './database-yml.js'
import {type EvalValue, evaluateRubySnippet, type Scope} from './evaluate.js'
import {appConstantCalls, appMethodHashValue} from './app-constants.js'
import {entryEnvLayer} from './entry-env.js'
import {rubyScript} from './ruby-script-command.js'
import {parseRuby, type RubyNode} from './prism.js'
import {PLATFORM_DATABASE_URLS, serverOfUrlVar} from '../../util/pg-url.js'

const THREADED_POOL = 'https://github.com/jeremyevans/sequel/blob/master/lib/sequel/connection_pool/threaded.rb'

/** Sequel's default 4 where `max_connections` is passed as nil (`Integer(opts[:max_connections] || 4)`), `why` saying how. */
export const sequelNilDefault = (file: string, line: number, why: string): Sourced<number> =>
  sourced(4, fromDefault(`Sequel's default max_connections 4: ${file}:${line} passes ${why}`, THREADED_POOL), [fromFile(file, line)])

/** Sequel's default 4 assumed where `max_connections` is set in a way conncalc cannot read (`reason`). */
export const sequelDefaultAssumed = (reason: string): Sourced<number> =>
  sourced(4, assumed(`${reason}; Sequel's default 4 assumed`), [fromDefault('Sequel threaded connection pool default max_connections', THREADED_POOL)])

/** Sequel's default 4 where the call passes no `max_connections` (`what` says which call). */
export const sequelDefault = (what: string): Sourced<number> => sourced(4, fromDefault(what, THREADED_POOL))

/** Folders whose Ruby files may connect Sequel: config/ (Hanami 1's environment.rb), lib/, apps/, app/, system/ (dry-system), db/. */
const CONNECT_DIRS = ['config', 'lib', 'apps', 'app', 'system', 'db']

/** True when the bundle has Sequel and no ActiveRecord: the app's pool is Sequel's. */
export const usesSequelOnly = (versions: Record<string, string>): boolean => versions.sequel !== undefined && versions.activerecord === undefined && versions.rails === undefined

interface MaxConnectionsAt {
  line: number
  parsed: Awaited<ReturnType<typeof parseRuby>>
  /** The top-level statement the call is in: the local variables it can see are assigned before it. */
  statementStart: number
  value: RubyNode
}

/**
 * Where a file sets Sequel's max_connections in a way that is not read: an options hash written by index
 * (`opts[:max_connections] ||= Config.pool`) or a `**splat` passed to `Sequel.connect` (`Sequel.connect(url,
 * **Dbutil.connection_options)`), which may carry it.
 */
interface UnreadMaxConnections {
  line: number
  why: string
  /** `**Const.method`: the app's method whose returned hash the call splats (read by appMethodHashValue). */
  splat?: {constant: string; method: string}
}

/** `max_connections: X` passed to a call, as keywords or a hash literal (`Sequel.connect(url, max_connections: 10)`, `adapter :sql, url, max_connections: 10`); else where the file sets it unreadably. */
async function maxConnectionsIn(path: string, text: string): Promise<MaxConnectionsAt | {unread: UnreadMaxConnections} | undefined> {
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  let found: {line: number; value: RubyNode} | undefined
  let unread: UnreadMaxConnections | undefined
  const isMaxConnections = (n: RubyNode | undefined): boolean => n instanceof P.SymbolNode && n.unescaped.value === 'max_connections'
  const visit = (node: RubyNode): void => {
    if (found) return
    if (node instanceof P.CallNode) {
      for (const arg of node.arguments_?.arguments_ ?? []) {
        if (!(arg instanceof P.KeywordHashNode || arg instanceof P.HashNode)) continue
        for (const el of arg.elements) {
          if (el instanceof P.AssocNode && isMaxConnections(el.key)) {
            found = {line: parsed.lineOf(el.location.startOffset), value: el.value}
            return
          }

          // `Sequel.connect(url, **opts)`: the splatted hash may carry max_connections.
          if (el instanceof P.AssocSplatNode && node.name === 'connect' && node.receiver && parsed.textOf(node.receiver) === 'Sequel') {
            const v = el.value
            const splat = v instanceof P.CallNode && (v.receiver instanceof P.ConstantReadNode || v.receiver instanceof P.ConstantPathNode) && !v.arguments_ && !v.block ? {constant: parsed.textOf(v.receiver).replace(/^::/, ''), method: v.name} : undefined
            // A method of the app's (`**Dbutil.connection_options`) is kept over a local hash: it may be read.
            if (!unread || (splat && !unread.splat)) unread = {line: parsed.lineOf(node.location.startOffset), why: `\`Sequel.connect\` passes \`${parsed.textOf(el)}\`, whose max_connections (if it sets one) conncalc does not read`, ...(splat ? {splat} : {})}
          }
        }
      }

      // `opts[:max_connections] = …`
      if (!unread && node.name === '[]=' && isMaxConnections(node.arguments_?.arguments_[0])) {
        unread = {line: parsed.lineOf(node.location.startOffset), why: `\`${parsed.textOf(node).split('\n')[0]}\` sets max_connections in an options hash conncalc does not follow to Sequel.connect`}
      }
    }

    // `opts[:max_connections] ||= …` (also &&=, +=).
    if (!unread && (node instanceof P.IndexOrWriteNode || node instanceof P.IndexAndWriteNode || node instanceof P.IndexOperatorWriteNode) && isMaxConnections(node.arguments_?.arguments_[0])) {
      unread = {line: parsed.lineOf(node.location.startOffset), why: `\`${parsed.textOf(node).split('\n')[0]}\` sets max_connections in an options hash conncalc does not follow to Sequel.connect`}
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  for (const statement of parsed.program.statements.body) {
    visit(statement)
    if (found) return {...found, parsed, statementStart: statement.location.startOffset}
  }

  return unread ? {unread} : undefined
}

/**
 * The value passed as max_connections. A literal or an ENV read is evaluated on its own; a local
 * variable (`max_connections: pool`, Ruby 3.1's `max_connections:`) is read after the file's
 * top-level statements before the call have run, as Ruby would have assigned it.
 */
async function maxConnectionsValue(at: MaxConnectionsAt, text: string, ctx: AnalyzerContext, file: string): Promise<EvalValue> {
  const P = at.parsed.prism
  const inner = at.value instanceof P.ImplicitNode ? at.value.value : at.value
  const name = inner instanceof P.LocalVariableReadNode ? inner.name : inner instanceof P.CallNode && inner.isVariableCall() ? inner.name : undefined
  // `max_connections: Config.db_pool`: the app's own constant's class method (app-constants.ts).
  const knownCalls = await appConstantCalls(ctx, {path: file, text}, ctx.appEnv)
  const opts = {appEnv: ctx.appEnv, env: ctx.env, file, ...(knownCalls.size > 0 ? {knownCalls} : {})}
  if (name === undefined) return (await evaluateRubySnippet(at.parsed.textOf(at.value), {...opts, firstLine: at.line})).value
  const scope: Scope = new Map()
  const before = new TextDecoder().decode(new TextEncoder().encode(text).subarray(0, at.statementStart))
  await evaluateRubySnippet(before, {...opts, firstLine: 1, scope})
  return scope.get(name) ?? {kind: 'unknown', line: at.line, reason: `\`${name}\` is not assigned before the call at the top of ${file}`}
}

/**
 * `Sequel.connect(url, **Dbutil.connection_options)`: the max_connections the app's method puts in the hash it returns
 * (app-constants.ts appMethodHashValue), evaluated with the module's settings (Appydays, pliny, constants) as the
 * process's env gives them; undefined when it is not found or not a positive whole number.
 */
async function splatValue(ctx: AnalyzerContext, file: string, text: string, at: UnreadMaxConnections): Promise<Sourced<number> | undefined> {
  const found = await appMethodHashValue(ctx, {path: file, text}, at.splat!.constant, at.splat!.method, 'max_connections')
  const defText = found && ctx.files.read(found.file)?.text
  if (!found || !defText) return undefined
  const knownCalls = await appConstantCalls(ctx, {path: found.file, text: defText}, ctx.appEnv)
  const v = (await evaluateRubySnippet(found.code, {appEnv: ctx.appEnv, env: ctx.env, file: found.file, firstLine: found.line, ...(knownCalls.size > 0 ? {knownCalls} : {})})).value
  if (v.kind !== 'known' || typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value <= 0) return undefined
  return sourced(v.value, fromFile(found.file, found.line), [fromFile(file, at.line), ...v.via])
}

/** `ENV["X"]`, `ENV.fetch("X")`, `ENV.fetch("X", …)`, `ENV["X"] || …`: the var a URL argument reads, else undefined. */
function urlVarOf(P: Awaited<ReturnType<typeof parseRuby>>['prism'], node: RubyNode | undefined): string | undefined {
  if (node instanceof P.OrNode) return urlVarOf(P, node.left)
  if (!(node instanceof P.CallNode) || !(node.receiver instanceof P.ConstantReadNode) || node.receiver.name !== 'ENV') return undefined
  const key = node.arguments_?.arguments_[0]
  return (node.name === '[]' || node.name === 'fetch') && key instanceof P.StringNode ? key.unescaped.value : undefined
}

/**
 * The env var every `Sequel.connect` this process makes reads its URL from, when it is one var and not the platform's
 * (see the header); undefined otherwise (none read, DATABASE_URL among them, several, or one conncalc cannot read).
 */
async function connectUrlVar(ctx: AnalyzerContext, files: readonly string[]): Promise<{file: string; line: number; name: string} | undefined> {
  const found: {file: string; line: number; name: string | undefined}[] = []
  for (const file of files) {
    const text = ctx.files.read(file)?.text
    if (!text?.includes('Sequel.connect')) continue
    const parsed = await parseRuby(file, text)
    if (parsed.errors.length > 0) return undefined
    const P = parsed.prism
    // An `if`/`unless` decided here runs one branch; an undecided one, either.
    const decide = async (predicate: RubyNode): Promise<boolean | undefined> => {
      const v = (await evaluateRubySnippet(parsed.textOf(predicate), {appEnv: ctx.appEnv, env: ctx.env, file, firstLine: parsed.lineOf(predicate.location.startOffset)})).value
      return v.kind === 'known' ? v.value !== null && v.value !== false : undefined
    }

    const visit = async (node: RubyNode | null | undefined): Promise<void> => {
      if (!node) return
      if (node instanceof P.IfNode || node instanceof P.UnlessNode) {
        const cond = await decide(node.predicate)
        const then = node.statements
        const otherwise = node instanceof P.IfNode ? node.subsequent : node.elseClause
        const runsThen = cond === undefined || cond === node instanceof P.IfNode
        if (runsThen) await visit(then)
        if (cond === undefined || !runsThen) await visit(otherwise)
        return
      }

      if (node instanceof P.CallNode && node.name === 'connect' && node.receiver && parsed.textOf(node.receiver).replace(/^::/, '') === 'Sequel' && !node.block) {
        found.push({file, line: parsed.lineOf(node.location.startOffset), name: urlVarOf(P, node.arguments_?.arguments_[0])})
      }

      for (const child of node.compactChildNodes()) await visit(child)
    }

    await visit(parsed.program)
  }

  const names = new Set(found.map((f) => f.name))
  const [only] = names
  return names.size === 1 && only !== undefined && !PLATFORM_DATABASE_URLS.test(only) ? {...found[0], name: only} : undefined
}

/** The Sequel pool each process of the app opens: the max_connections the app passes, else Sequel's default 4. */
export async function analyzeSequelPool(given: AnalyzerContext, runner?: string): Promise<DatabaseYmlAnalysis> {
  const diagnostics: Diagnostic[] = []
  // `ENV["PROC_MODE"] = "sidekiq"` in the file the process reads first: the app's code reads it in this process (entry-env.ts).
  const own = await entryEnvLayer(given)
  const ctx: AnalyzerContext = own ? {...given, env: given.env.with(own)} : given
  const rootFiles = ctx.files.list('').filter((n) => n.endsWith('.rb') || n === 'config.ru')
  const under = CONNECT_DIRS.flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb'), {max: 2000, maxDepth: 8}).paths)
  // The script the command runs (`bin/worker`, `ruby consumer.rb`) is read first: where each process connects, its own
  // max_connections wins over another script's (brandur/que-degradation-test: bin/worker passes its own, bin/producer none).
  const script = rubyScript(ctx.command.argv, ctx.files)
  let pool: Sourced<number> | undefined
  // The first place the app sets max_connections in a way conncalc does not read: said when no readable one is found.
  let unread: (UnreadMaxConnections & {file: string}) | undefined
  for (const file of script ? [script, ...rootFiles.filter((f) => f !== script), ...under.filter((f) => f !== script)] : [...rootFiles, ...under]) {
    const text = ctx.files.read(file)?.text
    if (!text?.includes('max_connections') && !(text?.includes('Sequel.connect') && text.includes('**'))) continue
    const at = await maxConnectionsIn(file, text)
    if (!at) continue
    if ('unread' in at) {
      const read = at.unread.splat ? await splatValue(ctx, file, text, at.unread) : undefined
      if (read) {
        pool = read
        break
      }

      if (!unread || (at.unread.splat && !unread.splat)) unread = {...at.unread, file}
      continue
    }

    const v = await maxConnectionsValue(at, text, ctx, file)
    if (v.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value > 0) {
      pool = sourced(v.value, fromFile(file, at.line), [...(v.line === at.line ? [] : [fromFile(file, v.line)]), ...v.via])
    } else if (v.kind === 'known' && v.value === null) {
      // `max_connections: ENV["MAX_THREADS"]` with the variable unset is nil: Sequel's `Integer(opts[:max_connections] || 4)`.
      const unset = (v.missingEnv ?? []).map((m) => m.name)
      const why = unset.length > 0 ? `${unset.join(', ')} not set here, so nil` : 'nil'
      pool = sequelNilDefault(file, at.line, why)
    } else {
      const why = v.kind === 'unknown' ? v.reason : 'not a positive whole number'
      diagnostics.push({code: 'unknown-config-value', file, line: at.line, message: `cannot read the Sequel max_connections set at ${file}:${at.line} (${why}); Sequel's default 4 is assumed`, processType: ctx.processType, severity: 'warning'})
      pool = sequelDefaultAssumed(`${file}:${at.line} sets Sequel's max_connections to a value conncalc cannot read`)
    }

    break
  }

  if (!pool && unread) {
    const at = `${unread.file}:${unread.line}`
    diagnostics.push({code: 'unknown-config-value', file: unread.file, fix: `pass max_connections where the app connects (Sequel.connect(url, max_connections: N)), or tell conncalc: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`, line: unread.line, message: `${ctx.processType}: cannot read Sequel's max_connections at ${at} (${unread.why}); Sequel's default 4 is assumed`, processType: ctx.processType, severity: 'warning'})
    pool = sequelDefaultAssumed(`${at}: ${unread.why}`)
  }

  pool ??= sourced(4, fromDefault(`Sequel ${ctx.versions.sequel} default max_connections (the app passes none)`, THREADED_POOL))
  /**
   * `def perform(…); db = Sequel.connect(url); …; end`: a Sequel.connect without a block in a job method, not memoized
   * (`@db ||= …`, `DB ||= …`) and with no `disconnect` in the method. Each job then makes a new Sequel::Database with a
   * pool of its own, which Sequel::Database#initialize keeps in Sequel::DATABASES (unless `keep_reference: false`), so it
   * is never collected and its connection stays open: the process's connections grow with the jobs it runs.
   */
  async function connectPerJob(files: readonly string[]): Promise<{file: string; line: number; method: string} | undefined> {
    for (const file of files) {
      const text = ctx.files.read(file)?.text
      if (!text?.includes('Sequel.connect')) continue
      const parsed = await parseRuby(file, text)
      if (parsed.errors.length > 0) continue
      const P = parsed.prism
      let found: {file: string; line: number; method: string} | undefined
      const visit = (node: RubyNode, method: string | undefined, memo: boolean): void => {
        if (found) return
        if (node instanceof P.DefNode) {
          const name = node.name
          // A method that disconnects what it connects (`db.disconnect`, `Sequel::DATABASES.each(&:disconnect)`) does not leak.
          // The job methods the runners call, once per job: perform, Sneakers' work, Que's run.
          if ((name === 'perform' || name === 'work' || name === 'run') && !parsed.textOf(node).includes('disconnect')) for (const child of node.compactChildNodes()) visit(child, name, false)
          return
        }

        const memoized = memo || node instanceof P.InstanceVariableOrWriteNode || node instanceof P.ClassVariableOrWriteNode || node instanceof P.GlobalVariableOrWriteNode || node instanceof P.ConstantOrWriteNode
        if (method && !memoized && node instanceof P.CallNode && node.name === 'connect' && node.receiver && parsed.textOf(node.receiver).replace(/^::/, '') === 'Sequel' && !node.block) {
          found = {file, line: parsed.lineOf(node.location.startOffset), method}
          return
        }

        for (const child of node.compactChildNodes()) visit(child, method, memoized)
      }

      visit(parsed.program, undefined, false)
      if (found) return found
    }

    return undefined
  }

  const read = script ? [script, ...rootFiles.filter((f) => f !== script), ...under.filter((f) => f !== script)] : [...rootFiles, ...under]
  // A job runner's process whose job connects anew each time: its connections grow with the jobs run.
  // Job runners whose workers call a job class's perform (Sidekiq, Resque, Shoryuken, Backburner), work (Sneakers), run (Que).
  const perJob = runner !== undefined && ['sidekiq', 'resque', 'shoryuken', 'backburner', 'que', 'sneakers'].includes(runner) ? await connectPerJob(read) : undefined
  if (perJob) {
    const at = `${perJob.file}:${perJob.line}`
    diagnostics.push({
      code: 'unknown-config-value',
      file: perJob.file,
      fix: `connect once, outside the job (a constant such as DB = Sequel.connect(…) loaded at boot, or @db ||= …), or use the block form Sequel.connect(url) { |db| … }, which disconnects at its end`,
      line: perJob.line,
      message: `${ctx.processType}: \`Sequel.connect\` in \`${perJob.method}\` (${at}) makes a new Sequel::Database, with a pool of its own, for every job, and nothing disconnects it (Sequel keeps every Database in Sequel::DATABASES): this process's connections grow by one with each job run until it restarts; counted as one pool, starred`,
      processType: ctx.processType,
      severity: 'warning',
    })
    pool = sourced(pool.value, assumed(`${at}: Sequel.connect in \`${perJob.method}\` opens a new pool per job, never disconnected (https://github.com/jeremyevans/sequel/blob/master/lib/sequel/database/misc.rb: Database#initialize pushes self to Sequel::DATABASES); the connections grow with the jobs run, counted as one pool`), [pool.source, ...(pool.via ?? [])])
  }

  // The URL the app connects Sequel with: another var than the platform's is keyed by it (model/other-server.ts places it).
  const url = await connectUrlVar(ctx, read)
  const server = url ? serverOfUrlVar(url.name, ctx.env) : PRIMARY_SERVER
  const entry: PoolEntry = {database: 'primary', library: 'sequel', pool: url ? {...pool, via: [...(pool.via ?? []), fromFile(url.file, url.line)]} : pool, server}
  return server === PRIMARY_SERVER ? {diagnostics, otherServerPools: [], pools: [entry], primary: 'primary'} : {diagnostics, otherServerPools: [entry], pools: [], primary: 'primary'}
}
