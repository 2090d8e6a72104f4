import type {JsonPgBouncer, JsonServerPooling} from '../model/report.js'
import type {ProcessBudget, ServerPoolingBudget} from '../model/budget.js'
import type {Sourced} from '../model/source.js'

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
  if (b.minPoolSize.value > 0) sources.minPoolSize = b.minPoolSize
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
    // What PgBouncer opens: its cap ((pool + reserve) × databases, the source) or fewer when its clients ask for fewer.
    serverConnectionsPerDyno: p.model.serverConnectionsPerDyno ? p.connectionsPerDyno : null,
    sessionFeatures: b.sessionFeatures,
    sources,
    urls: b.urls.value,
    wrapper: b.wrapper,
  }
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
