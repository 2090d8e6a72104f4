import type {Rule} from './types.js'

export const rule: Rule = {
  check({budget}) {
    const pooling = budget.serverPooling
    if (!pooling || pooling.clients <= pooling.clientLimit.value) return []
    return [
      {
        code: 'server-pooling-client-limit',
        fix: 'send fewer types through DATABASE_CONNECTION_POOL_URL, or lower their pools',
        message: `${pooling.types.join(', ')} open ${pooling.clients} client connections to Heroku's server-side pool, more than the ${pooling.clientLimit.value} it accepts`,
        severity: 'error',
      },
    ]
  },
  code: 'server-pooling-client-limit',
  severity: 'error',
  summary: "The types behind Heroku's server-side pool open more than its 10,000 client connections.",
}
