/**
 * Rake tasks of the app that a process type runs (`bin/rails fly:server`, `bundle exec rake web`)
 * whose actions run another command: Fly.io's Rails template (lib/tasks/fly.rake) has
 * `task server: :swapfile do sh 'bin/rails server' end`. The task is found as Rake finds it, its
 * prerequisites and actions are read (never run) in Rake's order, and the commands they hand to
 * the shell are what stays up in the dyno.
 *
 * As Rake does it (ruby/rake lib/rake):
 * - application.rb: the Rakefile is `rakefile`, `Rakefile`, `rakefile.rb` or `Rakefile.rb`, then
 *   rakelib/*.rake are loaded. A Rails Rakefile calls `Rails.application.load_tasks`, which loads
 *   lib/tasks/**\/*.rake, sorted (railties engine.rb run_tasks_blocks); `import`/`load` of a file
 *   loads it.
 * - task_manager.rb: `namespace :fly do task :server end` defines `fly:server`; a task defined again
 *   keeps its earlier actions and prerequisites and adds the new ones (enhance). A prerequisite is
 *   looked up from the defining namespace outward (lookup_in_scope); `Rake::Task[name]` by its full name.
 * - task.rb invoke_with_call_chain: the prerequisites are invoked first, in order, each task at most
 *   once per run (already_invoked); then the task's actions, in order.
 * - file_utils.rb: `sh` runs the command and waits for it (system); `ruby ARGS` is `sh "ruby ARGS"`.
 *   Kernel#system and backticks wait too; Kernel#exec replaces the rake process; Kernel#spawn and
 *   Process.spawn return at once, the command running beside.
 *
 * So the last command run and waited for is the process (the ones before it finished first, as a
 * shell script's foreground commands did), a spawned one runs beside it, and the rake process
 * itself only waits for them. `loop do … end` / `while true` with no break, exit or return runs its
 * body again and again and nothing after it: its one waited-for command is the process, one at a
 * time (Kernel#loop, Kernel#system). A model query in the task's own actions (`Stat.create` before
 * its `system`) is the rake process's own connection, held beside the command (boot-connection.ts). A command conncalc cannot read (built from code, run under a
 * condition it does not decide) makes the whole task unknown, said with the file and line.
 */
import type {FileReader} from '../../model/files.js'

import {type ParsedRuby, parseRuby, type RubyNode} from './prism.js'
import {joinPath} from '../../util/app-path.js'
import {shellQuote} from '../../util/shell-quote.js'
import {rakefileOf} from './rails-process-command.js'
import {type LauncherQuery, modelQueryAt} from './boot-connection.js'
import {neverReturns} from '../common/long-running.js'

export const RAKE_REF = 'https://github.com/ruby/rake/blob/master/lib/rake/task.rb'


export interface RakeRun {
  /** Started with spawn: runs beside the task's process. */
  background: boolean
  /** Shell text, as `sh` hands it to the shell. */
  command: string
  /** Kernel#exec: the command replaces the rake process. */
  exec: boolean
  file: string
  line: number
  /** Run again and again by the endless loop at this line, one at a time. */
  repeats?: {file: string; line: number}
}

export type RakeFollow =
  | {
      file: string
      /** Blocking runs before the last one: they finished before it started. */
      finished: RakeRun[]
      line: number
      /** The tasks named on the command line that are not the app's (`db:migrate`): Rails' or a gem's, run before. */
      others: string[]
      /** A model query in the rake process's own actions (not in a thread or a forked child), before or around its command. */
      query?: Omit<LauncherQuery, 'launcher'>
      /** The runs that stay up: the spawned ones and the last blocking one (or the one exec replaces rake with). */
      runs: RakeRun[]
      task: string
    }
  | {unknown: string}

interface Prereq {
  name: string
  scope: string[]
}

interface TaskDef {
  actions: {body: RubyNode; file: string; parsed: ParsedRuby}[]
  /** Where it was first defined. */
  file: string
  line: number
  prereqs: Prereq[]
  /** A prerequisite list conncalc cannot read (`task x: deps_for(:x)`), with where. */
  unreadable?: string
}


/** `fly:server[web=1]` → `fly:server` (Rake's task arguments in brackets are not part of the name). */
const taskName = (arg: string): string => arg.replace(/\[[\s\S]*\]$/, '')

/**
 * What the app's task runs: undefined when the app does not define the last task named (a Rails or gem
 * task, `db:migrate`, `jobs:work`: its own analyzer reads it) or when the task runs no command.
 */
