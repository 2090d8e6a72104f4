import type {Budget, DeployMoment, ProcessBudget, Status} from './budget/budget.js'
import type {JsonPlanLive} from './live/compare.js'
import type {Diagnostic} from './model/diagnostic.js'
import type {AppModel, Extra, ForkFacts, ProcessModel} from './model/process.js'
import type {Plan} from './plans/table.js'
import type {SuggestionSet} from './suggest/suggest.js'

import {computeBudget, type BudgetOptions, extraOnServer} from './budget/budget.js'
import {dedupeDiagnostics, sortDiagnostics} from './model/diagnostic.js'
import {type Sourced} from './model/source.js'
import {type JsonPgBouncer, type JsonServerPooling, pgbouncerJson, serverPoolingJson} from './report-poolers.js'
import {runRules} from './rules/index.js'

export interface PlanInfo {
  confidence: Plan['confidence']
  limit: number
  name: string
  note?: string
  source: string
  table: string
  tier: string
}

/** Budget + diagnostics: what every renderer and exit code is computed from. */
export interface Report {
  app: AppModel
  budget: Budget
  diagnostics: Diagnostic[]
  /**
   * Where diagnostics' files are: relative to `root` (the app root, or the config
   * file's folder for several apps; relative to the working directory), except
   * the env files in `cwd`, given relative to the working directory.
   */
  files?: {cwd: string[]; root: string}
  plan: null | PlanInfo
  /** Without a plan or limit: the smallest plan that fits the deploy peak. */
  smallestFittingPlan: null | PlanInfo
  /** `--suggest`: what would make it fit. */
  suggestions?: SuggestionSet
}

export function buildReport(
  app: AppModel,
  options: BudgetOptions & {plan: null | PlanInfo; smallestFittingPlan?: (total: number) => null | PlanInfo},
): Report {
  const budget = computeBudget(app, options)
  const diagnostics = sortDiagnostics(dedupeDiagnostics([...app.diagnostics, ...runRules({app, budget, plan: options.plan})]))
  return {
    app,
    budget,
    diagnostics,
    plan: options.plan,
    smallestFittingPlan: options.limit === null ? (options.smallestFittingPlan?.(budget.deployPeak) ?? null) : null,
  }
}

export type FailOn = 'error' | 'warning'

/** DESIGN.md exit codes: 1 when it does not fit or a diagnostic at/above --fail-on; else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): 0 | 1 {
  if (report.budget.status === 'over') return 1
  const failing = failOn === 'warning' ? ['error', 'warning'] : ['error']
  return report.diagnostics.some((d) => failing.includes(d.severity)) ? 1 : 0
}

// ---- JSON: field names are a contract (README "JSON report") ----

export interface JsonProcessType {
  /** The app, when the config file lists several apps sharing the database; else null. */
  app: null | string
  ceiling: number
  command: string
  connections: number
  connectionsPerDyno: number
  connectionsPerProcess: number
  counted: boolean
  databases: string[]
  /** True when a second set of these dynos runs during a deploy (preboot). */
  deployOverlap: boolean
  dynoRange: null | {max: number; min: number}
  dynos: number
  extraPerDyno: number
  extraPerProcess: number
  extras: JsonExtra[]
  fork: ForkFacts | null
  maxDynos: null | number
  name: string
  /** Database entries on other servers: reported, not added in. */
  otherServerPools: {database: string; pool: number; server: string; source: Sourced<number>}[]
  /** The PgBouncer buildpack in this type's dynos; null without it. */
  pgbouncer: JsonPgBouncer | null
  poolPerProcess: null | number
  /** Connects through Heroku's server-side pool (counted in serverPooling, not directly). */
  pooled: boolean
  processesPerDyno: number
  role: string
  server: string
  size: null | string
  sources: Record<string, Sourced<unknown>>
  threadsPerProcess: number
  /** Gem/package versions that decided defaults (Gemfile.lock). */
  versions: Record<string, string>
}

export interface JsonExtra {
  count: number
  /** False when the extra's database is on another server: shown, not added in. */
  counted: boolean
  database: null | string
  inPool: boolean
  kind: null | string
  per: 'dyno' | 'process'
  reason: string
  source: Sourced<number>
}

