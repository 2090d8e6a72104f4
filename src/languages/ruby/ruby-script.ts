/**
 * A Ruby script of the app run as a process type (`bin/respirate`, `bundle exec je bin/hub drain`,
 * `ruby worker.rb`): one Ruby process. Its pools are the app's (database.yml, what its code passes
 * to establish_connection or Sequel.connect), read as for every Ruby type. How many threads use
 * them is read from the script and the app files it requires (require, require_relative, with
 * lib/ on the load path as Bundler-less apps set it, and `autoload :X, 'path'` once X is named): none started → 1, the main thread Ruby runs
 * the script on; a Thread, a concurrent-ruby pool, a rufus-scheduler or a fork started → a number conncalc does not
 * count, so the pool is the bound (an assumption, named with where the threads start). Constants
 * Zeitwerk would load, and gems, are not read.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {FileReader} from '../../model/files.js'

import {assumed, derivedFrom, fromDefault, fromFile, type Sourced, sourced} from '../../model/source.js'
import {appConstantCalls} from './app-constants.js'
import {asInteger, evaluateRubySnippet} from './evaluate.js'
import {analyzeActiveRecordPools} from './pools-in-code.js'
import {type ParsedRuby, parseRuby, type RubyNode} from './prism.js'
import {rubyScript} from './ruby-script-command.js'
import {joinPath} from '../../util/app-path.js'
import {versionAtLeast} from '../../util/version.js'
import {readFlag} from '../common/argv.js'
import {declaredRuby} from './gemfile-lock.js'
import {puma} from './puma.js'
import {requiredPath} from './rails-app-root.js'

const MAIN_THREAD = 'https://docs.ruby-lang.org/en/master/Thread.html#method-c-main'
const PROCESS_SPAWN = 'https://docs.ruby-lang.org/en/master/Process.html#method-c-spawn'
/** Que 0.8.0–0.14.3: `@worker_count = 4` unless set. */
const QUE_WORKER = 'https://github.com/que-rb/que/blob/v0.14.3/lib/que/worker.rb'
/** Files read from one script: an app's lib/ can be large, and a script that requires that much is a server of its own. */
const MAX_FILES = 400

/** Calls that start threads or processes: `Thread.new`, concurrent-ruby's executors and tasks, `fork`. */
const THREAD_CLASSES = new Set(['Thread'])
const CONCURRENT_STARTS = new Set(['CachedThreadPool', 'FixedThreadPool', 'Future', 'Promise', 'ScheduledTask', 'SingleThreadExecutor', 'ThreadPoolExecutor', 'TimerSet', 'TimerTask'])
/**
 * rufus-scheduler: `Rufus::Scheduler.new` (`.start_new` before 3.0, `.singleton`/`.s`) starts the scheduler's own thread,
 * and every job it triggers (`every`, `cron`, `in`, `at`, `interval`) runs on a work thread of its own, up to
 * max_work_threads (28 unless set) at once (https://github.com/jmettraux/rufus-scheduler#max_work_threads): each may
 * check out a connection, a number conncalc does not count.
 */
const RUFUS_SCHEDULER_STARTS = new Set(['new', 's', 'singleton', 'start_new'])
/**
 * The calls that schedule a rufus-scheduler job (lib/rufus/scheduler.rb: at, in, every, interval, cron and their
 * schedule_ forms; `schedule`/`repeat` parse their first argument): each job runs on a work thread when it triggers,
 * and a job that does not overlap itself (`overlap: false`, or a run shorter than its interval) has at most one running.
 */
const RUFUS_JOBS = new Set(['at', 'cron', 'every', 'in', 'interval', 'repeat', 'schedule', 'schedule_at', 'schedule_cron', 'schedule_every', 'schedule_in', 'schedule_interval'])
const RUFUS = 'https://github.com/jmettraux/rufus-scheduler#max_work_threads'

/**
 * Calls that start a Rack server in the script's own process: Rackup::Server / Rack::Server (rackup's, started with
 * `.start` on the class or on the object `.new` makes), a handler run directly (Rack::Handler::WEBrick.run; the
 * handler lookups `get`/`default`/`pick`, whose result is run), and the servers' own classes (Puma::Server,
 * Puma::Launcher, WEBrick::HTTPServer, Thin::Server). rack/rack v2.2.0 lib/rack/server.rb, rack/rackup v2.2.1
 * lib/rackup/server.rb and lib/rackup/handler.rb.
 */
const RACK_SERVER_STARTS = new Map<string, string[]>([
  ['Rack::Server', ['new', 'start']],
  ['Rackup::Server', ['new', 'start']],
  ['Rack::Handler', ['default', 'get', 'pick']],
  ['Rackup::Handler', ['default', 'get', 'pick']],
  ...['Puma', 'WEBrick', 'Thin', 'Falcon', 'Unicorn'].flatMap((h): [string, string[]][] => [[`Rack::Handler::${h}`, ['run']], [`Rackup::Handler::${h}`, ['run']]]),
  ['Puma::Server', ['new']],
  ['Puma::Launcher', ['new']],
  ['WEBrick::HTTPServer', ['new']],
  ['Thin::Server', ['new', 'start']],
])

