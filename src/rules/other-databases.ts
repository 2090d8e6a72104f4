import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'other-databases',
  emittedBy: 'the Heroku app reader, with -a/--app (the app has more than one Heroku Postgres add-on)',
  severity: 'info',
  summary: "The Heroku app has other Postgres databases besides DATABASE_URL's; the budget is for DATABASE_URL's, and says which config vars each sets.",
}
