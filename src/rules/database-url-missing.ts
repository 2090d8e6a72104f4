import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'database-url-missing',
  emittedBy: 'the database.yml analyzer (a non-primary entry with no url, host or <NAME>_DATABASE_URL, Rails >= 6.1)',
  severity: 'warning',
  summary: "A database.yml entry other than the primary has no url or host: ActiveRecord gives DATABASE_URL to the entry named primary only, so on the platform it connects to a local socket and reaches no database; not counted on the plan, the counts starred.",
}
