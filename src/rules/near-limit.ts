import type {Rule} from './types.js'

import {limitLabel} from './limit-label.js'

export const rule: Rule = {
  check({budget}) {
    if (budget.status !== 'warning' || budget.limit === null) return []
    const pct = Math.round((budget.total / budget.limit) * 100)
    return [
      {
        code: 'near-limit',
        fix: `keep slots free for \`heroku run\`, pg:psql and Scheduler (--reserve N) or plan headroom; the warning threshold is --warn-at ${budget.warnAt}`,
        message: `${budget.total} of ${budget.limit} connections (${pct}%) on ${limitLabel(budget)}: ${budget.limit - budget.total} left for one-off dynos, consoles and deploys`,
        severity: 'warning',
      },
    ]
  },
  code: 'near-limit',
  severity: 'warning',
  summary: 'The formation uses at least --warn-at (default 80%) of the limit.',
}
