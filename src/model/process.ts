import type {Diagnostic} from './diagnostic.js'
import type {PgBouncerModel, ServerPooling} from './pooler.js'
import type {Source, Sourced} from './source.js'

/**
 * Connections a process (or a dyno) opens beside its request/job threads, with
 * the reason: outside the app-level pool (Action Cable's LISTEN connection), or
 * checked out of one (GoodJob's utility threads, Solid Queue's polling).
 */
export interface Extra {
  /**
   * Held only in the worst case, not at the expected peak: added to the
   * ceiling, never to the total (a preloading master's boot connection that
   * Rails ≥ 5.2 flushes after boot).
   */
  ceilingOnly?: boolean
  count: Sourced<number>
  /**
   * The database entry these connections go to ("queue" for Solid Queue);
   * unset means the primary. Extras whose entry is on another server are not
   * counted against this one.
   */
  database?: string
  /**
   * Checked out of that entry's pool: the pool caps them (and must be sized
   * for them), so per process they count as min(pool, threads + these).
   */
  inPool?: boolean
  /**
   * With inPool: checked out of every pool entry the process has, not only `database`'s
   * (job threads run inside a web process, each may touch every database the app uses).
   */
  allPools?: boolean
  /**
   * A preloading parent's connection its forked children inherit and check out as one of their pool's (Sequel): counted
   * in their pools, so ceiling only here; rules/fork-disconnect-missing.ts still says that the processes share a socket.
   */
  sharedWithChildren?: boolean
  /** Stable id of what opens them, for rules and JSON: "forking-parent", "action-cable", … */
  kind?: string
  /**
   * Separate processes (or one more thread group) with pools of their own — Solid Queue's
   * dispatcher, scheduler and supervisor, a second group of its workers: `processes` each open
   * Σ over the type's pool entries min(pool, `threads` + `own` on this extra's entry), since a
   * pool caps what its process checks out. `count` holds processes × (threads + own) until
   * app/analyze-app.ts resolves it against the pools (budget/budget.ts resolveDemand).
   */
  demand?: {own: number; processes: number; threads: number}
  /**
   * A pooler's server connections it keeps open once a client is connected, whatever the clients ask
   * (PgBouncer min_pool_size): the dyno holds at least this many, at most `count`.
   */
  minOpen?: Sourced<number>
  /**
   * A process that runs beside the type's own in each dyno (`foreman start -f Procfile.x`, a script running puma and a
   * worker, a `spawn` in a Puma hook): its own model (one dyno, its copies in processesPerDyno), which the per-process
   * rules check as they check a type's (rules/beside.ts). Not in the JSON report: `count` is what it adds.
   */
  process?: ProcessModel
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
  /** A read replica (ActiveRecord `replica: true`, Lucid read replicas): a follower is a server of its own, never the plan's. */
  replica?: boolean
  /** One connection every thread of the process shares (SQLAlchemy StaticPool): no thread waits for it, so it is never below the threads. */
  shared?: boolean
  /** Set when the pool is Sequel's (languages/ruby/sequel.ts): its timeout error and fix are Sequel's, however it was read. */
  library?: 'sequel'
  /**
   * ActiveRecord without Rails (languages/ruby/activerecord-without-rails.ts): no railtie reads RAILS_MAX_THREADS or
   * config/database.yml for the app, so its pool is raised where it connects: the establish_connection call found
   * (`connects`), else DATABASE_URL's ?pool= when sinatra-activerecord connects with that URL.
   */
  withoutRails?: {connects?: {file: string; line: number}; sinatra: boolean}
  /**
   * A synchronous engine (SQLAlchemy create_engine, Flask-SQLAlchemy): a checkout blocks the thread that makes it, so on an
   * asyncio server only the threads that run sync code can hold its connections (languages/python/server.ts).
   */
  blocking?: true
}

export type ProcessRole = 'long-running' | 'release'

/** Where a hook was found in a config file. */
export interface HookSite {
  file: string
  hook: string // "on_worker_boot", "Resque.after_fork"
  line: number
}

/** A sign that a preloading parent holds a database connection after boot (languages/ruby/boot-connection.ts). */
export interface BootQuery {
  /** Whose connection it is: decides the disconnect the fix names. */
  library: 'activerecord' | 'other' | 'sequel'
  /** Sequel: the app's own code connects it (`Sequel.connect` / `Sequel.postgres` in config.ru, config/, lib/ or app/). */
  appConnects?: boolean
  source: Source
  /** For the message: "ActiveRecord 4.2.11 (before 5.2, Rails does not empty its pools after boot)". */
  what: string
}

