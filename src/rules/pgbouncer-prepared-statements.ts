import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import {describeSourced} from '../model/source.js'

export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const bouncer = p.model.pgbouncer
      const safe = bouncer?.preparedStatementsSafe
      if (!bouncer || bouncer.poolMode.value !== 'transaction' || !safe || safe.value) continue
      const prisma = p.model.language !== 'ruby'
      const src = safe.source
      out.push({
        code: 'pgbouncer-prepared-statements',
        file: src.kind === 'file' ? src.file : undefined,
        fix: prisma
          ? 'add pgbouncer=true to the connection string Prisma uses, or set PGBOUNCER_MAX_PREPARED_STATEMENTS=100 (PgBouncer 1.21+, buildpack v0.17.0+)'
          : 'set prepared_statements: false in config/database.yml (production), or PGBOUNCER_PREPARED_STATEMENTS=false (the buildpack adds ?prepared_statements=false to the URL), or PGBOUNCER_MAX_PREPARED_STATEMENTS=100 (PgBouncer 1.21+, buildpack v0.17.0+)',
        line: src.kind === 'file' ? src.line : undefined,
        message: `${p.name} runs PgBouncer in transaction mode, but ${prisma ? 'Prisma' : 'ActiveRecord'} prepared statements are on (${describeSourced(safe)}): queries fail with errors like 'prepared statement "a1" does not exist' when a statement lands on another server connection`,
        processType: p.name,
        severity: 'warning',
      })
    }

    return out
  },
  code: 'pgbouncer-prepared-statements',
  severity: 'warning',
  summary: 'PgBouncer in transaction mode (the buildpack default) while the app still uses prepared statements.',
}
