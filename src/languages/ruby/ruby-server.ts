/**
 * What Puma and Unicorn share: reading their Ruby config file with the safe
 * evaluator, and the facts later rules need (preload_app, fork hooks).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {BootQuery, ForkFacts, HookSite} from '../../model/process.js'
import type {Sourced} from '../../model/source.js'
import {type DslCall, type EvalOptions, evaluateRubyConfig, type RubyConfig} from './evaluate.js'
import {evaluateOnce} from './eval-memo.js'
import {renderErb} from './erb.js'
import {processorsFor} from './processors.js'
import {appConstantCalls} from './app-constants.js'
import {type RubyFacts, rubyProcessFacts} from './process-facts.js'
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'

/** A block hook in a server config: `on_worker_boot do … end`, `before_fork do |server, worker| … end`. */
export interface RubyHook {
  /** The calls inside the block (e.g. `ActiveRecord::Base.establish_connection`). */
  body: DslCall[]
  file: string
  line: number
  name: string
  /** The hook is registered under an `if`/`unless` conncalc could not decide (its innermost condition, as written). */
  conditional?: {condition?: string}
}

/** Facts a forking Ruby server reports in `ServerAnalysis.facts`. */
export interface RubyServerFacts {
  configFile?: string
  hooks: RubyHook[]
  /** Whether the app is loaded in the master before forking. */
  preloadApp: Sourced<boolean>
}

export function rubyServerFacts(analysis: ServerAnalysis): RubyServerFacts | undefined {
  const f = analysis.facts as Partial<RubyServerFacts> | undefined
  return f && Array.isArray(f.hooks) && f.preloadApp ? (f as RubyServerFacts) : undefined
}

/** Hooks are the top-level calls that carry a block. */
export function hooksOf(config: RubyConfig | undefined): RubyHook[] {
  if (!config) return []
  return config.calls
    .filter((c) => c.blockBody !== undefined && c.receiver === undefined)
    .map((c) => ({body: c.blockBody!, file: config.file, line: c.line, name: c.name, ...(c.conditional ? {conditional: c.condition ? {condition: c.condition} : {}} : {})}))
}

export function missingConfig(path: string, flag: string): Diagnostic {
  return {
    code: 'missing-config',
    file: path,
    message: `${path} (from \`${flag}\`) does not exist; the server would fail to boot, conncalc uses the defaults`,
    severity: 'error',
  }
}

/**
 * The process facts of one process type's context, made once for the several config files it
 * evaluates (config/puma.rb, then initializers): read-only, like the context they describe.
 */
const factsByCtx = new WeakMap<AnalyzerContext, RubyFacts>()
function factsOf(ctx: AnalyzerContext): RubyFacts {
  let found = factsByCtx.get(ctx)
  if (!found) factsByCtx.set(ctx, (found = rubyProcessFacts(ctx)))
  return found
}

// Heroku Postgres sets DATABASE_URL in every dyno: code that asks `if ENV["DATABASE_URL"]` takes that branch.
const PRESENT_ENV: ReadonlySet<string> = new Set(['DATABASE_URL'])

/**
 * Read and evaluate a Ruby config file; undefined when it does not exist. `facts` answers
 * what the file asks about the process it runs in (`Sidekiq.server?`, `$0`, `defined?(Sidekiq::CLI)`).
 */
export async function loadRubyConfig(
  ctx: AnalyzerContext,
  path: string,
  appEnv: string,
  facts: Pick<EvalOptions, 'knownCalls' | 'process'> = {},
  erb = false,
): Promise<RubyConfig | undefined> {
  const read = ctx.files.read(path)
  if (!read) return undefined
  // A template a deploy renders into the config (capistrano.ts): its ERB tags evaluated first, an unknown one left as a
  // placeholder (inside a string it is text; as a value, a name the evaluator cannot read), line numbers kept.
  const rendered = erb ? await renderErb(read.text, {appEnv, env: ctx.env, file: read.path, processors: processorsFor(ctx), ...(facts.knownCalls ? {knownCalls: facts.knownCalls} : {})}) : undefined
  const file = rendered ? {path: read.path, text: rendered.text} : read
  // Types that would read the same answers from the file share one evaluation (eval-memo.ts).
  const own = factsOf(ctx)
  // A deploy template's known calls (the deploy's `set`s) come on top of the process's own.
  const base = erb && facts.knownCalls ? {...own, ...facts, knownCalls: new Map([...own.knownCalls, ...facts.knownCalls])} : {...own, ...facts}
  // `Config.puma_max_threads`: the app's own constants' class methods the file calls (app-constants.ts).
  const appCalls = await appConstantCalls(ctx, file, appEnv)
  const knownCalls = appCalls.size > 0 ? new Map([...appCalls, ...base.knownCalls]) : base.knownCalls
  const inputs = {...base, appEnv, env: ctx.env, knownCalls, presentEnv: PRESENT_ENV, processors: processorsFor(ctx)}
  const config = await evaluateOnce(ctx.files, 'ruby-config', file, inputs, (i) => evaluateRubyConfig(file, i.env, i.appEnv, i))
  return rendered && rendered.diagnostics.length > 0 ? {...config, diagnostics: [...rendered.diagnostics, ...config.diagnostics]} : config
}

