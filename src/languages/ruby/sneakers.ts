/**
 * Sneakers (RabbitMQ workers; jondot/sneakers, and its successor kicks which keeps the Sneakers
 * module). `Sneakers::Runner.new(worker_classes, opts).run` starts ServerEngine with
 * `worker_type: 'process'` (runner.rb:72-76): `workers` forked processes (Sneakers::CONFIG
 * merged with the runner's opts), each running every worker class (workergroup.rb:35), and each
 * worker class with its own Concurrent::FixedThreadPool of `threads` — the class's `from_queue
 * …, threads: N` over Sneakers.configure's (worker.rb:15-20) — unless `share_threads`, when one
 * pool of `threads` serves them all (workergroup.rb:24). The supervisor that forks them only
 * loads the app. Defaults, the same from 1.1.0 to 2.12.0: workers 4, threads 10, share_threads
 * false (configuration.rb:34,41,42).
 *
 * Three ways to start it are read:
 *
 *     worker: bundle exec sneakers work TitleWorker,FooWorker --require app.rb   # cli.rb
 *     worker: WORKERS=TitleWorker bundle exec rake sneakers:run                   # tasks.rb (WORKER_COUNT)
 *     worker: bundle exec rake jobs:run    # the app's task: Sneakers::Runner.new([A, B]).run, or
 *                                          # Wrapper.new(A).run where Wrapper's file calls Sneakers::Runner.new
 *
 * With no class list (`sneakers work`, `rake sneakers:run` without WORKERS) every class of app/
 * that includes Sneakers::Worker runs (Sneakers::Worker::Classes). A list conncalc cannot read
 * leaves the threads unknown: the pool is then the bound, assumed and said.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {filesUnder, onceForFiles} from '../../model/files.js'
import {assumed, derivedFrom, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {appPath} from '../common/setting.js'
import {analyzeDatabaseYml} from './database-yml.js'
import {type EvalValue, findCalls} from './evaluate.js'
import {rubyProcessFacts} from './process-facts.js'
import {parseRuby, type RubyNode} from './prism.js'
import {isSneakers, sneakersRakeFiles, sneakersStart} from './sneakers-command.js'
import {loadRubyConfig} from './ruby-server.js'
import {initializerFiles} from './rails-files.js'

const SRC = 'https://github.com/jondot/sneakers/blob/v2.11.0/lib/sneakers'
const DEFAULTS = `${SRC}/configuration.rb#L34-L42`
const RUNNER = `${SRC}/runner.rb#L72-L76`
const RUNNER_CONFIG = `${SRC}/runner.rb`
const GROUP = `${SRC}/workergroup.rb#L24-L35`
const WORKER = `${SRC}/worker.rb#L15-L20`
const TASKS = `${SRC}/tasks.rb#L14-L39`
const CLI = `${SRC}/cli.rb`

const underscore = (s: string): string => s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()

/** Where Zeitwerk (or a lib/ require) finds a constant: app/<any>/a/b.rb, lib/a/b.rb. */
function classFile(files: FileReader, constant: string): string | undefined {
  const rel = `${constant.replace(/^::/, '').split('::').map(underscore).join('/')}.rb`
  return [...files.folders('app').map((d) => `app/${d}/${rel}`), `lib/${rel}`].find((p) => files.exists(p))
}

/** The classes of app/ (and lib/) that include Sneakers::Worker: Sneakers::Worker::Classes once they are loaded. */
function workerClassesInApp(files: FileReader): {file: string; line: number; name: string}[] {
  return onceForFiles(files, 'sneakers-worker-classes', () => {
    const out: {file: string; line: number; name: string}[] = []
    for (const dir of ['app', 'lib']) {
      for (const file of filesUnder(files, dir, (p) => p.endsWith('.rb'), {maxDepth: 6}).paths) {
        const text = files.read(file)?.text ?? ''
        if (!/^\s*include\s+(::)?Sneakers::Worker\b/m.test(text)) continue
        const lines = text.split('\n')
        const at = lines.findIndex((l) => /^\s*class\s+[A-Z]/.test(l))
        const name = at >= 0 ? /^\s*class\s+((?:[A-Z]\w*::)*[A-Z]\w*)/.exec(lines[at])![1] : undefined
        if (name) out.push({file, line: at + 1, name})
      }
    }

    return out
  })
}

