import type {Rule} from './types.js'

import {describeSourced} from '../model/source.js'

export const rule: Rule = {
  checkLive({live, options}) {
    if (live.status === 'ok') return []
    const pct = Math.round(live.utilization * 100)
    const used = live.limitBy === 'role' ? live.usedByRole : live.used
    const full = live.status === 'over'
    return [
      {
        code: 'live-near-limit',
        fix: full
          ? 'new connections fail now with "too many connections": find who holds them below (by application), end idle ones (`heroku pg:killall` ends all), then fix the budget with `conncalc plan`'
          : `plan for the peak, not this moment: \`conncalc plan --live\` compares the formation with what is open; the warning threshold is --warn-at ${options.warnAt}`,
        message: `${used} of ${live.limit.value} connections in use (${pct}%)${full ? ': no slots left' : `, ${live.available} left`} (limit: ${describeSourced(live.limit)})`,
        severity: full ? 'error' : 'warning',
      },
    ]
  },
  code: 'live-near-limit',
  severity: 'warning',
  summary: 'The live database is at --warn-at (default 80%) of its limit or more; an error when no slot is left.',
}
