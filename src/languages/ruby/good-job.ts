/**
 * GoodJob (https://github.com/bensheldon/good_job). Settings and their
 * precedence are GoodJob's own (lib/good_job/configuration.rb): CLI option,
 * then `config.good_job.*`, then GOOD_JOB_* env vars, then RAILS_MAX_THREADS
 * (max threads only), then the default. A queue string such as
 * `mice:2;elephants:1` runs one thread pool per `;` part, each with its own
 * count (or max threads when it has none), so threads add up across parts.
 *
 * Connections: one per execution thread, checked out of Rails' pool, and 1 for
 * the LISTEN/NOTIFY listener, which the notifier checks out and then removes
 * from the pool (lib/good_job/notifier.rb: `connection_pool.checkout.tap
 * { |conn| ::GoodJob::Job.connection_pool.remove(conn) }`), so it is held
 * outside it. Since 3.16.4 (#1018, "Notifier and CronManager share a 2-thread
 * executor within the capsule") the notifier, the cron manager and the process
 * tracker's refresh tasks run on one SharedExecutor of MAX_THREADS = 2
 * (lib/good_job/shared_executor.rb, max_queue 0, fallback :discard; capsule.rb
 * passes it to all three): the notifier's loop holds one thread, so cron
 * enqueues and refreshes use at most one pool connection at a time, and the
 * README since says "2 additional connections ... (e.g. LISTEN/NOTIFY, cron,
 * etc.)": per process min(pool, threads + 1) + 1. Before 3.16.4 the README
 * (v3.16.3) lists "1 connection dedicated to the scheduler aka LISTEN/NOTIFY"
 * and "(optional) 2 connections for Cron scheduler if you're running it" (the
 * CronManager on the global executor): min(pool, threads + 2) + 1 with cron
 * (`--enable-cron`, `config.good_job.enable_cron`, GOOD_JOB_ENABLE_CRON), else
 * min(pool, threads) + 1.
 * `good_job start` always runs the executor in its own process (external mode);
 * in async mode the executor runs inside each web server process instead.
 *
 * A preloading Puma (cluster) or Unicorn master loads the app from config.ru, so GoodJob's
 * `in_webserver?` (configuration.rb: `Rails.const_defined?(:Server)` or config.ru in the caller) holds
 * there too, and the engine's after_initialize `GoodJob._start_async_adapters` starts a capsule in the
 * master: its notifier LISTENs on a connection of its own and its schedulers run jobs from the master's
 * pool. It stops only with `GoodJob.shutdown` in before_fork, as GoodJob's README advises ("Stopping
 * GoodJob's scheduler pre-fork is recommended to ensure that GoodJob does not continue executing jobs in
 * the parent/controller process"): without it the master holds min(pool, threads + 2) + 1 per dyno.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import type {DslCall} from './evaluate.js'
import type {RubyHook} from './ruby-server.js'
import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {isSymbol} from './evaluate.js'
import {railsSettings, type RailsSetting} from './rails-config.js'
import {type Candidate, envCandidate, findFlag, firstOf, flagCandidate, type FoundFlag, numericFlag, programName, rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ParsedCommand, ProcessAddon, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {compareVersions} from '../../util/version.js'

const CONFIGURATION = 'https://github.com/bensheldon/good_job/blob/main/lib/good_job/configuration.rb'
const NOTIFIER = 'https://github.com/bensheldon/good_job/blob/main/lib/good_job/notifier.rb'
const README_FORK = 'https://github.com/bensheldon/good_job/blob/v4.19.2/README.md#execute-jobs-async--in-process'
const START_ASYNC = 'https://github.com/bensheldon/good_job/blob/v4.19.2/lib/good_job/engine.rb'
const INITIALIZERS = ['config/initializers/good_job.rb']

/** Web servers GoodJob's async mode runs inside (it starts only in server processes). */
const WEB_SERVERS = new Set(['pitchfork', 'puma', 'unicorn'])

function settingCandidate(s: RailsSetting | undefined, what: string): Candidate {
  if (!s) return {diagnostics: []}
  const c = rubyCandidate(s.value, s.file, s.line, what)
  if (!s.conditional || !c.value) return c
  return {diagnostics: [{code: 'unknown-config-value', file: s.file, line: s.line, message: `${s.file}:${s.line} is inside a condition conncalc cannot decide`, severity: 'warning'}]}
}

