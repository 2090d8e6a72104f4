import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'duplicate-process-type',
  emittedBy: 'the Procfile parser',
  severity: 'warning',
  summary: 'The Procfile defines a process type twice; the last definition wins.',
}
