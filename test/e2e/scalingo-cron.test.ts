/**
 * Scalingo's cron.json: jobs in one-off containers beside the formation. Not counted; said when more may start in
 * the same minute than --reserve keeps free (fixture scalingo-cron-jobs: a Node web with pg Pool max 4, five jobs).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const DOCS = 'https://doc.scalingo.com/platform/app/task-scheduling/scalingo-scheduler'

describe('cron.json scheduled jobs', () => {
  const app = procfileOf('scalingo-cron-jobs')

  it('says how many jobs may start in the same minute, which, and what --reserve would keep room for them', () => {
    const r = planJson(app, ['--plan', 'standard-0'])
    // The total is unchanged: web 1 dyno × pg Pool max 4 = 4 (the postdeploy hook only in the deploy peak).
    expect(r.total).toBe(4)
    expect(r.exit).toBe(0)
    const d = r.diagnostics.filter((x) => x.code === 'scheduled-jobs')
    // Minute and hour fields: */10 → :00 :10 … :50 every hour (mail, sync); `0 * * * *` → :00 (hourly); `15 3 * * 1`
    // → 03:15 (nightly, alone: :15 is no multiple of 10). At every :00, mail + sync + hourly = 3; `@reboot` is not a
    // schedule conncalc reads, so it is taken as starting with them: 3 + 1 = 4.
    expect(d).toEqual([
      {
        code: 'scheduled-jobs',
        file: 'cron.json',
        fix: 'pass --reserve 4 (more if a job opens several connections or runs past its next start) to keep room for them',
        line: 3,
        message:
          `cron.json schedules 5 Scalingo jobs, each in a one-off container with database connections of its own (${DOCS}); ` +
          'up to 4 may start in the same minute (3 on `*/10 * * * *`, `0 * * * *`: node jobs/mail.js; node jobs/sync.js; node jobs/hourly.js; ' +
          '1 whose schedule conncalc cannot read (line 7), taken as starting with them). They are not in the total; the reserve keeps 0 free',
        severity: 'info',
      },
    ])
  })

  it('--reserve 3 still leaves one short and says so; --reserve 4 keeps room for all and the line goes', () => {
    const three = planJson(app, ['--plan', 'standard-0', '--reserve', '3'])
    // total = 4 + reserve 3 = 7
    expect(three.total).toBe(7)
    expect(three.diagnostics.find((x) => x.code === 'scheduled-jobs')?.message).toContain('the reserve keeps 3 free')
    const four = planJson(app, ['--plan', 'standard-0', '--reserve', '4'])
    expect(four.total).toBe(8)
    expect(four.codes).not.toContain('scheduled-jobs')
  })

  it('the table output shows the line under the budget', () => {
    const r = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('cron.json:3: info: cron.json schedules 5 Scalingo jobs')
    expect(r.stdout).toContain('fix: pass --reserve 4')
  })

  const {app: temp} = tempApps('scalingo-cron-jobs')
  it('jobs that never start in the same minute need one slot; a cron.json that is not a job list says nothing', () => {
    // 05:00 and 05:30 daily: never together → 1.
    const dir = temp({'cron.json': '{"jobs": [{"command": "0 5 * * * node jobs/mail.js"}, {"command": "30 5 * * * node jobs/sync.js"}]}\n'})
    const d = planJson(`${dir}/Procfile`, ['--plan', 'standard-0']).diagnostics.find((x) => x.code === 'scheduled-jobs')
    expect(d?.message).toContain('schedules 2 Scalingo jobs')
    expect(d?.message).toContain('up to 1 may start in the same minute (one on `0 5 * * *`: node jobs/mail.js)')
    expect(d?.fix).toContain('--reserve 1 ')
    const other = temp({'cron.json': '{"schedule": "daily"}\n'})
    expect(planJson(`${other}/Procfile`, ['--plan', 'standard-0']).codes).not.toContain('scheduled-jobs')
  })
})

/**
 * Heroku Scheduler: app.json `addons` "scheduler:standard" (its jobs live in the dashboard; each runs in a one-off
 * dyno, https://devcenter.heroku.com/articles/scheduler). Fixture scalingo-cron-jobs with its cron.json removed and an
 * app.json naming the add-on: an info line, nothing added to the total; --reserve 2 keeps room and silences it.
 */
describe('Heroku Scheduler in app.json', () => {
  const {app: temp} = tempApps('scalingo-cron-jobs')
  const appJson = `{\n  "name": "mailer",\n  "addons": [\n    "heroku-postgresql:essential-0",\n    "scheduler:standard"\n  ]\n}\n`

  it('says its jobs run in one-off dynos beside the total; --reserve N keeps room', () => {
    const dir = temp({'app.json': appJson, 'cron.json': '{"jobs": []}\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.total).toBe(4)
    expect(r.diagnostics.filter((x) => x.code === 'scheduled-jobs')).toEqual([
      expect.objectContaining({
        file: 'app.json',
        line: 5,
        message: 'app.json provisions Heroku Scheduler (scheduler:standard): its jobs are set in the dashboard, not in the repository, and each runs in a one-off dyno with database connections of its own (https://devcenter.heroku.com/articles/scheduler). They are not in the total; the reserve keeps 0 free',
        severity: 'info',
      }),
    ])
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--reserve', '2']).codes).not.toContain('scheduled-jobs')
  })
})