interface Start {
  file: string
  /** `Que.mode = :async` (Que 0.x's in-process worker threads). */
  que?: boolean
  /** A rufus-scheduler started (`Rufus::Scheduler.new`): its jobs are counted in ScriptWalk.rufusJobs. */
  rufus?: boolean
  /** Sinatra's built-in server (`X.run!`, classic `require "sinatra"`): which server it runs is read (sinatraServer). */
  sinatra?: {server?: string}
  /** The method whose body starts it, if any: a method nothing calls never starts it. */
  inDef?: string
  line: number
  what: string
}

export interface ScriptWalk {
  /** The app files read, the script first. */
  files: string[]
  /** Where threads or processes start. */
  starts: Start[]
  /** More files were required than were read (MAX_FILES). */
  truncated: boolean
  /** Database libraries required by name (`require 'pg'`), with where. */
  databaseGems: Start[]
  /** Sinatra settings the files set: `set :server, …` (a list, or unreadable), `set :threaded, …`. */
  sinatraSettings: SinatraSetting[]
  /** `Que.worker_count = …` in the files read, in reading order: the Ruby of the value, where. */
  queWorkerCounts: {code: string; file: string; line: number}[]
  /** Constants the files assign a database connection to (`DB = Sequel.connect(…)`). */
  databaseConstants: string[]
  /**
   * Jobs scheduled on a rufus-scheduler the files start (`scheduler.every …`, on the variable the start was assigned to,
   * or on `Rufus::Scheduler.singleton`): where, and whether the call is inside a block or method (then how many times it
   * runs is not known).
   */
  rufusJobs: {file: string; line: number; nested: boolean}[]
}

interface SinatraSetting {
  file: string
  line: number
  name: 'server' | 'threaded'
  /** The server names (server) or [true/false] (threaded); undefined when not a literal conncalc reads. */
  value?: (boolean | string)[]
}

/** Calls that return a database connection (or Sequel's pool of them). */
const CONNECTS = /^(Sequel\.(connect|postgres|postgresql)|PG\.connect|PG::Connection\.(new|open|connect))$/

/** Gems that open database connections of their own when a script requires them. */
const DATABASE_GEMS = new Set(['active_record', 'activerecord', 'pg', 'sequel', 'sequel/core'])

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
const withRb = (p: string): string => (p.endsWith('.rb') ? p : `${p}.rb`)

/** The app file a `require`/`require_relative`/`load` names, if the app has it (a gem's is not read). */
function resolve(ctx: AnalyzerContext, from: string, kind: string, name: string): string | undefined {
  const file = withRb(name)
  const candidates = kind === 'require_relative' ? [joinPath(dirOf(from), file)] : name.startsWith('.') ? [joinPath('', file)] : [joinPath('lib', file), joinPath('', file), joinPath(dirOf(from), `../lib/${file}`)]
  for (const path of candidates) {
    if (path !== undefined && ctx.files.exists(path)) return path
  }

  return undefined
}

/** The name of a constant receiver (`Thread`, `::Thread`, `Concurrent::TimerTask`), else undefined. */
function constantName(parsed: ParsedRuby, node: RubyNode | null | undefined): string | undefined {
  const P = parsed.prism
  return node instanceof P.ConstantReadNode || node instanceof P.ConstantPathNode ? parsed.textOf(node).replace(/^::/, '') : undefined
}

