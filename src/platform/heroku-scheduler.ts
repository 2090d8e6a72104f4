/**
 * Heroku Scheduler (the `scheduler` add-on): its jobs are set in the dashboard, not in the repository, and each
 * runs in a one-off dyno of its own (https://devcenter.heroku.com/articles/scheduler), so its connections add to
 * the app's while it runs. When app.json provisions the add-on, an info line says the jobs are not in the total
 * and that --reserve keeps room for them. Pure: text in, diagnostics out.
 */
import type {Diagnostic} from '../model/diagnostic.js'

import {lineIndex} from '../util/lines.js'

export const HEROKU_SCHEDULER_REF = 'https://devcenter.heroku.com/articles/scheduler'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** app.json's `addons` entry for Heroku Scheduler (`"scheduler"`, `"scheduler:standard"`, `{"plan": "scheduler:standard"}`), said when the reserve is 0. */
export function herokuSchedulerJobs(text: string, path: string, reserve: number): Diagnostic[] {
  if (reserve > 0) return []
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return []
  }

  if (!isObject(data) || !Array.isArray(data.addons)) return []
  const plan = data.addons.map((a) => (typeof a === 'string' ? a : isObject(a) && typeof a.plan === 'string' ? a.plan : '')).find((p) => /^scheduler(:|$)/i.test(p.trim()))
  if (plan === undefined) return []
  const at = text.indexOf(JSON.stringify(plan))
  return [
    {
      code: 'scheduled-jobs',
      file: path,
      fix: 'pass --reserve N (N = the connections of the jobs that may run at once: `heroku addons:open scheduler` lists them)',
      line: at === -1 ? 1 : lineIndex(text)(at),
      message: `${path} provisions Heroku Scheduler (${plan.trim()}): its jobs are set in the dashboard, not in the repository, and each runs in a one-off dyno with database connections of its own (${HEROKU_SCHEDULER_REF}). They are not in the total; the reserve keeps 0 free`,
      severity: 'info',
    },
  ]
}
