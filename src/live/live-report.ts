import type {JsonLiveReport, LiveAge, LiveBackend, LiveFacts, LiveGroup, LiveOptions, LiveReport, LiveSnapshot} from '../model/live.js'
import type {PlanInfo} from '../model/plan.js'
import {dedupeDiagnostics, sortDiagnostics} from '../model/diagnostic.js'
import {fromLive, sourced} from '../model/source.js'
import {runLiveRules} from '../rules/index.js'
import {naturalCompare} from '../util/natural-order.js'

const IDLE_IN_TRANSACTION = /^idle in transaction/

/** Slots the connected role may use on the server (reserved slots excluded unless it may use them). */
export function serverLimitFor(s: LiveSnapshot): {detail: string; value: number} {
  if (s.role.superuser) return {detail: `max_connections ${s.maxConnections} (superuser: no reserved slots apply)`, value: s.maxConnections}
  const reserved = s.role.canUseReserved ? 0 : (s.reservedConnections ?? 0)
  const parts = [`max_connections ${s.maxConnections}`, `${s.superuserReservedConnections} superuser_reserved_connections`]
  if (reserved > 0) parts.push(`${reserved} reserved_connections`)
  return {detail: parts.join(' − '), value: s.maxConnections - s.superuserReservedConnections - reserved}
}

/** Pure: a snapshot and options in, numbers and diagnostics out. */
export function buildLiveFacts(s: LiveSnapshot, options: LiveOptions): LiveFacts {
  const used = s.backends.length
  const usedByRole = s.backends.filter((b) => b.user === s.role.name).length
  const server = serverLimitFor(s)
  const roleLimit = s.role.superuser ? null : s.role.connectionLimit
  const serverLeft = server.value - used
  const roleLeft = roleLimit === null ? Number.POSITIVE_INFINITY : roleLimit - usedByRole
  const byRole = roleLimit !== null && roleLeft < serverLeft
  const limit = byRole
    ? sourced(roleLimit, fromLive(`connection limit of role "${s.role.name}" (rolconnlimit ${roleLimit})`, s.url))
    : sourced(server.value, fromLive(server.detail, s.url))
  const utilization = byRole
    ? usedByRole / Math.max(1, roleLimit)
    : used / Math.max(1, server.value)
  const available = Math.max(0, Math.min(serverLeft, roleLeft))
  return {
    available,
    byApplication: groupBy(s.backends, (b) => b.applicationName),
    byClient: groupBy(s.backends, (b) => b.clientAddr),
    byUser: groupBy(s.backends, (b) => b.user),
    limit,
    limitBy: byRole ? 'role' : 'server',
    longestIdleInTransaction: oldest(s.backends.filter((b) => IDLE_IN_TRANSACTION.test(b.state ?? ''))),
    oldestIdle: oldest(s.backends.filter((b) => b.state === 'idle')),
    snapshot: s,
    status: available <= 0 ? 'over' : utilization >= options.warnAt ? 'warning' : 'ok',
    used,
    usedByRole,
    utilization,
  }
}

export function buildLiveReport(s: LiveSnapshot, options: LiveOptions, plan: null | PlanInfo): LiveReport {
  const facts = buildLiveFacts(s, options)
  const diagnostics = sortDiagnostics(dedupeDiagnostics(runLiveRules({live: facts, options, plan})))
  return {...facts, diagnostics, options, plan}
}

export function groupBy(backends: LiveBackend[], key: (b: LiveBackend) => null | string): LiveGroup[] {
  const groups = new Map<null | string, LiveGroup>()
  for (const b of backends) {
    const name = key(b)
    const g = groups.get(name) ?? {count: 0, name, states: {}}
    g.count++
    const state = b.state ?? 'unknown'
    g.states[state] = (g.states[state] ?? 0) + 1
    groups.set(name, g)
  }

  return [...groups.values()]
    .map((g) => ({...g, states: Object.fromEntries(Object.entries(g.states).sort(([a], [b]) => a.localeCompare(b)))}))
    // web.2 before web.10: numeric parts compare as numbers.
    .sort((a, b) => b.count - a.count || naturalCompare(a.name ?? '\uFFFF', b.name ?? '\uFFFF'))
}

function oldest(backends: LiveBackend[]): LiveAge | null {
  let best: LiveBackend | undefined
  for (const b of backends) if (b.stateSeconds !== null && (!best || b.stateSeconds > (best.stateSeconds ?? -1))) best = b
  return best ? {applicationName: best.applicationName, pid: best.pid, seconds: best.stateSeconds ?? 0} : null
}

export function liveJson(r: LiveReport): JsonLiveReport {
  const s = r.snapshot
  return {
    available: r.available,
    byApplication: r.byApplication,
    byClient: r.byClient,
    byUser: r.byUser,
    database: s.url,
    diagnostics: r.diagnostics,
    limit: r.limit.value,
    limitBy: r.limitBy,
    limitSource: r.limit,
    longestIdleInTransaction: r.longestIdleInTransaction,
    maxConnections: s.maxConnections,
    oldestIdle: r.oldestIdle,
    plan: r.plan,
    reservedConnections: s.superuserReservedConnections + (s.reservedConnections ?? 0),
    role: s.role.name,
    roleConnectionLimit: s.role.connectionLimit,
    serverVersion: s.serverVersion,
    ssl: s.ssl,
    status: r.status,
    superuserReservedConnections: s.superuserReservedConnections,
    used: r.used,
    usedByRole: r.usedByRole,
    utilization: Math.round(r.utilization * 10_000) / 10_000,
  }
}