export async function rakeTaskRuns(tasks: readonly string[], files: FileReader): Promise<RakeFollow | undefined> {
  const read = await readTasks(tasks, files)
  if (!read) return undefined
  const {main, names, walk} = read
  if (walk.unknown) return {unknown: walk.unknown}
  if (walk.runs.length === 0) return undefined
  const outcome = walk.outcome()
  if ('unknown' in outcome) return outcome
  const query = walk.parentQuery(outcome.runs)
  return {file: main.file, ...outcome, line: main.line, others: names.filter((n) => !read.defs.has(n)), ...(query ? {query} : {}), task: names.at(-1)!}
}

/** A task the app's task runs that the app does not define (`Rake::Task['db:migrate'].invoke`, `task release: 'db:migrate'`). */
export interface RakeOther {
  /** Under an `if`, in a loop or a rescue: it may not run. */
  conditional: boolean
  file: string
  line: number
  name: string
}

/**
 * The tasks the app's own task reaches that it does not define (Rails' or a gem's), each with where it is invoked or
 * named as a prerequisite; undefined when the app does not define the last task named.
 */
export async function rakeTaskOthers(tasks: readonly string[], files: FileReader): Promise<RakeOther[] | undefined> {
  const read = await readTasks(tasks, files)
  return read?.walk.others
}

/** Where a task of the app starts threads or processes in its own actions (`Concurrent::ThreadPoolExecutor.new`, `Thread.new`). */
export interface RakeStart {
  file: string
  line: number
  what: string
}

/** The threads the app's task (its prerequisites and the tasks it invokes too) starts; undefined when the app does not define it. */
export async function rakeTaskStarts(tasks: readonly string[], files: FileReader): Promise<{file: string; line: number; starts: RakeStart[]} | undefined> {
  const read = await readTasks(tasks, files)
  return read && {file: read.main.file, line: read.main.line, starts: read.walk.starts}
}

interface ReadTasks {
  defs: Map<string, TaskDef>
  main: TaskDef
  names: string[]
  walk: Walk
}

// The launcher and the rake analyzer ask about the same command: the files are parsed and walked once.
const memo = new WeakMap<FileReader, Map<string, Promise<ReadTasks | undefined>>>()

function readTasks(tasks: readonly string[], files: FileReader): Promise<ReadTasks | undefined> {
  let byTasks = memo.get(files)
  if (!byTasks) memo.set(files, (byTasks = new Map()))
  const key = tasks.join('\0')
  let found = byTasks.get(key)
  if (!found) byTasks.set(key, (found = readTasksOnce(tasks, files)))
  return found
}

async function readTasksOnce(tasks: readonly string[], files: FileReader): Promise<ReadTasks | undefined> {
  const rakefile = rakefileOf(files)
  if (!rakefile || tasks.length === 0) return undefined
  const names = tasks.map((t) => taskName(t))
  const defs = new Map<string, TaskDef>()
  const parse = async (path: string, load: (paths: string[]) => void): Promise<void> => {
    const text = files.read(path)?.text
    if (text === undefined) return
    const parsed = await parseRuby(path, text)
    if (parsed.errors.length === 0) collect(parsed, path, parsed.program, [], defs, load, files)
  }

  // The Rakefile says which files it loads (load_tasks, `Dir.glob('tasks/*.rake').each { |r| load r }`, import).
  const sources = files.list('rakelib').filter((f) => f.endsWith('.rake')).map((f) => `rakelib/${f}`)
  await parse(rakefile, (more) => sources.push(...more))
  // Cheap: the task's last name part appears in a file the Rakefile loads, or the app does not define it there.
  const last = names.at(-1)!.split(':').at(-1)!
  if (!defs.has(names.at(-1)!) && !sources.some((p) => files.read(p)?.text.includes(last))) return undefined
  const seen = new Set([rakefile])
  const queue = [...sources]
  while (queue.length > 0) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    seen.add(path)
    await parse(path, (more) => queue.push(...more))
  }

  const main = defs.get(names.at(-1)!)
  if (!main) return undefined
  const walk = new Walk(defs)
  for (const n of names) walk.invoke(n)
  return {defs, main, names, walk}
}

/** The .rake files under `dir`, at any depth, sorted as Ruby's `Dir[...].sort` within each folder. */
export function rakeFilesUnder(files: FileReader, dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const f of files.list(d)) if (f.endsWith('.rake')) out.push(`${d}/${f}`)
    for (const sub of files.folders(d)) walk(`${d}/${sub}`)
  }

  walk(dir)
  return out
}

