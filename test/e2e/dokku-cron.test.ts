/**
 * Dokku's app.json `cron` tasks (Dokku ≥ 0.23): each runs in a one-off `dokku run` container beside the formation
 * (https://dokku.com/docs/processes/scheduled-cron-tasks/). Not counted; said when more may start in the same minute
 * than --reserve keeps free, as Scalingo's cron.json jobs are (fixture dokku-app-json-cron: a Node web, pg Pool max 3,
 * 2 instances from app.json formation, four cron tasks; the shape of opensafely-core/job-server's app.json).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const DOCS = 'https://dokku.com/docs/processes/scheduled-cron-tasks/'

describe("Dokku's app.json cron tasks", () => {
  const app = procfileOf('dokku-app-json-cron')

  it('says how many tasks may start in the same minute and what --reserve keeps room for them; the total is unchanged', () => {
    const r = planJson(app, ['--plan', 'standard-0'])
    // web: 2 instances (app.json formation) × pg Pool max 3 (server.js:4) = 6.
    expect(r.total).toBe(6)
    // Minute and hour fields: `*/5 * * * *` → :00 :05 … :55 every hour (digest); @hourly → :00 (cleanup); `30 2 * * *`
    // → 02:30 (report, with digest: 2). At every :00, digest + cleanup = 2; `@every 10m` is not a cron schedule
    // conncalc reads, so it is taken as starting with them: 2 + 1 = 3.
    expect(r.diagnostics.filter((d) => d.code === 'scheduled-jobs')).toEqual([
      {
        code: 'scheduled-jobs',
        file: 'app.json',
        fix: 'pass --reserve 3 (more if a job opens several connections or runs past its next start) to keep room for them',
        line: 4,
        message:
          `app.json schedules 4 Dokku cron tasks, each in a one-off container with database connections of its own (${DOCS}); ` +
          'up to 3 may start in the same minute (2 on `*/5 * * * *`, `@hourly`: node jobs/digest.js; node jobs/cleanup.js; ' +
          '1 whose schedule conncalc cannot read (line 7), taken as starting with them). They are not in the total; the reserve keeps 0 free',
        severity: 'info',
      },
    ])
  })

  it('--reserve 3 keeps room for them: the line goes, and the reserve is taken from the limit', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--reserve', '3'])
    expect(r.diagnostics.filter((d) => d.code === 'scheduled-jobs')).toEqual([])
    // The total counts the reserve: 6 + 3 = 9.
    expect(r.total).toBe(9)
  })
})