/** Read the script and the app files it requires, breadth first. */
export async function walkRubyScript(ctx: AnalyzerContext, entry: string): Promise<ScriptWalk> {
  const seen = new Set([entry])
  const queue = [entry]
  // `autoload :Drain, 'travis/logs/drain'`: the file is loaded when the constant is first used, so it is read
  // once a file read refers to that constant (a constant autoloaded but never named is not).
  const autoloads = new Map<string, string>()
  const named = new Set<string>()
  const called = new Set<string>()
  const enqueue = (target: string | undefined): void => {
    if (target && !seen.has(target)) {
      seen.add(target)
      queue.push(target)
    }
  }

  const read: string[] = []
  const starts: Start[] = []
  const databaseGems: Start[] = []
  const sinatraSettings: SinatraSetting[] = []
  const queWorkerCounts: {code: string; file: string; line: number}[] = []
  const databaseConstants: string[] = []
  const rufusVars = new Set<string>()
  const rufusJobs: {file: string; line: number; nested: boolean}[] = []
  let truncated = false
  while (queue.length > 0) {
    const file = queue.shift()!
    if (read.length === MAX_FILES) {
      truncated = true
      break
    }

    const text = ctx.files.read(file)?.text
    if (text === undefined) continue
    read.push(file)
    const parsed = await parseRuby(file, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    // `'puma'`, `:puma`, `%w[puma thin]`, `true`/`false`: the literal's words; undefined for anything else.
    const literalWords = (node: RubyNode | undefined): (boolean | string)[] | undefined => {
      if (node instanceof P.StringNode || node instanceof P.SymbolNode) return [node.unescaped.value]
      if (node instanceof P.TrueNode) return [true]
      if (node instanceof P.FalseNode) return [false]
      if (node instanceof P.ArrayNode) {
        const words = node.elements.map((e) => (e instanceof P.StringNode || e instanceof P.SymbolNode ? e.unescaped.value : undefined))
        return words.every((w) => w !== undefined) ? (words as string[]) : undefined
      }

      return undefined
    }

    // Inside `configure :development do … end` (not this app's environment): its settings do not apply.
    let inOtherEnv = false
    const visit = (node: RubyNode, inDef?: string, inBlock = false): void => {
      if (node instanceof P.CallNode && node.name === 'configure' && node.block) {
        const envs = (node.arguments_?.arguments_ ?? []).map((a) => (a instanceof P.SymbolNode || a instanceof P.StringNode ? a.unescaped.value : '?'))
        if (envs.length > 0 && !envs.includes(ctx.appEnv) && !envs.includes('?')) {
          const was = inOtherEnv
          inOtherEnv = true
          for (const child of node.compactChildNodes()) visit(child, inDef, true)
          inOtherEnv = was
          return
        }
      }

      // `if __FILE__ == $0 … end` runs only in the file Ruby was started with: not in a file another one requires.
      if (file !== entry && node instanceof P.IfNode && /^(?:__FILE__\s*==\s*\$(?:0|PROGRAM_NAME)|\$(?:0|PROGRAM_NAME)\s*==\s*__FILE__)$/.test(parsed.textOf(node.predicate).trim())) {
        if (node.subsequent) visit(node.subsequent, inDef, inBlock)
        return
      }

      if (node instanceof P.DefNode) inDef = node.name
      if (node instanceof P.CallNode) {
        called.add(node.name)
        const receiver = constantName(parsed, node.receiver)
        const args = node.arguments_?.arguments_ ?? []
        if (['require', 'load'].includes(node.name) && !node.receiver && args[0] instanceof P.CallNode) {
          // `require File.expand_path('config/environment')` (from the app root, where the Procfile command runs) or
          // `File.expand_path('../config/environment', __dir__)`, `File.dirname(__FILE__) + "/config/environment"`,
          // `File.join(__dir__, "lib", "app")`: the app file it names, if the app has it.
          const path = requiredPath(P, args[0], dirOf(file), file, '')
          enqueue(path === undefined ? undefined : [withRb(path), path].find((p) => ctx.files.exists(p)))
        } else if (['require', 'require_relative', 'load'].includes(node.name) && !node.receiver && args[0] instanceof P.StringNode) {
          const target = resolve(ctx, file, node.name, args[0].unescaped.value)
          if (!target && node.name === 'require' && DATABASE_GEMS.has(args[0].unescaped.value)) databaseGems.push({file, line: parsed.lineOf(node.location.startOffset), what: args[0].unescaped.value})
          enqueue(target)
          // Classic Sinatra: `require "sinatra"` in the file Ruby runs starts Sinatra::Application's server at exit (sinatra/main.rb).
          if (file === entry && node.name === 'require' && args[0].unescaped.value === 'sinatra') {
            starts.push({file, line: parsed.lineOf(node.location.startOffset), sinatra: {}, what: 'require "sinatra" (the classic app\'s built-in server, started at exit)'})
          }
        } else if (node.name === 'autoload' && args[0] instanceof P.SymbolNode && args[1] instanceof P.StringNode) {
          const target = resolve(ctx, file, 'require', args[1].unescaped.value)
          const constant = args[0].unescaped.value
          if (target) autoloads.set(constant, target)
          if (named.has(constant)) enqueue(target)
        } else if (receiver && THREAD_CLASSES.has(receiver) && ['fork', 'new', 'start'].includes(node.name)) {
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), what: `${receiver}.${node.name}`})
        } else if (receiver?.startsWith('Concurrent::') && CONCURRENT_STARTS.has(receiver.slice('Concurrent::'.length)) && ['execute', 'new'].includes(node.name)) {
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), what: `${receiver}.${node.name}`})
        } else if (receiver !== undefined && RACK_SERVER_STARTS.get(receiver)?.includes(node.name)) {
          // `Rackup::Server.new(...).start`, `Rack::Handler::WEBrick.run(app)`, `Puma::Server.new(app)`: a Rack server in
          // this process, running each request on a thread of its own — how many is the server's, not counted here.
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), what: `${receiver}.${node.name} (a Rack server in the script's process)`})
        } else if (receiver === 'Rufus::Scheduler' && RUFUS_SCHEDULER_STARTS.has(node.name)) {
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), rufus: true, what: `${receiver}.${node.name} (rufus-scheduler runs each job on a work thread of its own)`})
        } else if (receiver === 'Concurrent::Promises' && node.name.startsWith('future')) {
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), what: `${receiver}.${node.name}`})
        } else if (node.name === 'run!' && receiver && node.receiver && args.every((a) => a instanceof P.KeywordHashNode)) {
          // `API.run!(port: port)`: a Sinatra app's built-in server (Sinatra::Base.run!), a Rack server running each
          // request on a thread of its own in this process — how many is the server's, not counted here.
          const server = args.flatMap((a) => (a instanceof P.KeywordHashNode ? a.elements : [])).find((e) => e instanceof P.AssocNode && e.key instanceof P.SymbolNode && e.key.unescaped.value === 'server')
          const named = server instanceof P.AssocNode ? literalWords(server.value) : undefined
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), sinatra: named?.length === 1 && typeof named[0] === 'string' ? {server: named[0]} : {}, what: `${receiver}.run! (Sinatra's built-in server)`})
        } else if (node.name === 'set' && (!node.receiver || node.receiver instanceof P.SelfNode) && args[0] instanceof P.SymbolNode && (args[0].unescaped.value === 'server' || args[0].unescaped.value === 'threaded') && args.length === 2 && !inOtherEnv) {
          sinatraSettings.push({file, line: parsed.lineOf(node.location.startOffset), name: args[0].unescaped.value, value: literalWords(args[1])})
        } else if (receiver === 'Que' && node.name === 'mode=' && args[0] instanceof P.SymbolNode && args[0].unescaped.value === 'async') {
          // Que 0.x: `Que.mode = :async` spins up Que.worker_count worker threads (4 unless set) in this process, each
          // working a job on a connection of Que.connection's pool (https://github.com/que-rb/que/blob/master/CHANGELOG.md:
          // 0.x "manually set `Que.mode = :async`"; Que 1.0 runs workers only from its `que` command).
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), que: true, what: "Que.mode = :async (Que's worker threads)"})
        } else if (receiver === 'Que' && node.name === 'worker_count=' && args[0] && !inBlock) {
          // In a block (`at_exit { Que.worker_count = 0 }`, a trap) it runs later, if at all: not the count the workers run at.
          queWorkerCounts.push({code: parsed.textOf(args[0]), file, line: parsed.lineOf(node.location.startOffset)})
        } else if (node.name === 'fork' && (!node.receiver || receiver === 'Process' || receiver === 'Kernel')) {
          starts.push({file, inDef, line: parsed.lineOf(node.location.startOffset), what: receiver ? `${receiver}.fork` : 'fork'})
        }
      }

      // `scheduler = Rufus::Scheduler.new`, then `scheduler.every …`: the jobs of that scheduler.
      if ((node instanceof P.LocalVariableWriteNode || node instanceof P.InstanceVariableWriteNode) && node.value instanceof P.CallNode && constantName(parsed, node.value.receiver) === 'Rufus::Scheduler' && RUFUS_SCHEDULER_STARTS.has(node.value.name)) {
        rufusVars.add(node.name)
      }

      if (node instanceof P.CallNode && RUFUS_JOBS.has(node.name) && node.receiver) {
        const on = node.receiver
        const onScheduler =
          ((on instanceof P.LocalVariableReadNode || on instanceof P.InstanceVariableReadNode) && rufusVars.has(on.name)) ||
          (on instanceof P.CallNode && constantName(parsed, on.receiver) === 'Rufus::Scheduler' && ['s', 'singleton'].includes(on.name))
        if (onScheduler) rufusJobs.push({file, line: parsed.lineOf(node.location.startOffset), nested: inBlock || inDef !== undefined})
      }

      if (node instanceof P.ConstantWriteNode && node.value instanceof P.CallNode && CONNECTS.test(`${constantName(parsed, node.value.receiver) ?? ''}.${node.value.name}`)) {
        databaseConstants.push(node.name)
      }

      if (node instanceof P.ConstantReadNode || node instanceof P.ConstantPathNode) {
        const name = parsed.textOf(node).split('::').pop()!
        named.add(name)
        enqueue(autoloads.get(name))
      }

      for (const child of node.compactChildNodes()) visit(child, inDef, inBlock || node instanceof P.BlockNode)
    }

    visit(parsed.program)
  }

  // A start inside a method that no file read calls (by that name, on any receiver, `send` aside) never runs.
  return {databaseConstants, databaseGems, files: read, queWorkerCounts, rufusJobs, sinatraSettings, starts: starts.filter((s) => s.inDef === undefined || called.has(s.inDef)), truncated}
}

