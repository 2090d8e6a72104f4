/**
 * Commands of a click group or Typer app, found from the text of the app's modules (no code is run): the function a
 * command name runs (`@group.command()`, named after the function unless the decorator names it), the group a console
 * script or a script's top level calls, and the process that runs one command of it (python-cli-command, python-script).
 */
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import type {FileReader} from '../../model/files.js'

import {assumed, fromDefault, fromFile, type Source} from '../../model/source.js'
import type {PythonProject} from './modules.js'
import {scriptAnalysis} from './script.js'

// click ≥ 7 names a command after its function, underscores as dashes; click 8.2 also drops a _command/_cmd/_group/_grp suffix.
export const CLICK_NAME = 'https://github.com/pallets/click/blob/main/src/click/decorators.py'
// Flask-Script's Manager.command / option register the function under its own __name__.
export const esc = (s: string): string => s.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)

/** The function names click gives the command `name` (`send-digests` → send_digests, send_digests_command, …). */
export function clickFunctions(name: string): string[] {
  const fn = name.replaceAll('-', '_')
  return [fn, ...['_command', '_cmd', '_group', '_grp'].map((s) => fn + s)]
}

/** The line of `def <fn>` under a decorator `@<receiver>.<kind>(…)` naming it `name` (or by its function's name). */
export function decorated(text: string, receiver: string, kind: 'command' | 'group' | 'option', name: string): {byName: boolean; fn: string; line: number} | undefined {
  const lines = text.split('\n')
  const head = new RegExp(String.raw`^\s*@${receiver}\.${kind}\b(\(([^\n]*))?`)
  for (const [i, l] of lines.entries()) {
    const m = head.exec(l)
    if (!m) continue
    // The decorators' arguments may run over several lines (`@manager.option('-n',\n '--number-users', …)`): the lines
    // up to the `def` are skipped while a parenthesis is open, or when they are more decorators or plain arguments.
    const open = (t: string): number => (t.match(/\(/g)?.length ?? 0) - (t.match(/\)/g)?.length ?? 0)
    let depth = open(l)
    let j = i + 1
    while (j < lines.length && !/^\s*(async\s+)?def\b/.test(lines[j]) && (depth > 0 || /^\s*(@|\)|[\w"'=,\s]*\)?\s*$)/.test(lines[j]))) depth += open(lines[j++])
    const def = /^\s*(?:async\s+)?def\s+(\w+)\s*\(/.exec(lines[j] ?? '')
    if (!def) continue
    // Flask-Script's `@manager.option('-n', '--number-users', …)` names the option, not the command (its function's name is).
    const given = kind === 'option' ? undefined : /^\s*(?:name\s*=\s*)?["']([\w:-]+)["']/.exec(m[2] ?? '')?.[1]
    if (given === undefined ? clickFunctions(name).includes(def[1]) : given === name) return {byName: given === undefined, fn: def[1], line: j + 1}
  }

  return undefined
}

export interface Found {
  byName: boolean
  file: string
  fn: string
  line: number
}

// A click group runs the one command its first argument names (core.py Group.invoke → resolve_command: only that
// command's callback is invoked, after the group's own); Typer builds such a group from its `@app.command()` functions
// and names each as click does (typer/main.py get_command_name: lower case, underscores as dashes).
const CLICK_GROUP = 'https://github.com/pallets/click/blob/8.1.7/src/click/core.py'
const TYPER_NAME = 'https://github.com/fastapi/typer/blob/0.12.5/typer/main.py'

/**
 * Is `name` (a module's variable) a click group or a Typer app in `text`: `@click.group(…)` / `@x.group(…)` over
 * `def name`, or `name = typer.Typer(…)` / `click.Group(…)` / `AppGroup(…)`? Which, or undefined.
 */
export function cliGroupKind(text: string, name: string): 'click' | 'typer' | undefined {
  const assigned = new RegExp(String.raw`^${esc(name)}\s*(?::[^=\n]*)?=\s*(?:[\w.]+\.)?(Typer|Group|AppGroup|FlaskGroup)\(`, 'm').exec(text)
  if (assigned) return assigned[1] === 'Typer' ? 'typer' : 'click'
  const lines = text.split('\n')
  const def = lines.findIndex((l) => new RegExp(String.raw`^(?:async\s+)?def\s+${esc(name)}\s*\(`).test(l))
  // The decorators above the def (a decorator's arguments may span lines: those lines are skipped over).
  for (let i = def - 1; i >= 0 && i >= def - 12; i--) {
    if (/^@[\w.]*\bgroup\b/.test(lines[i])) return 'click'
    if (/^(?:def|class)\b|^\S[^@)]*$/.test(lines[i]) && !/^\s*$/.test(lines[i])) break
  }

  return undefined
}

/** The first argument that is not an option: the command a group runs (`--verbose worker` → worker). */
const firstCommand = (args: readonly string[]): string | undefined => args.find((a) => !a.startsWith('-'))

/**
 * The function the group `group` (a variable of `groupFile`) runs for the command `sub`, in the modules walked from the
 * group's file: `@group.command(…)` (named by the decorator, else after the function), a nested `@group.group()` whose own
 * command is the next argument, or `group.add_command(fn[, "name"])` of a command defined elsewhere. Undefined when none
 * or more than one is found.
 */
export function groupCommand(files: FileReader, modules: readonly string[], group: string, args: readonly string[]): Found | undefined {
  const sub = firstCommand(args)
  if (sub === undefined || !/^[\w:-]+$/.test(sub)) return undefined
  const hits: Found[] = []
  for (const file of modules) {
    const text = files.read(file)?.text ?? ''
    if (!text.includes(group)) continue
    const own = decorated(text, String.raw`(?:[\w]+\.)*${esc(group)}`, 'command', sub)
    if (own) hits.push({file, ...own})
    const nested = decorated(text, String.raw`(?:[\w]+\.)*${esc(group)}`, 'group', sub)
    if (nested) {
      const inner = groupCommand(files, modules, nested.fn, args.slice(args.indexOf(sub) + 1))
      if (inner) hits.push(inner)
    }

    // `cli.add_command(worker)`, `cli.add_command(worker, "run-worker")`, `cli.add_command(worker, name="run-worker")`.
    for (const m of text.matchAll(new RegExp(String.raw`\b${esc(group)}\.add_command\(\s*([\w.]+)\s*(?:,\s*(?:name\s*=\s*)?["']([\w:-]+)["'])?`, 'g'))) {
      const fn = m[1].split('.').at(-1)!
      if (m[2] !== undefined && m[2] !== sub) continue
      for (const other of modules) {
        const body = files.read(other)?.text ?? ''
        if (!body.includes(`def ${fn}`)) continue
        const cmd = decorated(body, String.raw`[\w.]+`, 'command', m[2] === undefined ? sub : fn.replaceAll('_', '-'))
        if (cmd?.fn === fn) hits.push({file: other, ...cmd})
      }
    }
  }

  const unique = [...new Map(hits.map((h) => [`${h.file}:${h.fn}`, h])).values()]
  return unique.length === 1 ? unique[0] : undefined
}

/**
 * A click group or Typer app (`group`, a variable of `file`) run with `args`: the command its first argument names runs
 * alone, its function's module read as a script's (with the group's file, which runs first), and the other commands'
 * bodies left out. A command conncalc does not find among the group's modules: every command is read, and the count
 * starred, naming the group.
 */
export async function groupAnalysis(ctx: AnalyzerContext, project: PythonProject, file: string, group: string, kind: 'click' | 'typer', args: readonly string[], what: string, runs: Source[]): Promise<ServerAnalysis> {
  const modules = (await project.walk([file])).map((m) => m.file)
  const found = groupCommand(ctx.files, modules, group, args)
  const framework = kind === 'typer' ? 'the Typer app' : 'the click group'
  if (found) {
    const named = found.byName ? [fromDefault(kind === 'typer' ? 'Typer names a command after its function (lower case, underscores as dashes) unless the decorator names it' : 'click names a command after its function (underscores as dashes) unless the decorator names it', kind === 'typer' ? TYPER_NAME : CLICK_NAME)] : []
    const how = [...runs, fromFile(found.file, found.line), fromDefault(`\`${what}\`: ${framework} ${group} (${file}) runs only the command its first argument names, ${found.fn}() in ${found.file}`, CLICK_GROUP), ...named]
    return scriptAnalysis(ctx, found.file, {also: [file], fn: found.fn, runs: how, what})
  }

  const sub = firstCommand(args)
  const why = sub === undefined
    ? `\`${what}\` names no command of ${framework} ${group} (${file}), so conncalc cannot tell which one runs`
    : `\`${what}\`: conncalc does not find the command ${sub} of ${framework} ${group} (${file}) among the ${modules.length} modules it imports (added another way, or by another name)`
  const result = await scriptAnalysis(ctx, file, {also: [], runs, what})
  const note = assumed(`${why}: every command's threads are read, as if each could run`)
  return {...result, threadsPerProcess: {...result.threadsPerProcess, via: [...(result.threadsPerProcess.via ?? []), note]}}
}
