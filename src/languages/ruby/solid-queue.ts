/**
 * Solid Queue (https://github.com/rails/solid_queue), as its
 * lib/solid_queue/configuration.rb reads config/queue.yml: the section for the
 * Rails env if there is one, else the whole file; `workers` and `dispatchers`
 * lists; with neither, one default worker and one default dispatcher. A worker
 * defaults to 3 threads and 1 process; a scheduler runs when config/recurring.yml
 * has tasks. In the default fork mode a supervisor forks one process per
 * worker `processes`, dispatcher and scheduler; SOLID_QUEUE_SUPERVISOR_MODE=async
 * runs them all as threads of one process.
 *
 * Connections: each worker process uses threads + 2 ("at most threads in each
 * worker + 1 thread for the worker + 1 thread for the heartbeat task",
 * `estimated_number_of_threads`), checked out of Solid Queue's pool, which must
 * hold them. What the dispatcher, scheduler and supervisor hold is UNCONFIRMED
 * (about 1–2 each): they are counted as labelled assumptions.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {assumed, describeSourced, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {readYamlErb, type YamlErb} from './erb.js'
import {isHash, isSymbol} from './evaluate.js'
import {pumaFacts} from './puma.js'
import {railsSettings} from './rails-config.js'
import {appPath, findFlag, firstOf, programName, yamlCandidate} from '../common/setting.js'
import type {AnalyzerContext, ParsedCommand, ProcessAddon, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {hasFlag} from '../common/argv.js'

const CONFIGURATION = 'https://github.com/rails/solid_queue/blob/main/lib/solid_queue/configuration.rb'
const WORKER_EXTRA = 2

type Hash = Record<string, unknown>
const hashOf = (v: unknown): Hash | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Hash) : undefined)

export interface SolidQueueWorker {
  processes: Sourced<number>
  threads: Sourced<number>
}

export interface SolidQueuePlan {
  configFile?: string
  /** The database entry Solid Queue's records use ("queue" in Rails 8), undefined for the primary. */
  database?: string
  diagnostics: Diagnostic[]
  dispatchers: Source[]
  mode: Sourced<string>
  /** Where the recurring tasks that start a scheduler are. */
  scheduler?: Source
  workers: SolidQueueWorker[]
}

/** The Rails env's section of a Solid Queue YAML file, or the whole file. */
function section(doc: YamlErb, env: string): {path: string[]; value: Hash | undefined} {
  const root = hashOf(doc.yaml.value)
  const inEnv = root && hashOf(root[env])
  return inEnv ? {path: [env], value: inEnv} : {path: [], value: root}
}

