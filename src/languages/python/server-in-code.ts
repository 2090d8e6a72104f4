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
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue, PyCall, PyModule} from './values.js'

import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {pyCandidate} from './candidate.js'
import {asString} from './evaluate.js'
import {moduleOfAppSpec} from './modules.js'
import {defaultWorkers} from './server.js'
import {envCandidate, firstOf, unreadFallback} from '../common/setting.js'

const UVICORN_CONFIG = 'https://github.com/encode/uvicorn/blob/master/uvicorn/config.py'
const UVICORN_MAIN = 'https://github.com/encode/uvicorn/blob/master/uvicorn/main.py'
const WAITRESS = 'https://github.com/Pylons/waitress/blob/main/src/waitress/adjustments.py'
const DAPHNE = 'https://github.com/django/daphne/blob/main/daphne/server.py'
const HYPERCORN = 'https://github.com/pgjones/hypercorn/blob/main/src/hypercorn/asyncio/__init__.py'

export interface ServerInCode {
  diagnostics: Diagnostic[]
  /** The app module a server is given as an import string ("app.main:app" → app.main), to read its pools. */
  entry?: string
  processes: Sourced<number>
  server: string
  threads: 'event-loop' | Sourced<number>
}

const UVICORN_RUN = new Set(['uvicorn.run', 'uvicorn.main.run'])
const UVICORN_SERVER = new Set(['uvicorn.Server', 'uvicorn.server.Server'])
const DAPHNE_SERVER = new Set(['daphne.server.Server', 'daphne.cli.CommandLineInterface().run', 'daphne.cli.CommandLineInterface.entrypoint'])
const HYPERCORN_SERVE = new Set(['hypercorn.asyncio.serve', 'hypercorn.trio.serve'])
const WAITRESS_SERVE = new Set(['waitress.serve'])
const ALL = [UVICORN_RUN, UVICORN_SERVER, DAPHNE_SERVER, HYPERCORN_SERVE, WAITRESS_SERVE]

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
export function serverInCode(module: PyModule, ctx: AnalyzerContext): ServerInCode | undefined {
  const c = module.calls.find((call) => ALL.some((s) => s.has(call.callee)))
  if (!c) return undefined
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
