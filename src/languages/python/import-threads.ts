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
import {type PyModule, subclassesOf} from './values.js'

import {assumed, sourced} from '../../model/source.js'

/** Calls that start one thread each (import-qualified callees). */
const THREAD_STARTS = new Set(['_thread.start_new_thread', 'threading.Thread', 'threading.Timer', 'thread.start_new_thread'])

/** The Python web servers: each of their worker processes imports the app. */
export const WEB_SERVERS = new Set(['daphne', 'gevent', 'granian', 'gunicorn', 'hypercorn', 'uvicorn', 'uwsgi', 'waitress', 'werkzeug'])

export interface ThreadStart {
  callee: string
  file: string
  line: number
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
      starts.push({callee: base === c.callee ? c.callee : `${c.callee} (a ${base})`, file: m.file, line: c.line})
    }
  }

  return starts
}

/** The extra connections per process for the threads `starts` make, with the warning that says they are assumed. */
export function startedThreadExtras(starts: readonly ThreadStart[], ctx: AnalyzerContext, server: string): {diagnostics: Diagnostic[]; extras: Extra[]} {
  if (starts.length === 0) return {diagnostics: [], extras: []}
  const where = starts.slice(0, 3).map((s) => `${s.callee} at ${s.file}:${s.line}`).join(', ') + (starts.length > 3 ? `, ${starts.length - 3} more` : '')
  const n = starts.length
  const count = sourced(n, assumed(`the app starts threads of its own (${where}) in every ${server} process that imports it; conncalc cannot tell how many run at once or whether they hold a connection: ${n === 1 ? 'the start site is' : `each of the ${n} start sites is`} counted as one thread holding one connection`))
  return {
    diagnostics: [{
      code: 'unknown-command',
      file: starts[0].file,
      fix: `say how many connections those threads hold per process: --assume ${ctx.processType}.extras=N`,
      line: starts[0].line,
      message: `${ctx.processType}: the app starts threads beside ${server}'s request threads (${where}); a cron/ticker thread started while the app is built runs in every worker process, and one that keeps a connection (an advisory lock) holds it for good. Counted as ${n} more connection${n === 1 ? '' : 's'} per process, an assumption`,
      processType: ctx.processType,
      severity: 'warning',
    }],
    extras: [{count, inPool: true, kind: 'app-threads', reason: `threads the app starts in each ${server} process (${where})`}],
  }
}
