/**
 * A script that starts a server in its own code (`python run.py` whose run.py calls
 * `uvicorn.run("app.main:app", workers=4)`, `waitress.serve(app)`, Daphne's `Server(...).run()`,
 * `asyncio.run(hypercorn.asyncio.serve(app, config))`): the process is that server, not a script
 * on its main thread. Read from the calls the script's own module makes (its `__main__` block
 * or the function it calls there); the options are the call's keyword arguments.
 *
 * - uvicorn.run(app, workers=N, limit_concurrency=L): `workers` else $WEB_CONCURRENCY else 1
 *   (uvicorn/config.py `self.workers = workers or 1`, then `if workers is None and
 *   "WEB_CONCURRENCY" in os.environ`); more than one worker forks that many processes
 *   (main.py run(): `Multiprocess(config, target=server.run, …)`). uvicorn.Server(config).run()
 *   serves in the calling process: one, whatever Config's workers says.
 * - waitress.serve(app, threads=N): one process, N task threads, default 4 (adjustments.py).
 * - daphne.server.Server(...) and daphne.cli.CommandLineInterface().run([...]): one process,
 *   an event loop (Daphne has no workers).
 * - hypercorn.asyncio.serve / hypercorn.trio.serve: one process; "configuration values that
 *   relate to loop setup or process setup are ignored" (hypercorn/asyncio/__init__.py), so
 *   Config.workers is not used.
 * - gunicorn started from code, `StandaloneApplication(app, options).run()` where the class
 *   subclasses gunicorn.app.base.BaseApplication and its load_config copies `options` into
 *   gunicorn's settings (docs.gunicorn.org custom.html): gunicorn with those settings — workers
 *   (else $WEB_CONCURRENCY, else 1: config.py Workers), threads, worker_class,
 *   worker_connections. BaseApplication reads no command line, GUNICORN_CMD_ARGS or
 *   gunicorn.conf.py (only its subclass Application does, app/base.py).
 * - gevent.pywsgi.WSGIServer(listener, app, spawn=…).serve_forever(): one process serving each
 *   connection on a greenlet of its own; `spawn` an integer or a gevent.pool.Pool(N) caps them
 *   at N, the default 'default' spawns one per connection with no limit (gevent/baseserver.py).
 * - Pyramid's pserve run from code, `pyramid.scripts.pserve.main(argv=["pserve", "app.ini", "name=value"])` (a console
 *   script such as `kinto start`): the server the ini's `[server:main]` names (pasteini.ts).
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue, PyCall, PyClass, PyModule} from './values.js'
import type {PerRequestThreads} from './server.js'
import type {PythonProject} from './modules.js'

import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {gunicornWorkers} from './gunicorn.js'
import {pyCandidate} from './candidate.js'
import {asInteger, asString, entry, isCall, isDict} from './evaluate.js'
import {moduleOfAppSpec} from './modules.js'
import {defaultWorkers} from './server.js'
import {type Candidate, envCandidate, firstOf, unreadFallback} from '../common/setting.js'

const UVICORN_CONFIG = 'https://github.com/encode/uvicorn/blob/master/uvicorn/config.py'
const UVICORN_MAIN = 'https://github.com/encode/uvicorn/blob/master/uvicorn/main.py'
const WAITRESS = 'https://github.com/Pylons/waitress/blob/main/src/waitress/adjustments.py'
const DAPHNE = 'https://github.com/django/daphne/blob/main/daphne/server.py'
const HYPERCORN = 'https://github.com/pgjones/hypercorn/blob/main/src/hypercorn/asyncio/__init__.py'
const GUNICORN_CUSTOM = 'https://docs.gunicorn.org/en/stable/custom.html'
const GEVENT_SERVER = 'https://github.com/gevent/gevent/blob/master/src/gevent/baseserver.py'

export interface ServerInCode {
  diagnostics: Diagnostic[]
  /** The app module a server is given as an import string ("app.main:app" → app.main), to read its pools. */
  entry?: string
  processes: Sourced<number>
  server: string
  threads: 'event-loop' | PerRequestThreads | Sourced<number>
  /** The threads are greenlets (gevent): a pool smaller than them is the intended bound. */
  greenlets?: boolean
}

