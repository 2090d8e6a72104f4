import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unparsable-config',
  emittedBy: 'analyzers',
  severity: 'warning',
  summary: 'A config file could not be parsed or read (syntax error, binary, UTF-16 without a byte-order mark, too large, no permission, or an expression conncalc cannot evaluate); defaults were used, and what the file may set is an assumption.',
}
