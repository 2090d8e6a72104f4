/**
 * Threads a Python process's own code starts, read from its modules (import-qualified calls):
 * a plain script or a Django management command runs on its main thread unless these start more.
 * APScheduler's BlockingScheduler/BackgroundScheduler with its default executor runs jobs on a
 * thread pool of 10 (executors/pool.py ThreadPoolExecutor(max_workers=10), the scheduler's
 * default executor), each job at most max_instances at once (its keyword, else the scheduler's job_defaults, else 1),
 * so min(10, the jobs' max_instances summed).
 * Anything else that starts threads or processes is an `unknown-command` naming where.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import {boundArgument} from './bound-arguments.js'
import {classOf, type PyCall, type PyFunctionSites, type PyModule, subclassesOf} from './values.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {asInteger, isDict} from './evaluate.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonVersion} from './python-version.js'

// ThreadPoolExecutor(max_workers=None): min(32, (os.cpu_count() or 1) + 4) since Python 3.8 (3.13: os.process_cpu_count(),
// the same on a dyno); (os.cpu_count() or 1) * 5 in 3.5-3.7. python/cpython@v3.8.0:Lib/concurrent/futures/thread.py
// ThreadPoolExecutor.__init__; https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor
const EXECUTOR_DEFAULT = 'https://github.com/python/cpython/blob/v3.8.0/Lib/concurrent/futures/thread.py'
const THREAD_POOL = 'concurrent.futures.ThreadPoolExecutor'
// multiprocessing.pool.ThreadPool(processes=None) (and multiprocessing.dummy.Pool, the same class): `processes`
// threads, os.cpu_count() or 1 when None (Pool.__init__). python/cpython@v3.12.0:Lib/multiprocessing/pool.py
const MP_THREAD_POOL_DEFAULT = 'https://github.com/python/cpython/blob/v3.12.0/Lib/multiprocessing/pool.py'
/** Thread pools whose size conncalc reads: the keyword that sizes each (also its first positional argument). */
export const THREAD_POOLS = new Map([
  [THREAD_POOL, 'max_workers'],
  ['multiprocessing.pool.ThreadPool', 'processes'],
  ['multiprocessing.dummy.Pool', 'processes'],
])
const APSCHEDULER_POOL = 'https://github.com/agronholm/apscheduler/blob/3.x/apscheduler/executors/pool.py'
const APSCHEDULER_JOBS = 'https://apscheduler.readthedocs.io/en/3.x/userguide.html#limiting-the-number-of-concurrently-executing-instances-of-a-job'
const SCHEDULERS = new Set(['apscheduler.schedulers.background.BackgroundScheduler', 'apscheduler.schedulers.blocking.BlockingScheduler'])

/** Calls that start threads or processes, as import-qualified callees (PyCall.callee). */
export const CONCURRENCY = new Set([
  ...SCHEDULERS,
  '_thread.start_new_thread',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.ThreadPoolExecutor',
  'eventlet.GreenPool',
  'eventlet.spawn',
  'gevent.pool.Pool',
  'gevent.spawn',
  'multiprocessing.Pool',
  'multiprocessing.Process',
  'multiprocessing.dummy.Pool',
  'multiprocessing.pool.Pool',
  'multiprocessing.pool.ThreadPool',
  'threading.Thread',
  'threading.Timer',
])

export interface StartedThreads {
  diagnostics: Diagnostic[]
  /** Undefined when nothing starts threads: the caller's one main thread. */
  threads?: Sourced<number>
}