// ---- fork safety --------------------------------------------------------

/** Calls that re-establish ActiveRecord connections in a forked child. */
const RECONNECT = new Set(['establish_connection', 'reconnect!'])
/**
 * Calls that close the parent's ActiveRecord connections before forking. establish_connection in the parent
 * (`Resque.before_fork = proc { ActiveRecord::Base.establish_connection }`) is one too: it removes the current
 * pool first (ConnectionHandling#establish_connection → remove_connection → ConnectionPool#disconnect!) and the
 * new pool connects only when a thread checks a connection out.
 */
const DISCONNECT = new Set(['clear_all_connections!', 'disconnect', 'disconnect!', 'establish_connection', 'remove_connection'])
const POOL_REF = 'https://github.com/rails/rails/blob/v4.2.11/activerecord/lib/active_record/connection_adapters/abstract/connection_pool.rb'

/**
 * A parent-hook call that empties ActiveRecord's pool, so a child inherits no connection at all and opens its own
 * on first use: ConnectionPool#disconnect! (through clear_all_connections!, remove_connection or establish_connection,
 * or on `connection_pool` itself) checks every connection in, disconnects it and drops it from the pool (POOL_REF).
 * `ActiveRecord::Base.connection.disconnect!` is not one: it closes the socket but leaves the adapter in the pool,
 * reserved for the forking thread, and the child's first query on it fails before ActiveRecord 5.2.
 */
const emptiesPool = (c: DslCall): boolean =>
  ['clear_all_connections!', 'establish_connection', 'remove_connection'].includes(c.name) || (c.name === 'disconnect!' && /(^|\.)(connection_pool|connection_handler)$/.test(c.receiver ?? ''))

/** `Sequel::DATABASES.each(&:disconnect)`, Sequel's own advice before forking: the method is a block argument. */
const sequelDisconnect = (c: DslCall): boolean => /(^|::)DATABASES$/.test(c.receiver ?? '') && c.name === 'each'

function calledIn(calls: readonly DslCall[], names: ReadonlySet<string> | ((c: DslCall) => boolean)): boolean {
  const hit = (c: DslCall): boolean => (typeof names === 'function' ? names(c) : names.has(c.name) || (names === DISCONNECT && sequelDisconnect(c)))
  return calls.some((c) => hit(c) || (c.blockBody !== undefined && calledIn(c.blockBody, names)))
}

/** The first hook named one of `hookNames` whose body (blocks included) calls one of `callNames`. */
export function hookCalling(hooks: readonly RubyHook[], hookNames: readonly string[], callNames: ReadonlySet<string> | ((c: DslCall) => boolean)): HookSite | undefined {
  const h = hooks.find((x) => hookNames.includes(x.name) && calledIn(x.body, callNames))
  return h && {file: h.file, hook: h.name, line: h.line}
}

export interface ForkFactsInput {
  /** The parent queries nothing after it forks (a Puma or Unicorn master): a child that closes the shared socket ends the parent's connection for good. */
  parentIdleAfterFork?: boolean
  /** Signs the parent holds a connection after boot (boot-connection.ts). */
  bootQueries: readonly BootQuery[]
  /** Calls of the app's framework that close its connections in a parent hook (hanamiDisconnects), beside DISCONNECT's. */
  alsoDisconnects?: (c: DslCall) => boolean
  childHookNames: readonly string[]
  file: string
  forks: Sourced<boolean>
  hooks: readonly RubyHook[]
  parent: string
  parentHookNames: readonly string[]
  preload: Sourced<boolean>
}

// Receivers whose methods in a fork hook are Ruby's or Rails' own, not app code that might disconnect.
const KNOWN_RECEIVERS = /^(::)?(ActiveRecord::Base|ActiveSupport|File|FileUtils|GC|Kernel|ObjectSpace|Process|Rails|Signal|STDERR|STDOUT|Thread)$/

/** Methods of app or gem constants a hook calls (`Discourse.after_fork`): what they do is not in the config file. */
function opaqueCalls(calls: readonly DslCall[]): string[] {
  return calls.flatMap((c) => [
    ...(c.receiver && /^(::)?[A-Z]/.test(c.receiver) && !KNOWN_RECEIVERS.test(c.receiver) ? [`${c.receiver}.${c.name}`] : []),
    ...opaqueCalls(c.blockBody ?? []),
  ])
}

/** What a Sequel Database is usually called: `DB`, `App::DB`, `REPORTS_DB`, `Sequel::Model.db`, `Config.database`. */
const SEQUEL_DB = /(^|::|\.)([A-Z][A-Z_]*_)?(DB|DATABASE|db|database)$/

