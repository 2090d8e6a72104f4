/**
 * Que 0.x's in-process workers. `Que.mode = :async` starts Que.worker_count worker threads (and a
 * wrangler thread that only wakes them) in the process that runs it; each worker works a job on a
 * connection checked out of Que.connection's pool, ActiveRecord's under Rails (the railtie sets
 * `Que.connection = ::ActiveRecord`). worker_count is 4 unless set: v0.8.0–v0.14.3 `@worker_count = 4`
 * (que-rb/que v0.14.3 lib/que/worker.rb:120), v0.4.0–v0.7.3 `set_worker_count 4 if worker_count.zero?`
 * on `mode = :async` (v0.7.3 lib/que/worker.rb:120). Que 0.1.0–0.10.0's railtie also runs
 * `Que.mode ||= :async if defined? Rails::Server` after initialize (v0.10.0 lib/que/railtie.rb:16):
 * `rails server` runs the workers with no line of the app's asking. Que 1.0 runs workers only from
 * its `que` command (que.ts).
 *
 * Where the threads run is where the line runs: a worker hook (Unicorn `after_fork`, Puma
 * `on_worker_boot`) runs in each forked worker; the server config's top level and the app's boot
 * (initializers, config/application.rb, config/environments/ENV.rb) run in the master when it
 * forks with the app preloaded — its threads do not survive the fork, so they are the master's
 * (once per dyno, from its own pool) — and in each process otherwise. Puma's single mode runs no
 * worker hooks.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {assumed, fromDefault, fromFile, type Source, type Sourced} from '../../model/source.js'
import {type DslCall, isSymbol} from './evaluate.js'
import {loadRubyConfig, rubyServerFacts} from './ruby-server.js'
import {railsServerUsing} from '../common/matchers.js'
import {firstOf, rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {versionAtLeast} from '../../util/version.js'
import {initializerFiles} from './rails-files.js'

const WORKER = 'https://github.com/que-rb/que/blob/v0.14.3/lib/que/worker.rb#L120'
const WORKER_0_7 = 'https://github.com/que-rb/que/blob/v0.7.3/lib/que/worker.rb#L120'
const RAILTIE = 'https://github.com/que-rb/que/blob/v0.10.0/lib/que/railtie.rb#L16'

/** Servers whose processes boot the app and can run Que's threads beside their request threads. */
const SERVERS = new Set(['puma', 'unicorn', 'pitchfork', 'passenger', 'thin', 'webrick'])
/** Hooks that run in each forked worker. */
const CHILD_HOOKS = new Set(['after_fork', 'on_worker_boot', 'before_worker_boot'])
const LABELS: Record<string, string> = {passenger: 'Passenger', puma: 'Puma', thin: 'Thin', unicorn: 'Unicorn', webrick: 'WEBrick'}
const RECEIVERS = new Set(['Que', '::Que', 'config.que', 'Rails.application.config.que'])

interface Site {
  call: DslCall
  file: string
  /** The top-level block the call sits in (undefined: the file's top level). */
  hook?: string
  /** The app's boot files, not the server's config. */
  boot: boolean
  /** The calls of the block (or file) the call is in, for a worker_count beside it. */
  siblings: readonly DslCall[]
}

function sites(calls: readonly DslCall[], file: string, boot: boolean, name: string, hook?: string, siblings: readonly DslCall[] = calls): Site[] {
  return calls.flatMap((c) => [
    ...(c.name === name && c.receiver !== undefined && RECEIVERS.has(c.receiver) ? [{boot, call: c, file, siblings, ...(hook ? {hook} : {})}] : []),
    ...(c.blockBody ? sites(c.blockBody, file, boot, name, hook ?? (c.receiver === undefined ? c.name : undefined), c.blockBody) : []),
  ])
}

const isAsync = (c: DslCall): boolean | undefined => {
  const v = c.args[0]
  if (!v || v.kind !== 'known') return undefined
  if (isSymbol(v.value)) return v.value.symbol === 'async'
  return typeof v.value === 'string' ? v.value === 'async' : false
}

/** The app's boot files Que could be set in, in load order. */
function bootFiles(ctx: AnalyzerContext): string[] {
  return ['config/application.rb', `config/environments/${ctx.appEnv}.rb`, ...initializerFiles(ctx.files)].filter((p) => ctx.files.exists(p))
}

/**
 * The worker_count the app's boot files set at their top level (not inside a hook), the last one read; for Que 0.x's
 * `que` command, which requires the app (config/environment.rb) before it reads Que.worker_count.
 */
export async function bootWorkerCount(ctx: AnalyzerContext): Promise<{call: DslCall; file: string} | undefined> {
  let last: {call: DslCall; file: string} | undefined
  for (const path of bootFiles(ctx)) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    const found = config ? sites(config.calls, path, true, 'worker_count=').filter((s) => s.hook === undefined || s.hook === 'after_initialize').at(-1) : undefined
    if (found) last = {call: found.call, file: path}
  }

  return last
}

