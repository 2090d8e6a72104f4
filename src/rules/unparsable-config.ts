import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unparsable-config',
  emittedBy: 'analyzers',
  severity: 'warning',
  summary: 'A config file could not be parsed (syntax error, binary, too large, or an expression conncalc cannot evaluate); defaults were used.',
}
