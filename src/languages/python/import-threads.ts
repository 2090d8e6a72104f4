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
import {classOf, type EvalValue, type PyCall, type PyFunctionSites, type PyModule, subclassesOf} from './values.js'

import {assumed, type Source, type Sourced, sourced} from '../../model/source.js'
import {cliCommandOf, THREAD_POOLS, threadPoolSize} from './started-threads.js'

/** Calls that start one thread each (import-qualified callees). */
const ONE_THREAD = new Set(['_thread.start_new_thread', 'threading.Thread', 'threading.Timer', 'thread.start_new_thread'])
/** Calls that start threads: one each, or a pool of them (ThreadPoolExecutor, multiprocessing's ThreadPool). */
const THREAD_STARTS = new Set([...ONE_THREAD, ...THREAD_POOLS.keys()])
/** How far a helper's callers are followed up to a request handler, a job or a process's entry (helper → helper → view). */
const CALLER_DEPTH = 6
/** How deep a thread's target is followed into the app's functions it calls, looking for a database call. */
const QUIET_DEPTH = 4

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
  /** Called from a request handler and from a job (handler names the first): in a job server, this job. */
  jobToo?: string
  /** A helper's callers also lead elsewhere than `many` says (module level, a caller not followed): it may run in any process. */
  elsewhere?: boolean
  /** Started per request, per job or in a loop, but its target (named) makes no database call conncalc sees: counted once. */
  quiet?: string
  /** A thread pool (ThreadPoolExecutor(max_workers=4)): the call, to size it (threadPoolSize); absent for one thread. */
  pool?: {base: string; call: PyCall}
  /**
   * A pool whose function hands it a known number of tasks and nothing else (`executor.submit(f)` once, in no loop or
   * comprehension): at most that many of its threads run at once, whatever its size. Absent when the tasks are not counted.
   */
  tasks?: {count: number; line: number}
}

/** What hands a pool its work: concurrent.futures' submit/map, multiprocessing.pool's apply/map families. */
const POOL_TASK = /\.(submit|map|apply|apply_async|map_async|imap|imap_unordered|starmap|starmap_async)$/
/** Of those, the ones that hand it one task per call (the others one per item of an iterable). */
const ONE_TASK = /\.(submit|apply|apply_async)$/

/**
 * The tasks a pool made in a function is handed there, when they can be counted: its function (or the module body) makes
 * no other pool and every task call is submit/apply outside any loop or comprehension. Undefined otherwise (the pool may
 * be kept and fed elsewhere, or fed in a loop): then its size is what may run at once.
 */
