import type {Diagnostic, FailOn} from '../model/diagnostic.js'
import type {Report} from '../model/report.js'
import type {PlanInfo} from '../model/plan.js'
import type {Budget, BudgetOptions} from '../model/budget.js'
import type {AppModel} from '../model/process.js'
import {computeBudget} from '../budget/budget.js'
import {dedupeDiagnostics, sortDiagnostics} from '../model/diagnostic.js'
import {runRules} from '../rules/index.js'

export function buildReport(
  app: AppModel,
  options: BudgetOptions & {plan: null | PlanInfo; smallestFittingPlan?: (total: number) => null | PlanInfo},
): Report {
  const budget = computeBudget(app, options)
  const found = [...app.diagnostics, ...runRules({app, budget, plan: options.plan})]
  const diagnostics = sortDiagnostics(dedupeDiagnostics(withoutMootAtZero(found, budget)))
  return {
    app,
    budget,
    diagnostics,
    plan: options.plan,
    smallestFittingPlan: options.limit === null ? (options.smallestFittingPlan?.(budget.deployPeak) ?? null) : null,
  }
}

/**
 * Findings about a count that multiplies a process's connections (processes or threads that follow the CPU count,
 * greenlets or threads no pool bounds, a pool far larger than its threads): every one is moot for a process type
 * that holds 0 connections per dyno (an app on another database, a Celery beat that queries nothing), since the
 * count multiplies 0. Decided on the budget, so an --assume that gives the type threads keeps them.
 */
const MOOT_AT_ZERO = new Set(['cpu-count-default', 'greenlet-concurrency', 'oversized-pool', 'pool-oversized', 'unbounded-pool'])

function withoutMootAtZero(ds: Diagnostic[], budget: Budget): Diagnostic[] {
  const idle = new Set(budget.processTypes.filter((p) => p.connectionsPerDyno === 0).map((p) => p.name))
  if (idle.size === 0) return ds
  // Several apps of one config file may each have a type of that name: idle only when every one is.
  for (const p of budget.processTypes) if (p.connectionsPerDyno > 0) idle.delete(p.name)
  return ds.filter((d) => d.processType === undefined || !idle.has(d.processType) || !MOOT_AT_ZERO.has(d.code))
}

/** DESIGN.md exit codes: 1 when it does not fit or a diagnostic at/above --fail-on; else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): 0 | 1 {
  if (report.budget.status === 'over') return 1
  const failing = failOn === 'warning' ? ['error', 'warning'] : ['error']
  return report.diagnostics.some((d) => failing.includes(d.severity)) ? 1 : 0
}
