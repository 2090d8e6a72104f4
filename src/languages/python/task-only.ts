/**
 * SQLAlchemy engines only background tasks use. create_engine() opens no connection: "The Engine,
 * when first returned by create_engine(), has not actually tried to connect to the database yet;
 * that happens only the first time it is asked to perform a task against the database"
 * (https://docs.sqlalchemy.org/en/20/tutorial/engine.html, Lazy Connecting). A module that builds an
 * engine at import and uses it (itself, or a sessionmaker built from it) only inside the bodies of
 * Celery tasks (`@shared_task`, `@app.task` of a Celery app) or Dramatiq actors (`@dramatiq.actor`)
 * is often imported by the web process too, to call `.delay()`/`.send()`, which only sends a message
 * (https://docs.celeryq.dev/en/stable/userguide/calling.html): the task body runs in the worker, so
 * the web process never connects that engine.
 *
 * Read from the syntax tree, never run: every use of the engine's name (and of the names built from
 * it at module level) must be inside such a body, or inside a module function only those bodies use;
 * no other module of the process may import those names (or reach them as `module.name`); the task
 * must not be called directly (`task(…)`, `task.apply(…)` run it in the caller); and Celery's
 * task_always_eager (which runs `.delay()` in the caller) must not be set. Anything else counts the engine.
 */
import type {PyCall, PyModule} from './values.js'
import type {FileReader} from '../../model/files.js'
import type {PyNode} from './parse.js'

import {fromDefault, type Source} from '../../model/source.js'
import {parsePython} from './parse.js'

const LAZY = 'https://docs.sqlalchemy.org/en/20/tutorial/engine.html'
const RUNNER_NAME: Record<TaskRunner, string> = {celery: 'Celery tasks', dramatiq: 'Dramatiq actors'}

/** The note on the pools a process does count: the engines it does not, and why. */
export function taskOnlyNote(idle: ReadonlyMap<string, TaskOnlyUse>, server: string): Source {
  const list = [...idle].map(([at, use]) => `${at} (${use.tasks.map((t) => `${t.name}()`).join(', ')})`)
  const runners = [...new Set([...idle.values()].map((u) => u.runner))]
  const what = runners.map((r) => RUNNER_NAME[r]).join(' and ')
  return fromDefault(`not counted here: the engine${list.length > 1 ? 's' : ''} at ${list.join(', ')} ${list.length > 1 ? 'are' : 'is'} used only inside ${what}, whose bodies run in the ${runners.join(' and ')} worker, not in ${server}, and an engine connects on first use`, LAZY)
}

/** The note on the pools a process does count: the pools it never makes, written in functions only tasks reach. */
export function madeInTasksNote(idle: ReadonlyMap<string, TaskOnlyUse>, server: string): Source {
  const list = [...idle].map(([at, use]) => `${at} (reached only from ${use.tasks.map((t) => `${t.name}()`).join(', ')})`)
  const runners = [...new Set([...idle.values()].map((u) => u.runner))]
  const what = runners.map((r) => RUNNER_NAME[r]).join(' and ')
  return fromDefault(`not counted here: the pool${list.length > 1 ? 's' : ''} made at ${list.join(', ')} ${list.length > 1 ? 'are' : 'is'} made in a function only ${what} call, whose bodies run in the ${runners.join(' and ')} worker, not in ${server}`, CALLING)
}

const CALLING = 'https://docs.celeryq.dev/en/stable/userguide/calling.html'

export type TaskRunner = 'celery' | 'dramatiq'

/** Servers that serve requests or schedule, and never run a task body (celery beat and events only send or watch). */
const SERVES_ONLY = new Set(['celery-beat', 'celery-events', 'daphne', 'django-runserver', 'gevent', 'granian', 'gunicorn', 'hypercorn', 'uvicorn', 'uwsgi', 'waitress', 'werkzeug'])
/** Workers that run one system's jobs and not the other's. */
const OTHER_WORKERS: Record<TaskRunner, Set<string>> = {celery: new Set(['dramatiq', 'rq', 'rq-worker-pool', 'spinach']), dramatiq: new Set(['celery', 'rq', 'rq-worker-pool', 'spinach'])}

