import type {Source, Sourced} from './source.js'

/** A connection-level feature that PgBouncer's transaction mode breaks, found in the app. */
export interface SessionFeature {
  file?: string
  line?: number
  /** "Action Cable's PostgreSQL adapter (LISTEN)", "GoodJob (LISTEN/NOTIFY and advisory locks)", … */
  what: string
}

/**
 * The Heroku PgBouncer buildpack in one process type's dynos (`bin/start-pgbouncer
 * <cmd>`), as its config script would generate it from the env.
 */
export interface PgBouncerModel {
  /** Variables in PGBOUNCER_URLS whose server is the one being budgeted. */
  countedUrls: string[]
  defaultPoolSize: Sourced<number>
  maxClientConn: Sourced<number>
  /** PGBOUNCER_MIN_POOL_SIZE: server connections PgBouncer keeps open per pool while a client is connected (0: none). */
  minPoolSize: Sourced<number>
  /** PGBOUNCER_MAX_PREPARED_STATEMENTS: above 0, PgBouncer (1.21+) keeps prepared statements working in transaction mode. */
  maxPreparedStatements: Sourced<number>
  poolMode: Sourced<string>
  /**
   * Whether prepared statements are safe through PgBouncer: true when the app turns
   * them off or PgBouncer tracks them, false when they are on (and break in
   * transaction mode), null when conncalc cannot tell for this kind of app.
   */
  preparedStatementsSafe: null | Sourced<boolean>
  reservePoolSize: Sourced<number>
  sessionFeatures: SessionFeature[]
  /** PGBOUNCER_URLS: the variables rewritten to point at PgBouncer. */
  urls: Sourced<string[]>
  wrapper: string
}

/** A process type that connects through Heroku's server-side pool (DATABASE_CONNECTION_POOL_URL). */
export interface ServerPooling {
  /** How conncalc knows: --pooled, the Procfile line, the JVM buildpack. */
  via: Source
}
