import Live from './live.js'
import Plan from './plan.js'
import Plans from './plans.js'
import Rules from './rules.js'

// oclif "explicit" strategy: one import, no directory scan at start-up.
export const commands = {
  live: Live,
  plan: Plan,
  plans: Plans,
  rules: Rules,
}
