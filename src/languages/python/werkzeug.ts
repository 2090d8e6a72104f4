/**
 * Werkzeug's development server, as Flask apps start it: Flask-Script's `manage.py runserver`,
 * `flask run`, and a script calling `app.run(…)`. One process (Werkzeug's `run_simple`), which:
 * - with `threaded` starts a thread for every request, with no limit (socketserver.ThreadingMixIn):
 *   only the app's pools bound its connections (server.ts, `per-request`);
 * - with `processes=N` (> 1) forks a child per request, at most N at once (ForkingMixIn's
 *   max_children), each serving one request on one thread: N processes × 1 thread;
 * - else serves one request at a time: 1 × 1.
 * Werkzeug refuses both at once ("Cannot have a multi-thread and multi-process server").
 * The reloader (`-r`, `debug=True`) runs the server in a child while the parent only watches
 * files, so it does not change what serves requests.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue, PyCall} from './values.js'
import type {FileReader} from '../../model/files.js'

import {assumed, fromDefault, fromFact, fromFile, fromFlag, type Sourced, sourced} from '../../model/source.js'
import {flaskAppEntries} from './app-pools.js'
import {pyCandidate} from './candidate.js'
import {isCall} from './evaluate.js'
import {PythonProject} from './modules.js'
import {flaskDevServer, scriptRoot} from './program.js'
import {pinnedVersion} from './pins.js'
import {scriptCommand} from './script-command.js'
import {pythonAnalysis, type PerRequestThreads} from './server.js'
import {COMMAND_LINE, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {hasFlag} from '../common/argv.js'
import {isWerkzeug} from '../common/matchers.js'
import {append} from '../../util/arrays.js'

// make_server: threaded → ThreadedWSGIServer (a thread per request), processes > 1 → ForkingWSGIServer
// (max_children = processes), both → ValueError; run_simple defaults threaded=False, processes=1.
const WERKZEUG = 'https://github.com/pallets/werkzeug/blob/main/src/werkzeug/serving.py'
// Flask ≥ 1.0 (CHANGES: "The development server uses threads by default", pallets/flask#2529):
// Flask.run does options.setdefault("threaded", True); `flask run` has --with-threads/--without-threads, default True.
const FLASK_RUN = 'https://github.com/pallets/flask/blob/main/src/flask/app.py'
const FLASK_CLI = 'https://github.com/pallets/flask/blob/main/src/flask/cli.py'
// Flask 0.x: Flask.run passed options to run_simple unchanged; flask/cli.py 0.12: --with-threads/--without-threads, default=False.
const FLASK_0 = 'https://github.com/pallets/flask/blob/0.12.5/flask/cli.py'
// Server(host, port, use_debugger, use_reloader, threaded=False, processes=1, …); `--threaded` (store_true),
// `--processes N`; __call__ passes threaded and processes to app.run explicitly, so Flask's default never applies.
const FLASK_SCRIPT = 'https://github.com/smurfix/flask-script/blob/master/flask_script/commands.py'

/** Flask ≥ 1.0 serves with threads unless told not to; 0.x does not. Unknown version: ≥ 1.0 assumed, said. */
function flaskThreadedDefault(files: FileReader, what: 'app.run()' | 'flask run'): Sourced<boolean> {
  const found = pinnedVersion(files, 'flask')
  const ref = what === 'flask run' ? FLASK_CLI : FLASK_RUN
  if (!found) return sourced(true, assumed(`no pinned Flask version found (requirements.txt, poetry.lock, uv.lock, Pipfile.lock); Flask ≥ 1.0 assumed, whose ${what} is threaded by default (${ref})`))
  const major = Number.parseInt(found.version, 10)
  const at = fromFile(found.file, found.line)
  return major >= 1
    ? sourced(true, fromDefault(`Flask ${found.version} ${what} default threaded=True (Flask ≥ 1.0)`, ref), [at])
    : sourced(false, fromDefault(`Flask ${found.version} ${what} default threaded=False (Flask < 1.0: Werkzeug's run_simple default)`, what === 'flask run' ? FLASK_0 : WERKZEUG), [at])
}

