/**
 * `python clock.py`, `python worker.py`, `python -m app.worker`: a script of the app (script.ts scriptAnalysis reads
 * it). One that calls a click group or Typer app at its top level and is given a command (`python -m app run-worker`,
 * `python cli.py worker`) runs only that command (cli-group.ts).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {FileReader} from '../../model/files.js'

import {fromDefault} from '../../model/source.js'
import {cliGroupKind, groupAnalysis} from './cli-group.js'
import {PythonProject} from './modules.js'
import {isPythonName, pythonScript} from './program.js'
import {MAIN, scriptAnalysis, type ScriptRead} from './script.js'
import type {PyModule} from './values.js'

/** The words after the script (`python cli.py worker -c 2`) or the module (`python -m app run-worker`): the script's sys.argv[1:]. */
function scriptArgs(argv: readonly string[]): string[] {
  // The interpreter as written (pythonProgram reads `python -m celery` as celery: not what is wanted here).
  const at = argv.findIndex((a) => isPythonName(a.split('/').at(-1) ?? ''))
  if (at === -1) return []
  const args = argv.slice(at + 1)
  let i = 0
  while (i < args.length && args[i].startsWith('-') && args[i] !== '-m') i += ['-W', '-X', '-c'].includes(args[i]) ? 2 : 1
  return args[i] === '-m' ? args.slice(i + 2) : args.slice(i + 1)
}

/**
 * The click group or Typer app a script calls at its top level (`cli()`, `app()`, `cli.main()`, `main()` of an imported
 * group in a package's __main__.py): its module's file and variable, when conncalc finds it.
 */
function invokedGroup(own: PyModule, project: PythonProject, files: FileReader): {file: string; group: string; kind: 'click' | 'typer'} | undefined {
  const text = files.read(own.file)?.text ?? ''
  for (const c of own.calls) {
    if (c.within) continue
    const callee = c.callee.replace(/\.main$/, '')
    const dot = callee.lastIndexOf('.')
    const module = dot === -1 ? undefined : callee.slice(0, dot)
    let name = dot === -1 ? callee : callee.slice(dot + 1)
    let file = module === undefined ? own.file : project.resolve(module)
    // `from shop.cli import cli` (or `from .cli import main as cli`): the app's function keeps its bare name here.
    if (module === undefined && !cliGroupKind(text, name)) {
      const imported = importedFrom(text, name)
      if (imported) {
        file = project.resolve(imported.module, imported.level, own.file)
        name = imported.name
      }
    }

    if (!file || !/^\w+$/.test(name)) continue
    const kind = cliGroupKind(files.read(file)?.text ?? '', name)
    if (kind) return {file, group: name, kind}
  }

  return undefined
}

/** `from pkg.cli import cli` / `from .cli import main as cli` in `text`: where the name `local` comes from. */
function importedFrom(text: string, local: string): {level: number; module: string; name: string} | undefined {
  for (const m of text.matchAll(/^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?([^\n)]*)/gm)) {
    for (const part of m[3].split(',')) {
      const [name, alias] = part.trim().split(/\s+as\s+/)
      if ((alias ?? name) === local && /^\w+$/.test(name)) return {level: m[1].length, module: m[2], name}
    }
  }

  return undefined
}

/**
 * The script `ctx.command` runs, read as script() does. `given`: a project that has read a script of the command alone
 * (werkzeug.ts, which found no Flask app's run() in it): the reading goes on in it when it is the project this one
 * would make (the same script, context and sys.path), rather than reading the app's modules again.
 */
export async function scriptCommand(ctx: AnalyzerContext, given?: ScriptRead): Promise<ServerAnalysis> {
  const file = pythonScript(ctx.command.argv, ctx.files)!
  const args = scriptArgs(ctx.command.argv)
  // `python -m app run-worker`, `python cli.py worker`: a click group or Typer app runs the one command named.
  if (args.some((a) => !a.startsWith('-'))) {
    const root = file.includes('/') && !file.endsWith('__main__.py') ? [file.slice(0, file.lastIndexOf('/'))] : []
    const project = given?.file === file && given.project.readsAs(ctx, root) ? given.project : new PythonProject(ctx, root)
    const own = (await project.walk([file])).find((m) => m.file === file)
    const group = own && invokedGroup(own, project, ctx.files)
    if (group) return groupAnalysis(ctx, project, group.file, group.group, group.kind, args, ctx.command.argv.join(' '), [fromDefault(`${file} calls ${group.group}() of ${group.file} at its top level`, MAIN)])
    // invokedGroup only resolves names: the project has read the script and its imports, nothing more.
    return scriptAnalysis(ctx, file, undefined, {file, project})
  }

  return scriptAnalysis(ctx, file, undefined, given)
}

export const script: ServerAnalyzer = {
  analyze: (ctx) => scriptCommand(ctx),
  id: 'python-script',
  matches: (cmd, ctx) => pythonScript(cmd.argv, ctx.files) !== undefined,
}
