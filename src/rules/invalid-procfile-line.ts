import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'invalid-procfile-line',
  emittedBy: 'the Procfile parser',
  severity: 'warning',
  summary: 'A Procfile line is not `name: command`; it is ignored.',
}
