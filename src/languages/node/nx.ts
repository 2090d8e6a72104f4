/**
 * Nx targets run as a process (`nx serve api`, `nx run api:serve:production`, `npx nx start api`): the
 * project is the one whose project.json (or package.json `nx` field) has that name, and the target says what runs
 * (https://nx.dev/reference/project-configuration):
 *
 * - `nx:run-commands` (or a target with only `command`): its `options.command`, or a single `options.commands`
 *   entry, run in `options.cwd` (from the workspace root) — read as any command;
 * - `@nx/js:node` / `@nx/node:node` / `@nrwl/node:execute` (and their @nrwl names): the build of
 *   `options.buildTarget` (`api:build`), whose `options.main` is the source file run;
 * - a target that is not in project.json but is a script of the project's package.json (Nx infers a target
 *   per script): that script, in the project's folder.
 *
 * Anything else (another executor, several commands run in parallel) is not read: undefined, and the
 * caller says the command is unknown as before.
 */
import type {FileReader} from '../../model/files.js'

import {filesUnder} from '../../model/files.js'
import {fromDefault, fromFile, type Source} from '../../model/source.js'
import {jsonKeyLine} from '../../util/json-lines.js'
import {stripJsonc} from './tsconfig.js'
import {isObject} from '../../util/objects.js'

const NX_REF = 'https://nx.dev/reference/project-configuration'
const NODE_EXECUTORS = /^@(nx|nrwl)\/(js|node):(node|execute)$/

export interface NxTarget {
  /** A command the target runs, from `cwd` (a folder from the workspace root; '' for the root). */
  command?: {argv: string; cwd: string}
  /** The source file the target runs (a node executor's build main), from the workspace root. */
  file?: string
  how: Source
}


function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const data: unknown = JSON.parse(stripJsonc(text))
    return isObject(data) ? data : undefined
  } catch {
    return undefined
  }
}

/** `nx serve api`, `nx run api:serve:production`, `nx start api --prod`: the project, target and configuration. */
export function nxInvocation(args: string[]): {project: string; target: string} | undefined {
  const words = args.filter((a) => !a.startsWith('-'))
  if (words[0] === 'run' && words[1]?.includes(':')) {
    const [project, target] = words[1].split(':')
    return project && target ? {project, target} : undefined
  }

  if (words[0] !== undefined && words[1] !== undefined && !['run-many', 'affected', 'graph', 'show', 'exec'].includes(words[0])) return {project: words[1], target: words[0]}
  return undefined
}

interface Project {
  dir: string
  file: string
  name: string
  targets: Record<string, unknown>
  text: string
}

/** Every project.json of the workspace (and package.json files with an `nx` field), up to three folders down. */
function projects(files: FileReader): Project[] {
  const out: Project[] = []
  for (const path of filesUnder(files, '', (p) => /(^|\/)project\.json$/.test(p), {max: 500, maxDepth: 3}).paths) {
    const text = files.read(path)?.text
    const data = parse(text)
    if (!data || text === undefined) continue
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
    const name = typeof data.name === 'string' ? data.name : dir.slice(dir.lastIndexOf('/') + 1)
    out.push({dir, file: path, name, targets: isObject(data.targets) ? data.targets : {}, text})
  }

  return out
}

/** What `nx TARGET PROJECT` runs, when the target is one conncalc reads. */
export function nxTarget(files: FileReader, project: string, target: string, depth = 0): NxTarget | undefined {
  const p = projects(files).find((x) => x.name === project)
  if (!p || depth > 2) return undefined
  const t = p.targets[target]
  const line = jsonKeyLine(p.text, ['targets', target])
  if (!isObject(t)) {
    // Not in project.json: Nx infers a target from each script of the project's package.json.
    const pkg = parse(files.read(p.dir === '' ? 'package.json' : `${p.dir}/package.json`)?.text)
    const script = isObject(pkg?.scripts) ? pkg.scripts[target] : undefined
    if (typeof script !== 'string') return undefined
    return {command: {argv: script, cwd: p.dir}, how: fromDefault(`nx runs ${project}'s "${target}" script from ${p.dir === '' ? '' : `${p.dir}/`}package.json (a target Nx infers from the project's scripts)`, NX_REF)}
  }

  const executor = typeof t.executor === 'string' ? t.executor : undefined
  const options = isObject(t.options) ? t.options : {}
  const at = fromFile(p.file, line || 1)
  if (executor === undefined || executor === 'nx:run-commands' || executor === '@nrwl/workspace:run-commands') {
    const commands = Array.isArray(options.commands) ? options.commands.map((c) => (typeof c === 'string' ? c : isObject(c) && typeof c.command === 'string' ? c.command : undefined)) : []
    const command = typeof options.command === 'string' ? options.command : typeof t.command === 'string' ? t.command : commands.length === 1 ? commands[0] : undefined
    if (command === undefined) return undefined
    const cwd = typeof options.cwd === 'string' ? options.cwd.replace(/^\.\/?/, '').replace(/\/+$/, '') : ''
    return {command: {argv: command, cwd}, how: at}
  }

  if (NODE_EXECUTORS.test(executor)) {
    const build = typeof options.buildTarget === 'string' ? options.buildTarget : typeof options.target === 'string' ? options.target : undefined
    const [bp, bt] = build?.split(':') ?? []
    const b = bp === undefined || bt === undefined ? undefined : projects(files).find((x) => x.name === bp)?.targets[bt]
    const main = isObject(b) && isObject(b.options) && typeof b.options.main === 'string' ? b.options.main.replace(/^\.\//, '') : undefined
    if (main === undefined || !files.exists(main)) return undefined
    return {file: main, how: fromDefault(`${p.file}:${line || 1}: the ${target} target (${executor}) runs the build of ${build}, whose main is ${main}: conncalc read it`, NX_REF)}
  }

  return undefined
}
