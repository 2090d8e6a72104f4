/**
 * MessageBus with its PostgreSQL backend (`MessageBus.configure(backend: :postgres, backend_options: …)`,
 * discourse/message_bus lib/message_bus/backends/postgres.rb): its own `PG::Connection`s beside
 * ActiveRecord's pool, in each web process (the Rack middleware Rails mounts serves the polls):
 * - the subscriber thread's LISTEN connection (`raw_pg_connection`, held for the life of the process);
 * - a connection for each thread that reads or publishes at once (`hold`: one per `Thread.current`,
 *   returned to `@available` and never closed, with no limit), so up to one per request thread.
 * `backend_options` is passed to PG::Connection.connect; conncalc counts it on the app's database.
 *
 * Processes that boot Rails without serving requests (Sidekiq, GoodJob, `rails runner`, …) hold the LISTEN connection
 * too: the gem's railtie puts MessageBus::Rack::Middleware in the app's stack (message_bus lib/message_bus/rails/
 * railtie.rb, unless `config.skip_message_bus_middleware`), Rails builds that stack while it initializes in every
 * process (railties application/finisher.rb `initializer :build_middleware_stack`), and the middleware subscribes as
 * it is built (lib/message_bus/rack/middleware.rb: `initialize` calls `start_listener`, which calls `@bus.subscribe`).
 * Such a process opens backend connections only when its code publishes (`MessageBus.publish` in a job or a model
 * callback): then one per thread that publishes at once, kept, as in a web process.
 *
 * Every process that starts the subscriber thread also runs its keepalive (message_bus lib/message_bus.rb
 * `new_subscriber_thread`: the timer thread publishes to "/__mb_keepalive__/" every `keepalive_interval`, 60 s by
 * default, when it is above MIN_KEEPALIVE 20): that publish goes through `hold` too, so a process holds at least one
 * backend connection, kept in `@available`, even when no code of its own publishes.
 *
 * A master that preloads the app (Puma cluster mode with preload_app!, Unicorn preload_app true) builds the middleware
 * while it boots, so the subscriber thread and its LISTEN connection, and the keepalive's connection, live in the
 * master for its whole life. A forked child has only the thread that forked (the subscriber and timer threads stay in
 * the master); nothing in the gem restarts them: the app calls `MessageBus.after_fork` in the child's hook (the gem's
 * README: Puma `on_worker_boot`, Unicorn `after_fork`), which runs `ensure_subscriber_thread` and gives the worker its
 * own LISTEN; without it the worker has none. Its request threads' `hold` connections are its own either way (the
 * backend's `hold` notices the new pid and sets the inherited ones aside, backends/postgres.rb `after_fork`).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, sourced} from '../../model/source.js'
import type {Extra} from '../../model/process.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {type DslCall, isSymbol} from './evaluate.js'
import {initializerFiles} from './rails-files.js'
import {loadRubyConfig, rubyServerFacts} from './ruby-server.js'
import {filesUnder, onceForFiles} from '../../model/files.js'

const BACKEND = 'https://github.com/discourse/message_bus/blob/f50f21bbdba9a7061bef79110eb8ca88a86eb321/lib/message_bus/backends/postgres.rb'
const MIDDLEWARE = 'https://github.com/discourse/message_bus/blob/main/lib/message_bus/rack/middleware.rb'
const FINISHER = 'https://github.com/rails/rails/blob/v7.1.3/railties/lib/rails/application/finisher.rb'
const IMPLEMENTATION = 'https://github.com/discourse/message_bus/blob/50c1cb4381c4857e938767049dc6611f4c7b4e0c/lib/message_bus.rb'
/** message_bus lib/message_bus.rb: the keepalive runs only when keepalive_interval > MIN_KEEPALIVE (20); default 60. */
const MIN_KEEPALIVE = 20

/** Processes that load the Rails app without serving its requests (solid-databases.ts BOOTS_RAILS less the web servers). */
const RAILS_WORKERS = new Set(['clockwork', 'delayed_job', 'good_job', 'que', 'rails-runner', 'resque', 'shoryuken', 'sneakers', 'solid_queue', 'sidekiq'])

