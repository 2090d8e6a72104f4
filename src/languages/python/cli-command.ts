/**
 * A command of the app's own command line (program.ts appCliCommand): `flask worker start` of an
 * `AppGroup("worker")` the app adds to its CLI, `flask sync` of an `@app.cli.command()`, `python manage.py
 * run_worker` of a Flask-Script `@manager.command`, a console script the app's setup.py / setup.cfg /
 * pyproject.toml declares (`sync-npm = pkg.cli:main`). The command is resolved to the function it runs and the
 * module that holds it; that module runs as a script does (script.ts): one process, its main thread, and the
 * threads, thread pools and servers started in it or the app modules it imports (the Flask app too, which the
 * Flask CLI builds before a command runs: flask/cli.py ScriptInfo.load_app, AppGroup/with_appcontext).
 * A command conncalc does not find stays unknown, said, counted 1 × 1.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {FileReader} from '../../model/files.js'

import {assumed, fromDefault, fromFile, sourced} from '../../model/source.js'
import {flaskAppEntries} from './app-pools.js'
import {PythonProject} from './modules.js'
import {appCliCommand, type AppCliCommand} from './program.js'
import {scriptAnalysis} from './script.js'
import {CLICK_NAME, cliGroupKind, decorated, esc, type Found, groupAnalysis} from './cli-group.js'

const FLASK_CLI = 'https://flask.palletsprojects.com/en/stable/cli/#custom-commands'
const FLASK_SCRIPT = 'https://github.com/smurfix/flask-script/blob/master/flask_script/__init__.py'
const ENTRY_POINTS = 'https://packaging.python.org/en/latest/specifications/entry-points/#use-for-scripts'

/** `worker = AppGroup("worker")` / `click.Group("worker")`, or `@x.group("worker") def …`: the name the group is used by. */
function groupVariable(text: string, name: string): string | undefined {
  const assigned = new RegExp(String.raw`^\s*(\w+)\s*=\s*(?:[\w.]+\.)?(?:AppGroup|Group|FlaskGroup)\(\s*(?:name\s*=\s*)?["']${esc(name)}["']`, 'm').exec(text)?.[1]
  if (assigned) return assigned
  for (const receiver of [String.raw`[\w.]+`, 'click']) {
    const group = decorated(text, receiver, 'group', name)
    if (group) return group.fn
  }

  return undefined
}

/** The function `flask <name> [<sub>]` runs, in the modules the Flask app imports. */
function flaskCommand(files: FileReader, modules: string[], name: string, sub: string | undefined): Found | undefined {
  for (const file of modules) {
    const text = files.read(file)?.text ?? ''
    if (!/\.(command|group)\b|AppGroup|Group\(/.test(text)) continue
    if (sub !== undefined) {
      const group = groupVariable(text, name)
      const hit = group ? decorated(text, esc(group), 'command', sub) : undefined
      if (hit) return {file, ...hit}
      continue
    }

    const hit = decorated(text, String.raw`[\w.]+`, 'command', name)
    if (hit) return {file, ...hit}
  }

  return undefined
}

function unknownCommand(ctx: AnalyzerContext, why: string): ServerAnalysis {
  const full = `${why}; counting 1 process × 1 connection`
  return {
    diagnostics: [{code: 'unknown-command', file: ctx.origin?.file, fix: `if it opens database connections, tell conncalc how many: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`, line: ctx.origin?.line, message: `${ctx.processType}: ${full}`, processType: ctx.processType, severity: 'warning'}],
    language: 'unknown',
    processesPerDyno: sourced(1, assumed(`${why}; 1 process per dyno`)),
    server: 'unknown',
    threadsPerProcess: sourced(1, assumed(`${why}; 1 thread per process`)),
  }
}

const shown = (cmd: AppCliCommand): string =>
  cmd.kind === 'flask' ? `flask ${cmd.name}${cmd.sub ? ` ${cmd.sub}` : ''}` : cmd.kind === 'flask-script' ? `${cmd.script} ${cmd.command}` : cmd.name

export const pythonCliCommand: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const cmd = appCliCommand(ctx.command.argv, ctx.files)!
    const what = shown(cmd)
    const project = new PythonProject(ctx)
    if (cmd.kind === 'flask') {
      const app = flaskAppEntries(ctx, project, cmd.app)
      const modules = (await project.walk(app)).map((m) => m.file)
      const found = flaskCommand(ctx.files, modules, cmd.name, cmd.sub)
      if (!found) return unknownCommand(ctx, `\`${what}\` is a command the Flask app registers (its own @app.cli.command, or an extension's), which conncalc does not find in the ${modules.length} modules the app imports`)
      const runs = [fromFile(found.file, found.line), fromDefault(`\`${what}\` runs ${found.fn}() in ${found.file}, with the Flask app loaded first (its CLI builds the app before a command runs)`, FLASK_CLI), ...(found.byName ? [fromDefault('click names a command after its function (underscores as dashes) unless the decorator names it', CLICK_NAME)] : [])]
      return scriptAnalysis(ctx, found.file, {also: app, fn: found.fn, runs, what})
    }

    if (cmd.kind === 'flask-script') {
      const text = ctx.files.read(cmd.script)?.text ?? ''
      // Flask-Script names the command after the function as it is (no dashes): `@manager.command` or `@manager.option(…)`.
      const def = decorated(text, String.raw`\w+`, 'command', cmd.command) ?? decorated(text, String.raw`\w+`, 'option', cmd.command)
      if (def?.fn !== cmd.command) return unknownCommand(ctx, `\`${what}\`: ${cmd.script} is written with Flask-Script, and conncalc finds no \`@manager.command\` function named ${cmd.command} in it (a Command class?)`)
      const runs = [fromFile(cmd.script, def.line), fromDefault(`Flask-Script runs ${cmd.command}() of ${cmd.script} (Manager.command registers a function under its own name)`, FLASK_SCRIPT)]
      return scriptAnalysis(ctx, cmd.script, {also: [], fn: def.fn, runs, what})
    }

    const file = project.resolve(cmd.module)
    if (!file) return unknownCommand(ctx, `\`${what}\` is a console script of the app that runs ${cmd.module}${cmd.function ? `:${cmd.function}` : ''}, a module conncalc does not find in the app`)
    const runs = [fromDefault(`the app's packaging declares the console script ${cmd.name} = ${cmd.module}${cmd.function ? `:${cmd.function}` : ''}: it imports ${file} and calls ${cmd.function ?? 'it'}`, ENTRY_POINTS)]
    const kind = cmd.function ? cliGroupKind(ctx.files.read(file)?.text ?? '', cmd.function) : undefined
    if (cmd.function && kind) return groupAnalysis(ctx, project, file, cmd.function, kind, ctx.command.argv.slice(1), `${cmd.name}${ctx.command.argv.length > 1 ? ` ${ctx.command.argv.slice(1).join(' ')}` : ''}`, runs)
    return scriptAnalysis(ctx, file, {also: [], runs, what})
  },
  id: 'python-cli-command',
  matches: (cmd, ctx) => appCliCommand(cmd.argv, ctx.files) !== undefined,
}

