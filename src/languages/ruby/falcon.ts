/**
 * Falcon (`falcon serve`, `falcon host [falcon.rb]`): a container of instances, each one Async reactor
 * that runs every request in its own fiber, with no limit on how many (Async::HTTP::Server accepts
 * every connection).
 *
 * Instances: `falcon serve -n/--count N` (`--concurrency` before 0.40), default
 * Async::Container.processor_count — ASYNC_CONTAINER_PROCESSOR_COUNT, else Etc.nprocessors
 * (falcon lib/falcon/command/serve.rb; async-container lib/async/container/generic.rb). `--forked` (the
 * default) makes each instance a process, `--threaded` a thread of one process. `falcon host` runs the
 * services falcon.rb defines; a service's container count is its `count` (nil: processor_count,
 * async-service lib/async/service/managed/environment.rb; falcon lib/falcon/environment/server.rb sets
 * no count), in a forked container where fork is supported.
 *
 * Connections: ActiveRecord (and Sequel) lease a connection per isolation scope. Rails' default
 * `config.active_support.isolation_level` is :thread (activesupport isolated_execution_state.rb), so the
 * fibers of one reactor thread share that thread's one connection; with :fiber every fiber holds its own,
 * and only the pool bounds them (the fibers wait for it, as greenlets do).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, type Sourced, sourced, unreadAssumption} from '../../model/source.js'
import {hasFlag} from '../common/argv.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {type Candidate, envCandidate, firstOf, flagCandidate, numericFlag, rubyCandidate} from '../common/setting.js'
import {isFalcon} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {analyzeDatabaseYml} from './database-yml.js'
import {type DslCall, isSymbol} from './evaluate.js'
import {processorsFor} from './processors.js'
import {railsSettings} from './rails-config.js'
import {initializerFiles} from './rails-files.js'
import {loadRubyConfig} from './ruby-server.js'
import {programName} from '../common/setting.js'

const SERVE = 'https://github.com/socketry/falcon/blob/156e9b701bc0cb78a2371804b4f11b62e82afa26/lib/falcon/command/serve.rb'
const PROCESSOR_COUNT = 'https://github.com/socketry/async-container/blob/main/lib/async/container/generic.rb'
const MANAGED = 'https://github.com/socketry/async-service/blob/55abeaaed8e7e6c4f0c10140fb6c83e7432e78c1/lib/async/service/managed/environment.rb'
const ISOLATION = 'https://github.com/rails/rails/blob/main/activesupport/lib/active_support/isolated_execution_state.rb'

/** Async::Container.processor_count: ASYNC_CONTAINER_PROCESSOR_COUNT, else the dyno's processors (starred). */
function processorCount(ctx: AnalyzerContext): {candidate: Candidate; fallback: Sourced<number>} {
  const cpus = processorsFor(ctx)
  const fallback = sourced(cpus.value, cpus.source, [...(cpus.via ?? []), fromDefault('Async::Container.processor_count: Etc.nprocessors when ASYNC_CONTAINER_PROCESSOR_COUNT is unset', PROCESSOR_COUNT)])
  return {candidate: envCandidate(ctx.env, ['ASYNC_CONTAINER_PROCESSOR_COUNT'], 'Falcon instances'), fallback}
}

function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c
    if (c.blockBody) yield* allCalls(c.blockBody)
  }
}

