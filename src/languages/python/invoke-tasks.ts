/**
 * Python Invoke tasks a Procfile line runs (`inv api.run.prod -p $PORT -w 2`,
 * `invoke worker`): the task is found as Invoke finds it, its parameters are bound
 * from the flags (else their defaults), and its body is evaluated (never run) for
 * the commands it passes to `c.run(...)`. Those commands are the processes.
 *
 * As Invoke does it:
 * - loader.py: the tasks module is `tasks.py` or the `tasks/` package, searched from
 *   the working folder upward; `-c/--collection NAME` names another module,
 *   `-r/--search-root DIR` another folder.
 * - collection.py: a module with `ns`/`namespace = Collection(...)` is that collection;
 *   otherwise its `@task` functions, named after the module. `Collection(a, b)` and
 *   `add_collection(module)` add a module as `Collection.from_module(module)`, named
 *   after the module's last dotted part; a task path `api.run.prod` walks collections;
 *   a collection's name alone is its default task (`@task(default=True)`). Names have
 *   `_` turned to `-` (auto_dash_names).
 * - tasks.py `get_arguments`: each parameter after the context is `--name` (dashed)
 *   and a short flag, its first letter not taken by another parameter's name or an
 *   earlier short flag; a parameter without a default is positional.
 * - runners.py: `c.run(cmd)` runs cmd with bash and returns when it exits, unless
 *   `asynchronous=True` or `disown=True`. So the last blocking run is the process and
 *   the runs before it finished first (as a shell script's foreground commands do).
 */
import type {EvalValue, KnownValue, PyCall, PyFunction} from './values.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'

import {parsePython, type PyNode} from './parse.js'
import {PythonProject} from './modules.js'
import {pyStr} from './methods.js'

export const INVOKE_REF = 'https://github.com/pyinvoke/invoke/blob/main/invoke/collection.py'

export interface InvokeRun {
  /** Started with asynchronous=True / disown=True: runs beside the task's process. */
  background: boolean
  command: string
  file: string
  line: number
}

export type InvokeTask =
  | {
      file: string
      line: number
      /** The runs that stay up: the background ones and the last blocking one. */
      runs: InvokeRun[]
      /** Blocking runs before the last one: they finished before it started. */
      finished: InvokeRun[]
      /** Each parameter and where its value came from: `workers=3 (-w)`, `host="0.0.0.0" (default)`. */
      parameters: string[]
      task: string
    }
  | {unknown: string}

interface Task {
  default: boolean
  file: string
  fn: string
  line: number
}

interface Coll {
  collections: Map<string, Coll>
  default?: string
  name?: string
  tasks: Map<string, Task>
}

const dash = (name: string): string => name.replaceAll('_', '-')
const named = (node: PyNode): PyNode[] => node.namedChildren.filter((n): n is PyNode => n !== null)

/** Invoke's core flags that take a value (invoke/program.py core_args); the others are switches. */
const CORE_VALUE_FLAGS = new Set(['-c', '--collection', '-r', '--search-root', '-f', '--config', '--command-timeout', '-T', '--write-pyc', '--prompt-for-sudo-password', '-l', '--list', '-D', '--list-depth', '-F', '--list-format'])
const CORE_SWITCHES_WITH_OPTIONAL = new Set(['-l', '--list', '-D', '--list-depth', '-F', '--list-format'])

