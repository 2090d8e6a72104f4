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
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {fromDefault, fromFile, sourced} from '../../model/source.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {type DslCall, isSymbol} from './evaluate.js'
import {initializerFiles} from './rails-files.js'
import {loadRubyConfig} from './ruby-server.js'
import {filesUnder, onceForFiles} from '../../model/files.js'

const BACKEND = 'https://github.com/discourse/message_bus/blob/f50f21bbdba9a7061bef79110eb8ca88a86eb321/lib/message_bus/backends/postgres.rb'
const MIDDLEWARE = 'https://github.com/discourse/message_bus/blob/main/lib/message_bus/rack/middleware.rb'
const FINISHER = 'https://github.com/rails/rails/blob/v7.1.3/railties/lib/rails/application/finisher.rb'

/** Processes that load the Rails app without serving its requests (solid-databases.ts BOOTS_RAILS less the web servers). */
const RAILS_WORKERS = new Set(['clockwork', 'delayed_job', 'good_job', 'que', 'rails-runner', 'resque', 'sneakers', 'solid_queue', 'sidekiq'])

/** Servers that serve the Rails app, and so MessageBus's middleware. */
const WEB_SERVERS = new Set(['falcon', 'passenger', 'puma', 'thin', 'unicorn'])

function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c
    if (c.blockBody) yield* allCalls(c.blockBody)
  }
}

/** The `MessageBus.configure(backend: :postgres)` call: its file and line, and whether it is under a condition conncalc could not decide. */
async function postgresBackend(ctx: AnalyzerContext): Promise<{conditional: boolean; file: string; line: number} | undefined> {
  for (const path of ['config/application.rb', `config/environments/${ctx.appEnv}.rb`, ...initializerFiles(ctx.files)]) {
    const text = ctx.files.read(path)
    if (!text || !text.text.includes('MessageBus')) continue
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    for (const c of allCalls(config?.calls ?? [])) {
      if (c.receiver !== 'MessageBus' && c.receiver !== '::MessageBus') continue
      if (c.name !== 'configure') continue
      const backend = c.kwargs.backend
      const name = backend?.kind === 'known' ? (isSymbol(backend.value) ? backend.value.symbol : typeof backend.value === 'string' ? backend.value : undefined) : undefined
      if (name === 'postgres') return {conditional: c.conditional, file: text.path, line: c.line}
    }
  }

  return undefined
}

async function messageBusAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const found = await postgresBackend(ctx)
  if (!found) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  if (found.conditional) diagnostics.push({code: 'unknown-config-value', file: found.file, line: found.line, message: `${ctx.processType}: MessageBus's PostgreSQL backend is configured under a condition conncalc cannot decide (${found.file}:${found.line}); its connections are counted`, processType: ctx.processType, severity: 'warning'})
  const threads = server.threadsPerProcess
  const version = ctx.versions.message_bus
  return {
    diagnostics,
    extrasPerProcess: [
      {
        count: sourced(1, fromFile(found.file, found.line), [fromDefault('the MessageBus PostgreSQL backend LISTENs on its own PG::Connection in the subscriber thread', BACKEND)]),
        kind: 'message-bus',
        reason: `MessageBus PostgreSQL LISTEN connection (one per ${server.server} process)`,
      },
      {
        count: sourced(threads.value, fromFile(found.file, found.line), [threads.source, ...(threads.via ?? []), fromDefault('the MessageBus PostgreSQL backend holds one PG::Connection per thread that reads or publishes, keeps them open, and has no limit', BACKEND)]),
        kind: 'message-bus',
        reason: `MessageBus PostgreSQL backend connections, one per request thread that polls or publishes (${threads.value} per ${server.server} process), outside ActiveRecord's pool`,
      },
    ],
    ...(version ? {versions: {message_bus: version}} : {}),
  }
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

async function workerAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const found = await postgresBackend(ctx)
  if (!found || skipsMiddleware(ctx)) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  if (found.conditional) diagnostics.push({code: 'unknown-config-value', file: found.file, line: found.line, message: `${ctx.processType}: MessageBus's PostgreSQL backend is configured under a condition conncalc cannot decide (${found.file}:${found.line}); its connections are counted`, processType: ctx.processType, severity: 'warning'})
  const publish = firstPublish(ctx)
  const threads = server.threadsPerProcess
  const version = ctx.versions.message_bus
  return {
    diagnostics,
    extrasPerProcess: [
      {
        count: sourced(1, fromFile(found.file, found.line), [
          fromDefault('Rails builds the middleware stack while it initializes, in every process that loads the app', FINISHER),
          fromDefault('MessageBus\'s middleware subscribes as it is built (start_listener), and the PostgreSQL backend LISTENs on its own PG::Connection', MIDDLEWARE),
        ]),
        kind: 'message-bus',
        reason: `MessageBus PostgreSQL LISTEN connection (one per ${server.server} process: its middleware is built when Rails boots)`,
      },
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
    if (WEB_SERVERS.has(server.server)) return messageBusAnalysis(ctx, server)
    // The middleware comes from the gem's railtie: only a Rails app builds it in a worker.
    if (RAILS_WORKERS.has(server.server) && (ctx.versions.rails ?? ctx.versions.railties) !== undefined) return workerAnalysis(ctx, server)
    return {diagnostics: []}
  },
  id: 'message_bus',
}
