import Live from './live.js'
import Plan from './plan.js'
import Plans from './plans.js'
import Readme from './readme.js'
import Rules from './rules.js'
import Scale from './scale.js'
import Schema from './schema.js'

// oclif "explicit" strategy: one import, no directory scan at start-up.
// Standalone `conncalc` (bin/run.js picks this table).
export const commands = {
  live: Live,
  plan: Plan,
  plans: Plans,
  readme: Readme,
  rules: Rules,
  scale: Scale,
  schema: Schema,
}

/**
 * The same commands inside the Heroku CLI (`heroku plugins:install conncalc`),
 * under a topic of their own: a top-level `scale` would be shadowed by the
 * Heroku CLI's own `scale` (its alias of ps:scale), and a user expecting a dry
 * run would really scale the app. Nothing here shadows a Heroku CLI command.
 * package.json's oclif config names this table, which is what the Heroku CLI reads.
 */
export const herokuCommands = {
  'connections:live': Live,
  'connections:plan': Plan,
  'connections:plans': Plans,
  'connections:readme': Readme,
  'connections:rules': Rules,
  'connections:scale': Scale,
  'connections:schema': Schema,
}
