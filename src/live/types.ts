import type {SslMode} from './target.js'

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