/** A string setting (queues, execution mode) with where it came from. */
interface StringSetting {
  source: Sourced<string>['source']
  value: string
}

function stringSetting(
  flag: FoundFlag | undefined,
  rails: RailsSetting | undefined,
  ctx: AnalyzerContext,
  envName: string,
): StringSetting | undefined {
  if (flag && flag.value !== '') return {source: fromFlag(flag.written), value: flag.value}
  if (rails && !rails.conditional && rails.value.kind === 'known') {
    const v = rails.value.value
    const text = typeof v === 'string' ? v : isSymbol(v) ? v.symbol : undefined
    if (text) return {source: fromFile(rails.file, rails.line), value: text}
  }

  const e = ctx.env.get(envName)
  if (e && e.value !== '') return {source: e.source, value: e.value}
  return undefined
}

/** Ruby's String#to_i: leading digits, else 0 (GoodJob reads `mice:2` with split(':') and to_i). */
const leadingInt = (s: string): number => {
  const m = /^\s*(\d+)/.exec(s)
  return m ? Number(m[1]) : 0
}

export interface GoodJobSettings {
  diagnostics: Diagnostic[]
  executionMode: StringSetting | undefined
  /** Threads across all the queue string's pools. */
  threads: Sourced<number>
}

/** GoodJob's thread count and execution mode for a process (`argv` for the CLI's flags, else none). */
export async function goodJobSettings(ctx: AnalyzerContext, argv: readonly string[] = []): Promise<GoodJobSettings> {
  const rails = await railsSettings(ctx, 'good_job', INITIALIZERS)
  const diagnostics: Diagnostic[] = [...rails.diagnostics]
  const version = ctx.versions.good_job
  const maxThreads = firstOf(
    [
      flagCandidate(numericFlag(argv, ['--max-threads']), 'GoodJob max threads'),
      settingCandidate(rails.settings.get('max_threads'), 'GoodJob max threads'),
      envCandidate(ctx.env, ['GOOD_JOB_MAX_THREADS', 'RAILS_MAX_THREADS'], 'GoodJob max threads'),
    ],
    sourced(5, fromDefault(`GoodJob${version ? ` ${version}` : ''} DEFAULT_MAX_THREADS`, CONFIGURATION)),
  )
  append(diagnostics, maxThreads.diagnostics)

  const queues = stringSetting(findFlag(argv, ['--queues']), rails.settings.get('queues'), ctx, 'GOOD_JOB_QUEUES')
  let threads = maxThreads.value
  if (queues) {
    const parts = queues.value.split(';').map((p) => p.trim()).filter((p) => p !== '')
    const counts = parts.map((p) => {
      const [, count] = p.split(':')
      return count === undefined ? maxThreads.value.value : leadingInt(count)
    })
    const total = counts.reduce((a, b) => a + b, 0)
    if (parts.length > 1 || parts.some((p) => p.includes(':'))) {
      threads = sourced(total, queues.source, parts.some((p) => !p.includes(':')) ? [maxThreads.value.source] : [])
    }
  }

  const executionMode = stringSetting(undefined, rails.settings.get('execution_mode'), ctx, 'GOOD_JOB_EXECUTION_MODE')
  return {diagnostics, executionMode, threads}
}

/** The version that put the notifier, cron and process refreshes on one 2-thread executor (#1018). */
const SHARED_EXECUTOR_SINCE = '3.16.4'
const SHARED_EXECUTOR = 'https://github.com/bensheldon/good_job/blob/v4.19.2/lib/good_job/shared_executor.rb'
const README_V3_16 = 'https://github.com/bensheldon/good_job/blob/v3.16.3/README.md#database-connections'
const TRUE_STRINGS = new Set(['1', 't', 'true', 'y', 'yes', 'on'])