/** What `inv`/`invoke` runs: the task's c.run commands, or why they cannot be told. */
export async function invokeTask(argv: readonly string[], files: FileReader, env: Env, cwd: string): Promise<InvokeTask> {
  const args = argv.slice(1)
  let collection = 'tasks'
  let root = cwd
  let i = 0
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2)
    if (CORE_SWITCHES_WITH_OPTIONAL.has(flag)) return {unknown: `\`${argv.join(' ')}\` lists tasks; it runs none`}
    const value = inline ?? (CORE_VALUE_FLAGS.has(flag) ? args[++i] : undefined)
    if (flag === '-c' || flag === '--collection') collection = value ?? collection
    if (flag === '-r' || flag === '--search-root') root = value ?? root
  }

  const path = args[i]
  if (path === undefined) return {unknown: `\`${argv.join(' ')}\` names no task (invoke then runs the collection's default task, which conncalc does not look up)`}
  const project = new PythonProject({env, files})
  const rootFile = findTasksModule(files, root, collection)
  if (!rootFile) return {unknown: `invoke looks for ${collection}.py or ${collection}/__init__.py from ${root || 'the app root'} upward; the app has neither`}
  const ns = await collectionOf(project, files, rootFile, collection, new Set())
  const found = lookup(ns, path)
  if (!found) return {unknown: `invoke finds no task \`${path}\` in ${rootFile} (its tasks: ${listTasks(ns).slice(0, 12).join(', ') || 'none'})`}
  const rest = args.slice(i + 1)
  const module = await project.load(found.file)
  const fnValue = module?.names.get(found.fn)
  const fn = fnValue?.kind === 'known' && typeof fnValue.value === 'object' && fnValue.value?.kind === 'function' ? fnValue.value : undefined
  if (!fn) return {unknown: `the task \`${path}\` (${found.file}:${found.line}) is not a function conncalc can read`}
  const bound = bindFlags(fn, rest, path, found)
  if ('unknown' in bound) return bound
  const calls: PyCall[] = []
  const ctxParam = fn.params[0]
  const ctxValue: EvalValue = {file: found.file, kind: 'unknown', line: found.line, reason: 'the Invoke context'}
  await project.call(() => fn.invoke([ctxValue], bound.kwargs, calls))
  const runs = calls.filter((c) => c.callee === `${ctxParam}.run` || c.callee === `${ctxParam}.sudo` || c.callee === 'invoke.run')
  // A c.run inside a helper the task calls is not followed: said, since the helper may start the server.
  if (runs.length === 0) return {unknown: `the task \`${path}\` (${found.file}:${found.line}) calls no ${ctxParam}.run(...) in its own body (a function it calls is not followed)`}
  const out: InvokeRun[] = []
  for (const r of runs) {
    const cmd = r.args[0] ?? r.kwargs.command
    if (r.conditional) return {unknown: `the task \`${path}\` runs \`${ctxParam}.run(...)\` at ${found.file}:${r.line} only under a condition conncalc cannot decide`}
    if (cmd?.kind !== 'known' || typeof cmd.value !== 'string') {
      return {unknown: `the command the task \`${path}\` runs at ${found.file}:${r.line} is not evaluated: ${cmd?.kind === 'unknown' ? cmd.reason : 'it is not a string'}`}
    }

    const flag = (k: string): boolean => r.kwargs[k]?.kind === 'known' && (r.kwargs[k] as KnownValue).value === true
    out.push({background: flag('asynchronous') || flag('disown'), command: cmd.value, file: found.file, line: r.line})
  }

  const blocking = out.filter((r) => !r.background)
  const last = blocking.at(-1)
  const parameters = fn.params.slice(1).filter((p) => !p.startsWith('*')).map((p) => {
    const v = bound.kwargs[p] ?? fn.defaults.get(p)
    const shown = (v?.kind === 'known' ? pyStr(v.value) : undefined) ?? '?'
    return `${p}=${shown} (${bound.flags.get(p) ?? 'default'})`
  })
  return {file: found.file, finished: blocking.slice(0, -1), line: found.line, parameters, runs: out.filter((r) => r.background || r === last), task: path}
}

/** `tasks.py` or `tasks/__init__.py` in `dir` or a folder above it, within the app. */
function findTasksModule(files: FileReader, dir: string, name: string): string | undefined {
  let d = dir
  for (;;) {
    const base = d ? `${d}/` : ''
    const hit = [`${base}${name}.py`, `${base}${name}/__init__.py`].find((p) => files.exists(p))
    if (hit) return hit
    if (!d) return undefined
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : ''
  }
}

const lastPart = (module: string): string => module.split('.').at(-1) ?? module