/** What the task's code hands to Sneakers::Runner: the worker class names, or why they cannot be read. */
interface RunnerCall {
  /** Runner opts `workers:` when written as a literal integer. */
  classes?: string[]
  file: string
  line: number
  /** Set when the list goes through an app class that calls Sneakers::Runner.new itself. */
  through?: {file: string; line: number; name: string}
  why?: string
  workers?: number
}

const constName = (P: Awaited<ReturnType<typeof parseRuby>>['prism'], n: RubyNode | undefined, text: (x: RubyNode) => string): string | undefined =>
  n instanceof P.ConstantReadNode || n instanceof P.ConstantPathNode ? text(n).replace(/^::/, '') : undefined

/** Find the task's block in the rake files and what it passes to Sneakers::Runner. */
async function runnerOfTask(files: FileReader, task: string): Promise<RunnerCall | undefined> {
  for (const file of sneakersRakeFiles(files)) {
    const text = files.read(file)?.text
    if (!text) continue
    const parsed = await parseRuby(file, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    const text0 = (n: RubyNode): string => parsed.textOf(n)
    const lineOf = (n: RubyNode): number => parsed.lineOf(n.location.startOffset)
    const statements = (n: RubyNode | null | undefined): readonly RubyNode[] => (n instanceof P.StatementsNode ? n.body : n ? [n] : [])
    const nameArg = (n: RubyNode | undefined): string | undefined => {
      if (n instanceof P.SymbolNode || n instanceof P.StringNode) return n.unescaped.value
      // `task run: :environment`, `task :run => :environment`
      if ((n instanceof P.KeywordHashNode || n instanceof P.HashNode) && n.elements[0] instanceof P.AssocNode) return nameArg(n.elements[0].key)
      return undefined
    }

    const findTask = (nodes: readonly RubyNode[], prefix: string): RubyNode | undefined => {
      for (const n of nodes) {
        if (!(n instanceof P.CallNode) || n.receiver) continue
        const name = nameArg(n.arguments_?.arguments_[0])
        const body = n.block instanceof P.BlockNode ? n.block.body : undefined
        if (name === undefined || !body) continue
        if (n.name === 'namespace') {
          const found = findTask(statements(body), `${prefix}${name}:`)
          if (found) return found
        } else if (n.name === 'task' && `${prefix}${name}` === task) return body
      }

      return undefined
    }

    const body = findTask(parsed.program.statements.body, '')
    if (!body) continue
    const calls: RubyNode[] = []
    const collect = (n: RubyNode): void => {
      if (n instanceof P.CallNode) calls.push(n)
      for (const c of n.compactChildNodes()) collect(c)
    }

    collect(body)
    const listOf = (arg: RubyNode | undefined): {classes?: string[]; why?: string} => {
      const one = constName(P, arg, text0)
      if (one) return {classes: [one]}
      if (arg instanceof P.ArrayNode) {
        const names = arg.elements.map((e) => constName(P, e, text0))
        if (names.every((x) => x !== undefined)) return {classes: names as string[]}
      }

      return {why: arg ? `\`${text0(arg).slice(0, 60)}\` is not a list of classes conncalc reads` : 'no worker classes are given'}
    }

    for (const c of calls) {
      if (!(c instanceof P.CallNode) || c.name !== 'new' || !/^(::)?Sneakers::Runner$/.test(c.receiver ? text0(c.receiver) : '')) continue
      const [list, opts] = c.arguments_?.arguments_ ?? []
      let workers: number | undefined
      if (opts instanceof P.KeywordHashNode || opts instanceof P.HashNode) {
        for (const el of opts.elements) {
          if (el instanceof P.AssocNode && nameArg(el.key) === 'workers' && el.value instanceof P.IntegerNode) workers = Number(el.value.value)
        }
      }

      return {file, line: lineOf(c), ...listOf(list), ...(workers === undefined ? {} : {workers})}
    }

    // `Wrapper.new(Klass).run`: an app class whose own file starts Sneakers::Runner with what it is given.
    for (const c of calls) {
      if (!(c instanceof P.CallNode) || c.name !== 'run' || !(c.receiver instanceof P.CallNode)) continue
      const made = c.receiver
      const wrapper = constName(P, made.receiver ?? undefined, text0)
      const at = wrapper ? classFile(files, wrapper) : undefined
      const wrapperText = at ? files.read(at)?.text ?? '' : ''
      const runnerAt = wrapperText.split('\n').findIndex((l) => /\bSneakers::Runner\.new\b/.test(l))
      if (!wrapper || !at || runnerAt < 0) continue
      const through = {file: at, line: runnerAt + 1, name: wrapper}
      const list = made.name === 'new' ? listOf(made.arguments_?.arguments_[0]) : {why: `\`${text0(made).slice(0, 60)}\` builds its list in ${at}, which conncalc does not evaluate`}
      return {file, line: lineOf(c), through, ...list}
    }
  }

  return undefined
}

/** Sneakers.configure(…) settings, later calls over earlier ones (Configuration#merge!). */
interface Settings {
  /** `runner_config_file: 'config/sneakers_runner.rb'`: a file Sneakers::RunnerConfig#reload_config! instance_evals. */
  runnerConfigFile?: {line: number; path: string; where: string}
  shareThreads?: {at: Source; value: boolean; via?: Source[]}
  threads?: Sourced<number>
  workers?: Sourced<number>
}

const WANTED = ['workers', 'threads', 'share_threads'] as const

async function readSettings(ctx: AnalyzerContext, paths: readonly string[], diagnostics: Diagnostic[]): Promise<Settings> {
  const out: Settings = {}
  for (const path of paths) {
    if (!/Sneakers\.configure/.test(ctx.files.read(path)?.text ?? '')) continue
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    for (const c of findCalls(config.calls, 'configure', true).filter((x) => x.receiver === 'Sneakers' || x.receiver === '::Sneakers')) {
      const file = c.kwargs.runner_config_file
      if (file?.kind === 'known' && typeof file.value === 'string' && file.value !== '') out.runnerConfigFile = {line: file.line, path: appPath(file.value), where: path}
      for (const key of WANTED) {
        const v: EvalValue | undefined = c.kwargs[key]
        if (!v) continue
        if (v.kind === 'unknown' || (key === 'share_threads' ? typeof v.value !== 'boolean' : typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value < 1)) {
          diagnostics.push({code: 'unknown-config-value', file: path, line: c.line, message: `cannot read Sneakers' ${key} in ${path}:${c.line} (${v.kind === 'unknown' ? v.reason : `${JSON.stringify(v.value)} is not what Sneakers takes`}); its default is assumed`, severity: 'warning'})
          continue
        }

        const at = fromFile(path, v.line)
        if (key === 'share_threads') out.shareThreads = {at, value: v.value as boolean, via: v.via}
        else out[key] = sourced(v.value as number, at, v.via.length > 0 ? v.via : undefined)
      }
    }
  }

  return out
}

/** A worker class's own `from_queue …, threads: N` (its queue_opts win over Sneakers::CONFIG). */
async function classThreads(ctx: AnalyzerContext, name: string, path: string): Promise<Sourced<number> | undefined> {
  const config = await loadRubyConfig(ctx, path, ctx.appEnv)
  const c = config && findCalls(config.calls, 'from_queue', true).find((x) => x.receiver === undefined)
  const v = c?.kwargs.threads
  if (!c || !v) return undefined
  if (v.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value > 0) return sourced(v.value, fromFile(path, v.line), v.via.length > 0 ? v.via : undefined)
  return sourced(0, assumed(`${name}'s \`from_queue … threads:\` (${path}:${c.line}) cannot be read`))
}

export const sneakers: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const start = sneakersStart(ctx.command.argv, ctx)!
    const version = ctx.versions.sneakers ?? ctx.versions.kicks
    const diagnostics: Diagnostic[] = []
    const initializers = initializerFiles(ctx.files)

    // The worker classes.
    let classes: {name: string; via: Source[]}[] | undefined
    let unknownWhy: string | undefined
    let runnerWorkers: Sourced<number> | undefined
    let required: string[] = []
    const all = (why: string): void => {
      const found = workerClassesInApp(ctx.files)
      if (found.length > 0) classes = found.map((f) => ({name: f.name, via: [fromFile(f.file, f.line), fromDefault(why, start.kind === 'cli' ? CLI : TASKS)]}))
      else unknownWhy = `${why}, and no class in app/ or lib/ includes Sneakers::Worker`
    }

    if (start.kind === 'cli') {
      // Thor options that take a value (cli.rb: --log, --pid_path, --require) are not the class list.
      const list = start.argv.slice(2).find((a, i, rest) => !a.startsWith('-') && !/^--(log|pid_path|require)$/.test(rest[i - 1] ?? ''))
      const req = start.argv.findIndex((a) => a === '--require' || a.startsWith('--require='))
      if (req >= 0) required = [appPath(start.argv[req].includes('=') ? start.argv[req].slice('--require='.length) : start.argv[req + 1] ?? '')].filter((p) => ctx.files.exists(p))
      if (list) classes = list.split(',').filter(Boolean).map((name) => ({name, via: [fromDefault('`sneakers work A,B` runs the classes it lists', CLI)]}))
      else all('`sneakers work` with no list runs every class that includes Sneakers::Worker (Sneakers::Worker::Classes)')
    } else if (start.kind === 'gem-task') {
      const listed = ctx.env.get('WORKERS')
      if (listed && !listed.unknown) classes = listed.value.split(',').filter(Boolean).map((name) => ({name, via: [listed.source]}))
      else all('`rake sneakers:run` without WORKERS runs every class that includes Sneakers::Worker (Sneakers::Worker::Classes)')
      const count = ctx.env.get('WORKER_COUNT')
      if (count && !count.unknown && /^\d+$/.test(count.value)) runnerWorkers = sourced(Number(count.value), count.source, [fromDefault('rake sneakers:run passes WORKER_COUNT as the runner\'s workers', TASKS)])
    } else {
      const found = await runnerOfTask(ctx.files, start.task)
      if (!found) {
        const {railsProcess} = await import('./rails-process.js')
        return railsProcess.analyze(ctx)
      }

      const through = found.through ? [assumed(`${found.through.name} (${found.through.file}:${found.through.line}) hands what it is given to Sneakers::Runner.new, one worker class each`)] : []
      if (found.classes) classes = found.classes.map((name) => ({name, via: [fromFile(found.file, found.line), ...through]}))
      else unknownWhy = `${found.file}:${found.line}: ${found.why}`
      if (found.workers !== undefined) runnerWorkers = sourced(found.workers, fromFile(found.file, found.line))
    }

    const settings = await readSettings(ctx, [...initializers, ...required], diagnostics)

    const fromRunnerFile = settings.runnerConfigFile ? await runnerFileWorkers(ctx, settings.runnerConfigFile, diagnostics) : undefined
    const processes =
      fromRunnerFile ??
      runnerWorkers ??
      (settings.workers ? {...settings.workers, via: [...(settings.workers.via ?? []), fromDefault('Sneakers::Runner forks `workers` processes (ServerEngine worker_type process), each running every worker class', RUNNER)]} : sourced(4, fromDefault(`Sneakers${version ? ` ${version}` : ''} default workers (processes)`, DEFAULTS)))
    const configThreads = settings.threads ?? sourced(10, fromDefault(`Sneakers${version ? ` ${version}` : ''} default threads per worker class`, DEFAULTS))
    const share = settings.shareThreads?.value === true

    let threads: Sourced<number>
    if (share) {
      threads = {...configThreads, via: [...(configThreads.via ?? []), settings.shareThreads!.at, fromDefault('share_threads: one thread pool of `threads` serves every worker class of a process', GROUP)]}
    } else if (classes) {
      const each: Sourced<number>[] = []
      for (const c of classes) {
        const file = classFile(ctx.files, c.name)
        const own = file ? await classThreads(ctx, c.name, file) : undefined
        if (own && own.value === 0) {
          diagnostics.push({code: 'unknown-config-value', file, message: `cannot read ${c.name}'s \`from_queue … threads:\` in ${file}; Sneakers' configured threads (${configThreads.value}) are assumed for it`, severity: 'warning'})
        }

        const picked = own && own.value > 0 ? own : {...configThreads, via: [...(configThreads.via ?? []), ...(file ? [] : [assumed(`${c.name}'s file is not found (app/*/, lib/): a \`from_queue … threads:\` of its own is not read`)])]}
        each.push({...picked, via: [...(picked.via ?? []), ...c.via]})
      }

      const sum = each.reduce((n, x) => n + x.value, 0)
      threads = sourced(sum, fromDefault(`each worker class runs its own thread pool in every Sneakers process (${classes.map((c, i) => `${c.name} ${each[i].value}`).join(' + ')})`, WORKER), derivedFrom(each))
    } else {
      // The classes are not known: as many threads as the pool (each may hold one connection).
      const yml = await analyzeDatabaseYml(ctx, rubyProcessFacts(ctx))
      const pool = yml.pools.reduce((n, p) => n + p.pool.value, 0) || 5
      threads = sourced(pool, assumed(`the worker classes Sneakers runs cannot be read (${unknownWhy}); each runs ${configThreads.value} thread(s), so as many threads as the pool (${pool}) assumed to use the database`), [...(configThreads.via ?? []), configThreads.source])
      diagnostics.push({
        code: 'unknown-config-value',
        file: ctx.origin?.file,
        fix: `say how many threads use the database at once: --assume ${ctx.processType}=${processes.value}:THREADS`,
        line: ctx.origin?.line,
        message: `${ctx.processType}: cannot read which worker classes Sneakers runs (${unknownWhy}); each class has a pool of ${configThreads.value} thread(s), counting ${pool} (the ActiveRecord pool) as using the database at once`,
        severity: 'warning',
      })
    }

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: processes,
      server: 'sneakers',
      threadsPerProcess: threads,
      ...(version ? {versions: {sneakers: version}} : {}),
    }
  },
  id: 'sneakers',
  matches: (cmd, ctx) => isSneakers(cmd.argv, ctx),
}

