import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import {describeSourced} from '../model/source.js'

export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const bouncer = p.model.pgbouncer
      if (!bouncer || p.dynos === 0) continue
      // What the app opens to PgBouncer, as it would open to the database without it.
      const expected = p.processesPerDyno * p.connectionsPerProcess + p.extraPerDyno
      const ceiling = p.processesPerDyno * p.ceilingPerProcess + p.extraPerDyno
      const max = bouncer.maxClientConn
      if (ceiling <= max.value) continue
      const over = expected > max.value
      out.push({
        code: 'pgbouncer-client-limit',
        fix: `raise PGBOUNCER_MAX_CLIENT_CONN to at least ${ceiling} (client connections to PgBouncer are cheap), or lower the pool/processes per dyno`,
        message: `${p.name}: each dyno's processes open up to ${over ? expected : ceiling} connections to PgBouncer (${p.processesPerDyno} × ${over ? p.connectionsPerProcess : p.ceilingPerProcess}${p.extraPerDyno ? ` + ${p.extraPerDyno}` : ''}${over ? '' : ' with every pool full'}), more than PGBOUNCER_MAX_CLIENT_CONN ${max.value} (${describeSourced(max)}): the rest are refused with "no more connections allowed (max_client_conn)"`,
        processType: p.name,
        severity: over ? 'error' : 'warning',
      })
    }

    return out
  },
  code: 'pgbouncer-client-limit',
  severity: 'error',
  summary: "A PgBouncer-buildpack dyno's processes need more client connections than PGBOUNCER_MAX_CLIENT_CONN (a warning when only full pools would).",
}
