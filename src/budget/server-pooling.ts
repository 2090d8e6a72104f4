import type {ServerPoolingBudget} from '../model/budget.js'
import {assumed, fromDefault, type Sourced, sourced} from '../model/source.js'

/** Client connections Heroku's server-side pool accepts (domain facts §1.5, CONFIRMED). */
export const POOLER_CLIENT_LIMIT: Sourced<number> = sourced(
  10_000,
  fromDefault('Heroku server-side connection pooling accepts up to 10,000 client connections', 'https://blog.heroku.com/connection-pooling'),
)

/** Share of the plan's connections the pooler opens to the database (SECONDARY: an assumption). */
export const POOLER_SERVER_SHARE = 0.75

/**
 * The pooled types' connections go to the pooler, which opens at most
 * 75% of the plan's limit on the database (SECONDARY: a third-party note; the
 * official figure could not be read), so that is what counts against the plan.
 */
export function serverPoolingBudget(
  pooled: {ceiling: number; connections: number; name: string}[],
  limit: null | Sourced<number>,
): ServerPoolingBudget {
  const clients = pooled.reduce((n, r) => n + r.connections, 0)
  const clientsCeiling = pooled.reduce((n, r) => n + r.ceiling, 0)
  const serverLimit =
    limit === null
      ? null
      : sourced(
          Math.floor(limit.value * POOLER_SERVER_SHARE),
          assumed(
            `Heroku's pooler opens up to 75% of the plan's ${limit.value} connections on the database (SECONDARY: a third-party note; the official figure could not be read)`,
          ),
          [limit.source],
        )
  const cap = serverLimit?.value ?? Number.POSITIVE_INFINITY
  return {
    clientLimit: POOLER_CLIENT_LIMIT,
    clients,
    clientsCeiling,
    serverCeiling: Math.min(clientsCeiling, cap),
    serverConnections: Math.min(clients, cap),
    serverLimit,
    types: pooled.map((r) => r.name),
  }
}
