import Live from './live.js'
import Plan from './plan.js'
import Plans from './plans.js'
import Readme from './readme.js'
import Rules from './rules.js'
import Scale from './scale.js'
import Schema from './schema.js'

// oclif "explicit" strategy: one import, no directory scan at start-up.
export const commands = {
  live: Live,
  plan: Plan,
  plans: Plans,
  readme: Readme,
  rules: Rules,
  scale: Scale,
  schema: Schema,
}