/** Servers that serve the Rails app, and so MessageBus's middleware. */
const WEB_SERVERS = new Set(['falcon', 'passenger', 'pitchfork', 'puma', 'thin', 'unicorn'])

function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c
    if (c.blockBody) yield* allCalls(c.blockBody)
  }
}

interface PostgresBackend {
  conditional: boolean
  file: string
  /** `keepalive_interval` set to a number at or below MIN_KEEPALIVE: no keepalive publishes (where it is set). */
  keepaliveOff?: {file: string; line: number}
  line: number
}

const isBus = (c: DslCall): boolean => c.receiver === 'MessageBus' || c.receiver === '::MessageBus'

/** The files that may configure MessageBus: those of them that name it (usually none, and then no Promise: this runs per process type). */
function busConfigFiles(ctx: AnalyzerContext): string[] {
  const out: string[] = []
  for (const path of ['config/application.rb', `config/environments/${ctx.appEnv}.rb`, ...initializerFiles(ctx.files)]) if (ctx.files.read(path)?.text.includes('MessageBus')) out.push(path)
  return out
}

/**
 * The `MessageBus.configure(backend: :postgres)` call: its file and line, and whether it is under a condition conncalc could
 * not decide; and whether the app turns the keepalive off (`keepalive_interval: 0` in a configure call, or
 * `MessageBus.keepalive_interval = 0`, read in the same files).
 */
async function postgresBackend(ctx: AnalyzerContext, paths: string[]): Promise<PostgresBackend | undefined> {
  let found: PostgresBackend | undefined
  let keepalive: {file: string; line: number; value: number} | undefined
  for (const path of paths) {
    const text = ctx.files.read(path)
    if (!text) continue
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    for (const c of allCalls(config?.calls ?? [])) {
      if (!isBus(c)) continue
      const interval = c.name === 'configure' ? c.kwargs.keepalive_interval : c.name === 'keepalive_interval=' ? c.args[0] : undefined
      if (interval?.kind === 'known' && typeof interval.value === 'number' && !c.conditional) keepalive = {file: text.path, line: c.line, value: interval.value}
      if (c.name !== 'configure' || found) continue
      const backend = c.kwargs.backend
      const name = backend?.kind === 'known' ? (isSymbol(backend.value) ? backend.value.symbol : typeof backend.value === 'string' ? backend.value : undefined) : undefined
      if (name === 'postgres') found = {conditional: c.conditional, file: text.path, line: c.line}
    }
  }

  if (found && keepalive && keepalive.value <= MIN_KEEPALIVE) found.keepaliveOff = {file: keepalive.file, line: keepalive.line}
  return found
}

const listenVia = (found: PostgresBackend, process: string): Extra => ({
  count: sourced(1, fromFile(found.file, found.line), [
    fromDefault('Rails builds the middleware stack while it initializes, in every process that loads the app', FINISHER),
    fromDefault('MessageBus\'s middleware subscribes as it is built (start_listener), and the PostgreSQL backend LISTENs on its own PG::Connection in the subscriber thread', MIDDLEWARE),
  ]),
  kind: 'message-bus',
  reason: `MessageBus PostgreSQL LISTEN connection (${process})`,
})

const keepaliveVia = (found: PostgresBackend, process: string): Extra => ({
  count: sourced(1, fromFile(found.file, found.line), [fromDefault(`the subscriber thread's keepalive publishes every keepalive_interval (60 s unless set, skipped at ${MIN_KEEPALIVE} or below) through \`hold\`, which keeps its PG::Connection`, IMPLEMENTATION)]),
  kind: 'message-bus',
  reason: `MessageBus PostgreSQL backend connection of the keepalive publish (${process})`,
})

