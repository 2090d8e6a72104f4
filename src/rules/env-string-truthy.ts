import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'env-string-truthy',
  emittedBy: 'languages/ruby/evaluate.ts (evaluateRubyConfig: `if ENV["X"]` in config/puma.rb, an initializer, any Ruby config read)',
  severity: 'warning',
  summary: 'A Ruby condition tests an env var that is set to "false", "0", "no", "off" or "": every String is true in Ruby, so the branch runs (a Puma plugin, a worker, a pool the value was meant to turn off).',
}
