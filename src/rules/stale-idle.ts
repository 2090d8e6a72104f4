import type {Rule} from './types.js'

import {formatSeconds} from '../util/duration.js'
import {appList} from '../live/app-list.js'
import {maxOf} from '../util/numbers.js'

export const rule: Rule = {
  checkLive({live, options}) {
    const stale = live.snapshot.backends.filter((b) => b.state === 'idle' && (b.stateSeconds ?? 0) >= options.staleIdleSeconds)
    if (stale.length === 0) return []
    const oldest = maxOf(stale.map((b) => b.stateSeconds ?? 0))
    return [
      {
        code: 'stale-idle',
        fix: 'zombie connections from dynos that were restarted or crashed, or pools that never let go: end them (`heroku pg:killall`, or SELECT pg_terminate_backend(pid)), and give pools an idle timeout (ActiveRecord idle_timeout, pg Pool idleTimeoutMillis) or set idle_session_timeout (PostgreSQL 14+)',
        message: `${stale.length} connection${stale.length === 1 ? '' : 's'} idle for ${formatSeconds(options.staleIdleSeconds)} or more (oldest ${formatSeconds(oldest)}): ${appList(stale)}; they take slots and do no work`,
        severity: 'warning',
      },
    ]
  },
  code: 'stale-idle',
  severity: 'warning',
  summary: 'Connections idle for a long time (default an hour): zombies that take slots and do no work.',
}