/** Collection.from_module: the module's `ns`/`namespace`, else its @task functions, named after the module. */
async function collectionOf(project: PythonProject, files: FileReader, file: string, moduleName: string, seen: Set<string>): Promise<Coll> {
  const empty: Coll = {collections: new Map(), name: dash(lastPart(moduleName)), tasks: new Map()}
  const source = files.read(file)
  if (!source || seen.has(file)) return empty
  seen.add(file)
  const parsed = await parsePython(file, source.text)
  if (parsed.error) return empty
  const top = named(parsed.tree.rootNode)
  const tasks = new Map<string, Task>()
  const imports = new Map<string, {level: number; module: string}>()
  for (const node of top) {
    const t = taskDef(node, file)
    if (t) tasks.set(t.fn, t)
    if (node.type === 'import_from_statement') {
      const mod = node.childForFieldName('module_name')
      const level = mod?.type === 'relative_import' ? (/^\.+/.exec(mod.text)?.[0].length ?? 0) : 0
      const base = mod ? mod.text.replace(/^\.+/, '') : ''
      for (const n of node.childrenForFieldName('name')) {
        const local = n.type === 'aliased_import' ? n.childForFieldName('alias')!.text : n.text
        const orig = n.type === 'aliased_import' ? n.childForFieldName('name')!.text : n.text
        imports.set(local, {level, module: base ? `${base}.${orig}` : orig})
      }
    } else if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        if (n.type === 'aliased_import') imports.set(n.childForFieldName('alias')!.text, {level: 0, module: n.childForFieldName('name')!.text})
      }
    }
  }

  const ctx = {file, imports, project, files, seen, tasks}
  let ns: Coll | undefined
  let nsName: string | undefined
  for (const node of top) {
    const e = node.type === 'expression_statement' ? named(node)[0] : undefined
    if (e?.type === 'assignment') {
      const left = e.childForFieldName('left')?.text
      const right = e.childForFieldName('right')
      if ((left === 'ns' || left === 'namespace') && right) {
        const v = await objectOf(right, ctx)
        if (v && 'collections' in v) {
          ns = v
          nsName = left
        }
      }
    } else if (e?.type === 'call' && ns && nsName) {
      const callee = e.childForFieldName('function')?.text
      const argNodes = named(e.childForFieldName('arguments') ?? e)
      const positional = argNodes.filter((a) => a.type !== 'keyword_argument')
      const kw = (k: string): PyNode | undefined => argNodes.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === k)?.childForFieldName('value') ?? undefined
      const nameArg = positional[1] ?? kw('name')
      const given = nameArg ? stringOf(nameArg) : undefined
      if (callee === `${nsName}.add_collection` && positional[0]) {
        const c = await objectOf(positional[0], ctx)
        if (c && 'collections' in c) ns.collections.set(dash(given ?? c.name ?? ''), c)
      } else if (callee === `${nsName}.add_task` && positional[0]) {
        const t = await objectOf(positional[0], ctx)
        if (t && 'fn' in t) ns.tasks.set(dash(given ?? t.fn), t)
      }
    }
  }

  if (ns) return {...ns, name: ns.name ?? dash(lastPart(moduleName))}
  const coll: Coll = {collections: new Map(), name: dash(lastPart(moduleName)), tasks: new Map()}
  for (const t of tasks.values()) addTask(coll, t, t.fn)
  return coll
}

function addTask(coll: Coll, t: Task, name: string): void {
  coll.tasks.set(dash(name), t)
  if (t.default) coll.default = dash(name)
}

