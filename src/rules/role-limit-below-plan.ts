import type {Rule} from './types.js'

export const rule: Rule = {
  checkLive({live, plan}) {
    const role = live.snapshot.role
    if (!plan || role.superuser || role.connectionLimit === null || role.connectionLimit >= plan.limit) return []
    return [
      {
        code: 'role-limit-below-plan',
        fix: `budget against ${role.connectionLimit} (--limit ${role.connectionLimit}), or raise it: ALTER ROLE "${role.name}" CONNECTION LIMIT ${plan.limit} (on Heroku, the limit of a credential is set by the platform)`,
        message: `role "${role.name}" may open at most ${role.connectionLimit} connections (rolconnlimit), fewer than the ${plan.limit} of plan ${plan.name}: the role's limit is the one that applies`,
        severity: 'warning',
      },
    ]
  },
  code: 'role-limit-below-plan',
  severity: 'warning',
  summary: "The connected role's own connection limit (rolconnlimit) is lower than the plan's limit.",
}
