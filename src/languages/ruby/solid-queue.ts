/**
 * Solid Queue (https://github.com/rails/solid_queue), as its
 * lib/solid_queue/configuration.rb reads config/queue.yml: the section for the
 * Rails env if there is one, else the whole file; its `workers`, `dispatchers`
 * and `scheduler` keys; with none of them, one default worker, one default
 * dispatcher and the scheduler defaults. A worker defaults to 3 threads and 1
 * process; a scheduler runs when config/recurring.yml has tasks (or
 * `scheduler: {dynamic_tasks_enabled: true}`). In the default fork mode a
 * supervisor forks one process per worker `processes`, dispatcher and
 * scheduler; SOLID_QUEUE_SUPERVISOR_MODE=async runs them all as threads of
 * the supervisor's process, one per worker entry (`processes` is ignored).
 *
 * Connections, read from the source at v1.5.0: each thread that wraps its work
 * in the app executor (`wrap_in_app_executor`, lib/solid_queue/app_executor.rb)
 * checks a connection out of Solid Queue's pool while it runs, so a process
 * holds at most one per such thread, and its pool must hold them all:
 * - worker: its `threads` (lib/solid_queue/pool.rb runs each job in the
 *   executor) + the polling loop (processes/poller.rb `start_loop`) + the
 *   heartbeat (processes/registrable.rb `launch_heartbeat`, a TimerTask) —
 *   threads + 2, as configuration.rb's own estimate says ("At most "threads" in
 *   each worker + 1 thread for the worker + 1 thread for the heartbeat task");
 * - dispatcher: the polling loop + the heartbeat + concurrency maintenance
 *   (dispatcher/concurrency_maintenance.rb, a TimerTask; off with
 *   `concurrency_maintenance: false`) — 3, or 2;
 * - scheduler: the heartbeat + one thread per recurring task when it comes due
 *   (scheduler/recurring_schedule.rb schedules each as a Concurrent::ScheduledTask
 *   that enqueues inside the executor; tasks due at the same moment enqueue at
 *   once) + the main loop when dynamic tasks are enabled (it reloads them every
 *   polling_interval) — 1 + tasks (+ 1), which its pool caps;
 * - supervisor: the heartbeat + the maintenance task that prunes dead processes
 *   (supervisor/maintenance.rb) — 2; its main thread checks one out only at
 *   boot and while it replaces a crashed process.
 * A separate process has its own pool, so each counts min(pool, those) per
 * entry (Extra.demand).
 *
 * Before v0.9.0 (read at v0.8.2, lib/solid_queue/configuration.rb and
 * dispatcher/recurring_schedule.rb) the default file is config/solid_queue.yml
 * (SOLID_QUEUE_CONFIG still overrides it), `rake solid_queue:start` always forks
 * (`Supervisor.start`, no command-line options), and there is no scheduler:
 * each dispatcher's own `recurring_tasks` are Concurrent::ScheduledTasks of the
 * dispatcher's process that enqueue inside the executor as they come due, so a
 * dispatcher checks out 3 (or 2) + its recurring tasks; config/recurring.yml is
 * not read.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {assumed, describeSourced, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {analyzeDatabaseYml, DATABASE_YML} from './database-yml.js'
import {readYamlErb, type YamlErb} from './erb.js'
import {processorsFor} from './processors.js'
import {isHash, isSymbol} from './evaluate.js'
import {pumaFacts} from './puma.js'
import {railsSettings} from './rails-config.js'
import {appPath, findFlag, firstOf, programName, yamlCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ParsedCommand, ProcessAddon, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {hasFlag} from '../common/argv.js'
import {append} from '../../util/arrays.js'
import {compareVersions} from '../../util/version.js'

const AT = (path: string): string => `https://github.com/rails/solid_queue/blob/v1.5.0/lib/solid_queue/${path}`
const CONFIGURATION = AT('configuration.rb')
/** Solid Queue before 0.9.0: config/solid_queue.yml, recurring tasks in the dispatchers, always forked. */
const LEGACY_AT = (path: string): string => `https://github.com/rails/solid_queue/blob/v0.8.2/lib/solid_queue/${path}`
const LEGACY_CONFIGURATION = LEGACY_AT('configuration.rb')
const isLegacy = (version: string | undefined): boolean => version !== undefined && compareVersions(version, '0.9.0') < 0
/** A worker's polling loop and heartbeat, beside its job threads (processes/poller.rb, processes/registrable.rb). */
const WORKER_EXTRA = 2
/** The heartbeat every process beats (processes/registrable.rb). */
const HEARTBEAT = 1