/** The app files a `Dir.glob('tasks/*.rake')` / `Dir['lib/tasks/**\/*.rake']` pattern names (`*` within a name, `**` then a slash: any folders). */
function globFiles(files: FileReader, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, '')
  const fixed = clean.split('/').findIndex((part) => /[*?[{]/.test(part))
  if (fixed === -1) return files.exists(clean) ? [clean] : []
  const base = clean.split('/').slice(0, fixed).join('/')
  const re = new RegExp(`^${clean.replaceAll(/[.+^$()|\\]/g, '\\$&').replaceAll('**/', '\u0000').replaceAll('*', '[^/]*').replaceAll('?', '[^/]').replaceAll('\u0000', '(?:[^/]+/)*')}$`)
  return rakeFilesUnder(files, base).filter((f) => re.test(f))
}

const nameOf = (P: ParsedRuby['prism'], node: RubyNode | null | undefined): string | undefined =>
  node instanceof P.SymbolNode || node instanceof P.StringNode ? node.unescaped.value : undefined

/** The task definitions (and the files `import`/`load` name) in a file, with their namespaces. */
function collect(parsed: ParsedRuby, file: string, node: RubyNode, scope: string[], defs: Map<string, TaskDef>, load: (paths: string[]) => void, files: FileReader): void {
  const P = parsed.prism
  // `Rails.application.load_tasks`: lib/tasks/**/*.rake (railties engine.rb run_tasks_blocks).
  if (node instanceof P.CallNode && node.name === 'load_tasks') load(rakeFilesUnder(files, 'lib/tasks'))
  // `Dir.glob('tasks/*.rake')` / `Dir['tasks/*.rake']` in a Rakefile: the files it then loads or imports.
  if (node instanceof P.CallNode && (node.name === 'glob' || node.name === '[]') && node.receiver instanceof P.ConstantReadNode && node.receiver.name === 'Dir') {
    const pattern = node.arguments_?.arguments_[0]
    if (pattern instanceof P.StringNode && pattern.unescaped.value.endsWith('.rake')) load(globFiles(files, pattern.unescaped.value))
  }

  if (node instanceof P.CallNode && !node.receiver) {
    const args = node.arguments_?.arguments_ ?? []
    if (node.name === 'namespace') {
      const ns = nameOf(P, args[0])
      const body = node.block instanceof P.BlockNode ? node.block.body : null
      if (body) collect(parsed, file, body, ns ? [...scope, ...ns.split(':')] : scope, defs, load, files)
      return
    }

    if ((node.name === 'import' || node.name === 'load') && args.every((a) => a instanceof P.StringNode)) {
      load(args.map((a) => joinPath('', (a as InstanceType<typeof P.StringNode>).unescaped.value)).filter((p): p is string => p !== undefined))
    }

    if (node.name === 'task' || node.name === 'multitask') {
      define(parsed, file, node, scope, defs)
      return
    }
  }

  if (node instanceof P.DefNode) return
  for (const child of node.compactChildNodes()) collect(parsed, file, child, scope, defs, load, files)
}

/** `task :x`, `task x: :dep`, `task :x => [:a, 'b']`, `task :x, [:arg] => :dep`, `task 'ns:x'`: its name, prerequisites and block. */
function define(parsed: ParsedRuby, file: string, node: InstanceType<ParsedRuby['prism']['CallNode']>, scope: string[], defs: Map<string, TaskDef>): void {
  const P = parsed.prism
  const args = node.arguments_?.arguments_ ?? []
  let name = nameOf(P, args[0])
  let deps: RubyNode | undefined
  const hash = args.find((a) => a instanceof P.KeywordHashNode || a instanceof P.HashNode)
  const assoc = hash instanceof P.KeywordHashNode || hash instanceof P.HashNode ? hash.elements[0] : undefined
  if (assoc instanceof P.AssocNode) {
    if (name === undefined) name = nameOf(P, assoc.key)
    deps = assoc.value
  }

  if (name === undefined) return
  const full = [...scope, ...name.split(':')].join(':')
  const line = parsed.lineOf(node.location.startOffset)
  const def = defs.get(full) ?? {actions: [], file, line, prereqs: []}
  defs.set(full, def)
  if (deps) {
    const list = deps instanceof P.ArrayNode ? deps.elements : [deps]
    for (const d of list) {
      const n = nameOf(P, d)
      if (n === undefined) def.unreadable ??= `${file}:${line}: the prerequisites of \`${full}\` (\`${parsed.textOf(deps)}\`) are not a list of names conncalc reads`
      else def.prereqs.push({name: n, scope})
    }
  }

  const body = node.block instanceof P.BlockNode ? node.block.body : null
  if (body) def.actions.push({body, file, parsed})
}

/** Rake's lookup_in_scope: `rake:x` from the top, `^x` one namespace up, else the defining namespace outward. */
function resolve(p: Prereq, defs: Map<string, TaskDef>): string {
  if (p.name.startsWith('rake:')) return p.name.slice(5)
  let scope = p.scope
  let name = p.name
  while (name.startsWith('^')) {
    name = name.slice(1)
    scope = scope.slice(0, -1)
  }

  for (let i = scope.length; i > 0; i--) {
    const candidate = [...scope.slice(0, i), name].join(':')
    if (defs.has(candidate)) return candidate
  }

  return name
}

/** Receivers of the calls that run a command: `sh`/`ruby` (Rake's FileUtils), Kernel's, Process.spawn. */
const RUNS = new Map<string, Set<string>>([
  ['exec', new Set(['', 'Kernel', 'Process'])],
  ['ruby', new Set(['', 'FileUtils'])],
  ['sh', new Set(['', 'FileUtils'])],
  ['spawn', new Set(['', 'Kernel', 'Process'])],
  ['system', new Set(['', 'Kernel'])],
])
/** Thread starts in the rake process: `Thread.new`, concurrent-ruby's executors and futures, a rufus-scheduler (as languages/ruby/ruby-script.ts reads a script's). */
const CONCURRENT = new Set(['CachedThreadPool', 'FixedThreadPool', 'Future', 'Promise', 'ScheduledTask', 'SingleThreadExecutor', 'ThreadPoolExecutor', 'TimerSet', 'TimerTask'])
function startOf(receiver: string, name: string): string | undefined {
  if (receiver === 'Thread' && ['fork', 'new', 'start'].includes(name)) return `Thread.${name}`
  if (receiver.startsWith('Concurrent::') && CONCURRENT.has(receiver.slice('Concurrent::'.length)) && ['execute', 'new'].includes(name)) return `${receiver}.${name}`
  if (receiver === 'Concurrent::Promises' && name.startsWith('future')) return `${receiver}.${name}`
  // rufus-scheduler runs each job it triggers on a work thread of its own (see ruby-script.ts).
  if (receiver === 'Rufus::Scheduler' && ['new', 's', 'singleton', 'start_new'].includes(name)) return `${receiver}.${name}`
  return undefined
}

/** Receivers of Kernel#fork / Process.fork. */
const FORKS = new Set(['', 'Kernel', 'Process'])

/** `fork` / `Process.fork` with no block: returns the child's pid in the parent, nil in the child. */
function isFork(parsed: ParsedRuby, node: RubyNode): boolean {
  const P = parsed.prism
  return node instanceof P.CallNode && node.name === 'fork' && !node.block && !node.arguments_ && FORKS.has(node.receiver ? parsed.textOf(node.receiver).replace(/^::/, '') : '')
}

/** Blocks that run their body once, at once, in the same process. */
const ONCE_BLOCKS = new Set(['with_clean_env', 'with_original_env', 'with_unbundled_env', 'silence_warnings', 'benchmark', 'measure', 'time', 'tap'])

interface FoundRun extends RakeRun {
  /** Under an `if`, in a loop or a rescue: it may not run, or run again. */
  conditional: boolean
  /** Why its command is not read (then `command` is the Ruby as written). */
  why?: string
}

/** `loop do … end` / `Kernel.loop { … }` / `while true` / `until false`: the body, when it is a loop that never ends on its own. */
function endlessBody(parsed: ParsedRuby, node: RubyNode): RubyNode | undefined {
  const P = parsed.prism
  const receiver = node instanceof P.CallNode && node.receiver ? parsed.textOf(node.receiver).replace(/^::/, '') : ''
  const body =
    node instanceof P.CallNode && node.name === 'loop' && (receiver === '' || receiver === 'Kernel') && !node.arguments_ && node.block instanceof P.BlockNode
      ? node.block.body
      : (node instanceof P.WhileNode && node.predicate instanceof P.TrueNode) || (node instanceof P.UntilNode && (node.predicate instanceof P.FalseNode || node.predicate instanceof P.NilNode))
        ? node.statements
        : undefined
  return body && !leaves(parsed, body) ? body : undefined
}

/** Kernel's exits, and `raise StopIteration`, which Kernel#loop takes for the end of the loop. */
const EXITS = new Set(['abort', 'exit', 'exit!'])

/** Can control leave the loop body's code: a break, next-less return, an exit or a StopIteration (not counting methods and lambdas defined in it)? */
function leaves(parsed: ParsedRuby, node: RubyNode): boolean {
  const P = parsed.prism
  if (node instanceof P.DefNode || node instanceof P.LambdaNode) return false
  if (node instanceof P.BreakNode || node instanceof P.ReturnNode) return true
  if (node instanceof P.CallNode && (!node.receiver || ['Kernel', 'Process'].includes(parsed.textOf(node.receiver)))) {
    if (EXITS.has(node.name)) return true
    if ((node.name === 'raise' || node.name === 'fail') && /\bStopIteration\b/.test(parsed.textOf(node))) return true
  }

  return node.compactChildNodes().some((c) => leaves(parsed, c))
}

/** One rake run through the tasks, as task.rb invokes them. */
class Walk {
  runs: FoundRun[] = []
  /** Model queries in the rake process's own actions (threads and forked children excluded), with how many runs came before each. */
  queries: (Omit<LauncherQuery, 'launcher'> & {runsBefore: number})[] = []
  /** Threads and pools the actions start in the rake process itself. */
  starts: RakeStart[] = []
  /** Tasks the run reaches that the app does not define (Rails' `db:migrate`, a gem's), in order: by a prerequisite or `Rake::Task[…].invoke`. */
  others: RakeOther[] = []
  unknown: string | undefined
  private done = false
  private invoked = new Set<string>()
  /** Inside a block a thread runs (`Thread.new { … }`): its queries are not the main thread's. */
  private inThread = 0
  /** Inside an endless loop's body. */
  private inLoop = 0

  constructor(private readonly defs: Map<string, TaskDef>) {}

  invoke(name: string, actionsOnly = false, conditional = false, at?: {file: string; line: number}): void {
    if (this.done || this.unknown || (!actionsOnly && this.invoked.has(name))) return
    this.invoked.add(name)
    const def = this.defs.get(name)
    if (!def) {
      if (at) this.others.push({conditional, file: at.file, line: at.line, name})
      return
    }

    if (def.unreadable) {
      this.unknown = def.unreadable
      return
    }

    if (!actionsOnly) for (const p of def.prereqs) this.invoke(resolve(p, this.defs), false, conditional, {file: def.file, line: def.line})
    for (const a of def.actions) this.visit(a.parsed, a.file, a.body, false)
  }

  /**
   * The processes: the last blocking run read for sure (unconditional), and the spawned runs. A run that could be the
   * process or beside it (spawned, an exec, or after that last one) but is conditional or not read makes it unknown; one
   * before the last only finished before it, whatever it ran.
   */
  outcome(): {finished: RakeRun[]; runs: RakeRun[]} | {unknown: string} {
    const plain = (r: FoundRun): RakeRun => ({background: r.background, command: r.command, exec: r.exec, file: r.file, line: r.line, ...(r.repeats ? {repeats: r.repeats} : {})})
    const sure = (r: FoundRun): boolean => !r.conditional && r.why === undefined
    // A server or worker waited for (`sh "rake environment resque:work"`) never returns: the task ends there, and the
    // runs after it (later actions, a second definition's body appended by enhance) never start.
    const stays = this.runs.findIndex((r) => !r.background && !r.exec && !r.repeats && sure(r) && neverReturns(r.command.trim().split(/\s+/)) !== undefined)
    const runs = stays === -1 ? this.runs : this.runs.slice(0, stays + 1)
    const lastAt = runs.findLastIndex((r) => !r.background && sure(r))
    for (const [i, r] of runs.entries()) {
      if (sure(r) || (i < lastAt && !r.background && !r.exec)) continue
      const at = `${r.file}:${r.line}`
      return {unknown: r.why === undefined ? `${at}: \`${r.command}\` runs only under a condition or in a loop conncalc does not decide` : `${at}: \`${r.command}\` runs a command conncalc does not read (${r.why})`}
    }

    const last = runs[lastAt]
    return {finished: runs.slice(0, lastAt).filter((r) => !r.background).map((r) => plain(r)), runs: runs.filter((r) => r.background || r === last).map((r) => plain(r))}
  }

  /**
   * The query that keeps a connection in the rake process while `runs` run: the first one made before the command it
   * waits for started, or inside the loop that runs it again and again (a sure one before a conditional one).
   */
  parentQuery(runs: RakeRun[]): Omit<LauncherQuery, 'launcher'> | undefined {
    const waited = runs.find((r) => !r.background)
    const at = waited ? this.runs.findIndex((r) => r.file === waited.file && r.line === waited.line && r.command === waited.command) : this.runs.length
    const holding = this.queries.filter((q) => q.runsBefore <= at || q.inLoop)
    const pick = holding.find((q) => !q.conditional) ?? holding[0]
    if (!pick) return undefined
    const {runsBefore: _, ...query} = pick
    return query
  }

  private visit(parsed: ParsedRuby, file: string, node: RubyNode, conditional: boolean): void {
    if (this.done || this.unknown) return
    const P = parsed.prism
    const line = parsed.lineOf(node.location.startOffset)
    const at = `${file}:${line}`
    if (node instanceof P.DefNode || node instanceof P.LambdaNode) return
    const endless = endlessBody(parsed, node)
    if (endless) {
      this.endless(parsed, file, endless, conditional, line)
      return
    }

    const query = this.inThread === 0 ? modelQueryAt(parsed, node) : undefined
    if (query !== undefined) this.queries.push({conditional, file, inLoop: this.inLoop > 0, line, runsBefore: this.runs.length, text: query})
    if (node instanceof P.XStringNode || node instanceof P.InterpolatedXStringNode) {
      const text = node instanceof P.XStringNode ? {text: node.unescaped.value} : this.interpolated(parsed, node.parts, true)
      this.add(text, {background: false, conditional, exec: false, file, line}, parsed.textOf(node))
      return
    }

    // `if fork … else … end` / `unless Process.fork`: the parent takes one branch and the forked child the other, at once.
    if ((node instanceof P.IfNode || node instanceof P.UnlessNode) && isFork(parsed, node.predicate)) {
      const otherwise = node instanceof P.IfNode ? node.subsequent : node.elseClause
      const elseBody = otherwise instanceof P.ElseNode ? otherwise.statements : otherwise
      const [parent, child] = node instanceof P.IfNode ? [node.statements, elseBody] : [elseBody, node.statements]
      if (child) this.child(parsed, file, child, conditional)
      if (parent) this.visit(parsed, file, parent, conditional)
      return
    }

    if (node instanceof P.CallNode) {
      const receiver = node.receiver ? parsed.textOf(node.receiver).replace(/^::/, '') : ''
      const starter = startOf(receiver, node.name)
      if (starter) this.starts.push({file, line, what: starter})
      // `fork do … end`: the block runs in a child process, beside what follows.
      if (node.name === 'fork' && FORKS.has(receiver) && node.block instanceof P.BlockNode) {
        if (node.block.body) this.child(parsed, file, node.block.body, conditional)
        return
      }

      // `manager.fork("worker") { … }` on an object of the app's or a gem's (a process manager such as the forked gem's
      // Forked::ProcessManager#fork): children whose number and threads conncalc does not count, so the pool bounds the
      // task, as for a thread pool. Their block is not read as the rake process's own actions.
      if (node.name === 'fork' && receiver !== '' && !FORKS.has(receiver) && receiver !== 'Thread' && node.block instanceof P.BlockNode) {
        this.starts.push({file, line, what: `${receiver}.fork (a child process for its block, started by ${receiver})`})
        return
      }

      if (RUNS.get(node.name)?.has(receiver)) {
        const text = this.commandOf(parsed, node)
        const how = node.name === 'ruby' && 'text' in text ? {text: `ruby ${text.text}`} : text
        this.add(how, {background: node.name === 'spawn', conditional, exec: node.name === 'exec', file, line}, parsed.textOf(node))
        return
      }

      // `Rake::Task['assets:precompile'].invoke` / `.execute` (the actions alone, again even if already run).
      if ((node.name === 'invoke' || node.name === 'execute') && node.receiver instanceof P.CallNode && node.receiver.name === '[]') {
        const holder = node.receiver.receiver ? parsed.textOf(node.receiver.receiver).replace(/^::/, '') : ''
        if (holder === 'Rake::Task' || holder === 'Rake.application') {
          const target = nameOf(P, node.receiver.arguments_?.arguments_[0])
          if (target === undefined) {
            this.unknown = `${at}: \`${clip(parsed.textOf(node))}\` invokes a task whose name is not read here`
            return
          }

          const name = taskName(target)
          if (conditional && this.defs.has(name)) {
            this.unknown = `${at}: \`${clip(parsed.textOf(node))}\` runs only under a condition or in a loop conncalc does not decide`
            return
          }

          this.invoke(name, node.name === 'execute', conditional, {file, line})
          return
        }
      }

      // A block that runs once (`Bundler.with_unbundled_env do … end`) keeps its commands in order; any other block may
      // run never or many times (`each`, `loop`, `Thread.new`): commands inside it are conditional.
      for (const child of node.compactChildNodes()) {
        const loop = child instanceof P.BlockNode && !ONCE_BLOCKS.has(node.name)
        const thread = Boolean(starter) && child instanceof P.BlockNode
        if (thread) this.inThread++
        this.visit(parsed, file, child, conditional || loop)
        if (thread) this.inThread--
      }

      return
    }

    if (node instanceof P.AndNode || node instanceof P.OrNode) {
      this.visit(parsed, file, node.left, conditional)
      this.visit(parsed, file, node.right, true)
      return
    }

    const branching =
      node instanceof P.IfNode || node instanceof P.UnlessNode || node instanceof P.CaseNode || node instanceof P.WhileNode || node instanceof P.UntilNode || node instanceof P.RescueNode || node instanceof P.RescueModifierNode || node instanceof P.EnsureNode
    for (const child of node.compactChildNodes()) this.visit(parsed, file, child, conditional || branching)
  }

  /**
   * An endless loop's body: when it waits for exactly one command, read for sure, that command runs again and again,
   * one at a time, and nothing after the loop runs (the rake process ends only when it is stopped). Anything else in
   * it (two commands taking turns, a spawn piling up, a command under a condition) is read as any block that may run
   * many times: conditional.
   */
  private endless(parsed: ParsedRuby, file: string, body: RubyNode, conditional: boolean, line: number): void {
    const saved = {done: this.done, invoked: new Set(this.invoked), others: this.others.length, queries: this.queries.length, runs: this.runs.length, starts: this.starts.length, unknown: this.unknown}
    this.inLoop++
    this.visit(parsed, file, body, conditional)
    this.inLoop--
    const added = this.runs.slice(saved.runs)
    const one = added.length === 1 && !added[0].background && !added[0].exec && !added[0].conditional && added[0].why === undefined && !this.unknown
    if (one) {
      added[0].repeats = {file, line}
      this.done = true
      return
    }

    // Read again as a block that may run never or many times.
    this.runs.length = saved.runs
    this.starts.length = saved.starts
    this.others.length = saved.others
    this.queries.length = saved.queries
    this.unknown = saved.unknown
    this.done = saved.done
    this.invoked = saved.invoked
    this.inLoop++
    this.visit(parsed, file, body, true)
    this.inLoop--
  }

  /** A forked child's commands: what it leaves running runs beside the rake process's own (Process.fork: the child runs the rest of its block or branch). */
  private child(parsed: ParsedRuby, file: string, body: RubyNode, conditional: boolean): void {
    const sub = new Walk(this.defs)
    sub.visit(parsed, file, body, false)
    const out = sub.unknown ? {unknown: sub.unknown} : sub.runs.length === 0 ? {finished: [], runs: []} : sub.outcome()
    if ('unknown' in out) {
      this.unknown = out.unknown
      return
    }

    for (const r of out.runs) this.runs.push({...r, background: true, conditional, exec: false})
  }

  private add(text: {text: string} | {why: string}, run: Omit<FoundRun, 'command' | 'why'>, written: string): void {
    this.runs.push('why' in text ? {...run, command: clip(written), why: text.why} : {...run, command: text.text})
    // Kernel#exec replaces the rake process: nothing after it runs.
    if (run.exec && !run.conditional && !('why' in text)) this.done = true
  }

  /** The shell text of `sh 'a b'`, `sh 'a', 'b'`, `system({'X' => '1'}, 'a')`, with `#{ENV['X']}` as `${X}`. */
  private commandOf(parsed: ParsedRuby, node: InstanceType<ParsedRuby['prism']['CallNode']>): {text: string} | {why: string} {
    const P = parsed.prism
    const args = [...(node.arguments_?.arguments_ ?? [])]
    const prefix: string[] = []
    const first = args[0]
    if (first instanceof P.HashNode) {
      // An env hash before the command.
      for (const el of first.elements) {
        const k = el instanceof P.AssocNode ? nameOf(P, el.key) : undefined
        const v = el instanceof P.AssocNode ? this.word(parsed, el.value, false) : undefined
        if (k === undefined || v === undefined || 'why' in v) return {why: `the environment \`${clip(parsed.textOf(first))}\` is not read`}
        prefix.push(`${k}=${v.text}`)
      }

      args.shift()
    }

    const tail = args.at(-1)
    if (tail instanceof P.KeywordHashNode || tail instanceof P.HashNode) {
      // Options (`verbose: false`); `chdir:` would move where it runs.
      const keys = tail.elements.map((el) => (el instanceof P.AssocNode ? nameOf(P, el.key) : undefined))
      if (keys.includes('chdir') || keys.includes(undefined)) return {why: `the options \`${clip(parsed.textOf(tail))}\` are not read`}
      args.pop()
    }

    if (args.length === 0) return {why: 'it names no command'}
    const words: string[] = []
    for (const a of args) {
      const w = this.word(parsed, a, args.length > 1)
      if ('why' in w) return w
      words.push(w.text)
    }

    return {text: [...prefix, ...words].join(' ')}
  }

  /** One argument as shell text: a single string is the shell line itself; several are words, each quoted. */
  private word(parsed: ParsedRuby, node: RubyNode, quote: boolean): {text: string} | {why: string} {
    const P = parsed.prism
    if (node instanceof P.StringNode) return {text: quote ? shellQuote(node.unescaped.value) : node.unescaped.value}
    if (node instanceof P.InterpolatedStringNode) return this.interpolated(parsed, node.parts, !quote)
    if (node instanceof P.IntegerNode) return {text: String(node.value)}
    return {why: `\`${clip(parsed.textOf(node))}\` is not a string conncalc reads`}
  }

  /** A string with `#{…}` parts: ENV reads become the shell's `${X}` (so the process's env decides them), anything else is unknown. */
  private interpolated(parsed: ParsedRuby, parts: RubyNode[], raw: boolean): {text: string} | {why: string} {
    const P = parsed.prism
    let out = ''
    for (const part of parts) {
      if (part instanceof P.StringNode) {
        out += raw ? part.unescaped.value : shellQuote(part.unescaped.value)
        continue
      }

      const inner = part instanceof P.EmbeddedStatementsNode && part.statements?.body.length === 1 ? part.statements.body[0] : undefined
      const env = inner ? envRead(parsed, inner) : undefined
      if (!env) return {why: `\`${clip(parsed.textOf(part))}\` is not read here`}
      const expansion = env.fallback === undefined ? `\${${env.name}}` : `\${${env.name}-${env.fallback}}`
      out += raw ? expansion : `"${expansion}"`
    }

    return {text: out}
  }
}

/** `ENV['X']`, `ENV.fetch('X')`, `ENV.fetch('X', 'd')`, `ENV.fetch('X') { 'd' }`, `ENV['X'] || 'd'`: the name, and the value when unset. */
function envRead(parsed: ParsedRuby, node: RubyNode): {fallback?: string; name: string} | undefined {
  const P = parsed.prism
  const literal = (n: RubyNode | null | undefined): string | undefined =>
    n instanceof P.StringNode ? n.unescaped.value : n instanceof P.IntegerNode ? String(n.value) : n instanceof P.StatementsNode && n.body.length === 1 ? literal(n.body[0]) : undefined
  if (node instanceof P.OrNode) {
    const left = envRead(parsed, node.left)
    const fallback = literal(node.right)
    return left && left.fallback === undefined && fallback !== undefined && /^[\w.:/-]*$/.test(fallback) ? {fallback, name: left.name} : undefined
  }

  if (!(node instanceof P.CallNode) || !(node.receiver instanceof P.ConstantReadNode) || node.receiver.name !== 'ENV') return undefined
  const args = node.arguments_?.arguments_ ?? []
  const name = args[0] instanceof P.StringNode ? args[0].unescaped.value : undefined
  if (!name || !/^[A-Z_a-z]\w*$/.test(name)) return undefined
  if (node.name === '[]' && args.length === 1) return {name}
  if (node.name !== 'fetch') return undefined
  const fallback = args.length === 2 ? literal(args[1]) : node.block instanceof P.BlockNode ? literal(node.block.body) : undefined
  if (args.length === 1 && !node.block) return {name}
  return fallback !== undefined && /^[\w.:/-]*$/.test(fallback) ? {fallback, name} : undefined
}

const clip = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s).replaceAll(/\s*\n\s*/g, ' ')
