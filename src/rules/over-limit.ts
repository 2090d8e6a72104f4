import type {Budget} from '../model/budget.js'
import type {Rule} from './types.js'

import {dynosThatFit} from '../budget/budget.js'
import {joinSome} from '../util/arrays.js'
import {limitLabel} from './limit-label.js'

/** How far each type could come down alone to fit, the numbers in the text (not "see max dynos"). */
function scaleDown(budget: Budget): string {
  const fits = dynosThatFit(budget, (p) => p.maxDynos >= 1 && p.maxDynos < p.dynos)
  return fits.length > 0 ? `scale one type down (alone, with the others held: ${joinSome(fits, ', ', 5)})` : 'scale process types down'
}

export const rule: Rule = {
  check({budget}) {
    if (budget.limit === null || budget.total <= budget.limit) return []
    return [
      {
        code: 'over-limit',
        fix: `${scaleDown(budget)}, lower pool/threads, add PgBouncer, or move to a larger plan`,
        message: `${budget.total} connections needed, ${limitLabel(budget)} allows ${budget.limit}: new connections will fail with "FATAL: too many connections"`,
        severity: 'error',
      },
    ]
  },
  code: 'over-limit',
  severity: 'error',
  summary: 'The formation needs more connections than the database allows.',
}