/** Whether a process run by `server` never runs `runner`'s task bodies. Scripts and management commands may start anything: they do. */
export const runsNoTasks = (server: string, runner: TaskRunner): boolean => SERVES_ONLY.has(server) || OTHER_WORKERS[runner].has(server)

/** Where an engine is used only by tasks: the tasks (name and line), and which system runs them. */
export interface TaskOnlyUse {
  runner: TaskRunner
  tasks: {line: number; name: string}[]
}

interface ModuleFacts {
  /** Per context (`module`, or a module-level function or name), the module-level names it reads. */
  reads: Map<string, Set<string>>
  /** Module-level task functions, with the system that runs them. */
  tasks: Map<string, {line: number; runner: TaskRunner}>
}

const named = (n: PyNode): PyNode[] => n.namedChildren.filter((c) => c.type !== 'comment')

/** The system a decorator hands its function to: `@shared_task(...)`, `@celery_app.task`, `@dramatiq.actor`, else undefined. */
function decoratorRunner(text: string, celeryApps: Set<string>, imported: Map<string, string>): TaskRunner | undefined {
  const head = /^([\w.]+)/.exec(text)?.[1] ?? ''
  const parts = head.split('.')
  const from = imported.get(parts[0])
  if (head === 'celery.shared_task' || (parts.length === 1 && from === 'celery' && parts[0] === 'shared_task')) return 'celery'
  if (parts.length === 2 && parts[1] === 'task' && celeryApps.has(parts[0])) return 'celery'
  if (head === 'dramatiq.actor' || (parts.length === 1 && from === 'dramatiq' && parts[0] === 'actor')) return 'dramatiq'
  return undefined
}

/** What each module-level context of a file reads, and which functions are tasks. */
function moduleFacts(root: PyNode, celeryApps: Set<string>, imported: Map<string, string>): ModuleFacts {
  const reads = new Map<string, Set<string>>()
  const tasks = new Map<string, {line: number; runner: TaskRunner}>()
  const add = (ctx: string, name: string): void => {
    let s = reads.get(ctx)
    if (!s) reads.set(ctx, (s = new Set()))
    s.add(name)
  }

  // Identifiers below `node` read in context `ctx`; a def or class nested in it reads in the same context.
  const collect = (node: PyNode, ctx: string): void => {
    if (node.type === 'identifier') {
      add(ctx, node.text)
      return
    }

    // `obj.attr`: only obj is a name read here.
    if (node.type === 'attribute') {
      const obj = node.childForFieldName('object')
      if (obj) collect(obj, ctx)
      return
    }

    // `f(x=1)`: the keyword is not a name read.
    if (node.type === 'keyword_argument') {
      const v = node.childForFieldName('value')
      if (v) collect(v, ctx)
      return
    }

    for (const c of named(node)) collect(c, ctx)
  }

  const statement = (node: PyNode): void => {
    switch (node.type) {
      case 'decorated_definition': {
        const def = node.childForFieldName('definition')
        const decorators = named(node).filter((d) => d.type === 'decorator')
        for (const d of decorators) collect(d, 'module')
        const name = def?.childForFieldName('name')?.text
        const runner = decorators.map((d) => decoratorRunner(d.text.replace(/^@\s*/, ''), celeryApps, imported)).find(Boolean)
        if (def?.type === 'function_definition' && name && runner) {
          tasks.set(name, {line: def.startPosition.row + 1, runner})
          definition(def, `task:${name}`)
        } else if (def) statement(def)
        return
      }

      // `from sqlalchemy.engine import Engine` names a module path, not a name of this module read here.
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement': {
        return
      }

      case 'function_definition': {
        definition(node, `fn:${node.childForFieldName('name')?.text ?? ''}`)
        return
      }

      case 'expression_statement': {
        const a = named(node)[0]
        const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined
        const right = a?.type === 'assignment' ? a.childForFieldName('right') : undefined
        // `X = expr` at module level: what expr reads is read for X (a sessionmaker built from an engine).
        if (left?.type === 'identifier' && right) collect(right, `var:${left.text}`)
        else collect(node, 'module')
        return
      }

      case 'if_statement':
      case 'try_statement':
      case 'with_statement':
      case 'block':
      case 'else_clause':
      case 'elif_clause':
      case 'except_clause':
      case 'finally_clause': {
        // Statements inside run at import like the module's own; the conditions and context expressions are read there too.
        for (const c of named(node)) {
          if (c.type === 'block' || c.type.endsWith('_clause')) statement(c)
          else if (/(_statement|_definition)$/.test(c.type)) statement(c)
          else collect(c, 'module')
        }

        return
      }

      default: {
        collect(node, 'module')
      }
    }
  }

  // A def's parameters' defaults and annotations are read when it is defined; its body when it runs.
  const definition = (def: PyNode, ctx: string): void => {
    const params = def.childForFieldName('parameters')
    if (params) collect(params, 'module')
    const body = def.childForFieldName('body')
    if (body) collect(body, ctx)
  }

  for (const n of named(root)) statement(n)
  return {reads, tasks}
}

