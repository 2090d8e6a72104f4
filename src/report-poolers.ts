import type {ProcessBudget} from './budget/budget.js'
import type {ServerPoolingBudget} from './budget/server-pooling.js'
import type {SessionFeature} from './model/pooler.js'
import type {Sourced} from './model/source.js'

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

export function pgbouncerJson(p: ProcessBudget): JsonPgBouncer | null {
  const b = p.model.pgbouncer
  if (!b) return null
  const sources: Record<string, Sourced<unknown>> = {
    defaultPoolSize: b.defaultPoolSize,
    maxClientConn: b.maxClientConn,
    maxPreparedStatements: b.maxPreparedStatements,
    poolMode: b.poolMode,
    reservePoolSize: b.reservePoolSize,
    urls: b.urls,
  }
  if (b.preparedStatementsSafe) sources.preparedStatementsSafe = b.preparedStatementsSafe
  if (p.model.serverConnectionsPerDyno) sources.serverConnectionsPerDyno = p.model.serverConnectionsPerDyno.count
  return {
    clientCeilingPerDyno: p.processesPerDyno * p.ceilingPerProcess + p.extraPerDyno,
    clientConnectionsPerDyno: p.processesPerDyno * p.connectionsPerProcess + p.extraPerDyno,
    countedUrls: b.countedUrls,
    defaultPoolSize: b.defaultPoolSize.value,
    maxClientConn: b.maxClientConn.value,
    maxPreparedStatements: b.maxPreparedStatements.value,
    poolMode: b.poolMode.value,
    preparedStatementsSafe: b.preparedStatementsSafe?.value ?? null,
    reservePoolSize: b.reservePoolSize.value,
    serverConnectionsPerDyno: p.model.serverConnectionsPerDyno?.count.value ?? null,
    sessionFeatures: b.sessionFeatures,
    sources,
    urls: b.urls.value,
    wrapper: b.wrapper,
  }
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

export function serverPoolingJson(s: null | ServerPoolingBudget): JsonServerPooling | null {
  if (!s) return null
  const sources: Record<string, Sourced<unknown>> = {clientLimit: s.clientLimit}
  if (s.serverLimit) sources.serverLimit = s.serverLimit
  return {
    clientLimit: s.clientLimit.value,
    clients: s.clients,
    clientsCeiling: s.clientsCeiling,
    serverCeiling: s.serverCeiling,
    serverConnections: s.serverConnections,
    serverLimit: s.serverLimit?.value ?? null,
    sources,
    types: s.types,
  }
}
