import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unresolved-env',
  emittedBy: 'analyzers (Ruby evaluator, Procfile expansion)',
  severity: 'warning',
  summary: 'An env var decides a number but has no value anywhere; the default was used.',
}