/** Whether cron runs (only asked before 3.16.4): undefined when a setting says so in a way conncalc cannot read. */
async function cronEnabled(ctx: AnalyzerContext, argv: readonly string[]): Promise<{on: boolean | undefined; source?: Source}> {
  if (argv.includes('--enable-cron')) return {on: true, source: fromFlag('--enable-cron')}
  const rails = await railsSettings(ctx, 'good_job', INITIALIZERS)
  const s = rails.settings.get('enable_cron')
  if (s) {
    if (s.conditional || s.value.kind !== 'known') return {on: undefined, source: fromFile(s.file, s.line)}
    const v = s.value.value
    return {on: v === true || (typeof v === 'string' && TRUE_STRINGS.has(v.toLowerCase())), source: fromFile(s.file, s.line)}
  }

  const e = ctx.env.get('GOOD_JOB_ENABLE_CRON')
  if (e && e.value !== '') return {on: TRUE_STRINGS.has(e.value.toLowerCase()), source: e.source}
  return {on: false}
}

/** The pool connections GoodJob's utility threads (cron, process refreshes) take beside the job threads, by version. */
async function utilityInPool(ctx: AnalyzerContext, argv: readonly string[]): Promise<Sourced<number>> {
  const version = ctx.versions.good_job
  if (!version || compareVersions(version, SHARED_EXECUTOR_SINCE) >= 0) {
    return sourced(1, fromDefault(`GoodJob${version ? ` ${version}` : ''}: the notifier, the cron manager and the process tracker's refreshes share one executor of 2 threads (SharedExecutor::MAX_THREADS, since ${SHARED_EXECUTOR_SINCE}); the notifier's LISTEN loop holds one, so cron and refresh tasks take at most 1 pool connection at a time`, SHARED_EXECUTOR))
  }

  const cron = await cronEnabled(ctx, argv)
  const via = cron.source ? [cron.source] : []
  if (cron.on === false) return sourced(0, fromDefault(`GoodJob ${version}: the cron scheduler's 2 connections are used only when cron is enabled, and nothing enables it`, README_V3_16), via)
  if (cron.on === undefined) return sourced(2, assumed(`GoodJob ${version}: whether cron is enabled cannot be read (${cron.source && 'file' in cron.source ? `${cron.source.file}:${cron.source.line}` : 'enable_cron'}); its 2 connections (cron scheduler) counted`))
  return sourced(2, fromDefault(`GoodJob ${version}: 2 connections for the cron scheduler, cron being enabled`, README_V3_16), via)
}

/** GoodJob's connections beside its job threads: the utility threads' from the pool, the listener's outside it. */
const utilityExtras = (utility: Sourced<number>, via: Source[] = []): Extra[] => [
  ...(utility.value > 0
    ? [
        {
          count: {...utility, via: [...(utility.via ?? []), ...via]},
          inPool: true,
          kind: 'good-job-utility',
          reason: 'GoodJob cron and process-refresh connections',
        },
      ]
    : []),
  {
    count: sourced(1, fromDefault('GoodJob: the LISTEN/NOTIFY listener checks out a connection and removes it from the pool', NOTIFIER), via),
    kind: 'good-job-listener',
    reason: 'GoodJob LISTEN/NOTIFY listener connection (removed from the pool)',
  },
]

const isCli = (argv: readonly string[]): boolean => programName(argv[0]) === 'good_job' && (argv[1] === undefined || argv[1] === 'start' || argv[1].startsWith('-'))

export const goodJob: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const s = await goodJobSettings(ctx, ctx.command.argv)
    const version = ctx.versions.good_job
    return {
      diagnostics: s.diagnostics.map((d) => ({...d, processType: ctx.processType})),
      extrasPerProcess: utilityExtras(await utilityInPool(ctx, ctx.command.argv)),
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault('`good_job start` runs one executor process', 'https://github.com/bensheldon/good_job#command-line-options')),
      server: 'good_job',
      threadsPerProcess: s.threads,
      ...(version ? {versions: {good_job: version}} : {}),
    }
  },
  id: 'good_job',
  matches(cmd: ParsedCommand): boolean {
    return isCli(cmd.argv)
  },
}

/**
 * GoodJob's async mode (`config.good_job.execution_mode = :async` or
 * GOOD_JOB_EXECUTION_MODE=async): each web server process also runs the job
 * threads and the utility connections, from the same pool as its request threads.
 */
