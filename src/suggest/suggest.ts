import type {FailOn} from '../model/diagnostic.js'
import type {BudgetRequest} from '../model/request.js'
import type {Report} from '../model/report.js'
import type {Suggestion, SuggestionSet} from '../model/suggestion.js'
import type {PlanTable} from '../model/plan.js'
import type {ProcessBudget} from '../model/budget.js'
import type {Assumption} from '../model/config.js'
import type {ProcessModel} from '../model/process.js'
import {applyAssumption} from '../budget/assume.js'
import {type BudgetSummary, computeBudget, statusFor, withRowReplaced} from '../budget/budget.js'
import {assumed, fromFlag, type Source, sourced, type Sourced} from '../model/source.js'
import {maxOf} from '../util/numbers.js'
import {append} from '../util/arrays.js'

interface Context {
  failOn: FailOn
  table: PlanTable
  /** Tiers to pick a plan from, group by group (see PLAN_TIER_GROUPS). */
  tierGroups: string[][]
}

const PGBOUNCER_RESERVE = 1 // PGBOUNCER_RESERVE_POOL_SIZE default (heroku-buildpack-pgbouncer README)

/**
 * What would make the budget fit, each with its new total: the smallest plan,
 * the most dynos per type, fewer processes or threads per type, and the
 * PgBouncer buildpack. Every number comes from running the budget again on the
 * changed model (pure: the report is not modified).
 */
export function suggest(report: Report, context: Context): SuggestionSet {
  const b = report.budget
  const fitsNow = b.limit !== null && b.total <= b.limit && b.deployPeak <= b.limit
  const goal: SuggestionSet['goal'] = context.failOn === 'warning' || (fitsNow && b.status === 'warning') ? 'below-warn-at' : 'fit'
  const meets = (x: BudgetSummary): boolean =>
    x.limit !== null && x.total <= x.limit && x.deployPeak <= x.limit && (goal === 'fit' || x.status === 'ok')

  if (b.limit !== null && meets(b)) return {goal, items: [], needed: false}

  const items: Suggestion[] = []
  const plan = planSuggestion(report, context, meets)
  if (plan) items.push(plan)
  if (b.limit === null) return {goal, items, needed: true}

  const rows = b.processTypes.filter((p) => p.role === 'long-running' && p.dynos > 0)
  for (const row of rows) {
    const s = scaleSuggestion(report, row, meets)
    if (s) items.push(s)
  }

  for (const row of rows) {
    const s = processesSuggestion(report, row, meets)
    if (s) items.push(s)
  }

  for (const row of rows) {
    const s = threadsSuggestion(report, row, meets)
    if (s) items.push(s)
  }

  const bouncer = pgbouncerSuggestion(report, rows, meets)
  if (bouncer) items.push(bouncer)
  return {goal, items, needed: true}
}

type Meets = (b: BudgetSummary) => boolean
type Edit = (p: ProcessModel) => void

const SUGGESTED: Source = assumed('a change proposed by --suggest')

/**
 * The budget again, with some process types edited and/or another limit. One edited
 * long-running row is worked out from the current totals (withRowReplaced); the rest
 * budget every row again.
 */
function rebudget(report: Report, edits: Map<ProcessModel, Edit>, limit?: Sourced<number>): BudgetSummary {
  if (edits.size === 1 && !limit) {
    const [[model, edit]] = edits
    const row = report.budget.processTypes.find((p) => p.model === model)
    const copy = structuredClone(model)
    edit(copy)
    const quick = row && withRowReplaced(report.budget, row, copy)
    if (quick) return quick
  }

  if (edits.size === 0 && limit && !report.budget.serverPooling) {
    const b = report.budget
    return {deployPeak: b.deployPeak, limit: limit.value, status: statusFor(b.total, limit.value, b.warnAt), total: b.total, utilization: b.total / limit.value}
  }

  const processes = report.app.processes.map((p) => {
    const edit = edits.get(p)
    if (!edit) return p
    const copy = structuredClone(p)
    edit(copy)
    return copy
  })
  const b = report.budget
  return computeBudget({...report.app, processes}, {limit: limit ?? b.limitSource, reserve: b.reserveSource, warnAt: b.warnAt})
}

function result(b: BudgetSummary): Pick<Suggestion, 'deployPeak' | 'limit' | 'status' | 'total' | 'utilization'> {
  return {
    deployPeak: b.deployPeak,
    limit: b.limit!,
    status: b.status,
    total: b.total,
    utilization: Math.round((b.utilization ?? 0) * 10_000) / 10_000,
  }
}

/** The largest n in [lo, hi] for which `ok(n)` holds, given it only gets harder as n grows; null if none. */
function largest(lo: number, hi: number, ok: (n: number) => boolean): null | number {
  if (hi < lo || !ok(lo)) return null
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2) // not (lo + hi + 1) >> 1: that wraps at 2³¹ and never ends
    if (ok(mid)) lo = mid
    else hi = mid - 1
  }

  return lo
}

