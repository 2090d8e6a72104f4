import type {Budget} from '../budget/budget.js'
import type {Diagnostic, Severity} from '../model/diagnostic.js'
import type {AppModel} from '../model/process.js'

export interface RuleInput {
  app: AppModel
  budget: Budget
}

/**
 * One check with a stable code equal to its file name. Rules with `check`
 * look at the budget; the others document diagnostics that analyzers emit
 * while reading files (the code is the same contract either way).
 */
export interface Rule {
  check?: (input: RuleInput) => Diagnostic[]
  code: string
  /** Where the diagnostic comes from when there is no `check`. */
  emittedBy?: string
  severity: Severity
  summary: string
}