type Hash = Record<string, unknown>
const hashOf = (v: unknown): Hash | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Hash) : undefined)

export interface SolidQueueWorker {
  processes: Sourced<number>
  threads: Sourced<number>
}

export interface SolidQueueDispatcher {
  /** `concurrency_maintenance` (default true): a third thread that checks out a connection. */
  maintenance: Sourced<boolean>
  /** Solid Queue < 0.9: the dispatcher's own `recurring_tasks` with a `schedule`, each enqueuing on a thread of its own as it comes due. */
  recurring?: number
  where: Source
}

export interface SolidQueueScheduler {
  /** `scheduler: {dynamic_tasks_enabled: true}`: the main loop reloads tasks from the database. */
  dynamic: boolean
  /** Recurring tasks with a `schedule` in config/recurring.yml. */
  tasks: number
  where: Source
}

export interface SolidQueuePlan {
  configFile?: string
  /** The database entry Solid Queue's records use ("queue" in Rails 8), undefined for the primary. */
  database?: string
  diagnostics: Diagnostic[]
  dispatchers: SolidQueueDispatcher[]
  mode: Sourced<string>
  /** The scheduler process, when recurring tasks (or dynamic ones) start it. */
  scheduler?: SolidQueueScheduler
  workers: SolidQueueWorker[]
}

/** The Rails env's section of a Solid Queue YAML file, or the whole file. */
function section(doc: YamlErb, env: string): {path: string[]; value: Hash | undefined} {
  const root = hashOf(doc.yaml.value)
  const inEnv = root && hashOf(root[env])
  return inEnv ? {path: [env], value: inEnv} : {path: [], value: root}
}

interface ProcessesConfig {
  dispatchers: SolidQueueDispatcher[]
  dynamic: boolean
  workers: SolidQueueWorker[]
}

function workersOf(doc: YamlErb | undefined, env: string, diagnostics: Diagnostic[], legacy = false): ProcessesConfig | undefined {
  if (!doc) return undefined
  const {path, value} = section(doc, env)
  // configuration.rb `config.slice(:workers, :dispatchers, :scheduler)`: with none of the three, the defaults.
  if (!value || !['workers', 'dispatchers', 'scheduler'].some((k) => value[k] !== undefined)) return undefined
  const list = (key: string): Hash[] => (Array.isArray(value[key]) ? (value[key] as unknown[]).map((x) => hashOf(x) ?? {}) : [])
  const at = (key: string, i: number) => [...path, key, i]
  return {
    dispatchers: list('dispatchers').map((d, i) => {
      const where = fromFile(doc.file, doc.yaml.lineOf(at('dispatchers', i)) ?? 1)
      const off = d.concurrency_maintenance === false
      // v0.8.2 configuration.rb `parse_recurring_tasks(dispatcher_options[:recurring_tasks])`: the valid ones (with a schedule).
      const recurring = legacy ? Object.values(hashOf(d.recurring_tasks) ?? {}).filter((t) => hashOf(t)?.schedule !== undefined).length : 0
      return {
        maintenance: off ? sourced(false, fromFile(doc.file, doc.yaml.lineOf([...at('dispatchers', i), 'concurrency_maintenance']) ?? 1)) : sourced(true, fromDefault('Solid Queue dispatcher concurrency_maintenance: true', legacy ? LEGACY_CONFIGURATION : CONFIGURATION), [where]),
        ...(recurring > 0 ? {recurring} : {}),
        where,
      }
    }),
    dynamic: hashOf(value.scheduler)?.dynamic_tasks_enabled === true,
    workers: list('workers').map((w, i) => {
      const line = doc.yaml.lineOf(at('workers', i)) ?? 1
      const setting = (key: string, fallback: number, what: string): Sourced<number> => {
        const found = w[key] === undefined ? {diagnostics: []} : yamlCandidate(doc, [...at('workers', i), key], w[key], what)
        // Solid Queue would not start a worker with negative threads or processes.
        const valid = found.value && found.value.value < 0
          ? {diagnostics: [{code: 'unknown-config-value', file: doc.file, line: doc.yaml.lineOf([...at('workers', i), key]), message: `${what} cannot be ${found.value.value}`, severity: 'warning' as const}]}
          : found
        const r = firstOf([valid], sourced(fallback, fromDefault(`Solid Queue default worker ${key}`, CONFIGURATION), [fromFile(doc.file, line)]))
        append(diagnostics, r.diagnostics)
        return r.value
      }

      return {processes: setting('processes', 1, 'Solid Queue worker processes'), threads: setting('threads', 3, 'Solid Queue worker threads')}
    }),
  }
}

