/**
 * Heroku Scheduler (the `scheduler` add-on): its jobs are set in the dashboard, not in the repository, and each
 * runs in a one-off dyno of its own (https://devcenter.heroku.com/articles/scheduler), so its connections add to
 * the app's while it runs. When app.json provisions the add-on, an info line says the jobs are not in the total
 * and that --reserve keeps room for them. Pure: text in, diagnostics out.
 */
import type {Diagnostic} from '../model/diagnostic.js'

import {appJsonAddons} from './manifest-plan.js'

export const HEROKU_SCHEDULER_REF = 'https://devcenter.heroku.com/articles/scheduler'

/** app.json's `addons` entry for Heroku Scheduler (`"scheduler"`, `"scheduler:standard"`, `{"plan": "scheduler:standard"}`), said when the reserve is 0. */
export function herokuSchedulerJobs(text: string, path: string, reserve: number): Diagnostic[] {
  if (reserve > 0) return []
  const addon = appJsonAddons(text, path).find((a) => /^scheduler(:|$)/i.test(a.plan))
  if (addon === undefined) return []
  const {line, plan} = addon
  return [
    {
      code: 'scheduled-jobs',
      file: path,
      fix: 'pass --reserve N (N = the connections of the jobs that may run at once: `heroku addons:open scheduler` lists them)',
      line,
      message: `${path} provisions Heroku Scheduler (${plan}): its jobs are set in the dashboard, not in the repository, and each runs in a one-off dyno with database connections of its own (${HEROKU_SCHEDULER_REF}). They are not in the total; the reserve keeps 0 free`,
      severity: 'info',
    },
  ]
}
