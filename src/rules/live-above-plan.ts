import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import {joinSome} from '../util/arrays.js'

export const rule: Rule = {
  checkLive({comparison}) {
    if (!comparison) return []
    const out: Diagnostic[] = []
    for (const row of comparison.processTypes) {
      if (row.live <= row.ceiling) continue
      out.push({
        code: 'live-above-plan',
        fix: `check the numbers with \`conncalc plan --explain\` (is --scale ${row.name}=N right? a pool or thread setting conncalc did not see?), and look for connections that leak outside the pool`,
        message: `${row.name}: ${row.live} live connections (${joinSome(row.seenAs, ', ')}), more than the ${row.ceiling} the plan allows even with every pool full`,
        processType: row.name,
        severity: 'warning',
      })
    }

    return out
  },
  code: 'live-above-plan',
  severity: 'warning',
  summary: '`plan --live`: a process type holds more live connections than its computed ceiling.',
}
