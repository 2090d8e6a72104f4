import type {FileReader} from '../../model/files.js'

import {programName} from '../common/setting.js'
import {appPath} from '../../util/app-path.js'

/** `python`, `python3`, `python3.12`: a Python interpreter's name (the pattern read only for a word that starts so). */
export const isPythonName = (name: string): boolean => name.startsWith('python') && /^python(\d(\.\d+)?)?$/.test(name)

/**
 * The Python program a command starts, past the runners that only choose an
 * interpreter or a virtualenv: `python -m gunicorn`, `uv run celery`,
 * `poetry run`, `pipenv run`, `pdm run`. Returns the program name and its args.
 */
export function pythonProgram(argv: readonly string[]): {args: string[]; name: string} {
  let rest = [...argv]
  for (;;) {
    const head = programName(rest[0])
    if (['pdm', 'pipenv', 'poetry', 'uv'].includes(head) && rest[1] === 'run') {
      rest = rest.slice(2)
      continue
    }

    // `python /app/.heroku/python/bin/celery …`: the interpreter running an installed console script by its path.
    if (isPythonName(head) && rest[1] && /(^|\/)bin\/[\w.-]+$/.test(rest[1]) && !rest[1].endsWith('.py')) {
      rest = rest.slice(1)
      continue
    }

    if (isPythonName(head) && rest[1] === '-m' && rest[2]) {
      rest = rest.slice(2)
      rest[0] = rest[0].split('.')[0] // `python -m celery.bin.celery` is celery
      continue
    }

    break
  }

  return {args: rest.slice(1), name: programName(rest[0])}
}

/**
 * `python manage.py <command> …` (also `python netbox/manage.py`, `./manage.py`,
 * `django-admin <command>`): the command, its arguments, and the script, whose
 * folder Python puts first on the import path.
 */
export function manageInvocation(argv: readonly string[]): {args: string[]; command: string; script?: string} | undefined {
  const {args, name} = pythonProgram(argv)
  if (name === 'django-admin' && args[0]) return {args: args.slice(1), command: args[0]}
  // `python -m manage runserver` (djangoproject.com's Makefile): Python runs manage.py of the working folder as __main__.
  const m = argv.findIndex((a, k) => a === '-m' && argv[k + 1] === 'manage' && k > 0 && isPythonName(programName(argv[k - 1])))
  if (m !== -1 && argv[m + 2]) return {args: argv.slice(m + 3), command: argv[m + 2], script: 'manage.py'}
  const i = argv.findIndex((a) => a === 'manage.py' || a.endsWith('/manage.py'))
  if (i === -1 || !argv[i + 1] || (i > 0 && !argv.slice(0, i).some((a) => /^python/.test(programName(a))))) return undefined
  // `python /app/manage.py …` (the platform's app root, as the Procfile's own /app paths are): the app's manage.py.
  return {args: argv.slice(i + 2), command: argv[i + 1], script: appPath(argv[i])}
}

/**
 * django-celery's management commands (djcelery, for Celery ≤ 3.1: djcelery/management/commands/): `manage.py celery
 * <subcommand> …` runs Celery's own command line with the Django settings as Celery's config; the older names are
 * its subcommands — celeryd is `celery worker`, celerybeat `celery beat`, celeryev `celery events`, celerycam
 * `celery events --camera=djcelery.snapshot.Camera` (snapshots written through the ORM). The arguments as `celery`
 * would see them; undefined for any other command.
 */
export function djceleryArgs(argv: readonly string[]): {args: string[]; command: string} | undefined {
  const m = manageInvocation(argv)
  if (!m) return undefined
  const sub: Record<string, string[]> = {celery: [], celerybeat: ['beat'], celerycam: ['events', '--camera=djcelery.snapshot.Camera'], celeryd: ['worker'], celeryev: ['events']}
  const pre = sub[m.command]
  return pre ? {args: [...pre, ...m.args], command: m.command} : undefined
}

