/**
 * Rails before 4.0 serves one request at a time in each server process unless the app opts in: its default
 * middleware stack has `::Rack::Lock unless config.allow_concurrency` (railties 3.2 lib/rails/application.rb
 * default_middleware_stack), and allow_concurrency stays false until `config.threadsafe!` sets it (with
 * cache_classes, preload_frameworks, dependency_loading false: railties 3.2 lib/rails/application/configuration.rb)
 * or the app sets `config.allow_concurrency = true`. ActiveRecord's ConnectionManagement middleware gives the
 * request's connection back when the request ends, so the server's threads take turns on one connection.
 * Rails 4.0 dropped the lock in production (allow_concurrency nil: `cache_classes && eager_load`).
 *
 * Applied to the threaded Rack servers that boot the Rails app (Puma, WEBrick, Passenger, Falcon); a setting under a
 * condition conncalc cannot decide leaves the server's own threads, said.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {fromDefault, type Sourced, sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {truthy} from './evaluate.js'
import {loadRubyConfig} from './ruby-server.js'
import type {AnalyzerContext} from '../common/types.js'
import type {DslCall} from './evaluate.js'

const LOCK = 'https://github.com/rails/rails/blob/v3.2.22.5/railties/lib/rails/application.rb'

function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c
    if (c.blockBody) yield* allCalls(c.blockBody)
  }
}

/** The server's threads, or 1 when Rails < 4.0 keeps Rack::Lock in front of the app. */
// Answered at once (no Promise) for nearly every app: Rails 4+, or no Rails (this runs per process type).
export function railsRequestLock(ctx: AnalyzerContext, threads: Sourced<number>): RequestLock | Promise<RequestLock> {
  const rails = ctx.versions.railties ?? ctx.versions.rails
  if (!rails || versionAtLeast(rails, '4.0.0') || threads.value <= 1 || !ctx.files.exists('config/application.rb')) return {diagnostics: [], threads}
  return lockedRails(ctx, threads, rails)
}

interface RequestLock {
  diagnostics: Diagnostic[]
  threads: Sourced<number>
}

async function lockedRails(ctx: AnalyzerContext, threads: Sourced<number>, rails: string): Promise<RequestLock> {
  // The last of config/application.rb then config/environments/<env>.rb that opts in (or out) wins, as at boot.
  let optIn: {conditional: boolean; file: string; line: number; on: boolean} | undefined
  for (const path of ['config/application.rb', `config/environments/${ctx.appEnv}.rb`]) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    const file = ctx.files.read(path)?.path ?? path
    for (const c of allCalls(config.calls)) {
      if (c.receiver !== 'config') continue
      if (c.name === 'threadsafe!') optIn = {conditional: c.conditional, file, line: c.line, on: true}
      else if (c.name === 'allow_concurrency=' && c.args[0]?.kind === 'known') optIn = {conditional: c.conditional, file, line: c.line, on: truthy(c.args[0].value)}
    }
  }

  if (optIn?.on && !optIn.conditional) return {diagnostics: [], threads}
  if (optIn?.conditional) {
    return {
      diagnostics: [{code: 'unknown-config-value', file: optIn.file, line: optIn.line, message: `${optIn.file}:${optIn.line}: Rails ${rails} serves one request at a time per process unless this setting holds, and it is under a condition conncalc cannot decide; the server's ${threads.value} threads are counted`, processType: ctx.processType, severity: 'warning'}],
      threads,
    }
  }

  return {
    diagnostics: [],
    threads: sourced(1, fromDefault(`Rails ${rails} puts Rack::Lock in front of the app (no config.threadsafe! or allow_concurrency): one request at a time per process, on one connection ActiveRecord takes back when the request ends`, LOCK), [threads.source, ...(threads.via ?? [])]),
  }
}
