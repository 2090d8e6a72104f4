import type {BudgetRequest} from './request.js'
import type {PlanInfo, PlanTable} from './plan.js'
import type {AppModel, ForkFacts} from './process.js'
import type {Budget, DeployMoment, Status} from './budget.js'
import type {Diagnostic} from './diagnostic.js'
import type {SuggestionSet} from './suggestion.js'
import type {Sourced} from './source.js'
import type {JsonPlanLive, LiveComparison, LiveReport} from './live.js'
import type {SessionFeature} from './pooler.js'

/** JSON (a contract, README "JSON report"): the PgBouncer buildpack in one process type. */
export interface JsonPgBouncer {
  /** Connections the dyno's processes open to PgBouncer: expected, and with every pool full. */
  clientCeilingPerDyno: number
  clientConnectionsPerDyno: number
  countedUrls: string[]
  defaultPoolSize: number
  maxClientConn: number
  maxPreparedStatements: number
  poolMode: string
  /** true: prepared statements are off or tracked by PgBouncer; false: on; null: unknown for this app. */
  preparedStatementsSafe: boolean | null
  reservePoolSize: number
  /** What the dyno opens on the database; null when none of PGBOUNCER_URLS is on the budgeted server. */
  serverConnectionsPerDyno: null | number
  sessionFeatures: SessionFeature[]
  sources: Record<string, Sourced<unknown>>
  urls: string[]
  wrapper: string
}

/** JSON: Heroku's server-side pool, when some types go through it. */
export interface JsonServerPooling {
  clientLimit: number
  clients: number
  clientsCeiling: number
  serverCeiling: number
  serverConnections: number
  serverLimit: null | number
  sources: Record<string, Sourced<unknown>>
  types: string[]
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
  /** True when it is added to the ceiling only, never to the expected total. */
  ceilingOnly: boolean
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

export interface PlanResult {
  report: Report
  request: BudgetRequest
  table: PlanTable
  /** For the heading: the Procfile read, or the config file that lists the apps. */
  title: string
  /** For messages about process types: what says which types run (heroku.yml, "the app (no Procfile: …)"), or the config file. */
  typesFrom: string
}

/** `plan --live`: the budget beside what the database shows now. */
export interface PlanLiveResult {
  comparison: LiveComparison
  live: LiveReport
  procfile: string
  report: Report
}