/**
 * `workers N` in Sneakers' runner_config_file: RunnerConfig#reload_config! instance_evals the file, and its `workers`
 * (method_missing: `@conf[:workers] = args.first`) is set over the runner's opts, which make_serverengine_config merges
 * over Sneakers::CONFIG (runner.rb), so it wins over both. A file Sneakers cannot load is logged and skipped (the
 * rescue in reload_config!).
 */
async function runnerFileWorkers(ctx: AnalyzerContext, file: NonNullable<Settings['runnerConfigFile']>, diagnostics: Diagnostic[]): Promise<Sourced<number> | undefined> {
  if (!ctx.files.exists(file.path)) {
    diagnostics.push({code: 'missing-config', file: file.where, line: file.line, message: `Sneakers' runner_config_file ${file.path} (${file.where}:${file.line}) is not in the app: Sneakers logs "Cannot load from file" and runs without it`, processType: ctx.processType, severity: 'warning'})
    return undefined
  }

  const config = await loadRubyConfig(ctx, file.path, ctx.appEnv)
  const c = config ? findCalls(config.calls, 'workers', false).findLast((x) => x.receiver === undefined) : undefined
  if (!c) return undefined
  const v = c.args[0]
  if (v?.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value >= 1 && !c.conditional) {
    return sourced(v.value, fromFile(file.path, c.line), [...v.via, fromDefault('the runner_config_file\'s `workers` is set over the runner\'s opts and Sneakers::CONFIG (RunnerConfig#reload_config!)', RUNNER_CONFIG)])
  }

  diagnostics.push({code: 'unknown-config-value', file: file.path, line: c.line, message: `cannot read Sneakers' workers in ${file.path}:${c.line} (${v?.kind === 'unknown' ? v.reason : c.conditional ? 'under a condition conncalc cannot decide' : 'not a whole number of processes'}); the workers from Sneakers.configure or its default are counted`, processType: ctx.processType, severity: 'warning'})
  return undefined
}