/** What `modules` start; `what` names the command for messages ("manage.py send_digest", "python clock.py"). */
export function startedThreads(modules: PyModule[], ctx: AnalyzerContext, what: string, command?: {file: string; fn: string; owners?: ReadonlyMap<string, string>}, quiet?: ReadonlyMap<string, string>): StartedThreads {
  // The app's own classes built on one of CONCURRENCY (`class DbSafeExecutor(futures.ThreadPoolExecutor)`).
  const subclasses = subclassesOf(modules, CONCURRENCY)
  const callee = (c: {callee: string}): string | undefined => (CONCURRENCY.has(c.callee) ? c.callee : subclasses.has(c.callee) ? `${c.callee} (a ${subclasses.get(c.callee)})` : undefined)
  // Running one command of the app's CLI: the bodies of its other commands do not run, nor helpers only they call
  // (`command.owners`: import-threads.ts cliCommandStarts, which follows a helper's callers up to the commands).
  const other = (c: PyCall, file: string): boolean => {
    if (!command) return false
    const owner = command.owners?.get(`${file}:${c.line}`) ?? cliCommandOf(c.within)
    return owner !== undefined && !(owner === command.fn && (file === command.file || command.owners !== undefined))
  }
  const starts = modules.flatMap((m) => m.calls.filter((c) => callee(c) !== undefined && !other(c, m.file)).map((c) => ({c: {...c, callee: callee(c)!}, file: m.file, own: c.callee})))
  if (starts.length === 0) return {diagnostics: []}
  const pools = threadPools(starts, subclasses, modules, ctx, quiet)
  if (pools) {
    const unsized = starts.filter((s) => s.c.kwargs[sizeKeyword(s, subclasses)] === undefined && s.c.args[0] === undefined && !quiet?.has(`${s.file}:${s.c.line}`))
    const sized = unsized.map((s) => `${s.file}:${s.c.line}`)
    const keyword = [...new Set(unsized.map((s) => sizeKeyword(s, subclasses)))].join(' / ')
    const because = `the thread pool${sized.length > 1 ? 's' : ''} at ${sized.join(', ')} ${sized.length > 1 ? 'have' : 'has'} no ${keyword}, so Python sizes ${sized.length > 1 ? 'each' : 'it'} from the CPU count`
    const fix = `pass ${keyword.split(' / ')[0]}=N where the pool is made (${sized[0]})`
    return {diagnostics: sized.length > 0 ? cpuCountWarning(ctx, pools, `\`${what}\` threads`, fix, because) : [], threads: pools}
  }
  const schedulers = starts.filter((s) => SCHEDULERS.has(s.c.callee))
  const reconfigured = modules.some((m) => m.calls.some((c) => /Scheduler\(\)\.(configure|add_executor)$/.test(c.callee)))
  if (schedulers.length === starts.length && schedulers.length === 1 && !schedulers[0].c.kwargs.executors && !reconfigured) {
    const {c, file} = schedulers[0]
    const pool = fromDefault('APScheduler runs jobs on its default executor, a thread pool of 10 (ThreadPoolExecutor max_workers=10)', APSCHEDULER_POOL)
    const jobs = modules.flatMap((m) => m.calls.filter((j) => j.callee === `${c.callee}().scheduled_job` || j.callee === `${c.callee}().add_job`))
    // Jobs added in the function that also starts the scheduler (`def main(): s = BlockingScheduler(); s.add_job(…); s.start()`),
    // outside an `if` or a loop of it, are added whenever it starts: as certain as jobs added at the top level.
    const startedIn = modules.flatMap((m) => m.calls.filter((x) => x.callee === `${c.callee}().start`)).map((x) => x.within)
    const withStart = (j: PyCall): boolean => j.within !== undefined && startedIn.length > 0 && startedIn.every((w) => w === j.within) && (j.arms ?? []).length === 0 && !j.loop
    // A job runs up to its max_instances at once (add_job/scheduled_job's keyword, else the scheduler's
    // job_defaults, else 1): each instance is a thread of the pool.
    const instances = jobs.map((j) => jobInstances(j, c))
    const known = instances.every((n) => n !== undefined)
    const sum = known ? instances.reduce((a: number, n) => a + n!, 0) : 0
    if (jobs.length > 0 && known && sum < 10 && jobs.every((j) => !j.conditional || withStart(j))) {
      const each = sum === jobs.length ? 'each run at most once at a time (max_instances 1)' : `${sum} runs at most at once (their max_instances: ${instances.join(' + ')})`
      return {diagnostics: [], threads: startedOnlyIf(modules, c.callee, sourced(sum, fromFile(file, c.line), [pool, fromDefault(`${jobs.length} job${jobs.length === 1 ? '' : 's'} scheduled, ${each}`, APSCHEDULER_JOBS)]))}
    }

    const uncounted = fromDefault(
      !known ? `a job's max_instances (or the scheduler's job_defaults) is a value conncalc cannot read, so the pool is the bound`
      : sum >= 10 ? `${jobs.length} jobs scheduled${sum === jobs.length ? '' : ` (${sum} runs at once by their max_instances)`}: the pool is the bound`
      : 'its jobs are added where conncalc does not count them (in a function, a loop or a decorator of the app\'s own), so the pool is the bound',
      APSCHEDULER_JOBS,
    )
    return {diagnostics: [], threads: startedOnlyIf(modules, c.callee, sourced(10, fromFile(file, c.line), [pool, uncounted]))}
  }

  const where = starts.slice(0, 3).map((s) => `${s.c.callee} at ${s.file}:${s.c.line}`).join(', ')
  return {
    diagnostics: [{
      code: 'unknown-command',
      file: ctx.origin?.file,
      fix: `if \`${what}\` runs jobs on several threads or processes, say how many: --assume ${ctx.processType}=PROCESSES:THREADS`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: \`${what}\` starts threads or processes (${where}${starts.length > 3 ? `, ${starts.length - 3} more` : ''}) whose number and database use conncalc does not count; counting 1 process × 1 thread with the app's pools`,
      processType: ctx.processType,
      severity: 'warning',
    }],
    threads: sourced(1, assumed(`${what} (or code it imports) starts threads or processes (${where}); one thread using the database is assumed`)),
  }
}

