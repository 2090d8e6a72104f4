/**
 * MessageBus with its PostgreSQL backend (`MessageBus.configure(backend: :postgres, backend_options: …)`,
 * discourse/message_bus lib/message_bus/backends/postgres.rb): its own `PG::Connection`s beside
 * ActiveRecord's pool, in each web process (the Rack middleware Rails mounts serves the polls):
 * - the subscriber thread's LISTEN connection (`raw_pg_connection`, held for the life of the process);
 * - a connection for each thread that reads or publishes at once (`hold`: one per `Thread.current`,
 *   returned to `@available` and never closed, with no limit), so up to one per request thread.
 * `backend_options` is passed to PG::Connection.connect; conncalc counts it on the app's database.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {fromDefault, fromFile, sourced} from '../../model/source.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {type DslCall, isSymbol} from './evaluate.js'
import {initializerFiles} from './rails-files.js'
import {loadRubyConfig} from './ruby-server.js'

const BACKEND = 'https://github.com/discourse/message_bus/blob/f50f21bbdba9a7061bef79110eb8ca88a86eb321/lib/message_bus/backends/postgres.rb'

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

export const messageBus: ProcessAddon = {
  // Answered at once for a process that does not serve the app or a bundle without message_bus.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> =>
    !WEB_SERVERS.has(server.server) || (ctx.versions.message_bus === undefined && Object.keys(ctx.versions).length > 0) ? {diagnostics: []} : messageBusAnalysis(ctx, server),
  id: 'message_bus',
}
