import type {Rule} from './types.js'

import {formatSeconds} from '../util/duration.js'
import {appList} from '../live/app-list.js'
import {maxOf} from '../util/numbers.js'

export const rule: Rule = {
  checkLive({live, options}) {
    const stuck = live.snapshot.backends.filter(
      (b) => /^idle in transaction/.test(b.state ?? '') && (b.stateSeconds ?? 0) >= options.idleInTransactionSeconds,
    )
    if (stuck.length === 0) return []
    const longest = maxOf(stuck.map((b) => b.stateSeconds ?? 0))
    return [
      {
        code: 'idle-in-transaction',
        fix: "look for code that opens a transaction and then waits (an HTTP call or a job inside `transaction do`); cap it with ALTER ROLE … SET idle_in_transaction_session_timeout = '60s'",
        message: `${stuck.length} connection${stuck.length === 1 ? '' : 's'} idle in a transaction for ${formatSeconds(options.idleInTransactionSeconds)} or more (longest ${formatSeconds(longest)}): ${appList(stuck)}; each holds a connection and its locks, and blocks vacuum`,
        severity: 'warning',
      },
    ]
  },
  code: 'idle-in-transaction',
  severity: 'warning',
  summary: 'Sessions sit idle inside an open transaction (default: for a minute or more), holding a connection and locks.',
}
