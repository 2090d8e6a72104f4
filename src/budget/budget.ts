import type {Budget, BudgetOptions, DeployMoment, ProcessBudget, ServerPoolingBudget, Status} from '../model/budget.js'
import type {AppModel, Extra, PoolEntry, ProcessModel, ProcessRole} from '../model/process.js'

import {serverPoolingBudget} from './server-pooling.js'

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
const extraTotal = (xs: Extra[]): number => sum(xs.map((x) => x.count.value))

type PoolsOf = Pick<ProcessModel, 'otherServerPools' | 'pools'>

/** The entry an extra's connections go to: its `database`, else the primary (named "primary", else the first). */
const entryNameOf = (x: Extra, m: PoolsOf): string | undefined =>
  x.database ?? (m.pools.some((p) => p.database === 'primary') ? 'primary' : m.pools[0]?.database)

/**
 * Does an extra open its connections on the budgeted server? Yes unless it
 * names a database entry that lives on another server.
 */
export function extraOnServer(x: Extra, m: PoolsOf): boolean {
  if (!x.database || m.pools.some((p) => p.database === x.database)) return true
  return !m.otherServerPools.some((p) => p.database === x.database)
}

/** The extras that count against the budgeted server. */
export const countedExtras = (xs: Extra[], m: PoolsOf): Extra[] => xs.filter((x) => extraOnServer(x, m))

/** Per pool entry, the connections that in-pool extras check out of it on top of the threads. */
export function inPoolDemand(m: PoolsOf & Pick<ProcessModel, 'extrasPerProcess'>): Map<string, number> {
  const out = new Map<string, number>()
  for (const x of countedExtras(m.extrasPerProcess, m)) {
    const name = entryNameOf(x, m)
    if (!x.inPool || !name || !m.pools.some((p) => p.database === name)) continue
    out.set(name, (out.get(name) ?? 0) + x.count.value)
  }

  return out
}

/**
 * Σ min(pool, threads) over the entries: a process cannot hold more connections
 * than it has threads asking — except what an eager pool opens anyway (minOpen).
 * `inPool` adds, per entry, what extras check out of that pool on top of the
 * threads (GoodJob's utility connections): min(pool, threads + those).
 */
export function expectedFromPools(pools: PoolEntry[], threads: number, inPool: Map<string, number> = new Map()): number {
  if (pools.length === 0) return threads
  return sum(pools.map((p) => Math.max(Math.min(p.pool.value, threads + (inPool.get(p.database) ?? 0)), Math.min(p.minOpen?.value ?? 0, p.pool.value))))
}

export function budgetProcess(model: ProcessModel): Omit<ProcessBudget, 'maxDynos'> {
  const threads = model.threadsPerProcess.value
  const processes = model.processesPerDyno.value
  const dynos = model.dynos.value
  const pool = model.pools.length === 0 ? null : sum(model.pools.map((p) => p.pool.value))
  const perProcess = countedExtras(model.extrasPerProcess, model)
  const inPool = inPoolDemand(model)
  const extraPerProcess = extraTotal(perProcess)
  // Extras checked out of a pool are capped by it; the others come on top.
  const outside = extraPerProcess - sum([...inPool.values()])
  const extraPerDyno = extraTotal(countedExtras(model.extrasPerDyno, model))
  const connectionsPerProcess = model.pools.length === 0 ? threads + extraPerProcess : expectedFromPools(model.pools, threads, inPool) + outside
  const ceilingPerProcess = pool === null ? threads + extraPerProcess : pool + outside
  const pooler = model.serverConnectionsPerDyno?.count.value
  const connectionsPerDyno = pooler ?? processes * connectionsPerProcess + extraPerDyno
  const ceilingPerDyno = pooler ?? processes * ceilingPerProcess + extraPerDyno
  return {
    ceiling: dynos * ceilingPerDyno,
    ceilingPerDyno,
    ceilingPerProcess,
    command: model.command,
    connections: dynos * connectionsPerDyno,
    connectionsPerDyno,
    connectionsPerProcess,
    databases: model.pools.map((p) => p.database),
    dynos,
    extraPerDyno,
    extraPerProcess,
    language: model.language,
    model,
    name: model.name,
    poolPerProcess: pool,
    processesPerDyno: processes,
    role: model.role,
    server: model.server,
    threadsPerProcess: threads,
  }
}

/** Long-running types count in `total`; the release type only in `deployPeak`. */
export const countsInTotal = (p: {role: ProcessRole}): boolean => p.role === 'long-running'

export function statusFor(total: number, limit: null | number, warnAt: number): Status {
  if (limit === null) return 'unknown'
  if (total > limit) return 'over'
  if (total >= warnAt * limit) return 'warning'
  return 'ok'
}

