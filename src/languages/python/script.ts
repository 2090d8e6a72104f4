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

import {fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {PythonProject} from './modules.js'
import {pythonAnalysis} from './server.js'
import {CONCURRENCY, startedThreads} from './started-threads.js'
import {cliCommandStarts, quietPools} from './import-threads.js'
import {type PyModule, subclassesOf} from './values.js'

const concurrencySubclasses = (modules: PyModule[]): Map<string, string> => subclassesOf(modules, CONCURRENCY)
import {serverInCode} from './server-in-code.js'
import {entryFiles} from './app-pools.js'
import {loadsNoDatabase} from './no-database.js'

const IMPORTS = 'https://docs.python.org/3/reference/import.html'

export const MAIN = 'https://docs.python.org/3/library/threading.html#threading.main_thread'

/**
 * A file of the app run as one process's program: the script itself, or the module of the command function a CLI runs
 * (python-cli-command): `command.what` names the command in sources, `command.also` adds the modules the CLI loads
 * before it (the Flask app its commands run in), read for threads and pools too, `command.runs` says how it was found.
 */
export async function scriptAnalysis(ctx: AnalyzerContext, file: string, command?: {also: string[]; fn?: string; runs: Source[]; what: string}): Promise<ServerAnalysis> {
  const what = command?.what ?? `python ${file}`
  const also = command?.also ?? []
  const runs = command?.runs ?? []
  // Python puts a script's folder first on sys.path; a console script's is its bin folder, not the app's.
  const root = !command && file.includes('/') ? [file.slice(0, file.lastIndexOf('/'))] : []
  const project = new PythonProject(ctx, root)
  const read = await project.walk([file, ...also])
  // `uvicorn.run(...)`, `waitress.serve(app)` in the script itself: the process is that server.
  const own = read.find((m) => m.file === file)
  const started = own && (await serverInCode(own, ctx, project))
  if (started) {
    return pythonAnalysis({
      ctx,
      diagnostics: started.diagnostics,
      entries: [file, ...also, ...entryFiles(project, [started.entry])],
      ...(started.greenlets ? {greenlets: true} : {}),
      processes: started.processes,
      project,
      server: started.server,
      threads: started.threads,
    })
  }

  // Running one command of a CLI: starts in its other commands, or in helpers only they call, do not run here.
  const owners = command?.fn ? cliCommandStarts(read, (c) => CONCURRENCY.has(c.callee) || concurrencySubclasses(read).has(c.callee)) : undefined
  // `python clock.py` that loads nothing able to reach a database (no database library, URL or Django settings in it or
  // the app modules it imports at load): its process holds none, whatever the app's other processes use.
  const none = command ? undefined : await loadsNoDatabase(project, read, file)
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
  return pythonAnalysis({
    ctx,
    diagnostics: found.diagnostics,
    entries: [file, ...also],
    processes: sourced(1, fromDefault(`${what} runs in one process`, MAIN)),
    project,
    server: 'python-script',
    threads,
  })
}
