import type {Rule} from './types.js'

import {describeMoment} from '../budget/budget.js'
import {limitLabel} from './limit-label.js'


export const rule: Rule = {
  check({budget}) {
    // When the running formation is already over, over-limit says it; this is the
    // case that passes a plain check and fails mid-deploy.
    if (budget.limit === null || budget.total > budget.limit || budget.deployPeak <= budget.limit) return []
    const worst = budget.deployMoments.filter((m) => m.peak > budget.limit!).sort((a, b) => b.peak - a.peak)
    return [
      {
        code: 'deploy-over-limit',
        fix: 'keep room for the deploy: scale down before deploying, turn preboot off, lower pool/threads, add PgBouncer, or move to a larger plan (see --suggest)',
        message: `${budget.total} connections needed and ${limitLabel(budget)} allows ${budget.limit}, but a deploy peaks at ${budget.deployPeak}: during ${worst.map((m) => describeMoment(m, budget.processTypes)).join('; ')} new connections will fail`,
        severity: 'error',
      },
    ]
  },
  code: 'deploy-over-limit',
  severity: 'error',
  summary: 'The formation fits, but a deploy (release phase or preboot overlap) needs more connections than the limit.',
}