const UVICORN_RUN = new Set(['uvicorn.run', 'uvicorn.main.run'])
const UVICORN_SERVER = new Set(['uvicorn.Server', 'uvicorn.server.Server'])
const DAPHNE_SERVER = new Set(['daphne.server.Server', 'daphne.cli.CommandLineInterface().run', 'daphne.cli.CommandLineInterface.entrypoint'])
const HYPERCORN_SERVE = new Set(['hypercorn.asyncio.serve', 'hypercorn.trio.serve'])
const WAITRESS_SERVE = new Set(['waitress.serve'])
const GEVENT_WSGI = new Set(['gevent.pywsgi.WSGIServer', 'gevent.wsgi.WSGIServer'])
const PSERVE = new Set(['pyramid.scripts.pserve.main', 'pyramid.scripts.pserve.PServeCommand'])
const ALL = [UVICORN_RUN, UVICORN_SERVER, DAPHNE_SERVER, HYPERCORN_SERVE, WAITRESS_SERVE, GEVENT_WSGI, PSERVE]
const GUNICORN_BASES = new Set(['gunicorn.app.base.BaseApplication', 'gunicorn.app.base.Application'])

/** The class a call constructs, when it is one of the app's subclasses of gunicorn's BaseApplication. */
function gunicornAppClass(module: PyModule, callee: string): PyClass | undefined {
  const v = module.names.get(callee.split('.').at(-1) ?? '')
  const cls = v?.kind === 'known' && typeof v.value === 'object' && v.value !== null && !Array.isArray(v.value) && v.value.kind === 'class' ? v.value : undefined
  return cls?.bases.some((b) => GUNICORN_BASES.has(b)) ? cls : undefined
}

/**
 * The options a BaseApplication subclass is constructed with: the argument bound to its __init__'s
 * `options` parameter (any name holding "option", "config" or "setting"), `**options` as the call's
 * keywords, else the one dict argument. Undefined when the call passes none.
 */
function gunicornOptions(cls: PyClass, call: PyCall, file: string): EvalValue | undefined {
  const init = cls.attrs.get('__init__')
  const params = init?.kind === 'known' && typeof init.value === 'object' && init.value !== null && !Array.isArray(init.value) && init.value.kind === 'function' ? init.value.params.slice(1) : []
  const named = (p: string): boolean => /option|config|setting|cfg/i.test(p)
  const spread = params.find((p) => p.startsWith('**') && !p.startsWith('***'))
  if (spread && named(spread) && Object.keys(call.kwargs).length > 0) {
    return {file, kind: 'known', line: call.line, value: {entries: new Map(Object.entries(call.kwargs)), kind: 'dict'}, via: []}
  }

  const i = params.findIndex((p) => !p.startsWith('*') && named(p))
  if (i !== -1) return call.kwargs[params[i]] ?? call.args[i]
  const dicts = [...call.args, ...Object.values(call.kwargs)].filter((a) => isDict(a))
  return dicts.length === 1 ? dicts[0] : undefined
}

