import type {Diagnostic} from './diagnostic.js'
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
  /** The app (as named in the config file's `apps`) when several apps share one database. */
  app?: string
  command: string // the Procfile command as written
  /**
   * Set when a second set of this type's dynos runs during a deploy (Heroku
   * preboot starts new web dynos before stopping the old ones).
   */
  deployOverlap?: Sourced<boolean>
  dynos: Sourced<number>
  /** An autoscaling range (`--scale web=2..10`); `dynos` is its max. */
  dynoRange?: {max: number; min: number}
  extrasPerDyno: Extra[] // e.g. a forking master that kept its connection
  extrasPerProcess: Extra[]
  /** Set by poolers (PgBouncer buildpack): replaces processes × connections per dyno. */
  serverConnectionsPerDyno?: Extra
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