/**
 * Does the Ruby file run the command it is given (`Process.spawn(*ARGV)`, `exec(*command)` with
 * `command = ARGV.dup`)? A restarter or wrapper script: the command it runs is the process.
 * Undefined when it does not; else the line of the call.
 */
export async function runsItsArguments(path: string, text: string): Promise<number | undefined> {
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  const fromArgv = new Set<string>()
  const mentionsArgv = (node: RubyNode): boolean => (node instanceof P.ConstantReadNode && node.name === 'ARGV') || node.compactChildNodes().some((c) => mentionsArgv(c))
  let line: number | undefined
  const visit = (node: RubyNode): void => {
    if (line !== undefined) return
    if (node instanceof P.LocalVariableWriteNode && mentionsArgv(node.value)) fromArgv.add(node.name)
    if (node instanceof P.CallNode && ['exec', 'spawn', 'system'].includes(node.name)) {
      const receiver = constantName(parsed, node.receiver)
      if (!node.receiver || receiver === 'Process' || receiver === 'Kernel') {
        const splat = node.arguments_?.arguments_.find((a) => a instanceof P.SplatNode)
        const inner = splat instanceof P.SplatNode ? splat.expression : undefined
        if (inner && ((inner instanceof P.ConstantReadNode && inner.name === 'ARGV') || (inner instanceof P.LocalVariableReadNode && fromArgv.has(inner.name)))) {
          line = parsed.lineOf(node.location.startOffset)
          return
        }
      }
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return line
}

/**
 * Does the Ruby file run Puma in its own process (`Puma::CLI.new(ARGV + %w(--config puma.rb)).run`,
 * or a class of the app's that inherits from Puma::CLI)? Then the process is `puma` with those
 * arguments (lib/puma/cli.rb: CLI#run parses them as the puma command does). `args` are the words
 * before and after the script's own ARGV (undefined when the array is not one conncalc reads).
 */
export async function startsPumaCli(path: string, text: string, files: FileReader): Promise<{args?: string[]; line: number} | undefined> {
  if (!text.includes('CLI')) return undefined
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  // Classes of the app that inherit from Puma::CLI, from the files this one requires (one level).
  const pumaClis = new Set(['Puma::CLI'])
  const subclasses = (t: string): void => {
    for (const m of t.matchAll(/class\s+((?:\w+::)*\w+)\s*<\s*(?:::)?Puma::CLI\b/g)) {
      pumaClis.add(m[1].split('::').at(-1)!)
    }
  }

  subclasses(text)
  for (const m of text.matchAll(/^\s*require(?:_relative)?\s*\(?\s*["']([^"']+)["']/gm)) {
    for (const candidate of [`lib/${m[1]}.rb`, `${m[1]}.rb`]) {
      const t = files.read(candidate)?.text
      if (t) subclasses(t)
    }
  }

  const words = (node: RubyNode | undefined): string[] | undefined => {
    if (!node) return undefined
    if (node instanceof P.ConstantReadNode && node.name === 'ARGV') return []
    if (node instanceof P.ArrayNode) {
      const out: string[] = []
      for (const e of node.elements) {
        if (!(e instanceof P.StringNode)) return undefined
        out.push(e.unescaped.value)
      }

      return out
    }

    if (node instanceof P.CallNode && node.name === '+' && node.receiver) {
      const left = words(node.receiver)
      const right = words(node.arguments_?.arguments_[0])
      return left && right ? [...left, ...right] : undefined
    }

    return undefined
  }

  let found: {args?: string[]; line: number} | undefined
  const visit = (node: RubyNode): void => {
    if (found) return
    if (node instanceof P.CallNode && node.name === 'new' && (pumaClis.has(constantName(parsed, node.receiver) ?? '') || pumaClis.has(constantName(parsed, node.receiver)?.split('::').at(-1) ?? ''))) {
      found = {args: words(node.arguments_?.arguments_[0] ?? undefined) ?? (node.arguments_ ? undefined : []), line: parsed.lineOf(node.location.startOffset)}
      return
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return found
}

/**
 * Is the Ruby file Rails' command-line binstub under another name (TracksApp/tracks' bin/run-rails, which its shell
 * bin/rails runs): a top-level `require "rails/commands"`, which runs the Rails command its arguments name
 * (railties/lib/rails/commands.rb: `Rails::Command.invoke command, ARGV`), as bin/rails does. Its line, else undefined.
 */
export async function runsRailsCommands(path: string, text: string): Promise<number | undefined> {
  if (!text.includes('rails/commands')) return undefined
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  for (const node of parsed.program.statements.body) {
    if (!(node instanceof P.CallNode) || node.name !== 'require' || node.receiver) continue
    const arg = node.arguments_?.arguments_
    if (arg?.length === 1 && arg[0] instanceof P.StringNode && arg[0].unescaped.value === 'rails/commands') return parsed.lineOf(node.location.startOffset)
  }

  return undefined
}

/** The note a launcher gives for a Ruby script that runs its arguments. */
export const runsArgumentsNote = (script: string, line: number, command: string): ReturnType<typeof fromDefault> =>
  fromDefault(`${script} runs the command it is given, \`${command}\` (${script}:${line}), as a child process it waits for; ${script} itself is that child's parent and is not counted`, PROCESS_SPAWN)

/**
 * A script that requires none of the app's files: it holds no connection unless it requires a
 * database library itself (`require 'pg'`), whose connections conncalc does not read (1 assumed).
 */
function ownScript(ctx: AnalyzerContext, script: string, walk: ScriptWalk, processes: ServerAnalysis['processesPerDyno']): ServerAnalysis {
  if (walk.databaseGems.length === 0) {
    const threads = sourced(0, fromFile(script, 1), [fromDefault(`${script} requires none of the app's files and no database library (active_record, pg, sequel): it opens no database connection`, MAIN_THREAD)])
    return {diagnostics: [], language: 'none', pools: [], processesPerDyno: processes, server: 'ruby-script', threadsPerProcess: threads}
  }

  const gem = walk.databaseGems[0]
  const why = `${script} requires none of the app's files but connects with the ${gem.what} gem itself (${gem.file}:${gem.line}); to which server and how many connections is not read`
  return {
    diagnostics: [{code: 'unknown-command', file: ctx.origin?.file, fix: `if it opens connections on this database, say how many: --assume ${ctx.processType}=1:CONNECTIONS`, line: ctx.origin?.line, message: `${ctx.processType}: ${why}; counting 1`, processType: ctx.processType, severity: 'warning'}],
    language: 'ruby',
    pools: [],
    processesPerDyno: processes,
    server: 'ruby-script',
    threadsPerProcess: sourced(1, assumed(`${why}; 1 connection assumed`)),
  }
}

// Sinatra's server list on MRI (RUBY_ENGINE "ruby": mongrel needs a nil engine, trinidad is JRuby's), by version:
//   3.1+: puma, falcon, thin, HTTP, webrick (4.1: webrick only after them) — sinatra v4.1.1 lib/sinatra/base.rb:1972-1997
//   3.0.x: thin, falcon, puma, HTTP, webrick — sinatra v3.0.6 lib/sinatra/base.rb:1873-1877
//   1.4–2.2: thin, puma, reel, HTTP, webrick — sinatra v2.2.4 lib/sinatra/base.rb:1850-1864
// run! takes the first whose handler loads (Rackup::Handler.pick / detect_rack_handler), then start_server sets
// `server.threaded = settings.threaded` (default true, base.rb:2009) on a server that has it (Thin).
const SINATRA_BASE = 'https://github.com/sinatra/sinatra/blob/v4.1.1/lib/sinatra/base.rb'
const SINATRA_3_0 = 'https://github.com/sinatra/sinatra/blob/v3.0.6/lib/sinatra/base.rb'
const SINATRA_2 = 'https://github.com/sinatra/sinatra/blob/v2.2.4/lib/sinatra/base.rb'
// Thin's threaded mode hands each request to EventMachine.defer, whose pool has threadpool_size 20 threads.
const WEBRICK_CONFIG = 'https://github.com/ruby/webrick/blob/v1.8.1/lib/webrick/config.rb'
const EM_THREADPOOL = 'https://github.com/eventmachine/eventmachine/blob/v1.2.7/lib/eventmachine.rb'

function sinatraDefaults(version: string | undefined): {list: string[]; ref: string} {
  if (!version || versionAtLeast(version, '3.1.0')) return {list: ['puma', 'falcon', 'thin', ...(version && !versionAtLeast(version, '4.1.0') ? ['HTTP'] : []), 'webrick'], ref: SINATRA_BASE}
  if (versionAtLeast(version, '3.0.0')) return {list: ['thin', 'falcon', 'puma', 'HTTP', 'webrick'], ref: SINATRA_3_0}
  return {list: ['thin', 'puma', 'reel', 'HTTP', 'webrick'], ref: SINATRA_2}
}

/** Does the server's Rack handler load in this bundle? WEBrick: Ruby's own before 3.0, the webrick gem after. */
function handlerLoads(ctx: AnalyzerContext, name: string): boolean {
  if (name === 'webrick') {
    const ruby = declaredRuby(ctx.files)
    return ctx.versions.webrick !== undefined || (ruby !== undefined && !versionAtLeast(ruby.version, '3.0.0'))
  }

  return ['puma', 'thin', 'falcon', 'reel'].includes(name) && ctx.versions[name] !== undefined
}

interface SinatraPick {
  server?: string
  threaded: boolean
  why: string
  ref: string
}

/** Which server Sinatra's run! starts, and whether it is asked to be threaded. */
function sinatraServer(ctx: AnalyzerContext, walk: ScriptWalk, starts: readonly Start[]): SinatraPick {
  const last = (name: 'server' | 'threaded'): SinatraSetting | undefined => walk.sinatraSettings.filter((x) => x.name === name).at(-1)
  const threadedSet = last('threaded')
  const threaded = threadedSet?.value?.[0] !== false
  const flag = readFlag(ctx.command.argv, ['-s'])?.value
  const given = starts.find((x) => x.sinatra?.server)?.sinatra?.server
  const set = last('server')
  const defaults = sinatraDefaults(ctx.versions.sinatra)
  let list: string[]
  let from: string
  if (flag) [list, from] = [[flag], `\`-s ${flag}\` on the command line`]
  else if (given) [list, from] = [[given], `run!(server: "${given}")`]
  else if (set?.value) [list, from] = [set.value.map(String), `\`set :server\` at ${set.file}:${set.line}`]
  else if (set) return {threaded, ref: defaults.ref, why: `${set.file}:${set.line} sets :server to a value conncalc cannot read`}
  else [list, from] = [defaults.list, `Sinatra ${ctx.versions.sinatra ?? '(version not locked)'}'s server list`]
  const server = list.find((n) => handlerLoads(ctx, n))
  const tried = list.join(', ')
  return {
    ref: defaults.ref,
    server,
    threaded,
    why: server ? `Sinatra's run! starts ${server}: the first of ${from} (${tried}) whose gem is in Gemfile.lock` : `none of ${from} (${tried}) is in Gemfile.lock`,
  }
}

/** The server Sinatra's run! picked, analysed as that server: Puma as its Rack handler (it reads config/puma.rb), Thin threaded or not. */
async function sinatraAnalysis(ctx: AnalyzerContext, pick: SinatraPick & {server: string}): Promise<ServerAnalysis | undefined> {
  const note = fromDefault(pick.why, pick.ref)
  if (pick.server === 'puma') {
    const found = await puma.analyze({...ctx, command: {...ctx.command, argv: ['rackup', '-s', 'puma'], preCommands: [], background: []}})
    return {...found, processesPerDyno: {...found.processesPerDyno, via: [...(found.processesPerDyno.via ?? []), note]}}
  }

  if (pick.server === 'thin') {
    const threads = pick.threaded
      ? sourced(20, fromDefault("Sinatra sets threaded (true unless `set :threaded, false`) on Thin, which runs each request on EventMachine's thread pool (threadpool_size 20)", EM_THREADPOOL), [note])
      : sourced(1, fromDefault('`set :threaded, false`: Thin runs each request on its EventMachine reactor thread', SINATRA_BASE), [note])
    return {
      diagnostics: [],
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault('one Thin server in the script\'s process', SINATRA_BASE), [note]),
      server: 'thin',
      threadsPerProcess: threads,
      ...(ctx.versions.thin ? {versions: {thin: ctx.versions.thin}} : {}),
    }
  }

  if (pick.server === 'webrick') {
    // Sinatra's WEBrick handler leaves WEBrick's :MaxClients at 100: a thread per connection, bounded by the pool.
    return {
      diagnostics: [],
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault("one WEBrick server in the script's process", SINATRA_BASE), [note]),
      server: 'webrick',
      threadsPerProcess: sourced(100, fromDefault('WEBrick default :MaxClients (a thread per connection)', WEBRICK_CONFIG)),
      ...(ctx.versions.webrick ? {versions: {webrick: ctx.versions.webrick}} : {}),
    }
  }

  return undefined
}

/**
 * Que 0.x's `Que.mode = :async` in a script: Que.worker_count worker threads (4 unless set: que-rb/que v0.14.3
 * lib/que/worker.rb:120 `@worker_count = 4`), each checking a connection out of Que.connection's pool for the job it
 * works; the wrangler thread only wakes them. `worker_count=` while async adds or stops workers (`set_up_workers if
 * mode == :async`), so the count is the last `Que.worker_count =` the files read outside a block (reading order,
 * before or after the mode), else Que's default; undefined when that value is not one conncalc reads (the pool then
 * bounds the threads, an assumption) or the bundle's Que is 1.0 or later (no `mode=`).
 */
async function queWorkers(ctx: AnalyzerContext, walk: ScriptWalk): Promise<Sourced<number> | undefined> {
  const version = ctx.versions.que
  if (version !== undefined && versionAtLeast(version, '1.0.0')) return undefined
  const mode = walk.starts[0]
  const set = walk.queWorkerCounts.at(-1)
  const where = fromFile(mode.file, mode.line)
  if (!set) return withMainThread(ctx, walk, mode, sourced(4, fromDefault(`Que ${version ?? '0.x'} starts 4 workers on \`Que.mode = :async\` unless Que.worker_count is set`, QUE_WORKER), [where]))
  const file = ctx.files.read(set.file)
  const knownCalls = file ? await appConstantCalls(ctx, {path: set.file, text: file.text}, ctx.appEnv) : undefined
  const {value} = await evaluateRubySnippet(set.code, {appEnv: ctx.appEnv, env: ctx.env, file: set.file, firstLine: set.line, ...(knownCalls ? {knownCalls} : {})})
  const n = asInteger(value)
  if (n === undefined || n < 0) return undefined
  const workers = sourced(n, fromFile(set.file, set.line), [...(value.kind === 'known' ? value.via : []), where])
  return withMainThread(ctx, walk, mode, workers)
}

/**
 * The script's main thread beside Que's workers: it holds a connection of its own when, after starting them, the
 * file that sets the mode uses a connection it made (`DB[:que_jobs].count` in a polling loop, `DB = Sequel.connect`)
 * or ActiveRecord's; a main thread that only sleeps holds none.
 */
function withMainThread(ctx: AnalyzerContext, walk: ScriptWalk, mode: {file: string; line: number}, workers: Sourced<number>): Sourced<number> {
  const lines = ctx.files.read(mode.file)?.text.split(/\r?\n/) ?? []
  const names = [...new Set(walk.databaseConstants)]
  const uses = new RegExp(`(^|[^\\w:])(${[...names, 'ActiveRecord::Base\\.connection'].join('|')})\\b`)
  const at = lines.findIndex((l, i) => i >= mode.line && !/^\s*#/.test(l) && uses.test(l.replace(/#.*$/, '')))
  if (at < 0) return workers
  return sourced(workers.value + 1, fromFile(mode.file, at + 1), [fromDefault(`${workers.value} Que worker threads + the script's main thread, which queries after starting them (${mode.file}:${at + 1})`, QUE_WORKER), workers.source, ...(workers.via ?? [])])
}

export const rubyScriptAnalyzer: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const script = rubyScript(ctx.command.argv, ctx.files)!
    const walk = await walkRubyScript(ctx, script)
    const processes = sourced(1, fromDefault(`ruby ${script} runs in one process`, MAIN_THREAD))
    // The script is there but cannot be read (binary, no permission; the reader has said why): what it starts is not known.
    if (walk.files.length === 0) return {diagnostics: [], language: 'ruby', processesPerDyno: processes, server: 'ruby-script', threadsPerProcess: sourced(1, assumed(`${script} cannot be read, so the threads it starts are not known; 1 assumed`))}
    // A script that loads none of the app's files does not use the app's pools.
    if (walk.files.length === 1 && !walk.truncated) return ownScript(ctx, script, walk, processes)
    const read = `${walk.files.length - 1} app file${walk.files.length === 2 ? '' : 's'} it requires${walk.truncated ? ` (the first ${MAX_FILES} read)` : ''}; gems and Zeitwerk's autoloaded constants are not read`
    // Only Sinatra's built-in server starts: the server it picks, read as that server.
    const pick = walk.starts.length > 0 && walk.starts.every((x) => x.sinatra) ? sinatraServer(ctx, walk, walk.starts) : undefined
    if (pick?.server) {
      const found = await sinatraAnalysis(ctx, {...pick, server: pick.server})
      if (found) return found
    }

    if (walk.starts.length === 0) {
      const threads = sourced(1, fromFile(script, 1), [fromDefault(`Ruby runs ${script} on its main thread, and no Thread, concurrent-ruby pool or fork is started in it or the ${read}`, MAIN_THREAD)])
      return {diagnostics: [], language: 'ruby', processesPerDyno: processes, server: 'ruby-script', threadsPerProcess: threads}
    }

    // Only Que 0.x's `Que.mode = :async`: its Que.worker_count worker threads, each working a job on a connection.
    if (walk.starts.every((x) => x.que)) {
      const que = await queWorkers(ctx, walk)
      if (que) return {diagnostics: [], language: 'ruby', processesPerDyno: processes, server: 'ruby-script', threadsPerProcess: que, ...(ctx.versions.que ? {versions: {que: ctx.versions.que}} : {})}
    }

    // Threads conncalc does not count: each may check out a connection, so the pools bound the process.
    const provisional: ServerAnalysis = {diagnostics: [], language: 'ruby', processesPerDyno: processes, server: 'ruby-script', threadsPerProcess: sourced(1, fromFile(script, 1))}
    const found = await analyzeActiveRecordPools(ctx, provisional)
    const where = walk.starts.slice(0, 3).map((s) => `${s.what} at ${s.file}:${s.line}`).join(', ') + (walk.starts.length > 3 ? `, ${walk.starts.length - 3} more` : '')
    const pool = found.pools.reduce((n, p) => n + p.pool.value, 0)
    // Only rufus-schedulers, whose every job is scheduled once at the top level of a file read: at most one work thread
    // per job at once, if no job overlaps itself (assumed: overlap: false, or runs shorter than their intervals).
    const jobs = walk.starts.every((x) => x.rufus) && walk.rufusJobs.length > 0 && walk.rufusJobs.every((j) => !j.nested) ? walk.rufusJobs : undefined
    const jobsAt = jobs && `${jobs.length} job${jobs.length === 1 ? '' : 's'} (${jobs.slice(0, 3).map((j) => `${j.file}:${j.line}`).join(', ')}${jobs.length > 3 ? `, ${jobs.length - 3} more` : ''})`
    const threads =
      jobs && (found.pools.length === 0 || jobs.length < pool)
        ? sourced(jobs.length, assumed(`${script} starts a rufus-scheduler with ${jobsAt}, each run on a work thread of its own: at most ${jobs.length} at once if no job overlaps itself (overlap: false, or a run shorter than its interval)`), [fromDefault('rufus-scheduler runs each triggered job on a work thread, up to max_work_threads (28)', RUFUS)])
        : found.pools.length > 0
          ? sourced(pool, assumed(`${script} (or a file it requires) starts threads or processes (${where}) whose number conncalc does not count; as many threads as its pool (${pool}) assumed to use the database`), derivedFrom(found.pools.map((p) => p.pool)))
          : sourced(1, assumed(`${script} (or a file it requires) starts threads or processes (${where}) whose number conncalc does not count, and no pool bounds them; 1 assumed`))
    const byJobs = jobsAt !== undefined && threads.source.kind === 'assumed' && threads.source.why.includes('rufus-scheduler with')
    return {
      diagnostics: [
        ...found.diagnostics,
        {
          code: 'unknown-command',
          file: ctx.origin?.file,
          fix: `if fewer threads of ${script} use the database at once, say how many: --assume ${ctx.processType}=1:THREADS`,
          line: ctx.origin?.line,
          message: byJobs
            ? `${ctx.processType}: ${script} starts a rufus-scheduler (${where}) with ${jobsAt}; counting ${threads.value}, one work thread per job, as using the database at once (a job that overlaps itself runs more)`
            : `${ctx.processType}: ${script} starts threads or processes (${where}) whose number conncalc does not count${pick ? ` (${pick.why}${pick.server ? ', whose threads conncalc does not read' : ''})` : ''}; counting ${threads.value} (its pool) as using the database at once`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ],
      language: 'ruby',
      otherServerPools: found.otherServerPools,
      pools: found.pools,
      processesPerDyno: processes,
      server: 'ruby-script',
      threadsPerProcess: threads,
    }
  },
  id: 'ruby-script',
  matches: (cmd, ctx) => rubyScript(cmd.argv, ctx.files) !== undefined,
}
