import type {Sourced} from './source.js'
import type {Status} from './budget.js'
import type {Diagnostic} from './diagnostic.js'
import type {PlanInfo} from './plan.js'

/** libpq's sslmode values; `prefer` is libpq's default when the URL names none. */
export type SslMode = 'allow' | 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'

/** One client backend from pg_stat_activity (conncalc's own session left out). */
export interface LiveBackend {
  /** "" when the client set none (most apps: see missing-application-name). */
  applicationName: string
  /** null when the server hides it (another role's session, without pg_read_all_stats). */
  clientAddr: null | string
  database: null | string
  pid: number
  /** "active", "idle", "idle in transaction", …; null when hidden. */
  state: null | string
  /** Seconds since the state last changed; null when hidden. */
  stateSeconds: null | number
  user: null | string
}

export interface SslInfo {
  /** Whether this session is encrypted, as pg_stat_ssl says. */
  encrypted: boolean
  mode: SslMode
  modeFrom: 'default' | 'url'
  note: string
  /** Whether the server's certificate was checked (sslmode verify-ca / verify-full). */
  verified: boolean
}

/** What `live/` read from the database: raw facts, no judgement. */
export interface LiveSnapshot {
  backends: LiveBackend[]
  maxConnections: number
  /** `reserved_connections` (PostgreSQL 16+); null on older servers. */
  reservedConnections: null | number
  role: {
    /** Member of pg_use_reserved_connections (16+): may use the reserved_connections slots. */
    canUseReserved: boolean
    /** rolconnlimit; null when unlimited (-1). */
    connectionLimit: null | number
    name: string
    superuser: boolean
  }
  serverVersion: string
  ssl: SslInfo
  superuserReservedConnections: number
  /** The URL with the password masked. */
  url: string
}

/** Connections grouped by one column of pg_stat_activity. */
export interface LiveGroup {
  count: number
  /** The application_name ("" when unset), user or client address; null when the server hides it. */
  name: null | string
  /** Count per state: "active", "idle", "idle in transaction", … ("unknown" when hidden). */
  states: Record<string, number>
}

export interface LiveAge {
  applicationName: string
  pid: number
  seconds: number
}

export interface LiveOptions {
  /** Sessions idle in a transaction at least this long are reported. */
  idleInTransactionSeconds: number
  /** Idle sessions at least this long are reported as stale. */
  staleIdleSeconds: number
  warnAt: number
}

/** The numbers every live view and rule works from. */
export interface LiveFacts {
  available: number
  byApplication: LiveGroup[]
  byClient: LiveGroup[]
  byUser: LiveGroup[]
  /** The lower of the server's and the role's limit, with how it was worked out. */
  limit: Sourced<number>
  /** Which limit binds: the server's slots or the role's rolconnlimit. */
  limitBy: 'role' | 'server'
  longestIdleInTransaction: LiveAge | null
  oldestIdle: LiveAge | null
  snapshot: LiveSnapshot
  status: Status
  /** Client backends on the server, conncalc's own session left out. */
  used: number
  /** Of those, the ones of the role conncalc connected as. */
  usedByRole: number
  /** Fraction of the binding limit in use (server or role, whichever is fuller). */
  utilization: number
}

export interface LiveReport extends LiveFacts {
  diagnostics: Diagnostic[]
  options: LiveOptions
  plan: null | PlanInfo
}

// ---- JSON: field names are a contract (README "conncalc live") ----

export interface JsonLiveReport {
  available: number
  byApplication: LiveGroup[]
  byClient: LiveGroup[]
  byUser: LiveGroup[]
  database: string
  diagnostics: Diagnostic[]
  limit: number
  limitBy: 'role' | 'server'
  limitSource: Sourced<number>
  longestIdleInTransaction: LiveAge | null
  maxConnections: number
  oldestIdle: LiveAge | null
  plan: null | PlanInfo
  /** superuser_reserved_connections + reserved_connections: slots an ordinary role cannot use. */
  reservedConnections: number
  role: string
  /** The role's rolconnlimit; null when unlimited. */
  roleConnectionLimit: null | number
  serverVersion: string
  ssl: SslInfo
  status: Status
  superuserReservedConnections: number
  used: number
  usedByRole: number
  utilization: number
}

/** One process type: what the plan says beside what the database sees. */
export interface LiveProcessRow {
  /** The plan's ceiling for the type (every pool full). */
  ceiling: number
  /** Live connections whose application_name names this type ("web.1", "web"). */
  live: number
  name: string
  /** The plan's expected peak for the type. */
  planned: number
  /** Distinct application_names seen for the type ("web.1", "web.2"). */
  seenAs: string[]
  states: Record<string, number>
}

/** `plan --live`: the budget per process type beside the live counts. */
export interface LiveComparison {
  /** One-off dynos (`heroku run` → run.N, Scheduler → scheduler.N, release phase). */
  oneOff: LiveGroup[]
  processTypes: LiveProcessRow[]
  /** Connections whose application_name matches no process type, by name ("" = not set). */
  unattributed: LiveGroup[]
  /** Of all live connections, how many have no application_name. */
  withoutName: number
}

/** `plan --json --live`: the live report (its diagnostics are in the plan's) and the comparison. */
export type JsonPlanLive = Omit<JsonLiveReport, 'diagnostics' | 'plan'> & LiveComparison