/** A keyword argument written as True/False; an unreadable one is a diagnostic and undefined. */
function boolArg(v: EvalValue | undefined, what: string, diagnostics: Diagnostic[]): Sourced<boolean> | undefined {
  if (!v) return undefined
  if (v.kind === 'known' && typeof v.value === 'boolean') return sourced(v.value, fromFile(v.file, v.line), v.via)
  diagnostics.push({code: 'unknown-config-value', file: v.file, line: v.line, message: `cannot read ${what}${v.kind === 'unknown' ? ` (${v.reason})` : ''}`, severity: 'warning'})
  return undefined
}

interface Settings {
  diagnostics: Diagnostic[]
  entries: string[]
  processes: Sourced<number>
  /**
   * The project that read the script (its folder first on sys.path): the server's walk of the app goes on in it, as
   * the one process it is (its modules read once, not again in a project of their own).
   */
  project: PythonProject
  threaded: Sourced<boolean>
}

/** `Server(...)` as manage.py binds it to the command (`manager.add_command("runserver", Server(threaded=True))`). */
function serverCall(calls: PyCall[], command: string): {call: PyCall['kwargs']; line: number} | undefined {
  for (const c of calls) {
    if (!c.callee.endsWith('.add_command')) continue
    const [name, server] = [c.args[0] ?? c.kwargs.name, c.args[1] ?? c.kwargs.command]
    if (name?.kind === 'known' && name.value === command && isCall(server) && /(^|\.)Server$/.test(server.value.callee)) return {call: server.value.kwargs, line: server.line}
  }

  return undefined
}

async function flaskScript(ctx: AnalyzerContext, args: string[], command: string, script: string): Promise<Settings> {
  const diagnostics: Diagnostic[] = []
  const project = new PythonProject(ctx, scriptRoot(script))
  const module = await project.load(script)
  const bound = module ? serverCall(module.calls, command) : undefined
  const at = bound ? fromFile(script, bound.line) : undefined
  const threadedFlag = hasFlag(args, ['--threaded']) ? sourced(true, fromFlag('--threaded')) : undefined
  const threaded = threadedFlag ?? boolArg(bound?.call.threaded, 'Server(threaded=…)', diagnostics) ?? sourced(false, fromDefault('Flask-Script Server default threaded=False (passed to app.run as is)', FLASK_SCRIPT), at ? [at] : [])
  const processes = firstOf(
    [flagCandidate(numericFlag(args, ['--processes']), 'runserver --processes'), pyCandidate(bound?.call.processes, 'Server(processes=…)')],
    sourced(1, fromDefault('Flask-Script Server default processes=1', FLASK_SCRIPT), at ? [at] : []),
  )
  append(diagnostics, processes.diagnostics)
  return {diagnostics, entries: [script], processes: processes.value, project, threaded}
}

/** `FlaskGroup(create_app=make_app)` or `@click.group(cls=FlaskGroup, create_app=make_app)` in a CLI script: where. */
function groupCreatesApp(calls: readonly PyCall[]): PyCall | undefined {
  return calls.find((c) => c.kwargs.create_app !== undefined && (/(^|\.)FlaskGroup$/.test(c.callee) || (/(^|\.)group$/.test(c.callee) && /(^|\.)FlaskGroup$/.test(c.kwargText.cls ?? ''))))
}

/**
 * `flask run` (and the `run` command of a FlaskGroup in the app's own CLI script, `python manage.py run`): the app
 * is what flask/cli.py ScriptInfo.load_app finds — the group's create_app when it has one, else --app, else
 * FLASK_APP (env, .env, .flaskenv), else wsgi.py or app.py; with none of them Flask stops with "Could not locate a
 * Flask application" (NoAppException) before it serves.
 */
