/**
 * Sucker Punch (brandonhilkert/sucker_punch, read at v3.3.0+ 98fefa2): jobs run in the process that enqueues them,
 * on a concurrent-ruby thread pool per job class. `include SuckerPunch::Job` sets `num_workers = 2`, `workers N` in
 * the class changes it (lib/sucker_punch/job.rb), and `perform_async` makes the class's queue with
 * min_threads = max_threads = num_workers (lib/sucker_punch/queue.rb `find_or_create`). ActiveJob's `:sucker_punch`
 * adapter enqueues every job through one wrapper class that includes SuckerPunch::Job and sets no workers: 2 threads.
 *
 * Each job thread checks connections out of the process's ActiveRecord pool like a request thread: in a web server
 * process (where requests enqueue the jobs) they count on top of its threads, capped by the pool.
 * Active Job's own :async adapter runs jobs the same way (one executor of up to the processor count): read here too.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, sourced, type Source, type Sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {evaluateRubyConfig, findCalls, isSymbol} from './evaluate.js'
import {processorsFor} from './processors.js'
import {railsSettings} from './rails-config.js'
import {rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'

const JOB = 'https://github.com/brandonhilkert/sucker_punch/blob/master/lib/sucker_punch/job.rb'
const ADAPTER = 'https://github.com/rails/rails/blob/v7.1.0/activejob/lib/active_job/queue_adapters/sucker_punch_adapter.rb'

/** Processes that serve requests, where the jobs are enqueued (and so run). */
const WEB_SERVERS = new Set(['falcon', 'passenger', 'pitchfork', 'puma', 'thin', 'unicorn', 'webrick'])

interface JobClass {
  name: string
  threads: Sourced<number>
}

