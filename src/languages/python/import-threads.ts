/**
 * Threads a web app's own code starts besides the server's request threads: `threading.Thread(target=…).start()`,
 * `threading.Timer`, `_thread.start_new_thread`, or the app's subclass of threading.Thread. The server imports the app
 * in every worker process (gunicorn loads the WSGI app in each worker unless preload_app, workers/base.py
 * Worker.load_wsgi), so a cron/ticker thread made while the app is built (an `Application()` at module level whose
 * __init__ schedules jobs) runs in each process, and a thread that checks a connection out for good (to hold a
 * `pg_try_advisory_lock`) keeps it for the life of the process: neither is one of the server's threads.
 *
 * conncalc does not run the code: whether such a thread is started at import or per request, how many times, and
 * whether it touches the database are not read. Each start site is counted as one thread holding one connection
 * per process, an assumption named with its file:line and overridable with `--assume TYPE.extras=N`.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {type PyFunctionSites, type PyModule, subclassesOf} from './values.js'

import {assumed, type Sourced, sourced} from '../../model/source.js'

/** Calls that start one thread each (import-qualified callees). */
const THREAD_STARTS = new Set(['_thread.start_new_thread', 'threading.Thread', 'threading.Timer', 'thread.start_new_thread'])

/** The Python web servers: each of their worker processes imports the app. */
export const WEB_SERVERS = new Set(['daphne', 'gevent', 'granian', 'gunicorn', 'hypercorn', 'uvicorn', 'uwsgi', 'waitress', 'werkzeug'])

export interface ThreadStart {
  callee: string
  file: string
  line: number
  /**
   * The site may start many threads: 'loop' (in a `for`, `while` or comprehension), 'request' (in a request handler,
   * `handler` naming it: a thread per request). How many run at once is not read: only a pool that caps the process's
   * connections bounds what they hold.
   */
  many?: 'job' | 'loop' | 'request'
  handler?: string
  /** Runs as the module is imported: a module-level statement, or in a function a module-level statement calls. */
  atImport?: boolean
}

/** Decorators that make a function a request handler: Flask/FastAPI/Starlette/Quart/Sanic routes, DRF, Django's view decorators. */
const ROUTE_DECORATOR = /(^|\.)(route|get|post|put|patch|delete|head|options|api_route|websocket|api_view|action|require_http_methods|require_GET|require_POST|require_safe|login_required|permission_required|csrf_exempt)$/
/** HTTP-method handlers of class-based views (Django View/DRF APIView/Flask MethodView/Flask-RESTful Resource/Tornado RequestHandler). */
const METHOD_HANDLER = /\.(get|post|put|patch|delete|head|options|dispatch)$/
const VIEW_BASE = /(View|ViewSet|Resource|Handler)$/

/** Decorators that make a function a job a worker runs (Celery's app.task/shared_task, dramatiq's actor, huey's task). */
const TASK_DECORATOR = /(^|\.)(task|shared_task|periodic_task|db_task|db_periodic_task|actor)$/

/** The request handler `within` is, when it is one: a routed function, a view taking `request`, a view class's method. */
function requestHandler(within: PyFunctionSites | undefined): string | undefined {
  if (!within) return undefined
  const params = within.params ?? []
  const first = params[0] === 'self' || params[0] === 'cls' ? params[1] : params[0]
  if ((within.decorators ?? []).some((d) => ROUTE_DECORATOR.test(d))) return within.name
  if (first === 'request' || first === 'req') return within.name
  if (METHOD_HANDLER.test(within.name) && (within.classBases ?? []).some((b) => VIEW_BASE.test(b))) return within.name
  return undefined
}

/** Every site in `modules` that starts a thread, outside an `if __name__ == "__main__":` (which an import never runs). */
export function threadStarts(modules: readonly PyModule[]): ThreadStart[] {
  const subclasses = subclassesOf(modules, THREAD_STARTS)
  const starts: ThreadStart[] = []
  for (const m of modules) {
    for (const c of m.calls) {
      const base = THREAD_STARTS.has(c.callee) ? c.callee : subclasses.get(c.callee)
      if (base === undefined) continue
      if ((c.arms ?? []).some((a) => /__name__/.test(a.cond))) continue
      if (starts.some((s) => s.file === m.file && s.line === c.line)) continue
      const handler = requestHandler(c.within)
      const job = (c.within?.decorators ?? []).some((d) => TASK_DECORATOR.test(d)) ? c.within?.name : undefined
      const many = c.loop ? 'loop' : handler ? 'request' : job ? 'job' : undefined
      starts.push({callee: base === c.callee ? c.callee : `${c.callee} (a ${base})`, file: m.file, line: c.line, ...(many ? {many} : {}), ...((handler ?? job) && !c.loop ? {handler: handler ?? job} : {}), ...(!c.within || c.within.sites.some((x) => x.once) ? {atImport: true} : {})})
    }
  }

  return starts
}

