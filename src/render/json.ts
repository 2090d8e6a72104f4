import type {Extra, ProcessModel} from '../model/process.js'
import type {JsonExtra, JsonProcessType, JsonReport, Report} from '../model/report.js'
import type {ProcessBudget} from '../model/budget.js'
import type {Sourced} from '../model/source.js'

import {extraOnServer} from '../budget/budget.js'
import {pgbouncerJson, serverPoolingJson} from './json-poolers.js'

// ---- JSON: field names are a contract (README "JSON report") ----

function jsonExtra(x: Extra, per: 'dyno' | 'process', m: ProcessModel): JsonExtra {
  return {
    ceilingOnly: x.ceilingOnly ?? false,
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
