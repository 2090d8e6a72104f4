/**
 * Job runners on Kafka and beanstalkd that load the Rails app and run its consumers or jobs in one process:
 *
 * - Karafka 2 (karafka/karafka, read at v2.6.0): `karafka server` runs the consumers on `concurrency` worker threads,
 *   default 5 (lib/karafka/setup/config.rb `setting :concurrency, default: 5`), set in karafka.rb's
 *   `setup do |config| config.concurrency = N end`. `karafka swarm` forks `swarm.nodes` processes (default 3,
 *   `setting :nodes, default: 3`), each a server with those threads. Karafka 1.x has no worker pool (each consumer
 *   group is fetched and consumed on its own thread): not read, one thread assumed.
 * - Racecar (zendesk/racecar, read at afc5f69): `racecar ConsumerClass` runs one consumer loop on the main thread
 *   (Racecar::Runner); a class that sets `self.parallel_workers = N` (N > 1) is run by Racecar::ParallelRunner,
 *   which forks N workers of one thread each (lib/racecar.rb `Racecar.runner`, lib/racecar/parallel_runner.rb).
 * - Backburner (nesquena/backburner, read at 6e254c7): `backburner` and `rake backburner:work` use
 *   `config.default_worker`, Backburner::Workers::Simple unless set (lib/backburner/configuration.rb), which works one
 *   job at a time on the main thread; `backburner:simple:work` is that worker, `backburner:forking:work` forks a
 *   child per job, one at a time. The threaded workers (Threading, ThreadsOnFork) are not read: one thread assumed.
 *
 * Each thread may hold one of the app's pool connections: per process min(pool, threads), the pool database.yml's.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFlag, sourced, type Sourced} from '../../model/source.js'
import {filesUnder} from '../../model/files.js'
import {firstOf, programName, rubyCandidate} from '../common/setting.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {BACKBURNER_TASK, isBackburner, isKarafka, isRacecar} from '../common/matchers.js'
import {evaluateRubyConfig, findCalls, type DslCall} from './evaluate.js'
import {versionAtLeast} from '../../util/version.js'
import {append} from '../../util/arrays.js'

const KARAFKA_CONFIG = 'https://github.com/karafka/karafka/blob/v2.6.0/lib/karafka/setup/config.rb'
const RACECAR = 'https://github.com/zendesk/racecar/blob/master/lib/racecar.rb'
const RACECAR_PARALLEL = 'https://github.com/zendesk/racecar/blob/master/lib/racecar/parallel_runner.rb'
const BACKBURNER_CONFIG = 'https://github.com/nesquena/backburner/blob/master/lib/backburner/configuration.rb'
const BACKBURNER_TASKS = 'https://github.com/nesquena/backburner/blob/master/lib/backburner/tasks.rb'

/** The words after `rake`/`bundle exec rake`/`rails` when the command runs a task (else undefined). */
function rakeTasks(argv: readonly string[]): string[] | undefined {
  const name = programName(argv[0])
  return name === 'rake' || name === 'rails' ? argv.slice(1).filter((a) => !a.startsWith('-') && !a.includes('=')) : undefined
}

const versionsOf = (ctx: AnalyzerContext, gem: string): {versions?: Record<string, string>} => (ctx.versions[gem] ? {versions: {[gem]: ctx.versions[gem]}} : {})

/** The last `config.<name> = value` anywhere in the file's blocks (Karafka's `setup do |config| … end`). */
function lastSetting(calls: readonly DslCall[], name: string, receiver: RegExp): DslCall | undefined {
  return findCalls(calls, `${name}=`, true).filter((c) => receiver.test(c.receiver ?? '')).at(-1)
}

export const karafka: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const version = ctx.versions.karafka
    const swarm = ctx.command.argv[1] === 'swarm'
    const diagnostics: Diagnostic[] = []
    const file = ctx.files.read('karafka.rb')
    const config = file ? await evaluateRubyConfig(file, ctx.env, ctx.appEnv) : undefined
    append(diagnostics, config?.diagnostics ?? [])
    const calls = config?.calls ?? []
    const legacy = version !== undefined && !versionAtLeast(version, '2.0.0')
    const set = lastSetting(calls, 'concurrency', /(^|\.)config$/)
    const threads = legacy
      ? {diagnostics: [], value: sourced(1, assumed(`Karafka ${version} (before 2.0) has no worker pool: each consumer group is consumed on its own thread; one thread assumed`))}
      : firstOf([set ? rubyCandidate(set.args[0], file!.path, set.line, 'Karafka concurrency') : {diagnostics: []}], sourced(5, fromDefault(`Karafka${version ? ` ${version}` : ''} default concurrency (worker threads)`, KARAFKA_CONFIG)))
    append(diagnostics, threads.diagnostics)
    let processes: Sourced<number> = sourced(1, fromDefault('`karafka server` runs one process', KARAFKA_CONFIG))
    if (swarm) {
      const nodes = lastSetting(calls, 'nodes', /(^|\.)swarm$/)
      const read = firstOf([nodes ? rubyCandidate(nodes.args[0], file!.path, nodes.line, 'Karafka swarm nodes') : {diagnostics: []}], sourced(3, fromDefault(`Karafka${version ? ` ${version}` : ''} default swarm.nodes (forked server processes)`, KARAFKA_CONFIG)))
      append(diagnostics, read.diagnostics)
      processes = read.value
    }

    return {diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})), language: 'ruby', processesPerDyno: processes, server: 'karafka', threadsPerProcess: threads.value, ...versionsOf(ctx, 'karafka')}
  },
  id: 'karafka',
  matches: isKarafka,
}

