import type {AppModel, ProcessModel} from './model/process.js'
import type {AssumptionEntry} from './request.js'

import {budgetProcess} from './budget/budget.js'
import {sourced} from './model/source.js'

/**
 * The config file's `assumptions` (and the changes `--suggest` proposes) replace
 * what the analyzers read or assumed, for one process type each. The new values
 * carry the config file's line as their source, so --explain shows them.
 */
export function applyAssumptions(app: AppModel, assumptions: ReadonlyMap<string, AssumptionEntry>): void {
  for (const [type, {source, values}] of assumptions) {
    const p = app.processes.find((x) => x.name === type)
    if (!p) continue
    applyAssumption(p, {source, values})
  }
}

export function applyAssumption(p: ProcessModel, {source, values}: AssumptionEntry): void {
  if (values.processes !== undefined) p.processesPerDyno = sourced(values.processes, source)
  if (values.threads !== undefined) p.threadsPerProcess = sourced(values.threads, source)
  if (values.pool !== undefined) {
    const pool = sourced(values.pool, source)
    p.pools =
      p.pools.length === 0
        ? [{database: 'primary', pool, server: 'DATABASE_URL'}]
        : p.pools.map((e) => ({...e, pool}))
  }

  if (values.pgbouncer !== undefined) {
    const {poolSize, reservePoolSize} = values.pgbouncer
    delete p.serverConnectionsPerDyno
    // PgBouncer opens server connections as clients ask, up to pool + reserve per database.
    const demand = budgetProcess(p).connectionsPerDyno
    const count = Math.min(poolSize + reservePoolSize, demand)
    p.serverConnectionsPerDyno = {
      count: sourced(count, source),
      reason: `PgBouncer buildpack: PGBOUNCER_DEFAULT_POOL_SIZE ${poolSize} + PGBOUNCER_RESERVE_POOL_SIZE ${reservePoolSize}${count < poolSize + reservePoolSize ? `, capped at the ${demand} connections the dyno's processes ask for` : ''}`,
    }
  }
}