async function queAsyncAnalysis(ctx: AnalyzerContext, server: ServerAnalysis, version: string): Promise<AddonAnalysis> {
  const facts = rubyServerFacts(server)
  const found: {modes: Site[]; counts: Site[]} = {counts: [], modes: []}
  const read = async (path: string, boot: boolean): Promise<void> => {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) return
    append(found.modes, sites(config.calls, path, boot, 'mode='))
    append(found.counts, sites(config.calls, path, boot, 'worker_count='))
  }

  for (const path of bootFiles(ctx)) await read(path, true)
  if (facts?.configFile) await read(facts.configFile, false)

  const diagnostics: Diagnostic[] = []
  const unknown = found.modes.filter((s) => isAsync(s.call) === undefined)
  for (const s of unknown) {
    diagnostics.push({
      code: 'unknown-config-value',
      file: s.file,
      line: s.call.line,
      message: `${s.file}:${s.call.line} sets Que.mode to a value conncalc cannot read; if it is :async, Que's worker threads (Que.worker_count, 4 unless set) run in this ${server.server} process too and are not counted`,
      processType: ctx.processType,
      severity: 'warning',
    })
  }

  const asyncSites = found.modes.filter((s) => isAsync(s.call) === true)
  // Que 0.1.0–0.10.0 under `rails server`: the railtie's `Que.mode ||= :async` unless the app set a mode.
  const byRailtie = asyncSites.length === 0 && found.modes.length === 0 && !versionAtLeast(version, '0.11.0') && railsServerUsing(ctx.command.argv) !== undefined
  if (asyncSites.length === 0 && !byRailtie) return {diagnostics}

  const forks = Boolean(server.fork?.forks.value)
  const preload = Boolean(facts?.preloadApp.value ?? server.fork?.preload.value)
  // A worker hook's line is the one that runs last in each worker; else the first found.
  const site = asyncSites.find((s) => s.hook !== undefined && CHILD_HOOKS.has(s.hook)) ?? asyncSites[0]
  const inWorkerHook = site?.hook !== undefined && CHILD_HOOKS.has(site.hook)
  if (inWorkerHook && !forks) return {diagnostics}
  const atBoot = site === undefined || site.boot
  // The master runs them: the server config's top level in a forking server, or the app's boot when it is preloaded.
  const inMaster = !inWorkerHook && forks && (atBoot ? preload : true)
  const where: Source = site ? fromFile(site.file, site.call.line) : fromDefault('Que 0.1.0–0.10.0 railtie: `Que.mode ||= :async if defined? Rails::Server` after initialize: `rails server` starts the workers', RAILTIE)

  // Beside the mode, before or after it: a later `Que.worker_count = 1` resizes the pool `mode = :async` started (Que 0.x
  // worker.rb: worker_count= sets the mode and the count), so the last one in the block is what runs.
  const besides = site ? found.counts.filter((c) => c.siblings === site.siblings).at(-1) : undefined
  const count = besides ?? found.counts.filter((c) => c.boot || c.hook === undefined).at(-1)
  const set = count ? rubyCandidate(count.call.args[0], count.file, count.call.line, 'Que.worker_count') : {diagnostics: []}
  append(diagnostics, set.diagnostics.map((d) => ({...d, processType: ctx.processType})))
  const known = versionAtLeast(version, '0.4.0')
  const fallback: Sourced<number> = {
    source: fromDefault(`Que ${version} starts 4 workers on \`Que.mode = :async\` unless Que.worker_count is set`, versionAtLeast(version, '0.8.0') ? WORKER : WORKER_0_7),
    value: 4,
    via: known ? [where] : [where, assumed(`Que ${version} is older than the versions checked (0.4.0–0.14.3): 4 workers assumed`)],
  }
  const workers = firstOf([set], fallback).value
  const name = LABELS[server.server] ?? server.server
  const whereText = inMaster ? `the ${name} master` : inWorkerHook ? `each ${name} worker (${site!.hook})` : `each ${name} process`
  const extra: Extra = {
    count: {...workers, via: [...(workers.via ?? []), ...(workers.source === fallback.source ? [] : [where])]},
    kind: 'que-async',
    reason: `Que worker threads (Que.mode = :async) in ${whereText}`,
    ...(inMaster ? {demand: {own: 0, processes: 1, threads: workers.value}} : {inPool: true}),
  }
  return {
    diagnostics,
    ...(inMaster ? {extrasPerDyno: [extra]} : {extrasPerProcess: [extra]}),
    versions: {que: version},
  }
}

export const queAsync: ProcessAddon = {
  // No Que 0.x in the bundle, or not a web server (nearly every type): answered at once.
  analyze(ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> {
    const version = ctx.versions.que
    if (!version || !/^0\./.test(version) || !SERVERS.has(server.server)) return {diagnostics: []}
    return queAsyncAnalysis(ctx, server, version)
  },
  id: 'que_async',
}