/**
 * How a forking server starts its children, for the fork-safety rules: the
 * parent loads the app (and may connect) before it forks, and each child must
 * not keep using the parent's socket.
 */
export interface ForkFacts {
  /** Hook that runs in the parent before forking, as the fix should name it ("before_fork"). */
  parentHook: string
  /** Hook that runs in each child after forking ("on_worker_boot", "after_fork", "Resque.after_fork"). */
  childHook: string
  /** Signs that the parent holds a connection after boot; none means only while booting (Rails ≥ 5.2 flushes it). */
  bootQueries?: BootQuery[]
  /** A disconnect in the parent hook, if one was found. */
  disconnect?: HookSite
  /** That disconnect closes ActiveRecord's connections only (no Sequel disconnect, no app method that might). */
  disconnectLeavesSequel?: boolean
  /**
   * A parent-hook call that empties ActiveRecord's pool before forking (establish_connection, clear_all_connections!,
   * connection_pool.disconnect!): the child inherits no connection and opens its own, so it needs no reconnect.
   */
  parentEmptiesPool?: HookSite & {ref: string}
  /** The file the fix goes in (config/puma.rb, config/initializers/resque.rb). */
  file: string
  /** Does the server fork at all (Puma cluster mode, Unicorn, Resque's fork per job)? */
  forks: Sourced<boolean>
  /** The app (and ActiveRecord) is loaded in the parent before forking. */
  preload: Sourced<boolean>
  /** A reconnect (establish_connection) in the child hook, if one was found. */
  reconnect?: HookSite
  /**
   * A Sequel disconnect in the child hook of a parent that serves nothing after forking (a Puma or Unicorn master):
   * the child closes the Database's inherited connections, and closing sends PostgreSQL's Terminate on the socket
   * it shares with the parent, so the parent's own connection ends with the first child's boot.
   */
  childDisconnect?: HookSite
  /** App or gem methods the parent hook calls that conncalc cannot see into (`Gitlab::Cluster::LifecycleEvents.do_before_fork`). */
  parentHookCalls?: string[]
  /** What forks ("Puma master", "Unicorn master", "Resque worker"). */
  parent: string
}

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
  /** For forking servers: preload and fork hooks, read by the fork-safety rules. */
  fork?: ForkFacts
  /** Set by poolers (PgBouncer buildpack): replaces processes × connections per dyno. */
  serverConnectionsPerDyno?: Extra
  /** The PgBouncer buildpack runs in this type's dynos (bin/start-pgbouncer). */
  pgbouncer?: PgBouncerModel
  /** Connects through Heroku's server-side pool: counts against the pooler, not the plan directly. */
  serverPooling?: ServerPooling
  /** Threads are greenlets (gevent/eventlet): a smaller pool is the intended bound, not a shortage. */
  greenlets?: boolean
  /** One event loop runs every request (Node): no threads; queries queue for the pool. */
  eventLoop?: boolean
  language: string // "ruby", "python", "node", "unknown", …
  name: string // Procfile process type
  /** Where the type's command is written (Procfile:2, heroku.yml:14, Dockerfile:9): fix texts name that file. */
  origin?: Extract<Source, {kind: 'file'}>
  pools: PoolEntry[] // entries on the budgeted server; empty means "no pool known"
  /** Pools on other servers, reported separately and not added in. */
  otherServerPools: PoolEntry[]
  processesPerDyno: Sourced<number>
  role: ProcessRole
  server: string // "puma", "sidekiq", "unknown", …
  size?: Sourced<string> // dyno size, e.g. "standard-2x"
  /** Another platform's machine the type runs on instead of a dyno (render.yaml, fly.toml): how its rows' "dynos" are called. */
  platform?: {name: string; unit: string}
  threadsPerProcess: Sourced<number>
  /** Versions of the gems/packages that decided defaults, for --explain. */
  versions?: Record<string, string>
}

export interface AppModel {
  /** Whose deploy the deploy peak counts, when something says (--platform, the config file, the app's files): Heroku's or Dokku's. */
  deployPlatform?: Sourced<'dokku' | 'heroku'>
  diagnostics: Diagnostic[]
  processes: ProcessModel[]
  root: string
}
