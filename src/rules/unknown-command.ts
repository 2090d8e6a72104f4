import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unknown-command',
  emittedBy: 'the analyzer registry',
  severity: 'warning',
  summary: 'conncalc does not recognise the command of a process type; it counts 1 process × 1 connection.',
}
