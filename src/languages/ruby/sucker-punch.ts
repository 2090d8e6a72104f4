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
import {fromDefault, fromFile, sourced, type Source, type Sourced} from '../../model/source.js'
import {evaluateRubyConfig, findCalls, isSymbol} from './evaluate.js'
import {processorsFor} from './processors.js'
import {railsSettings} from './rails-config.js'
import {rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'

const JOB = 'https://github.com/brandonhilkert/sucker_punch/blob/master/lib/sucker_punch/job.rb'
const ADAPTER = 'https://github.com/rails/rails/blob/v7.1.0/activejob/lib/active_job/queue_adapters/sucker_punch_adapter.rb'

/** Processes that serve requests, where the jobs are enqueued (and so run). */
const WEB_SERVERS = new Set(['falcon', 'passenger', 'puma', 'thin', 'unicorn', 'webrick'])

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

async function suckerPunchAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const diagnostics: Diagnostic[] = []
  const classes = ctx.versions.sucker_punch ? await jobClasses(ctx, diagnostics) : []
  const active = await railsSettings(ctx, 'active_job', [])
  const adapter = active.settings.get('queue_adapter')
  const v = adapter && !adapter.conditional && adapter.value.kind === 'known' ? adapter.value.value : undefined
  const name = typeof v === 'string' ? v : v !== undefined && isSymbol(v) ? v.symbol : undefined
  if (name === 'sucker_punch' && ctx.versions.sucker_punch) classes.push({name: 'ActiveJob (the :sucker_punch adapter\'s JobWrapper)', threads: sourced(2, fromFile(adapter!.file, adapter!.line), [fromDefault('ActiveJob\'s sucker_punch adapter runs every job through JobWrapper, which includes SuckerPunch::Job and sets no workers: 2', ADAPTER)])})
  // With SuckerPunch::Job classes beside it, those run on their own pools too: both are counted.
  const extras: Extra[] = []
  if (name === 'async') {
    // Active Job's :async adapter (rails activejob/lib/active_job/queue_adapters/async_adapter.rb Scheduler): every job
    // runs on one Concurrent::ThreadPoolExecutor in the process that enqueues it, DEFAULT_EXECUTOR_OPTIONS min_threads 0,
    // max_threads Concurrent.processor_count; each job thread checks a connection out of the process's pool.
    const cpus = processorsFor(ctx)
    extras.push({
      allPools: true,
      count: sourced(cpus.value, fromFile(adapter!.file, adapter!.line), [cpus.source, ...(cpus.via ?? []), fromDefault('Active Job\'s :async adapter runs jobs on a thread pool in the process that enqueues them, up to Concurrent.processor_count threads (AsyncAdapter::Scheduler DEFAULT_EXECUTOR_OPTIONS max_threads)', 'https://github.com/rails/rails/blob/v8.0.2/activejob/lib/active_job/queue_adapters/async_adapter.rb')]),
      inPool: true,
      kind: 'active-job-async-threads',
      reason: `Active Job :async job threads in each ${server.server} process`,
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
        return text !== undefined && text.includes('queue_adapter') && text.includes('async')
      })
    return !WEB_SERVERS.has(server.server) || (!ctx.versions.sucker_punch && !((ctx.versions.activejob ?? ctx.versions.rails) && namesAsyncAdapter())) ? {diagnostics: []} : suckerPunchAnalysis(ctx, server)
  },
  id: 'sucker_punch',
}