const stringOf = (node: PyNode): string | undefined => (node.type === 'string' && !named(node).some((k) => k.type === 'interpolation') ? /^[A-Za-z]*(["'])([\s\S]*)\1$/.exec(node.text)?.[2] : undefined)

/** A top-level `@task` / `@task(...)` / `@invoke.task` function. */
function taskDef(node: PyNode, file: string): Task | undefined {
  if (node.type !== 'decorated_definition') return undefined
  const def = node.childForFieldName('definition')
  if (def?.type !== 'function_definition') return undefined
  for (const d of named(node).filter((k) => k.type === 'decorator')) {
    const expr = named(d)[0]
    const callee = expr?.type === 'call' ? expr.childForFieldName('function') : expr
    if (!callee || !/^(?:invoke\.)?task$/.test(callee.text)) continue
    const args = expr.type === 'call' ? named(expr.childForFieldName('arguments') ?? expr) : []
    const isDefault = args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'default' && a.childForFieldName('value')?.text === 'True')
    return {default: isDefault, file, fn: def.childForFieldName('name')!.text, line: def.startPosition.row + 1}
  }

  return undefined
}

interface ModuleCtx {
  file: string
  files: FileReader
  imports: Map<string, {level: number; module: string}>
  project: PythonProject
  seen: Set<string>
  tasks: Map<string, Task>
}

/** What an argument of Collection(...)/add_collection(...) is: a task, a collection, or a module made one. */
async function objectOf(node: PyNode, ctx: ModuleCtx): Promise<Coll | Task | undefined> {
  if (node.type === 'identifier') {
    const t = ctx.tasks.get(node.text)
    if (t) return t
    const imp = ctx.imports.get(node.text)
    if (!imp) return undefined
    const file = ctx.project.resolve(imp.module, imp.level, ctx.file)
    if (file) return collectionOf(ctx.project, ctx.files, file, imp.module, new Set(ctx.seen))
    // `from .deploy import release`: a task defined in that module.
    const parent = imp.module.includes('.') ? imp.module.slice(0, imp.module.lastIndexOf('.')) : ''
    const parentFile = ctx.project.resolve(parent, imp.level, ctx.file)
    const src = parentFile ? ctx.files.read(parentFile) : undefined
    if (!parentFile || !src) return undefined
    const parsed = await parsePython(parentFile, src.text)
    for (const n of named(parsed.tree.rootNode)) {
      const t = taskDef(n, parentFile)
      if (t?.fn === lastPart(imp.module)) return t
    }

    return undefined
  }

  if (node.type !== 'call') return undefined
  const callee = node.childForFieldName('function')?.text ?? ''
  const argNodes = named(node.childForFieldName('arguments') ?? node)
  if (/^(?:invoke\.)?Collection\.from_module$/.test(callee)) {
    const first = argNodes[0]
    const nameNode = argNodes.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'name')?.childForFieldName('value')
    const c = first ? await objectOf(first, ctx) : undefined
    const given = nameNode ? stringOf(nameNode) : undefined
    return c && 'collections' in c ? {...c, name: given ? dash(given) : c.name} : undefined
  }

  if (!/^(?:invoke\.)?Collection$/.test(callee)) return undefined
  const coll: Coll = {collections: new Map(), tasks: new Map()}
  for (const [k, a] of argNodes.entries()) {
    if (k === 0 && a.type === 'string') {
      const s = stringOf(a)
      if (s) coll.name = dash(s)
      continue
    }

    const isKw = a.type === 'keyword_argument'
    if (isKw && a.childForFieldName('name')?.text === 'loaded_from') continue
    const value = isKw ? a.childForFieldName('value') : a
    const obj = value ? await objectOf(value, ctx) : undefined
    const name = isKw ? a.childForFieldName('name')!.text : undefined
    if (obj && 'fn' in obj) addTask(coll, obj, name ?? obj.fn)
    else if (obj) coll.collections.set(dash(name ?? obj.name ?? ''), obj)
  }

  return coll
}

/** Collection.task_with_config: dotted path through sub-collections; a collection's name is its default task. */
function lookup(coll: Coll, path: string): Task | undefined {
  const [head, ...rest] = dash(path).split('.')
  if (rest.length === 0) {
    const t = coll.tasks.get(head)
    if (t) return t
    const sub = coll.collections.get(head)
    return sub?.default ? sub.tasks.get(sub.default) : undefined
  }

  const sub = coll.collections.get(head)
  return sub ? lookup(sub, rest.join('.')) : undefined
}

function listTasks(coll: Coll, prefix = ''): string[] {
  return [...[...coll.tasks.keys()].map((t) => `${prefix}${t}`), ...[...coll.collections].flatMap(([n, c]) => listTasks(c, `${prefix}${n}.`))]
}

/** The task's parameters from its flags (tasks.py get_arguments), else their defaults. */
function bindFlags(fn: PyFunction, rest: readonly string[], path: string, found: Task): {flags: Map<string, string>; kwargs: Record<string, EvalValue>} | {unknown: string} {
  const params = fn.params.slice(1).filter((p) => !p.startsWith('*'))
  const taken = new Set(params)
  const short = new Map<string, string>()
  for (const p of params) {
    const c = [...p].find((ch) => ch !== p && !taken.has(ch))
    if (c) {
      short.set(c, p)
      taken.add(c)
    }
  }

  const kwargs: Record<string, EvalValue> = {}
  const flags = new Map<string, string>()
  const value = (p: string, text: string): EvalValue => {
    const d = fn.defaults.get(p)
    const dv = d?.kind === 'known' ? d.value : undefined
    // The default's type is the flag's kind: an int default makes `-w 2` the number 2 (tasks.py arg_opts).
    const v = typeof dv === 'number' && /^-?\d+$/.test(text) ? Number(text) : text
    return {file: found.file, kind: 'known', line: found.line, value: v, via: []}
  }

  const positional = params.filter((p) => !fn.defaults.has(p))
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    if (!a.startsWith('-')) {
      const p = positional.shift()
      if (!p) return {unknown: `\`${a}\` after the task \`${path}\` is another task or an argument conncalc does not bind (invoke runs several tasks one after another; conncalc reads one)`}
      kwargs[p] = value(p, a)
      flags.set(p, 'positional')
      continue
    }

    const m = /^(--?)([^=]+)(?:=(.*))?$/s.exec(a)!
    const long = m[1] === '--'
    let name = long ? m[2].replaceAll('-', '_') : short.get(m[2][0])
    let negated = false
    if (long && name?.startsWith('no_') && !params.includes(name)) {
      name = name.slice(3)
      negated = true
    }

    if (!name || !params.includes(name)) return {unknown: `the task \`${path}\` (${found.file}:${found.line}) has no parameter for \`${a}\``}
    const d = fn.defaults.get(name)
    if (d?.kind === 'known' && typeof d.value === 'boolean') {
      kwargs[name] = {file: found.file, kind: 'known', line: found.line, value: !negated, via: []}
      flags.set(name, m[0])
      continue
    }

    const inline = m[3] ?? (!long && m[2].length > 1 ? m[2].slice(1) : undefined)
    const text = inline ?? rest[++i]
    if (text === undefined) return {unknown: `\`${a}\` is given no value`}
    kwargs[name] = value(name, text)
    flags.set(name, m[0].replace(/=.*$/s, ''))
  }

  return {flags, kwargs}
}
