import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'database-plan-from-manifest',
  emittedBy: 'conncalc plan, when no --plan, --limit, config file plan or live database gives the limit (app/plan.ts)',
  severity: 'info',
  summary:
    "The limit is the Heroku Postgres plan app.json `addons` or heroku.yml `setup: addons:` provisions for DATABASE_URL (--plan overrides it); or why none is taken: several add-ons, another attachment than DATABASE, no plan, a plan the table does not know. For an app read from render.yaml: Render Postgres' limit for the instance type (`plan`) of the database DATABASE_URL comes from, or why none is taken.",
}
