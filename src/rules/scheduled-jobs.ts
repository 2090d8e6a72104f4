import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'scheduled-jobs',
  emittedBy: "the cron.json reader (Scalingo's scheduler: each job runs in a one-off container), and app.json's Heroku Scheduler add-on (its jobs run in one-off dynos)",
  severity: 'info',
  summary: "cron.json schedules jobs that run in one-off containers with connections of their own; they are not in the total, and more may start in the same minute than --reserve keeps room for; or app.json provisions Heroku Scheduler (jobs set in the dashboard) and --reserve keeps no room.",
}