function tasksOf(pool: PyCall, calls: readonly PyCall[]): {count: number; line: number} | undefined {
  const same = (c: PyCall): boolean => c.within?.name === pool.within?.name
  const pools = calls.filter((c) => same(c) && THREAD_POOLS.has(c.callee))
  const tasks = calls.filter((c) => same(c) && POOL_TASK.test(c.callee))
  if (pools.length !== 1 || tasks.length === 0 || tasks.some((c) => c.loop || !ONE_TASK.test(c.callee))) return undefined
  return {count: tasks.length, line: tasks[0].line}
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

const jobName = (within: PyFunctionSites | undefined): string | undefined => ((within?.decorators ?? []).some((d) => TASK_DECORATOR.test(d)) ? within?.name : undefined)

/** A call of the app's, with the module it is in. */
interface AppCall {
  call: PyCall
  file: string
}

/** The module a file is, dotted (`app/mail/send.py` → "app.mail.send", a package's `__init__.py` → the package). */
const moduleOf = (file: string): string => file.replace(/\.py$/, '').replace(/\/__init__$/, '').replaceAll('/', '.')

/**
 * Does `c` (in `file`) call `fn`? A call site the function kept (PyFunctionSites.sites), else by the name the call uses,
 * import-qualified: the function's own name in its own module
 * (or `self.name` / `cls.name` in a method of its class), else a dotted name whose module is the function's
 * (`app.mail.send_async`, `.mail.send_async`, `Mailer.send` of a class in that module).
 */
function calls(c: AppCall, fn: PyFunctionSites, all?: readonly AppCall[]): boolean {
  // Called where the evaluator had the function itself (imported from its module, or defined above): a site it kept.
  if (sitesOf(fn).has(`${c.file}:${c.call.line}`)) return true
  const [cls, name] = fn.name.includes('.') ? fn.name.split('.') : [undefined, fn.name]
  const callee = c.call.callee
  // `self._open().run()` in a method of K, where K._open builds an instance of the function's class (`s = Settlement(self)`):
  // that class's method (factoryBuilds).
  const made = /^self\.(\w+)\(\)\.(\w+)$/.exec(callee)
  if (made && cls !== undefined && made[2] === name && all && factoryBuilds(c, made[1], fn, all)) return true
  // `app.settlement_runner.run_settlement()` where the app sets `app.settlement_runner = SettlementRunner(app)` (or
  // `self.settlement_runner = …` in a method): the method of the class that attribute holds.
  const path = callee.replace(/\(\)/g, '').split('.')
  if (cls !== undefined && all && path.length >= 3 && path.at(-1) === name && (indexOf(all).byAttr.get(path.at(-2)!) ?? []).some((x) => constructs(x, fn))) return true
  if (c.file === fn.file) {
    if (cls === undefined) return callee === name
    if (callee === `${cls}.${name}` || callee === `${cls}().${name}`) return true
    return (callee === `self.${name}` || callee === `cls.${name}`) && (c.call.within?.name ?? '').startsWith(`${cls}.`)
  }

  const parts = callee.replace(/^\.+/, '').replace(/\(\)/g, '').split('.')
  if (parts.at(-1) !== name || parts.length < 2) return false
  const owner = parts.slice(0, cls === undefined ? -1 : -2)
  if (cls !== undefined && parts.at(-2) !== cls) return false
  const module = moduleOf(fn.file)
  const written = owner.join('.')
  return written !== '' && (module === written || module.endsWith(`.${written}`))
}

/**
 * Does the method `method` of the class `c` is called in return an instance of `fn`'s class it builds: `return
 * Settlement(self)`, or `s = Settlement(self)` (`self.s = …`) then `return s` (`return self.s`)? A method that builds one
 * and returns something else (or nothing) is not its factory.
 */
function factoryBuilds(c: AppCall, method: string, fn: PyFunctionSites, all: readonly AppCall[]): boolean {
  const owner = c.call.within?.name.split('.')
  if (owner?.length !== 2) return false
  const cls = fn.name.split('.')[0]
  return (indexOf(all).byWithin.get(`${c.file}:${owner[0]}.${method}`) ?? []).some((x) => {
    if (!constructs(x, fn)) return false
    const returns = x.call.within?.returns ?? []
    return returns.some((r) => new RegExp(`^(?:[\\w.]+\\.)?${cls}\\(`).test(r) || (x.call.assignedTo !== undefined && r === x.call.assignedTo) || (x.call.assignedAttr !== undefined && r === `self.${x.call.assignedAttr}`))
  })
}

/**
 * Does `x` build an instance of the class of the method `fn`: `Settlement(self)` (the class by its name, as its module
 * and the modules that import it from there write it), `settlement.Settlement(self)`?
 */
function constructs(x: AppCall, fn: PyFunctionSites): boolean {
  const cls = fn.name.split('.')[0]
  if (x.call.callee === cls) return true
  const parts = x.call.callee.replace(/^\.+/, '').split('.')
  const written = parts.slice(0, -1).join('.')
  const module = moduleOf(fn.file)
  return parts.at(-1) === cls && written !== '' && (module === written || module.endsWith(`.${written}`))
}

/**
 * The functions that start a process of their own (a console script the app declares, `main` of `ledger.cli.settle`) and
 * the entry modules other process types run, which the web server never imports: a caller there runs only in that
 * process, as a CLI command's does. `others` are the modules read from those entries (their calls are callers too);
 * `roots` names each root function (`file:name`) by what runs it.
 */
export interface EntryRoots {
  others: readonly PyModule[]
  roots: ReadonlyMap<string, string>
}

/** The CLI command (or console-script root) `within` is, when it is one. */
function rootOf(within: PyFunctionSites | undefined, entry: EntryRoots | undefined): string | undefined {
  return cliCommandOf(within) ?? (within && entry ? entry.roots.get(`${within.file}:${within.name}`) : undefined)
}

/**
 * How a function of the app is called, followed up its callers (at most CALLER_DEPTH): from a request handler (a
 * thread it starts runs per request), from a job (per job), in a loop, or at import. `send_welcome(user)` in a view
 * makes the thread `send_welcome` starts one per request, as if the view started it.
 */
function callersOf(fn: PyFunctionSites, all: readonly AppCall[], entry?: EntryRoots, depth = 0, memo = new Map<PyFunctionSites, Callers | undefined>()): Callers {
  if (depth >= CALLER_DEPTH) return {}
  // Reached again by another path: what it was found to lead to; while it is still being followed (recursion), nothing more.
  if (memo.has(fn)) return memo.get(fn) ?? {cycle: true}
  memo.set(fn, undefined)
  const out: Callers = {}
  // One caller function is followed once, however many of its calls match (two calls on one line keep one site).
  const followed = new Set<PyFunctionSites>()
  for (const c of mayCall(fn, all)) {
    if (c.call.within === fn || !calls(c, fn, all)) continue
    const within = c.call.within
    if (within && followed.has(within)) continue
    if (within) followed.add(within)
    if (c.call.loop) out.loop = true
    const handler = requestHandler(within)
    const job = jobName(within)
    // At module level in an entry module the server never imports, or under `if __name__ == "__main__":`: only when run as a program.
    const main = !within && ((c.call.arms ?? []).some((a) => /__name__/.test(a.cond)) || entry?.others.some((m) => m.file === c.file)) ? `${c.file} run as a program` : undefined
    const cli = rootOf(within, entry) ?? main
    if (handler) out.handler ??= `${fn.name}, called from ${handler} at ${c.file}:${c.call.line}`
    else if (job) out.job ??= `${fn.name}, called from ${job} at ${c.file}:${c.call.line}`
    else if (cli) out.cli ??= cli
    else if (within) {
      const up = callersOf(within, all, entry, depth + 1, memo)
      if (up.loop) out.loop = true
      if (up.handler) out.handler ??= `${fn.name} ← ${up.handler}`
      if (up.job) out.job ??= `${fn.name} ← ${up.job}`
      if (up.cli) out.cli ??= up.cli
      // A caller neither a request, a job nor a CLI command leads (as far as conncalc follows it): it may run in any process.
      if (up.elsewhere || (!up.handler && !up.job && !up.cli && !up.cycle)) out.elsewhere = true
    } else out.elsewhere = true
  }

  memo.set(fn, out)
  return out
}

/**
 * The calls of a list by the last name their callee writes (`send` of `mail.send()`, `self._open().send`) and by `file:line`, as
 * places in it; and, as calls, by the attribute their result is assigned to (`self.runner = Runner(app)`) and by the function
 * they are in (`file:Class.method`). calls() asked every call of the app for each of those (Skyvern: a fifth of its run).
 */
interface CallIndex {
  byAttr: Map<string, AppCall[]>
  byName: Map<string, number[]>
  bySite: Map<string, number[]>
  byWithin: Map<string, AppCall[]>
}

const callIndexes = new WeakMap<readonly AppCall[], CallIndex>()

function indexOf(all: readonly AppCall[]): CallIndex {
  let index = callIndexes.get(all)
  if (index) return index
  index = {byAttr: new Map(), byName: new Map(), bySite: new Map(), byWithin: new Map()}
  const add = <T,>(map: Map<string, T[]>, key: string, item: T): void => {
    const list = map.get(key)
    if (list) list.push(item)
    else map.set(key, [item])
  }

  for (const [i, c] of all.entries()) {
    add(index.byName, c.call.callee.replace(/\(\)/g, '').split('.').at(-1)!, i)
    add(index.bySite, `${c.file}:${c.call.line}`, i)
    if (c.call.assignedAttr !== undefined) add(index.byAttr, c.call.assignedAttr, c)
    if (c.call.within) add(index.byWithin, `${c.file}:${c.call.within.name}`, c)
  }

  callIndexes.set(all, index)
  return index
}

/** A function's kept call sites as `file:line` (a function called from thousands of places is asked once per candidate call). */
const siteSets = new WeakMap<PyFunctionSites, {n: number; set: Set<string>}>()
function sitesOf(fn: PyFunctionSites): ReadonlySet<string> {
  const kept = siteSets.get(fn)
  // Sites are added while the app's modules are evaluated: a set made before the last one is made again.
  if (kept && kept.n === fn.sites.length) return kept.set
  const set = new Set(fn.sites.map((s) => `${s.file}:${s.line}`))
  siteSets.set(fn, {n: fn.sites.length, set})
  return set
}

/**
 * The calls of `all` that may call `fn`, in `all`'s order: calls() is false for any other (each of its tests needs the
 * callee's last name to be the function's, or a site the function kept there). callersOf asked calls() of every call of
 * the app for every function it follows (rolodexter/toys: a sixth of the run).
 */
function mayCall(fn: PyFunctionSites, all: readonly AppCall[]): AppCall[] {
  const index = indexOf(all)
  const at = new Set(index.byName.get(fn.name.includes('.') ? fn.name.split('.')[1] : fn.name))
  for (const s of fn.sites) for (const i of index.bySite.get(`${s.file}:${s.line}`) ?? []) at.add(i)
  return [...at].sort((a, b) => a - b).map((i) => all[i])
}

/** Where a helper's callers lead: a request handler, a job, a loop, or elsewhere (module level, a caller not followed). */
interface Callers {
  /** A command of the app's CLI (click, the Flask CLI, Typer, Flask-Script) leads here: it runs only in the process running that command. */
  cli?: string
  /** The function is being followed already, further up this chain (recursion): its callers are counted there. */
  cycle?: boolean
  elsewhere?: boolean
  handler?: string
  job?: string
  loop?: boolean
}

/** Python's builtins a function body may call by their bare name (https://docs.python.org/3/library/functions.html), and its exceptions' common ones. */
const BUILTINS = new Set(['abs', 'all', 'any', 'ascii', 'bin', 'bool', 'bytearray', 'bytes', 'callable', 'chr', 'dict', 'dir', 'divmod', 'enumerate', 'filter', 'float', 'format', 'frozenset', 'getattr', 'hasattr', 'hash', 'hex', 'id', 'int', 'isinstance', 'issubclass', 'iter', 'len', 'list', 'map', 'max', 'min', 'next', 'object', 'oct', 'ord', 'pow', 'print', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'str', 'sum', 'super', 'tuple', 'type', 'vars', 'zip', 'Exception', 'ValueError', 'KeyError', 'TypeError', 'RuntimeError'])

/** Calls that reach a database: an ORM session or query, an engine or DB-API connection and cursor, Django's managers and saves. */
const DATABASE_CALL = /(^|\.)(session|db|engine|cursor|conn|connection|objects|query|pool)(\(\))?\.|(^|\.)(execute|executemany|commit|rollback|save|delete|bulk_create|bulk_update|get_or_create|update_or_create|fetchone|fetchall|fetchmany|scalar|scalars|exec_driver_sql|begin|raw|first|one|all|filter|filter_by|get)$/

/** The function a one-thread start runs: Thread(target=f), Timer(t, f), start_new_thread(f, args). */
function targetOf(c: PyCall, base: string): string | undefined {
  const text = base === 'threading.Thread' ? c.kwargText.target : base === 'threading.Timer' ? (c.kwargText.function ?? c.argNames?.[1]) : c.argNames?.[0]
  return text?.replace(/^(self|cls)\./, '').split('.').at(-1)
}

/**
 * Does the app's function `name` (and what it calls of the app's, by name, QUIET_DEPTH deep) make no call that reaches a
 * database? `send_async_email(app, msg)` doing `mail.send(msg)` in an app context: no. Undefined when the function is
 * not found among the modules read (an installed package's, a lambda). Calls into installed packages are not followed.
 */
function quietFunction(name: string, all: readonly AppCall[], defined: ReadonlySet<string>, classes: ReadonlySet<string>, depth = 0, seen = new Set<string>()): boolean | undefined {
  if (!defined.has(name)) return undefined
  if (seen.has(name) || depth >= QUIET_DEPTH) return true
  seen.add(name)
  for (const c of all) {
    if (c.call.within?.name.split('.').at(-1) !== name) continue
    if (DATABASE_CALL.test(c.call.callee)) return false
    // `func(*a)` of a parameter or a local (`def g(*a): return func(*a)` inside `threaded_map(func, …)`): whatever the
    // caller passes. A bare name that is neither a builtin nor the app's function or class is such a value.
    if (!c.call.callee.includes('.') && !BUILTINS.has(c.call.callee) && !defined.has(c.call.callee) && !classes.has(c.call.callee)) return false
    const called = c.call.callee.replace(/\(\)/g, '').split('.').at(-1) ?? ''
    if (called !== name && defined.has(called) && quietFunction(called, all, defined, classes, depth + 1, seen) !== true) return false
  }

  return true
}

/**
 * The functions a pool made at `pool` runs: the first argument of every submit/map/apply call in its function (or module
 * body), by the name written (`executor.submit(engine.analyze, x)` → "analyze"). Undefined when there is none, or one is
 * not a plain name (a lambda, a call's result): then what the pool's threads run is not known.
 */
function poolTargets(pool: PyCall, calls: readonly PyCall[]): string[] | undefined {
  const tasks = calls.filter((c) => c.within?.name === pool.within?.name && POOL_TASK.test(c.callee))
  if (tasks.length === 0) return undefined
  const names = tasks.map((c) => c.argNames?.[0]?.replace(/^(self|cls)\./, '').split('.').at(-1))
  return names.every((n): n is string => n !== undefined && /^\w+$/.test(n)) ? [...new Set(names)] : undefined
}

/** The app's functions and methods by name, and its classes (quietFunction's `defined` and `classes`). */
function appNames(modules: readonly PyModule[], all: readonly AppCall[]): {classes: Set<string>; defined: Set<string>} {
  const isFunction = (v: EvalValue): boolean => v.kind === 'known' && typeof v.value === 'object' && v.value !== null && !Array.isArray(v.value) && v.value.kind === 'function'
  const defined = new Set<string>([
    ...modules.flatMap((m) => [...m.names].flatMap(([k, v]) => (isFunction(v) ? [k] : [...(classOf(v)?.attrs.keys() ?? [])]))),
    ...all.flatMap((c) => (c.call.within ? [c.call.within.name.split('.').at(-1)!] : [])),
  ])
  const classes = new Set(modules.flatMap((m) => [...m.names].flatMap(([k, v]) => (classOf(v) ? [k] : []))))
  return {classes, defined}
}

/**
 * The thread pools (`file:line`) in `modules` whose every task is a function of the app's that makes no database call
 * conncalc sees, each with those functions' names: its threads hold no connection, however many (counted once).
 */
export function quietPools(modules: readonly PyModule[]): Map<string, string> {
  const all: AppCall[] = modules.flatMap((m) => m.calls.map((call) => ({call, file: m.file})))
  const {classes, defined} = appNames(modules, all)
  const found = new Map<string, string>()
  for (const m of modules) {
    for (const c of m.calls) {
      if (!THREAD_POOLS.has(c.callee)) continue
      const targets = poolTargets(c, m.calls)
      if (targets !== undefined && targets.every((t) => quietFunction(t, all, defined, classes) === true)) found.set(`${m.file}:${c.line}`, targets.join(', '))
    }
  }

  return found
}

/**
 * A method of the app's own class that never runs in this process: the class has no base a framework could call it
 * through (none, or object), the method is no dunder Python calls itself and has no decorator that may register it,
 * and no call in the code read calls it, or is handed it (`atexit.register(sender.enable_pool)`, `Thread(target=…)`),
 * by its name. `def enable_background_pool(self): self._pool = ThreadPoolExecutor(10)` that nothing enables.
 */
function uncalledMethod(fn: PyFunctionSites, all: readonly AppCall[]): boolean {
  const name = fn.name.split('.').at(-1) ?? fn.name
  if (fn.classBases === undefined || fn.classBases.some((b) => b !== 'object' && b !== 'builtins.object')) return false
  if (fn.decorated || (fn.decorators ?? []).length > 0 || /^__\w+__$/.test(name) || fn.sites.length > 0 || fn.truncated) return false
  const names = (text: string | undefined): boolean => text !== undefined && text.replace(/\(\)/g, '').split('.').at(-1) === name
  return !all.some(({call}) => names(call.callee) || (call.argNames ?? []).some(names) || Object.values(call.kwargText).some(names))
}

/** Every site in `modules` that starts a thread, outside an `if __name__ == "__main__":` (which an import never runs). */
export function threadStarts(modules: readonly PyModule[], entry?: EntryRoots): ThreadStart[] {
  const subclasses = subclassesOf(modules, THREAD_STARTS)
  const starts: ThreadStart[] = []
  const mine = new Set(modules.map((m) => m.file))
  const others = entry ? {...entry, others: entry.others.filter((m) => !mine.has(m.file))} : undefined
  const all: AppCall[] = [...modules, ...(others?.others ?? [])].flatMap((m) => m.calls.map((call) => ({call, file: m.file})))
  // The app's functions and methods by name (module-level defs, class methods, any def whose body has a call) and its
  // classes (calling one builds an instance; its methods are followed by their own names).
  const {classes, defined} = appNames(modules, all)
  for (const m of modules) {
    for (const c of m.calls) {
      const base = THREAD_STARTS.has(c.callee) ? c.callee : subclasses.get(c.callee)
      if (base === undefined) continue
      if ((c.arms ?? []).some((a) => /__name__/.test(a.cond))) continue
      if (starts.some((s) => s.file === m.file && s.line === c.line)) continue
      // A helper neither a route nor a task: who calls it decides (a view calling it starts a thread per request).
      const own = {handler: requestHandler(c.within), job: jobName(c.within)}
      // In a method nothing calls (uncalledMethod): it never runs, nor starts its threads.
      if (c.within && !own.handler && !own.job && uncalledMethod(c.within, all)) continue
      const up: Callers = c.within && !own.handler && !own.job ? callersOf(c.within, all, others) : {}
      // In a command of the app's CLI, or a helper only such commands (or console scripts, entry modules the server never
      // imports) call: it runs in the process running that command, never in a web or job server's (cli-command.ts reads it there).
      const cli = rootOf(c.within, others) ?? (up.cli && !up.handler && !up.job && !up.elsewhere ? up.cli : undefined)
      if (cli !== undefined && !own.handler && !own.job) continue
      const handler = own.handler ?? up.handler
      const job = own.job ?? up.job
      const loop = c.loop || up.loop
      // A thread whose target makes no database call conncalc sees (mail sent in the background) holds no connection
      // however often it starts: counted once, as any site, not up to the pool.
      const target = THREAD_POOLS.has(base) ? undefined : targetOf(c, base)
      const quiet = target !== undefined && (loop || handler || job) ? quietFunction(target, all, defined, classes) === true : false
      // A pool whose every task is a function of the app's that makes no database call conncalc sees (an LLM or HTTP
      // request per provider): its threads hold none, however many; counted once, as a quiet thread is.
      const targets = THREAD_POOLS.has(base) ? poolTargets(c, m.calls) : undefined
      const quietPool = targets !== undefined && targets.every((t) => quietFunction(t, all, defined, classes) === true) ? targets.join(', ') : undefined
      // A helper both a view and a task call runs per request in a web server and per job in a worker (runsIn).
      const many = loop ? 'loop' : handler ? 'request' : job ? 'job' : undefined
      const pool = THREAD_POOLS.has(base) ? {pool: {base, call: c}} : {}
      const tasks = THREAD_POOLS.has(base) ? tasksOf(c, m.calls) : undefined
      const both = handler && job && !loop ? {jobToo: job} : {}
      const elsewhere = many && many !== 'loop' && 'elsewhere' in up && up.elsewhere ? {elsewhere: true} : {}
      starts.push({callee: base === c.callee ? c.callee : `${c.callee} (a ${base})`, file: m.file, line: c.line, ...(many ? {many} : {}), ...(quiet ? {quiet: target} : quietPool ? {quiet: quietPool} : {}), ...((handler ?? job) && !loop ? {handler: handler ?? job} : {}), ...both, ...elsewhere, ...(!c.within || c.within.sites.some((x) => x.once) ? {atImport: true} : {}), ...pool, ...(tasks ? {tasks} : {})})
    }
  }

  return starts
}

/**
 * The start sites (`file:line`) in a command of the app's CLI, or in a helper only such commands call (followed up its
 * callers as threadStarts does), each with that command's function name: they run only in the process running it.
 */
export function cliCommandStarts(modules: readonly PyModule[], isStart: (c: PyCall) => boolean): Map<string, string> {
  const all: AppCall[] = modules.flatMap((m) => m.calls.map((call) => ({call, file: m.file})))
  const found = new Map<string, string>()
  for (const m of modules) {
    for (const c of m.calls) {
      if (!isStart(c) || !c.within) continue
      const own = cliCommandOf(c.within)
      if (own !== undefined) {
        found.set(`${m.file}:${c.line}`, own)
        continue
      }

      if (requestHandler(c.within) || jobName(c.within)) continue
      const up = callersOf(c.within, all)
      if (up.cli && !up.handler && !up.job && !up.elsewhere) found.set(`${m.file}:${c.line}`, up.cli)
    }
  }

  return found
}

/**
 * The starts that run in a web server's processes (`web`) or a job server's: a request's thread runs only where
 * requests are served, a job's only where jobs run; a helper both call is per request in the one, per job in the other.
 */
export function startsIn(starts: readonly ThreadStart[], web: boolean): ThreadStart[] {
  return starts.flatMap((s): ThreadStart[] => {
    if (s.jobToo !== undefined) return [web ? s : {...s, handler: s.jobToo, many: 'job'}]
    if (!(web ? s.many === 'job' : s.many === 'request')) return [s]
    // Also called from a place that is neither (module level, a caller not followed): once, as any other site.
    const {handler: _handler, many: _many, ...once} = s
    return s.elsewhere ? [once] : []
  })
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
  // A thread pool's threads (ThreadPoolExecutor(max_workers=4)) each may hold a connection: its size, else 1 (said).
  const sizes = new Map(starts.map((s) => [s, s.pool ? threadPoolSize(ctx, s.pool.call, s.file, s.pool.base) : undefined]))
  // A pool handed a known number of tasks runs at most that many threads at once (tasksOf).
  // A pool whose tasks make no database call (quiet) counts once, as a quiet thread does.
  const width = (s: ThreadStart): number => (s.pool && s.quiet ? 1 : Math.min(sizes.get(s)?.value ?? 1, s.tasks?.count ?? Number.POSITIVE_INFINITY))
  const label = (s: ThreadStart): string => {
    const how0 = s.many === 'loop' ? 'in a loop' : s.many === 'request' ? `per request, in ${s.handler}` : s.many === 'job' ? `per job, in ${s.handler}` : undefined
    const how = s.quiet
      ? s.pool
        ? `${how0 ? `${how0}; ` : ''}its tasks (${s.quiet}) make no database call conncalc sees: counted once, not per thread`
        : `${how0 ? `${how0}; ` : ''}its target ${s.quiet} makes no database call conncalc sees: counted once however often it starts`
      : how0
    const fed = s.tasks && sizes.get(s) && s.tasks.count < sizes.get(s)!.value ? `, handed ${s.tasks.count} task${s.tasks.count === 1 ? '' : 's'} at ${s.file}:${s.tasks.line} and nothing else: ${width(s)} at once` : ''
    const size = s.pool ? (sizes.get(s) ? `a pool of ${sizes.get(s)!.value}${fed}` : 'a pool whose size conncalc cannot read: 1 counted') : undefined
    const notes = [how, size].filter((x) => x !== undefined)
    return `${s.callee} at ${s.file}:${s.line}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`
  }

  const where = starts.slice(0, 3).map(label).join(', ') + (starts.length > 3 ? `, ${starts.length - 3} more` : '')
  // A start whose target makes no database call (quiet) counts once, as a site that starts one thread does.
  const many = starts.filter((s) => s.many && !s.quiet)
  const once = starts.filter((s) => !s.many || s.quiet).reduce((a, s) => a + width(s), 0)
  const all = starts.reduce((a, s) => a + width(s), 0)
  const bounded = many.length > 0 && cap !== undefined
  // The request threads and the once-sites' threads take their share of the pool; the many-sites' threads the rest.
  const n = bounded ? Math.max(once, cap.value - threads) : all
  const pooled = starts.some((s) => s.pool)
  const rule = many.length === 0
    ? pooled ? `each thread they start (a pool's threads each) is counted as holding one connection: ${n}` : `${n === 1 ? 'the start site is' : `each of the ${n} start sites is`} counted as one thread holding one connection`
    : bounded
      ? `a site that starts threads per request, per job or in a loop can take every connection the app's pool (${cap.value}) has beside the ${threads} request thread(s)${once > 0 ? ` and ${once} other site${once === 1 ? '' : 's'}` : ''}: ${n} counted, the pool is the bound`
      : `a site that starts threads per request, per job or in a loop has no bound (no pool caps the process's connections); each site is counted as ${pooled ? 'the threads it starts once' : 'one'}, which is too few`
  const sized = [...sizes.values()].flatMap((z) => (z ? [z.source, ...(z.via ?? [])] : []))
  const via: Source[] = [...(bounded ? [cap.source, ...(cap.via ?? [])] : []), ...sized]
  const count = sourced(n, assumed(`the app starts threads of its own (${where}) in ${each}; conncalc cannot tell how many run at once or whether they hold a connection: ${rule}`), via.length > 0 ? via : undefined)
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
