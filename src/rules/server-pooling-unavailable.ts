import type {Rule} from './types.js'

/** Tiers without server-side pooling (domain facts §1.5); legacy hobby/mini/basic were Essential's predecessors. */
const UNAVAILABLE = new Set(['advanced', 'essential', 'legacy'])

export const rule: Rule = {
  check({budget, plan}) {
    const pooling = budget.serverPooling
    if (!pooling || !plan || !UNAVAILABLE.has(plan.tier)) return []
    return [
      {
        code: 'server-pooling-unavailable',
        fix: 'run PgBouncer in the dyno instead (the heroku/pgbouncer buildpack and bin/start-pgbouncer), or use a Standard, Premium, Private or Shield plan',
        message: `${pooling.types.join(', ')} connect${pooling.types.length === 1 ? 's' : ''} through DATABASE_CONNECTION_POOL_URL, but server-side connection pooling is not available on ${plan.name} (${plan.tier} tier): \`heroku pg:connection-pooling:attach\` refuses it`,
        severity: 'error',
      },
    ]
  },
  code: 'server-pooling-unavailable',
  severity: 'error',
  summary: "Heroku's server-side connection pooling is configured on an Essential or Advanced plan, which do not offer it.",
}
