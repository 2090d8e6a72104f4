import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'database-url-missing',
  emittedBy: 'the database.yml analyzer (a non-primary entry with no url, host or <NAME>_DATABASE_URL)',
  severity: 'info',
  summary: 'A database.yml entry other than the primary has no url or host: on Heroku only the primary gets DATABASE_URL.',
}