async function readYaml(ctx: AnalyzerContext, path: string, explicit: {source: Source; written: string} | undefined, diagnostics: Diagnostic[]): Promise<YamlErb | undefined> {
  const file = ctx.files.read(path)
  if (!file) {
    if (explicit) {
      diagnostics.push({
        code: 'missing-config',
        file: path,
        message: `${path} (from ${explicit.written}) does not exist; Solid Queue falls back to its default configuration`,
        severity: 'warning',
      })
    }

    return undefined
  }

  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env, processors: processorsFor(ctx)}, ctx.files)
  append(diagnostics, doc.diagnostics)
  return doc
}

/** A path from a flag, else an env var, else the default. */
function pathSetting(ctx: AnalyzerContext, argv: readonly string[], flags: string[], envName: string, fallback: string) {
  const flag = findFlag(argv, flags)
  if (flag) return {explicit: {source: fromFlag(flag.written), written: `\`${flag.written}\``}, path: appPath(flag.value)}
  const e = ctx.env.get(envName)
  if (e && e.value !== '') return {explicit: {source: e.source, written: describeSourced({source: e.source, value: e.value})}, path: appPath(e.value)}
  return {explicit: undefined, path: fallback}
}

const truthyEnv = (v: string | undefined): boolean => v !== undefined && ['1', 'on', 't', 'true', 'y', 'yes'].includes(v.toLowerCase())

/** `config.solid_queue.connects_to` as read: the writing database it names, or why it cannot be read. */
export interface QueueConnectsTo {
  file: string
  line: number
  /** The writing database, when read and not under an undecided `if`. */
  name?: string
}

/** `config.solid_queue.connects_to = {database: {writing: :queue}}` (Rails 8's production.rb), if the app sets it. */
export async function queueConnectsTo(ctx: AnalyzerContext): Promise<QueueConnectsTo | undefined> {
  const rails = await railsSettings(ctx, 'solid_queue', ['config/initializers/solid_queue.rb'])
  const s = rails.settings.get('connects_to')
  if (!s) return undefined
  const v = s.value
  const database = v.kind === 'known' && isHash(v.value) ? v.value.hash.database : undefined
  const writing = database !== undefined && typeof database === 'object' && database !== null && isHash(database) ? database.hash.writing : database
  const name = writing !== undefined && writing !== null && typeof writing === 'object' && isSymbol(writing) ? writing.symbol : typeof writing === 'string' ? writing : undefined
  return {file: s.file, line: s.line, ...(name && !s.conditional ? {name} : {})}
}

/** The entry name of SolidQueue::Record's own pool on the primary's config. */
export const queueRecordEntry = (primary: string): string => `${primary} (SolidQueue::Record)`

