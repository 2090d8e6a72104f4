import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'database-plan-unknown',
  emittedBy: 'the Heroku app reader, with -a/--app (no Heroku Postgres add-on is known to set DATABASE_URL, or its plan is not in the plan table)',
  severity: 'warning',
  summary: "The Heroku app's DATABASE_URL plan could not be read: there is no limit to check against unless --plan or --limit gives one.",
}