/** gunicorn started in code by a BaseApplication subclass: its options are gunicorn's settings. */
async function gunicornInCode(module: PyModule, ctx: AnalyzerContext, project: PythonProject, c: PyCall, cls: PyClass): Promise<ServerInCode> {
  const {file} = module
  const at = `${cls.name}(…).run() at ${file}:${c.line}`
  // BaseApplication.load_config raises NotImplementedError: the subclass's own decides what gunicorn is given.
  const loads = cls.attrs.has('load_config')
  const options = loads ? gunicornOptions(cls, c, file) : undefined
  const why = !loads ? `${cls.name} defines no load_config conncalc can read` : options && !isDict(options) ? `cannot read the options ${at} gives gunicorn${options.kind === 'unknown' ? ` (${options.reason})` : ''}` : undefined
  const unread: Candidate = why
    ? {diagnostics: [{code: 'unknown-config-value', file: options?.file ?? file, line: options?.line ?? c.line, message: `${ctx.processType}: ${why}, so its workers and threads are not known`, processType: ctx.processType, severity: 'warning'}]}
    : {diagnostics: []}
  const option = (key: string, what: string): Candidate[] => [pyCandidate(entry(options, key), what)]
  const workerClass = entry(options, 'worker_class')
  const shape = await gunicornWorkers(ctx, project, {
    classSet: workerClass && asString(workerClass) === undefined ? workerClass : undefined,
    threads: option('threads', 'gunicorn threads'),
    workerClass: asString(workerClass),
    workerConnections: option('worker_connections', 'gunicorn worker_connections'),
    workers: [unread, ...option('workers', 'gunicorn workers')],
  })
  const via = fromDefault(`${at} starts gunicorn: ${cls.name} subclasses gunicorn.app.base.BaseApplication, whose load_config sets the options it is given (no command line, GUNICORN_CMD_ARGS or gunicorn.conf.py is read)`, GUNICORN_CUSTOM)
  return {
    diagnostics: shape.diagnostics,
    greenlets: shape.greenlets,
    processes: {...shape.processes, via: [...(shape.processes.via ?? []), via]},
    server: 'gunicorn',
    threads: shape.threads,
  }
}

/** gevent's WSGIServer: greenlets per connection, capped by `spawn` (an integer or a Pool) or not at all. */
function geventInCode(module: PyModule, ctx: AnalyzerContext, c: PyCall): ServerInCode {
  const {file} = module
  const at = `${c.callee}() at ${file}:${c.line}`
  const processes = one(`${at}: gevent's WSGIServer serves from one process`, GEVENT_SERVER, file, c.line)
  const spawn = c.kwargs.spawn ?? c.args[2]
  const size = isCall(spawn) && /(^|\.)Pool$/.test(spawn.value.callee) ? spawn.value.args[0] ?? spawn.value.kwargs.size : spawn
  if (size && asString(size) !== 'default') {
    const read = pyCandidate(size, `${c.callee} spawn`)
    if (read.value) return {diagnostics: [], greenlets: true, processes, server: 'gevent', threads: read.value}
    if (asInteger(size) === undefined) return {diagnostics: read.diagnostics, greenlets: true, processes, server: 'gevent', threads: unreadFallback(read.diagnostics, sourced(1, fromFile(file, c.line)))}
  }

  const because = sourced(true, fromFile(file, c.line), [fromDefault("gevent WSGIServer spawn='default': a new greenlet for every connection, with no limit", GEVENT_SERVER)])
  const threads: PerRequestThreads = {
    because,
    fix: `cap the greenlets: ${c.callee}(listener, app, spawn=N) (or a gevent.pool.Pool(N)), or give the app a pool that bounds its connections`,
    kind: 'per-request',
    ref: GEVENT_SERVER,
    unit: 'greenlet',
  }
  return {diagnostics: [], greenlets: true, processes, server: 'gevent', threads}
}

/** A keyword argument the call sets (None counts as not set: the server's default applies). */
function setKwarg(c: PyCall, name: string): EvalValue | undefined {
  const v = c.kwargs[name]
  return v?.kind === 'known' && v.value === null ? undefined : v
}

/** An integer keyword argument: read, or the default with an assumption when written but unreadable. */
function intKwarg(c: PyCall, name: string, what: string, dflt: Sourced<number>): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const v = setKwarg(c, name)
  if (!v) return {diagnostics: [], value: dflt}
  const read = pyCandidate(v, what)
  return {diagnostics: read.diagnostics, value: read.value ?? unreadFallback(read.diagnostics, dflt)}
}

const one = (why: string, ref: string, file: string, line: number): Sourced<number> => sourced(1, fromFile(file, line), [fromDefault(why, ref)])