/** `self.parallel_workers = N` in the class body of the consumer the command names, if an app file defines it. */
async function parallelWorkers(ctx: AnalyzerContext, consumer: string): Promise<{diagnostics: Diagnostic[]; value?: Sourced<number>}> {
  const short = consumer.split('::').at(-1)!
  const paths = ['app', 'lib'].flatMap((d) => filesUnder(ctx.files, d, (p) => p.endsWith('.rb'), {max: 2000, maxDepth: 8}).paths)
  for (const path of paths) {
    const file = ctx.files.read(path)
    if (!file || !file.text.includes('parallel_workers') || !new RegExp(`\\bclass\\s+(\\w+::)*${short}\\b`).test(file.text)) continue
    const config = await evaluateRubyConfig(file, ctx.env, ctx.appEnv)
    const set = findCalls(config.calls, 'parallel_workers=', true).filter((c) => (c.receiver === 'self' || c.receiver === undefined) && (c.inClass ?? short).split('::').at(-1) === short).at(-1)
    if (!set) continue
    const c = rubyCandidate(set.args[0], path, set.line, 'Racecar parallel_workers')
    return {diagnostics: c.diagnostics, ...(c.value ? {value: c.value} : {})}
  }

  return {diagnostics: []}
}

export const racecar: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const consumer = ctx.command.argv.slice(1).find((a) => /^[A-Z]/.test(a))!
    const found = await parallelWorkers(ctx, consumer)
    const forks = found.value && found.value.value > 1 ? found.value : undefined
    return {
      diagnostics: found.diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: forks ? sourced(forks.value, forks.source, [...(forks.via ?? []), fromDefault('Racecar::ParallelRunner forks parallel_workers processes, each running the consumer', RACECAR_PARALLEL)]) : sourced(1, fromDefault(`\`racecar ${consumer}\` runs one consumer process (parallel_workers unset)`, RACECAR)),
      server: 'racecar',
      threadsPerProcess: sourced(1, fromDefault('a Racecar consumer processes its messages on the main thread', RACECAR)),
      ...versionsOf(ctx, 'racecar'),
    }
  },
  id: 'racecar',
  matches: isRacecar,
}

export const backburner: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const task = rakeTasks(argv)?.map((t) => BACKBURNER_TASK.exec(t)).find((m) => m)
    const kind = task?.[1]
    const diagnostics: Diagnostic[] = []
    let why: Sourced<number>
    if (kind === 'simple' || kind === 'forking') {
      why = sourced(1, fromFlag(task![0]), [fromDefault(`Backburner's ${kind === 'simple' ? 'Simple worker runs one job at a time' : 'Forking worker forks a child per job, one at a time'}`, BACKBURNER_TASKS)])
    } else if (kind) {
      why = sourced(1, assumed(`\`${task![0]}\` runs threads per queue (THREADS, or the queue's own count), which conncalc does not read; one assumed`))
      diagnostics.push({code: 'unknown-config-value', file: 'Procfile', message: `${ctx.processType}: Backburner's ${kind} worker runs several threads per queue, which conncalc does not read; one thread assumed`, processType: ctx.processType, severity: 'warning'})
    } else {
      // The default worker, unless an initializer sets `config.default_worker`.
      const setIn = filesUnder(ctx.files, 'config', (p) => p.endsWith('.rb'), {max: 500, maxDepth: 4}).paths.find((p) => /default_worker\s*=/.test(ctx.files.read(p)?.text ?? ''))
      const text = setIn ? ctx.files.read(setIn)!.text : ''
      const other = setIn && !/default_worker\s*=\s*(::)?Backburner::Workers::(Simple|Forking)\b/.test(text)
      why = other
        ? sourced(1, assumed(`${setIn} sets Backburner's default_worker to a worker conncalc does not read (it may run several threads); one thread assumed`))
        : sourced(1, fromDefault('Backburner default_worker Backburner::Workers::Simple: one job at a time on the main thread', BACKBURNER_CONFIG))
      if (other) diagnostics.push({code: 'unknown-config-value', file: setIn, message: `${ctx.processType}: ${setIn} sets Backburner's default_worker to a threaded worker conncalc does not read; one thread assumed`, processType: ctx.processType, severity: 'warning'})
    }

    return {diagnostics, language: 'ruby', processesPerDyno: sourced(1, fromDefault('one Backburner worker process per command', BACKBURNER_CONFIG)), server: 'backburner', threadsPerProcess: why, ...versionsOf(ctx, 'backburner')}
  },
  id: 'backburner',
  matches: isBackburner,
}
