import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

const threadNoun: Record<string, string> = {
  puma: 'Puma max threads',
  sidekiq: 'Sidekiq concurrency',
}

export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      if (p.dynos === 0) continue
      for (const entry of p.model.pools) {
        const pool = entry.pool.value
        if (pool >= p.threadsPerProcess) continue
        const src = entry.pool.source
        const noun = threadNoun[p.server] ?? `${p.server} threads`
        const db = p.model.pools.length > 1 ? ` of database "${entry.database}"` : ''
        out.push({
          code: 'pool-below-threads',
          file: src.kind === 'file' ? src.file : undefined,
          fix: `give ${p.name} a pool of at least ${p.threadsPerProcess}: e.g. \`${p.name}: RAILS_MAX_THREADS=${p.threadsPerProcess} …\` in the Procfile, or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { ${p.threadsPerProcess} } %> in database.yml`,
          line: src.kind === 'file' ? src.line : undefined,
          message: `pool${db} (${pool}) is below ${noun} (${p.threadsPerProcess}) for ${p.name}: threads will wait for a connection and fail with "could not obtain a connection from the pool within 5.000 seconds"`,
          processType: p.name,
          severity: 'warning',
        })
      }
    }

    return out
  },
  code: 'pool-below-threads',
  severity: 'warning',
  summary: 'A process has more threads than connections in its pool; threads time out waiting.',
}
