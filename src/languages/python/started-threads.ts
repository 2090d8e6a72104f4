/**
 * Threads a Python process's own code starts, read from its modules (import-qualified calls):
 * a plain script or a Django management command runs on its main thread unless these start more.
 * APScheduler's BlockingScheduler/BackgroundScheduler with its default executor runs jobs on a
 * thread pool of 10 (executors/pool.py ThreadPoolExecutor(max_workers=10), the scheduler's
 * default executor), each job at most once at a time (max_instances 1), so min(10, jobs).
 * Anything else that starts threads or processes is an `unknown-command` naming where.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import {classOf, type PyModule} from './values.js'

import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'

const APSCHEDULER_POOL = 'https://github.com/agronholm/apscheduler/blob/3.x/apscheduler/executors/pool.py'
const APSCHEDULER_JOBS = 'https://apscheduler.readthedocs.io/en/3.x/userguide.html#limiting-the-number-of-concurrently-executing-instances-of-a-job'
const SCHEDULERS = new Set(['apscheduler.schedulers.background.BackgroundScheduler', 'apscheduler.schedulers.blocking.BlockingScheduler'])

/** Calls that start threads or processes, as import-qualified callees (PyCall.callee). */
const CONCURRENCY = new Set([
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
/**
 * The app's own classes built on one of CONCURRENCY (`class DbSafeExecutor(futures.ThreadPoolExecutor)`), by the
 * import-qualified name a call gives them (`app.futures.DbSafeExecutor`, or the bare name in their own module): their base.
 */
function concurrencySubclasses(modules: PyModule[]): Map<string, string> {
  const found = new Map<string, string>()
  for (const m of modules) {
    const dotted = m.file.replace(/\.py$/, '').replace(/\/__init__$/, '').replaceAll('/', '.')
    for (const [name, v] of m.names) {
      const base = classOf(v)?.bases.find((b) => CONCURRENCY.has(b))
      if (base) found.set(`${dotted}.${name}`, base).set(name, base)
    }
  }

  return found
}

export function startedThreads(modules: PyModule[], ctx: AnalyzerContext, what: string): StartedThreads {
  const subclasses = concurrencySubclasses(modules)
  const callee = (c: {callee: string}): string | undefined => (CONCURRENCY.has(c.callee) ? c.callee : subclasses.has(c.callee) ? `${c.callee} (a ${subclasses.get(c.callee)})` : undefined)
  const starts = modules.flatMap((m) => m.calls.filter((c) => callee(c) !== undefined).map((c) => ({c: {...c, callee: callee(c)!}, file: m.file})))
  if (starts.length === 0) return {diagnostics: []}
  const schedulers = starts.filter((s) => SCHEDULERS.has(s.c.callee))
  const reconfigured = modules.some((m) => m.calls.some((c) => /Scheduler\(\)\.(configure|add_executor)$/.test(c.callee)))
  if (schedulers.length === starts.length && schedulers.length === 1 && !schedulers[0].c.kwargs.executors && !reconfigured) {
    const {c, file} = schedulers[0]
    const pool = fromDefault('APScheduler runs jobs on its default executor, a thread pool of 10 (ThreadPoolExecutor max_workers=10)', APSCHEDULER_POOL)
    const jobs = modules.flatMap((m) => m.calls.filter((j) => j.callee === `${c.callee}().scheduled_job` || j.callee === `${c.callee}().add_job`))
    if (jobs.length > 0 && jobs.length < 10 && jobs.every((j) => !j.conditional)) {
      return {diagnostics: [], threads: sourced(jobs.length, fromFile(file, c.line), [pool, fromDefault(`${jobs.length} job${jobs.length === 1 ? '' : 's'} scheduled, each run at most once at a time (max_instances 1)`, APSCHEDULER_JOBS)])}
    }

    const uncounted = fromDefault(jobs.length >= 10 ? `${jobs.length} jobs scheduled: the pool is the bound` : 'its jobs are added where conncalc does not count them (in a function, a loop or a decorator of the app\'s own), so the pool is the bound', APSCHEDULER_JOBS)
    return {diagnostics: [], threads: sourced(10, fromFile(file, c.line), [pool, uncounted])}
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
