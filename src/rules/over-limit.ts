import type {Rule} from './types.js'

import {limitLabel} from './limit-label.js'

export const rule: Rule = {
  check({budget}) {
    if (budget.limit === null || budget.total <= budget.limit) return []
    return [
      {
        code: 'over-limit',
        fix: 'scale a process type down (see "max dynos"), lower pool/threads, add PgBouncer, or move to a larger plan',
        message: `${budget.total} connections needed, ${limitLabel(budget)} allows ${budget.limit}: new connections will fail with "FATAL: too many connections"`,
        severity: 'error',
      },
    ]
  },
  code: 'over-limit',
  severity: 'error',
  summary: 'The formation needs more connections than the database allows.',
}