async function flaskRun(ctx: AnalyzerContext, app: string | undefined, args: string[], script?: string): Promise<Settings> {
  const threaded = hasFlag(args, ['--without-threads']) ? sourced(false, fromFlag('--without-threads'))
    : hasFlag(args, ['--with-threads']) ? sourced(true, fromFlag('--with-threads'))
    : flaskThreadedDefault(ctx.files, 'flask run')
  const project = new PythonProject(ctx, scriptRoot(script))
  const processes = sourced(1, fromFact('`flask run` serves from one process (it has no processes option)', FLASK_CLI))
  const group = script ? groupCreatesApp((await project.load(script))?.calls ?? []) : undefined
  if (script && group) return {diagnostics: [], entries: [script], processes: {...processes, via: [fromFile(script, group.line), fromDefault('the FlaskGroup builds the app with its create_app (ScriptInfo.load_app calls it first)', FLASK_CLI)]}, project, threaded}
  const entries = flaskAppEntries(ctx, project, app)
  if (entries.length > 0) return {diagnostics: [], entries: script ? [script, ...entries] : entries, processes, project, threaded}
  const spec = app ?? ctx.env.get('FLASK_APP')?.value
  const what = spec
    ? `\`${script ? `${script} run` : 'flask run'}\` loads the app ${spec}, which is not in the app`
    : `\`${script ? `${script} run` : 'flask run'}\` finds no Flask app: no ${script ? 'create_app on the FlaskGroup, no ' : ''}--app, no FLASK_APP (env, .env, .flaskenv), no wsgi.py or app.py`
  const why = `${what}; Flask stops with "Could not locate a Flask application" (NoAppException, ${FLASK_CLI}) before it serves`
  return {
    diagnostics: [{code: 'missing-config', file: COMMAND_LINE, fix: 'name the app: `flask --app module:app run`, or set FLASK_APP', message: `${ctx.processType}: ${why}; conncalc counts it as if it ran`, processType: ctx.processType, severity: 'warning'}],
    entries: script ? [script] : [],
    processes: {...processes, via: [assumed(`${why}: counted as if it ran`)]},
    project,
    threaded,
  }
}

const FLASK_APP_RUN = /(^|\.)Flask\(\)\.run$/

/** Module-level run functions of the standard library and the event-loop libraries, called by their import-qualified name. */
const LIBRARY_RUN = /^(?:asyncio|trio|anyio|curio|uvloop|subprocess)\.run$/

/** What `python script.py` runs when its `.run(` calls are none of them a Flask app's: a script (script.ts). */
const NOT_FLASK = 'not-flask'

async function appRun(ctx: AnalyzerContext, script: string, project: PythonProject): Promise<Settings | Diagnostic | typeof NOT_FLASK> {
  const diagnostics: Diagnostic[] = []
  const module = await project.load(script)
  const run = module?.calls.find((c) => FLASK_APP_RUN.test(c.callee))
  // Every `.run(…)` is a function of one of the app's own modules (`remote_import.run(procedure_id)` in a scheduled job,
  // `from app.jobs import sync` … `sync.run()`): nothing there is a Flask app's run(), the script is read as a script.
  const runs = module?.calls.filter((c) => /(^|\.)run$/.test(c.callee)) ?? []
  // The modules the script imports, by the name it calls them by (`from a.jobs import sync`: sync and a.jobs.sync).
  const imported = new Map<string, string>()
  for (const i of module?.imports ?? []) {
    if (i.level !== 0) continue
    if (Array.isArray(i.names) && i.names.length > 0) for (const n of i.names) for (const k of [n, `${i.module}.${n}`]) imported.set(k, `${i.module}.${n}`)
    else imported.set(i.module, i.module)
  }

  const ownModule = (callee: string): boolean => {
    const path = imported.get(callee.slice(0, -'.run'.length))
    return path !== undefined && project.resolve(path, 0, script) !== undefined
  }

  // A dotted name whose leading part is a module of the app (`jobs.update_registry.get`: jobs.py).
  const fromApp = (dotted: string): boolean => {
    const [head, ...rest] = dotted.split('(')[0].split('.')
    const parts = [...(imported.get(head) ?? head).split('.'), ...rest]
    for (let i = parts.length - 1; i >= 1; i--) if (project.resolve(parts.slice(0, i).join('.'), 0, script) !== undefined) return true
    return false
  }

  // `update = update_registry.get(name)` … `update.run(**args)` (ourresearch/paperbuzz-api): the object is what the app's
  // own code returns, every call assigned to the name (a call in its arguments too) being the app's or into a module of it.
  const ownObject = (callee: string): boolean => {
    const receiver = callee.slice(0, -'.run'.length)
    if (receiver === '' || receiver.includes('.')) return false
    const made = module?.calls.filter((c) => c.assignedTo === receiver) ?? []
    return made.length > 0 && made.every((c) => !/(^|\.)Flask$/.test(c.callee) && (c.appDefined === true || fromApp(c.callee)))
  }

  // A function the app defines (`def run(args): …` called as `run(args)`) is not a Flask app's method either, nor a
  // library's own run function: `asyncio.run(main())` (an event loop's entry), `subprocess.run([...])`.
  if (!run && runs.length > 0 && runs.every((c) => c.appDefined === true || ownModule(c.callee) || ownObject(c.callee) || LIBRARY_RUN.test(c.callee))) return NOT_FLASK
  if (!run) {
    return {
      code: 'unknown-command',
      file: ctx.origin?.file,
      fix: `if it serves requests, say how: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: ${script} calls \`.run(…)\`, but conncalc finds no Flask app's run() in it (an app it cannot follow, or another server); counting 1 process × 1 connection`,
      processType: ctx.processType,
      severity: 'warning',
    }
  }

  const at = fromFile(script, run.line)
  const threaded = boolArg(run.kwargs.threaded, 'app.run(threaded=…)', diagnostics) ?? flaskThreadedDefault(ctx.files, 'app.run()')
  const processes = firstOf([pyCandidate(run.kwargs.processes, 'app.run(processes=…)')], sourced(1, fromDefault("Werkzeug run_simple default processes=1", WERKZEUG), [at]))
  append(diagnostics, processes.diagnostics)
  return {diagnostics, entries: [script], processes: processes.value, project, threaded: threaded.source.kind === 'file' && threaded.source.line === run.line ? threaded : {...threaded, via: [...(threaded.via ?? []), at]}}
}