export function computeBudget(app: AppModel, options: BudgetOptions): Budget {
  const rows = app.processes.map((m) => budgetProcess(m))
  const running = rows.filter((r) => countsInTotal(r))
  const direct = running.filter((r) => !r.model.serverPooling)
  const pooled = running.filter((r) => r.model.serverPooling)
  const pooling = pooled.length > 0 ? serverPoolingBudget(pooled, options.limit) : null
  const reserve = options.reserve.value
  const total = sum(direct.map((r) => r.connections)) + (pooling?.serverConnections ?? 0) + reserve
  const ceiling = sum(direct.map((r) => r.ceiling)) + (pooling?.serverCeiling ?? 0) + reserve
  const limit = options.limit?.value ?? null
  const processTypes: ProcessBudget[] = rows.map((r) => ({
    ...r,
    maxDynos: r.model.serverPooling && pooling ? maxPooledDynos(r, pooling) : maxDynosFor(rows, r, total, limit),
  }))
  const deployMoments = deployMomentsOf(rows, total)
  return {
    ceiling,
    deployMoments,
    deployPeak: Math.max(total, ...deployMoments.map((m) => m.peak)),
    limit,
    limitSource: options.limit,
    processTypes,
    reserve,
    reserveSource: options.reserve,
    serverPooling: pooling,
    status: statusFor(total, limit, options.warnAt),
    total,
    utilization: limit === null ? null : total / limit,
    warnAt: options.warnAt,
  }
}

/**
 * Per app (apps deploy one at a time): the release phase runs while the old
 * formation is still up; with preboot, the new web dynos start before the old
 * ones stop, so the overlap adds one more set of those dynos.
 */
export function deployMomentsOf(rows: Omit<ProcessBudget, 'maxDynos'>[], total: number): DeployMoment[] {
  const moments: DeployMoment[] = []
  const apps = [...new Set(rows.map((r) => r.model.app ?? null))]
  for (const app of apps) {
    const mine = rows.filter((r) => (r.model.app ?? null) === app)
    // Types behind Heroku's server-side pool reach the database through its capped server pool: no extra there.
    const release = mine.filter((r) => r.role === 'release' && !r.model.serverPooling)
    const overlap = mine.filter((r) => countsInTotal(r) && r.model.deployOverlap?.value && !r.model.serverPooling)
    for (const [kind, types] of [['release', release], ['preboot', overlap]] as const) {
      if (types.length === 0) continue
      const extra = sum(types.map((r) => r.connections))
      moments.push({app, extra, kind, peak: total + extra, processTypes: types.map((r) => r.name)})
    }
  }

  return moments
}

/**
 * How many dynos of `row` fit with every other type held where it is: the total
 * and every deploy moment within the limit (the peak grows with the type when
 * preboot overlaps it). Binary search: the peak only grows with the dyno count.
 */
function maxDynosFor(rows: Omit<ProcessBudget, 'maxDynos'>[], row: Omit<ProcessBudget, 'maxDynos'>, total: number, limit: null | number): null | number {
  if (limit === null || !countsInTotal(row) || row.connectionsPerDyno === 0) return null
  const others = total - row.connections
  const peakWith = (dynos: number): number => {
    const scaled = rows.map((r) => (r === row ? {...r, connections: dynos * r.connectionsPerDyno} : r))
    const t = others + dynos * row.connectionsPerDyno
    return Math.max(t, ...deployMomentsOf(scaled, t).map((m) => m.peak))
  }

  let lo = 0
  let hi = Math.max(0, Math.floor((limit - others) / row.connectionsPerDyno))
  if (peakWith(0) > limit) return 0
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (peakWith(mid) <= limit) lo = mid
    else hi = mid - 1
  }

  return lo
}

/** Behind the server-side pool a type scales until the pooler's client limit; the database side stays capped. */
function maxPooledDynos(row: Omit<ProcessBudget, 'maxDynos'>, pooling: ServerPoolingBudget): null | number {
  if (row.connectionsPerDyno === 0) return null
  const others = pooling.clients - row.connections
  return Math.max(0, Math.floor((pooling.clientLimit.value - others) / row.connectionsPerDyno))
}

/** "the release phase (release: 1)" / "preboot of api (web: 12)". */
export function describeMoment(m: DeployMoment): string {
  const what = m.kind === 'release' ? 'the release phase' : 'the preboot overlap'
  const where = m.app === null ? '' : ` of ${m.app}`
  const why = m.kind === 'release' ? `the release dyno adds ${m.extra}` : `a second set of ${m.processTypes.join(', ')} dynos adds ${m.extra}`
  return `${what}${where} (${why})`
}