/** The child hook's call of `MessageBus.after_fork`; else the app methods it calls that might (`App.after_fork`). */
function afterForkIn(server: ServerAnalysis): {at?: {file: string; line: number}; opaque: string[]} {
  const facts = rubyServerFacts(server)
  const childHooks = new Set([server.fork?.childHook, 'on_worker_boot', 'before_worker_boot', 'after_fork'])
  const opaque: string[] = []
  for (const h of facts?.hooks ?? []) {
    if (!childHooks.has(h.name)) continue
    for (const c of allCalls(h.body)) {
      if (isBus(c) && c.name === 'after_fork') return {at: {file: h.file, line: c.line}, opaque: []}
      if (c.receiver && /^(::)?[A-Z]/.test(c.receiver) && !/^(::)?(ActiveRecord|ActiveSupport|Rails|Process|GC|Signal|Thread|File|Sequel)\b/.test(c.receiver)) opaque.push(`${c.receiver}.${c.name}`)
    }
  }

  return {opaque}
}

async function messageBusAnalysis(ctx: AnalyzerContext, server: ServerAnalysis, paths: string[]): Promise<AddonAnalysis> {
  const found = await postgresBackend(ctx, paths)
  if (!found) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  if (found.conditional) diagnostics.push({code: 'unknown-config-value', file: found.file, line: found.line, message: `${ctx.processType}: MessageBus's PostgreSQL backend is configured under a condition conncalc cannot decide (${found.file}:${found.line}); its connections are counted`, processType: ctx.processType, severity: 'warning'})
  const threads = server.threadsPerProcess
  const version = ctx.versions.message_bus
  const backend: Extra = {
    count: sourced(threads.value, fromFile(found.file, found.line), [threads.source, ...(threads.via ?? []), fromDefault('the MessageBus PostgreSQL backend holds one PG::Connection per thread that reads or publishes, keeps them open, and has no limit', BACKEND)]),
    kind: 'message-bus',
    reason: `MessageBus PostgreSQL backend connections, one per request thread that polls or publishes (${threads.value} per ${server.server} process), outside ActiveRecord's pool`,
  }
  const preloading = server.fork?.forks.value === true && server.fork.preload.value
  if (!preloading) {
    return {
      diagnostics,
      extrasPerProcess: [{...listenVia(found, `one per ${server.server} process`), count: sourced(1, fromFile(found.file, found.line), [fromDefault('the MessageBus PostgreSQL backend LISTENs on its own PG::Connection in the subscriber thread', BACKEND)])}, backend],
      ...(version ? {versions: {message_bus: version}} : {}),
    }
  }

  // The master built the middleware: its subscriber (LISTEN) and keepalive connections stay there, one of each per dyno.
  const master = server.fork!.parent
  const preload = [server.fork!.preload.source, ...(server.fork!.preload.via ?? [])]
  const inMaster = (x: Extra): Extra => ({...x, count: {...x.count, via: [...(x.count.via ?? []), ...preload, fromDefault(`the ${master} loads the app before forking, so the middleware (and its subscriber and timer threads) starts there; a forked child has only the thread that forked`, IMPLEMENTATION)]}, reason: `${x.reason.replace(/ \(.*\)$/, '')} (in the ${master}, which loads the app before forking: one per dyno)`})
  const extrasPerDyno = [inMaster(listenVia(found, 'master')), ...(found.keepaliveOff ? [] : [inMaster(keepaliveVia(found, 'master'))])]
  const after = afterForkIn(server)
  const perWorker: Extra[] = [backend]
  if (after.at) {
    perWorker.unshift({...listenVia(found, `one per ${server.server} worker: ${after.at.file}:${after.at.line} calls MessageBus.after_fork`), count: sourced(1, fromFile(after.at.file, after.at.line), [fromDefault('MessageBus.after_fork runs ensure_subscriber_thread in the child: its own subscriber thread and LISTEN connection', IMPLEMENTATION)])})
  } else if (after.opaque.length > 0) {
    const why = `${server.fork!.childHook} calls ${after.opaque.join(', ')}, which conncalc does not read: if it calls MessageBus.after_fork, each worker starts its own subscriber (LISTEN); counted`
    perWorker.unshift({...listenVia(found, `one per ${server.server} worker, assumed`), count: sourced(1, assumed(why), [fromDefault('MessageBus.after_fork runs ensure_subscriber_thread in the child', IMPLEMENTATION)])})
  } else {
    // No child hook restarts the subscriber: the workers hold no LISTEN of their own (and their long polls do not hear
    // messages published elsewhere: the gem's README asks for MessageBus.after_fork there). Said on the master's line.
    extrasPerDyno[0] = {...extrasPerDyno[0], reason: `${extrasPerDyno[0].reason}; no ${server.fork!.childHook} calls MessageBus.after_fork, so the workers start no subscriber of their own`}
  }

  return {diagnostics, extrasPerDyno, extrasPerProcess: perWorker, ...(version ? {versions: {message_bus: version}} : {})}
}