export const goodJobAsync: ProcessAddon = {
  // No GoodJob in the bundle, or not a web server (most types): answered at once, not through an async call's frame per type.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> =>
    !ctx.versions.good_job || !WEB_SERVERS.has(server.server) ? {diagnostics: []} : asyncModeAnalysis(ctx, server),
  id: 'good_job_async',
}

/** The `GoodJob.shutdown` call in a hook's calls (blocks included), if any. */
function shutdownCall(calls: readonly DslCall[]): DslCall | undefined {
  for (const c of calls) {
    if (c.name === 'shutdown' && /^(::)?GoodJob$/.test(c.receiver ?? '')) return c
    const inner = shutdownCall(c.blockBody ?? [])
    if (inner) return inner
  }

  return undefined
}

/**
 * The capsule a preloading master starts and keeps when its before_fork hook does not call `GoodJob.shutdown`: its
 * schedulers' threads and the utility threads' connections from the master's pool (min(pool, threads + utility)), and the
 * notifier's LISTEN connection outside it, once per dyno. Undefined when the master does not load the app or stops it.
 */
function masterCapsule(server: ServerAnalysis, threads: Sourced<number>, utility: Sourced<number>, where: Source, mode: string): Extra[] {
  const fork = server.fork
  if (!fork?.forks.value || !fork.preload.value) return []
  const hooks = ((server.facts as {hooks?: RubyHook[]} | undefined)?.hooks ?? []).filter((h) => h.name === fork.parentHook).flatMap((h) => {
    const call = shutdownCall(h.body)
    return call ? [{condition: h.conditional ? h.conditional.condition : call.conditional ? call.condition : undefined, hook: h, sure: !h.conditional && !call.conditional}] : []
  })
  if (hooks.some((h) => h.sure)) return []
  const master = fork.parent
  // A shutdown under a condition conncalc could not decide: counted as if it does not run, starred.
  const maybe = hooks[0]
  const undecided = maybe && assumed(`${maybe.hook.file}:${maybe.hook.line}: \`${fork.parentHook} { GoodJob.shutdown }\` runs only when ${maybe.condition ? `\`${maybe.condition}\`` : 'a condition conncalc cannot decide'} holds; counted as if it does not, so the ${master} keeps GoodJob running`)
  const via = [where, fork.preload.source, fromDefault(`GoodJob starts async executors after initialize in any process where in_webserver? holds, the ${master} loading config.ru included; README: stop them in before_fork with GoodJob.shutdown`, README_FORK), ...(undecided ? [undecided] : [])]
  return [
    {
      count: sourced(threads.value + utility.value, fromDefault(`the ${master} loads the app, so GoodJob (execution_mode ${mode}) starts its capsule there, and no GoodJob.shutdown in ${fork.parentHook} stops it: ${threads.value} job threads + ${utility.value} (cron, process refreshes) from the ${master}'s pool`, START_ASYNC), [...via, threads.source, utility.source]),
      demand: {own: utility.value, processes: 1, threads: threads.value},
      kind: 'good-job-master',
      reason: `GoodJob capsule in the ${master} (execution_mode ${mode}, no GoodJob.shutdown in ${fork.parentHook}): job threads + cron and process refreshes`,
    },
    {
      count: sourced(1, fromDefault(`the ${master}'s GoodJob notifier LISTENs on a connection it removes from the pool`, NOTIFIER), via),
      kind: 'good-job-master-listener',
      reason: `GoodJob LISTEN/NOTIFY listener in the ${master} (removed from the pool)`,
    },
  ]
}

/** The first `GoodJob.<name>` call in a hook's calls (blocks included), if any. */
function goodJobCall(calls: readonly DslCall[], name: string): DslCall | undefined {
  for (const c of calls) {
    if (c.name === name && /^(::)?GoodJob$/.test(c.receiver ?? '')) return c
    const inner = goodJobCall(c.blockBody ?? [], name)
    if (inner) return inner
  }

  return undefined
}

// Hooks a forked child runs at boot: Puma's before_worker_boot (7+) / on_worker_boot, Unicorn's after_fork.
const CHILD_HOOKS = new Set(['after_fork', 'before_worker_boot', 'on_worker_boot'])