/** The app's classes that include SuckerPunch::Job, each with its `workers N` (else 2). */
async function jobClasses(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<JobClass[]> {
  const out: JobClass[] = []
  const paths = ['app', 'lib'].flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb') && !p.startsWith('lib/tasks/'), {max: 3000, maxDepth: 8}).paths)
  for (const path of paths) {
    const file = ctx.files.read(path)
    if (!file?.text.includes('SuckerPunch::Job')) continue
    const config = await evaluateRubyConfig(file, ctx.env, ctx.appEnv)
    const lines = file.text.split(/\r?\n/)
    const includes = findCalls(config.calls, 'include', true).filter((c) => c.inClass !== undefined && c.receiver === undefined && /\bSuckerPunch::Job\b/.test(lines[c.line - 1] ?? ''))
    for (const inc of includes) {
      const cls = inc.inClass!
      const set = findCalls(config.calls, 'workers', true).filter((c) => c.inClass === cls && c.receiver === undefined).at(-1)
      const read = set ? rubyCandidate(set.args[0], path, set.line, `Sucker Punch workers of ${cls}`) : {diagnostics: []}
      append(diagnostics, read.diagnostics)
      out.push({name: cls, threads: read.value ?? sourced(2, fromDefault(`Sucker Punch: ${cls} (${path}:${inc.line}) sets no workers, num_workers 2`, JOB))})
    }
  }

  return out
}

async function suckerPunchAnalysis(ctx: AnalyzerContext, server: ServerAnalysis, byDefault: boolean): Promise<AddonAnalysis> {
  // Inside this function, not at the module's top level: a Rails run loads this module (test/e2e/lazy-analyzers).
  /**
   * Where the app enqueues Active Job jobs, when it sets no adapter (so Rails' default, :async, runs them in the process):
   * a class under app/jobs that inherits ApplicationJob or ActiveJob::Base, or `deliver_later` / `perform_later` /
   * `has_one_attached` / `has_many_attached` (Active Storage analyzes and purges through jobs) / turbo-rails `broadcasts…`
   * in app/ or lib/. The first such file and line; undefined when none is found.
   */
  function enqueuesJobs(ctx: AnalyzerContext): undefined | {file: string; line: number; what: string} {
    const paths = ['app', 'lib'].flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb') && p !== 'app/jobs/application_job.rb' && !p.startsWith('lib/tasks/'), {max: 3000, maxDepth: 8}).paths)
    const sign = /\b(?:deliver_later|perform_later|has_one_attached|has_many_attached|broadcasts(?:_to|_refreshes(?:_to)?)?|broadcast_\w+_later(?:_to)?)\b|^\s*class\s+(?!ApplicationJob\b)[\w:]+\s*<\s*(?:ApplicationJob|ActiveJob::Base)\b/gm
    // A class under ApplicationJob is an Active Job only when ApplicationJob is one (Hound's and GOV.UK's ApplicationJob
    // include Sidekiq::Worker; mailkiq's inherits Que::Job).
    const applicationJob = ctx.files.read('app/jobs/application_job.rb')?.text
    const activeApplicationJob = applicationJob !== undefined && /^\s*class\s+ApplicationJob\s*<\s*(?:::)?ActiveJob::Base\b/m.test(applicationJob)
    for (const path of paths) {
      const text = ctx.files.read(path)?.text
      if (text === undefined) continue
      for (const m of text.matchAll(sign)) {
        const line = text.slice(0, m.index).split('\n').length
        // Only code: a match on a comment line is not a call.
        if (/^\s*#/.test(text.split('\n')[line - 1] ?? '') || (m[0].endsWith('ApplicationJob') && !activeApplicationJob)) continue
        return {file: ctx.files.read(path)!.path, line, what: m[0].trim()}
      }
    }

    return undefined
  }

  const diagnostics: Diagnostic[] = []
  const classes = ctx.versions.sucker_punch ? await jobClasses(ctx, diagnostics) : []
  const active = await railsSettings(ctx, 'active_job', [])
  const adapter = active.settings.get('queue_adapter')
  const v = adapter && !adapter.conditional && adapter.value.kind === 'known' ? adapter.value.value : undefined
  // `ActiveJob::QueueAdapters::AsyncAdapter.new(max_threads: 4)` (the class's documented way to size it): the :async adapter.
  // Its arguments as written from the setting's line (the value is a call conncalc does not evaluate).
  const written = adapter && !adapter.conditional && adapter.value.kind === 'unknown' && adapter.value.reason.includes('AsyncAdapter.new') ? ctx.files.read(adapter.file)?.text.split('\n').slice(adapter.line - 1, adapter.line + 5).join('\n') : undefined
  const built = written === undefined ? undefined : (/\bAsyncAdapter\.new\b(?:\s*\(([^()]*)\))?/.exec(written)?.[1] ?? '')
  const name = typeof v === 'string' ? v : v !== undefined && isSymbol(v) ? v.symbol : built !== undefined ? 'async' : undefined
  const jobs = byDefault && adapter === undefined ? enqueuesJobs(ctx) : undefined
  if (name === 'sucker_punch' && ctx.versions.sucker_punch) classes.push({name: 'ActiveJob (the :sucker_punch adapter\'s JobWrapper)', threads: sourced(2, fromFile(adapter!.file, adapter!.line), [fromDefault('ActiveJob\'s sucker_punch adapter runs every job through JobWrapper, which includes SuckerPunch::Job and sets no workers: 2', ADAPTER)])})
  // With SuckerPunch::Job classes beside it, those run on their own pools too: both are counted.
  const extras: Extra[] = []
  if (name === 'async' || jobs) {
    // Active Job's :async adapter (rails activejob/lib/active_job/queue_adapters/async_adapter.rb Scheduler): every job
    // runs on one Concurrent::ThreadPoolExecutor in the process that enqueues it, DEFAULT_EXECUTOR_OPTIONS min_threads 0,
    // max_threads Concurrent.processor_count; each job thread checks a connection out of the process's pool. It is
    // Active Job's default adapter since Rails 5.0 (activejob/lib/active_job/queue_adapter.rb `self.queue_adapter = :async`;
    // :inline before): an app that sets none and enqueues jobs runs them so.
    const ASYNC = 'https://github.com/rails/rails/blob/v8.0.2/activejob/lib/active_job/queue_adapters/async_adapter.rb'
    const cpus = processorsFor(ctx)
    const max = built === undefined ? undefined : /\bmax_threads:\s*(\d+)\s*(?:,|$)/.exec(built)
    // max_threads written as an expression, or arguments conncalc could not take apart (nested parentheses): not read.
    const unread = built !== undefined && !max && (/\bmax_threads:/.test(built) || /\bAsyncAdapter\.new\s*\((?![^()]*\))/.test(written ?? ''))
    const threads = max
      ? sourced(Number(max[1]), fromFile(adapter!.file, adapter!.line), [fromDefault('AsyncAdapter.new(max_threads: N) runs jobs on a thread pool of up to N threads in the process that enqueues them', ASYNC)])
      : sourced(
          cpus.value,
          jobs ? fromDefault(`the app sets no Active Job adapter (config.active_job.queue_adapter) and enqueues jobs (\`${jobs.what}\`, ${jobs.file}:${jobs.line}): Rails' default, :async, runs them in the process that enqueues them, up to Concurrent.processor_count threads`, 'https://github.com/rails/rails/blob/v8.0.2/activejob/lib/active_job/queue_adapter.rb') : fromFile(adapter!.file, adapter!.line),
          [cpus.source, ...(cpus.via ?? []), fromDefault('Active Job\'s :async adapter runs jobs on a thread pool in the process that enqueues them, up to Concurrent.processor_count threads (AsyncAdapter::Scheduler DEFAULT_EXECUTOR_OPTIONS max_threads)', ASYNC)],
        )
    if (unread) diagnostics.push({code: 'unknown-config-value', file: adapter!.file, line: adapter!.line, message: `AsyncAdapter.new's max_threads is not a number conncalc reads: the adapter's default, Concurrent.processor_count (${cpus.value}), is counted`, severity: 'warning'})
    extras.push({
      allPools: true,
      count: unread ? sourced(cpus.value, assumed(`AsyncAdapter.new's max_threads at ${adapter!.file}:${adapter!.line} is not read; the processor count taken`), [cpus.source, ...(cpus.via ?? [])]) : threads,
      inPool: true,
      kind: 'active-job-async-threads',
      reason: `Active Job :async job threads in each ${server.server} process${jobs ? " (Rails' default adapter)" : ''}`,
    })
  }

  const located = diagnostics.map((d) => ({...d, processType: ctx.processType}))
  if (classes.length === 0) return extras.length === 0 ? {diagnostics} : {diagnostics: located, extrasPerProcess: extras}
  const total = classes.reduce((a, c) => a + c.threads.value, 0)
  const via: Source[] = classes.flatMap((c) => [c.threads.source, ...(c.threads.via ?? [])])
  extras.push({
    allPools: true,
    count: sourced(total, fromDefault(`Sucker Punch runs each job class's jobs on its own thread pool in the process that enqueues them: ${classes.map((c) => `${c.name} ${c.threads.value}`).join(', ')}`, JOB), via),
    inPool: true,
    kind: 'sucker-punch-threads',
    reason: `Sucker Punch job threads in each ${server.server} process`,
  })
  return {diagnostics: located, extrasPerProcess: extras, versions: {sucker_punch: ctx.versions.sucker_punch!}}
}

export const suckerPunch: ProcessAddon = {
  analyze(ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> {
    // The app's own config names Active Job's :async adapter (read only then: a text check before any parse). Here, not
    // at the module's top level: a Rails run loads this module (test/e2e/lazy-analyzers counts those names).
    const namesAsyncAdapter = (): boolean =>
      ['config/application.rb', `config/environments/${ctx.appEnv}.rb`].some((p) => {
        const text = ctx.files.read(p)?.text
        return text !== undefined && text.includes('queue_adapter') && (text.includes('async') || text.includes('AsyncAdapter'))
      })
    // No adapter named anywhere an app sets one (config/** but other environments' files, ApplicationJob and other job
    // classes): Rails' default (5.0+).
    const rails = ctx.versions.activejob ?? ctx.versions.rails
    const setsNoAdapter = (): boolean =>
      rails !== undefined &&
      versionAtLeast(rails, '5.0.0') &&
      ['config', 'app/jobs'].every((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb') && !(p.startsWith('config/environments/') && p !== `config/environments/${ctx.appEnv}.rb`), {max: 2000, maxDepth: 6}).paths.every((p) => !ctx.files.read(p)?.text.includes('queue_adapter')))
    if (!WEB_SERVERS.has(server.server) || (!ctx.versions.sucker_punch && !rails)) return {diagnostics: []}
    const named = namesAsyncAdapter()
    if (ctx.versions.sucker_punch || named) return suckerPunchAnalysis(ctx, server, !named && setsNoAdapter())
    return setsNoAdapter() ? suckerPunchAnalysis(ctx, server, true) : {diagnostics: []}
  },
  id: 'sucker_punch',
}
