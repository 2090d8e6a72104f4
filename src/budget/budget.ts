import type {Budget, BudgetOptions, DeployMoment, ProcessBudget, ServerPoolingBudget, Status} from '../model/budget.js'
import type {AppModel, Extra, PoolEntry, ProcessModel, ProcessRole} from '../model/process.js'

import {derivedFrom, type Source, uniqueSources} from '../model/source.js'
import {DOKKU_ZERO_DOWNTIME_REF, fromAppJson} from '../platform/dokku-builder.js'
import {serverPoolingBudget} from './server-pooling.js'
import {maxOf} from '../util/numbers.js'

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

/** The extras that count against the budgeted server in the expected total. */
export const countedExtras = (xs: Extra[], m: PoolsOf): Extra[] => xs.filter((x) => !x.ceilingOnly && extraOnServer(x, m))

/** The extras on the budgeted server that only the ceiling counts. */
export const ceilingOnlyExtras = (xs: Extra[], m: PoolsOf): Extra[] => xs.filter((x) => x.ceilingOnly && extraOnServer(x, m))

/** Per pool entry, the connections that in-pool extras check out of it on top of the threads. */
export function inPoolDemand(m: PoolsOf & Pick<ProcessModel, 'extrasPerProcess'>): Map<string, number> {
  const out = new Map<string, number>()
  for (const x of countedExtras(m.extrasPerProcess, m)) {
    const names = x.allPools ? m.pools.map((p) => p.database) : [entryNameOf(x, m)]
    for (const name of names) {
      if (!x.inPool || !name || !m.pools.some((p) => p.database === name)) continue
      out.set(name, (out.get(name) ?? 0) + x.count.value)
    }
  }

  return out
}

/** Per process, the extras that no pool caps: outside any pool, or in-pool ones whose entry the process does not have. */
export function outsideExtras(m: PoolsOf & Pick<ProcessModel, 'extrasPerProcess'>): number {
  const capped = (x: Extra): boolean => Boolean(x.inPool) && (x.allPools ? m.pools.length > 0 : m.pools.some((p) => p.database === entryNameOf(x, m)))
  return extraTotal(countedExtras(m.extrasPerProcess, m).filter((x) => !capped(x)))
}

/**
 * Σ min(pool, threads) over the entries: a process cannot hold more connections
 * than it has threads asking — except what an eager pool opens anyway (minOpen).
 * `inPool` adds, per entry, what extras check out of that pool on top of the
 * threads (GoodJob's utility connections): min(pool, threads + those).
 */
export function expectedFromPools(pools: PoolEntry[], threads: number, inPool?: Map<string, number>): number {
  if (pools.length === 0) return threads
  return sum(pools.map((p) => Math.max(Math.min(p.pool.value, threads + (inPool?.get(p.database) ?? 0)), Math.min(p.minOpen?.value ?? 0, p.pool.value))))
}

/**
 * An extra that stands for processes with pools of their own (Extra.demand): its count once
 * the pools are known, processes × Σ min(pool, threads [+ own on its entry]) — what an eager
 * pool opens anyway (minOpen) included, on the entries the process uses. Without pools, or
 * when its entry is not among them, its own connections count uncapped.
 */
export function resolveDemand(x: Extra, m: PoolsOf): Extra {
  if (!x.demand) return x
  const {own, processes, threads} = x.demand
  const name = entryNameOf(x, m)
  const capped = m.pools.some((p) => p.database === name)
  const terms = m.pools
    .map((p) => ({p, want: threads + (p.database === name ? own : 0)}))
    .filter((t) => t.want > 0)
    .map(({p, want}) => ({p, value: Math.max(Math.min(p.pool.value, want), Math.min(p.minOpen?.value ?? 0, p.pool.value)), want}))
  const per = sum(terms.map((t) => t.value)) + (capped ? 0 : m.pools.length === 0 ? threads + own : own)
  if (m.pools.length === 0) return x
  const formula = [...terms.map(({p, want}) => `min(${p.pool.value}, ${want === threads || threads === 0 ? want : `${threads} + ${want - threads}`})`), ...(capped ? [] : [String(own)])].join(' + ')
  const value = processes * per
  return {
    ...x,
    count: {...x.count, value, via: uniqueSources([x.count.via ?? [], derivedFrom(terms.map((t) => t.p.pool))])},
    reason: `${x.reason}: ${processes > 1 ? `${processes} × ` : ''}${terms.length + (capped ? 0 : 1) > 1 && processes > 1 ? `(${formula})` : formula}`,
  }
}

