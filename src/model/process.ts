import type {Diagnostic} from './diagnostic.js'
import type {PgBouncerModel, ServerPooling} from './pooler.js'
import type {Sourced} from './source.js'

/** Connections a process (or a dyno) opens outside its app-level pool, with the reason. */
export interface Extra {
  count: Sourced<number>
  reason: string // "Action Cable PostgreSQL LISTEN connection"
}

/** One database entry's pool inside a process (Rails multi-db has several). */
export interface PoolEntry {
  database: string // "primary", "cache", "default", …
  pool: Sourced<number>
  /** ActiveRecord `prepared_statements` when the config sets it (default true); PgBouncer's transaction mode needs false. */
  preparedStatements?: Sourced<boolean>
  /**
   * Connections the pool opens at start and keeps even when idle (HikariCP
   * minimumIdle, psycopg_pool min_size): a process holds at least this many.
   */
  minOpen?: Sourced<number>
  /**
   * Which server the entry connects to, as a stable key ("DATABASE_URL",
   * "host=db.example.com/app"). Entries on the budgeted server are summed.
   */
  server: string
}

export type ProcessRole = 'long-running' | 'release'

/** What analyzers found for one process type: every number sourced. */
export interface ProcessModel {
  command: string // the Procfile command as written
  dynos: Sourced<number>
  extrasPerDyno: Extra[] // e.g. a forking master that kept its connection
  extrasPerProcess: Extra[]
  /** Set by poolers (PgBouncer buildpack): replaces processes × connections per dyno. */
  serverConnectionsPerDyno?: Extra
  /** The PgBouncer buildpack runs in this type's dynos (bin/start-pgbouncer). */
  pgbouncer?: PgBouncerModel
  /** Connects through Heroku's server-side pool: counts against the pooler, not the plan directly. */
  serverPooling?: ServerPooling
  language: string // "ruby", "python", "node", "unknown", …
  name: string // Procfile process type
  pools: PoolEntry[] // entries on the budgeted server; empty means "no pool known"
  /** Pools on other servers, reported separately and not added in. */
  otherServerPools: PoolEntry[]
  processesPerDyno: Sourced<number>
  role: ProcessRole
  server: string // "puma", "sidekiq", "unknown", …
  size?: Sourced<string> // dyno size, e.g. "standard-2x"
  threadsPerProcess: Sourced<number>
  /** Versions of the gems/packages that decided defaults, for --explain. */
  versions?: Record<string, string>
}

export interface AppModel {
  diagnostics: Diagnostic[]
  processes: ProcessModel[]
  root: string
}
