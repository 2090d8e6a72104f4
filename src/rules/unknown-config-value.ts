import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unknown-config-value',
  emittedBy: 'analyzers (the safe evaluator met an expression it does not evaluate)',
  severity: 'warning',
  summary: 'A setting that decides a number is written in a way conncalc does not evaluate; the default was used.',
}