/**
 * What a forked worker runs of GoodJob when its boot hook does not call `GoodJob.restart` (README: schedulers "should
 * be stopped before forking, restarted after fork"). The master started the capsule (after_initialize), and a thread
 * does not survive fork: the notifier's LISTEN loop, the poller and the cron tasks are the master's, and nothing in
 * the worker starts them again (Capsule#create_thread starts the capsule only when `startable?`, i.e. never started).
 * So the worker holds no LISTEN connection; its schedulers still take the jobs it enqueues itself. After a sure
 * `GoodJob.shutdown` in before_fork the capsule is shut down and not startable (Capsule#shutdown sets @startable
 * false), and Scheduler#create_thread returns nil when its executor is not running: the worker runs no job at all.
 * Undefined when the server does not preload and fork, or a worker hook restarts GoodJob (an undecided one too).
 */
function childCapsule(server: ServerAnalysis): {shutdown: boolean; why: string} | undefined {
  const fork = server.fork
  if (!fork?.forks.value || !fork.preload.value) return undefined
  const hooks = (server.facts as {hooks?: RubyHook[]} | undefined)?.hooks ?? []
  if (hooks.some((h) => CHILD_HOOKS.has(h.name) && goodJobCall(h.body, 'restart'))) return undefined
  const shutdown = hooks.some((h) => h.name === fork.parentHook && !h.conditional && (() => {
    const call = goodJobCall(h.body, 'shutdown')
    return call !== undefined && !call.conditional
  })())
  const none = `no GoodJob.restart in ${fork.childHook}`
  return shutdown
    ? {shutdown, why: `the ${fork.parent} calls GoodJob.shutdown in ${fork.parentHook} and ${none}: each worker inherits a capsule that is shut down and not startable again (Capsule#shutdown; Scheduler#create_thread returns nil when its executor is not running), so it runs no GoodJob job and opens no GoodJob connection`}
    : {shutdown, why: `the ${fork.parent} starts GoodJob's capsule when it loads the app and ${none}: the notifier's LISTEN thread is the ${fork.parent}'s and does not survive fork, and nothing starts it again in a worker (Capsule#create_thread starts only a capsule never started), so a worker holds no LISTEN connection`}
}

async function asyncModeAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const version = ctx.versions.good_job
  if (!version || !WEB_SERVERS.has(server.server)) return {diagnostics: []}
  const s = await goodJobSettings(ctx)
  const mode = s.executionMode?.value.replace(/^:/, '')
  // `async_all` runs everywhere, `async`/`async_server` only in the web server; the production default is external.
  if (mode !== 'async' && mode !== 'async_server' && mode !== 'async_all') return {diagnostics: []}
  const where = s.executionMode!.source
  const utility = await utilityInPool(ctx, [])
  const master = masterCapsule(server, s.threads, utility, where, mode)
  const diagnostics = s.diagnostics.map((d) => ({...d, processType: ctx.processType}))
  let extrasPerProcess: Extra[] = [
    {
      count: {...s.threads, via: [...(s.threads.via ?? []), where]},
      inPool: true,
      kind: 'good-job-async-threads',
      reason: `GoodJob job threads in each ${server.server} process (execution_mode ${mode})`,
    },
    ...utilityExtras(utility, [where]),
  ]
  const child = childCapsule(server)
  if (child) {
    const ref = fromDefault(child.why, README_FORK)
    const off = (x: Extra): Extra => ({...x, ceilingOnly: true, count: sourced(x.count.value, ref, [x.count.source, ...(x.count.via ?? [])]), reason: `${x.reason}: not running in a forked worker`})
    extrasPerProcess = extrasPerProcess.map((x) => (child.shutdown || x.kind === 'good-job-listener' ? off(x) : x))
    const fork = server.fork!
    if (child.shutdown) {
      diagnostics.push({
        code: 'never-runs',
        file: fork.file,
        fix: `add to ${fork.file}: ${fork.childHook} { GoodJob.restart } (GoodJob's README), or run jobs in a worker process (good_job start)`,
        message: `${ctx.processType}: GoodJob runs in async mode (execution_mode ${mode}), but ${child.why}: jobs enqueued there wait for another GoodJob process`,
        processType: ctx.processType,
        severity: 'info',
      })
    }
  }

  return {
    diagnostics,
    ...(master.length > 0 ? {extrasPerDyno: master} : {}),
    extrasPerProcess,
    versions: {good_job: version},
  }
}