export const werkzeug: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const found = flaskDevServer(ctx.command.argv, ctx.files)!
    // The script read as a script's (script-command.ts) goes on in the project that loaded it here, when it is that one.
    const loaded = found.kind === 'app-run' ? {file: found.script, project: new PythonProject(ctx, scriptRoot(found.script))} : undefined
    const settings = found.kind === 'flask-script' ? await flaskScript(ctx, found.args, found.command, found.script)
      : found.kind === 'flask-run' ? await flaskRun(ctx, found.app, found.args, found.script)
      : await appRun(ctx, found.script, loaded!.project)
    if (settings === NOT_FLASK) return scriptCommand(ctx, loaded)
    if ('code' in settings) {
      // `.run(` of another server the script starts in code (a gunicorn BaseApplication subclass's run()): that server.
      if (found.kind === 'app-run') {
        const other = await scriptCommand(ctx, loaded)
        if (other.server !== 'python-script') return other
      }

      const why = assumed(settings.message)
      return {diagnostics: [settings], language: 'python', processesPerDyno: sourced(1, why), server: 'unknown', threadsPerProcess: sourced(1, why)}
    }

    const {diagnostics, processes, threaded} = settings
    const forked = processes.value > 1
    if (forked && threaded.value) {
      diagnostics.push({
        code: 'unknown-config-value',
        fix: 'pass threaded=False with processes, or serve the app with gunicorn (workers × threads)',
        message: `${ctx.processType}: Werkzeug refuses threaded with processes=${processes.value} ("Cannot have a multi-thread and multi-process server", werkzeug/serving.py make_server), so this server does not start as configured; counting ${processes.value} processes × 1 thread`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }

    const threads: PerRequestThreads | Sourced<number> = forked
      ? sourced(1, fromDefault(`Werkzeug forks a child per request, at most ${processes.value} at once (ForkingWSGIServer max_children), each serving one request`, WERKZEUG), [processes.source])
      : threaded.value
        ? {
            because: threaded,
            fix: `give the app a pool that caps its connections (Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS pool_size + max_overflow, or create_engine's), or serve it with gunicorn (workers × threads); then conncalc counts it (or say it now: --assume ${ctx.processType}=1:N:N)`,
            kind: 'per-request',
            ref: WERKZEUG,
          }
        : sourced(1, fromDefault('Werkzeug serves one request at a time when not threaded', WERKZEUG), [threaded.source, ...(threaded.via ?? [])])
    const {project} = settings
    return pythonAnalysis({
      ctx,
      diagnostics,
      entries: settings.entries,
      // processes=0 or 1: not forking, one process.
      processes: processes.value === 1 || forked ? processes : sourced(1, fromDefault("Werkzeug's development server runs in one process unless processes > 1", WERKZEUG), [processes.source]),
      project,
      server: 'werkzeug',
      threads,
    })
  },
  id: 'werkzeug',
  matches: isWerkzeug,
}