/** `falcon host [file]`: the services' `count` in falcon.rb, each service a container of that many processes. */
async function hostCount(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<{diagnostics: Diagnostic[]; value: Sourced<number>}> {
  const path = ctx.command.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'falcon.rb'
  const cpus = processorCount(ctx)
  const config = await loadRubyConfig(ctx, path, ctx.appEnv)
  if (!config) {
    const fallback = sourced(cpus.fallback.value, unreadAssumption(`${path} is not in the app: what \`falcon host\` runs is not known`), [cpus.fallback.source, ...(cpus.fallback.via ?? [])])
    return {diagnostics: [{code: 'unknown-config-value', file: path, message: `${ctx.processType}: \`falcon host\` reads ${path}, which is not in the app; ${fallback.value} processes assumed`, processType: ctx.processType, severity: 'warning'}], value: fallback}
  }

  append(diagnostics, config.diagnostics)
  const file = ctx.files.read(path)?.path ?? path
  const calls = [...allCalls(config.calls)]
  const counts = calls.filter((c) => c.name === 'count' && c.receiver === undefined)
  const options = calls.find((c) => c.name === 'container_options' && c.receiver === undefined)
  const candidates: Candidate[] = counts.map((c) => rubyCandidate(c.args[0], file, c.line, 'the Falcon service count'))
  if (options) candidates.unshift({diagnostics: [{code: 'unknown-config-value', file, line: options.line, message: `${ctx.processType}: ${file}:${options.line} sets container_options, which conncalc does not read for the Falcon process count`, severity: 'warning'}]})
  // More than one service (`rack` blocks) each run their own container: only one is counted here.
  const services = config.calls.filter((c) => c.blockBody !== undefined && c.receiver === undefined)
  if (services.length > 1) diagnostics.push({code: 'unknown-config-value', file, line: services[1].line, message: `${ctx.processType}: ${file} defines ${services.length} services; each runs its own container, and conncalc counts one`, processType: ctx.processType, severity: 'warning'})
  const counted = firstOf([...candidates, cpus.candidate], {...cpus.fallback, via: [...(cpus.fallback.via ?? []), fromDefault('a Falcon service with no `count` runs Async::Container.processor_count instances', MANAGED)]})
  return counted
}

/** Connections one thread's fibers hold: 1 under :thread isolation, the pool under :fiber. */
async function perThread(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<{fibers: boolean; value: Sourced<number>}> {
  const rails = ctx.versions.activesupport !== undefined || ctx.versions.rails !== undefined ? await railsSettings(ctx, 'active_support', initializerFiles(ctx.files)) : undefined
  const set = rails?.settings.get('isolation_level')
  const oneThread = (s: Sourced<number>['source'], via: Sourced<number>['source'][] = []) => ({fibers: false, value: sourced(1, s, [...via, fromDefault('a Falcon instance runs its requests as fibers of one reactor thread, which share the thread\'s connection', SERVE)])})
  if (!rails) return {fibers: false, value: sourced(1, fromDefault('a Falcon instance runs its requests as fibers of one reactor thread; ActiveRecord and Sequel lease connections per thread, so the fibers share one', SERVE))}
  if (!set) return oneThread(fromDefault('Rails default config.active_support.isolation_level :thread (connections are leased per thread)', ISOLATION))
  const v = set.value
  const level = v.kind === 'known' ? (isSymbol(v.value) ? v.value.symbol : typeof v.value === 'string' ? v.value : undefined) : undefined
  if (set.conditional || (level !== 'fiber' && level !== 'thread')) {
    diagnostics.push({code: 'unknown-config-value', file: set.file, line: set.line, message: `${ctx.processType}: cannot read config.active_support.isolation_level at ${set.file}:${set.line}; :thread (one connection per Falcon reactor thread) assumed`, processType: ctx.processType, severity: 'warning'})
    return oneThread(unreadAssumption(`config.active_support.isolation_level at ${set.file}:${set.line} is not read`))
  }

  if (level === 'thread') return oneThread(fromFile(set.file, set.line))
  // :fiber: every request's fiber leases its own connection; the pool is what they can hold at once.
  const yml = await analyzeDatabaseYml(ctx)
  const largest = yml.pools.reduce<Sourced<number> | undefined>((m, p) => (m === undefined || p.pool.value > m.value ? p.pool : m), undefined)
  const pool = largest ?? sourced(5, assumed('no database.yml pool read: ActiveRecord default pool 5'))
  return {fibers: true, value: sourced(pool.value, fromFile(set.file, set.line), [pool.source, ...(pool.via ?? []), fromDefault('isolation_level :fiber: each Falcon request fiber leases its own connection, with no limit on fibers, so the pool bounds them', ISOLATION)])}
}

// Falcon's Rack handler (`rackup`, or `rails server`/`hanami server` through Rackup::Server, when Rack's handler list picks
// falcon): Falcon::Server in one Sync reactor of the one process, no container of instances.
const RACK_HANDLER = 'https://github.com/socketry/falcon/blob/1f5c3526e4d2956d57e00d4abec097f9472da5b5/lib/falcon/rackup/handler.rb'

export const falcon: ServerAnalyzer = {
  async analyze(ctx) {
    const {argv} = ctx.command
    const diagnostics: Diagnostic[] = []
    if (programName(argv[0]) !== 'falcon') {
      const conns = await perThread(ctx, diagnostics)
      return {
        diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
        ...(conns.fibers ? {greenlets: true} : {}),
        language: 'ruby',
        processesPerDyno: sourced(1, fromDefault(`\`${programName(argv[0])}${argv[1] && !argv[1].startsWith('-') ? ` ${argv[1]}` : ''}\` runs Falcon through its Rack handler (falcon is the first server of Rack's handler list in the bundle): one Falcon::Server in one reactor, one process`, RACK_HANDLER)),
        server: 'falcon',
        threadsPerProcess: conns.value,
        ...(ctx.versions.falcon ? {versions: {falcon: ctx.versions.falcon}} : {}),
      }
    }

    const threaded = argv[1] === 'serve' && hasFlag(argv, ['--threaded'])
    const hybrid = argv[1] === 'serve' && hasFlag(argv, ['--hybrid'])
    let instances: {diagnostics: Diagnostic[]; value: Sourced<number>}
    if (argv[1] === 'host') {
      instances = await hostCount(ctx, diagnostics)
    } else {
      const cpus = processorCount(ctx)
      const flag = flagCandidate(numericFlag(argv, ['-n', '--count', '--concurrency'], ctx.command), 'Falcon instance count')
      instances = firstOf([flag, cpus.candidate], {...cpus.fallback, via: [...(cpus.fallback.via ?? []), fromDefault('falcon serve default --count: Async::Container.processor_count', SERVE)]})
    }

    append(diagnostics, instances.diagnostics)
    append(diagnostics, cpuCountWarning(ctx, instances.value, 'Falcon instances', `set ${argv[1] === 'host' ? '`count N` in the service block of falcon.rb' : '`--count N`'} or ASYNC_CONTAINER_PROCESSOR_COUNT to a number that fits the dyno`))
    const conns = await perThread(ctx, diagnostics)
    let processes = instances.value
    let threads = conns.value
    if (threaded) {
      // One process; each instance a thread. Under :fiber the threads' fibers share the one pool.
      processes = sourced(1, fromDefault('falcon serve --threaded: the instances are threads of one process', SERVE))
      if (!conns.fibers) threads = sourced(instances.value.value, instances.value.source, [...(instances.value.via ?? []), ...(conns.value.via ?? [])])
    } else if (hybrid) {
      const forks = numericFlag(argv, ['--forks'], ctx.command)
      const perFork = numericFlag(argv, ['--threads'], ctx.command)
      const f = firstOf([flagCandidate(forks, 'Falcon forks')], sourced(instances.value.value, unreadAssumption('falcon serve --hybrid without --forks: Async::Container::Hybrid splits the count between forks and threads, not read here'), [instances.value.source]))
      const t = firstOf([flagCandidate(perFork, 'Falcon threads per fork')], sourced(1, unreadAssumption('falcon serve --hybrid without --threads: threads per fork not read here')))
      append(diagnostics, [...f.diagnostics, ...t.diagnostics])
      processes = f.value
      if (!conns.fibers) threads = t.value
    }

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      ...(conns.fibers ? {greenlets: true} : {}),
      language: 'ruby',
      processesPerDyno: processes,
      server: 'falcon',
      threadsPerProcess: threads,
      ...(ctx.versions.falcon ? {versions: {falcon: ctx.versions.falcon}} : {}),
    }
  },
  id: 'falcon',
  matches: isFalcon,
}