const forApp = (row: ProcessBudget): string => (row.model.app ? ` --config-app ${row.model.app}` : '')
const label = (row: ProcessBudget): string => (row.model.app ? `${row.model.app} ${row.name}` : row.name)

function planSuggestion(report: Report, context: Context, meets: Meets): null | Suggestion {
  const current = report.budget.limit ?? 0
  const order = (ps: PlanTable['plans']) => ps.sort((a, b) => a.limit - b.limit || context.table.plans.indexOf(a) - context.table.plans.indexOf(b))
  const candidates = context.tierGroups.flatMap((tiers) => order(context.table.plans.filter((p) => tiers.includes(p.tier) && p.limit > current)))
  for (const p of candidates) {
    const b = rebudget(report, new Map(), sourced(p.limit, {kind: 'plan', plan: p.name, table: context.table.path}))
    if (!meets(b)) continue
    return {
      app: null,
      change: {plan: p.name},
      how: `check with --plan ${p.name}; on Heroku: heroku addons:upgrade DATABASE heroku-postgresql:${p.name} (or pg:copy to a new database)`,
      kind: 'plan',
      note: p.confidence === 'confirmed' ? undefined : `its limit is a ${p.confidence} figure (conncalc plans shows the source)`,
      processType: null,
      summary: `move to plan ${p.name} (limit ${p.limit})`,
      ...result(b),
    }
  }

  return null
}

function scaleSuggestion(report: Report, row: ProcessBudget, meets: Meets): null | Suggestion {
  let last: BudgetSummary | undefined
  const at = (n: number): BudgetSummary => rebudget(report, new Map([[row.model, (p: ProcessModel) => {
    p.dynos = sourced(n, SUGGESTED)
    if (p.dynoRange) p.dynoRange = {max: n, min: Math.min(p.dynoRange.min, n)}
  }]]))
  const n = largest(1, row.dynos - 1, (k) => meets((last = at(k))))
  if (n === null) return null
  last = at(n)
  const range = row.model.dynoRange
  const spec = range && range.min < n ? `${row.name}=${range.min}..${n}` : `${row.name}=${n}`
  return {
    app: row.model.app ?? null,
    change: {scale: {app: row.model.app ?? null, specs: [spec]}},
    how: range
      ? `set the autoscaler's maximum for ${row.name} to ${n}${range.min > n ? ` and its minimum to ${n} too` : ''}; check with --scale ${spec}${forApp(row)}`
      : `heroku ps:scale ${row.name}=${n}${forApp(row)}; check with conncalc scale ${row.name}=${n}${forApp(row)}`,
    kind: 'scale',
    processType: row.name,
    summary: range
      ? `cap ${label(row)} autoscaling at ${plural(n, 'dyno')} (now ${range.min}..${range.max}${range.min > n ? ', so the minimum comes down too' : ''})`
      : `scale ${label(row)} from ${row.dynos} to ${plural(n, 'dyno')}`,
    ...result(last),
  }
}

