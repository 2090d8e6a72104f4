import type {Assumption} from './config.js'
import type {Status} from './budget.js'

/**
 * A change that would make the budget fit, as data a BudgetRequest can take
 * (applyChange), so it can be checked by running the whole budget again.
 */
export interface SuggestionChange {
  /** Values for process types, like the config file's `assumptions` (app: null with one app). */
  assumptions?: {app: null | string; type: string; values: Assumption}[]
  plan?: string
  /** `heroku ps:scale` arguments for one app, e.g. {app: null, specs: ["web=3"]}. */
  scale?: {app: null | string; specs: string[]}
}

export type SuggestionKind = 'pgbouncer' | 'plan' | 'processes' | 'scale' | 'threads'

export interface Suggestion {
  app: null | string
  change: SuggestionChange
  deployPeak: number
  /** How to make the change (and check it with conncalc). */
  how: string
  kind: SuggestionKind
  limit: number
  /** What to know before doing it. */
  note?: string
  processType: null | string
  status: Status
  /** One line: what changes. */
  summary: string
  total: number
  utilization: number
}

export interface SuggestionSet {
  /** `fit`: total and deploy peak within the limit; `below-warn-at`: also under --warn-at. */
  goal: 'below-warn-at' | 'fit'
  items: Suggestion[]
  /** False when the budget already meets the goal (nothing to change). */
  needed: boolean
}