export interface JsonReport {
  ceiling: number
  /** The moments of a deploy (release phase, preboot overlap); deployPeak is the largest. */
  deployMoments: DeployMoment[]
  deployPeak: number
  diagnostics: Diagnostic[]
  limit: null | number
  limitSource: null | Sourced<number>
  /** Only with `plan --live`: the live database beside the budget. */
  live?: JsonPlanLive
  plan: null | PlanInfo
  processTypes: JsonProcessType[]
  reserve: number
  serverPooling: JsonServerPooling | null
  smallestFittingPlan: null | PlanInfo
  status: Status
  /** `--suggest`: what would make it fit, each with its new total; null when not asked. */
  suggestions: null | SuggestionSet
  total: number
  utilization: null | number
  warnAt: number
}

function jsonExtra(x: Extra, per: 'dyno' | 'process', m: ProcessModel): JsonExtra {
  return {
    count: x.count.value,
    counted: extraOnServer(x, m),
    database: x.database ?? null,
    inPool: x.inPool ?? false,
    kind: x.kind ?? null,
    per,
    reason: x.reason,
    source: x.count,
  }
}

function jsonProcess(p: ProcessBudget): JsonProcessType {
  const m = p.model
  const sources: Record<string, Sourced<unknown>> = {
    dynos: m.dynos,
    processesPerDyno: m.processesPerDyno,
    threadsPerProcess: m.threadsPerProcess,
  }
  for (const entry of m.pools) sources[`pool.${entry.database}`] = entry.pool
  if (m.size) sources.size = m.size
  if (m.deployOverlap) sources.deployOverlap = m.deployOverlap
  if (m.serverConnectionsPerDyno) sources.serverConnectionsPerDyno = m.serverConnectionsPerDyno.count
  if (m.serverPooling) sources.pooled = {source: m.serverPooling.via, value: true}
  return {
    app: m.app ?? null,
    ceiling: p.ceiling,
    command: p.command,
    connections: p.connections,
    connectionsPerDyno: p.connectionsPerDyno,
    connectionsPerProcess: p.connectionsPerProcess,
    counted: p.role === 'long-running',
    databases: p.databases,
    deployOverlap: m.deployOverlap?.value ?? false,
    dynoRange: m.dynoRange ?? null,
    dynos: p.dynos,
    extraPerDyno: p.extraPerDyno,
    extraPerProcess: p.extraPerProcess,
    extras: [...m.extrasPerProcess.map((x) => jsonExtra(x, 'process', m)), ...m.extrasPerDyno.map((x) => jsonExtra(x, 'dyno', m))],
    fork: m.fork ?? null,
    maxDynos: p.maxDynos,
    name: p.name,
    otherServerPools: m.otherServerPools.map((e) => ({database: e.database, pool: e.pool.value, server: e.server, source: e.pool})),
    pgbouncer: pgbouncerJson(p),
    poolPerProcess: p.poolPerProcess,
    pooled: Boolean(m.serverPooling),
    processesPerDyno: p.processesPerDyno,
    role: p.role,
    server: p.server,
    size: m.size?.value ?? null,
    sources,
    threadsPerProcess: p.threadsPerProcess,
    versions: m.versions ?? {},
  }
}

export function toJson(report: Report): JsonReport {
  const b = report.budget
  return {
    ceiling: b.ceiling,
    deployMoments: b.deployMoments,
    deployPeak: b.deployPeak,
    diagnostics: report.diagnostics,
    limit: b.limit,
    limitSource: b.limitSource,
    plan: report.plan,
    processTypes: b.processTypes.map((p) => jsonProcess(p)),
    reserve: b.reserve,
    serverPooling: serverPoolingJson(b.serverPooling),
    smallestFittingPlan: report.smallestFittingPlan,
    status: b.status,
    suggestions: report.suggestions ?? null,
    total: b.total,
    utilization: b.utilization === null ? null : Math.round(b.utilization * 10_000) / 10_000,
    warnAt: b.warnAt,
  }
}