/** The server the script `module` starts in its own code, or undefined when it starts none conncalc knows. */
export async function serverInCode(module: PyModule, ctx: AnalyzerContext, project: PythonProject): Promise<ServerInCode | undefined> {
  const app = module.calls.map((call) => ({call, cls: gunicornAppClass(module, call.callee)})).find((x) => x.cls)
  if (app?.cls) return gunicornInCode(module, ctx, project, app.call, app.cls)
  const c = module.calls.find((call) => ALL.some((s) => s.has(call.callee)))
  if (!c) return undefined
  if (GEVENT_WSGI.has(c.callee)) return geventInCode(module, ctx, c)
  if (PSERVE.has(c.callee)) {
    const argv = c.kwargs.argv ?? c.args[0]
    const list = argv?.kind === 'known' && typeof argv.value === 'object' && argv.value !== null && !Array.isArray(argv.value) && argv.value.kind === 'list' ? argv.value.items : undefined
    const words = list?.map((w) => (w.kind === 'known' && typeof w.value === 'string' ? w.value : undefined))
    return (await import('./pasteini.js')).pserveServer(ctx, words, {file: module.file, line: c.line, what: `${c.callee}() at ${module.file}:${c.line}`})
  }

  const {file} = module
  const at = `${c.callee}() at ${file}:${c.line}`
  if (UVICORN_RUN.has(c.callee)) {
    const spec = asString(c.args[0] ?? c.kwargs.app)
    const written = setKwarg(c, 'workers')
    const workers = written
      ? intKwarg(c, 'workers', `${c.callee} workers`, defaultWorkers(ctx, 'uvicorn', UVICORN_CONFIG))
      : firstOf([envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'uvicorn workers')], defaultWorkers(ctx, 'uvicorn', UVICORN_CONFIG))
    const processes = {...workers.value, via: [...(workers.value.via ?? []), fromDefault(`${at} starts uvicorn: workers (else $WEB_CONCURRENCY, else 1) processes`, UVICORN_MAIN)]}
    const limit = setKwarg(c, 'limit_concurrency') ? pyCandidate(c.kwargs.limit_concurrency, `${c.callee} limit_concurrency`) : {diagnostics: []}
    // main.py run(): `if (config.reload or config.workers > 1) and not isinstance(app, str): … sys.exit(1)`.
    const app = c.args[0] ?? c.kwargs.app
    const exits: Diagnostic[] =
      workers.value.value > 1 && app?.kind === 'known' && typeof app.value !== 'string'
        ? [{
            code: 'missing-config',
            file,
            fix: `pass the app as an import string, ${c.callee}("module:app", workers=…), or run one worker (workers=1)`,
            line: c.line,
            message: `${ctx.processType}: ${at} is given the app object with ${workers.value.value} workers${written ? '' : ' (WEB_CONCURRENCY)'}; uvicorn exits at start ("You must pass the application as an import string to enable 'reload' or 'workers'", uvicorn/main.py) — the process would not boot; conncalc counts it as if it did`,
            processType: ctx.processType,
            severity: 'error',
          }]
        : []
    return {
      diagnostics: [...workers.diagnostics, ...limit.diagnostics, ...exits],
      entry: moduleOfAppSpec(spec),
      processes,
      server: 'uvicorn',
      threads: limit.value ?? 'event-loop',
    }
  }

  if (UVICORN_SERVER.has(c.callee)) {
    return {diagnostics: [], processes: one(`${at}: uvicorn's Server.run() serves in the calling process (only uvicorn.run() forks workers)`, UVICORN_MAIN, file, c.line), server: 'uvicorn', threads: 'event-loop'}
  }

  if (WAITRESS_SERVE.has(c.callee)) {
    const threads = intKwarg(c, 'threads', 'waitress.serve threads', sourced(4, fromFile(file, c.line), [fromDefault('waitress default threads: requests run on a pool of 4 task threads', WAITRESS)]))
    return {diagnostics: threads.diagnostics, processes: one(`${at}: waitress serves from one process (it has no worker processes)`, WAITRESS, file, c.line), server: 'waitress', threads: threads.value}
  }

  if (DAPHNE_SERVER.has(c.callee)) {
    return {diagnostics: [], processes: one(`${at}: Daphne serves from one process (it has no workers option)`, DAPHNE, file, c.line), server: 'daphne', threads: 'event-loop'}
  }

  return {
    diagnostics: [],
    processes: one(`${at}: hypercorn's serve() runs in the calling process and ignores the config's process settings (workers)`, HYPERCORN, file, c.line),
    server: 'hypercorn',
    threads: 'event-loop',
  }
}