/**
 * The extra connections per process for the threads `starts` make, with the warnings that say they are assumed.
 * `cap`: the app's primary pool, when the app's pools cap the process's connections however many threads ask (SQLAlchemy's
 * QueuePool blocks the thread past pool_size + max_overflow; psycopg's pools wait or raise): a site that starts threads
 * per request or in a loop can take what the request threads leave of it, so the pool is counted full. With no such pool
 * (Django's connection per thread, NullPool) each thread has a connection of its own, outside any pool, and a site that
 * starts them per request or in a loop has no bound: said, and each such site counted as one.
 */
export function startedThreadExtras(starts: readonly ThreadStart[], ctx: AnalyzerContext, server: string, cap?: Sourced<number>, threads = 1, place: 'parent' | 'process' = 'process'): {diagnostics: Diagnostic[]; extras: Extra[]} {
  const each = place === 'parent' ? `${server}'s main process (it imports the app before it forks its pool; threads do not survive fork)` : `every ${server} process that imports it`
  if (starts.length === 0) return {diagnostics: [], extras: []}
  const label = (s: ThreadStart): string => `${s.callee} at ${s.file}:${s.line}${s.many === 'loop' ? ' (in a loop)' : s.many === 'request' ? ` (per request, in ${s.handler})` : s.many === 'job' ? ` (per job, in ${s.handler})` : ''}`
  const where = starts.slice(0, 3).map(label).join(', ') + (starts.length > 3 ? `, ${starts.length - 3} more` : '')
  const many = starts.filter((s) => s.many)
  const once = starts.length - many.length
  const bounded = many.length > 0 && cap !== undefined
  // The request threads and the once-sites' threads take their share of the pool; the many-sites' threads the rest.
  const n = bounded ? Math.max(once, cap.value - threads) : starts.length
  const rule = many.length === 0
    ? `${n === 1 ? 'the start site is' : `each of the ${n} start sites is`} counted as one thread holding one connection`
    : bounded
      ? `a site that starts threads per request, per job or in a loop can take every connection the app's pool (${cap.value}) has beside the ${threads} request thread(s)${once > 0 ? ` and ${once} other site${once === 1 ? '' : 's'}` : ''}: ${n} counted, the pool is the bound`
      : `a site that starts threads per request, per job or in a loop has no bound (no pool caps the process's connections); each site is counted as one, which is too few`
  const count = sourced(n, assumed(`the app starts threads of its own (${where}) in ${each}; conncalc cannot tell how many run at once or whether they hold a connection: ${rule}`), bounded ? [cap.source, ...(cap.via ?? [])] : undefined)
  const diagnostics: Diagnostic[] = [{
    code: 'unknown-command',
    file: starts[0].file,
    fix: `say how many connections those threads hold per process: --assume ${ctx.processType}.extras=N`,
    line: starts[0].line,
    message: `${ctx.processType}: the app starts threads beside ${server}'s own (${where}) in ${each}; a cron/ticker thread started while the app is built runs in each such process, one started per request or in a loop runs as many times, and one that keeps a connection (an advisory lock) holds it for good. Counted as ${n} more connection${n === 1 ? '' : 's'} per ${place === 'parent' ? 'dyno' : 'process'}, an assumption`,
    processType: ctx.processType,
    severity: 'warning',
  }]
  if (many.length > 0 && !bounded) {
    diagnostics.push({
      code: 'unbounded-pool',
      file: many[0].file,
      fix: `cap the threads (a ThreadPoolExecutor with max_workers) or the connections (a pool with a maximum); then conncalc counts it (or say it now: --assume ${ctx.processType}.extras=N)`,
      line: many[0].line,
      message: `${ctx.processType}: ${many.map(label).slice(0, 3).join(', ')} start${many.length === 1 ? 's' : ''} a thread each time it runs, and no pool caps the connections of a ${server} process: each thread that queries holds its own connection, so their number has no bound`,
      processType: ctx.processType,
      severity: 'warning',
    })
  }

  // With no pool that caps them (Django's connection per thread, NullPool) each thread's connection is its own: outside the pool.
  return {diagnostics, extras: [{count, inPool: cap !== undefined, kind: 'app-threads', reason: `threads the app starts in ${each} (${where})`}]}
}