/**
 * How many runs of a job may be at once: its `max_instances=` (add_job, scheduled_job), else the scheduler's
 * `job_defaults={"max_instances": N}`, else APScheduler's default 1 (BaseScheduler._job_defaults). Undefined when the
 * value is one conncalc cannot read.
 */
function jobInstances(job: PyCall, scheduler: PyCall): number | undefined {
  const own = job.kwargs.max_instances
  if (own !== undefined) return positive(asInteger(own))
  const defaults = scheduler.kwargs.job_defaults
  if (defaults === undefined) return 1
  if (!isDict(defaults)) return undefined
  const given = defaults.value.entries.get('max_instances')
  if (given !== undefined) return positive(asInteger(given))
  return defaults.value.partial ? undefined : 1
}

const positive = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined)

/**
 * A scheduler runs its jobs only once `start()` is called. When every `start()` of it sits in an arm of an `if`
 * conncalc cannot decide (`if config["standalone"]: sched.start()`), the other arm may run instead and the process
 * may never start a job thread: the count is then an assumption, which the arm's condition names.
 */
function startedOnlyIf(modules: readonly PyModule[], scheduler: string, threads: Sourced<number>): Sourced<number> {
  const starts = modules.flatMap((m) => m.calls.filter((c) => c.callee === `${scheduler}().start`).map((c) => ({c, file: m.file})))
  if (starts.length === 0 || !starts.every((s) => (s.c.arms ?? []).length > 0)) return threads
  const {c, file} = starts[0]
  const arm = c.arms!.at(-1)!
  return {...threads, via: [...(threads.via ?? []), assumed(`the scheduler is started only at ${file}:${c.line}, in an arm of \`if ${arm.cond}\` (${arm.file}:${arm.line}) that conncalc cannot decide; if the other arm runs, no job thread starts`)]}
}

/**
 * Decorators that make a function a command of the app's command line: click's `@click.command` / `@group.command` /
 * `@x.group`, the Flask CLI's `@app.cli.command` and AppGroup's, Typer's `@app.command`, Flask-Script's
 * `@manager.command` / `@manager.option`. Such a function runs only in the process that runs that command.
 */
const CLI_DECORATOR = /(^|\.)(command|group)$|(^|\.)manager\.option$/

/** The command function `within` is (its name), when it is one of the app's CLI commands. */
export const cliCommandOf = (within: PyFunctionSites | undefined): string | undefined => ((within?.decorators ?? []).some((d) => CLI_DECORATOR.test(d)) ? within?.name : undefined)

/** The keyword that sizes a start's thread pool (max_workers, or processes for multiprocessing's ThreadPool). */
function sizeKeyword(s: {own: string}, subclasses: Map<string, string>): string {
  return THREAD_POOLS.get(THREAD_POOLS.has(s.own) ? s.own : (subclasses.get(s.own) ?? '')) ?? 'max_workers'
}

/**
 * Every start is a ThreadPoolExecutor or a multiprocessing ThreadPool (or the app's subclass that keeps its __init__) of a size conncalc reads:
 * the main thread plus each pool's threads (a pool starts a thread per task submitted while none is idle, up
 * to max_workers). Several pools are summed: conncalc does not know which are alive at once. Undefined when
 * anything else starts threads or a size is not readable (the caller says so).
 */