/**
 * resolveDemand over a type's extras. A process whose own connections go to an entry on another server (Solid Queue's
 * workers with the `queue` database on SQLite) still runs its job threads against every pool the type has here: those
 * count on this server (processes × Σ min(pool, threads)), its own connections stay listed on the other one, uncounted.
 */
export function resolveDemands(xs: Extra[], m: PoolsOf): Extra[] {
  if (xs.length === 0) return xs
  return xs.flatMap((x) => {
    if (!x.demand || x.demand.threads === 0 || m.pools.length === 0 || extraOnServer(x, m)) return [resolveDemand(x, m)]
    const {database, ...rest} = x
    const {own, processes, threads} = x.demand
    const jobs = resolveDemand({...rest, demand: {own: 0, processes, threads}}, m)
    const away: Extra = {...x, count: {...x.count, value: processes * own}, demand: undefined, reason: `${x.reason}: ${processes > 1 ? `${processes} × ` : ''}${own} of its own`}
    return [{...jobs, reason: `${jobs.reason}, its job threads on this server's pools (its own ${own} go to ${database})`}, ...(own > 0 ? [away] : [])]
  })
}

export function budgetProcess(model: ProcessModel): ProcessBudget {
  const threads = model.threadsPerProcess.value
  const processes = model.processesPerDyno.value
  const dynos = model.dynos.value
  const pool = model.pools.length === 0 ? null : sum(model.pools.map((p) => p.pool.value))
  // Most types have no extras: none of the lists below (this runs per process type, and again per --suggest try).
  const noExtras = model.extrasPerProcess.length === 0
  const extraPerProcess = noExtras ? 0 : extraTotal(countedExtras(model.extrasPerProcess, model))
  // Extras checked out of a pool are capped by it; the others come on top.
  const outside = noExtras ? 0 : outsideExtras(model)
  const extraPerDyno = model.extrasPerDyno.length === 0 ? 0 : extraTotal(countedExtras(model.extrasPerDyno, model))
  // Every pool the process opens is on another server (both URLs known, other hosts; a var of its own): its threads'
  // connections go there, and only the extras that use no pool of its own can reach this one.
  const elsewhere = model.pools.length === 0 && model.otherServerPools.length > 0
  const poolless = elsewhere && !noExtras ? extraTotal(countedExtras(model.extrasPerProcess, model).filter((x) => !x.inPool)) : 0
  const connectionsPerProcess = elsewhere ? poolless : model.pools.length === 0 ? threads + extraPerProcess : expectedFromPools(model.pools, threads, noExtras ? undefined : inPoolDemand(model)) + outside
  const ceilingOnly = {
    dyno: model.extrasPerDyno.length === 0 ? 0 : extraTotal(ceilingOnlyExtras(model.extrasPerDyno, model)),
    process: noExtras ? 0 : extraTotal(ceilingOnlyExtras(model.extrasPerProcess, model)),
  }
  // A process with no thread that uses the database (celery beat's file scheduler, SQLite settings) checks nothing out
  // of its pools: only what an eager pool opens anyway (minOpen) can be held, not the whole pool.
  const kept = pool !== null && threads === 0 ? sum(model.pools.map((p) => Math.min(p.minOpen?.value ?? 0, p.pool.value))) : pool
  const ceilingPerProcess = (elsewhere ? poolless : kept === null ? threads + extraPerProcess : kept + outside) + ceilingOnly.process
  const pooler = model.serverConnectionsPerDyno?.count.value
  const minOpen = model.serverConnectionsPerDyno?.minOpen?.value ?? 0
  const clients = processes * connectionsPerProcess + extraPerDyno
  const clientCeiling = processes * ceilingPerProcess + extraPerDyno + ceilingOnly.dyno
  // A PgBouncer in the dyno opens server connections as its clients ask: never more than they can open,
  // but at least its min_pool_size while a client is connected.
  const served = (asked: number) => (pooler === undefined ? asked : Math.min(pooler, asked > 0 ? Math.max(asked, minOpen) : asked))
  const connectionsPerDyno = served(clients)
  const ceilingPerDyno = served(clientCeiling)
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
    // Set by computeBudget once every row is known. Written here, so that setting it later keeps the
    // row's shape: a property added afterwards went to a separate array, one more object per type.
    maxDynos: null,
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
  const deployMoments = deployMomentsOf(rows, total)
  const maxDynos = maxDynosOf(deployMoments, total, limit)
  // Each row gets its max dynos in place: a copy per row (`{...r, maxDynos}`) was the largest
  // block of live memory for a 100,000-type Procfile (the 23-field copy left every row twice).
  const processTypes = rows as ProcessBudget[]
  for (const r of processTypes) r.maxDynos = r.model.serverPooling && pooling ? maxPooledDynos(r, pooling) : maxDynos(r)
  return {
    ceiling,
    deployMoments,
    deployPeak: maxOf(deployMoments.map((m) => m.peak), total),
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
 * ones stop, so the overlap adds one more set of those dynos. One pass over the rows.
 */
export function deployMomentsOf(rows: Omit<ProcessBudget, 'maxDynos'>[], total: number): DeployMoment[] {
  type Kind = DeployMoment['kind']
  const byApp = new Map<null | string, Record<Kind, typeof rows>>()
  for (const r of rows) {
    // Types behind Heroku's server-side pool reach the database through its capped server pool: no extra there.
    if (r.model.serverPooling) continue
    const kind: Kind | null = r.role === 'release' ? hookKind(r.name) : countsInTotal(r) && r.model.deployOverlap?.value ? 'preboot' : null
    const app = r.model.app ?? null
    let entry = byApp.get(app)
    if (!entry) byApp.set(app, (entry = {postcompile: [], postdeploy: [], preboot: [], release: []}))
    if (kind) entry[kind].push(r)
  }

  const moments: DeployMoment[] = []
  for (const [app, entry] of byApp) {
    for (const kind of ['release', 'postcompile', 'postdeploy', 'preboot'] as const) {
      // Scalingo starts the new containers, then the postdeploy container, and only then stops
      // the old ones: with an overlap (--preboot) that moment holds both sets and the hook.
      const all = kind === 'postdeploy' && entry.postdeploy.length > 0 ? [...entry.postdeploy, ...entry.preboot] : entry[kind]
      // Dokku runs its predeploy task, then the Procfile's release, one after the other: each is a moment of its own.
      for (const types of kind === 'release' ? [all.filter((r) => r.name !== 'predeploy'), all.filter((r) => r.name === 'predeploy')] : [all]) {
        if (types.length === 0) continue
        const extra = sum(types.map((r) => r.connections))
        moments.push({app, extra, kind, peak: total + extra, processTypes: types.map((r) => r.name)})
      }
    }
  }

  return moments
}

/**
 * Which deploy moment a once-per-deploy row belongs to, by its process type (release, predeploy, postdeploy, postcompile): the
 * type, not the server that read its command (`postdeploy: node scripts/backfill.js` is read by Node's analysis, server `node`).
 */
export const hookKind = (processType: string): DeployMoment['kind'] => (processType === 'postdeploy' || processType === 'postcompile' ? processType : 'release')

/**
 * How many dynos of each row fit with every other type held where it is: the total
 * and every deploy moment within the limit. Arithmetic on the other rows' sums, computed
 * once, so the whole formation costs one pass (a thousand apps on one database included):
 * with `d` dynos of a row of `c` connections per dyno, the total is `others + d·c`; the
 * largest deploy moment that does not involve the row adds `E`; if the row's dynos overlap
 * in its app's preboot, that moment adds `P + d·c` (`P`: the other overlapping types).
 */
function maxDynosOf(moments: DeployMoment[], total: number, limit: null | number): (row: Omit<ProcessBudget, 'maxDynos'>) => null | number {
  const prebootOf = new Map(moments.filter((m) => m.kind === 'preboot').map((m) => [m.app, m]))
  // The two largest moments, so "the largest but this row's own preboot" is O(1).
  const ranked = [...moments].sort((a, b) => b.extra - a.extra).slice(0, 2)
  return (row) => {
    if (limit === null || !countsInTotal(row) || row.connectionsPerDyno === 0) return null
    const c = row.connectionsPerDyno
    const others = total - row.connections
    const own = row.model.deployOverlap?.value && !row.model.serverPooling ? prebootOf.get(row.model.app ?? null) : undefined
    const largestOther = Math.max(0, ranked.find((m) => m !== own)?.extra ?? 0)
    let fits = Math.floor((limit - others - largestOther) / c)
    if (own) fits = Math.min(fits, Math.floor((limit - others - (own.extra - row.connections)) / (2 * c)))
    return Math.max(0, fits)
  }
}

/** Behind the server-side pool a type scales until the pooler's client limit; the database side stays capped. */
function maxPooledDynos(row: Omit<ProcessBudget, 'maxDynos'>, pooling: ServerPoolingBudget): null | number {
  if (row.connectionsPerDyno === 0) return null
  const others = pooling.clients - row.connections
  return Math.max(0, Math.floor((pooling.clientLimit.value - others) / row.connectionsPerDyno))
}

/**
 * A moment's name as shown: Dokku's predeploy task (a release-kind moment of its own, deployMomentsOf) by its name, and
 * Dokku's postdeploy task (a postdeploy moment whose hook app.json declares: `rows` say where) as a task, not Scalingo's hook.
 */
export const momentLabel = (m: Pick<DeployMoment, 'app' | 'kind' | 'processTypes'>, rows: readonly MomentRow[] = []): string =>
  m.kind === 'release' && m.processTypes[0] === 'predeploy' ? 'predeploy task' : dokkuPostdeploy(m, rows) ? 'postdeploy task' : dokkuOverlap(m, rows) ? 'old and new containers' : momentName(m.kind)

/** An overlap moment that is Dokku's zero-downtime deploy (its rows' deployOverlap is sourced from Dokku's docs), not Heroku's preboot. */
const dokkuOverlap = (m: Pick<DeployMoment, 'app' | 'kind' | 'processTypes'>, rows: readonly MomentRow[]): boolean =>
  m.kind === 'preboot' && rows.some((r) => m.processTypes.includes(r.name) && (r.model.app ?? null) === m.app && isDokkuOverlap(r.model.deployOverlap?.source))

/** A postdeploy moment whose hook is Dokku's app.json scripts.dokku.postdeploy (release.ts), not a Procfile's (Scalingo's). */
const dokkuPostdeploy = (m: Pick<DeployMoment, 'app' | 'kind' | 'processTypes'>, rows: readonly MomentRow[]): boolean =>
  m.kind === 'postdeploy' && rows.some((r) => r.name === m.processTypes[0] && r.role === 'release' && (r.model.app ?? null) === m.app && fromAppJson(r.model.origin?.file))

/** "release phase", "postdeploy hook", "postcompile hook", "preboot". */
export const momentName = (kind: DeployMoment['kind']): string => (kind === 'release' ? 'release phase' : kind === 'preboot' ? 'preboot' : `${kind} hook`)

/** "the release phase (release: 1)" / "preboot of api (web: 12)". `rows` name a release type's machine when another platform runs it (a Fly Machine). */
export function describeMoment(m: DeployMoment, rows: readonly MomentRow[] = []): string {
  // Dokku's zero-downtime deploy (app/plan.ts): its old containers of every type overlap the new ones, not Heroku's preboot.
  const dokku = dokkuOverlap(m, rows)
  const dokkuTask = dokkuPostdeploy(m, rows)
  const what = dokku
    ? `${rows.some((r) => m.processTypes.includes(r.name) && r.model.platform?.name === 'Kamal') ? 'Kamal' : 'Dokku'}'s old and new containers overlapping`
    : m.kind === 'preboot'
      ? 'the preboot overlap'
      : m.kind === 'release' && m.processTypes[0] === 'predeploy'
        ? "Dokku's predeploy task"
        : dokkuTask
          ? "Dokku's postdeploy task"
          : `the ${momentName(m.kind)}`
  const where = m.app === null ? '' : ` of ${m.app}`
  const why =
    m.kind === 'release' && m.processTypes[0] === 'predeploy'
      ? `its container adds ${m.extra}`
      : m.kind === 'release'
      ? `the release ${rows.find((r) => r.name === m.processTypes[0] && (r.model.app ?? null) === m.app)?.model.platform?.unit ?? 'dyno'} adds ${m.extra}`
      : m.kind === 'postcompile'
        ? `its command adds ${m.extra}`
        : m.kind === 'postdeploy'
          ? m.processTypes.length > 1
            ? dokkuTask
              ? `its container and the old ${m.processTypes.slice(1).join(', ')} containers, stopped DOKKU_WAIT_TO_RETIRE after it, add ${m.extra}`
              : `its container and the new ${m.processTypes.slice(1).join(', ')} containers add ${m.extra}`
            : `its container adds ${m.extra}`
          : `a second set of ${overlapping(m, rows).join(', ')} ${dokku ? 'containers' : 'dynos'} adds ${m.extra}`
  return `${what}${where} (${why})`
}

/** What describeMoment reads of the budget's rows. */
type MomentRow = Pick<ProcessBudget, 'model' | 'name'> & Partial<Pick<ProcessBudget, 'connections' | 'role'>>

/** The types of an overlap moment that have dynos (a type scaled to 0 has no old ones: DOKKU_SCALE's unlisted types). */
function overlapping(m: DeployMoment, rows: readonly MomentRow[]): string[] {
  const none = (t: string): boolean => rows.some((r) => r.name === t && (r.model.app ?? null) === m.app && r.connections === 0)
  const shown = m.processTypes.filter((t) => !none(t))
  return shown.length > 0 ? shown : m.processTypes
}

/** A deploy overlap that is Dokku's (its zero-downtime deploy keeps the old containers DOKKU_WAIT_TO_RETIRE longer) or Kamal's (app/plan.ts): old and new containers, not Heroku's preboot. */
const isDokkuOverlap = (s: Source | undefined): boolean => s?.kind === 'default' && (s.ref === DOKKU_ZERO_DOWNTIME_REF || s.ref.startsWith('https://github.com/basecamp/kamal/'))

/** What a changed budget is judged on: `--suggest` needs only these. */
export type BudgetSummary = Pick<Budget, 'deployPeak' | 'limit' | 'status' | 'total' | 'utilization'>

const rankedMoments = new WeakMap<Budget, DeployMoment[]>()

/**
 * The budget's totals with one long-running row's model replaced, without budgeting the
 * other rows again: the total moves by the row's change, and so does the row's own preboot
 * moment. `--suggest` tries many values per row; this keeps it linear in rows. Returns
 * undefined where the shortcut does not hold (a type behind the server-side pool), so the
 * caller budgets again.
 */
export function withRowReplaced(b: Budget, row: ProcessBudget, model: ProcessModel): BudgetSummary | undefined {
  if (!countsInTotal(row) || row.model.serverPooling || model.serverPooling) return undefined
  if (Boolean(row.model.deployOverlap?.value) !== Boolean(model.deployOverlap?.value)) return undefined
  let ranked = rankedMoments.get(b)
  if (!ranked) rankedMoments.set(b, (ranked = [...b.deployMoments].sort((x, y) => y.extra - x.extra).slice(0, 2)))
  const delta = budgetProcess(model).connections - row.connections
  const total = b.total + delta
  const own = row.model.deployOverlap?.value ? b.deployMoments.find((m) => m.kind === 'preboot' && m.app === (row.model.app ?? null)) : undefined
  const other = ranked.find((m) => m !== own)?.extra ?? 0
  const deployPeak = total + Math.max(0, other, own ? own.extra + delta : 0)
  return {deployPeak, limit: b.limit, status: statusFor(total, b.limit, b.warnAt), total, utilization: b.limit === null ? null : total / b.limit}
}

/**
 * "web to 2 dynos", per type that `fits` keeps: the max dynos column said in words, for text
 * that must not send the reader to that column (it is left out at 60 columns, and `scale`
 * and `live` have none).
 */
export function dynosThatFit(budget: Budget, fits: (p: ProcessBudget & {maxDynos: number}) => boolean): string[] {
  return budget.processTypes
    .filter((p): p is ProcessBudget & {maxDynos: number} => p.maxDynos !== null && countsInTotal(p) && fits(p as ProcessBudget & {maxDynos: number}))
    .map((p) => `${p.model.app ? `${p.model.app} ${p.name}` : p.name} to ${p.maxDynos} dyno${p.maxDynos === 1 ? '' : 's'}`)
}