/**
 * `python manage.py migrate --settings=app.settings.production` (or `django-admin … --settings x`): Django's
 * --settings option sets DJANGO_SETTINGS_MODULE before the settings load, over what manage.py's
 * `os.environ.setdefault` would give (handle_default_options, django/core/management/base.py). The module and the
 * flag as written; undefined when the command is no management command or gives no --settings.
 */
export function settingsFlag(argv: readonly string[]): {module: string; written: string} | undefined {
  const args = manageInvocation(argv)?.args
  if (!args) return undefined
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return undefined
    if (args[i].startsWith('--settings=') && args[i].length > '--settings='.length) return {module: args[i].slice('--settings='.length), written: args[i]}
    if (args[i] === '--settings' && args[i + 1] && !args[i + 1].startsWith('-')) return {module: args[i + 1], written: `${args[i]} ${args[i + 1]}`}
  }

  return undefined
}

/** `python manage.py <command>`: Django management commands. */
export const manageCommand = (argv: readonly string[]): string | undefined => manageInvocation(argv)?.command

/** The folder of the manage.py a command runs, as an import root ('' for the app root). */
export const scriptRoot = (script: string | undefined): string[] => (script?.includes('/') ? [script.slice(0, script.lastIndexOf('/'))] : [])

/** Command-line frameworks a `manage.py` is written with when it is not Django's, by the module it imports. */
const MANAGE_FRAMEWORKS: [RegExp, string][] = [
  [/^\s*(?:from|import)\s+(?:flask_script|flask\.ext\.script)\b/m, 'Flask-Script'],
  [/^\s*(?:from|import)\s+flask\.cli\b|^\s*from\s+flask\s+import\b[^\n]*\bFlaskGroup\b/m, 'the Flask CLI'],
  [/^\s*(?:from|import)\s+click\b/m, 'click'],
  [/^\s*(?:from|import)\s+typer\b/m, 'Typer'],
]

/**
 * The framework of a `manage.py` that is not Django's (Flask-Script's `Manager`, the Flask CLI,
 * click, Typer), read from its imports: its commands are not Django management commands.
 * Undefined when it imports Django, or the file cannot be read (a Django manage.py is the common case).
 */
export function manageFramework(script: string | undefined, files: FileReader): string | undefined {
  const file = files.read(script ?? 'manage.py')
  if (!file || /^\s*(?:from|import)\s+django\b/m.test(file.text)) return undefined
  return MANAGE_FRAMEWORKS.find(([re]) => re.test(file.text))?.[1]
}

/**
 * What starts Werkzeug's development server (languages/python/werkzeug.ts):
 * - `python manage.py runserver` of a Flask-Script manage.py (its default `runserver`, or a
 *   command the file binds with `add_command("name", Server(…))`);
 * - `flask run` (`flask --app x run`, `python -m flask run`), with the options before `run`;
 * - `python app.py`, a script of a Flask app that calls `.run(` (the analyzer reads which).
 * Cheap tests on the command line and the named file's text; the analyzer parses.
 */
export type FlaskDevServer =
  | {args: string[]; command: string; kind: 'flask-script'; script: string}
  | {app?: string; args: string[]; kind: 'flask-run'; script?: string}
  | {kind: 'app-run'; script: string}

/** `flask` options that take a value before the subcommand. */
const FLASK_VALUE_OPTIONS = new Set(['-A', '--app', '-e', '--env-file'])

/** Python interpreter options that take a value (`python -W ignore app.py`). */
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '-c', '-m'])

