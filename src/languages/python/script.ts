/**
 * `python clock.py`, `python worker.py`: a script of the app that is no server conncalc knows
 * (a Flask app.run() script is Werkzeug's, manage.py Django's). One process; how many threads
 * use the database is read from the script and the app modules it imports (started-threads.ts):
 * none started → 1 (Python runs the script on its main thread); APScheduler's scheduler with its
 * default executor → its thread pool; anything else that starts threads → unknown-command, where.
 * Its pools are the app's (SQLAlchemy engines, driver pools, Django settings), as for servers.
 * A script that starts a server in its own code (uvicorn.run, waitress.serve, …) is that server
 * (server-in-code.ts).
 */
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'

import {assumed, fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {PythonProject} from './modules.js'
import {pythonAnalysis} from './server.js'
import {CONCURRENCY, startedThreads} from './started-threads.js'
import {cliCommandStarts, quietPools} from './import-threads.js'
import {type PyModule, subclassesOf} from './values.js'

const concurrencySubclasses = (modules: PyModule[]): Map<string, string> => subclassesOf(modules, CONCURRENCY)
import {serverInCode} from './server-in-code.js'
import {celeryInCode, celeryInCodeAnalysis} from './celery-in-code.js'
import {entryFiles} from './app-pools.js'
import {loadsNoDatabase} from './no-database.js'
import {rqWorkCall, rqWorkerScriptAnalysis} from './rq.js'

const IMPORTS = 'https://docs.python.org/3/reference/import.html'
const ASYNCIO_TASKS = 'https://docs.python.org/3/library/asyncio-task.html#running-tasks-concurrently'
/** Calls that run an asyncio event loop until the program ends. */
const EVENT_LOOP = /^(asyncio\.run|asyncio\.get_event_loop\(\)\.run_until_complete|aiohttp\.web\.run_app)$|(^|\.)(run_until_complete|run_forever)$/
/** Calls that start work running at once on the loop: a server (each request a task), gather, create_task, a bot's webhook or polling. */
const CONCURRENT = /(^|\.)(gather|create_task|ensure_future|as_completed|TaskGroup|run_app|start_server|serve|run_webhook|start_polling|run_polling)$/
/** Async connection pools (their tasks share them on the loop). */
const ASYNC_POOL = /^(asyncpg\.(create_pool|pool\.create_pool|Pool)|aiopg\.(create_pool|sa\.create_engine)|psycopg_pool\.AsyncConnectionPool|sqlalchemy\.ext\.asyncio\.create_async_engine|databases\.Database)$/
/**
 * Calls that run another program as a process of its own (subprocess.Popen and its helpers, os.system/popen, the
 * os.exec* and os.spawn* families): https://docs.python.org/3/library/subprocess.html, https://docs.python.org/3/library/os.html#process-management
 */
const LAUNCH = /^(subprocess\.(Popen|run|call|check_call|check_output|getoutput|getstatusoutput)|os\.(system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?))$/
const SUBPROCESS = 'https://docs.python.org/3/library/subprocess.html'

export const MAIN = 'https://docs.python.org/3/library/threading.html#threading.main_thread'

/**
 * A project that has read `file` and the modules it imports, and nothing else (werkzeug.ts appRun loads the script,
 * script-command.ts walks it): a later reading of the same script as the same process goes on in it.
 */
export interface ScriptRead {
  file: string
  project: PythonProject
}

/**
 * A file of the app run as one process's program: the script itself, or the module of the command function a CLI runs
 * (python-cli-command): `command.what` names the command in sources, `command.also` adds the modules the CLI loads
 * before it (the Flask app its commands run in), read for threads and pools too, `command.runs` says how it was found.
 * `given`: a project that read the script already (ScriptRead), gone on in when it is the one this reading would make.
 */
export async function scriptAnalysis(ctx: AnalyzerContext, file: string, command?: {also: string[]; fn?: string; runs: Source[]; what: string}, given?: ScriptRead): Promise<ServerAnalysis> {
  const what = command?.what ?? `python ${file}`
  const also = command?.also ?? []
  const runs = command?.runs ?? []
  // Python puts a script's folder first on sys.path; a console script's is its bin folder, not the app's.
  const root = !command && file.includes('/') ? [file.slice(0, file.lastIndexOf('/'))] : []
  // The project that already read this script alone, with the same sys.path (script-command.ts): the walk goes on there.
  const project = !command && given?.file === file && given.project.readsAs(ctx, root) ? given.project : new PythonProject(ctx, root)
  const read = await project.walk([file, ...also])
  // `uvicorn.run(...)`, `waitress.serve(app)` in the script itself: the process is that server.
  const own = read.find((m) => m.file === file)
  const started = own && (await serverInCode(own, ctx, project))
  if (started) {
    // The WSGI app built by PasteDeploy from an ini file (`loadapp('config:kinto.ini')`, Pyramid's `get_app`): the factory
    // the ini names (an installed package's, or the app's own Pyramid main()) and the settings it passes are not read here,
    // so its pools are not known: the per-thread count is an assumption, said (Kinto/kinto-heroku: storage and cache
    // engines of their own).
    // pserve run from code (server-in-code.ts) loads the ini's [app:main] the same way.
    const paste = read.flatMap((m) => m.calls.filter((c) => /^(paste\.deploy\.(loadwsgi\.)?loadapp|pyramid\.paster\.get_app|pyramid\.scripts\.pserve\.(main|PServeCommand))$/.test(c.callee)).map((c) => ({c, m})))[0]
    if (paste && typeof started.threads === 'object' && 'value' in started.threads && 'source' in started.threads) {
      const built = paste.c.callee.includes('.pserve.') ? "runs pserve, which builds the WSGI app from the ini file's [app:main]; conncalc does not read the app factory it names or the database settings it gives it" : `builds the WSGI app with ${paste.c.callee.split('.').pop()}() from an ini file, which conncalc does not read (the app factory it names and the database settings it gives it)`
      const why = `${paste.m.file}:${paste.c.line} ${built}: its pools are not known; one connection per ${started.server} thread assumed`
      started.diagnostics.push({code: 'unknown-config-value', file: paste.m.file, fix: `say how many connections each process holds: --assume ${ctx.processType}=1:THREADS:POOL`, line: paste.c.line, message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'})
      started.threads = sourced(started.threads.value, assumed(why), [started.threads.source, ...(started.threads.via ?? [])])
    }

    return pythonAnalysis({
      ctx,
      diagnostics: started.diagnostics,
      entries: [file, ...also, ...entryFiles(project, [started.entry])],
      main: file,
      ...(started.greenlets ? {greenlets: true} : {}),
      processes: started.processes,
      project,
      server: started.server,
      threads: started.threads,
    })
  }

  // `app.worker_main(argv=[…])` on the app's Celery instance: the process is that worker (celery-in-code.ts).
  const worker = own && !command ? celeryInCode(own, read, file) : undefined
  if (worker) return celeryInCodeAnalysis(ctx, worker)

  // Running one command of a CLI: starts in its other commands, or in helpers only they call, do not run here.
  // The subclasses are found once, not once per call asked about (fossasia/open-event-server: 3.3 M module names read).
  let subclasses: Map<string, string> | undefined
  const owners = command?.fn ? cliCommandStarts(read, (c) => CONCURRENCY.has(c.callee) || (subclasses ??= concurrencySubclasses(read)).has(c.callee)) : undefined
  // `python clock.py` that loads nothing able to reach a database (no database library, URL or Django settings in it or
  // the app modules it imports at load): its process holds none, whatever the app's other processes use.
  const none = command ? undefined : await loadsNoDatabase(project, read, file)
  // The script loads no database itself but starts other programs (`Popen(cmd, shell=True)` for each worker command):
  // they run as processes of their own on the dyno, with whatever they load, and conncalc does not follow them.
  const launched = none ? launchedPrograms(read, none.files) : undefined
  if (launched) return launcherAnalysis(ctx, file, what, launched)
  // The script runs an RQ worker itself: the jobs it performs are the app's functions, imported when each job runs.
  const work = none && own ? rqWorkCall(own) : undefined
  if (work) return rqWorkerScriptAnalysis(ctx, file, work)
  if (none) {
    const also = none.files.length - 1
    const packages = none.packages.length > 0 ? `; the installed packages it imports (${none.packages.slice(0, 8).join(', ')}${none.packages.length > 8 ? ', …' : ''}) are not read` : ''
    const why = `${file}${also > 0 ? ` and the ${also} app module${also === 1 ? '' : 's'} it imports at load` : ''} import no database library or ORM (SQLAlchemy, psycopg, asyncpg, Django, …) and name no database URL or Django settings; imports inside functions run only when called: this process opens no PostgreSQL connection${packages}`
    return {
      diagnostics: [],
      language: 'none',
      pools: [],
      processesPerDyno: sourced(1, fromDefault(`${what} runs in one process`, MAIN)),
      server: 'python-script',
      threadsPerProcess: sourced(0, fromFile(file, 1), [fromDefault(why, IMPORTS)]),
    }
  }

  const found = startedThreads(read, ctx, what, command?.fn ? {file, fn: command.fn, owners} : undefined, quietPools(read))
  const threads = found.threads
    ? runs.length > 0 ? {...found.threads, via: [...(found.threads.via ?? []), ...runs]} : found.threads
    : sourced(1, fromFile(file, 1), [...runs, fromDefault(`Python runs ${command ? what : file} on its main thread, and no thread, thread pool or process is started in ${file} or the ${read.length - 1} app modules it imports (installed packages are not read)`, MAIN)])
  // A script that runs an asyncio event loop (asyncio.run, loop.run_until_complete/run_forever, aiohttp's
  // web.run_app) and makes an async pool (asyncpg, aiopg, psycopg's AsyncConnectionPool, SQLAlchemy's async engine,
  // databases): its tasks (a bot's handlers, a webhook server's requests) each check a connection out, all at once
  // as an ASGI server's requests do, not one at a time as on a thread. Threads it starts are counted as before.
  // Only when the script itself starts concurrent work on the loop (a server, gather, create_task): a loop that awaits
  // one thing after another (`while True: await job(); await asyncio.sleep(300)`) uses one connection at a time.
  const concurrent = own?.calls.find((c) => CONCURRENT.test(c.callee))
  const loop = !found.threads && concurrent ? own?.calls.find((c) => EVENT_LOOP.test(c.callee)) : undefined
  const asyncPool = loop ? read.flatMap((m) => m.calls.map((c) => ({c, m}))).find(({c}) => ASYNC_POOL.test(c.callee)) : undefined
  return pythonAnalysis({
    ctx,
    diagnostics: found.diagnostics,
    entries: [file, ...also],
    ...(command ? {} : {main: file}),
    processes: sourced(1, fromDefault(`${what} runs in one process`, MAIN)),
    project,
    server: 'python-script',
    ...(loop && asyncPool
      ? {loopSource: fromDefault(`${file}:${loop.line} runs an asyncio event loop (${loop.callee}), ${file}:${concurrent!.line} starts concurrent work on it (${concurrent!.callee}) and ${asyncPool.m.file}:${asyncPool.c.line} makes an async pool (${asyncPool.c.callee}): the tasks on the loop each check a connection out, every pooled connection can be in use at once`, ASYNCIO_TASKS), threads: 'event-loop' as const}
      : {threads}),
  })
}

interface Launch {
  callee: string
  file: string
  line: number
  /** The command, when the call names it in a way conncalc reads (a string, or a list of strings). */
  command?: string
}

/** The calls in the modules the process loads that start another program (LAUNCH), in reading order. */
function launchedPrograms(read: readonly PyModule[], files: readonly string[]): Launch[] | undefined {
  const found: Launch[] = []
  for (const m of read) {
    if (!files.includes(m.file)) continue
    for (const c of m.calls) {
      if (!LAUNCH.test(c.callee)) continue
      const arg = c.args[0]
      const value = arg?.kind === 'known' ? arg.value : undefined
      const words = typeof value === 'string' ? [value] : value !== null && typeof value === 'object' && !Array.isArray(value) && value.kind === 'list' ? value.items.map((i) => (i.kind === 'known' && typeof i.value === 'string' ? i.value : undefined)) : []
      found.push({callee: c.callee, file: m.file, line: c.line, ...(words.length > 0 && words.every((w) => w !== undefined) ? {command: words.join(' ')} : {})})
    }
  }

  return found.length > 0 ? found : undefined
}

/**
 * A script that starts other programs and loads no database itself: the programs are processes of their own on the
 * dyno (a `python -u workers.py` that Popens an RQ scheduler and N workers), each with the connections of what it
 * runs. conncalc does not follow them, so their number is an assumption (1, as for a command it does not know), said
 * with where they start.
 */
function launcherAnalysis(ctx: AnalyzerContext, file: string, what: string, launched: Launch[]): ServerAnalysis {
  const where = launched.slice(0, 3).map((l) => `${l.callee.split('.').pop()}${l.command ? `("${l.command}")` : ''} at ${l.file}:${l.line}`).join(', ') + (launched.length > 3 ? `, ${launched.length - 3} more` : '')
  const why = `${what} loads no database library itself but starts other programs (${where}), each a process of its own on the dyno with the connections of what it runs; conncalc does not follow them: 1 connection assumed`
  return {
    diagnostics: [
      {
        code: 'unknown-command',
        file: launched[0].file,
        fix: `say how many processes the programs it starts run and how many connections each holds: --assume ${ctx.processType}=PROCESSES:THREADS (or run each program as a process type of its own)`,
        line: launched[0].line,
        message: `${ctx.processType}: ${why}`,
        processType: ctx.processType,
        severity: 'warning',
      },
    ],
    language: 'python',
    pools: [],
    processesPerDyno: sourced(1, fromDefault(`${what} runs in one process, beside the programs it starts`, MAIN)),
    server: 'python-script',
    threadsPerProcess: sourced(1, assumed(why), [fromDefault(`${launched[0].callee} runs a program as a child process`, SUBPROCESS)]),
  }
}
