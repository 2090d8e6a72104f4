import type {FailOn} from '../model/diagnostic.js'
import type {Report} from '../model/report.js'
import type {PlanInfo} from '../model/plan.js'
import type {BudgetOptions} from '../model/budget.js'
import type {AppModel} from '../model/process.js'
import {computeBudget} from '../budget/budget.js'
import {dedupeDiagnostics, sortDiagnostics} from '../model/diagnostic.js'
import {runRules} from '../rules/index.js'

export function buildReport(
  app: AppModel,
  options: BudgetOptions & {plan: null | PlanInfo; smallestFittingPlan?: (total: number) => null | PlanInfo},
): Report {
  const budget = computeBudget(app, options)
  const diagnostics = sortDiagnostics(dedupeDiagnostics([...app.diagnostics, ...runRules({app, budget, plan: options.plan})]))
  return {
    app,
    budget,
    diagnostics,
    plan: options.plan,
    smallestFittingPlan: options.limit === null ? (options.smallestFittingPlan?.(budget.deployPeak) ?? null) : null,
  }
}

/** DESIGN.md exit codes: 1 when it does not fit or a diagnostic at/above --fail-on; else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): 0 | 1 {
  if (report.budget.status === 'over') return 1
  const failing = failOn === 'warning' ? ['error', 'warning'] : ['error']
  return report.diagnostics.some((d) => failing.includes(d.severity)) ? 1 : 0
}
