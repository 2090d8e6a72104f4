import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import {describeSource} from '../model/source.js'
import {inPoolDemand} from '../budget/budget.js'
import {SINGLE_THREADED} from './pool-oversized.js'

/**
 * A pool much larger than the threads that can use it: harmless at the peak
 * (a thread holds one connection), but it inflates the ceiling, and a pool
 * that opens its connections eagerly (HikariCP, psycopg_pool min_size) holds
 * them whether or not a thread needs them.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      // pool-oversized covers Unicorn, Resque and Delayed Job, with Heroku's "1 or 2" advice.
      if (p.dynos === 0 || p.role !== 'long-running' || SINGLE_THREADED.has(p.server)) continue
      // Threads the app starts itself that draw from a pool use it too (extras in the pool).
      const onTop = inPoolDemand(p.model)
      for (const entry of p.model.pools) {
        const threads = p.threadsPerProcess + (onTop.get(entry.database) ?? 0)
        const pool = entry.pool.value
        const eager = Math.min(entry.minOpen?.value ?? 0, pool)
        const src = entry.pool.source
        const where = src.kind === 'file' ? {file: src.file, line: src.line} : {}
        const db = p.model.pools.length > 1 ? ` "${entry.database}"` : ''
        if (eager > threads) {
          out.push({
            code: 'oversized-pool',
            ...where,
            fix: `size the pool to the ${threads} thread(s) per process, or lower its minimum (${describeSource(entry.minOpen!.source)})`,
            message: `${p.name}: the pool${db} opens ${eager} connections per process at start, but only ${threads} thread(s) can use them; ${(eager - threads) * p.processesPerDyno * p.dynos} connections sit idle across ${p.dynos} dyno(s)`,
            processType: p.name,
            severity: 'warning',
          })
        } else if (pool >= 2 * threads && pool - threads >= 5) {
          out.push({
            code: 'oversized-pool',
            ...where,
            fix: `a pool of ${threads} is enough for ${p.name}`,
            message: `${p.name}: the pool${db} (${pool}) is far larger than the ${threads} thread(s) that can use it; the extra ${pool - threads} per process fill only if connections leak, and the ceiling counts them`,
            processType: p.name,
            severity: 'info',
          })
        }
      }
    }

    return out
  },
  code: 'oversized-pool',
  severity: 'info',
  summary: 'A pool is far larger than the threads that can use it (a warning when the pool opens those connections at start).',
}