/** How to set a value: `RAILS_MAX_THREADS=2 (read at config/puma.rb:14)`, else `2 at config/puma.rb:15`. */
function setting(v: Sourced<unknown>, to: number): string {
  const chain = [v.source, ...(v.via ?? [])]
  const env = chain.find((s) => s.kind === 'env')
  const file = chain.find((s) => s.kind === 'file')
  const at = file?.kind === 'file' ? `${file.file}:${file.line}` : undefined
  if (env?.kind === 'env') {
    const where = [env.from && !/^--env$/.test(env.from) ? `set at ${env.from}` : '', at ? `read at ${at}` : ''].filter(Boolean)
    return `${env.name}=${to}${where.length > 0 ? ` (${where.join(', ')})` : ''}`
  }

  return at ? `${to} at ${at}` : `${to}`
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`

function processesSuggestion(report: Report, row: ProcessBudget, meets: Meets): null | Suggestion {
  if (row.processesPerDyno <= 1 || row.model.serverConnectionsPerDyno) return null
  const edit = (n: number) => (p: ProcessModel) => applyAssumption(p, {source: SUGGESTED, values: {processes: n}})
  const n = largest(1, row.processesPerDyno - 1, (k) => meets(rebudget(report, new Map([[row.model, edit(k)]]))))
  if (n === null) return null
  const b = rebudget(report, new Map([[row.model, edit(n)]]))
  return {
    app: row.model.app ?? null,
    change: {assumptions: [{app: row.model.app ?? null, type: row.name, values: {processes: n}}]},
    how: `${row.name}: processes per dyno ${setting(row.model.processesPerDyno, n)}`,
    kind: 'processes',
    note: 'fewer processes per dyno serve fewer requests at once: check throughput, or scale dynos instead',
    processType: row.name,
    summary: `run ${plural(n, 'process')} per ${label(row)} dyno instead of ${row.processesPerDyno}`,
    ...result(b),
  }
}

function threadsSuggestion(report: Report, row: ProcessBudget, meets: Meets): null | Suggestion {
  if (row.threadsPerProcess <= 1 || row.model.serverConnectionsPerDyno) return null
  const hasPool = row.model.pools.length > 0
  // Threads and pool move together: a pool below the threads makes threads wait (pool-below-threads).
  const values = (n: number): Assumption => (hasPool ? {pool: n, threads: n} : {threads: n})
  const edit = (n: number) => (p: ProcessModel) => applyAssumption(p, {source: SUGGESTED, values: values(n)})
  const n = largest(1, row.threadsPerProcess - 1, (k) => meets(rebudget(report, new Map([[row.model, edit(k)]]))))
  if (n === null) return null
  const b = rebudget(report, new Map([[row.model, edit(n)]]))
  const envOf = (v: Sourced<unknown>) => [v.source, ...(v.via ?? [])].find((x) => x.kind === 'env')
  const threadsAt = setting(row.model.threadsPerProcess, n)
  const sameVar = hasPool && JSON.stringify(envOf(row.model.threadsPerProcess)) === JSON.stringify(envOf(row.model.pools[0].pool))
  const poolAt = hasPool && !(sameVar && envOf(row.model.pools[0].pool)) ? setting(row.model.pools[0].pool, n) : undefined
  return {
    app: row.model.app ?? null,
    change: {assumptions: [{app: row.model.app ?? null, type: row.name, values: values(n)}]},
    how: `${row.name}: threads ${threadsAt}${poolAt ? `; pool ${poolAt}` : hasPool ? ' (the pool follows it)' : ''}`,
    kind: 'threads',
    processType: row.name,
    summary: `${label(row)}: ${plural(n, 'thread')} per process${hasPool ? ` and a pool of ${n}` : ''} instead of ${row.threadsPerProcess}${hasPool ? `/${row.poolPerProcess}` : ''}`,
    ...result(b),
  }
}

function pgbouncerSuggestion(report: Report, rows: ProcessBudget[], meets: Meets): null | Suggestion {
  if (report.budget.processTypes.some((p) => p.model.serverConnectionsPerDyno)) return null
  const targets = rows.filter((r) => r.connectionsPerDyno > 1 + PGBOUNCER_RESERVE)
  if (targets.length === 0) return null
  const edits = (size: number) =>
    new Map(targets.map((r) => [r.model, (p: ProcessModel) => applyAssumption(p, {source: SUGGESTED, values: {pgbouncer: {poolSize: size, reservePoolSize: PGBOUNCER_RESERVE}}})]))
  const most = maxOf(targets.map((r) => r.connectionsPerDyno)) - PGBOUNCER_RESERVE - 1
  const n = largest(1, most, (k) => meets(rebudget(report, edits(k))))
  if (n === null) return null
  const b = rebudget(report, edits(n))
  if (b.total >= report.budget.total) return null
  const names = targets.map((r) => label(r))
  return {
    app: null,
    change: {assumptions: targets.map((r) => ({app: r.model.app ?? null, type: r.name, values: {pgbouncer: {poolSize: n, reservePoolSize: PGBOUNCER_RESERVE}}}))},
    how: `add the heroku/pgbouncer buildpack, start ${names.join(' and ')} with bin/start-pgbouncer, and set PGBOUNCER_DEFAULT_POOL_SIZE=${n}`,
    kind: 'pgbouncer',
    note: 'transaction pooling breaks LISTEN/NOTIFY, session advisory locks and named prepared statements (set prepared_statements: false); GoodJob and Action Cable’s PostgreSQL adapter need a direct connection',
    processType: null,
    summary: `PgBouncer in each ${names.join(', ')} dyno: at most ${n} + ${PGBOUNCER_RESERVE} server connections per dyno`,
    ...result(b),
  }
}

/**
 * The request with a suggestion applied, to check it by running the whole
 * budget again (tests do; so could a user, with the flags in `how`).
 */
export function applyChange(request: BudgetRequest, suggestion: Pick<Suggestion, 'change'>): BudgetRequest {
  const {change} = suggestion
  const next: BudgetRequest = {...request, apps: request.apps.map((a) => ({...a, assumptions: new Map(a.assumptions), scale: [...a.scale]}))}
  if (change.plan) {
    next.plan = change.plan
    delete next.limit
  }

  for (const app of next.apps) {
    if (change.scale && change.scale.app === app.name) append(app.scale, change.scale.specs)
    for (const {type, values} of (change.assumptions ?? []).filter((a) => a.app === app.name)) {
      app.assumptions.set(type, {source: fromFlag('--suggest'), values: {...app.assumptions.get(type)?.values, ...values}})
    }
  }

  return next
}