/** The project declares Flask as a dependency (requirements, pyproject, Pipfile). */
export function declaresFlask(files: FileReader): boolean {
  return ['requirements.txt', 'pyproject.toml', 'Pipfile', 'setup.py'].some((f) => /(?:^|["'\s])flask\s*(?:[=<>~!;"',[]|$)/im.test(files.read(f)?.text ?? ''))
}

/**
 * `flask [--app X] <command> …` (also `python -m flask`): a command of the Flask CLI other than the
 * options before it — `celery` when the app registers Celery's click group (app.cli.add_command), a
 * command of its own, `run` (flaskDevServer). The app given by --app/-A, and the command's arguments.
 */
export function flaskSubcommand(argv: readonly string[]): {app?: string; args: string[]; name: string} | undefined {
  const {args, name} = pythonProgram(argv)
  if (name !== 'flask') return undefined
  let app: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (FLASK_VALUE_OPTIONS.has(a)) {
      if (a === '-A' || a === '--app') app = args[i + 1]
      i++
    } else if (a.startsWith('--app=')) app = a.slice('--app='.length)
    else if (!a.startsWith('-')) return {...(app ? {app} : {}), args: args.slice(i + 1), name: a}
  }

  return undefined
}

export function flaskDevServer(argv: readonly string[], files: FileReader): FlaskDevServer | undefined {
  const manage = manageInvocation(argv)
  if (manage?.script !== undefined) {
    const framework = manageFramework(manage.script, files)
    // The Flask CLI's own `run` command in the app's FlaskGroup script (`python manage.py run`): `flask run`'s server.
    if (framework === 'the Flask CLI' && manage.command === 'run') return {args: manage.args, kind: 'flask-run', script: manage.script}
    if (framework !== 'Flask-Script') return undefined
    const text = files.read(manage.script)?.text ?? ''
    const bound = new RegExp(String.raw`add_command\(\s*["']${manage.command.replaceAll(/\W/g, '')}["']\s*,\s*(?:\w+\.)*Server\(`).test(text)
    return manage.command === 'runserver' || bound ? {args: manage.args, command: manage.command, kind: 'flask-script', script: manage.script} : undefined
  }

  const {args, name} = pythonProgram(argv)
  if (name === 'flask') {
    let app: string | undefined
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === 'run') return {app, args: args.slice(i + 1), kind: 'flask-run'}
      if (FLASK_VALUE_OPTIONS.has(a)) {
        if (a === '-A' || a === '--app') app = args[i + 1]
        i++
      } else if (a.startsWith('--app=')) app = a.slice('--app='.length)
      else if (!a.startsWith('-')) return undefined
    }

    return undefined
  }

  const script = pythonFileRun(argv, files)
  if (!script) return undefined
  const text = files.read(script)?.text
  if (!text || !/\.run\s*\(/.test(text)) return undefined
  // `uvicorn.run(…)`, `asyncio.run(serve(…))` of a script that starts another server in code (server-in-code.ts).
  if (SERVER_IMPORT.test(text)) return undefined
  return /^\s*(?:from|import)\s+flask\b/m.test(text) || declaresFlask(files) ? {kind: 'app-run', script} : undefined
}

/** A script that imports a server it can start in code: the python-script analyzer reads which. */
const SERVER_IMPORT = /^\s*(?:from|import)\s+(?:uvicorn|waitress|hypercorn|daphne)\b/m

/** `python -m app.worker` of a module of the app (not an installed package): its file, else undefined. */
function appModuleScript(argv: readonly string[], files: FileReader): string | undefined {
  const i = argv.findIndex((a, k) => a === '-m' && k > 0 && isPythonName(programName(argv[k - 1])))
  const mod = i === -1 ? undefined : argv[i + 1]
  if (!mod || !/^[A-Za-z_][\w.]*$/.test(mod)) return undefined
  const path = mod.replaceAll('.', '/')
  return [`${path}.py`, `${path}/__main__.py`].find((f) => files.exists(f))
}

/**
 * `python manage.py seed` of a manage.py written with the Flask CLI, click or Typer (not Django, not Flask-Script) that
 * defines the command: a function under a `….command(…)` decorator named so (click and Typer name a command after its
 * function, underscores as dashes since click 7; or the name given to the decorator). It runs as a script of the app
 * does: the file, once, on its main thread. Cheap test on the text; the script analyzer parses. Else undefined.
 */
export function cliCommandScript(argv: readonly string[], files: FileReader): string | undefined {
  const manage = manageInvocation(argv)
  if (manage?.script === undefined || !/^[\w-]+$/.test(manage.command)) return undefined
  const framework = manageFramework(manage.script, files)
  if (framework !== 'the Flask CLI' && framework !== 'click' && framework !== 'Typer') return undefined
  const text = files.read(manage.script)?.text ?? ''
  const fn = manage.command.replaceAll('-', '_')
  const named = new RegExp(String.raw`^\s*@[\w.]+\.command\(\s*(?:name\s*=\s*)?["']${manage.command}["']`, 'm')
  const byFunction = new RegExp(String.raw`^\s*@[\w.]+\.command\((?:\s*\)|\s*(?:help|short_help|context_settings|cls)\b[^\n]*\))\s*\n(?:\s*@[^\n]*\n)*\s*(?:async\s+)?def\s+${fn}\s*\(`, 'm')
  return named.test(text) || byFunction.test(text) ? manage.script : undefined
}

/** `python clock.py` (interpreter options skipped), `python -m app.worker`: the app's own script it runs, else undefined. */
export function pythonScript(argv: readonly string[], files: FileReader): string | undefined {
  const module = appModuleScript(argv, files)
  if (module) return module
  const cli = cliCommandScript(argv, files)
  if (cli) return cli
  return pythonFileRun(argv, files)
}

/**
 * The file of the app a command runs with Python, not manage.py: `python [options] SCRIPT` (Python runs the file it is
 * given whatever its name: `python bin/web` as `python web.py`, a name with no suffix), or an executable file of the app
 * whose shebang is Python (`./runapp.py`, `bin/web --addr=:$PORT` starting `#!/usr/bin/env python` or
 * `#!/usr/bin/python3.11 -u`: the kernel runs it with that interpreter, execve(2)). Else undefined.
 */
export function pythonFileRun(argv: readonly string[], files: FileReader): string | undefined {
  const {args, name} = pythonProgram(argv)
  const notManage = (p: string): boolean => p !== 'manage.py' && !p.endsWith('/manage.py')
  // `python bin/web`: pythonProgram reads `python …/bin/NAME` as an installed console script run by its path; a file of
  // the app at that path is the script.
  const at = argv.findIndex((a) => isPythonName(programName(a)))
  const byPath = at === -1 || isPythonName(name) ? undefined : argv[at + 1]?.replace(/^\.\//, '')
  if (byPath !== undefined && !byPath.startsWith('/') && notManage(byPath) && files.exists(byPath)) return byPath
  if (!isPythonName(name)) {
    const path = argv[0]?.replace(/^\.\//, '')
    if (!path || path.startsWith('/') || !notManage(path) || !files.exists(path)) return undefined
    const first = files.read(path)?.text.split('\n', 1)[0] ?? ''
    return /^#!\s*\S*?\b(?:env\s+(?:-\S+\s+)*)?python[\d.]*(?:\s|$)/.test(first) ? path : undefined
  }

  let i = 0
  while (i < args.length && args[i].startsWith('-')) i += PYTHON_VALUE_OPTIONS.has(args[i]) ? 2 : 1
  const script = args[i]?.replace(/^\.\//, '')
  return script !== undefined && (script.endsWith('.py') || !/\.[^/]*$/.test(script)) && notManage(script) && files.exists(script) ? script : undefined
}

/**
 * The `sys.argv` of the Python process a command starts, when it is known from the command line: `python
 * manage.py migrate` → ["manage.py", "migrate"] (the script as written, then its arguments), `python -c …` →
 * ["-c", …], a console script (`gunicorn proj.wsgi`, `celery -A proj worker`, `python -m celery …`) → its name
 * then its arguments (Python puts the script's path first: the name as written stands for it, so a test of a
 * basename, a suffix or a substring reads the same). Undefined for a shell or shell script, whose Python
 * command conncalc does not see here, and for uWSGI, whose embedded interpreter's argv is its --pyargv.
 * https://docs.python.org/3/library/sys.html#sys.argv
 */
export function processArgv(argv: readonly string[] | undefined): string[] | undefined {
  if (!argv || argv.length === 0) return undefined
  const {args, name} = pythonProgram(argv)
  if (['bash', 'sh', 'dash', 'zsh', 'exec', 'uwsgi', 'env', 'cd'].includes(name) || name.endsWith('.sh')) return undefined
  if (!isPythonName(name)) return [name, ...args]
  let i = 0
  while (i < args.length && args[i].startsWith('-') && args[i] !== '-c') i += PYTHON_VALUE_OPTIONS.has(args[i]) && args[i] !== '-c' ? 2 : 1
  if (args[i] === undefined) return undefined
  return [args[i] === '-c' ? '-c' : args[i], ...args.slice(args[i] === '-c' ? i + 2 : i + 1)]
}

/**
 * A command of the app's own command line that runs one of its functions, found cheaply from the command line and
 * the app's packaging files (python-cli-command reads which function, and what it runs):
 * - `flask <command> [<subcommand>]` in a Flask app: a command the app registers (`@app.cli.command()`,
 *   `app.cli.add_command(group)` of an `AppGroup("worker")` with `@group.command("start")`, a click command);
 *   not run (werkzeug.ts), celery, rq, spinach (their analyzers), nor Flask-Migrate's `db`;
 * - `python manage.py <command>` of a Flask-Script manage.py (`@manager.command def run_worker()`,
 *   `@manager.option(…)`), other than the runserver werkzeug.ts reads;
 * - a console script the app itself declares (setup.py `entry_points={"console_scripts": ["sync-npm=pkg.cli:main"]}`,
 *   setup.cfg `console_scripts`, pyproject.toml `[project.scripts]` / `[tool.poetry.scripts]`): `module:function`.
 */
export type AppCliCommand =
  | {app?: string; kind: 'flask'; name: string; sub?: string}
  | {command: string; kind: 'flask-script'; script: string}
  | {function?: string; kind: 'console-script'; module: string; name: string}

/** Flask's own commands and those other analyzers read. */
const FLASK_NOT_APP = new Set(['run', 'celery', 'rq', 'spinach', 'shell', 'routes', 'db'])

/** `NAME = "pkg.mod:func"` (or `NAME=pkg.mod:func` in a console_scripts list) in the app's packaging files. */
export function consoleScript(name: string, files: FileReader): {function?: string; module: string} | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined
  const esc = name.replaceAll(/[.]/g, String.raw`\.`)
  const setupPy = files.read('setup.py')?.text ?? ''
  const inList = new RegExp(String.raw`["']\s*${esc}\s*=\s*([A-Za-z_][\w.]*)(?::([A-Za-z_][\w.]*))?\s*["']`).exec(setupPy)
  const cfg = /console_scripts\s*=([^[]*)/.exec(files.read('setup.cfg')?.text ?? '')?.[1] ?? ''
  const inCfg = new RegExp(String.raw`^\s*${esc}\s*=\s*([A-Za-z_][\w.]*)(?::([A-Za-z_][\w.]*))?\s*$`, 'm').exec(cfg)
  const pyproject = files.read('pyproject.toml')?.text ?? ''
  const section = /^\[(?:project\.scripts|tool\.poetry\.scripts)\]\s*$([^[]*)/m.exec(pyproject)?.[1] ?? ''
  const inToml = new RegExp(String.raw`^\s*["']?${esc}["']?\s*=\s*["']([A-Za-z_][\w.]*)(?::([A-Za-z_][\w.]*))?["']`, 'm').exec(section)
  const m = inList ?? inCfg ?? inToml
  return m ? {...(m[2] ? {function: m[2]} : {}), module: m[1]} : undefined
}

/** Every console script the app's packaging files declare with a function (`NAME = pkg.mod:func`): setup.py, setup.cfg, pyproject.toml. */
export function consoleScripts(files: FileReader): {function: string; module: string; name: string}[] {
  const found: {function: string; module: string; name: string}[] = []
  const add = (re: RegExp, text: string): void => {
    for (const m of text.matchAll(re)) if (!found.some((f) => f.name === m[1])) found.push({function: m[3], module: m[2], name: m[1]})
  }

  const setupPy = files.read('setup.py')?.text ?? ''
  if (/console_scripts/.test(setupPy)) add(/["']\s*([\w.-]+)\s*=\s*([A-Za-z_][\w.]*):([A-Za-z_][\w.]*)\s*["']/g, setupPy)
  const cfg = /console_scripts\s*=([^[]*)/.exec(files.read('setup.cfg')?.text ?? '')?.[1] ?? ''
  add(/^\s*([\w.-]+)\s*=\s*([A-Za-z_][\w.]*):([A-Za-z_][\w.]*)\s*$/gm, cfg)
  const pyproject = files.read('pyproject.toml')?.text ?? ''
  for (const section of pyproject.matchAll(/^\[(?:project\.scripts|tool\.poetry\.scripts)\]\s*$([^[]*)/gm)) add(/^\s*["']?([\w.-]+)["']?\s*=\s*["']([A-Za-z_][\w.]*):([A-Za-z_][\w.]*)["']/gm, section[1])
  return found
}

export function appCliCommand(argv: readonly string[], files: FileReader): AppCliCommand | undefined {
  const flask = flaskSubcommand(argv)
  if (flask) {
    if (FLASK_NOT_APP.has(flask.name) || !declaresFlask(files)) return undefined
    const sub = flask.args.find((a) => !a.startsWith('-'))
    return {...(flask.app ? {app: flask.app} : {}), kind: 'flask', name: flask.name, ...(sub ? {sub} : {})}
  }

  const manage = manageInvocation(argv)
  if (manage?.script !== undefined) {
    if (manageFramework(manage.script, files) !== 'Flask-Script' || flaskDevServer(argv, files) || !/^\w+$/.test(manage.command)) return undefined
    // Only a function the script defines under `@manager.command` / `@manager.option(…)`: a Command class added with
    // add_command (or a command of an installed package) stays the unknown command, which says why.
    const text = files.read(manage.script)?.text ?? ''
    const defined = new RegExp(String.raw`^\s*@\w+\.(?:command|option)\b[^\n]*\n(?:[^\n]*\n){0,12}?\s*def\s+${manage.command}\s*\(`, 'm').test(text)
    return defined ? {command: manage.command, kind: 'flask-script', script: manage.script} : undefined
  }

  const prog = argv[0]
  if (!prog || prog.includes('/') || prog.endsWith('.py')) return undefined
  const {name} = pythonProgram(argv)
  if (name !== prog) return undefined
  const found = consoleScript(name, files)
  if (!found) return undefined
  // A console script that is a FlaskGroup (`@click.group(cls=FlaskGroup)`): `run` is Flask's development server, `shell`
  // and `routes` Flask's own; conncalc does not follow the group to the app it builds, so they stay unknown.
  const path = found.module.replaceAll('.', '/')
  const text = ['', 'src/'].flatMap((root) => [`${root}${path}.py`, `${root}${path}/__init__.py`]).map((f) => files.read(f)?.text).find((t) => t !== undefined) ?? ''
  const sub = argv.slice(1).find((a) => !a.startsWith('-'))
  if (/\bFlaskGroup\b/.test(text) && sub !== undefined && ['run', 'shell', 'routes'].includes(sub)) return undefined
  return {...found, kind: 'console-script', name}
}