function threadPools(starts: {c: PyCall; file: string; own: string}[], subclasses: Map<string, string>, modules: PyModule[], ctx: AnalyzerContext, quiet?: ReadonlyMap<string, string>): Sourced<number> | undefined {
  const sizes: Sourced<number>[] = []
  for (const {c, file, own} of starts) {
    // A pool whose every task is a function of the app's that makes no database call (import-threads.ts quietPools):
    // its threads hold none, however many; counted once, as in a web process.
    const tasks = quiet?.get(`${file}:${c.line}`)
    if (tasks !== undefined) {
      sizes.push(sourced(1, fromFile(file, c.line), [assumed(`its tasks (${tasks}) make no database call conncalc sees: counted once, not per thread`)]))
      continue
    }

    const base = CONCURRENCY.has(own) ? own : subclasses.get(own)
    const keyword = base === undefined ? undefined : THREAD_POOLS.get(base)
    if (keyword === undefined) return undefined
    // A subclass with its own __init__ may pass any max_workers to the base.
    if (own !== THREAD_POOL && modules.some((m) => classOf(m.names.get(own.split('.').at(-1)!))?.attrs.has('__init__'))) return undefined
    const size = base === undefined ? undefined : threadPoolSize(ctx, c, file, base)
    if (!size) return undefined
    // Made only in an arm of an `if` conncalc cannot decide (`if ids := kwargs.get('id'):`): it may never run.
    const arm = c.arms?.at(-1)
    const onlyIf = arm ? [assumed(`${file}:${c.line}: the pool is made only when \`if ${arm.cond}\` (${arm.file}:${arm.line}) takes that arm, which conncalc cannot decide; counted as if it does`)] : []
    sizes.push(onlyIf.length > 0 ? sourced(size.value, size.source, [...(size.via ?? []), ...onlyIf]) : size)
  }

  const main = fromDefault('plus the main thread, which runs the command and may hold a connection of its own while the pools work', EXECUTOR_DEFAULT)
  const total = sizes.reduce((n, s) => n + s.value, 1)
  if (sizes.length === 1) return sourced(total, sizes[0].source, [...(sizes[0].via ?? []), main])
  const sum = fromDefault(`${sizes.length} thread pools (${sizes.map((s) => s.value).join(' + ')}) counted as if all run at once`, EXECUTOR_DEFAULT)
  return sourced(total, sum, [...sizes.flatMap((s) => [s.source, ...(s.via ?? [])]), main])
}

/**
 * The threads of a pool made by `c` (a THREAD_POOLS class, `base`): its max_workers / processes as given (keyword or
 * first argument), else Python's default on this dyno. Undefined when the size is given in a way conncalc cannot read.
 */
export function threadPoolSize(ctx: AnalyzerContext, c: PyCall, file: string, base: string): Sourced<number> | undefined {
  const keyword = THREAD_POOLS.get(base)
  if (keyword === undefined || c.spread) return undefined
  // `def threaded_map(func, items, threads=5): ThreadPool(threads)`: what the function's callers pass, or its default.
  const given = boundArgument(c, keyword, 0)
  const at = fromFile(file, c.line)
  if (given && !(given.kind === 'known' && given.value === null)) {
    const n = asInteger(given)
    if (n === undefined || n <= 0 || isDict(given)) return undefined
    return sourced(n, at, given.kind === 'known' ? (given.via ?? []) : [])
  }

  return base === THREAD_POOL ? executorDefault(ctx, at, c.callee) : threadPoolDefault(ctx, at, c.callee)
}

/** multiprocessing's ThreadPool() with no processes: os.cpu_count() threads. */
function threadPoolDefault(ctx: AnalyzerContext, at: Source, callee: string): Sourced<number> {
  const nproc = ctx.dyno?.nproc
  const cpus = nproc?.value ?? 8
  const cpuSources: Source[] = nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed('dyno CPU count unknown; 8, as on Standard dynos')]
  return sourced(cpus, at, [fromDefault(`${callee} without processes: os.cpu_count() or 1 = ${cpus} threads`, MP_THREAD_POOL_DEFAULT), ...cpuSources])
}

/** ThreadPoolExecutor() with no max_workers, on this dyno and the app's Python. */
export function executorDefault(ctx: AnalyzerContext, at: Source, callee: string): Sourced<number> {
  const nproc = ctx.dyno?.nproc
  const cpus = nproc?.value ?? 8
  const cpuSources: Source[] = nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed('dyno CPU count unknown; 8, as on Standard dynos')]
  const py = pythonVersion(ctx.files)
  const old = py !== undefined && (py.major < 3 || (py.major === 3 && py.minor < 8))
  const pySource: Source[] = py ? [fromFile(py.file, py.line)] : []
  if (old) return sourced(cpus * 5, at, [fromDefault(`${callee} without max_workers on Python ${py.major}.${py.minor}: (os.cpu_count() or 1) * 5 = ${cpus} × 5 = ${cpus * 5} threads`, EXECUTOR_DEFAULT), ...pySource, ...cpuSources])
  const n = Math.min(32, cpus + 4)
  return sourced(n, at, [fromDefault(`${callee} without max_workers: min(32, os.cpu_count() + 4) = min(32, ${cpus} + 4) = ${n} threads (Python 3.8 and later)`, EXECUTOR_DEFAULT), ...pySource, ...cpuSources])
}
