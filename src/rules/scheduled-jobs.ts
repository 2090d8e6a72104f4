import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'scheduled-jobs',
  emittedBy: "the cron.json reader (Scalingo's scheduler: each job runs in a one-off container)",
  severity: 'info',
  summary: "cron.json schedules jobs that run in one-off containers with connections of their own; they are not in the total, and more may start in the same minute than --reserve keeps room for.",
}
