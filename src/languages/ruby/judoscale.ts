/**
 * Judoscale's database-backed job adapters (judoscale-delayed_job, -good_job, -que, -solid_queue, and their
 * rails-autoscale-* twins) measure queue latency with SQL from the reporter thread: Judoscale::Reporter#run_loop is a
 * Thread that, every report_interval_seconds (10), runs `ActiveRecord::Base.connection_pool.with_connection { |c|
 * c.select_rows(sql) }` (judoscale-ruby lib/judoscale/reporter.rb, lib/judoscale/job_metrics_collector/active_record_helper.rb,
 * read at judoscale/judoscale-ruby@26d24865). One more thread checking a connection out of the process's pool; used
 * every 10 s, that connection stays open (ActiveRecord's reaper closes only what idles 300 s).
 *
 * judoscale-rails (rails-autoscale-web) starts the reporter in `config.after_initialize` of every Rails process but a
 * console, `rails runner`, a one-off dyno (run.N) or a rake task matching rake_task_ignore_regex (/assets:|db:/), and
 * again in each forked server worker on its first request (RequestMiddleware): so in a preloading server's master too,
 * which then keeps a connection of its own (its after_initialize runs before ActiveRecord's pool flush, and the queries
 * come after it). It starts only when api_base_url is set: JUDOSCALE_URL or RAILS_AUTOSCALE_URL (the add-on's config
 * var), or the app's own `config.api_base_url =`. And the job collectors run only on the first dyno of a type
 * (JobMetricsCollector.collect?: `!redundant_instance?`, DYNO web.1, worker.1): conncalc counts them on every dyno, one
 * more per process than the type's other dynos hold, and says so.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {fromDefault, fromFile, sourced, type Source} from '../../model/source.js'
import {initializerFiles} from './rails-files.js'
import {parseRuby, type RubyNode} from './prism.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'

const REPORTER = 'https://github.com/judoscale/judoscale-ruby/blob/main/judoscale-ruby/lib/judoscale/job_metrics_collector/active_record_helper.rb'
const ADAPTERS = ['delayed_job', 'good_job', 'que', 'solid_queue'].flatMap((a) => [`judoscale-${a}`, `rails-autoscale-${a}`])
const RAILTIES = ['judoscale-rails', 'rails-autoscale-web']
const URL_VARS = ['JUDOSCALE_URL', 'RAILS_AUTOSCALE_URL']
/** Processes that boot the Rails app for good: its servers and job workers (not a release command, a runner or a script). */
const RAILS_PROCESSES = new Set(['delayed_job', 'falcon', 'good_job', 'passenger', 'pitchfork', 'puma', 'que', 'resque', 'shoryuken', 'sidekiq', 'solid_queue', 'thin', 'unicorn', 'webrick'])

/** `config.api_base_url = …` in an initializer (Judoscale.configure / RailsAutoscale.configure): the app sets it itself. */
async function urlSetIn(ctx: AnalyzerContext): Promise<Source | undefined> {
  for (const path of initializerFiles(ctx.files)) {
    const text = ctx.files.read(path)?.text
    if (!text?.includes('api_base_url')) continue
    const parsed = await parseRuby(path, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    let line: number | undefined
    const visit = (node: RubyNode): void => {
      if (line !== undefined) return
      if (node instanceof P.CallNode && node.name === 'api_base_url=') line = parsed.lineOf(node.location.startOffset)
      for (const c of node.compactChildNodes()) visit(c)
    }

    visit(parsed.program)
    if (line !== undefined) return fromFile(path, line)
  }

  return undefined
}

async function reporterAnalysis(ctx: AnalyzerContext, server: ServerAnalysis, adapter: string): Promise<AddonAnalysis> {
  const variable = URL_VARS.find((n) => (ctx.env.get(n)?.value ?? '').trim() !== '')
  const set = variable ? ctx.env.get(variable)!.source : await urlSetIn(ctx)
  const gem = `${adapter} ${ctx.versions[adapter]}`
  if (!set) {
    const diagnostics: Diagnostic[] = [{
      code: 'unknown-config-value',
      file: 'Gemfile.lock',
      fix: `if the app has the Judoscale add-on, pass its config var (--env JUDOSCALE_URL=… or --env-file) so the reporter's connection is counted`,
      message: `${gem} reports queue latency with SQL from a thread of its own once api_base_url is set (JUDOSCALE_URL, the add-on's config var); it is not set here, so that thread is not counted (it would check one more connection out of the pool of each web and job process, on each type's first dyno)`,
      severity: 'info',
    }]
    return {diagnostics}
  }

  const why = fromDefault(`${gem}: Judoscale's reporter thread runs its queue-latency SQL every 10 s on a connection from the pool (connection_pool.with_connection), in each process judoscale-rails starts it in; only on the first dyno of a type (JobMetricsCollector.collect?: not redundant_instance?), counted here on every dyno`, REPORTER)
  const extrasPerProcess: Extra[] = [{count: sourced(1, why, [set]), inPool: true, kind: 'judoscale-reporter', reason: `Judoscale reporter thread (${adapter} queue latency SQL) in each ${server.server} process, first dyno of the type`}]
  // A preloading server's master boots the app, so its after_initialize starts a reporter there too, which keeps a connection.
  const fork = server.fork
  const master = fork && fork.forks.value && fork.preload.value
  const extrasPerDyno: Extra[] = master
    ? [{count: sourced(1, fromDefault(`${gem}: the ${fork.parent} preloads the app, so judoscale-rails' after_initialize starts a reporter thread there too; its queries come after ActiveRecord's pool flush, and the connection stays open`, REPORTER), [set, fork.preload.source]), kind: 'judoscale-reporter-master', reason: `Judoscale reporter thread in the ${fork.parent} (preloaded app), first dyno of the type`}]
    : []
  return {diagnostics: [], extrasPerDyno, extrasPerProcess, versions: {[adapter]: ctx.versions[adapter]!}}
}

export const judoscale: ProcessAddon = {
  // Most apps have no Judoscale database adapter: answered at once.
  analyze(ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> {
    const adapter = ADAPTERS.find((g) => ctx.versions[g] !== undefined)
    if (!adapter || !RAILTIES.some((g) => ctx.versions[g] !== undefined) || server.language !== 'ruby' || !RAILS_PROCESSES.has(server.server)) return {diagnostics: []}
    return reporterAnalysis(ctx, server, adapter)
  },
  id: 'judoscale',
}