/** Names live in this process: read at import, or by a live function or name, transitively. */
function liveNames(facts: ModuleFacts, seeds: Iterable<string>): Set<string> {
  const live = new Set<string>(seeds)
  const queue = [...(facts.reads.get('module') ?? []), ...live]
  while (queue.length > 0) {
    const n = queue.pop()!
    live.add(n)
    for (const ctx of [`fn:${n}`, `var:${n}`]) {
      for (const r of facts.reads.get(ctx) ?? []) {
        if (!live.has(r)) {
          live.add(r)
          queue.push(r)
        }
      }
    }
  }

  return live
}

export interface TaskOnlyInput {
  files: FileReader
  modules: PyModule[]
  /** Resolve an import as Python would (PythonProject.resolve). */
  resolve: (module: string, level: number, from: string) => string | undefined
  server: string
}

/** `task_always_eager = True` (or CELERY_ALWAYS_EAGER, CELERY_TASK_ALWAYS_EAGER) anywhere but a literal False: `.delay()` runs in the caller. */
const EAGER = /always_eager["']?\s*[:=]\s*(?!False\b)/i

/**
 * For each engine call (keyed `file:line`) that only task bodies of a system this process does not run
 * use, the tasks that do. Engines built anywhere else than at a module's top level are not looked at.
 */
export async function taskOnlyEngines(input: TaskOnlyInput, engines: {call: PyCall; module: PyModule}[]): Promise<Map<string, TaskOnlyUse>> {
  const candidates = engines.filter(({call}) => call.within === undefined && call.assignedTo !== undefined)
  return taskOnlyUses(input, candidates, (call) => call.assignedTo)
}

/**
 * For each pool-making call (keyed `file:line`) written inside a module-level function that only task bodies of a
 * system this process does not run reach (`async def _refresh(): await Tortoise.init(db_url=…)` that a Celery task
 * runs with asyncio.run): the tasks that reach it. The function runs only where the task body runs, so the pool is
 * made there and not in a web process that imports the module to call `.delay()`. The same conditions as
 * taskOnlyEngines: no other module takes the function, no module-level code or live function reads it, no task
 * is called directly, task_always_eager is not set.
 */
export async function taskOnlyCalls(input: TaskOnlyInput, calls: {call: PyCall; module: PyModule}[]): Promise<Map<string, TaskOnlyUse>> {
  const candidates = calls.filter(({call}) => call.within !== undefined)
  return taskOnlyUses(input, candidates, (call, facts) => {
    const fn = call.within!.name
    // Only a function of the module's own top level (a nested def's reads are its enclosing function's), not a task itself.
    return facts.tasks.has(fn) || !facts.reads.has(`fn:${fn}`) ? undefined : fn
  })
}

/**
 * The steps both finders share: for each candidate call, the name it binds (`nameOf`) when the module's task system
 * is one this process does not run, no other module or live code takes that name, and some task reaches it.
 */
async function taskOnlyUses(input: TaskOnlyInput, candidates: {call: PyCall; module: PyModule}[], nameOf: (call: PyCall, facts: ModuleFacts) => string | undefined): Promise<Map<string, TaskOnlyUse>> {
  const out = new Map<string, TaskOnlyUse>()
  if (candidates.length === 0) return out
  if (input.modules.some((m) => EAGER.test(input.files.read(m.file)?.text ?? ''))) return out
  const celeryApps = celeryAppNames(input.modules)
  const called = directlyCalled(input.modules)
  for (const {call, module} of candidates) {
    const facts = await factsOf(input, module, celeryApps)
    if (!facts) continue
    const name = nameOf(call, facts)
    if (name === undefined) continue
    const runner = idleRunner(facts, input.server)
    if (!runner) continue
    // Names other modules take from this one, and the tasks called directly here (their bodies are live).
    if (liveIn(input, module, facts, called).has(name)) continue
    // Some task must reach it (an engine nothing uses is left counted: its use may be one conncalc does not see).
    const tasks = tasksReaching(facts, name)
    if (tasks.length === 0) continue
    out.set(`${module.file}:${call.line}`, {runner, tasks})
  }

  return out
}

/** The names the app's modules bind a celery.Celery(...) app to (`app = Celery(...)`). */
function celeryAppNames(modules: PyModule[]): Set<string> {
  return new Set(modules.flatMap((m) => m.calls.filter((c) => c.callee === 'celery.Celery' && c.assignedTo).map((c) => c.assignedTo!)))
}

/** A module's task facts, from its parse; undefined when the file cannot be read or parsed. */
async function factsOf(input: TaskOnlyInput, module: PyModule, celeryApps: Set<string>): Promise<ModuleFacts | undefined> {
  const text = input.files.read(module.file)?.text
  if (!text) return undefined
  const parsed = await parsePython(module.file, text)
  if (parsed.error) return undefined
  const imported = new Map(module.imports.flatMap((i) => (Array.isArray(i.names) ? i.names.map((n) => [n, i.module] as [string, string]) : [])))
  return moduleFacts(parsed.tree.rootNode, celeryApps, imported)
}

/** The one task system the module's tasks belong to, when this process runs none of its tasks; else undefined. */
function idleRunner(facts: ModuleFacts, server: string): TaskRunner | undefined {
  const runners = new Set([...facts.tasks.values()].map((t) => t.runner))
  if (runners.size !== 1) return undefined
  const runner = [...runners][0]
  return runsNoTasks(server, runner) ? runner : undefined
}

/** The module's tasks whose bodies reach `name` (read it, or call a function that does). */
function tasksReaching(facts: ModuleFacts, name: string): TaskOnlyUse['tasks'] {
  const withoutModule = {...facts, reads: new Map([...facts.reads, ['module', new Set<string>()]])}
  return [...facts.tasks].filter(([t]) => liveNames(withoutModule, facts.reads.get(`task:${t}`) ?? []).has(name)).map(([t, v]) => ({line: v.line, name: t}))
}

/** Names every module calls by their last part (a task called directly runs in the caller). */
function directlyCalled(modules: PyModule[]): Set<string> {
  return new Set(modules.flatMap((m) => m.calls.flatMap((c) => {
    const parts = c.callee.replace(/\(\)/g, '').split('.')
    const last = parts.at(-1)!
    return ['apply', 'run', '__call__'].includes(last) && parts.length > 1 ? [parts.at(-2)!, last] : [last]
  })))
}

/** The names of `module` live in this process: those other modules take from it, and what module-level code and directly called tasks read. */
function liveIn(input: TaskOnlyInput, module: PyModule, facts: ModuleFacts, called: Set<string>): Set<string> {
  const seeds = new Set<string>()
  for (const other of input.modules) {
    if (other.file === module.file) continue
    for (const imp of other.imports) {
      if (input.resolve(imp.module, imp.level, other.file) === module.file) {
        if (imp.names === '*') for (const n of facts.reads.keys()) seeds.add(n.replace(/^\w+:/, ''))
        else if (imp.names.length > 0) for (const n of imp.names) seeds.add(n)
        else for (const n of attributesRead(input.files, other.file)) seeds.add(n)
      } else if (Array.isArray(imp.names) && imp.names.some((n) => input.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, other.file) === module.file)) {
        for (const n of attributesRead(input.files, other.file)) seeds.add(n)
      }
    }
  }

  const direct = [...facts.tasks.keys()].filter((t) => called.has(t))
  return liveNames({...facts, reads: new Map([...facts.reads, ...direct.map((t) => [`fn:${t}`, facts.reads.get(`task:${t}`) ?? new Set<string>()] as const)])}, [...seeds, ...direct])
}

