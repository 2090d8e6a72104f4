import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const bouncer = p.model.pgbouncer
      if (!bouncer || bouncer.poolMode.value !== 'transaction') continue
      for (const f of bouncer.sessionFeatures) {
        out.push({
          code: 'pgbouncer-session-features',
          file: f.file,
          fix: `give it a direct connection: start ${p.name} without ${bouncer.wrapper}, or point that feature at the database's own URL; PGBOUNCER_POOL_MODE=session keeps sessions but pools less`,
          line: f.line,
          message: `${p.name}: ${f.what} needs the same server connection for the whole session, which PgBouncer's transaction mode does not give: notifications are lost and locks are taken on connections other clients reuse`,
          processType: p.name,
          severity: 'warning',
        })
      }
    }

    return out
  },
  code: 'pgbouncer-session-features',
  severity: 'warning',
  summary: 'LISTEN/NOTIFY or advisory locks (GoodJob, Que, Action Cable postgresql) behind PgBouncer in transaction mode.',
}