/**
 * A Sequel disconnect read for sure (not under an undecided condition): `Sequel::DATABASES.each(&:disconnect)`,
 * `DB.disconnect`, `Sequel::Model.db.disconnect`. ActiveRecord's `disconnect!`/`establish_connection` in a child are
 * not: ActiveRecord keys its pools by process id (ConnectionHandler#owner_to_pool, 4.0+), so a child's calls reach
 * a pool of its own and never close the one it inherited.
 */
function sequelDisconnectIn(calls: readonly DslCall[]): DslCall | undefined {
  for (const c of calls) {
    if (c.conditional) continue
    if (sequelDisconnect(c) || (c.name === 'disconnect' && c.receiver !== undefined && SEQUEL_DB.test(c.receiver))) return c
    const inner = c.blockBody && sequelDisconnectIn(c.blockBody)
    if (inner) return inner
  }

  return undefined
}

/**
 * Hanami 2.2+'s `Hanami.shutdown` (or `Hanami.app.shutdown`) stops every provider the app started, and the :db
 * provider hanami-db brings stops by disconnecting its ROM container (hanami/hanami lib/hanami/providers/db.rb
 * `def stop; target["db.rom"].disconnect; end`), which closes the Sequel pool's connections: a disconnect in a parent
 * hook, when hanami-db is in the bundle (https://github.com/hanami/hanami/blob/v2.2.1/lib/hanami/providers/db.rb).
 */
export function hanamiDisconnects(versions: Readonly<Record<string, string>>): ((c: DslCall) => boolean) | undefined {
  if (versions['hanami-db'] === undefined) return undefined
  return (c) => c.name === 'shutdown' && /^(::)?Hanami(\.app)?$/.test(c.receiver ?? '')
}

/** Preload and fork hooks as the fork-safety rules read them; the first hook names are what the fix should use. */
export function forkFacts(input: ForkFactsInput): ForkFacts {
  // No hook at all (no config file, or one without hooks): nothing to find in them (this runs per process type).
  const hooked = input.hooks.length > 0
  // A child that empties the pool it inherited (`ActiveRecord::Base.connection_pool.disconnect!`, clear_all_connections!)
  // opens its own connections from then on: ConnectionPool#disconnect! drops every inherited adapter, as establish_connection
  // does when it replaces the pool (remove_connection → disconnect!, POOL_REF).
  const reconnect = hooked ? (hookCalling(input.hooks, input.childHookNames, RECONNECT) ?? hookCalling(input.hooks, input.childHookNames, emptiesPool)) : undefined
  const disconnect = hooked ? (hookCalling(input.hooks, input.parentHookNames, DISCONNECT) ?? (input.alsoDisconnects ? hookCalling(input.hooks, input.parentHookNames, input.alsoDisconnects) : undefined)) : undefined
  // A parent hook that closes ActiveRecord's connections only (`ActiveRecord::Base.connection_pool.disconnect!`) leaves a
  // Sequel database's connected: said when Sequel is a sign (boot-connection.ts forkingParentExtra).
  const leavesSequel = disconnect && input.bootQueries.some((q) => q.library === 'sequel' && q.appConnects) && !hookCalling(input.hooks, input.parentHookNames, (c) => sequelDisconnect(c) || (input.alsoDisconnects?.(c) ?? false) || (c.name === 'disconnect' && SEQUEL_DB.test(c.receiver ?? '')) || (c.receiver !== undefined && /^(::)?[A-Z]/.test(c.receiver) && !KNOWN_RECEIVERS.test(c.receiver) && !/^(::)?ActiveRecord(::|$)/.test(c.receiver)))
  const emptied = disconnect ? hookCalling(input.hooks, input.parentHookNames, emptiesPool) : undefined
  const closing = hooked && input.parentIdleAfterFork ? input.hooks.find((h) => input.childHookNames.includes(h.name) && sequelDisconnectIn(h.body)) : undefined
  const childDisconnect = closing && {file: closing.file, hook: closing.name, line: sequelDisconnectIn(closing.body)!.line}
  const parentHookCalls = hooked ? [...new Set(input.hooks.filter((h) => input.parentHookNames.includes(h.name)).flatMap((h) => opaqueCalls(h.body)))] : []
  // Built field by field, in the order the JSON report lists them (no temporary object per optional field).
  const facts = {} as ForkFacts
  if (input.bootQueries.length > 0) facts.bootQueries = [...input.bootQueries]
  if (!disconnect && parentHookCalls.length > 0) facts.parentHookCalls = parentHookCalls
  facts.childHook = input.childHookNames[0]
  facts.file = input.file
  facts.forks = input.forks
  facts.parent = input.parent
  facts.parentHook = input.parentHookNames[0]
  facts.preload = input.preload
  if (reconnect) facts.reconnect = reconnect
  if (disconnect) facts.disconnect = disconnect
  if (leavesSequel) facts.disconnectLeavesSequel = true
  if (emptied) facts.parentEmptiesPool = {...emptied, ref: POOL_REF}
  if (childDisconnect) facts.childDisconnect = childDisconnect
  return facts
}

export {usesActiveRecord} from './process-facts.js'
