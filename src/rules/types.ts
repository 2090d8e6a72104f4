import type {LiveComparison, LiveFacts, LiveOptions} from '../model/live.js'
import type {PlanInfo} from '../model/plan.js'
import type {Budget} from '../model/budget.js'
import type {Diagnostic, Severity} from '../model/diagnostic.js'
import type {AppModel} from '../model/process.js'
export interface RuleInput {
  app: AppModel
  budget: Budget
  /** The plan given with --plan, if any. */
  plan?: null | PlanInfo
}

/** What live rules see: the numbers read from a database, and `plan --live`'s comparison. */
export interface LiveRuleInput {
  /** plan --live: the budget per process type beside the live counts. */
  comparison?: LiveComparison
  live: LiveFacts
  options: LiveOptions
  plan: null | PlanInfo
}

/**
 * One check with a stable code equal to its file name. Rules with `check`
 * look at the budget; the others document diagnostics that analyzers emit
 * while reading files (the code is the same contract either way).
 */
export interface Rule {
  check?: (input: RuleInput) => Diagnostic[]
  /** Checks on a live database (`conncalc live`, `plan --live`). */
  checkLive?: (input: LiveRuleInput) => Diagnostic[]
  code: string
  /** Where the diagnostic comes from when there is no `check`. */
  emittedBy?: string
  severity: Severity
  summary: string
}