function workersOf(doc: YamlErb | undefined, env: string, diagnostics: Diagnostic[]): {dispatchers: Source[]; workers: SolidQueueWorker[]} | undefined {
  if (!doc) return undefined
  const {path, value} = section(doc, env)
  const list = (key: string): Hash[] => (Array.isArray(value?.[key]) ? (value[key] as unknown[]).map((x) => hashOf(x) ?? {}) : [])
  const workers = list('workers')
  const dispatchers = list('dispatchers')
  if (workers.length === 0 && dispatchers.length === 0) return undefined
  return {
    dispatchers: dispatchers.map((_, i) => fromFile(doc.file, doc.yaml.lineOf([...path, 'dispatchers', i]) ?? 1)),
    workers: workers.map((w, i) => {
      const at = [...path, 'workers', i]
      const line = doc.yaml.lineOf(at) ?? 1
      const setting = (key: string, fallback: number, what: string): Sourced<number> => {
        const found = w[key] === undefined ? {diagnostics: []} : yamlCandidate(doc, [...at, key], w[key], what)
        // Solid Queue would not start a worker with negative threads or processes.
        const valid = found.value && found.value.value < 0
          ? {diagnostics: [{code: 'unknown-config-value', file: doc.file, line: doc.yaml.lineOf([...at, key]), message: `${what} cannot be ${found.value.value}`, severity: 'warning' as const}]}
          : found
        const r = firstOf([valid], sourced(fallback, fromDefault(`Solid Queue default worker ${key}`, CONFIGURATION), [fromFile(doc.file, line)]))
        diagnostics.push(...r.diagnostics)
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

  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env})
  diagnostics.push(...doc.diagnostics)
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

/** Which database Solid Queue's records use: `config.solid_queue.connects_to = {database: {writing: :queue}}` (Rails 8's production.rb). */
async function queueDatabase(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<string | undefined> {
  const rails = await railsSettings(ctx, 'solid_queue', ['config/initializers/solid_queue.rb'])
  const s = rails.settings.get('connects_to')
  if (!s) return undefined
  const v = s.value
  const database = v.kind === 'known' && isHash(v.value) ? v.value.hash.database : undefined
  const writing = database !== undefined && typeof database === 'object' && database !== null && isHash(database) ? database.hash.writing : database
  const name = writing !== undefined && writing !== null && typeof writing === 'object' && isSymbol(writing) ? writing.symbol : typeof writing === 'string' ? writing : undefined
  if (name && !s.conditional) return name
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
  const config = pathSetting(ctx, argv, ['-c', '--config_file', '--config-file'], 'SOLID_QUEUE_CONFIG', 'config/queue.yml')
  const doc = await readYaml(ctx, config.path, config.explicit, diagnostics)
  const read = workersOf(doc, ctx.appEnv, diagnostics)
  const fallback = doc ? fromFile(doc.file, 1) : fromDefault(`no ${config.path}`, CONFIGURATION)
  const defaults = (what: string) => sourced(what === 'threads' ? 3 : 1, fromDefault(`Solid Queue default worker ${what}`, CONFIGURATION), [fallback])
  const workOnly = hasFlag(argv, ['--work_only', '--work-only'])
  const workers = read?.workers ?? [{processes: defaults('processes'), threads: defaults('threads')}]
  const dispatchers = workOnly ? [] : (read?.dispatchers ?? [fromDefault('Solid Queue default dispatcher', CONFIGURATION)])

  let scheduler: Source | undefined
  const skip = workOnly || hasFlag(argv, ['--skip_recurring', '--skip-recurring']) || truthyEnv(ctx.env.get('SOLID_QUEUE_SKIP_RECURRING')?.value)
  if (!skip) {
    const recurring = pathSetting(ctx, argv, ['--recurring_schedule_file', '--recurring-schedule-file'], 'SOLID_QUEUE_RECURRING_SCHEDULE', 'config/recurring.yml')
    const rdoc = await readYaml(ctx, recurring.path, recurring.explicit, diagnostics)
    if (rdoc) {
      const {path, value} = section(rdoc, ctx.appEnv)
      const task = Object.entries(value ?? {}).find(([, t]) => hashOf(t)?.schedule !== undefined)
      if (task) scheduler = fromFile(rdoc.file, rdoc.yaml.lineOf([...path, task[0]]) ?? 1)
    }
  }

  const modeEnv = ctx.env.get('SOLID_QUEUE_SUPERVISOR_MODE')
  const mode = modeEnv && modeEnv.value !== '' ? sourced(modeEnv.value, modeEnv.source) : sourced('fork', fromDefault('Solid Queue supervisor mode fork', CONFIGURATION))
  const database = await queueDatabase(ctx, diagnostics)
  return {configFile: doc?.file, ...(database ? {database} : {}), diagnostics, dispatchers, mode, ...(scheduler ? {scheduler} : {}), workers}
}

/** The processes beside the workers: dispatchers, the scheduler and the supervisor (UNCONFIRMED counts). */
function sideProcesses(plan: SolidQueuePlan, supervisor: boolean): Extra[] {
  const db = plan.database ? {database: plan.database} : {}
  const out: Extra[] = plan.dispatchers.map((where) => ({
    ...db,
    count: sourced(2, assumed('a Solid Queue dispatcher polls and runs concurrency maintenance: about 2 connections (UNCONFIRMED)'), [where]),
    kind: 'solid-queue-dispatcher',
    reason: 'Solid Queue dispatcher',
  }))
  if (plan.scheduler) {
    out.push({
      ...db,
      count: sourced(2, assumed('the Solid Queue scheduler enqueues recurring tasks and beats its heartbeat: about 2 connections (UNCONFIRMED)'), [plan.scheduler]),
      kind: 'solid-queue-scheduler',
      reason: 'Solid Queue scheduler (recurring tasks)',
    })
  }

  if (supervisor) {
    out.push({
      ...db,
      count: sourced(1, assumed('the Solid Queue supervisor registers itself and beats its heartbeat: about 1 connection (UNCONFIRMED)'), [plan.mode.source]),
      kind: 'solid-queue-supervisor',
      reason: 'Solid Queue supervisor',
    })
  }

  return out
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
    if (workers.length === 0) {
      // Only dispatchers configured: no worker processes at all.
      const none = sourced(0, fromFile(plan.configFile ?? 'config/queue.yml', 1), [assumed('the config lists dispatchers but no workers')])
      return {...base, extrasPerDyno: sideProcesses(plan, true), processesPerDyno: none, threadsPerProcess: none}
    }

    const maxThreads = threads.reduce((a, b) => (b.value > a.value ? b : a))

    if (plan.mode.value === 'async') {
      // One process: every worker's threads and every side process share one pool.
      const all = sum(threads.map((t) => t.value))
      return {
        ...base,
        extrasPerProcess: [workerExtra(plan, WORKER_EXTRA * workers.length, [plan.mode.source]), ...sideProcesses(plan, true).map((x) => ({...x, inPool: true}))],
        processesPerDyno: sourced(1, plan.mode.source, [assumed('async mode runs the supervisor, workers and dispatchers as threads of one process')]),
        threadsPerProcess: workers.length === 1 ? threads[0] : sourced(all, assumed(`Σ threads of the ${workers.length} workers (${threads.map((t) => t.value).join(' + ')})`), threads.map((t) => t.source)),
      }
    }

    const processes = workers.length === 1 ? workers[0].processes : sourced(sum(workers.map((w) => w.processes.value)), assumed(`Σ processes of the ${workers.length} workers`), workers.map((w) => w.processes.source))
    const uneven = new Set(threads.map((t) => t.value)).size > 1
    return {
      ...base,
      extrasPerDyno: sideProcesses(plan, true),
      extrasPerProcess: [workerExtra(plan, WORKER_EXTRA, [])],
      processesPerDyno: processes,
      threadsPerProcess: uneven
        ? {...maxThreads, via: [...(maxThreads.via ?? []), assumed(`workers differ in threads (${threads.map((t) => t.value).join(', ')}); every worker process counted at the largest`)]}
        : maxThreads,
    }
  },
  id: 'solid_queue',
  matches(cmd: ParsedCommand): boolean {
    return isSolidQueueCommand(cmd.argv)
  },
}

/**
 * `plugin :solid_queue` in config/puma.rb (Rails 8 writes it
 * `if ENV["SOLID_QUEUE_IN_PUMA"]`): the Puma master forks a Solid Queue
 * supervisor (lib/puma/plugin/solid_queue.rb), so every web dyno also runs the
 * workers, dispatchers and scheduler. Counted per dyno at threads + 2 per worker process.
 * With `solid_queue_mode :async` the plugin starts an AsyncSupervisor in the
 * Puma process instead: every worker is threads of that one process, so a
 * worker's `processes` is ignored (the README: "async mode ignores worker processes").
 */
export const solidQueueInPuma: ProcessAddon = {
  async analyze(ctx: AnalyzerContext, server: ServerAnalysis) {
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
    const extras: Extra[] = plan.workers.map((w, i) => {
      const name = `Solid Queue worker ${plan.workers.length > 1 ? `#${i + 1} ` : ''}in Puma`
      return {
        ...(plan.database ? {database: plan.database} : {}),
        count: async
          ? sourced(w.threads.value + WORKER_EXTRA, fromDefault('Solid Queue async mode: a worker is threads + 2 in the Puma process; its processes setting is ignored', CONFIGURATION), [...via, ...modeVia, w.threads.source])
          : sourced(w.processes.value * (w.threads.value + WORKER_EXTRA), fromDefault('Solid Queue: threads + 2 per worker process', CONFIGURATION), [...via, ...modeVia, w.processes.source, w.threads.source]),
        kind: 'solid-queue-in-puma',
        reason: async
          ? `${name} (solid_queue_mode :async, threads of the Puma process): ${w.threads.value} threads + ${WORKER_EXTRA}`
          : `${name}: ${w.processes.value} process × (${w.threads.value} threads + ${WORKER_EXTRA})`,
      }
    })
    const version = ctx.versions.solid_queue
    return {
      diagnostics: plan.diagnostics.map((d) => ({...d, processType: ctx.processType})),
      extrasPerDyno: [...extras, ...sideProcesses(plan, true).map((x) => ({...x, count: {...x.count, via: [...via, ...(x.count.via ?? [])]}, reason: `${x.reason} in Puma${async ? ' (async: a thread of the Puma process)' : ''}`}))],
      ...(version ? {versions: {solid_queue: version}} : {}),
    }
  },
  id: 'solid_queue_in_puma',
}