/** The attribute names a file reads off any object (`tasks.engine`): a module imported whole may be read that way. */
function attributesRead(files: FileReader, file: string): Set<string> {
  const text = files.read(file)?.text ?? ''
  return new Set([...text.matchAll(/\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]))
}

const DDL_CALL = /(^|\.)(create_all|drop_all)$/
const SCOPES = new Set(['function_definition', 'lambda', 'class_definition'])

/** Every node of `root`'s tree, depth first. */
function* nodesOf(root: PyNode): Generator<PyNode> {
  const stack = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    yield n
    for (const c of named(n)) stack.push(c)
  }
}

/** The call `node` is an argument of, if its callee ends in create_all / drop_all and it is a statement of the module itself. */
function inModuleDdl(node: PyNode): boolean {
  let ddl = false
  for (let p = node.parent; p; p = p.parent) {
    if (SCOPES.has(p.type)) return false
    if (p.type === 'call' && DDL_CALL.test(p.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '')) ddl = true
  }

  return ddl
}

/**
 * SQLAlchemy engines (keyed `file:line`) a module builds at its top level and uses for nothing but
 * `metadata.create_all(engine)` / `drop_all` run at import: no function reads the name, no other module imports it.
 * The process checks one connection out for that DDL and the QueuePool keeps it (import-connection.ts): one
 * connection, not the engine's whole pool, which no request or job ever uses.
 */
