import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import {countedExtras, inPoolDemand} from '../budget/budget.js'

/** What a threaded server calls its threads. */
const threadNoun: Record<string, string> = {
  good_job: 'GoodJob threads',
  puma: 'Puma max threads',
  que: 'Que workers',
  sidekiq: 'Sidekiq concurrency',
  solid_queue: 'Solid Queue worker threads',
}

/**
 * Every threaded server: each pool entry must hold the threads that may ask for
 * it at once, plus what extras check out of that same pool (GoodJob's utility
 * connections, Solid Queue's polling and heartbeat, Que's locker, GoodJob's
 * async threads inside Puma). Sidekiq capsules are already in its threads.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      // gevent/eventlet: greenlets wait for the pool by design; greenlet-concurrency covers it.
      if (p.dynos === 0 || p.model.greenlets) continue
      const inPool = inPoolDemand(p.model)
      const extras = countedExtras(p.model.extrasPerProcess, p.model).filter((x) => x.inPool)
      const primary = p.model.pools.some((e) => e.database === 'primary') ? 'primary' : p.model.pools[0]?.database
      for (const entry of p.model.pools) {
        const pool = entry.pool.value
        const onTop = inPool.get(entry.database) ?? 0
        const needed = p.threadsPerProcess + onTop
        if (pool >= needed) continue
        const src = entry.pool.source
        const noun = threadNoun[p.server] ?? `${p.server} threads`
        const db = p.model.pools.length > 1 ? ` of database "${entry.database}"` : ''
        const mine = extras.filter((x) => (x.database ?? primary) === entry.database)
        const what = onTop > 0 ? `${noun} (${p.threadsPerProcess}) + ${mine.map((x) => `${x.count.value} for ${x.reason}`).join(' + ')} = ${needed}` : `${noun} (${p.threadsPerProcess})`
        out.push({
          code: 'pool-below-threads',
          file: src.kind === 'file' ? src.file : undefined,
          fix:
            onTop > 0
              ? `give ${p.name} a pool${db} of at least ${needed} (threads + ${onTop}), e.g. pool: <%= ENV.fetch("RAILS_MAX_THREADS") { ${p.threadsPerProcess} }.to_i + ${onTop} %> in database.yml`
              : `give ${p.name} a pool of at least ${needed}: e.g. \`${p.name}: RAILS_MAX_THREADS=${needed} …\` in the Procfile, or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { ${needed} } %> in database.yml`,
          line: src.kind === 'file' ? src.line : undefined,
          message: `pool${db} (${pool}) is below ${what} for ${p.name}: threads will wait for a connection and fail with "could not obtain a connection from the pool within 5.000 seconds"`,
          processType: p.name,
          severity: 'warning',
        })
      }
    }

    return out
  },
  code: 'pool-below-threads',
  severity: 'warning',
  summary: 'A threaded process (Puma, Sidekiq incl. capsules, GoodJob, Solid Queue, Que) needs more connections than its pool holds; threads time out waiting.',
}
