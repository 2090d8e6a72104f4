import type {Budget, ProcessBudget} from '../model/budget.js'

import {describeSourced, isAssumption} from '../model/source.js'
import type {Colours} from './colours.js'

/** The server column: the server, and the pooler it goes through. */
export function serverLabel(p: ProcessBudget): string {
  const m = p.model
  return `${p.server}${m.pgbouncer ? '+pgbouncer' : ''}${m.serverPooling ? ' (pooled)' : ''}`
}

/** Lines under the totals that explain how poolers changed the numbers. */
export function poolerLines(b: Budget, c: Colours): string[] {
  const out: string[] = []
  for (const p of b.processTypes) {
    const bouncer = p.model.pgbouncer
    if (!bouncer) continue
    const clients = p.processesPerDyno * p.connectionsPerProcess + p.extraPerDyno
    const server = p.model.serverConnectionsPerDyno
    const star = server && isAssumption(server.count) ? '*' : ''
    out.push(
      server
        ? `${p.name}: PgBouncer in each dyno opens ${p.connectionsPerDyno}${star} server connections (at most (${bouncer.defaultPoolSize.value} pool + ${bouncer.reservePoolSize.value} reserve) × ${bouncer.countedUrls.length} database${bouncer.countedUrls.length === 1 ? '' : 's'} = ${server.count.value}, and no more than its clients ask for${server.minOpen ? `, but at least the ${server.minOpen.value} of PGBOUNCER_MIN_POOL_SIZE while one is connected` : ''}; ${bouncer.poolMode.value} mode); its processes open ${clients} to PgBouncer (max_client_conn ${bouncer.maxClientConn.value})`
        : `${p.name}: PgBouncer runs in each dyno but none of PGBOUNCER_URLS (${bouncer.urls.value.join(' ')}) is this database: counted directly`,
    )
  }

  const s = b.serverPooling
  if (s) {
    const cap = s.serverLimit ? `, at most ${s.serverLimit.value}* = 75% of ${b.limit}` : ''
    out.push(
      `server-side pool: ${s.types.join(', ')} open${s.types.length === 1 ? 's' : ''} ${s.clients} client connections (limit ${s.clientLimit.value.toLocaleString('en-US')}); the pooler opens ${s.serverConnections} on the database${cap}`,
    )
  }

  return out.map((l) => c.dim(l))
}

/** --explain: where the server-side pool's numbers come from. */
export function poolerExplain(b: Budget): string[] {
  const s = b.serverPooling
  if (!s) return []
  const out = [`server-side pool client limit ${s.clientLimit.value}: ${describeSourced(s.clientLimit)}`]
  if (s.serverLimit) out.push(`server-side pool server connections ${s.serverLimit.value}: ${describeSourced(s.serverLimit)}`)
  for (const p of b.processTypes) if (p.model.serverPooling) out.push(`${p.name} is pooled: ${describeSourced({source: p.model.serverPooling.via, value: true})}`)
  return out
}