export async function ddlOnlyEngines(input: Omit<TaskOnlyInput, 'server'>, engines: {call: PyCall; module: PyModule}[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (const {call, module} of engines) {
    const name = call.assignedTo
    if (call.within !== undefined || call.conditional || !name) continue
    const text = input.files.read(module.file)?.text
    if (!text) continue
    const parsed = await parsePython(module.file, text)
    if (parsed.error) continue
    let reads = 0
    let other = false
    for (const n of nodesOf(parsed.tree.rootNode)) {
      if (n.type !== 'identifier' || n.text !== name) continue
      const parent = n.parent
      // The assignment that binds it, a keyword's name (`bind=`), an attribute's name (`x.engine`): not reads of it.
      if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === n.id) continue
      if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id) continue
      if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id) continue
      if (inModuleDdl(n)) reads++
      else other = true
    }

    if (other || reads === 0) continue
    // Another module that takes the name (by name, `*`, or the module whole and `.name`) may use it.
    const taken = input.modules.some((m) => m.file !== module.file && m.imports.some((imp) => {
      if (input.resolve(imp.module, imp.level, m.file) === module.file) return imp.names === '*' || (Array.isArray(imp.names) && (imp.names.includes(name) || (imp.names.length === 0 && attributesRead(input.files, m.file).has(name))))
      return Array.isArray(imp.names) && imp.names.some((n) => input.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, m.file) === module.file) && attributesRead(input.files, m.file).has(name)
    }))
    if (!taken) out.add(`${module.file}:${call.line}`)
  }

  return out
}
