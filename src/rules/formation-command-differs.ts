import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'formation-command-differs',
  emittedBy: 'the Procfile reader, with -a/--app (the formation of the Heroku app runs another command than the local Procfile line, or a type the Procfile lacks)',
  severity: 'warning',
  summary: "The Heroku app's formation runs a different command than the checkout's Procfile: conncalc budgets what runs.",
}