/** The first `MessageBus.publish` in app/ or lib/ (comment lines skipped), once per app. */
function firstPublish(ctx: AnalyzerContext): {file: string; line: number} | undefined {
  return onceForFiles(ctx.files, 'message-bus-publish', () => {
    for (const dir of ['app', 'lib']) {
      for (const file of filesUnder(ctx.files, dir, (p) => p.endsWith('.rb'), {maxDepth: 8}).paths) {
        const lines = ctx.files.read(file)?.text.split('\n') ?? []
        const at = lines.findIndex((l) => !/^\s*#/.test(l) && /\bMessageBus\.publish\b/.test(l))
        if (at >= 0) return {file, line: at + 1}
      }
    }

    return undefined
  })
}

/** `config.skip_message_bus_middleware = true` in config/application.rb or the environment's file: no middleware, no subscriber. */
function skipsMiddleware(ctx: AnalyzerContext): boolean {
  return ['config/application.rb', `config/environments/${ctx.appEnv}.rb`].some((p) => /^\s*config\.skip_message_bus_middleware\s*=\s*true\b/m.test(ctx.files.read(p)?.text ?? ''))
}

async function workerAnalysis(ctx: AnalyzerContext, server: ServerAnalysis, paths: string[]): Promise<AddonAnalysis> {
  const found = await postgresBackend(ctx, paths)
  if (!found || skipsMiddleware(ctx)) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  if (found.conditional) diagnostics.push({code: 'unknown-config-value', file: found.file, line: found.line, message: `${ctx.processType}: MessageBus's PostgreSQL backend is configured under a condition conncalc cannot decide (${found.file}:${found.line}); its connections are counted`, processType: ctx.processType, severity: 'warning'})
  const publish = firstPublish(ctx)
  const threads = server.threadsPerProcess
  const version = ctx.versions.message_bus
  return {
    diagnostics,
    extrasPerProcess: [
      listenVia(found, `one per ${server.server} process: its middleware is built when Rails boots`),
      // The keepalive's publish holds a connection of its own where no job thread publishes (one that does reuses it).
      ...(!publish && !found.keepaliveOff ? [keepaliveVia(found, `one per ${server.server} process`)] : []),
      ...(publish
        ? [
            {
              count: sourced(threads.value, fromFile(publish.file, publish.line), [threads.source, ...(threads.via ?? []), fromDefault('the MessageBus PostgreSQL backend holds one PG::Connection per thread that publishes, keeps them open, and has no limit', BACKEND)]),
              kind: 'message-bus',
              reason: `MessageBus PostgreSQL backend connections, one per ${server.server} thread that publishes (${publish.file}:${publish.line}; ${threads.value} per process), outside ActiveRecord's pool`,
            },
          ]
        : []),
    ],
    ...(version ? {versions: {message_bus: version}} : {}),
  }
}

export const messageBus: ProcessAddon = {
  // Answered at once for a process that does not load the app or a bundle without message_bus.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> => {
    if (ctx.versions.message_bus === undefined && Object.keys(ctx.versions).length > 0) return {diagnostics: []}
    const web = WEB_SERVERS.has(server.server)
    // The middleware comes from the gem's railtie: only a Rails app builds it in a worker.
    if (!web && !(RAILS_WORKERS.has(server.server) && (ctx.versions.rails ?? ctx.versions.railties) !== undefined)) return {diagnostics: []}
    const paths = busConfigFiles(ctx)
    if (paths.length === 0) return {diagnostics: []}
    return web ? messageBusAnalysis(ctx, server, paths) : workerAnalysis(ctx, server, paths)
  },
  id: 'message_bus',
}