/**
 * Does a Solid engine's `database`/`writing` name the primary's config? By the entry's name (`:primary`), or by the
 * environment's (`:production`, not an entry of it), which DatabaseConfigurations#find_db_config resolves to the
 * environment's first config (`for_current_env? && (env_name == env || name == env)`).
 */
export const namesPrimary = (name: string, appEnv: string, yml: {otherServerPools: Array<{database: string}>; pools: Array<{database: string}>; primary: string}): boolean =>
  name === yml.primary || (name === appEnv && ![...yml.pools, ...yml.otherServerPools].some((e) => e.database === name))

/** Which database Solid Queue's records use: `config.solid_queue.connects_to = {database: {writing: :queue}}` (Rails 8's production.rb). */
async function queueDatabase(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<string | undefined> {
  const s = await queueConnectsTo(ctx)
  if (!s) return undefined
  if (s.name) {
    if (!ctx.files.read(DATABASE_YML)) return s.name
    // `writing: :primary` (or the environment's own name): SolidQueue::Record's pool of its own on the primary's config,
    // an entry beside ActiveRecord::Base's (solid-idle.ts solidQueueOnPrimary).
    const yml = await analyzeDatabaseYml(ctx)
    return namesPrimary(s.name, ctx.appEnv, yml) ? queueRecordEntry(yml.primary) : s.name
  }

  diagnostics.push({
    code: 'unknown-config-value',
    file: s.file,
    line: s.line,
    message: `cannot read which database \`config.solid_queue.connects_to\` names at ${s.file}:${s.line}; counting Solid Queue on the "queue" database, as Rails 8 generates it`,
    severity: 'warning',
  })
  return 'queue'
}

/** Solid Queue's processes for this app, read from the command line, env and config files. */
export async function solidQueuePlan(ctx: AnalyzerContext, argv: readonly string[] = []): Promise<SolidQueuePlan> {
  const diagnostics: Diagnostic[] = []
  // Before 0.9.0 `rake solid_queue:start` (and 0.8's bin/jobs) call Supervisor.start: no command-line options.
  const legacy = isLegacy(ctx.versions.solid_queue)
  const options = legacy ? [] : argv
  const ref = legacy ? LEGACY_CONFIGURATION : CONFIGURATION
  const config = pathSetting(ctx, options, ['-c', '--config_file', '--config-file'], 'SOLID_QUEUE_CONFIG', legacy ? 'config/solid_queue.yml' : 'config/queue.yml')
  const doc = await readYaml(ctx, config.path, config.explicit, diagnostics)
  const read = workersOf(doc, ctx.appEnv, diagnostics, legacy)
  const fallback = doc ? fromFile(doc.file, 1) : fromDefault(`no ${config.path}`, ref)
  const defaults = (what: string) => sourced(what === 'threads' ? 3 : 1, fromDefault(`Solid Queue default worker ${what}`, ref), [fallback])
  const workOnly = hasFlag(options, ['--work_only', '--work-only'])
  const workers = read?.workers ?? [{processes: defaults('processes'), threads: defaults('threads')}]
  const defaultDispatcher = {maintenance: sourced(true, fromDefault('Solid Queue dispatcher concurrency_maintenance: true', ref)), where: fromDefault('Solid Queue default dispatcher', ref)}
  const dispatchers = workOnly ? [] : (read?.dispatchers ?? [defaultDispatcher])

  let scheduler: SolidQueueScheduler | undefined
  // Before 0.9.0 the dispatchers run the recurring tasks (above): no scheduler, no config/recurring.yml.
  const skip = legacy || workOnly || hasFlag(options, ['--skip_recurring', '--skip-recurring']) || truthyEnv(ctx.env.get('SOLID_QUEUE_SKIP_RECURRING')?.value)
  if (!skip) {
    const recurring = pathSetting(ctx, argv, ['--recurring_schedule_file', '--recurring-schedule-file'], 'SOLID_QUEUE_RECURRING_SCHEDULE', 'config/recurring.yml')
    const rdoc = await readYaml(ctx, recurring.path, recurring.explicit, diagnostics)
    const dynamic = read?.dynamic ?? false
    if (rdoc) {
      const {path, value} = section(rdoc, ctx.appEnv)
      // configuration.rb `recurring_tasks`: the entries with a `schedule`.
      const tasks = Object.entries(value ?? {}).filter(([, t]) => hashOf(t)?.schedule !== undefined)
      if (tasks.length > 0 || dynamic) scheduler = {dynamic, tasks: tasks.length, where: tasks[0] ? fromFile(rdoc.file, rdoc.yaml.lineOf([...path, tasks[0][0]]) ?? 1) : fromFile(doc?.file ?? config.path, 1)}
    } else if (dynamic) {
      scheduler = {dynamic, tasks: 0, where: fromFile(doc?.file ?? config.path, 1)}
    }
  }

  // cli.rb `class_option :mode` (bin/jobs --mode async, v1.3.0+) beats SOLID_QUEUE_SUPERVISOR_MODE (configuration.rb default_options).
  const modeFlag = findFlag(options, ['--mode'])
  const modeEnv = legacy ? undefined : ctx.env.get('SOLID_QUEUE_SUPERVISOR_MODE')
  const mode = modeFlag
    ? sourced(modeFlag.value, fromFlag(modeFlag.written))
    : modeEnv && modeEnv.value !== ''
      ? sourced(modeEnv.value, modeEnv.source)
      : legacy
        ? sourced('fork', fromDefault(`Solid Queue ${ctx.versions.solid_queue}: \`rake solid_queue:start\` forks its processes (Supervisor.start)`, LEGACY_AT('tasks.rb')))
        : sourced('fork', fromDefault('Solid Queue supervisor mode fork', CONFIGURATION))
  const database = await queueDatabase(ctx, diagnostics)
  return {configFile: doc?.file, ...(database ? {database} : {}), diagnostics, dispatchers, mode, ...(scheduler ? {scheduler} : {}), workers}
}

/** One process beside the workers and the connections its threads check out (see the top of this file). */
interface SideProcess {
  connections: number
  kind: string
  reason: string
  source: Source
  via: Source[]
}

function sideProcesses(plan: SolidQueuePlan, supervisor: boolean): SideProcess[] {
  const out: SideProcess[] = plan.dispatchers.map((d) => {
    const maintenance = d.maintenance.value ? 1 : 0
    const recurring = d.recurring ?? 0
    const tasks = recurring > 0 ? `, ${recurring} recurring task${recurring === 1 ? '' : 's'} that can come due at once` : ''
    return {
      connections: 1 + HEARTBEAT + maintenance + recurring,
      kind: 'solid-queue-dispatcher',
      reason: `Solid Queue dispatcher (polling, heartbeat${maintenance ? ', concurrency maintenance' : ''}${tasks})`,
      source: recurring > 0
        ? fromDefault(`a Solid Queue dispatcher before 0.9: its polling loop, heartbeat${maintenance ? ', concurrency maintenance' : ''} and each of its recurring tasks as it comes due (a Concurrent::ScheduledTask) check out a connection`, LEGACY_AT('dispatcher/recurring_schedule.rb'))
        : fromDefault(`a Solid Queue dispatcher: its polling loop, heartbeat${maintenance ? ' and concurrency maintenance' : ''} threads each check out a connection`, AT('dispatcher.rb')),
      via: [d.where, ...(maintenance ? [] : [d.maintenance.source])],
    }
  })
  if (plan.scheduler) {
    const {dynamic, tasks} = plan.scheduler
    out.push({
      connections: HEARTBEAT + tasks + (dynamic ? 1 : 0),
      kind: 'solid-queue-scheduler',
      reason: `Solid Queue scheduler (heartbeat, ${tasks} recurring task${tasks === 1 ? '' : 's'} that can come due at once${dynamic ? ', dynamic task reloads' : ''})`,
      source: fromDefault('the Solid Queue scheduler: its heartbeat and each recurring task as it comes due (a Concurrent::ScheduledTask) check out a connection', AT('scheduler/recurring_schedule.rb')),
      via: [plan.scheduler.where],
    })
  }

  if (supervisor) {
    out.push({
      connections: HEARTBEAT + 1,
      kind: 'solid-queue-supervisor',
      reason: 'Solid Queue supervisor (heartbeat, pruning dead processes; one more while it replaces a crashed one)',
      source: fromDefault('the Solid Queue supervisor: its heartbeat and maintenance (prune) threads check out a connection', AT('supervisor/maintenance.rb')),
      via: [plan.mode.source],
    })
  }

  return out
}

/** A separate process: its own pools cap what it checks out (Extra.demand). */
const asProcess = (plan: SolidQueuePlan, x: SideProcess, via: Source[] = []): Extra => ({
  ...(plan.database ? {database: plan.database} : {}),
  count: sourced(x.connections, x.source, [...via, ...x.via]),
  demand: {own: x.connections, processes: 1, threads: 0},
  kind: x.kind,
  reason: x.reason,
})

/** Worker processes beside the type's own: job threads on every pool, polling and heartbeat on Solid Queue's. */
function workerGroup(plan: SolidQueuePlan, w: SolidQueueWorker, name: string, kind: string, via: Source[]): Extra {
  return {
    ...(plan.database ? {database: plan.database} : {}),
    count: sourced(w.processes.value * (w.threads.value + WORKER_EXTRA), fromDefault('Solid Queue: threads + 2 per worker process (polling, heartbeat)', CONFIGURATION), [...via, w.processes.source, w.threads.source]),
    demand: {own: WORKER_EXTRA, processes: w.processes.value, threads: w.threads.value},
    kind,
    reason: `${name}: ${w.processes.value} process${w.processes.value === 1 ? '' : 'es'} of ${w.threads.value} threads + ${WORKER_EXTRA}`,
  }
}

const workerExtra = (plan: SolidQueuePlan, count: number, where: Source[]): Extra => ({
  ...(plan.database ? {database: plan.database} : {}),
  count: sourced(count, fromDefault('Solid Queue: 2 connections per worker on top of its threads (polling, heartbeat)', CONFIGURATION), where),
  inPool: true,
  kind: 'solid-queue-worker',
  reason: 'Solid Queue worker polling and heartbeat',
})

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

function isSolidQueueCommand(argv: readonly string[]): boolean {
  const [cmd, task] = argv
  if (cmd === 'bin/jobs' || cmd === './bin/jobs') return task === undefined || task === 'start' || task.startsWith('-')
  return ['rails', 'rake'].includes(programName(cmd)) && argv.slice(1).includes('solid_queue:start')
}

export const solidQueue: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const plan = await solidQueuePlan(ctx, ctx.command.argv)
    const version = ctx.versions.solid_queue
    const {workers} = plan
    const threads = workers.map((w) => w.threads)
    const base = {
      diagnostics: plan.diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      server: 'solid_queue',
      ...(version ? {versions: {solid_queue: version}} : {}),
    }
    const sides = sideProcesses(plan, true)
    if (workers.length === 0) {
      // Only dispatchers configured: no worker processes at all.
      const none = sourced(0, fromFile(plan.configFile ?? 'config/queue.yml', 1), [assumed('the config lists dispatchers but no workers')])
      return {...base, extrasPerDyno: sides.map((x) => asProcess(plan, x)), processesPerDyno: none, threadsPerProcess: none}
    }

    if (plan.mode.value === 'async') {
      // configuration.rb `workers`: async mode starts one worker per entry, whatever its `processes`;
      // every worker, the dispatchers, the scheduler and the supervisor are threads of this one process.
      const all = sum(threads.map((t) => t.value))
      return {
        ...base,
        extrasPerProcess: [workerExtra(plan, WORKER_EXTRA * workers.length, [plan.mode.source]), ...sides.map((x) => ({...asProcess(plan, x), demand: undefined, inPool: true}))],
        processesPerDyno: sourced(1, plan.mode.source, [fromDefault('Solid Queue async mode: the supervisor runs the workers, dispatchers and scheduler as threads of its own process (AsyncSupervisor)', AT('supervisor.rb'))]),
        threadsPerProcess: workers.length === 1 ? threads[0] : sourced(all, assumed(`Σ threads of the ${workers.length} workers (${threads.map((t) => t.value).join(' + ')})`), threads.map((t) => t.source)),
      }
    }

    if (new Set(threads.map((t) => t.value)).size === 1) {
      // Every worker process alike: the type's processes are all of them.
      const processes = workers.length === 1 ? workers[0].processes : sourced(sum(workers.map((w) => w.processes.value)), assumed(`Σ processes of the ${workers.length} workers`), workers.map((w) => w.processes.source))
      return {...base, extrasPerDyno: sides.map((x) => asProcess(plan, x)), extrasPerProcess: [workerExtra(plan, WORKER_EXTRA, [])], processesPerDyno: processes, threadsPerProcess: threads[0]}
    }

    // Workers that differ in threads: the type's processes are the entry with the most threads
    // (the one a pool must hold first); each other entry counts its own processes × threads.
    const main = workers.reduce((a, b) => (b.threads.value > a.threads.value ? b : a))
    const others = workers.flatMap((w, i) => (w === main ? [] : [workerGroup(plan, w, `Solid Queue worker #${i + 1}`, 'solid-queue-worker-group', [])]))
    return {
      ...base,
      extrasPerDyno: [...others, ...sides.map((x) => asProcess(plan, x))],
      extrasPerProcess: [workerExtra(plan, WORKER_EXTRA, [])],
      processesPerDyno: main.processes,
      threadsPerProcess: main.threads,
    }
  },
  id: 'solid_queue',
  matches(cmd: ParsedCommand, ctx: AnalyzerContext): boolean {
    if (!isSolidQueueCommand(cmd.argv)) return false
    // `bin/jobs` is Solid Queue's binstub (Rails 8's generator) only in a bundle that has the gem: an app's
    // own bin/jobs in a Gemfile.lock without solid_queue is read as the Ruby script it is. With no Rails bundle
    // read (no Gemfile.lock: a Dockerfile's base image, say) the bundle is unknown: the binstub, as Rails 8 writes it.
    if (ctx.versions.solid_queue !== undefined) return true
    return !['rack', 'rails', 'railties', 'activerecord'].some((gem) => ctx.versions[gem] !== undefined)
  },
}

/**
 * `plugin :solid_queue` in config/puma.rb (Rails 8 writes it
 * `if ENV["SOLID_QUEUE_IN_PUMA"]`), lib/puma/plugin/solid_queue.rb at v1.5.0:
 * - fork (the default): after boot the Puma master forks a supervisor
 *   (`start_solid_queue(mode: :fork)`), which forks the workers, dispatchers and
 *   scheduler — separate processes, each with its own pools, once per web dyno;
 * - `solid_queue_mode :async`: `start_solid_queue(mode: :async, standalone:
 *   false)` runs the supervisor in the Puma master itself, and every worker,
 *   dispatcher and the scheduler as threads of it (one worker per entry: its
 *   `processes` is ignored) — one process's pools, once per web dyno. In single
 *   mode that process also serves the requests, so they share its pool.
 */
async function inPumaAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const facts = pumaFacts(server.facts)
  const plugin = facts?.plugins.find((p) => p.name === 'solid_queue')
  if (server.server !== 'puma' || !plugin) return {diagnostics: []}
  const mode = facts?.solidQueueMode
  const async = mode?.mode === 'async'
  const read = await solidQueuePlan(ctx)
  // The plugin's mode is solid_queue_mode's, not SOLID_QUEUE_SUPERVISOR_MODE.
  const plan = mode ? {...read, mode: sourced(mode.mode, fromFile(mode.file, mode.line))} : read
  const where = fromFile(plugin.file, plugin.line)
  const via = plugin.conditional ? [where, assumed(`${plugin.file}:${plugin.line} is inside a condition conncalc cannot decide; counted as if it runs`)] : [where]
  const modeVia = mode ? [fromFile(mode.file, mode.line)] : []
  const version = ctx.versions.solid_queue
  const diagnostics = plan.diagnostics.map((d) => ({...d, processType: ctx.processType}))
  const versions = version ? {versions: {solid_queue: version}} : {}
  const sides = sideProcesses(plan, true)
  if (async) {
    const threads = sum(plan.workers.map((w) => w.threads.value))
    const own = WORKER_EXTRA * plan.workers.length + sum(sides.map((x) => x.connections))
    const parts = [...plan.workers.map((w) => `${w.threads.value} + ${WORKER_EXTRA}`), ...sides.map((x) => String(x.connections))].join(' + ')
    const reason = `Solid Queue in Puma (solid_queue_mode :async: the supervisor, ${plan.workers.length} worker${plan.workers.length === 1 ? '' : 's'}${plan.dispatchers.length > 0 ? ', dispatcher' : ''}${plan.scheduler ? ', scheduler' : ''} as threads of the Puma ${server.fork?.forks.value ? 'master' : 'process'}: ${parts})`
    const count = sourced(threads + own, fromDefault('Solid Queue async mode: one worker per entry (threads + 2) and the other processes as threads of one process', 'https://github.com/rails/solid_queue/blob/v1.5.0/lib/puma/plugin/solid_queue.rb'), [...via, ...modeVia, ...plan.workers.map((w) => w.threads.source)])
    const base = {...(plan.database ? {database: plan.database} : {}), count, kind: 'solid-queue-in-puma', reason}
    // Cluster mode: the master serves no requests, so its pools hold only Solid Queue's threads.
    if (server.fork?.forks.value) return {diagnostics, extrasPerDyno: [{...base, demand: {own, processes: 1, threads}}], ...versions}
    // Single mode: they are threads of the one process that serves requests too: the job threads
    // from every pool the requests use, polling, heartbeats and the rest from Solid Queue's.
    const jobs = sourced(threads, count.source, count.via)
    return {
      diagnostics,
      extrasPerProcess: [
        {allPools: true, count: jobs, inPool: true, kind: 'solid-queue-in-puma-jobs', reason: `Solid Queue job threads in the Puma process (solid_queue_mode :async: ${plan.workers.map((w) => w.threads.value).join(' + ')})`},
        {...base, count: sourced(own, count.source, count.via), inPool: true, reason: `Solid Queue in Puma (solid_queue_mode :async: polling and heartbeat of ${plan.workers.length} worker${plan.workers.length === 1 ? '' : 's'}${sides.map((x) => `, ${x.reason.replace(/^Solid Queue /, '')}`).join('')}, as threads of the Puma process: ${[...plan.workers.map(() => WORKER_EXTRA), ...sides.map((x) => x.connections)].join(' + ')})`},
      ],
      ...versions,
    }
  }

  const extras: Extra[] = plan.workers.map((w, i) => workerGroup(plan, w, `Solid Queue worker ${plan.workers.length > 1 ? `#${i + 1} ` : ''}in Puma`, 'solid-queue-in-puma', [...via, ...modeVia]))
  return {diagnostics, extrasPerDyno: [...extras, ...sides.map((x) => ({...asProcess(plan, x, via), reason: `${x.reason} in Puma`}))], ...versions}
}

export const solidQueueInPuma: ProcessAddon = {
  // Not Puma, or Puma without the solid_queue plugin (most types): answered at once, not through an async call's frame per type.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> => (server.server !== 'puma' || !pumaFacts(server.facts)?.plugins.some((p) => p.name === 'solid_queue') ? {diagnostics: []} : inPumaAnalysis(ctx, server)),
  id: 'solid_queue_in_puma',
}
